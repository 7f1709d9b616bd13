#!/usr/bin/env python3
"""A part's transfer encoding and an ASCII text's charset label must not change what is read: every
message of the SOURCEs (folders of message files, e.g. the shared corpus' sisimai/maildir/bsd, or
mboxes) is written as it is, with each of its text parts (text/*, and message/global-delivery-status,
which RFC 6533 §6 lets be encoded) re-encoded in base64, then in quoted-printable, and with each ASCII
text part (no ISO-2022 or UTF-7 text) labelled iso-8859-1, then utf-8. The mboxes are scanned by BIN
and the records compared without their positions (source, index, offset, length) and the message's own
defects. The decoded text of every part is the same in all, so a record that differs read a part's raw
bytes where it should have read its content. All the mboxes are written through the same serialisation
(Python's email package, compat32), the untouched one too, so that its own re-folding is not counted.
Prints how many messages differ in which fields, and the first few; exits 1 when any does.

Usage: encodings.py BIN WORKDIR SOURCE... [--show N]   (SOURCE: a folder of message files, or an mbox)
"""
import base64, email, email.policy, os, quopri, sys

import fuzzmbox

binary, work, sources, show, only = fuzzmbox.invariant_arguments(sys.argv[1:])

ENCODABLE = ('text/', 'message/global-delivery-status')


def leaves(message):
    """The leaf parts of `message`, none inside a message/* part: an encapsulated message (the returned
    original, whose fields an added Content-Transfer-Encoding would change), or message/delivery-status,
    whose groups Python reads as messages of their own."""
    if message.get_content_maintype() == 'message' and message.is_multipart():
        return
    if message.is_multipart():
        for part in message.get_payload():
            yield from leaves(part)
    else:
        yield message


def encoded(raw, how):
    """`raw` with its encodable leaf parts encoded `how` ('none', 'base64', 'qp'), serialised again; None
    when Python cannot read it back (such messages are left out of all three)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in leaves(message):
        if how == 'none':
            continue
        ctype = part.get_content_type()
        if not ctype.startswith(ENCODABLE):
            continue
        cte = (part.get('Content-Transfer-Encoding') or '7bit').strip().lower()
        if cte not in ('7bit', '8bit', 'binary'):
            continue   # already encoded: its decoding is what is tested elsewhere
        body = part.get_payload(decode=True)
        if body is None:
            continue
        if how in ('latin1', 'utf8'):
            # An ASCII text labelled with another ASCII-compatible charset reads the same (but a
            # 7-bit text in a stateful charset, ISO-2022-JP or UTF-7, is no ASCII text).
            label = (part.get_content_charset() or 'us-ascii').lower()
            stateful = label.startswith(('iso-2022', 'utf-7', 'unicode-1-1-utf-7', 'hz')) or b'\x1b' in body
            if ctype.startswith('text/') and body.isascii() and not stateful:
                try:
                    part.set_param('charset', 'iso-8859-1' if how == 'latin1' else 'utf-8')
                except (TypeError, ValueError):
                    pass   # a Content-Type Python cannot rewrite: left as it is
            continue
        if 'Content-Transfer-Encoding' in part:
            part.replace_header('Content-Transfer-Encoding', 'base64' if how == 'base64' else 'quoted-printable')
        else:
            part['Content-Transfer-Encoding'] = 'base64' if how == 'base64' else 'quoted-printable'
        if how == 'base64':
            part.set_payload(base64.encodebytes(body).decode('ascii'))
        else:
            part.set_payload(quopri.encodestring(body).decode('ascii'))
    try:
        return message.as_bytes(policy=email.policy.compat32.clone(linesep='\n'))
    except Exception:
        return None


variants = ('none', 'base64', 'qp', 'latin1', 'utf8')
paths = {v: os.path.join(work, v + '.mbox') for v in variants}
outs = {v: open(p, 'wb') for v, p in paths.items()}
kept = []
for name, raw in fuzzmbox.originals(sources):
    forms = {v: encoded(raw, v) for v in variants}
    if any(form is None for form in forms.values()):
        continue
    for v in variants:
        outs[v].write(fuzzmbox.entry(forms[v]))
    kept.append(name)
for f in outs.values():
    f.close()


plain = fuzzmbox.scan(binary, paths['none'])
failed = len(plain) != len(kept)
print(f'{len(kept)} messages; as they are: {len(plain)} records')
for v in variants[1:]:
    failed |= fuzzmbox.compare(v, plain, fuzzmbox.scan(binary, paths[v]), kept, show)
sys.exit(1 if failed else 0)
