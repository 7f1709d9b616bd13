#!/usr/bin/env python3
"""Mutated mail as Postfix queue files, against the same messages as plain message files: for each seed,
COUNT mutated messages (mutate.py), each written as one queue file (Postfix's record format: a C, T, S and
R envelope, M, the message's lines as N records, X, E) in a folder laid out as a queue is, in shapes the
seed picks: lines cut into L pieces, w padding and p placeholder records between them, a run of content
records moved after E and reached through a p record and a p back (as a milter's edit is), and in a
quarter of the files damage after the first line: the file cut short, a pointer to itself, a pointer
outside the file, a length of more than 32 bits, or random bytes changed.

The oracle is this file's own decoder of the record format (`decode`, written from Postfix's record.c
and rec_type.h, not from our reader): each queue file's message as it decodes it is written as a plain
message file, and whether the walk met damage is noted. Checked for each seed:
- `scan` of the queue folder exits 0 or 1, never by a signal and within the time limit;
- it gives one record a queue file, equal to the record of the oracle's message file (`source`, `index`
  and `offset` aside), and `mailbox-damaged-queue-file` in `defects` exactly where the oracle met damage.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: queuefile.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import os, sys

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)

DAMAGED = 'mailbox-damaged-queue-file'


def record(kind, data):
    """One record: type, length in 7-bit groups lowest first, data (record.c, rec_put)."""
    out = bytearray([ord(kind)])
    rest = len(data)
    while True:
        byte = rest & 0x7F
        rest >>= 7
        out.append(byte | (0x80 if rest else 0))
        if not rest:
            break
    return bytes(out) + data


def pointer(offset):
    return record('p', b'%15d' % offset)    # REC_TYPE_PTR_FORMAT, always 17 bytes


def decode(data):
    """(message, damaged): the content a walk of the records gives, following p records, skipping w, as
    postcat -bh prints it; damaged when the walk stopped before an E record or at an E without content."""
    pos, walked, segment, out, seen_content = 0, 0, 'envelope', bytearray(), False
    while True:
        if pos >= len(data):
            return bytes(out), True
        start = pos
        kind = data[pos]
        pos += 1
        length, shift = 0, 0
        while True:
            if shift >= 32 or pos >= len(data):
                return bytes(out), True
            byte = data[pos]
            pos += 1
            length |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
            shift += 7
        if length > len(data) - pos:
            return bytes(out), True
        value = data[pos:pos + length]
        pos += length
        walked += pos - start
        if walked > len(data):
            return bytes(out), True
        if kind == ord('p'):
            digits = value.lstrip(b' ').split(b' ', 1)[0]
            if not digits or not digits.isdigit() or len(digits) > 18:
                return bytes(out), True
            target = int(digits)
            if target == 0:
                continue
            if target >= len(data):
                return bytes(out), True
            pos = target
            continue
        if kind == ord('w'):
            continue
        if kind == ord('E'):
            return bytes(out), not seen_content
        if segment == 'envelope' and kind == ord('M'):
            segment, seen_content = 'content', True
        elif segment == 'content':
            if kind == ord('N'):
                out += value + b'\n'
            elif kind == ord('L'):
                out += value
            elif kind == ord('X'):
                segment = 'extracted'


def queue_file(message, rng):
    """`message` (ending in LF) as a queue file in the seed's shapes, and where its first line ends."""
    items = []
    for line in message.split(b'\n')[:-1]:
        if len(line) > 1 and rng.random() < 0.2:
            cuts = sorted(rng.sample(range(1, len(line)), min(len(line) - 1, rng.randint(1, 4))))
            pieces = [line[a:b] for a, b in zip([0] + cuts, cuts + [len(line)])]
            items += [record('L', piece) for piece in pieces[:-1]] + [record('N', pieces[-1])]
        else:
            items.append(record('N', line))
        if rng.random() < 0.05:
            items.append(record('w', b'0' * rng.randint(1, 20)))
        if rng.random() < 0.05:
            items.append(pointer(0))
    envelope = (record('C', b'%15d %15d %15d %15d' % (len(message), 0, 1, 0)) + record('T', b'1796574000 0')
                + record('S', b'') + record('R', b'victim@example.org') + record('M', b''))
    first_line_end = len(envelope) + len(items[0])
    moved = b''
    if len(items) > 2 and rng.random() < 0.3:
        # Records [i, j) go after E, reached by a p where they were and left by a p back (rec_type.h).
        i = rng.randrange(1, len(items))
        j = rng.randrange(i, len(items) + 1)
        head = envelope + b''.join(items[:i])
        tail = b''.join(items[j:]) + record('X', b'') + record('E', b'')
        heap_at = len(head) + 17 + len(tail)
        back_to = len(head) + 17
        moved = b''.join(items[i:j]) + pointer(back_to)
        return head + pointer(heap_at) + tail + moved, first_line_end
    return envelope + b''.join(items) + record('X', b'') + record('E', b''), first_line_end


def damage(data, after, rng):
    """`data` with one fault the seed picks at or after byte `after` (a record boundary)."""
    kind = rng.choice(['cut', 'loop', 'outside', 'length', 'bytes'])
    if kind == 'cut':
        return data[:rng.randrange(after, len(data))]
    if kind == 'loop':
        return data[:after] + pointer(after) + data[after:]
    if kind == 'outside':
        return data[:after] + pointer(len(data) + 1000) + data[after:]
    if kind == 'length':
        return data[:after] + b'N\xff\xff\xff\xff\xff\x01' + data[after:]
    return fuzzmbox.bytes_changed(data, after, rng, most=8)


failed = 0
for seed in seeds:
    rng, mutated = fuzzmbox.seed_start(seed, count, work)
    queue_dir = os.path.join(work, f'seed{seed}.queue')
    oracle_dir = os.path.join(work, f'seed{seed}.oracle')
    os.makedirs(os.path.join(queue_dir, 'deferred', 'A'), exist_ok=True)
    os.makedirs(oracle_dir, exist_ok=True)
    damaged = []
    n = 0
    for entry in fuzzmbox.messages(mutated):
        message = fuzzmbox.unquoted_message(entry)
        if not message.endswith(b'\n'):
            message += b'\n'
        message = fuzzmbox.as_message_file(message)
        data, first_line_end = queue_file(message, rng)
        if rng.random() < 0.25:
            data = damage(data, first_line_end, rng)
        expected, is_damaged = decode(data)
        name = f'A{n:07d}'
        with open(os.path.join(queue_dir, 'deferred', 'A', name), 'wb') as f:
            f.write(data)
        with open(os.path.join(oracle_dir, name), 'wb') as f:
            f.write(expected)
        damaged.append(is_damaged)
        n += 1
    status, records, problems = fuzzmbox.check_decoded(binary, os.path.join(queue_dir, 'deferred'), oracle_dir,
                                                       damaged, DAMAGED, 'queue files')
    failed += fuzzmbox.end_seed(f'seed={seed} files={n} damaged={sum(damaged)} records={records} status={status}',
                                problems, (mutated, queue_dir, oracle_dir))
fuzzmbox.end_campaign(failed)
