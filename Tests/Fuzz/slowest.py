#!/usr/bin/env python3
"""Scans each message of an mbox written by mutate.py on its own and lists the slowest, each written to
OUTDIR/slowN.mbox for a closer look (a profile, a reduction).

Usage: slowest.py BIN MBOX [OUTDIR] [HOW_MANY]"""
import os, subprocess, sys, time

binary, path = sys.argv[1], sys.argv[2]
outdir = sys.argv[3] if len(sys.argv) > 3 else '.'
how_many = int(sys.argv[4]) if len(sys.argv) > 4 else 5
separator = b'From fuzz@example.invalid Thu Jan  1 00:00:00 2026\n'
messages = [separator + m for m in open(path, 'rb').read().split(separator)[1:]]
one = os.path.join(outdir, 'one.mbox')
timed = []
for index, message in enumerate(messages):
    open(one, 'wb').write(message)
    start = time.time()
    subprocess.run([binary, 'scan', '--format', 'jsonl', '--jobs', '1', '--quiet', one], stdout=subprocess.DEVNULL)
    timed.append((time.time() - start, index))
os.remove(one)
timed.sort(reverse=True)
for seconds, index in timed[:how_many]:
    open(os.path.join(outdir, 'slow%d.mbox' % index), 'wb').write(messages[index])
    print('message %d: %.3f s, %d bytes -> slow%d.mbox' % (index, seconds, len(messages[index]), index))
