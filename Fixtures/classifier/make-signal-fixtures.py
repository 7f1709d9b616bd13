#!/usr/bin/env python3
"""Writes Fixtures/classifier/signals/: one small bounce per classifier signal, each with the profile it
is judged with and the signal (and verdict) expected, in signals/expected.tsv. Deterministic: run it
again after changing it; the DKIM-signed original is Fixtures/profile/dkim/rsa-relaxed.eml (dkimpy)."""
import base64, hashlib, hmac, os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "signals")
DKIM = open(os.path.join(HERE, "..", "profile", "dkim", "rsa-relaxed.eml")).read()
DKIM_HEADERS = DKIM.split("\n\n", 1)[0] + "\n"
BOUNCE_DAY = 1768176000 // 86400 + 0  # 2026-01-12
BATV_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
SRS_SECRET = b"fixture-secret"
SENT_ID = "20260112100000.ABCDEF0123@mx-out1.example.com"

def prvs(local, domain, day, key=BATV_KEY, k=1):
    ddd = "%03d" % ((day + 7) % 1000)
    sig = hmac.new(key, f"{k}{ddd}{local}@{domain.lower()}".encode(), hashlib.sha1).hexdigest()[:6]
    return f"prvs={k}{ddd}{sig}={local}@{domain}"

def srs0(local, domain, forwarder, day, secret=SRS_SECRET):
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    d = day % 1024
    tt = chars[(d >> 5) & 31] + chars[d & 31]
    mac = hmac.new(secret, (tt + domain + local).lower().encode(), hashlib.sha1).digest()
    h = base64.b64encode(mac).decode()[:4]
    return f"SRS0={h}={tt}={domain}={local}@{forwarder}"

def original(hop="from mx-out1.example.com (mx-out1.example.com [192.0.2.4])", msgid=f"<{SENT_ID}>",
             frm="Alice <alice@example.com>", date="Mon, 12 Jan 2026 10:00:00 +0000", subject="Quarterly report",
             extra=""):
    lines = [f"Received: {hop}\n\tby mx.partner.example with ESMTPS id X1\n\tfor <first@partner.example>; Mon, 12 Jan 2026 10:00:01 +0000"]
    lines += [extra.rstrip("\n")] if extra else []
    if msgid: lines.append(f"Message-ID: {msgid}")
    if date: lines.append(f"Date: {date}")
    if frm: lines.append(f"From: {frm}")
    lines.append("To: first@partner.example")
    if subject: lines.append(f"Subject: {subject}")
    return "\n".join(lines) + "\n"

def bounce(victim="alice@example.com", failed=("first@partner.example",), orig=None, envid=None,
           date="Mon, 12 Jan 2026 10:05:00 +0000", reflector="mx.partner.example"):
    parts = [f"""Return-Path: <>
X-Original-To: {victim}
Delivered-To: {victim.split('=')[-1] if victim.startswith('prvs=') else victim}
Received: from {reflector} ({reflector} [198.51.100.7])
\tby mx1.example.com (Postfix) with ESMTPS id AAA1
\tfor <{victim}>; {date}
From: MAILER-DAEMON@{reflector} (Mail Delivery System)
To: {victim}
Subject: Undelivered Mail Returned to Sender
Date: {date}
Message-Id: <bounce@{reflector}>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; {reflector}
"""]
    if envid: parts.append(f"Original-Envelope-Id: {envid}\n")
    for r in failed:
        parts.append(f"\nFinal-Recipient: rfc822; {r}\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <{r}>: user unknown\n")
    if orig is not None:
        parts.append(f"\n--B\nContent-Type: text/rfc822-headers\n\n{orig}")
    parts.append("\n--B--\n")
    return "".join(parts)

def plain_notice(return_path, frm, hop="from mx.partner.example (mx.partner.example [198.51.100.7])"):
    """A notice in plain text, no delivery-status part and nothing of the original returned."""
    return f"""Return-Path: <{return_path}>
X-Original-To: alice@example.com
Delivered-To: alice@example.com
Received: {hop}
\tby mx1.example.com (Postfix) with ESMTPS id AAA2
\tfor <alice@example.com>; Mon, 12 Jan 2026 10:05:00 +0000
From: {frm}
To: alice@example.com
Subject: Undelivered Mail Returned to Sender
Date: Mon, 12 Jan 2026 10:05:00 +0000
Message-Id: <notice@mx.partner.example>
Content-Type: text/plain

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<first@partner.example>: host mx.partner.example said: 550 5.1.1 user unknown
"""

def autoreply(frm, in_reply_to):
    return f"""Return-Path: <{frm}>
X-Original-To: alice@example.com
Received: from mx.partner.example (mx.partner.example [198.51.100.7])
\tby mx1.example.com (Postfix) with ESMTPS id AAA2
\tfor <alice@example.com>; Mon, 12 Jan 2026 10:05:00 +0000
From: {frm}
To: alice@example.com
Subject: Automatic reply: Quarterly report
Date: Mon, 12 Jan 2026 10:05:00 +0000
Message-ID: <auto@partner.example>
In-Reply-To: {in_reply_to}
Auto-Submitted: auto-replied
Content-Type: text/plain

I am out of the office until Monday.
"""

def replayed_through_relay(replayed_on="Mon, 02 Feb 2026 10:00:01 +0000", to="first@partner.example"):
    """Our original as a replay returns it: handed by our relay to the replayer's inbox on 2026-01-12,
    and by the replayer's host to the bouncing server on `replayed_on`."""
    return original(hop="from mail.replayer.example (mail.replayer.example [203.0.113.50])",
                    extra="Received: from mx-out1.example.com (mx-out1.example.com [192.0.2.4])\n\tby inbox.replayer.example"
                          " with ESMTPS id R1\n\tfor <collector@replayer.example>; Mon, 12 Jan 2026 10:00:00 +0000"
                    ).replace("Mon, 12 Jan 2026 10:00:01 +0000", replayed_on).replace("first@partner.example", to)

def fetched_late(fetched_on="Mon, 02 Feb 2026 10:00:01 +0000", msgid=f"<{SENT_ID}>"):
    """Our original as a fetchmail user's server returns it: handed by our relay to the user's provider
    on 2026-01-12, left in the mailbox there, fetched with POP3 on `fetched_on` and passed to the user's
    own server, which bounces it."""
    received = [
        "from localhost (localhost [127.0.0.1])\n\tby home.partner.example (Postfix) with ESMTP id H1"
        f"\n\tfor <first@home.partner.example>; {fetched_on}",
        "from pop.partner.example [198.51.100.9]\n\tby home.partner.example with POP3 (fetchmail-6.4.37)"
        f"\n\tfor <first@home.partner.example> (single-drop); {fetched_on}",
        "from mx-out1.example.com (mx-out1.example.com [192.0.2.4])\n\tby mx.partner.example with ESMTPS id R1"
        "\n\tfor <first@partner.example>; Mon, 12 Jan 2026 10:00:00 +0000",
    ]
    return "".join(f"Received: {r}\n" for r in received) + original(msgid=msgid).split("\n", 3)[3]

def read_receipt(read_on="Mon, 02 Feb 2026 10:05:00 +0000"):
    """A read receipt (RFC 8098) for our message of 2026-01-12, sent when first@partner.example opened it
    on `read_on`, with the message's headers (its Received field by our relay's date)."""
    return f"""Return-Path: <first@partner.example>
X-Original-To: alice@example.com
Delivered-To: alice@example.com
Received: from mx.partner.example (mx.partner.example [198.51.100.7])
\tby mx1.example.com (Postfix) with ESMTPS id AAA9
\tfor <alice@example.com>; {read_on}
From: First <first@partner.example>
To: alice@example.com
Subject: Read: Quarterly report
Date: {read_on}
Message-ID: <mdn1@partner.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="M"

--M
Content-Type: text/plain

Your message was displayed on {read_on}.

--M
Content-Type: message/disposition-notification

Reporting-UA: partner.example; Thunderbird
Final-Recipient: rfc822; first@partner.example
Original-Message-ID: <{SENT_ID}>
Disposition: manual-action/MDN-sent-manually; displayed

--M
Content-Type: text/rfc822-headers

{original()}
--M--
"""

L, N = "signals-profile-sentlog.toml", "signals-profile.toml"
cases = [
    ("relay-ip-ours", N, bounce(orig=original()), "legitimate"),
    ("relay-ip-ours-forwarded", N, bounce(orig=original(hop="from fwd.partner.example (fwd.partner.example [198.51.100.20])",
        extra="Received: from mx-out1.example.com (mx-out1.example.com [192.0.2.4])\n\tby fwd.partner.example; Mon, 12 Jan 2026 10:00:00 +0000")), "-"),
    # Our message, handed over by our relay on 2026-01-12 (by the date the next server recorded), in a
    # notice three weeks later: no server keeps a message that long; someone kept a copy and sent it
    # again (a replay), here from a host of theirs, or bounced it so late itself. Nine days: no replay.
    ("relay-ip-ours-long-ago", N, bounce(orig=replayed_through_relay(), date="Mon, 02 Feb 2026 10:05:00 +0000"), "backscatter"),
    ("relay-ip-ours-long-ago-top", N, bounce(orig=original(), date="Mon, 02 Feb 2026 10:05:00 +0000"), "backscatter",
        "relay-ip-ours-long-ago"),
    ("relay-ip-ours-forwarded-nine-days", N, bounce(orig=replayed_through_relay(replayed_on="Wed, 21 Jan 2026 10:00:01 +0000"),
        date="Wed, 21 Jan 2026 10:05:00 +0000"), "-", "relay-ip-ours-forwarded"),
    # A fetchmail user's provider kept our message in the mailbox for three weeks; fetched with POP3
    # and passed to the user's own server, it bounced there: about our sending, not a copy. Fetched
    # on the day we sent it, the notice three weeks later is dated as a copy again.
    ("original-fetched-late", N, bounce(failed=("first@home.partner.example",), orig=fetched_late(),
        date="Mon, 02 Feb 2026 10:05:00 +0000", reflector="home.partner.example"), "legitimate"),
    ("original-fetched-late-sent-log", L, bounce(failed=("first@home.partner.example",), orig=fetched_late(),
        date="Mon, 02 Feb 2026 10:05:00 +0000", reflector="home.partner.example"), "legitimate", "original-fetched-late"),
    ("relay-ip-ours-long-ago-fetched-early", N, bounce(failed=("first@home.partner.example",),
        orig=fetched_late(fetched_on="Mon, 12 Jan 2026 10:20:00 +0000"), date="Mon, 02 Feb 2026 10:05:00 +0000",
        reflector="home.partner.example"), "backscatter", "relay-ip-ours-long-ago"),
    # A read receipt goes when the reader opens the message, three weeks later here: not dated as a copy
    # (Classifier.datesCopy), by our relay's hop nor by the sent log.
    ("read-receipt-weeks-late", N, read_receipt(), "legitimate", "relay-ip-ours"),
    ("read-receipt-weeks-late-sent-log", L, read_receipt(), "legitimate", "message-id-sent"),
    ("relay-helo-forged", N, bounce(orig=original(hop="from mx-out1.example.com (dsl-203-0-113-9.pool.isp.example [203.0.113.9])")), "backscatter"),
    ("relay-ip-foreign", N, bounce(orig=original(hop="from mail.other.example (mail.other.example [203.0.113.77])")), "-"),
    ("original-spam-shape", N, bounce(orig=original(hop="from [203.0.113.9] (unknown [203.0.113.9])", msgid="<1768212000.5@[203.0.113.9]>", subject="BUY NOW!!! CHEAP!!!")), "backscatter"),
    ("message-id-sent", L, bounce(orig=original()), "legitimate"),
    # Our message, sent on 2026-01-12 by the log, in a notice three weeks later: no queue keeps mail
    # that long; the notice is about a copy sent again.
    ("message-id-sent-long-ago", L, bounce(orig=original(hop="from mail.replayer.example (mail.replayer.example [203.0.113.50])"),
        date="Mon, 02 Feb 2026 10:05:00 +0000"), "backscatter"),
    ("message-id-not-sent", L, bounce(orig=original(msgid="<20260112100500.0000000001@mx-out1.example.com>")), "-"),
    ("message-id-our-format", N, bounce(orig=original()), "legitimate"),
    ("message-id-foreign", N, bounce(orig=original(msgid="<abc.def@spam.example>")), "-"),
    ("message-id-missing", N, bounce(orig=original(msgid=None)), "-"),
    ("dkim-ours-valid", N, bounce(failed=("first@partner.example",), orig=DKIM_HEADERS), "legitimate"),
    ("dkim-ours-failed", N, bounce(failed=("first@partner.example",), orig=DKIM_HEADERS.replace("To: first@partner.example", "To: someone@partner.example")), "-"),
    # Our signed original (t= 2026-11-29 04:52 UTC) returned by a notice three weeks later: a replay. With
    # the sent log its Message-ID is one we sent, which a replay copies with the signature.
    ("dkim-ours-replayed", N, bounce(failed=("first@partner.example",), orig=DKIM_HEADERS,
        date="Sun, 20 Dec 2026 09:00:00 +0000"), "backscatter"),
    ("dkim-ours-replayed-sent-log", L, bounce(failed=("stranger@far.example",), orig=DKIM_HEADERS,
        date="Sun, 20 Dec 2026 09:00:00 +0000"), "backscatter", "dkim-ours-replayed"),
    # Nine days after it was signed: within the time a server may keep a message, no replay.
    ("dkim-ours-valid-nine-days", N, bounce(failed=("first@partner.example",), orig=DKIM_HEADERS,
        date="Tue, 08 Dec 2026 04:00:00 +0000"), "-", "dkim-ours-valid"),
    ("dkim-ours-absent", N, bounce(orig=original(hop="from mail.other.example (mail.other.example [203.0.113.77])", msgid="<x1@other.example>")), "-"),
    ("dkim-foreign-domain", N, bounce(orig=original(hop="from mail.other.example (mail.other.example [203.0.113.77])", msgid="<x2@other.example>",
        extra="DKIM-Signature: v=1; a=rsa-sha256; d=other.example; s=k1; h=from:to; bh=AAAA; b=AAAA")), "-"),
    ("batv-valid", N, bounce(victim=prvs("alice", "example.com", BOUNCE_DAY), orig=original()), "legitimate"),
    ("batv-invalid", N, bounce(victim=prvs("alice", "example.com", BOUNCE_DAY, key=b"wrong-key"), orig=None), "-"),
    ("batv-expired", N, bounce(victim=prvs("alice", "example.com", BOUNCE_DAY - 40), orig=None), "-"),
    ("batv-missing", N, bounce(orig=original(hop="from mail.other.example (mail.other.example [203.0.113.77])")), "backscatter"),
    ("srs-valid", N, bounce(victim=srs0("carol", "partner.example", "example.com", BOUNCE_DAY), orig=None), "-"),
    ("srs-invalid", N, bounce(victim="SRS0=abcd=" + srs0("carol", "partner.example", "example.com", BOUNCE_DAY).split("=", 2)[2], orig=None), "-"),
    ("recipient-unknown-here", N, bounce(victim="zqxkvwtr@example.com", orig=None), "-"),
    ("several-recipients", N, bounce(failed=("a1@partner.example", "a2@partner.example", "a3@partner.example"), orig=None), "-"),
    # (Not asserted legitimate: the profile signs with BATV, and this notice came to an unsigned address.)
    ("recipient-written-to", L, bounce(failed=("first@partner.example",), orig=None), "-"),
    ("recipient-never-written-to", L, bounce(failed=("stranger@far.example",), orig=None), "backscatter"),
    ("envelope-id-ours", L, bounce(envid=SENT_ID, orig=None), "legitimate"),
    # Our message (the log has it going to first@ and second@partner.example) bounced for an address we
    # never sent it to: a forward of ours, or a replay; one notice alone stays legitimate.
    ("recipient-not-of-message", L, bounce(failed=("stranger@far.example",), orig=original()), "legitimate"),
    ("original-after-bounce", N, bounce(orig=original(date="Tue, 13 Jan 2026 12:00:00 +0000")), "-"),
    ("original-weeks-before", N, bounce(orig=original(date="Mon, 1 Dec 2025 10:00:00 +0000")), "-"),
    ("reply-to-our-id", L, autoreply("first@partner.example", f"<{SENT_ID}>"), "legitimate"),
    ("reply-to-foreign-id", L, autoreply("stranger@far.example", "<x@spam.example>"), "backscatter"),
    ("replier-written-to", L, autoreply("first@partner.example", f"<{SENT_ID}>"), "legitimate"),
    ("replier-never-written-to", L, autoreply("stranger@far.example", "<x@spam.example>"), "backscatter"),
    ("no-original", N, bounce(orig=None), "-"),
    # A notice with a sender, no report and nothing returned; one from our own postmaster that an
    # outside host delivered (Classifier.fakeNotice). The fifth item names the signal when the file
    # name does not.
    ("fake-notice", N, plain_notice("offers@shop.example", "MAILER-DAEMON@mx.partner.example"), "not-bounce"),
    ("fake-notice-own-sender", N, plain_notice("", "postmaster@example.com",
        hop="from mail.phish.example (mail.phish.example [203.0.113.66])"), "not-bounce", "fake-notice"),
]
# A replay (Fixtures/classifier/replay.mbox, its expectations in replay.expected): our message, which the
# sent log has going to first@ and second@partner.example, bounced by three servers for three addresses
# we never sent it to, the copies entering the mail system at a host that is not ours; one real bounce of
# it, for first@partner.example, through our relay; and a vacation reply to it from a fourth address.
replayed = original(hop="from mail.replayer.example (mail.replayer.example [203.0.113.50])")
notices = [bounce(failed=(f"stranger{i}@far{i}.example",), orig=replayed, reflector=f"mx.far{i}.example",
                  date=f"Mon, 12 Jan 2026 10:{10 + i}:00 +0000") for i in range(3)]
notices.insert(1, bounce(orig=original(), date="Mon, 12 Jan 2026 10:11:30 +0000"))
notices.append(autoreply("stranger9@far9.example", f"<{SENT_ID}>"))
with open(os.path.join(HERE, "replay.mbox"), "w") as f:
    for i, notice in enumerate(notices):
        f.write(f"From MAILER-DAEMON Mon Jan 12 10:1{i}:00 2026\n{notice}\n")

# A replay told without a profile (Fixtures/classifier/replay-relay.mbox, its expectations in
# replay-relay.expected): four real bounces of our mail, handed over by our relays (from which the scan
# infers them and our domain), then three bounces of our message of 2026-01-12 sent again three weeks
# later from a host of the replayer's to three addresses, which our relay handed over on 2026-01-12.
relay_notices = [bounce(failed=(f"friend{i}@partner{i}.example",), reflector=f"mx.partner{i}.example",
                        orig=original(hop=f"from mx-out{1 + i % 2}.example.com (mx-out{1 + i % 2}.example.com [192.0.2.{4 + i % 2}])",
                                      msgid=f"<2026011{2 + i}100000.ABCDEF012{i}@mx-out1.example.com>",
                                      subject=f"Meeting notes {i}").replace("first@partner.example", f"friend{i}@partner{i}.example")
                                                                   .replace("12 Jan 2026 10:00:01", f"1{2 + i} Jan 2026 10:00:01"),
                        date=f"Mon, 1{2 + i} Jan 2026 10:05:00 +0000") for i in range(4)]
relay_notices += [bounce(failed=(f"stranger{i}@far{i}.example",), reflector=f"mx.far{i}.example",
                         orig=replayed_through_relay(f"Mon, 02 Feb 2026 10:0{i}:01 +0000", f"stranger{i}@far{i}.example"),
                         date=f"Mon, 02 Feb 2026 10:1{i}:00 +0000") for i in range(3)]
# Last, a fetchmail user's server bouncing another message of ours three weeks late: it waited in the
# mailbox (original-fetched-late), no copy, and no replay in the summary.
relay_notices += [bounce(failed=("first@home.partner.example",), reflector="home.partner.example",
                         orig=fetched_late(msgid="<20260112100000.FE7C4ED001@mx-out1.example.com>"),
                         date="Mon, 02 Feb 2026 10:20:00 +0000")]
with open(os.path.join(HERE, "replay-relay.mbox"), "w") as f:
    for i, notice in enumerate(relay_notices):
        f.write(f"From MAILER-DAEMON Mon Jan 12 10:1{i}:00 2026\n{notice}\n")

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "expected.tsv"), "w") as tsv:
    tsv.write("# file\tprofile\tsignal that must be among the evidence\tverdict (- when not asserted)\n")
    for case in cases:
        name, profile, text, verdict = case[:4]
        signal = case[4] if len(case) > 4 else name
        with open(os.path.join(OUT, name + ".eml"), "w") as f:
            f.write(text)
        tsv.write(f"{name}.eml\t{profile}\t{signal}\t{verdict}\n")
