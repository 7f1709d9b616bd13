#!/usr/bin/env python3
"""Writes an mbox of designed hostile messages: real bounces of each family (the sisimai corpus' first
lhost-* and rhost-* file of each) with a long run of one shape put in the middle of the body, in a Received
field on top, at the start of the returned original's header section, in each address, date and id field,
in each delivery-status field and in the multipart boundary (parentheses, angle brackets, lines of
addresses, header-like lines, transcript lines, encoded words, CRs, ...), and a
Postfix bounce with the same runs in its text, diagnostic, subject and returned original. A parser that
is quadratic in some shape shows as one message far slower than its neighbours: `slowest.py` finds it.

Usage: designed.py OUT.mbox [BYTES]   (BYTES: each run's length, default 100,000)"""
import glob, os, sys

import fuzzmbox

out = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/corpus/sisimai/maildir/bsd')
# The shapes (pieces.txt, which MutatedMailTests.swift reads too), by name.
_, _, SHAPES = fuzzmbox.pieces()
# The header and delivery-status fields a run is put in (the first of each a bounce has).
FIELDS = [b'\nSubject:', b'\nFrom:', b'\nTo:', b'\nDate:', b'\nMessage-ID:', b'\nMessage-Id:', b'Final-Recipient:',
          b'Status:', b'Diagnostic-Code:', b'Action:', b'Remote-MTA:', b'Reporting-MTA:', b'Original-Recipient:',
          b'Arrival-Date:']

def run(shape):
    return SHAPES[shape] * max(1, size // len(SHAPES[shape]))

out_file = open(out, 'wb')
written = 0

def emit(message):
    """Writes `message` as made (the whole set runs to gigabytes)."""
    global written
    out_file.write(fuzzmbox.entry(message))
    written += 1

bases = sorted(glob.glob(corpus + '/lhost-*-01.eml')) + sorted(glob.glob(corpus + '/rhost-*-01.eml'))
for path in bases:
    base = open(path, 'rb').read()
    start = base.find(b'\n\n')
    if start < 0:
        continue
    middle = base.find(b'\n', start + 2 + (len(base) - start - 2) // 2) + 1 or len(base)
    original = base.find(b'message/rfc822')
    original = base.find(b'\n\n', original) + 2 if original >= 0 and base.find(b'\n\n', original) >= 0 else -1
    for shape in SHAPES:
        payload = run(shape)
        # In the middle of the body; as the value of a Received field on top; at the start of the
        # returned original's header section.
        emit(base[:middle] + payload + b'\n' + base[middle:])
        emit(b'Received: ' + payload.replace(b'\n', b' ').replace(b'\r', b' ') + b'\n' + base)
        if original > 0:
            emit(base[:original] + b'Received: ' + payload + b'\n' + base[original:])
        # In each address, date and id field of the header, and each delivery-status field, the run on one
        # line; a long multipart boundary.
        flat = payload.replace(b'\n', b' ').replace(b'\r', b' ')
        for field in FIELDS:
            at = base.find(field)
            if at >= 0:
                at += len(field)
                emit(base[:at] + b' ' + flat + base[at:])
        at = base.find(b'boundary=')
        if at >= 0:
            at += len(b'boundary=')
            emit(base[:at] + flat[:5000] + base[at:])
postfix = open(corpus + '/lhost-postfix-01.eml', 'rb').read()
spots = [b'                   The mail system\n', b'Diagnostic-Code: x-unix; ', b'Subject: Undelivered Mail Returned to Sender',
         b'Content-Type: message/rfc822\n\n']
for spot in spots:
    for shape in SHAPES:
        payload = run(shape)
        if spot.startswith(b'Subject'):
            payload = payload.replace(b'\n', b' ').replace(b'\r', b' ')
        emit(postfix.replace(spot, spot + payload, 1))
out_file.close()
print('%d messages' % written)
