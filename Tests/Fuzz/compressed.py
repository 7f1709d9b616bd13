#!/usr/bin/env python3
"""Damaged gzip input against its plain oracle: for each seed, an mbox of COUNT mutated messages
(mutate.py), gzip-compressed in one or more members, then damaged one way the seed picks:
- cut at a random byte (a copy that stopped part way);
- a few random bytes of the compressed data changed;
- garbage or zeros appended after the last member (tape padding, a careless concatenation);
- left whole.
The oracle is the plain mbox of the bytes Python's zlib gets out of the damaged file, fed one byte at a
time so that nothing decoded before the damage is lost. Checked for each seed:
- `scan` of the gzip file exits 0, 1 or 3 (3 only with one `corrupt-compressed-data` line on standard
  error that names the file), never by a signal and within the time limit;
- its records equal the oracle's plain file's, `source` aside; where zlib stopped on bad data, the last
  record may differ (the bytes one step of inflating yields before it finds the error are not all
  returned by Python), so it is compared by its offset alone.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: compressed.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import gzip, os, random, subprocess, sys, zlib

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)


def inflate_as_far_as_it_goes(data):
    """(bytes, stopped on bad data) from a gzip file: every member, a byte at a time, up to the end or
    the first error; bytes after a member that do not start another are ignored, as gzip(1) does."""
    out = bytearray()
    position = 0
    while position < len(data):
        if data[position:position + 2] != b'\x1f\x8b':
            return bytes(out), False
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while position < len(data) and not inflater.eof:
                out += inflater.decompress(data[position:position + 1])
                position += 1
        except zlib.error:
            return bytes(out), True
        if not inflater.eof:
            return bytes(out), False   # cut inside a member: no error from zlib, the data simply ends
    return bytes(out), False


failed = 0
for seed in seeds:
    rng = random.Random(seed)
    plain_path = os.path.join(work, f'seed{seed}.mbox')
    fuzzmbox.mutated_mailbox(seed, count, plain_path)
    with open(plain_path, 'rb') as f:
        plain = f.read()
    # One to three members, cut at random places of the plain mbox.
    cuts = sorted(rng.sample(range(1, max(2, len(plain))), k=min(len(plain) - 1, rng.randrange(0, 3)))) if len(plain) > 2 else []
    pieces = [plain[a:b] for a, b in zip([0] + cuts, cuts + [len(plain)])]
    data = bytearray(b''.join(gzip.compress(p, compresslevel=rng.choice([1, 6, 9])) for p in pieces))
    damage, data = fuzzmbox.damage_compressed(rng, data, header=10)
    gzip_path = os.path.join(work, f'seed{seed}.mbox.gz')
    oracle_path = os.path.join(work, f'seed{seed}.oracle.mbox')
    with open(gzip_path, 'wb') as f:
        f.write(data)
    oracle, bad_data = inflate_as_far_as_it_goes(bytes(data))
    with open(oracle_path, 'wb') as f:
        f.write(oracle)
    problems = []
    try:
        status, got, errors = fuzzmbox.scan_outcome(binary, gzip_path, drop=('source',), timeout=600)
        _, expected, _ = fuzzmbox.scan_outcome(binary, oracle_path, drop=('source',), timeout=600)
    except subprocess.TimeoutExpired:
        status, got, errors, expected = None, [], '', []
        problems.append('timed out')
    if status is not None and status not in (0, 1, 3):
        problems.append(f'exit status {status}')
    error_lines = [line for line in errors.split('\n') if line]
    if status == 3 and not (len(error_lines) == 1 and 'corrupt-compressed-data' in error_lines[0]
                            and gzip_path in error_lines[0]):
        problems.append(f'errors: {error_lines}')
    if status in (0, 1) and error_lines:
        problems.append(f'errors without exit status 3: {error_lines}')
    if bad_data:
        same = len(got) == len(expected) and got[:-1] == expected[:-1] and \
            (not got or got[-1]['offset'] == expected[-1]['offset'])
    else:
        same = got == expected
    if not same:
        problems.append(f'{len(got)} records against the oracle\'s {len(expected)}')
    failed += fuzzmbox.end_seed(f'seed={seed} damage={damage} members={len(pieces)} records={len(got)} status={status}',
                                problems, (plain_path, gzip_path, oracle_path))
fuzzmbox.end_campaign(failed)
