#!/usr/bin/env python3
"""Mutated mail as a Postfix queue printed by `postcat`, against the same messages as an mbox: for each
seed, COUNT mutated messages (mutate.py), each written as one postcat entry (ENVELOPE RECORDS, MESSAGE
CONTENTS, the message, then HEADER EXTRACTED or not, MESSAGE FILE END), with hostile lines the seed puts
into some messages: markers for other queue files, a marker cut short, an ENVELOPE RECORDS line; and
into some envelope sections hostile `sender:` and `recipient:` lines (random bytes, an empty value, one
longer than a marker, two thousand recipients). The oracle is an mbox (mboxrd, as `fuzzmbox.py` writes
it) of the same messages, each ending in a line end as postcat ends its last line. Checked for each seed:
- `scan` of the postcat file exits 0 or 1, never by a signal and within the time limit;
- it gives one record a message, equal to the oracle's (`source`, `index`, `offset`, `length` and the
  mbox-only defects aside): the envelope changes nothing `scan` writes;
- `audit` of the postcat file (which reads the envelopes) exits 0 or 1 with one record a message.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: postcat.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import os, subprocess, sys

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)

HOSTILE = [
    b'*** HEADER EXTRACTED deferred/OTHER1 ***',
    b'*** MESSAGE FILE END deferred/OTHER2 ***',
    b'*** ENVELOPE RECORDS deferred/OTHER3 ***',
    b'*** MESSAGE CONTENTS deferred/OTHER4 ***',
    b'*** HEADER EXTRACTED deferred/',
    b'*** MESSAGE FILE END ***',
]

def hostile_envelope(rng):
    """Envelope lines a hostile or damaged postcat output could hold."""
    def noise(n):
        return bytes(rng.choice(b'abc@.<> \t\x00\x80\xff\xc3\r') for _ in range(n))
    lines = []
    for _ in range(rng.randrange(1, 6)):
        pick = rng.randrange(5)
        if pick == 0:
            lines.append(b'sender: ' + noise(rng.randrange(40)))
        elif pick == 1:
            lines.append(b'recipient: ' + noise(rng.randrange(40)))
        elif pick == 2:
            lines.append(rng.choice([b'recipient:', b'sender:', b'recipient: ', b'sender:   ']))
        elif pick == 3:
            lines.append(b'recipient: ' + b'x' * 5000 + b'@example.org')
        else:
            lines.extend(b'recipient: r%d@victims.example' % i for i in range(2000))
    return b'\n'.join(lines) + b'\n'


def records(path):
    return fuzzmbox.records_as_in_an_mbox(binary, path)


failed = 0
for seed in seeds:
    rng, mutated = fuzzmbox.seed_start(seed, count, work)
    messages = []
    for entry in fuzzmbox.messages(mutated):
        message = fuzzmbox.unquoted_message(entry)
        if rng.random() < 0.3:
            lines = message.split(b'\n')
            at = rng.randrange(len(lines) + 1)
            lines.insert(at, rng.choice(HOSTILE))
            message = b'\n'.join(lines)
        # postcat writes each record's line with LF; a message that ends without one gets postcat's.
        if not message.endswith(b'\n'):
            message += b'\n'
        # A line of the message that is exactly its own queue file's marker cannot occur (the ID is
        # given after the message was written); the IDs here are never in HOSTILE.
        messages.append(message)
    postcat = bytearray()
    for n, message in enumerate(messages):
        qid = f'deferred/{seed:04X}{n:06X}'.encode()
        postcat += b'*** ENVELOPE RECORDS ' + qid + b' ***\nmessage_size: 1 2 3\nsender: \nrecipient: x@example.org\n'
        if rng.random() < 0.3:
            postcat += hostile_envelope(rng)
        postcat += b'*** MESSAGE CONTENTS ' + qid + b' ***\n' + message
        if rng.random() < 0.5:
            postcat += b'*** HEADER EXTRACTED ' + qid + b' ***\noriginal_recipient: x@example.org\n'
        postcat += b'*** MESSAGE FILE END ' + qid + b' ***\n'
    postcat_path = os.path.join(work, f'seed{seed}.postcat.txt')
    oracle_path = os.path.join(work, f'seed{seed}.oracle.mbox')
    with open(postcat_path, 'wb') as f:
        f.write(postcat)
    status, got, problems = fuzzmbox.against_oracle(
        records, postcat_path, oracle_path, messages,
        adjust=lambda got, expected: fuzzmbox.envelopes_taken_out(got, expected, 'entries'))
    try:
        audit = subprocess.run([binary, 'audit', '--format', 'jsonl', '--quiet', '--jobs', '1', postcat_path],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        if audit.returncode not in (0, 1):
            problems.append(f'audit exit status {audit.returncode}')
        audited = audit.stdout.count(b'\n')
        if audited != len(messages):
            problems.append(f'audit: {audited} records for {len(messages)} messages')
    except subprocess.TimeoutExpired:
        problems.append('audit timed out')
    failed += fuzzmbox.end_seed(f'seed={seed} messages={len(messages)} records={len(got)} status={status}',
                                problems, (mutated, postcat_path, oracle_path))
fuzzmbox.end_campaign(failed)
