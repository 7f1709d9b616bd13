#!/usr/bin/env python3
"""A hunt for work quadratic in a message's lines: every line of a real message, one at a time, repeated
until it fills RUN bytes (a megabyte by default), in place. A recogniser that joins or rescans a
recipient's lines anew at each line costs the square of their number, so the one variant that meets it
takes seconds where the others take milliseconds (IMail's server response: 0.73 s for 100,000 lines).

Each message's variants go into one mbox, scanned by BIN in one process and timed; a batch slower than
SLOW times the median per megabyte is timed message by message, and its slowest variants are kept.

Usage: repeated.py BIN WORKDIR SOURCE... [--lines N] [--run BYTES] [--slow X] [--command scan|audit] [--profile TOML]
  SOURCE: folders walked for message files (`*.eml`: the sisimai maildir/bsd folder, Fixtures, ...).
  --lines: the first N lines of each message are repeated, one at a time (default 150).
"""
import argparse, os, statistics, subprocess, time

import fuzzmbox

parser = argparse.ArgumentParser(description='Lines of real messages repeated, one at a time, and timed.')
parser.add_argument('binary')
parser.add_argument('work')
parser.add_argument('sources', nargs='+')
parser.add_argument('--lines', type=int, default=150, help='the first N lines of each message (150)')
parser.add_argument('--run', type=int, default=1 << 20, help='bytes of each repeated run (1 MB)')
parser.add_argument('--slow', type=float, default=5, help='a batch this many times the median a MB is timed')
parser.add_argument('--command', default='scan', help='scan or audit (each writes one JSON line a message)')
parser.add_argument('--profile', help='a site profile for the scan (--profile), so that its checks run too')
options = parser.parse_args()
binary, work, sources = options.binary, options.work, options.sources
max_lines, run_bytes, slow = options.lines, options.run, options.slow
os.makedirs(work, exist_ok=True)


def files(roots):
    for root in roots:
        for folder, _, names in sorted(os.walk(root)):
            for name in sorted(names):
                path = os.path.join(folder, name)
                if name.endswith('.eml') and os.path.getsize(path) < 400_000:
                    yield path


def variants(message):
    """(line number, message with that line repeated to about `run_bytes`)."""
    lines = message.splitlines(keepends=True)
    for i, line in enumerate(lines[:max_lines]):
        if not line.strip(b'\r\n'):
            continue
        copies = max(2, run_bytes // len(line))
        yield i, b''.join(lines[:i]) + line * copies + b''.join(lines[i + 1:])


def scan_seconds(path):
    start = time.perf_counter()
    profile = ['--profile', options.profile] if options.profile else []
    result = subprocess.run([binary, options.command, '--format', 'jsonl', '--jobs', '1', '--quiet', *profile, path],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, result.stdout.count(b'\n'), result.returncode


batch = os.path.join(work, 'batch.mbox')
per_mb = []
kept = 0
for source in files(sources):
    message = open(source, 'rb').read()
    entries = 0
    with open(batch, 'wb') as out:
        for _, variant in variants(message):
            out.write(fuzzmbox.entry(variant))
            entries += 1
    if entries == 0:
        continue
    size_mb = os.path.getsize(batch) / 1e6
    seconds, records, status = scan_seconds(batch)
    rate = seconds / size_mb
    per_mb.append(rate)
    median = statistics.median(per_mb)
    flag = ''
    if status > 1 or records != entries:
        flag = f' FAILED status={status} records={records}/{entries}'
    elif len(per_mb) > 10 and rate > slow * median:
        flag = ' SLOW'
    print(f'{source}: {entries} variants, {size_mb:.0f} MB, {seconds:.2f} s ({rate * 1000:.2f} ms/MB){flag}', flush=True)
    if not flag:
        continue
    # Time each variant alone; keep the slowest three.
    timed = []
    for line, variant in variants(message):
        single = os.path.join(work, 'single.mbox')
        with open(single, 'wb') as out:
            out.write(fuzzmbox.entry(variant))
        timed.append((scan_seconds(single)[0], line, variant))
    timed.sort(reverse=True)
    for seconds, line, variant in timed[:3]:
        name = os.path.join(work, f'{os.path.basename(source)}.line{line}.eml')
        open(name, 'wb').write(variant)
        kept += 1
        print(f'  line {line}: {seconds:.2f} s -> {name}', flush=True)
os.remove(batch)
print(f'median {statistics.median(per_mb) * 1000:.2f} ms/MB over {len(per_mb)} messages; kept {kept} variants')
