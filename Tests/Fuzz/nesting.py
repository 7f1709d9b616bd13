#!/usr/bin/env python3
"""A report wrapped by a gateway or a list must read as it did: every message of the SOURCEs (folders of
message files, or mboxes) is written as it is, and with its body entity (its MIME fields and its body)
made the one part of a multipart/mixed, the rest of its header kept on top. The two mboxes are scanned by BIN and the records compared without their
positions, defects and verdicts (the wrapping changes what a message looks like, not what it reports).
Expected to differ: a file that glues a second message after its multipart's close (sisimai
rfc3464-28, rhost-cox-01), read from the root's epilogue only. Prints the messages that differ and in
which fields.

Usage: nesting.py BIN WORKDIR SOURCE... [--show N]   (SOURCE: a folder of message files, or an mbox)
"""
import collections, json, mailbox, os, subprocess, sys

import fuzzmbox

args = sys.argv[1:]
show = 5
if '--show' in args:
    i = args.index('--show'); show = int(args[i + 1]); del args[i:i + 2]
binary, work, sources = args[0], args[1], args[2:]
os.makedirs(work, exist_ok=True)


def originals():
    """(name, raw bytes) of each message of the sources: the files of a folder, the entries of an mbox."""
    for source in sources:
        if os.path.isdir(source):
            for root, _, files in os.walk(source):
                for f in sorted(files):
                    with open(os.path.join(root, f), 'rb') as file:
                        yield os.path.join(root, f), file.read()
        else:
            for n, message in enumerate(mailbox.mbox(source, create=False)):
                yield f'{source}#{n}', message.as_bytes()


def split_header(raw):
    """The header section (with its last LF) and the body, or None without a blank line."""
    i = raw.find(b'\n\n')
    if i < 0: return None
    return raw[:i + 1], raw[i + 2:]


def fields(header):
    """The header's fields, each with its continuation lines."""
    out, cur = [], b''
    for line in header.split(b'\n'):
        if not line: continue
        if line[:1] in (b' ', b'\t') and cur:
            cur += b'\n' + line
        else:
            if cur: out.append(cur)
            cur = line
    if cur: out.append(cur)
    return out


MIME_FIELDS = {b'content-type', b'content-transfer-encoding', b'content-disposition', b'content-description', b'content-id'}


def nested(raw):
    """`raw` wrapped, or None where it has no body or holds the wrapper's boundary."""
    parts = split_header(raw)
    if not parts: return None
    header, body = parts
    content, rest = [], []
    for f in fields(header):
        name = f.split(b':', 1)[0].strip().lower()
        (content if name in MIME_FIELDS else rest).append(f)
    if not any(f.split(b':', 1)[0].strip().lower() == b'mime-version' for f in rest):
        rest.append(b'MIME-Version: 1.0')
    boundary = b'=_nesting_probe_boundary_7f3a'
    if boundary in raw: return None
    out = b'\n'.join(rest) + b'\nContent-Type: multipart/mixed; boundary="' + boundary + b'"\n\n'
    out += b'--' + boundary + b'\n' + (b'\n'.join(content) + b'\n' if content else b'') + b'\n' + body
    if not out.endswith(b'\n'): out += b'\n'
    out += b'--' + boundary + b'--\n'
    return out


kept = []
with open(os.path.join(work, 'plain.mbox'), 'wb') as a, open(os.path.join(work, 'nested.mbox'), 'wb') as b:
    for name, raw in originals():
        raw = raw.replace(b'\r\n', b'\n')
        if raw.startswith(b'From '):
            raw = raw.split(b'\n', 1)[1] if b'\n' in raw else b''
        n = nested(raw)
        if n is None: continue
        a.write(fuzzmbox.entry(raw)); b.write(fuzzmbox.entry(n)); kept.append(name)


def records(path):
    """The scan's records of `path`, without what the wrapping may change."""
    out = subprocess.run([binary, 'scan', '--format', 'jsonl', '--quiet', '--jobs', '1', path], stdout=subprocess.PIPE).stdout
    result = []
    for line in out.decode('utf-8').split('\n')[:-1]:
        r = json.loads(line)
        for k in ('source', 'index', 'offset', 'length', 'defects', 'evidence', 'score', 'verdict', 'campaign'):
            r.pop(k, None)
        result.append(r)
    return result


a = records(os.path.join(work, 'plain.mbox')); b = records(os.path.join(work, 'nested.mbox'))
# Files of the shared corpus that glue a second message after their multipart's close delimiter.
GLUED = {'rfc3464-28.eml', 'rhost-cox-01.eml'}
diffs = collections.Counter(); shown = 0; expected = set()
for n, (x, y) in enumerate(zip(a, b)):
    if x != y:
        if os.path.basename(kept[n]) in GLUED:
            expected.add(os.path.basename(kept[n]))
        fs = tuple(sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k)))
        diffs[fs] += 1
        if shown < show:
            shown += 1
            print(f'  {kept[n]}: {", ".join(fs)}')
            for k in fs:
                print(f'    plain:  {json.dumps(x.get(k))[:400]}')
                print(f'    nested: {json.dumps(y.get(k))[:400]}')
print(f'{len(kept)} messages, {len(a)}/{len(b)} records, {sum(diffs.values())} differ'
      + (f' ({len(expected)} as expected: {", ".join(sorted(expected))})' if expected else ''))
for fs, c in diffs.most_common(): print(f'  {c} in {", ".join(fs)}')
sys.exit(1 if len(a) != len(b) or sum(diffs.values()) > len(expected) else 0)
