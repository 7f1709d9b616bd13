#!/usr/bin/env python3
"""Writes ID.eml for a Sendmail queue entry qfID + dfID in the current folder: the message as Sendmail's
SMTP mailers would send it, read from the control file by the Sendmail Installation and Operation Guide,
appendix B ("Queue file formats"), independently of the Swift decoder.

A record is a line and the lines after it that start with a space or a tab (readqf reads the file with
fgetfolded). Each H record is a header: "H", then "?condition?" when Sendmail wrote one, then the field.
A header whose condition is a set of mailer flags is sent only by a mailer with one of them; the SMTP
mailers of the stock configuration (smtp F=mDFMuX, esmtp mDFMuXa, smtp8 mDFMuX8, relay mDFMuXa8) share
mDFMuX, so ?P?Return-Path (P: final delivery) and ?x?Full-Name are not sent, ?D?, ?F?, ?M? are. A
macro condition ($x, ${name}, or the byte 0x81 and a name) is kept. When the F record holds the flag b
("a Bcc: header should be removed"), Bcc: and Resent-Bcc: are left out. Then a blank line and the df file.

usage: expectation.py ID
"""
import sys

SMTP_FLAGS = set(b"mDFMuX")

def records(data):
    out = []
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines = lines[:-1]
    for line in lines:
        if line[:1] in (b" ", b"\t") and out:
            out[-1] += b"\n" + line
        else:
            out.append(line)
    return out

def headers(qf):
    kept = b""
    all_records = records(qf)
    delete_bcc = any(r.startswith(b"F") and b"b" in r[1:] for r in all_records)
    for record in all_records:
        if record == b".":
            break
        if not record.startswith(b"H"):
            continue
        field = record[1:]
        if field.startswith(b"?"):
            end = field.index(b"?", 1)
            condition, field = field[1:end], field[end + 1:]
            is_macro = condition[:1] in (b"$", b"\x81")
            if condition and not is_macro and not (set(condition) & SMTP_FLAGS):
                continue
        name = field.split(b":", 1)[0].strip().lower()
        if delete_bcc and name in (b"bcc", b"resent-bcc"):
            continue
        kept += field + b"\n"
    return kept

if __name__ == "__main__":
    qid = sys.argv[1]
    qf = open("qf" + qid, "rb").read()
    df = open("df" + qid, "rb").read()
    open(qid + ".eml", "wb").write(headers(qf) + b"\n" + df)
