#!/usr/bin/env python3
"""Writes three generated mail logs of N sent messages each (default 200,000), for timing how long a
profile's [sent_log] takes to read at a scan's start (docs/performance.md, "The sent log at start").

Usage: Benchmarks/tools/make-mail-logs.py OUTDIR [N]

OUTDIR/maillog     Postfix (rsyslog's RFC 3339 times): smtpd, cleanup, qmgr, two smtp deliveries and
                   qmgr's "removed" for each message, six lines a message
OUTDIR/eximlog     Exim main log: an arrival, two deliveries and "Completed", four lines a message
OUTDIR/sendmaillog Sendmail: a from= line and one to= line naming two recipients
and a profile beside each (OUTDIR/p-maillog.toml ...) naming it as the sent log, plus an empty mbox.
Time one with: /usr/bin/time -f "%e s %M KB" backscatter scan -f jsonl -q --profile OUTDIR/p-maillog.toml OUTDIR/empty.mbox
"""
import os
import random
import sys


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) == 3 else 200_000
    os.makedirs(out, exist_ok=True)
    rng = random.Random(1)
    with open(os.path.join(out, "maillog"), "w") as postfix, open(os.path.join(out, "eximlog"), "w") as exim, \
            open(os.path.join(out, "sendmaillog"), "w") as sendmail:
        for i in range(n):
            day, hour, minute, second = 1 + i * 30 // n, (i // 3600) % 24, (i // 60) % 60, i % 60
            t = f"2026-01-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{i % 1000000:06d}+00:00"
            q = "%010X" % rng.getrandbits(40)
            rcpts = [f"r{i}x{r}@partner{i % 900}.example" for r in range(2)]
            postfix.write(f"{t} mx-out1 postfix/smtpd[1234]: {q}: client=app{i % 7}.acme.example[198.51.100.{i % 200}]\n")
            postfix.write(f"{t} mx-out1 postfix/cleanup[1235]: {q}: message-id=<2026{i:010d}.{q}@mx-out1.acme.example>\n")
            postfix.write(f"{t} mx-out1 postfix/qmgr[1236]: {q}: from=<user{i % 500}@acme.example>, size={1000 + i % 5000}, nrcpt=2 (queue active)\n")
            for r in rcpts:
                postfix.write(f"{t} mx-out1 postfix/smtp[1237]: {q}: to=<{r}>, relay=mx.partner{i % 900}.example[203.0.113.{i % 250}]:25, "
                              f"delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ABC{i})\n")
            postfix.write(f"{t} mx-out1 postfix/qmgr[1236]: {q}: removed\n")
            stamp = f"2026-01-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
            eid = "1v%04X-%06d-%02d" % (i % 65536, i, i % 100)
            exim.write(f"{stamp} {eid} <= user{i % 500}@acme.example H=app.acme.example [198.51.100.{i % 200}] P=esmtps "
                       f"X=TLS1.3 S={1000 + i % 5000} id=2026{i:010d}@mx-out1.acme.example\n")
            for k, r in enumerate(rcpts):
                exim.write(f"{stamp} {eid} {'=>' if k == 0 else '->'} {r} R=dnslookup T=remote_smtp "
                           f"H=mx.partner{i % 900}.example [203.0.113.{i % 250}] X=TLS1.3 C=\"250 ok\"\n")
            exim.write(f"{stamp} {eid} Completed\n")
            sq = "6%02X%08d" % (i % 256, i)
            sendmail.write(f"Jan  {1 + i % 9} 10:00:00 mx sm-mta[4101]: {sq}: from=<user{i % 500}@acme.example>, size=2048, "
                           f"class=0, nrcpts=2, msgid=<2026{i:010d}@mx-out2.acme.example>, proto=ESMTP, daemon=MTA, "
                           f"relay=ws12.acme.example [192.0.2.40]\n")
            sendmail.write(f"Jan  {1 + i % 9} 10:00:02 mx sm-mta[4103]: {sq}: to=<{rcpts[0]}>,<{rcpts[1]}>, delay=00:00:02, "
                           f"xdelay=00:00:02, mailer=esmtp, pri=150048, relay=mx.partner.example. [203.0.113.5], dsn=2.0.0, stat=Sent (ok)\n")
    for name in ("maillog", "eximlog", "sendmaillog"):
        with open(os.path.join(out, f"p-{name}.toml"), "w") as profile:
            profile.write(f'[site]\ndomains = ["acme.example"]\n[sent_log]\npath = "{name}"\n')
    open(os.path.join(out, "empty.mbox"), "w").close()


if __name__ == "__main__":
    main()
