#!/usr/bin/env python3
"""Mutated mail as an MMDF mailbox, against the same messages as an mbox: for each seed, COUNT mutated
messages (mutate.py), each written between two separator lines of four Control-A bytes, half of them with a
From_ line first as Mutt writes it, the rest without as MMDF did; between some entries, what a damaged or
hostile MMDF file holds: blank lines (never before the first separator, which tells the format), an empty pair of separators, lines of three and of five Control-A
bytes inside messages, a separator line followed by text. A third of the seeds write the separators in
CRLF, as a mailbox copied through Windows would hold them. The oracle is an mbox (mboxrd, as `fuzzmbox.py`
writes it) of the same messages, each ending in a line end as an MMDF writer ends its last line. Checked
for each seed:
- `scan` of the MMDF file exits 0 or 1, never by a signal and within the time limit;
- it gives one record a message, equal to the oracle's (`source`, `index`, `offset`, `length` and the
  mbox-only defects aside);
- `split` of the MMDF file writes every message into the four mboxes and reads them back (exit 0 or 1).
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: mmdf.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import os, random, shutil, subprocess, sys

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)

# Lines a message may hold that look like a separator and are not one (mmdf(5): only a line of exactly
# four Control-A bytes is).
NEAR_SEPARATORS = [b'\x01\x01\x01', b'\x01\x01\x01\x01\x01', b'\x01\x01\x01\x01 text', b' \x01\x01\x01\x01',
                   b'x\x01\x01\x01\x01']


def records(path):
    return fuzzmbox.records_as_in_an_mbox(binary, path)


failed = 0
for seed in seeds:
    rng = random.Random(seed)
    end = b'\r\n' if seed % 3 == 0 else b'\n'
    separator = b'\x01\x01\x01\x01' + end
    mutated = os.path.join(work, f'seed{seed}.mutated.mbox')
    fuzzmbox.mutated_mailbox(seed, count, mutated)
    messages = []
    for entry in fuzzmbox.messages(mutated):
        message = fuzzmbox.unquoted_message(entry)
        lines = message.split(b'\n')
        # A separator line cannot occur inside a message MMDF delivered (its submit took Control-A out).
        lines = [b'\x01\x01\x01' if line.rstrip(b'\r') == b'\x01\x01\x01\x01' else line for line in lines]
        if rng.random() < 0.2:
            lines.insert(rng.randrange(1, len(lines) + 1), rng.choice(NEAR_SEPARATORS))
        message = b'\n'.join(lines)
        # An MMDF writer ends the message's last line before the closing separator.
        if not message.endswith(b'\n'):
            message += b'\n'
        messages.append(message)
    mmdf = bytearray()
    for n, message in enumerate(messages):
        roll = rng.random()
        if roll < 0.05 and n > 0:
            mmdf += end * rng.randrange(1, 4)          # blank lines between entries
        elif roll < 0.08:
            mmdf += separator + separator              # an empty pair: no message
        mmdf += separator
        # Mutt's From_ line; always where the message's own first line starts `From ` (a writer that left it
        # out would make that line the envelope).
        if rng.random() < 0.5 or message.startswith(b'From '):
            mmdf += b'From fuzz@example.invalid Thu Jan  1 00:00:00 2026' + end
        mmdf += message + separator
    mmdf_path = os.path.join(work, f'seed{seed}.mmdf')
    oracle_path = os.path.join(work, f'seed{seed}.oracle.mbox')
    with open(mmdf_path, 'wb') as f:
        f.write(mmdf)
    status, got, problems = fuzzmbox.against_oracle(records, mmdf_path, oracle_path, messages)
    split_dir = os.path.join(work, f'seed{seed}.split')
    try:
        split = subprocess.run([binary, 'split', '--quiet', '--jobs', '1', '--force', '--into', split_dir, mmdf_path],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        if split.returncode not in (0, 1):
            problems.append(f'split exit status {split.returncode}: {split.stderr[-300:]!r}')
    except subprocess.TimeoutExpired:
        problems.append('split timed out')
    shutil.rmtree(split_dir, ignore_errors=True)
    failed += fuzzmbox.end_seed(f'seed={seed} messages={len(messages)} records={len(got)} status={status}',
                                problems, (mutated, mmdf_path, oracle_path))
fuzzmbox.end_campaign(failed)
