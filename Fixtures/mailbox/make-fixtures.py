#!/usr/bin/env python3
"""Writes the small mbox fixtures of this folder and, beside each, the expected result.

The expectation is by construction, not by running our reader: each fixture is written from known original
messages, so the offset and length of every entry and the bytes a reader must return are known here.
Columns of NAME.expected.tsv: index, offset, length, sha256 of the message bytes, defects (comma-separated
MailboxDefects names, '-' for none), envelope line.
Run: python3 make-fixtures.py   (from this folder; rewrites every fixture)
"""
import hashlib

def msg(subject, body):
    return (f"From: a@example.org\nTo: b@example.net\nSubject: {subject}\n\n" + body).encode()

def rd_quote(m):  # mboxrd: one '>' more on every ^>*From line
    out = []
    for line in m.split(b"\n"):
        stripped = line.lstrip(b">")
        out.append(b">" + line if stripped.startswith(b"From ") else line)
    return b"\n".join(out)

def with_cl(m):  # mboxcl2: Content-Length header added, counting the body bytes
    head, body = m.split(b"\n\n", 1)
    return head + b"\nContent-Length: %d\n\n" % len(body) + body, len(body)

def write(name, entries, note):
    """entries: list of (raw entry bytes, expected message bytes, defects, envelope)."""
    data = b"".join(e[0] for e in entries)
    open(name + ".mbox", "wb").write(data)
    rows = ["# " + note, "index\toffset\tlength\tsha256\tdefects\tenvelope"]
    at = 0
    for i, (raw, message, defects, envelope) in enumerate(entries):
        rows.append(f"{i}\t{at}\t{len(raw)}\t{hashlib.sha256(message).hexdigest()}\t{defects or '-'}\t{envelope}")
        at += len(raw)
    open(name + ".expected.tsv", "w").write("\n".join(rows) + "\n")

ENV = "From sender@example.org Thu Jul  2 12:05:05 2020"

# 1. mboxrd quoting: original lines "From x", ">From y", ">>From z" come back exactly.
m1 = msg("quoting", "From the start of a paragraph\n>From already quoted\n>>From twice\n> From not quoting\n")
m2 = msg("second", "plain\n")
write("mboxrd-quoting", [
    ((ENV + "\n").encode() + rd_quote(m1) + b"\n", m1, "", ENV),
    ((ENV + "\n").encode() + rd_quote(m2) + b"\n", m2, "", ENV),
], "mboxrd: body lines ^>*From get one more '>' on writing; the reader removes exactly one")

# 2. mboxcl2: Content-Length, body lines starting "From " left bare, one of them a dated envelope-like
#    line after a blank line (git format-patch); and a body ending in a blank line.
m3 = msg("patch", "Please apply.\n\nFrom 1234abcd Mon Sep 17 00:00:00 2001\nFrom: Dev <dev@example.org>\n\n"
         "From my point of view this is fine.\n\n")
m4 = msg("after", "next message\n")
c3, _ = with_cl(m3)
c4, _ = with_cl(m4)
write("mboxcl2-from-lines", [
    ((ENV + "\n").encode() + c3 + b"\n", c3, "", ENV),
    ((ENV + "\n").encode() + c4 + b"\n", c4, "", ENV),
], "mboxcl2: Content-Length lands on the blank line before the next From_ line, so the bare From lines inside do not split")

# 3. A Content-Length that is wrong (too small): ignored, From_ lines decide, defect recorded.
m5 = msg("wrong length", "line one\nline two\n")
head, body = m5.split(b"\n\n", 1)
c5 = head + b"\nContent-Length: 3\n\n" + body
write("bad-content-length", [
    ((ENV + "\n").encode() + c5 + b"\n", c5, "mailbox-bad-content-length", ENV),
    ((ENV + "\n").encode() + m2 + b"\n", m2, "", ENV),
], "Content-Length: 3 lands inside a line: not trusted, the From_ line after the blank line ends the message")

# 4. Odd From_ lines: no seconds and a zone name (Mail::Box), missing sender, no date at all ("From - "),
#    an RFC 5322 date, and an envelope with no blank line before it (GNU Mailutils msg.mbox).
odd = [
    ("From magick-owner@example.com Wed Feb  9 22:02 MET 2000", "", True),
    ("From  Thu Apr 29 23:34:45 2015", "mailbox-odd-from-line", True),
    ("From - ", "mailbox-odd-from-line", True),
    ("From bounce@example.net Sat, 4 Oct 2025 08:00:07 +0200", "", True),
    ("From gray@example.org Tue Nov 29 09:42:53 2011", "", False),
]
entries = []
for i, (env, defects, blank_after) in enumerate(odd):
    m = msg(f"odd {i}", "body\n")
    sep = b"\n" if blank_after else b""
    entries.append(((env + "\n").encode() + m + sep, m, defects, env))
write("odd-from-lines", entries, "odd envelope lines; entry 3 has no blank line before the next envelope (kept as is)")

# 5. No final newline.
m6 = msg("last", "no line end at the very end")
write("no-final-newline", [
    ((ENV + "\n").encode() + m2 + b"\n", m2, "", ENV),
    ((ENV + "\n").encode() + m6, m6, "mailbox-missing-final-newline", ENV),
], "the file ends without a line end")

# MMDF mailboxes (mmdf(5); Mutt's mbox_type=MMDF): each message between two lines of four Control-A
# bytes. An entry's offset and length are its message text alone (separators and From_ line left out).
SEP = b"\x01\x01\x01\x01\n"

def write_mmdf(name, pieces, note):
    """pieces: bytes written as they are, or (envelope or None, message bytes, defects) for a message
    whose text is written there (its envelope line first, if any)."""
    data = b""
    rows = ["# " + note, "index\toffset\tlength\tsha256\tdefects\tenvelope"]
    for piece in pieces:
        if isinstance(piece, bytes):
            data += piece
            continue
        envelope, message, defects = piece
        if envelope is not None:
            data += (envelope + "\n").encode()
        rows.append(f"{len(rows) - 2}\t{len(data)}\t{len(message)}\t{hashlib.sha256(message).hexdigest()}\t"
                    f"{defects or '-'}\t{envelope or ''}")
        data += message
    open(name + ".mmdf", "wb").write(data)
    open(name + ".expected.tsv", "w").write("\n".join(rows) + "\n")

# 6. As Mutt writes it (a From_ line after the opening separator) and as MMDF did (none); a body with a
#    bare "From " line (never quoted in MMDF), Control-A inside lines and a line of three; a blank line
#    between two messages (passed over).
mm1 = msg("mutt", "From here on nothing is quoted.\n>From stays as it is.\n")
mm2 = msg("classic", "A line with \x01 inside and \x01\x01\x01\x01 not at its start.\n\x01\x01\x01\n\x01\x01\x01\x01 then text\n")
mm3 = msg("last", "third\n")
write_mmdf("mmdf", [
    SEP, (ENV, mm1, ""), SEP,
    SEP, (None, mm2, ""), SEP,
    b"\n",
    SEP, ("From MAILER-DAEMON Sat Dec  5 10:00:00 2026", mm3, ""), SEP,
], "MMDF: Mutt's From_ lines, MMDF's none; Control-A inside lines is content; a blank line between messages")

# 7. Damage: an empty pair of separators (no message); an envelope without a date (odd); a message
#    without its opening separator after a closing one; a first line that is a "From :" header field;
#    the last message without its closing separator and without a final line end.
md1 = msg("no opening separator", "body\n")
md2 = b"From : obsolete <old@example.org>\nSubject: obs-optional\n\nbody\n"
md3 = msg("cut", "no closing separator, no final line end")
write_mmdf("mmdf-damaged", [
    SEP, SEP,
    SEP, ("From nobody", mm3, "mailbox-odd-from-line"), SEP,
    (None, md1, "mailbox-missing-separator"), SEP,
    SEP, (None, md2, ""), SEP,
    SEP, (None, md3, "mailbox-missing-final-newline,mailbox-missing-separator"),
], "MMDF damage: an empty pair, an odd envelope, a missing opening separator, a From : field, a missing closing separator")
