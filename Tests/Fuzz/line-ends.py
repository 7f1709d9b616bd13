#!/usr/bin/env python3
"""Line ends must not change what is read: every message of MBOX (an mbox written by mutate.py or
designed.py) that holds no CR is written three times, in LF, CRLF and CR-only line ends, each set scanned
by BIN, and the records compared without their positions (source, index, offset, length). Prints how many
differ in which fields; exits 1 when any does.

Usage: line-ends.py BIN MBOX [WORKDIR]
"""
import collections, json, os, subprocess, sys, tempfile

import fuzzmbox

binary, source = sys.argv[1], sys.argv[2]
work = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp()
os.makedirs(work, exist_ok=True)
variants = {'lf': b'\n', 'crlf': b'\r\n', 'cr': b'\r'}
paths = {name: os.path.join(work, name + '.mbox') for name in variants}
files = {name: open(path, 'wb') for name, path in paths.items()}
kept = 0
for entry in fuzzmbox.messages(source):
    if b'\r' in entry:
        continue
    for name, ending in variants.items():
        files[name].write(entry.replace(b'\n', ending))
    kept += 1
for f in files.values():
    f.close()


def records(path):
    out = subprocess.run([binary, 'scan', '--format', 'jsonl', '--quiet', path], stdout=subprocess.PIPE).stdout
    result = []
    for line in out.decode('utf-8').split('\n')[:-1]:
        record = json.loads(line)
        for key in ('source', 'index', 'offset', 'length'):
            record.pop(key, None)
        result.append(record)
    return result


lf = records(paths['lf'])
failed = len(lf) != kept
print(f'{kept} messages without a CR; LF: {len(lf)} records')
for name in ('crlf', 'cr'):
    other = records(paths[name])
    diffs = collections.Counter()
    for a, b in zip(lf, other):
        if a != b:
            diffs[tuple(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))] += 1
    failed |= len(other) != len(lf) or bool(diffs)
    print(f'{name}: {len(other)} records, {sum(diffs.values())} differ from LF'
          + ''.join(f'\n  {n} in {", ".join(k)}' for k, n in diffs.most_common(10)))
sys.exit(1 if failed else 0)
