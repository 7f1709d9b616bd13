"""The mbox form the campaign scripts write and read: one fixed From_ line a message, mboxrd quoting of the
message's LF-ended lines (each `>*From ` line gains a `>`), a blank line after. Imported by mutate.py,
designed.py and slowest.py (Python puts a script's own folder on its import path)."""

SEPARATOR = b'From fuzz@example.invalid Thu Jan  1 00:00:00 2026\n'


def entry(message):
    """`message` as one mbox entry."""
    quoted = [b'>' + line if line.lstrip(b'>').startswith(b'From ') else line for line in message.split(b'\n')]
    return SEPARATOR + b'\n'.join(quoted) + b'\n\n'


def messages(path, chunk=64 << 20):
    """The entries of an mbox written with `entry`, each with its From_ line, read a chunk at a time (the
    designed mailboxes run to gigabytes)."""
    pending = b''
    with open(path, 'rb') as f:
        while True:
            data = f.read(chunk)
            if not data:
                break
            parts = (pending + data).split(SEPARATOR)
            pending = parts.pop()
            for part in parts:
                if part:
                    yield SEPARATOR + part
    if pending:
        yield SEPARATOR + pending


def write_files(path, folder, subfolders=('',)):
    """Writes each message of an mbox written with `entry` to `folder` as its own file (00000.eml, ...),
    unquoted, in its own bytes: a folder of message files in mixed line ends for `split-campaign.sh`; with
    `subfolders` (a Maildir's `('new', 'cur')` for `campaign.sh`'s `FORM=maildir`), the files go into each
    in turn. Returns how many files are not empty (an empty file holds no message)."""
    import os
    for sub in subfolders:
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    nonempty = 0
    for n, e in enumerate(messages(path)):
        body = e[len(SEPARATOR):]
        if body.endswith(b'\n\n'):
            body = body[:-1]
        lines = [line[1:] if line.startswith(b'>') and line.lstrip(b'>').startswith(b'From ') else line
                 for line in body.split(b'\n')]
        data = b'\n'.join(lines)
        with open(os.path.join(folder, subfolders[n % len(subfolders)], '%05d.eml' % n), 'wb') as f:
            f.write(data)
        nonempty += 1 if data else 0
    return nonempty


def pieces():
    """The byte pieces of `pieces.txt` (next to this file): (specials, tokens, shapes), the first two lists of
    bytes, the shapes a dict from name to bytes in the file's order."""
    import os
    sections = {'specials': [], 'tokens': [], 'shapes': {}}
    current = None
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pieces.txt'), encoding='ascii') as f:
        for line in f.read().split('\n'):
            if not line or line.startswith('#'):
                continue
            if line.startswith('['):
                current = line.strip('[]')
                continue
            if current == 'shapes':
                name, _, text = line.partition(' ')
                sections['shapes'][name] = unescape(text)
            else:
                sections[current].append(unescape(line))
    return sections['specials'], sections['tokens'], sections['shapes']


def unescape(text):
    """`pieces.txt`'s escapes (\\n \\r \\t \\\\ \\xHH) read back into bytes."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == '\\':
            nxt = text[i + 1]
            if nxt == 'x':
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            out += {'n': b'\n', 'r': b'\r', 't': b'\t', '\\': b'\\'}[nxt]
            i += 2
            continue
        out.append(ord(c))
        i += 1
    return bytes(out)


def campaign_arguments(argv, default_count=1000):
    """The arguments `BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]` of the seed campaigns (outputs.py,
    forms.py): (binary, seeds, count, work folder, created if missing)."""
    import os, tempfile
    binary, first, last = argv[1], int(argv[2]), int(argv[3])
    count = int(argv[4]) if len(argv) > 4 else default_count
    work = argv[5] if len(argv) > 5 else tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    return binary, range(first, last + 1), count, work


def mutated_mailbox(seed, count, path):
    """Writes mutate.py's mbox of `count` messages for `seed` to `path`, from the shared corpus' sisimai
    maildir, parsers and mbox folders."""
    import os, subprocess
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = os.path.join(here, '../../../shared/corpus')
    subprocess.run(['python3', os.path.join(here, 'mutate.py'), str(seed), str(count), path,
                    os.path.join(corpus, 'sisimai/maildir'), os.path.join(corpus, 'parsers'),
                    os.path.join(corpus, 'mbox')], check=True)


# What the invariant tools (encodings.py, fieldnames.py, nesting.py, relayed.py) share: the messages of
# their sources, the scan's records, and the report of what differs.

POSITIONS = ('source', 'index', 'offset', 'length', 'defects')

# First bytes that would make a message file read as something else (an mbox, postcat output, compressed
# data, a Postfix queue file, an MMDF mailbox or an encrypted OpenSMTPD queue file, a Babyl file): the
# queue tools give such a message a header line before them, in the queue as in their oracle
# (`as_message_file`).
OTHER_FORMATS = (b'From ', b'*** ENVELOPE', b'\x1f\x8b', b'BZh', b'\xfd7zXZ', b'\x28\xb5\x2f\xfd', b'\x04\x22\x4d\x18',
                 b'Dovecot-LZ4\r\x2a\x9b\xc5', b'C', b'T', b'\x01', b'BABYL OPTIONS:')


def as_message_file(message, also=()):
    """`message` as the queue tools write it, in the queue and as their oracle's plain message file: with a
    header line before it when it is blank or its first bytes would make a file of it read as something
    else (`OTHER_FORMATS`, the tool's own `also`, or a digit: a dbox file's version, an Apple Mail .emlx
    file's byte count)."""
    if message.startswith(OTHER_FORMATS + tuple(also)) or not message.strip() or message[:1].isdigit():
        return b'X-Fuzz: first bytes\n' + message
    return message


def seed_start(seed, count, work):
    """(the seed's random generator, the path of its COUNT mutated messages as an mbox, written now): the
    start of each seed of the tools that write the mutated messages in another form."""
    import os
    import random
    mutated = os.path.join(work, f'seed{seed}.mutated.mbox')
    mutated_mailbox(seed, count, mutated)
    return random.Random(seed), mutated


def originals(sources):
    """(name, bytes) of each message of `sources` (folders of message files, walked, or mboxes), CRLF
    line ends made LF and an mbox From_ line in front dropped."""
    import mailbox
    import os

    def plain(raw):
        raw = raw.replace(b'\r\n', b'\n')
        if raw.startswith(b'From '):
            raw = raw.split(b'\n', 1)[1] if b'\n' in raw else b''
        return raw

    for source in sources:
        if os.path.isdir(source):
            for root, _, files in os.walk(source):
                for f in sorted(files):
                    with open(os.path.join(root, f), 'rb') as file:
                        yield os.path.join(root, f), plain(file.read())
        else:
            for n, message in enumerate(mailbox.mbox(source, create=False)):
                yield f'{source}#{n}', plain(message.as_bytes())


def scan(binary, path, drop=POSITIONS, keep=None, normalise=None):
    """The records `binary scan` writes for `path` (JSON Lines, one job), each without the keys in `drop`
    (or with those in `keep` only), passed through `normalise` when given."""
    import sys
    _, records, errors = scan_outcome(binary, path, drop, keep, normalise)
    sys.stderr.write(errors)
    return records


# What a sanitizer build writes when it finds an error, and the exit status a campaign reports then.
SANITIZER_REPORT, SANITIZER_STATUS = 'ERROR: AddressSanitizer', 99


def scan_outcome(binary, path, drop=POSITIONS, keep=None, normalise=None, timeout=None):
    """`scan` with what else the run says: (exit status, records, standard error). Raises
    subprocess.TimeoutExpired past `timeout` seconds."""
    import json
    import subprocess
    result = subprocess.run([binary, 'scan', '--format', 'jsonl', '--quiet', '--jobs', '1', path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    records = []
    for line in result.stdout.decode('utf-8').split('\n')[:-1]:
        record = json.loads(line)
        if keep is not None:
            record = {k: record.get(k) for k in keep}
        for key in drop:
            record.pop(key, None)
        if normalise:
            normalise(record)
        records.append(record)
    errors = result.stderr.decode('utf-8', 'replace')
    # AddressSanitizer exits with 1 by default, which is also backscatter's "found": its report is the sign.
    status = SANITIZER_STATUS if SANITIZER_REPORT in errors else result.returncode
    return status, records, errors


def unquoted_message(entry):
    """The message of an mbox entry written with `entry`: its From_ line, separator and mboxrd quoting
    taken off, as `write_files` takes it out."""
    body = entry[len(SEPARATOR):]
    if body.endswith(b'\n\n'):
        body = body[:-1]
    return b'\n'.join(line[1:] if line.startswith(b'>') and line.lstrip(b'>').startswith(b'From ') else line
                      for line in body.split(b'\n'))


# Defects only an mbox can have (its From_ lines and separators), left out when the same messages read
# from another form are compared with an mbox of them.
MBOX_ONLY = {'mailbox-odd-from-line', 'mailbox-missing-final-newline', 'mailbox-bad-content-length',
             'mailbox-leading-garbage'}


def without_mbox_defects(record):
    """`record` without the defects only an mbox can have (`MBOX_ONLY`)."""
    record['defects'] = [d for d in record.get('defects', []) if d not in MBOX_ONLY]


def records_as_in_an_mbox(binary, path):
    """(exit status, records) of `scan` on `path`, positions and mbox-only defects left out: the records
    to compare with an mbox of the same messages (postcat.py, mmdf.py, dbox.py)."""
    status, found, _ = scan_outcome(binary, path, drop=('source', 'index', 'offset', 'length'),
                                    normalise=without_mbox_defects, timeout=600)
    return status, found


def against_oracle(records, path, oracle_path, messages, adjust=None):
    """Writes `messages` (each ending in its line end) as the mbox `oracle_path`, then scans it and `path`
    (the same messages in another form) with `records` (a path -> (exit status, records) function).
    Returns (exit status, records of `path`, problems): a timeout, an exit status but 0 or 1, a record
    count other than the messages', records that differ from the oracle's. `adjust(got, expected)` runs
    before the comparison and returns problems of its own (postcat.py: the envelopes taken out)."""
    import subprocess
    with open(oracle_path, 'wb') as f:
        for message in messages:
            f.write(entry(message[:-1]))   # `entry` ends the message with its line end
    problems = []
    try:
        status, got = records(path)
        _, expected = records(oracle_path)
    except subprocess.TimeoutExpired:
        status, got, expected = None, [], []
        problems.append('timed out')
    if status not in (0, 1):
        problems.append(f'exit status {status}')
    if adjust:
        problems += adjust(got, expected)
    if len(got) != len(messages):
        problems.append(f'{len(got)} records for {len(messages)} messages')
    differing = [n for n, (a, b) in enumerate(zip(got, expected)) if a != b]
    if differing:
        problems.append(f'{len(differing)} records differ from the mbox\'s, first #{differing[0]}')
    return status, got, problems


def envelopes_taken_out(got, expected, what):
    """Takes `envelope` out of each record: every one of `got` (read from a queue) must have had one,
    none of `expected` (the same messages as plain files or an mbox). Returns the problems."""
    problems = []
    missing = [k for k, r in enumerate(got) if not isinstance(r.pop('envelope', None), dict)]
    if missing:
        problems.append(f'{len(missing)} {what} without their envelope, first #{missing[0]}')
    extra = [k for k, r in enumerate(expected) if r.pop('envelope', None) is not None]
    if extra:
        problems.append(f'{len(extra)} plain messages with an envelope, first #{extra[0]}')
    return problems


def check_decoded(binary, folder, oracle, damaged, defect, what, envelopes=None, refused=0):
    """Scans `folder` (queue files, one message each) and `oracle` (a folder of those messages as plain
    message files, in the same order) and compares them: one record a message, each equal to the oracle's
    (`source`, `index`, `offset` aside) once `defect` is taken out, and `defect` exactly where `damaged`
    (a list of booleans, one a message) says. With `envelopes` (a list of (sender, recipients), one a
    message), each record's envelope must say them. With `refused`, that many entries of `folder` must be
    `unsupported-file-type` errors, and the exit status 3. Returns (exit status, records, problems)."""
    import subprocess
    problems = []
    positions = ('source', 'index', 'offset')
    try:
        status, got, errors = scan_outcome(binary, folder, drop=positions, timeout=600)
        _, expected, _ = scan_outcome(binary, oracle, drop=positions, timeout=600)
    except subprocess.TimeoutExpired:
        status, got, expected, errors = None, [], [], ''
        problems.append('timed out')
    if status not in ((3,) if refused else (0, 1)):
        problems.append(f'exit status {status}')
    if errors.count('unsupported-file-type') != refused:
        problems.append(f'{errors.count("unsupported-file-type")} entries refused for {refused}')
    if envelopes is not None:
        said = [((r.get('envelope') or {}).get('sender'), (r.get('envelope') or {}).get('recipients')) for r in got]
        wrong = [k for k, (a, b) in enumerate(zip(said, envelopes)) if a != b]
        if wrong:
            problems.append(f'{len(wrong)} envelopes differ, first #{wrong[0]}: {said[wrong[0]]} for {envelopes[wrong[0]]}')
    problems += envelopes_taken_out(got, expected, what)
    if len(got) != len(damaged):
        problems.append(f'{len(got)} records for {len(damaged)} {what}')
    flagged = [defect in r.get('defects', []) for r in got]
    wrong = [k for k, (a, b) in enumerate(zip(flagged, damaged)) if a != b]
    if wrong:
        problems.append(f'{len(wrong)} {what} with {defect} wrong, first #{wrong[0]}')
    for r in got:
        r['defects'] = [d for d in r.get('defects', []) if d != defect]
    differing = [k for k, (a, b) in enumerate(zip(got, expected)) if a != b]
    if differing:
        problems.append(f'{len(differing)} records differ from the message files\', first #{differing[0]}')
    return status, len(got), problems


def bytes_changed(data, after, rng, most=6):
    """`data` with one to `most` bytes at or after `after` changed to random ones (the queue tools'
    damage)."""
    changed = bytearray(data)
    for _ in range(rng.randint(1, most)):
        changed[rng.randrange(after, len(changed))] = rng.randrange(256)
    return bytes(changed)


def letters(n):
    """`n` as six letters: names for an oracle's message files that sort as `n` does, with no digits for the
    reader's number order (`MailboxReader.sortKey`) to read."""
    out = ''
    for _ in range(6):
        n, digit = divmod(n, 26)
        out = chr(97 + digit) + out
    return out


def damage_compressed(rng, data, header):
    """Damages compressed `data` (a bytearray) one way `rng` picks: cut at a random byte, a few bytes
    changed, garbage or zeros appended, or left whole; the first `header` bytes (the magic number) are
    neither cut into nor changed. For compressed.py and compressed-formats.py. Returns (how, data)."""
    damage = rng.choice(['cut', 'bytes', 'trailing', 'whole'])
    if damage == 'cut':
        data = data[:rng.randrange(header, len(data))] if len(data) > header else data
    elif damage == 'bytes':
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(header, len(data))] = rng.randrange(256)
    elif damage == 'trailing':
        data += bytes(rng.randrange(256) if rng.random() < 0.5 else 0 for _ in range(rng.randrange(1, 600)))
    return damage, data


def end_seed(line, problems, files):
    """Prints a seed's line, `ok` or what failed; removes its `files` (files or folders) when nothing
    failed (a failed seed keeps them for a look). Returns 1 for a failed seed, else 0."""
    import os
    import shutil
    print(line + ' ' + ('ok' if not problems else 'FAILED: ' + '; '.join(problems)), flush=True)
    if problems:
        return 1
    for path in files:
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    return 0


def end_campaign(failed):
    """Prints how many seeds failed and exits 1 when any did."""
    import sys
    print(f'seeds failed: {failed}')
    sys.exit(1 if failed else 0)


def compare(form, plain, other, names, show, expected=()):
    """Prints how many of `other`'s records differ from `plain`'s and in which fields, the first `show`
    of them in full; the messages named in `expected` (file names) are counted apart. Returns whether
    any other differs or a record is missing."""
    import collections
    import json
    import os
    diffs, shown, expected_seen = collections.Counter(), 0, set()
    for n, (a, b) in enumerate(zip(plain, other)):
        if a == b:
            continue
        if os.path.basename(names[n]) in expected:
            expected_seen.add(os.path.basename(names[n]))
            continue
        fields = tuple(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))
        diffs[fields] += 1
        if shown < show:
            shown += 1
            print(f'  {form}: {names[n]}: {", ".join(fields)}')
            for k in fields:
                print(f'    as is: {json.dumps(a.get(k))[:300]}')
                print(f'    {form}: {json.dumps(b.get(k))[:300]}')
    print(f'{form}: {len(other)} records, {sum(diffs.values())} differ'
          + (f' ({len(expected_seen)} more as expected: {", ".join(sorted(expected_seen))})' if expected_seen else '')
          + ''.join(f'\n  {count} in {", ".join(fields)}' for fields, count in diffs.most_common()))
    return len(other) != len(plain) or bool(diffs)


def invariant_arguments(argv):
    """`BIN WORKDIR SOURCE... [--show N] [--only FORM]` of an invariant tool: (binary, workdir, sources,
    show, only), the workdir made; show 5 and only None unless given."""
    import os
    args = list(argv)
    options = {'--show': '5', '--only': None}
    for option in options:
        if option in args:
            i = args.index(option)
            options[option] = args[i + 1]
            del args[i:i + 2]
    binary, work, sources = args[0], args[1], args[2:]
    os.makedirs(work, exist_ok=True)
    return binary, work, sources, int(options['--show']), options['--only']
