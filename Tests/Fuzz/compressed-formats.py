#!/usr/bin/env python3
"""Damaged bzip2, xz, zstd, LZ4 and Dovecot-LZ4 input (the formats `StreamDecompressor` reads through
CDecompressors; gzip has compressed.py, with a byte-exact oracle). For each seed, an mbox of COUNT mutated
messages (mutate.py), compressed in the format the seed picks (by the format's own tool; Dovecot's LZ4
container written here with the PyPI lz4 module's blocks, chunks of a size the seed picks), in one to three
streams where the format allows, then damaged one way the seed picks: cut at a random byte, a few bytes
changed, garbage or zeros appended, or left whole. Checked for each seed:
- `scan` exits 0, 1 or 3 (3 only with one `corrupt-compressed-data` line on standard error that names
  the file), never by a signal and within the time limit;
- whole, or cut exactly where a stream ends: its records equal the plain mbox's (of the streams kept),
  `source` aside;
- a few bytes changed or bytes appended, read without an error: the records equal the plain mbox's
  (every format here but Dovecot's checks its data; a changed byte no check covers changes nothing);
  for Dovecot's container, which checks nothing but its lengths, only the exit status and the errors.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: compressed-formats.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
Needs bzip2, xz, zstd and lz4 (apt-get install bzip2 xz-utils zstd lz4) and python3 -m pip install lz4.
"""
import os, random, struct, subprocess, sys

import lz4.block

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)

TOOLS = {'bzip2': ['bzip2', '-c'], 'xz': ['xz', '-c'], 'zstd': ['zstd', '-q', '--check', '-c'],
         'lz4': ['lz4', '-q', '-c']}
LEVELS = {'bzip2': ['-1', '-9'], 'xz': ['-0', '-6'], 'zstd': ['-1', '-19'], 'lz4': ['-1', '-9']}
DOVECOT_MAGIC = b'Dovecot-LZ4\r\x2a\x9b\xc5'


def compress(fmt, data, rng):
    if fmt == 'dovecot-lz4':
        chunk = rng.choice([64, 4096, 65536])
        out = bytearray(DOVECOT_MAGIC + struct.pack('>I', chunk))
        for at in range(0, len(data), chunk):
            block = lz4.block.compress(data[at:at + chunk], store_size=False)
            out += struct.pack('>I', len(block)) + block
        return bytes(out)
    return subprocess.run(TOOLS[fmt] + [rng.choice(LEVELS[fmt])], input=data, stdout=subprocess.PIPE,
                          check=True).stdout


failed = 0
for seed in seeds:
    rng = random.Random(seed)
    fmt = rng.choice(['bzip2', 'xz', 'zstd', 'lz4', 'dovecot-lz4'])
    plain_path = os.path.join(work, f'seed{seed}.mbox')
    fuzzmbox.mutated_mailbox(seed, count, plain_path)
    with open(plain_path, 'rb') as f:
        plain = f.read()
    # One to three streams (Dovecot's container is one), cut at random places of the plain mbox.
    streams = 1 if fmt == 'dovecot-lz4' or len(plain) < 3 else rng.randrange(1, 4)
    cuts = sorted(rng.sample(range(1, len(plain)), k=streams - 1)) if streams > 1 else []
    pieces = [plain[a:b] for a, b in zip([0] + cuts, cuts + [len(plain)])]
    compressed = [compress(fmt, p, rng) for p in pieces]
    data = bytearray(b''.join(compressed))
    ends = {sum(len(c) for c in compressed[:n]): b''.join(pieces[:n]) for n in range(1, len(pieces) + 1)}
    damage, data = fuzzmbox.damage_compressed(rng, data, header=16)
    path = os.path.join(work, f'seed{seed}.mbox.{fmt}')
    with open(path, 'wb') as f:
        f.write(data)
    problems = []
    expected_plain = None
    if damage == 'whole':
        expected_plain = plain
    elif damage == 'cut' and len(data) in ends:
        expected_plain = ends[len(data)]
    oracle_path = os.path.join(work, f'seed{seed}.oracle.mbox')
    try:
        status, got, errors = fuzzmbox.scan_outcome(binary, path, drop=('source',), timeout=600)
        error_lines = [line for line in errors.split('\n') if line]
        if expected_plain is None and damage != 'cut' and not error_lines and fmt != 'dovecot-lz4':
            expected_plain = plain   # damage no check saw changed nothing, or was ignored trailing bytes
        expected = None
        if expected_plain is not None:
            with open(oracle_path, 'wb') as f:
                f.write(expected_plain)
            _, expected, _ = fuzzmbox.scan_outcome(binary, oracle_path, drop=('source',), timeout=600)
    except subprocess.TimeoutExpired:
        status, got, error_lines, expected = None, [], [], None
        problems.append('timed out')
    if status is not None and status not in (0, 1, 3):
        problems.append(f'exit status {status}')
    if status == 3 and not (len(error_lines) == 1 and 'corrupt-compressed-data' in error_lines[0]
                            and path in error_lines[0]):
        problems.append(f'errors: {error_lines}')
    if status in (0, 1) and error_lines:
        problems.append(f'errors without exit status 3: {error_lines}')
    if damage == 'cut' and len(data) not in ends and status != 3 and fmt != 'dovecot-lz4':
        problems.append('a cut file read without an error')
    if expected is not None and (error_lines or got != expected):
        problems.append(f'{len(got)} records against the plain mbox\'s {len(expected)}')
    files = [plain_path, path] + ([oracle_path] if os.path.exists(oracle_path) else [])
    failed += fuzzmbox.end_seed(f'seed={seed} format={fmt} damage={damage} streams={len(pieces)} records={len(got)} '
                                f'status={status}', problems, files)
fuzzmbox.end_campaign(failed)
