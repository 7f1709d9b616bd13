#!/usr/bin/env python3
"""Field names are case-insensitive (RFC 5322 §1.2.2, RFC 2045 §1, RFC 3464 §2.1), a field's value may be
folded wherever white space is (RFC 5322 §2.2.3), and the blanks after the colon are optional: none of
them may change what is read. Every message of the
SOURCEs (folders of message files, or mboxes) is written as it is, with the name of every field of its
header sections in upper case, in lower case, and with every field folded at its first space after the
first 8 bytes of its value (a field that is one word is left as it is), with no blank after each
colon, with a tab there, and with each Content-Type's media type and parameters in upper case but a
boundary's value (RFC 2045 §5.1). The header sections are the
message's, each MIME part's, the delivery-status groups and the returned original's (message/rfc822 or
text/rfc822-headers), found by a walk of the MIME structure as written; lines in text parts are not
touched, nor Postfix's own `X-Postfix-*` fields, written so by Postfix alone, which name its format. The four mboxes are scanned by BIN and the records compared without their positions and the
message's own defects (and, but for the folding, with the diagnostics lower-cased and their blanks
removed: one may quote a report's fields). Prints the messages that differ and in which fields; exits 1 when any does.

Usage: fieldnames.py BIN WORKDIR SOURCE... [--show N]   (SOURCE: a folder of message files, or an mbox)
"""
import os, re, sys

import fuzzmbox

binary, work, sources, show, only = fuzzmbox.invariant_arguments(sys.argv[1:])

FIELD = re.compile(rb'^([!-9;-~]+)(:)')
BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))', re.I)


def change_section(lines, how):
    """The header section `lines` (no line ends) with each field's name or folding changed `how`."""
    out = []
    for line in lines:
        m = FIELD.match(line)
        if not m:
            out.append(line)
            continue
        name, rest = m.group(1), line[m.end(1):]
        if name.lower().startswith(b'x-postfix-'):
            out.append(line)   # Postfix's own fields, as it writes them, mark its format (`PostfixRecognizer`)
            continue
        if how == 'upper':
            out.append(name.upper() + rest)
        elif how == 'lower':
            out.append(name.lower() + rest)
        elif how == 'types':
            # The Content-Type's media type, parameter names and values in upper case (RFC 2045 §5.1:
            # case-insensitive), but a boundary's value, which is compared as it is.
            if name.lower() == b'content-type':
                value = rest.upper()
                for m2 in re.finditer(rb'(?i)boundary\s*=\s*("[^"]*"|[^\s;]+)', rest):
                    value = value[:m2.start(1)] + m2.group(1) + value[m2.end(1):]
                out.append(name + value)
            else:
                out.append(line)
        elif how == 'tight':
            out.append(name + b':' + rest[1:].lstrip(b' \t'))
        elif how == 'tab':
            out.append(name + b':\t' + rest[1:].lstrip(b' \t'))
        elif how == 'fold':
            cut = rest.find(b' ', 10)
            if cut > 0 and rest[cut + 1:].strip():
                out.append(name + rest[:cut])
                out.append(b' ' + rest[cut + 1:])
            else:
                out.append(line)
        else:
            out.append(line)
    return out


def content_type(section):
    """The Content-Type of a header section (lines), unfolded, lower-cased, or b''."""
    value, inside = b'', False
    for line in section:
        if inside and line[:1] in (b' ', b'\t'):
            value += b' ' + line.strip()
            continue
        inside = False
        m = FIELD.match(line)
        if m and m.group(1).lower() == b'content-type':
            value, inside = line[m.end():].strip(), True
    return value


def entity(lines, how, depth=0):
    """The entity `lines` (its header section, a blank line, its body) with its header sections changed."""
    try:
        blank = lines.index(b'')
    except ValueError:
        return change_section(lines, how)
    head, body = lines[:blank], lines[blank + 1:]
    ctype = content_type(head)
    return change_section(head, how) + [b''] + entity_body(body, ctype, how, depth)


def entity_body(body, ctype, how, depth):
    """A body of type `ctype` with the header sections inside it changed."""
    if depth > 20:
        return body
    kind = ctype.split(b';')[0].strip().lower()
    if kind.startswith(b'multipart/'):
        m = BOUNDARY.search(ctype)
        if not m:
            return body
        delimiter = b'--' + (m.group(1) or m.group(2))
        out, part, inside = [], [], False
        for line in body:
            if line.startswith(delimiter):
                if inside:
                    out += entity(part, how, depth + 1)
                out.append(line)
                part, inside = [], not line.startswith(delimiter + b'--')
            elif inside:
                part.append(line)
            else:
                out.append(line)
        if inside:
            out += entity(part, how, depth + 1)
        return out
    if kind in (b'message/rfc822', b'message/global', b'text/rfc822-headers', b'message/global-headers'):
        return entity(body, how, depth + 1)
    if kind in (b'message/delivery-status', b'message/global-delivery-status', b'message/feedback-report'):
        return change_section(body, how)
    return body


variants = ('none', 'upper', 'lower', 'fold', 'tight', 'tab', 'types')
paths = {v: os.path.join(work, v + '.mbox') for v in variants}
outs = {v: open(p, 'wb') for v, p in paths.items()}
kept = []
for name, raw in fuzzmbox.originals(sources):
    if b'\r' in raw:
        continue
    lines = raw.split(b'\n')
    for v in variants:
        outs[v].write(fuzzmbox.entry(raw if v == 'none' else b'\n'.join(entity(lines, v))))
    kept.append(name)
for f in outs.values():
    f.close()


def words(record):
    """The recipients' diagnostics lower-cased and without blanks (a diagnostic may quote the fields
    that were changed)."""
    for r in record.get('recipients', []):
        if r.get('diagnostic'):
            r['diagnostic'] = ''.join(r['diagnostic'].lower().split())


plain = fuzzmbox.scan(binary, paths['none'])
plain_words = fuzzmbox.scan(binary, paths['none'], normalise=words)
failed = len(plain) != len(kept)
print(f'{len(kept)} messages; as they are: {len(plain)} records')
for v in variants[1:]:
    if v == 'fold':
        failed |= fuzzmbox.compare(v, plain, fuzzmbox.scan(binary, paths[v]), kept, show)
    else:
        failed |= fuzzmbox.compare(v, plain_words, fuzzmbox.scan(binary, paths[v], normalise=words), kept, show)
sys.exit(1 if failed else 0)
