#!/usr/bin/env python3
"""Mutated mail as an OpenSMTPD queue, against the same messages as plain message files: for each seed,
COUNT mutated messages (mutate.py), each written as a message folder laid out as OpenSMTPD's
`/var/spool/smtpd/queue` is (`XX/MSGID/message` and an envelope file per delivery, named by its envelope
ID), in shapes the seed picks: one to three envelopes of type `mta`, `mda` or now and then `bounce`, the
null sender `@` or an address, keys in other cases and with blanks around their colons as the daemon
accepts them, unknown keys, a fifth of the folders gzip-compressed as `queue compression` writes them. A
sixth of the other folders have an envelope damaged before it is compressed: cut anywhere, bytes changed, its
version line lost. A few folders are refused: an encrypted message (`queue encryption`: a version byte 1
and random bytes) or envelope files without their `message`.

The oracle is this file's own reading of the envelope format (`read_envelope`, written from OpenSMTPD's
envelope.c, `envelope_dump_buffer` and `envelope_load_buffer`, and Fixtures/mailbox/opensmtpd-queue, not
from our reader): each folder's message as a plain message file, its envelope (the first envelope's
sender, the destinations of those not of type `bounce` in envelope ID order), and whether an envelope
file was no envelope. Checked for each seed:
- `scan` of the queue exits 0 or 1 (3 when a folder is refused), never by a signal and within the time limit;
- an `unsupported-file-type` error for each refused folder, one record for each other folder, equal to the
  record of the oracle's message file (`source`, `index` and `offset` aside), its envelope the oracle's,
  and `mailbox-damaged-queue-file` in `defects` exactly where an envelope file was damaged.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: opensmtpdqueue.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import gzip, os, sys

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)

DAMAGED = 'mailbox-damaged-queue-file'
SENDERS = [b'@', b'alice@example.net', b'bob@remote.example', b'"odd sender"@example.org', b'x@[192.0.2.1]']
WHITE = b' \t\r\x0b\x0c'


def read_envelope(text):
    """(type, sender, rcpt, dest, ctime) of an envelope file's text, or None when it is no envelope (its
    first line not `version: ` and digits). As envelope.c loads it: a line's key in any case, blanks
    before the colon, white space after it skipped; lines without a colon and unknown keys passed over."""
    text = text[:64 * 1024]
    first, _, _ = text.partition(b'\n')
    if not first.startswith(b'version: ') or not first[9:].isdigit() or len(first) == len(text):
        return None
    fields = {}
    for line in text.split(b'\n'):
        key, colon, value = line.partition(b':')
        if not colon:
            continue
        fields[key.rstrip(b' \t').lower()] = value.lstrip(WHITE)
    sender = fields.get(b'sender')
    return (fields.get(b'type', b'').lower(), b'' if sender == b'@' else sender, fields.get(b'rcpt'),
            fields.get(b'dest'), fields.get(b'ctime'))


def envelope_text(rng, kind, sender, recipient, destination):
    """An envelope file as OpenSMTPD 6.8 writes one, now and then with keys as the daemon also reads them."""
    def key(name):
        if rng.random() < 0.1:
            name = name.upper()
        return name + rng.choice([': ', ': ', ': ', ' : ', ':\t', ':  '])
    lines = ['version: 3', key('dispatcher') + 'outbound', key('type') + kind, key('smtpname') + 'mx.example.net',
             key('helo') + '[127.0.0.1]', key('hostname') + 'localhost', key('sockaddr') + '127.0.0.1']
    text = '\n'.join(lines).encode() + b'\n' + key('sender').encode() + sender + b'\n'
    text += key('rcpt').encode() + recipient + b'\n' + key('dest').encode() + destination + b'\n'
    if rng.random() < 0.3:
        text += b'errorline: 421 4.4.2 mx.remote.example: timeout\n'
    if rng.random() < 0.1:
        text += b'x-later-key: 1\nno colon on this line\n'
    return text + b'ctime: 1796619750\nlast-try: 0\nlast-bounce: 0\nttl: 0\nretry: 0\ndsn-notify: 0\n'


def damage(text, rng):
    kind = rng.choice(['cut', 'bytes', 'version'])
    if kind == 'cut':
        return text[:rng.randrange(0, len(text))]
    if kind == 'bytes':
        return fuzzmbox.bytes_changed(text, 0, rng)
    return text.split(b'\n', 1)[1]


failed = 0
for seed in seeds:
    rng, mutated = fuzzmbox.seed_start(seed, count, work)
    queue_dir = os.path.join(work, f'seed{seed}.queue')
    oracle_dir = os.path.join(work, f'seed{seed}.oracle')
    os.makedirs(queue_dir, exist_ok=True)
    os.makedirs(oracle_dir, exist_ok=True)
    damaged, envelopes = [], []
    refused = n = 0
    base = rng.randrange(0x10000000, 0xe0000000)
    for one in fuzzmbox.messages(mutated):
        message = fuzzmbox.unquoted_message(one)
        message = fuzzmbox.as_message_file(message)
        msgid = '%08x' % (base + n)
        folder = os.path.join(queue_dir, msgid[:2], msgid)
        os.makedirs(folder)
        compressed = rng.random() < 0.2
        refusal = rng.random()
        files = {}
        sender = rng.choice(SENDERS)
        for k in range(rng.randint(1, 3)):
            kind = rng.choice(['mta'] * 6 + ['mda'] * 3 + ['bounce'])
            recipient = b'user%d@remote%d.example' % (n, k)
            destination = recipient if rng.random() < 0.8 else b'alias%d@example.net' % k
            files['%s%08x' % (msgid, rng.randrange(1 << 32))] = envelope_text(rng, kind, sender, recipient, destination)
        # Refused folders keep their envelopes whole: a damaged one alone is read as the message it may be.
        if refusal >= 0.06 and rng.random() < 1 / 6:
            name = rng.choice(sorted(files))
            files[name] = damage(files[name], rng)
        if refusal < 0.03:
            files['message'] = b'\x01' + bytes(rng.randrange(256) for _ in range(rng.randrange(30, 300)))
        elif refusal >= 0.06:
            files['message'] = message
        for name, content in files.items():
            with open(os.path.join(folder, name), 'wb') as f:
                f.write(gzip.compress(content, mtime=0) if compressed else content)
        if refusal < 0.06:
            # Encrypted, or envelopes without their message: one error for the message or each envelope.
            refused += 1 if refusal < 0.03 else len(files)
            n += 1
            continue
        read = [read_envelope(files[name]) for name in sorted(files) if name != 'message']
        envelopes.append((next((e[1] for e in read if e and e[1] is not None), None),
                          [(e[3] if e[3] is not None else e[2]).decode('utf-8', 'replace') for e in read
                           if e and e[0] != b'bounce' and (e[3] is not None or e[2] is not None)]))
        if envelopes[-1][0] is not None:
            envelopes[-1] = (envelopes[-1][0].decode('utf-8', 'replace'), envelopes[-1][1])
        damaged.append(any(e is None for e in read))
        with open(os.path.join(oracle_dir, fuzzmbox.letters(n) + '.eml'), 'wb') as f:
            f.write(message)
        n += 1
    status, records, problems = fuzzmbox.check_decoded(binary, queue_dir, oracle_dir, damaged, DAMAGED, 'messages',
                                                       envelopes=envelopes, refused=refused)
    failed += fuzzmbox.end_seed(f'seed={seed} folders={n} damaged={sum(damaged)} refused={refused} records={records} '
                                f'status={status}', problems, (mutated, queue_dir, oracle_dir))
fuzzmbox.end_campaign(failed)
