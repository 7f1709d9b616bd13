#!/usr/bin/env python3
"""Writes an mbox (mboxrd) of mutated mail for a crash and hang campaign: real messages, each changed by a few
random mutations of its bytes and of its MIME and DSN structure. Deterministic for a seed.

Usage: mutate.py SEED COUNT OUT.mbox SOURCE...
  SOURCE: folders walked for messages (files under 400 KB, .eml or not) and mbox files (split into messages).
  BOUNCES_ONLY=1 keeps only the messages that look like reports (mailer-daemon, postmaster, delivery-status).

The same mutations, fewer of them, run in every `swift test` (Tests/BackscatterTests/MutatedMailTests.swift).
"""
import os, random, sys

import fuzzmbox

seed, count, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(seed)
files = []
for source in sys.argv[4:]:
    if os.path.isfile(source):
        files.append(source)
        continue
    for root, _, names in os.walk(source):
        for name in names:
            path = os.path.join(root, name)
            if os.path.getsize(path) < 400_000 or path.endswith('.mbox'):
                files.append(path)
files.sort()
pool = []
for path in files:
    data = open(path, 'rb').read()
    if path.endswith('.mbox') and len(data) > 400_000:
        pool.extend(m for m in data.split(b'\nFrom ') if len(m) < 400_000)
    else:
        pool.append(data)
if os.environ.get('BOUNCES_ONLY'):
    pool = [m for m in pool if any(k in m.lower() for k in (b'mailer-daemon', b'postmaster', b'delivery-status'))]

# Bytes that end, open or break a token, and pieces of the structures the parsers and recognisers read
# (pieces.txt, which MutatedMailTests.swift reads too).
SPECIAL, TOKENS, _ = fuzzmbox.pieces()

def mutate(message):
    m = bytearray(message)
    for _ in range(rng.randint(1, 8)):
        if not m:
            m += b'x'
        op = rng.randrange(9)
        i = rng.randrange(len(m) + 1)
        if op == 0:      # a byte changed
            m[rng.randrange(len(m))] = rng.randrange(256)
        elif op == 1:
            m[i:i] = rng.choice(SPECIAL)
        elif op == 2:
            m[i:i] = rng.choice(TOKENS)
        elif op == 3:    # a range deleted
            del m[i:min(len(m), i + rng.randint(1, 200))]
        elif op == 4:    # a chunk repeated
            m[i:i] = bytes(m[i:min(len(m), i + rng.randint(1, 80))]) * rng.randint(2, 300)
        elif op == 5:    # a piece of another message spliced in
            other = rng.choice(pool)
            if other:
                a = rng.randrange(len(other))
                m[i:i] = other[a:a + rng.randint(1, 2000)]
        elif op == 6:    # truncated
            del m[i:]
        elif op == 7:    # a long line
            m[i:i] = rng.choice([b'a', b' ', b'=', b'<', b'(', b'\t', b'x@', b'5']) * rng.randint(1000, 150000)
        else:            # wrapped in nested multiparts
            m[i:i] = b''.join(b'Content-Type: multipart/mixed; boundary="n%d"\n\n--n%d\n' % (k, k)
                              for k in range(rng.randint(1, 120)))
    return bytes(m)

def line_ends(m):
    r = rng.randrange(6)
    if r == 0:
        return m.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
    if r == 1:
        return m.replace(b'\r\n', b'\n').replace(b'\n', b'\r')
    return m

with open(out, 'wb') as f:
    for _ in range(count):
        m = mutate(rng.choice(pool))
        if rng.randrange(4) == 0:
            m = mutate(m)
        f.write(fuzzmbox.entry(line_ends(m)))
