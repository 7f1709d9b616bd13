#!/usr/bin/env python3
"""Mutated mail as a Courier queue, against the same messages as plain message files: for each seed, COUNT
mutated messages (mutate.py), each written as a control file `C<inode>` and a data file `D<inode>` in a
folder named by the inode number's last two digits, as Courier's `/var/lib/courier/msgs` is, in shapes the
seed picks: the null sender or an address, one to four recipients with their `R` and `N` records, the
delivery records Courier appends (`I` lines, `D`, `S` and `F` with a recipient's number, some past the
last recipient, `C`, `A`), and now and then a schedule link to the control file in `msgq/`. A sixth of the
control files are damaged after their `M` record: cut anywhere, or bytes changed.

The oracle is this file's own reading of the control file (`read_control`, written from Courier's
comctlfile.h and Fixtures/mailbox/courier-queue, not from our reader): each entry's data file as a plain
message file, its envelope (the first `s` record; the `r` records that no `S` or `F` record names, in file
order), and whether the file's last line lacks its LF. Checked for each seed:
- `scan` of the queue exits 0 or 1, never by a signal and within the time limit;
- one record an entry, equal to the record of the oracle's message file (`source`, `index` and `offset`
  aside), its envelope the oracle's, and `mailbox-damaged-queue-file` in `defects` exactly where the
  control file's last line was cut.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: courierqueue.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import os, sys

import fuzzmbox

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv, default_count=300)

DAMAGED = 'mailbox-damaged-queue-file'
SENDERS = [b'', b'alice@example.net', b'bob@remote.example', b'x@[192.0.2.1]']


def read_control(control):
    """(sender, recipients, damaged) of a control file: records a line, each named by its first byte."""
    lines = control.split(b'\n')
    damaged = not control.endswith(b'\n') and control != b''
    lines = lines[:-1]   # the last is empty, or the cut line, not read
    sender, recipients, done = None, [], set()
    for line in lines:
        if not line:
            continue
        letter, value = line[:1], line[1:]
        if letter == b's' and sender is None:
            sender = value
        elif letter == b'r':
            recipients.append(value)
        elif letter in (b'S', b'F'):
            number = value.split(b' ', 1)[0]
            if number and len(number) <= 18 and number.isdigit():
                done.add(int(number))
    kept = [r for k, r in enumerate(recipients) if k not in done]
    return sender, kept, damaged


def control_file(rng, inode):
    sender = rng.choice(SENDERS)
    c = b's' + sender + b'\nfdns; localhost (localhost [127.0.0.1])\ne\nt\n'
    c += b'M%016X.%016X.%08X\n' % (inode, 0x6B164AB9 + rng.randrange(1000), rng.randrange(1 << 16))
    after = len(c)
    n = rng.randint(1, 4)
    for k in range(n):
        c += b'r' + (b'user%d@remote%d.example' % (inode, k)) + b'\nR\nN\n'
    c += b'ulocal\nE1797227833\np1796651833\nW1796637433\nA1796623033\n'
    for _ in range(rng.randint(0, 4)):
        k = rng.randrange(n + 1)
        c += b'I%d P [127.0.0.1] [127.0.0.1]\nI%d R 451 4.3.0 Try again later\n' % (k, k)
        c += rng.choice([b'D', b'S', b'F']) + b'%d 1796623033\n' % k
        if rng.random() < 0.5:
            c += b'C1796623033\n'
    return c, after


def damage(control, after, rng):
    if rng.random() < 0.5:
        return control[:rng.randrange(after, len(control))]
    return fuzzmbox.bytes_changed(control, after, rng)


failed = 0
for seed in seeds:
    rng, mutated = fuzzmbox.seed_start(seed, count, work)
    queue_dir = os.path.join(work, f'seed{seed}.courier')
    oracle_dir = os.path.join(work, f'seed{seed}.oracle')
    os.makedirs(oracle_dir, exist_ok=True)
    entries = []
    base = rng.randrange(1000000, 8000000)
    for n, one in enumerate(fuzzmbox.messages(mutated)):
        message = fuzzmbox.unquoted_message(one)
        message = fuzzmbox.as_message_file(message)
        inode = base + n * 7
        control, after = control_file(rng, inode)
        if rng.random() < 1 / 6:
            control = damage(control, after, rng)
        folder = os.path.join(queue_dir, 'msgs', '%02d' % (inode % 100))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, 'C%d' % inode), 'wb') as f:
            f.write(control)
        with open(os.path.join(folder, 'D%d' % inode), 'wb') as f:
            f.write(message)
        if rng.random() < 0.1:
            link = os.path.join(queue_dir, 'msgs', 'msgq', '179662')
            os.makedirs(link, exist_ok=True)
            os.link(os.path.join(folder, 'C%d' % inode), os.path.join(link, 'C%d.1796623292' % inode))
        sender, recipients, damaged = read_control(control)
        path = ('%02d' % (inode % 100), 'C%d' % inode)
        entries.append((path, message, (None if sender is None else sender.decode('utf-8', 'replace'),
                                        [r.decode('utf-8', 'replace') for r in recipients]), damaged))
    entries.sort(key=lambda e: e[0])
    for rank, (_, message, _, _) in enumerate(entries):
        with open(os.path.join(oracle_dir, fuzzmbox.letters(rank) + '.eml'), 'wb') as f:
            f.write(message)
    status, records, problems = fuzzmbox.check_decoded(binary, os.path.join(queue_dir, 'msgs'), oracle_dir,
                                                       [e[3] for e in entries], DAMAGED, 'entries',
                                                       envelopes=[e[2] for e in entries])
    failed += fuzzmbox.end_seed(f'seed={seed} entries={len(entries)} damaged={sum(e[3] for e in entries)} '
                                f'records={records} status={status}', problems, (mutated, queue_dir, oracle_dir))
fuzzmbox.end_campaign(failed)
