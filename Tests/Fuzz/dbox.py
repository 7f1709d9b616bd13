#!/usr/bin/env python3
"""Mutated mail as Dovecot dbox files, against the same messages as an mbox: for each seed, COUNT mutated
messages (mutate.py) written as mdbox storage files of up to 50 messages each (`storage/m.1`, `m.2`, ...,
the layout of Dovecot's dbox-file.h as Fixtures/mailbox/dbox's Dovecot-written files show it), a third
of the messages compressed as Dovecot's zlib plugin stores them (gzip here), then as an sdbox folder
(`u.1` ... one message a file). The oracle is an mbox (mboxrd, as `fuzzmbox.py` writes it) of the same
messages. Checked for each seed:
- `scan` of the mdbox folder and of the sdbox folder exits 0 or 1, never by a signal and within the time
  limit, with one record a message, equal to the oracle's (`source`, `index`, `offset`, `length` and the
  mbox-only defects aside);
- `split` of the mdbox folder writes and reads back every message;
- each storage file damaged (cut at a random byte, or bytes changed at random) scans without a crash
  or a hang: exit status 0, 1 or 3 (the damage reported), never more records than messages.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: dbox.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import gzip, os, shutil, subprocess, sys

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)

def records(path):
    return fuzzmbox.records_as_in_an_mbox(binary, path)


def dbox_file(messages, rng):
    """One dbox file of `messages`: the file header, then for each a message header, its stored bytes
    (gzip-compressed for a third) and its metadata."""
    out = bytearray(b'2 M1e C%x\n' % rng.randrange(1 << 32))
    for message in messages:
        stored = message
        metadata = b''
        if rng.random() < 0.33:
            stored = gzip.compress(message)
            metadata += b'Z%x\n' % len(message)
        out += b'\x01\x02N ' + b' ' * 8 + b' ' + b'%016x' % len(stored) + b'\n' + stored
        out += b'\n\x01\x03\n' + metadata + b'R%x\nV%x\nG%032x\nBINBOX\n\n' % (
            rng.randrange(1 << 32), len(message), rng.randrange(1 << 128))
    return bytes(out)


failed = 0
for seed in seeds:
    rng, mutated = fuzzmbox.seed_start(seed, count, work)
    messages = []
    for entry in fuzzmbox.messages(mutated):
        message = fuzzmbox.unquoted_message(entry)
        if not message.endswith(b'\n'):
            message += b'\n'     # as the oracle's entries end
        messages.append(message)
    base = os.path.join(work, f'seed{seed}')
    shutil.rmtree(base, ignore_errors=True)
    storage, sdbox = os.path.join(base, 'mdbox', 'storage'), os.path.join(base, 'sdbox')
    os.makedirs(storage)
    os.makedirs(sdbox)
    for n in range(0, len(messages), 50):
        with open(os.path.join(storage, f'm.{n // 50 + 1}'), 'wb') as f:
            f.write(dbox_file(messages[n:n + 50], rng))
    for n, message in enumerate(messages):
        with open(os.path.join(sdbox, f'u.{n + 1}'), 'wb') as f:
            f.write(dbox_file([message], rng))
    oracle_path = os.path.join(work, f'seed{seed}.oracle.mbox')
    status, got, problems = fuzzmbox.against_oracle(records, storage, oracle_path, messages)
    try:
        sd_status, sd_got = records(sdbox)
        if sd_got != got:
            problems.append(f'the sdbox folder reads otherwise than the mdbox one ({len(sd_got)} records)')
        if sd_status not in (0, 1):
            problems.append(f'sdbox exit status {sd_status}')
        split = subprocess.run([binary, 'split', '--quiet', '--jobs', '1', '--into', os.path.join(base, 'split'), storage],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        if split.returncode not in (0, 1):
            problems.append(f'split exit status {split.returncode}: {split.stderr[-300:]!r}')
        for name in sorted(os.listdir(storage)):
            path = os.path.join(storage, name)
            data = bytearray(open(path, 'rb').read())
            if rng.random() < 0.5:
                del data[rng.randrange(len(data)):]
            else:
                for _ in range(rng.randrange(1, 6)):
                    data[rng.randrange(len(data))] = rng.choice([0x00, 0x01, 0x02, 0x03, 0x0A, 0x30, 0x66, 0x1F, 0x8B])
            open(path, 'wb').write(data)
        damaged = subprocess.run([binary, 'scan', '--format', 'jsonl', '--quiet', '--jobs', '1', storage],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        if damaged.returncode not in (0, 1, 3):
            problems.append(f'damaged files: exit status {damaged.returncode}')
        damaged_records = damaged.stdout.count(b'\n')
        if damaged_records > len(messages):
            problems.append(f'damaged files: {damaged_records} records for {len(messages)} messages')
    except subprocess.TimeoutExpired:
        problems.append('timed out')
    if not problems:
        shutil.rmtree(base, ignore_errors=True)
    failed += fuzzmbox.end_seed(f'seed={seed} messages={len(messages)} records={len(got)} status={status}',
                                problems, (mutated, oracle_path))
fuzzmbox.end_campaign(failed)
