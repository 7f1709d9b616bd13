#!/usr/bin/env python3
"""Mutated mail as Sendmail queue entries, against the same messages as plain message files: for each
seed, COUNT mutated messages (mutate.py), each written as a `qfID` control file and a `dfID` data file in a
folder laid out as Sendmail's `/var/spool/mqueue` is (flat, or with `qf/`, `df/`, `xf/` sub-folders, as
the seed picks), in shapes the seed picks: the records every entry has (V, T, K, N, P, I, `$` macros with
one-letter and long names, S, A, r, R with flag letters) and some it may have (M with continuation
lines, F with and without `b` and `8`, B, C, Z, Q, several recipients); headers with `?conditions?` of
mailer flags the SMTP mailers have and have not, of macros (`$j`, `${name}`, the byte 0x81 and a name),
Return-Path's 0x81 macro, a Bcc: among them; quarantined (`hf`) and set-aside (`Qf`) control files;
transcripts (`xf`) and temporary files (`tf`) beside some. A quarter of the entries are damaged after the
`T` record: the control file cut, bytes changed, a record of an unknown letter, a condition without its
closing `?`, a recipient without the colon after its flags, or no `df` file.

The oracle is this file's own reading of the format (`decode`, written from the Sendmail Installation and
Operation Guide's appendix B, "Queue file formats", and the rules Fixtures/mailbox/sendmail-queue's
cross-check confirmed, not from our reader): each entry's message as Sendmail's SMTP mailer sends it,
written as a plain message file, and whether it met damage. Checked for each seed:
- `scan` of the queue folder exits 0 or 1, never by a signal and within the time limit;
- it gives one record an entry, equal to the record of the oracle's message file (`source`, `index` and
  `offset` aside), and `mailbox-damaged-queue-file` in `defects` exactly where the oracle met damage.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: sendmailqueue.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import os, sys

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)

DAMAGED = 'mailbox-damaged-queue-file'
# A Sendmail control file starts with V too.
OTHER_FORMATS = (b'V',)
# The flags every stock SMTP mailer has (cf/mailer/smtp.m4: smtp F=mDFMuX).
SMTP_FLAGS = set(b'mDFMuX')
# readqf's record letters besides V, T, S, F, R, H and `.`.
OTHER_LETTERS = set(b'ABCdDEGIKLMNPqQrXYZ!$')
CONDITIONS = [b'', b'', b'', b'P', b'x', b'D', b'F', b'M', b'DFM', b'Pq', b'$j', b'${daemon_flags}', b'\x81j', b'u']


def decode(control, data):
    """(message, damaged): the message the entry holds, as Sendmail's SMTP mailer sends it."""
    lines = control.split(b'\n')
    whole_last = control.endswith(b'\n')
    if whole_last:
        lines = lines[:-1]
    # Records: a line and the lines after it that start with a space or a tab; each with whether an LF
    # ends it.
    records = []
    for k, line in enumerate(lines):
        complete = whole_last or k < len(lines) - 1
        if line[:1] in (b' ', b'\t') and records:
            records[-1] = (records[-1][0] + b'\n' + line, complete)
        else:
            records.append((line, complete))
    headers, delete_bcc, version, damaged, ended = [], False, 0, False, False
    for record, complete in records:
        if not complete and record != b'.':
            damaged = True
            break
        if not record:
            damaged = True
            break
        letter, value = record[0], record[1:]
        if letter == ord('.'):
            ended = True
            break
        if letter == ord('V'):
            version = int(value) if value.isdigit() and len(value) <= 18 else 0
        elif letter == ord('F'):
            delete_bcc = delete_bcc or b'b' in value
        elif letter == ord('R'):
            if version >= 1 and b':' not in value:
                damaged = True
                break
        elif letter == ord('H'):
            field = value
            if field[:1] == b'?':
                close = field.find(b'?', 1)
                if close < 0:
                    damaged = True
                    break
                condition, field = field[1:close], field[close + 1:]
                macro = condition[:1] in (b'$', b'\x81')
                if condition and not macro and not (set(condition) & SMTP_FLAGS):
                    continue
            name = field.split(b':', 1)[0].rstrip(b' \t').lower() if b':' in field else None
            headers.append((field, name in (b'bcc', b'resent-bcc')))
        elif letter in (ord('T'), ord('S')) or letter in OTHER_LETTERS:
            pass
        else:
            damaged = True
            break
    if not ended and not damaged:
        damaged = True
    out = b''.join(field + b'\n' for field, is_bcc in headers if not (delete_bcc and is_bcc)) + b'\n'
    if data is None:
        damaged = True
    else:
        out += data
    return out, damaged


def fields(header_text):
    """The header fields of `header_text` (ending in LF), each with its continuation lines, without its
    last LF."""
    found = []
    for line in header_text.split(b'\n')[:-1]:
        if line[:1] in (b' ', b'\t') and found:
            found[-1] += b'\n' + line
        else:
            found.append(line)
    return found


def entry(message, rng):
    """(control bytes, data bytes, where the T record ends) for `message` in the seed's shapes."""
    split = message.find(b'\n\n')
    head, body = (message[:split + 1], message[split + 2:]) if split >= 0 else (message, b'')
    if head and not head.endswith(b'\n'):
        head += b'\n'
    c = bytearray(b'V8\nT1796585812\n')
    after_t = len(c)
    c += b'K%d\nN%d\nP%d\n' % (rng.choice([0, 1796585827]), rng.randint(0, 9), rng.randint(0, 99999))
    if rng.random() < 0.5:
        c += b'I254/0/1040446\n'
    if rng.random() < 0.4:
        c += rng.choice([b'MDeferred: Connection refused by remote.example.\n', b'MUser unknown\n',
                         b'MA status\n\tcontinued on a second line\n'])
    if rng.random() < 0.2:
        c += b'B8BITMIME\n'
    if rng.random() < 0.8:
        c += b'F' + rng.choice([b'bs', b'rns', b'8bs', b'bdns', b'w', b's']) + b'\n'
    c += b'$_root@localhost\n${daemon_flags}c u\n'
    if rng.random() < 0.3:
        c += b'$r\n$slocalhost\n'
    c += b'S' + rng.choice([b'MAILER-DAEMON', b'alice@example.net', b'<>']) + b'\n'
    if rng.random() < 0.2:
        c += b'Zenv-%d\n' % rng.randrange(1000)
    c += b'Aalice@example.net\n'
    if rng.random() < 0.2:
        c += b'C:postmaster\n'
    for n in range(rng.randint(1, 3)):
        if rng.random() < 0.2:
            c += b'Qrfc822;r%d@remote.example\n' % n
        c += b'rRFC822; r%d@remote.example\n' % n
        c += b'R' + rng.choice([b'PFD', b'PNFD', b'PFA', b'', b'P']) + b':r%d@remote.example\n' % n
    if rng.random() < 0.8:
        c += b'H?P?Return-Path: <\x81g>\n'
    c += b'H??X-Fuzz: first\n'
    for field in fields(head):
        if rng.random() < 0.05:
            c += b'H??Bcc: hidden@remote.example\n'
        condition = rng.choice(CONDITIONS)
        c += b'H?' + condition + b'?' + field + b'\n' if condition or rng.random() < 0.9 else b'H' + field + b'\n'
    c += b'.\n'
    return bytes(c), body, after_t


def damage(control, after, rng):
    kind = rng.choice(['cut', 'bytes', 'letter', 'condition', 'recipient'])
    if kind == 'cut':
        return control[:rng.randrange(after, len(control))]
    if kind == 'bytes':
        return fuzzmbox.bytes_changed(control, after, rng)
    insert = {'letter': b'W unknown\n', 'condition': b'H?P Broken: yes\n', 'recipient': b'Rno.colon@example.org\n'}[kind]
    lines = control.split(b'\n')
    at = rng.randrange(2, len(lines))
    return b'\n'.join(lines[:at]) + b'\n' + insert + b'\n'.join(lines[at:])


failed = 0
for seed in seeds:
    rng, mutated = fuzzmbox.seed_start(seed, count, work)
    queue_dir = os.path.join(work, f'seed{seed}.mqueue')
    oracle_dir = os.path.join(work, f'seed{seed}.oracle')
    subfolders = rng.random() < 0.5
    places = {'qf': 'qf', 'df': 'df', 'xf': 'xf', 'tf': 'qf'} if subfolders else {}
    for sub in set(places.values()) | {''}:
        os.makedirs(os.path.join(queue_dir, sub), exist_ok=True)
    os.makedirs(oracle_dir, exist_ok=True)
    damaged = []
    n = 0
    for one in fuzzmbox.messages(mutated):
        message = fuzzmbox.unquoted_message(one)
        message = fuzzmbox.as_message_file(message, also=OTHER_FORMATS)
        qid = '6B6J%02X%02d%06d' % (seed % 256, n % 100, n)
        control, data, after = entry(message, rng)
        if rng.random() < 0.25:
            if rng.random() < 0.2:
                data = None
            else:
                control = damage(control, after, rng)
        expected, is_damaged = decode(control, data)
        prefix = rng.choice(['qf'] * 8 + ['hf', 'Qf'])

        def write(kind, name, content):
            with open(os.path.join(queue_dir, places.get(kind, ''), name), 'wb') as f:
                f.write(content)

        write('qf', prefix + qid, control)
        if data is not None:
            write('df', 'df' + qid, data)
        if rng.random() < 0.1:
            write('xf', 'xf' + qid, b'220 mx.example.net ESMTP\n>>> MAIL From:<a@b>\n')
        if rng.random() < 0.05:
            write('tf', 'tf' + qid, control[:len(control) // 2])
        # Named as the control file is, so that the oracle's folder sorts as the queue's does.
        with open(os.path.join(oracle_dir, prefix + qid + '.eml'), 'wb') as f:
            f.write(expected)
        damaged.append((prefix + qid, is_damaged))
        n += 1
    damaged = [d for _, d in sorted(damaged, key=lambda pair: pair[0].encode())]
    status, records, problems = fuzzmbox.check_decoded(binary, queue_dir, oracle_dir, damaged, DAMAGED, 'entries')
    failed += fuzzmbox.end_seed(f'seed={seed} entries={n} damaged={sum(damaged)} subfolders={subfolders} records={records} '
                                f'status={status}', problems, (mutated, queue_dir, oracle_dir))
fuzzmbox.end_campaign(failed)
