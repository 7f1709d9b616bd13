#!/usr/bin/env python3
"""A report wrapped by a gateway or a list must read as it did: every message of the SOURCEs (folders of
message files, or mboxes) is written as it is, and with its body entity (its MIME fields and its body)
made the one part of a multipart/mixed, the rest of its header kept on top. The two mboxes are scanned
by BIN and the records compared without their positions, defects and verdicts (the wrapping changes
what a message looks like, not what it reports). Expected to differ: a file that glues a second message
after its multipart's close (sisimai rfc3464-28, rhost-cox-01, and backscatter-dev's copy of the
latter), read from the root's epilogue only. Prints the messages that differ and in which fields.

Usage: nesting.py BIN WORKDIR SOURCE... [--show N]   (SOURCE: a folder of message files, or an mbox)
"""
import os, sys

import fuzzmbox

binary, work, sources, show, only = fuzzmbox.invariant_arguments(sys.argv[1:])


def split_header(raw):
    """The header section (with its last LF) and the body, or None without a blank line."""
    i = raw.find(b'\n\n')
    if i < 0: return None
    return raw[:i + 1], raw[i + 2:]


def fields(header):
    """The header's fields, each with its continuation lines."""
    out, cur = [], b''
    for line in header.split(b'\n'):
        if not line: continue
        if line[:1] in (b' ', b'\t') and cur:
            cur += b'\n' + line
        else:
            if cur: out.append(cur)
            cur = line
    if cur: out.append(cur)
    return out


MIME_FIELDS = {b'content-type', b'content-transfer-encoding', b'content-disposition', b'content-description', b'content-id'}


def nested(raw):
    """`raw` wrapped, or None where it has no body or holds the wrapper's boundary."""
    parts = split_header(raw)
    if not parts: return None
    header, body = parts
    content, rest = [], []
    for f in fields(header):
        name = f.split(b':', 1)[0].strip().lower()
        (content if name in MIME_FIELDS else rest).append(f)
    if not any(f.split(b':', 1)[0].strip().lower() == b'mime-version' for f in rest):
        rest.append(b'MIME-Version: 1.0')
    boundary = b'=_nesting_probe_boundary_7f3a'
    if boundary in raw: return None
    out = b'\n'.join(rest) + b'\nContent-Type: multipart/mixed; boundary="' + boundary + b'"\n\n'
    out += b'--' + boundary + b'\n' + (b'\n'.join(content) + b'\n' if content else b'') + b'\n' + body
    if not out.endswith(b'\n'): out += b'\n'
    out += b'--' + boundary + b'--\n'
    return out


kept = []
with open(os.path.join(work, 'plain.mbox'), 'wb') as a, open(os.path.join(work, 'nested.mbox'), 'wb') as b:
    for name, raw in fuzzmbox.originals(sources):
        n = nested(raw)
        if n is None: continue
        a.write(fuzzmbox.entry(raw)); b.write(fuzzmbox.entry(n)); kept.append(name)


# Files of the shared corpus that glue a second message after their multipart's close delimiter (the
# backscatter-dev inbox's entry 372 is a copy of rhost-cox-01).
GLUED = {'rfc3464-28.eml', 'rhost-cox-01.eml', 'corpus.mbox#372'}
# What the wrapping may change: the positions, the defects, and the verdict and its evidence.
DROP = fuzzmbox.POSITIONS + ('evidence', 'score', 'verdict', 'campaign')
a = fuzzmbox.scan(binary, os.path.join(work, 'plain.mbox'), drop=DROP)
b = fuzzmbox.scan(binary, os.path.join(work, 'nested.mbox'), drop=DROP)
print(f'{len(kept)} messages; as they are: {len(a)} records')
sys.exit(1 if len(a) != len(kept) or fuzzmbox.compare('nested', a, b, kept, show, expected=GLUED) else 0)
