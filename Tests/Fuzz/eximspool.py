#!/usr/bin/env python3
"""Mutated mail as Exim spool messages, against the same messages as plain message files: for each seed,
COUNT mutated messages (mutate.py), each written as an `ID-H` and `ID-D` pair in a folder laid out as
Exim's `input` is, in shapes the seed picks: ACL variables (`-aclc`, `-aclm`) whose values hold newlines,
blank lines and lines that look like the file's own; tainted (`--`) variables; a tree of delivered
addresses; several recipients; headers flagged `*` (deleted) among the others; the wire format
(`-spool_file_wireformat`); journal (`-J`) files beside some. A quarter of the pairs are damaged after
the fourth line: the `-H` file cut short, an ACL length past the end, bytes changed, or no `-D` file.

The oracle is this file's own reading of the format (`decode`, written from the Exim specification's
"Format of spool files", not from our reader): each pair's message as it puts it together, written as
a plain message file, and whether it met damage. Checked for each seed:
- `scan` of the spool folder exits 0 or 1, never by a signal and within the time limit;
- it gives one record a pair, equal to the record of the oracle's message file (`source`, `index` and
  `offset` aside), and `mailbox-damaged-queue-file` in `defects` exactly where the oracle met damage.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: eximspool.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import os, sys

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)

DAMAGED = 'mailbox-damaged-queue-file'
ACL_VALUES = [b'x', b'', b'line one\nline two', b'a\n\nb', b'\n', b'-aclm _y 3\nabc', b'XX\n1\nz@example.org\n\n',
              b'018  Subject: fake\n', b'\x00\xff binary']


class Damage(Exception):
    pass


def decode(header, data, data_name):
    """(message, damaged): the message the pair holds, as `exim -Mvc` puts it together."""
    out, wire, damaged = bytearray(), False, False
    pos = 0

    def line():
        nonlocal pos
        if pos >= len(header):
            raise Damage()
        newline = header.find(b'\n', pos)
        end = len(header) if newline < 0 else newline
        text, pos = header[pos:end], (len(header) if newline < 0 else newline + 1)
        return text

    def decimal(text):
        if not text or len(text) > 18 or not text.isdigit():
            raise Damage()
        return int(text)

    try:
        line()
        line()
        sender = line()
        if len(sender) < 2 or sender[:1] != b'<' or sender[-1:] != b'>':
            raise Damage()
        line()
        while pos < len(header) and header[pos:pos + 1] == b'-':
            text = line()
            word = text[1:]
            if word[:1] == b'-':
                word = word[1:]
            if word[:1] == b'(' and b')' in word:
                word = word[word.index(b')') + 1:]
            name = word.split(b' ', 1)[0]
            if name in (b'aclc', b'aclm', b'acl'):
                fields = [f for f in text.split(b' ') if f]
                length = decimal(fields[-1])
                if length + 1 > len(header) - pos:
                    raise Damage()
                pos += length + 1
            elif name == b'spool_file_wireformat':
                wire = True
        pending = 1
        while pending:
            text = line()
            pending -= 1
            if text == b'XX':
                continue
            if len(text) < 3 or text[0:1] not in (b'Y', b'N') or text[1:2] not in (b'Y', b'N'):
                raise Damage()
            pending += (text[0:1] == b'Y') + (text[1:2] == b'Y')
        for _ in range(decimal(line())):
            line()
        if line() != b'':
            raise Damage()
        while pos < len(header):
            digits = pos
            while digits < len(header) and header[digits:digits + 1].isdigit() and digits - pos < 9:
                digits += 1
            if digits == pos or digits + 2 > len(header) or header[digits + 1:digits + 2] != b' ':
                raise Damage()
            length = int(header[pos:digits])
            if length > len(header) - (digits + 2):
                raise Damage()
            text = header[digits + 2:digits + 2 + length]
            if header[digits:digits + 1] != b'*':
                out += text.replace(b'\n', b'\r\n') if wire else text
            pos = digits + 2 + length
    except Damage:
        damaged = True
    out += b'\r\n' if wire else b'\n'
    newline = data.find(b'\n') if data is not None else -1
    if newline >= 0 and data[:newline] == data_name:
        out += data[newline + 1:]
    else:
        damaged = True
    return bytes(out), damaged


def fields(header_text):
    """The header fields of `header_text` (ending in LF), each with its continuation lines and LF."""
    found = []
    for line in header_text.split(b'\n')[:-1]:
        if line[:1] in (b' ', b'\t') and found:
            found[-1] += line + b'\n'
        else:
            found.append(line + b'\n')
    return found


def spool(message, mid, rng):
    """(-H bytes, -D bytes, where the fourth line ends) for `message` in the seed's shapes."""
    split = message.find(b'\n\n')
    head, body = (message[:split + 1], message[split + 2:]) if split >= 0 else (message, b'')
    if head and not head.endswith(b'\n'):
        head += b'\n'
    sender = rng.choice([b'<>', b'<victim@example.org>', b'<a@b>'])
    h = bytearray(mid + b'-H\nDebian-exim 103 107\n' + sender + b'\n1796575299 0\n')
    fourth = len(h)
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice([b'-aclc', b'-aclm', b'--aclm', b'-ident', b'--helo_name', b'-frozen', b'-local'])
        if kind.endswith(b'aclc') or kind.endswith(b'aclm'):
            value = rng.choice(ACL_VALUES)
            h += kind + b' _v%d %d\n' % (rng.randrange(100), len(value)) + value + b'\n'
        else:
            h += kind + b' value\n'
    wire = rng.random() < 0.15
    if wire:
        h += b'-spool_file_wireformat\n'
    shape = rng.choice(['empty', 'one', 'three'])
    h += {'empty': b'XX\n', 'one': b'NN done@example.org\n',
          'three': b'YY b@example.org\nNN a@example.org\nNN c@example.org\n'}[shape]
    recipients = [b'r%d@example.org' % n for n in range(rng.randint(1, 3))]
    h += b'%d\n' % len(recipients) + b''.join(r + b'\n' for r in recipients) + b'\n'
    for field in fields(head):
        if rng.random() < 0.1:
            deleted = b'X-Deleted: gone\n'
            h += b'%03d* ' % len(deleted) + deleted
        h += b'%03d%s ' % (len(field), rng.choice([b' ', b'P', b'F', b'T', b'I', b'R'])) + field
    return bytes(h), mid + b'-D\n' + body, fourth


def damage(header, after, rng):
    kind = rng.choice(['cut', 'acl', 'bytes'])
    if kind == 'cut':
        return header[:rng.randrange(after, len(header))]
    if kind == 'acl':
        return header[:after] + b'-aclm _broken 99999\nshort\n' + header[after:]
    return fuzzmbox.bytes_changed(header, after, rng)


failed = 0
for seed in seeds:
    rng, mutated = fuzzmbox.seed_start(seed, count, work)
    spool_dir = os.path.join(work, f'seed{seed}.spool')
    oracle_dir = os.path.join(work, f'seed{seed}.oracle')
    os.makedirs(os.path.join(spool_dir, 'input'), exist_ok=True)
    os.makedirs(oracle_dir, exist_ok=True)
    damaged = []
    n = 0
    for entry in fuzzmbox.messages(mutated):
        message = fuzzmbox.unquoted_message(entry)
        message = fuzzmbox.as_message_file(message)
        mid = b'1xaF%02X-%06d-%02X' % (seed % 256, n, n % 256)
        header, data, fourth = spool(message, mid, rng)
        if rng.random() < 0.25:
            if rng.random() < 0.25:
                data = None
            else:
                header = damage(header, fourth, rng)
        expected, is_damaged = decode(header, data, mid + b'-D')
        name = mid.decode()
        with open(os.path.join(spool_dir, 'input', name + '-H'), 'wb') as f:
            f.write(header)
        if data is not None:
            with open(os.path.join(spool_dir, 'input', name + '-D'), 'wb') as f:
                f.write(data)
        if rng.random() < 0.1:
            with open(os.path.join(spool_dir, 'input', name + '-J'), 'wb') as f:
                f.write(b'r0@example.org\n')
        with open(os.path.join(oracle_dir, name + '.eml'), 'wb') as f:
            f.write(expected)
        damaged.append(is_damaged)
        n += 1
    status, records, problems = fuzzmbox.check_decoded(binary, os.path.join(spool_dir, 'input'), oracle_dir, damaged, DAMAGED,
                                                       'pairs')
    failed += fuzzmbox.end_seed(f'seed={seed} pairs={n} damaged={sum(damaged)} records={records} status={status}',
                                problems, (mutated, spool_dir, oracle_dir))
fuzzmbox.end_campaign(failed)
