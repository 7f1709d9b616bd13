#!/usr/bin/env python3
"""Seed corpora and a dictionary for the coverage-guided targets (README, "Coverage-guided").

Usage: libfuzzer-seeds.py OUTDIR [MAXBYTES]

Writes OUTDIR/TARGET/ for each target of Tests/FuzzTargets (message, line-ends, mbox, scan, split, profile), each seed a
real input cut to MAXBYTES (default 65536: libFuzzer's -max_len), and OUTDIR/backscatter.dict, libFuzzer's
dictionary made of pieces.txt's specials and tokens and the scan target's file separator. The seeds are
the repository's Fixtures and, when ../shared is beside the repository, the sisimai bsd messages, the
parser corpus and the mbox corpus; the scan target's seeds are each input behind the selector byte of the
form it is (ScanLayout.swift), queue entries with their files joined at the separator, and some of them
again with the high bit that sends them through the queue audit; the split target's, the scan target's
without that bit (split classifies).
"""
import hashlib
import os
import sys

import fuzzmbox

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, 'Fixtures')
SHARED = os.path.join(os.path.dirname(REPO), 'shared', 'corpus')

# ScanLayout.Form's order: the selector byte of each form.
MAILBOX_FILE, MAILDIR, SENDMAIL, EXIM, COURIER, OPENSMTPD, EML_FOLDER = range(7)
SEPARATOR = b'\n%%FILE%%\n'


def files_under(folder):
    out = []
    for root, _, names in os.walk(folder):
        out += [os.path.join(root, n) for n in names]
    return sorted(out)


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def write_seeds(folder, seeds, limit):
    os.makedirs(folder, exist_ok=True)
    written = set()
    for seed in seeds:
        seed = seed[:limit]
        name = hashlib.sha1(seed).hexdigest()
        if name in written:
            continue
        written.add(name)
        with open(os.path.join(folder, name), 'wb') as f:
            f.write(seed)
    return len(written)


def queue_seeds():
    """Each queue entry of the fixtures as the scan target's input: selector, files joined."""
    mailbox = os.path.join(FIXTURES, 'mailbox')
    seeds = []
    sendmail = os.path.join(mailbox, 'sendmail-queue')
    for name in sorted(os.listdir(sendmail)):
        if name.startswith('qf') and os.path.exists(os.path.join(sendmail, 'df' + name[2:])):
            seeds.append(bytes([SENDMAIL]) + read(os.path.join(sendmail, name)) + SEPARATOR
                         + read(os.path.join(sendmail, 'df' + name[2:])))
    exim = os.path.join(mailbox, 'exim-spool')
    for name in sorted(os.listdir(exim)):
        data = os.path.join(exim, name[:-2] + '-D')
        if name.endswith('-H') and os.path.exists(data):
            seeds.append(bytes([EXIM]) + read(os.path.join(exim, name)) + SEPARATOR + read(data))
    for path in files_under(os.path.join(mailbox, 'courier-queue', 'msgs')):
        folder, name = os.path.split(path)
        data = os.path.join(folder, 'D' + name[1:])
        if name.startswith('C') and os.path.exists(data):
            seeds.append(bytes([COURIER]) + read(path) + SEPARATOR + read(data))
    for path in files_under(os.path.join(mailbox, 'opensmtpd-queue')):
        folder, name = os.path.split(path)
        if name != 'message':
            continue
        envelopes = [os.path.join(folder, n) for n in sorted(os.listdir(folder)) if n != 'message']
        seeds.append(bytes([OPENSMTPD]) + SEPARATOR.join([read(path)] + [read(e) for e in envelopes]))
    return seeds


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 65536
    sources = files_under(FIXTURES)
    if os.path.isdir(SHARED):
        for sub in ('sisimai/maildir/bsd', 'parsers', 'mbox'):
            sources += files_under(os.path.join(SHARED, sub))
    else:
        print(f'{SHARED} is absent: seeds from Fixtures only')
    inputs = [read(p) for p in sources]
    messages = [b for p, b in zip(sources, inputs) if not p.endswith(('.tsv', '.py', '.sh', '.md', '.toml'))]
    counts = {
        'message': write_seeds(os.path.join(out, 'message'), messages, limit),
        'line-ends': write_seeds(os.path.join(out, 'line-ends'), [m.replace(b'\r', b'') for m in messages], limit),
        'mbox': write_seeds(os.path.join(out, 'mbox'), [b for p, b in zip(sources, inputs) if b.startswith(b'From ')
                                                        or p.endswith(('.mbox', '.mmdf'))], limit),
    }
    scan = [bytes([MAILBOX_FILE]) + m for m in messages]
    scan += [bytes([MAILDIR]) + a + SEPARATOR + b for a, b in zip(messages[0::2], messages[1::2])][:200]
    scan += [bytes([EML_FOLDER]) + a + SEPARATOR + b for a, b in zip(messages[1::2], messages[2::2])][:200]
    queued = queue_seeds()
    scan += queued
    # The same through the queue audit: the selector's high bit.
    scan += [bytes([seed[0] | 0x80]) + seed[1:] for seed in queued + scan[:300]]
    counts['scan'] = write_seeds(os.path.join(out, 'scan'), scan, limit)
    counts['split'] = write_seeds(os.path.join(out, 'split'), [seed for seed in scan if seed[0] < 0x80], limit)
    # A profile of the fixtures' (none naming a file: the target passes those over) and a bounce.
    profiles = [b for p, b in zip(sources, inputs) if p.endswith('.toml') and b'_file' not in b and b'sent_log' not in b]
    bounces = [m for m in messages if b'delivery-status' in m][:300]
    counts['profile'] = write_seeds(os.path.join(out, 'profile'),
                                    [profiles[i % len(profiles)] + SEPARATOR + b for i, b in enumerate(bounces)], limit)
    specials, tokens, _ = fuzzmbox.pieces()
    with open(os.path.join(out, 'backscatter.dict'), 'w', encoding='ascii') as f:
        for piece in specials + tokens + [SEPARATOR, b'From ', b'\x01\x01\x01\x01\n', b'version: 3\n']:
            f.write('"' + ''.join(chr(c) if 32 <= c < 127 and c not in b'"\\' else f'\\x{c:02x}' for c in piece)
                    + '"\n')
    print(' '.join(f'{name}={count}' for name, count in counts.items()), f'dictionary={out}/backscatter.dict')


if __name__ == '__main__':
    main()
