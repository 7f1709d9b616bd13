#!/usr/bin/env python3
"""Writes one mutated mailbox file: an mbox of the shared corpus (any dialect: mboxo, mboxrd, mboxcl with
Content-Length, CRLF) changed by a few mutations aimed at the mailbox readers (From_ lines and their
dates, Content-Length values, blank lines, line ends, truncation). Deterministic for a seed.

Usage: mutate-mailbox.py SEED OUT.mbox MBOX..."""
import random, sys

seed, out, sources = int(sys.argv[1]), sys.argv[2], sorted(sys.argv[3:])
rng = random.Random(seed)
data = bytearray(open(rng.choice(sources), 'rb').read())
TOKENS = [b'\nFrom ', b'\nFrom MAILER-DAEMON Thu Jan  1 00:00:00 2026\n', b'\n>From ', b'\nFrom x@y Mon Feb 30 99:99:99 1\n',
          b'\nFrom - \n', b'Content-Length: 0\n', b'Content-Length: 999999999999\n', b'Content-Length: -5\n',
          b'Content-Length: 18446744073709551617\n', b'Content-Length: 12\n', b'Content-Length:\n', b'Lines: 3\n',
          b'\n\n', b'\r\n', b'\r', b'\x00', b'\xff', b'\nStatus: RO\n', b'X-UID: 1\n']
for _ in range(rng.randint(1, 12)):
    i = rng.randrange(len(data) + 1)
    op = rng.randrange(6)
    if op == 0 and data:
        data[rng.randrange(len(data))] = rng.randrange(256)
    elif op in (1, 2):
        data[i:i] = rng.choice(TOKENS)
    elif op == 3:
        del data[i:i + rng.randint(1, 500)]
    elif op == 4:
        data[i:i] = bytes(data[i:i + rng.randint(1, 200)]) * rng.randint(2, 50)
    else:
        del data[i:]
if rng.randrange(4) == 0:
    data = bytearray(bytes(data).replace(b'\n', b'\r\n'))
open(out, 'wb').write(bytes(data))
