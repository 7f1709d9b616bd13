#!/usr/bin/env python3
"""A message must read the same as a file of its own and as an entry of an mbox: for each seed, COUNT
mutated messages (mutate.py) scanned as one mbox and as a folder of files (`fuzzmbox.write_files`), the
records compared without their positions. Left out, as the two forms differ there by design: a file whose
first line starts with `From ` but is no field (an mbox of its own, its first line an envelope), and the
defects only one form can have (`mailbox-*`: Content-Length, From_ lines and final newlines are an mbox's;
an envelope line inside an entry's header is `header-envelope-line`). Exits 1 when any other field differs.

Usage: forms.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import collections, json, os, re, shutil, subprocess, sys

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv)
FORM_DEFECTS = {'header-envelope-line'}


def scan(path):
    out = subprocess.run([binary, 'scan', '--format', 'jsonl', '--quiet', '--no-classify', path],
                         stdout=subprocess.PIPE).stdout
    return [json.loads(line) for line in out.decode('utf-8').split('\n')[:-1]]


def comparable(record):
    record = {k: v for k, v in record.items() if k not in ('source', 'index', 'offset', 'length')}
    record['defects'] = sorted(d for d in record.get('defects', [])
                               if not d.startswith('mailbox-') and d not in FORM_DEFECTS)
    return record


failed = 0
for seed in seeds:
    mbox, folder = os.path.join(work, f'seed{seed}.mbox'), os.path.join(work, f'seed{seed}')
    fuzzmbox.mutated_mailbox(seed, count, mbox)
    fuzzmbox.write_files(mbox, folder)
    entries = scan(mbox)
    by_file = collections.defaultdict(list)
    for record in scan(folder):
        by_file[record['source']].append(record)
    diffs, compared = collections.Counter(), 0
    for i, entry in enumerate(entries):
        path = os.path.join(folder, '%05d.eml' % i)
        with open(path, 'rb') as f:
            head = f.read(4096)
        if head.startswith(b'From ') and not re.match(rb'From[ \t]*:', head):
            continue
        records = by_file.get(path, [])
        if len(records) != 1:
            diffs[('records',)] += 1
            continue
        compared += 1
        a, b = comparable(entry), comparable(records[0])
        if a != b:
            diffs[tuple(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))] += 1
    print(f'seed={seed} compared={compared} differ={sum(diffs.values())}'
          + ''.join(f' [{n}: {", ".join(k)}]' for k, n in diffs.most_common(5)), flush=True)
    if diffs:
        failed += 1
    else:
        os.remove(mbox)
        shutil.rmtree(folder)
sys.exit(1 if failed else 0)
