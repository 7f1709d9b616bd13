#!/usr/bin/env python3
"""Scans each message of an mbox written by mutate.py on its own and lists the slowest, each written to
OUTDIR/slowN.mbox for a closer look (a profile, a reduction).

Usage: slowest.py BIN MBOX [OUTDIR] [HOW_MANY]"""
import os, subprocess, sys, time

import fuzzmbox

binary, path = sys.argv[1], sys.argv[2]
outdir = sys.argv[3] if len(sys.argv) > 3 else '.'
how_many = int(sys.argv[4]) if len(sys.argv) > 4 else 5
one = os.path.join(outdir, 'one.mbox')
slowest = []   # (seconds, index, message), the `how_many` slowest so far: the mbox is never held whole
for index, message in enumerate(fuzzmbox.messages(path)):
    open(one, 'wb').write(message)
    start = time.time()
    subprocess.run([binary, 'scan', '--format', 'jsonl', '--jobs', '1', '--quiet', one], stdout=subprocess.DEVNULL)
    slowest = sorted(slowest + [(time.time() - start, index, message)], key=lambda t: t[0], reverse=True)[:how_many]
os.remove(one)
for seconds, index, message in slowest:
    open(os.path.join(outdir, 'slow%d.mbox' % index), 'wb').write(message)
    print('message %d: %.3f s, %d bytes -> slow%d.mbox' % (index, seconds, len(message), index))
