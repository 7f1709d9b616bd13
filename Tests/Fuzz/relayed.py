#!/usr/bin/env python3
"""What the site's own relays and filters do to a notice on its way in must not change what it reports:
every message of the SOURCEs (folders of message files, or mboxes) is written as it is, and in each of
these forms:
- `traced`: trace and filter fields added on top, as the receiving MTA and a spam filter add them
  (Received, Authentication-Results, X-Spam-Status, X-Virus-Scanned, a DKIM-Signature);
- `tagged`: the Subject tagged as a filter or a list tags it (`[SPAM] `; SpamAssassin's
  `rewrite_header Subject`), a Subject added when there was none;
- `encoded`: the Subject and the From's display name as RFC 2047 encoded words (as MTAs that encode every
  header value write them);
- `gateway`: the From of a notice relayed through a mail gateway that keeps it, with a `Sender:` added.
The mboxes are scanned by BIN and the records' `kind`, `format`, `recipients` and `original` compared (the
verdict may change with what was added: a filter's tag is evidence of its own). Prints the messages
that differ and in which fields; exits 1 when any does.

Usage: relayed.py BIN WORKDIR SOURCE... [--show N] [--only FORM]   (SOURCE: a folder, or an mbox)
"""
import os, re, sys

import fuzzmbox

binary, work, sources, show, only = fuzzmbox.invariant_arguments(sys.argv[1:])


TRACE = (b'Received: from mx1.site.example (mx1.site.example [198.51.100.25])\n'
         b'\tby mail.site.example (Postfix) with ESMTPS id 4Q9XYZ1abc\n'
         b'\tfor <postmaster@site.example>; Fri, 04 Dec 2026 10:00:00 +0000 (UTC)\n'
         b'Authentication-Results: mail.site.example; spf=none smtp.helo=mx1.site.example;\n'
         b'\tdkim=none; dmarc=none\n'
         b'X-Spam-Status: Yes, score=7.1 required=5.0 tests=ANY_BOUNCE_MESSAGE,BOUNCE_MESSAGE\n'
         b'\tautolearn=no version=4.0.0\n'
         b'X-Spam-Flag: YES\n'
         b'X-Virus-Scanned: amavisd-new at site.example\n'
         b'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=site.example; s=relay;\n'
         b'\th=From:To:Subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n'
         b'\tb=dGVzdA==\n')


def split(raw):
    """Header section (with its last LF) and body; None without a blank line."""
    i = raw.find(b'\n\n')
    return None if i < 0 else (raw[:i + 1], raw[i + 1:])


def form(raw, how):
    parts = split(raw)
    if parts is None:
        return None
    head, body = parts
    if how == 'none':
        return raw
    if how == 'traced':
        return TRACE + raw
    if how == 'tagged':
        m = re.search(rb'(?im)^subject:[ \t]?', head)
        if m:
            return head[:m.end()] + b'[SPAM] ' + head[m.end():] + body
        return head + b'Subject: [SPAM] \n' + body
    if how == 'encoded':
        # The Subject and the From's display name as RFC 2047 encoded words.
        import base64

        def words(value):
            text = value.strip()
            if not text or b'=?' in text:
                return value
            return b' =?utf-8?B?' + base64.b64encode(text).replace(b'\n', b'') + b'?='

        out = []
        for line in head.split(b'\n'):
            m = re.match(rb'(?i)^(subject:)(.*)$', line)
            if m:
                line = m.group(1) + words(m.group(2))
            m = re.match(rb'(?i)^(from:)\s*"?([^"<]*?)"?\s*(<[^>]*>)\s*$', line)
            if m and m.group(2).strip():
                line = m.group(1) + words(m.group(2)) + b' ' + m.group(3)
            out.append(line)
        return b'\n'.join(out) + body
    if how == 'gateway':
        return head + b'Sender: gateway-relay@site.example\n' + body
    raise ValueError(how)


forms = ('none', 'traced', 'tagged', 'encoded', 'gateway')
paths = {v: os.path.join(work, v + '.mbox') for v in forms}
outs = {v: open(p, 'wb') for v, p in paths.items()}
kept = []
for name, raw in fuzzmbox.originals(sources):
    if b'\r' in raw or split(raw) is None:
        continue
    for v in forms:
        outs[v].write(fuzzmbox.entry(form(raw, v)))
    kept.append(name)
for f in outs.values():
    f.close()

KEYS = ('kind', 'format', 'recipients', 'original')
plain = fuzzmbox.scan(binary, paths['none'], drop=(), keep=KEYS)
failed = len(plain) != len(kept)
print(f'{len(kept)} messages; as they are: {len(plain)} records')
for v in forms[1:]:
    if only and v != only:
        continue
    failed |= fuzzmbox.compare(v, plain, fuzzmbox.scan(binary, paths[v], drop=(), keep=KEYS), kept, show)
sys.exit(1 if failed else 0)
