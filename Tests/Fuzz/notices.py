#!/usr/bin/env python3
"""Designed hostile notices for the readers of Amazon SES's JSON, DragonFly, Postfix's smtpd notice and
reports without a DSN part, Sendmail's transcript replies and pipe recipients' lines:
each shape as one message, scanned on its own by BIN (one job, `--no-classify`), with its time, kind,
format and record count. A reader quadratic in its shape is the one line far slower than the rest.

Usage: Tests/Fuzz/notices.py BIN [WORKDIR]
Shapes: an SES notification of 200,000 recipients (9 MB); 500,000 nested brackets; 300,000 of
sendmail's `!` line splits in an unterminated string; 200,000 lone-surrogate escapes; a DragonFly
notice of 100,000 recipients; an smtpd transcript of 100,000 RCPT commands; a Sendmail transcript of
200,000 distinct replies; a Postfix report without a DSN part of 200,000 recipient paragraphs; Sendmail
transcripts of 200,000 pipe recipients' lines, of a pipe command of 2 MB without its closing quote and
200,000 short ones, and of 200,000 refused greetings; a report of 1,000 recipients with 200,000 local
delivery agents' lines naming them, one of 2 MB; a transcript of 200,000 replies in a report that lost its
Content-Type, then 200,000 delimiter-like lines; returned originals: 200,000 lines of a report with no
marker, each "Received:" under a line of prose; an inline copy whose folding lost 200,000 continuation
lines before its Message-ID, and one of 200,000 fields each followed by a line that is none; a report of
2,000 parts of 2,000 fields each, none a message's; 2,000 text parts whose text is 2,000 such fields.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

SNS = "From: x <no-reply@sns.amazonaws.com>\nTo: ops@example.org\nSubject: AWS Notification Message\n\n"


def shapes():
    recipients = ",".join('{"emailAddress":"u%d@example.net","status":"5.1.1"}' % i for i in range(200_000))
    yield "ses-recipients", SNS + '{"notificationType":"Bounce","bounce":{"bouncedRecipients":[' + recipients + "]}}\n"
    yield "ses-nesting", SNS + '{"notificationType":"Bounce","x":' + "[" * 500_000 + "\n"
    yield "ses-splits", SNS + '{"notificationType":"Bounce","bounce":"' + "ab!\n " * 300_000 + "\n"
    yield "ses-surrogates", (SNS + '{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"'
                             + "\\ud800" * 200_000 + '@x"}]}}\n')
    yield "dragonfly-recipients", ("From: MAILER-DAEMON <>\nSubject: Mail delivery failed\n\n"
                                   "This is the DragonFly Mail Agent v0.13 at h.\n\n"
                                   + "There was an error delivering your mail to <a1@example.net>.\nline\n" * 100_000)
    yield "smtpd-rcpts", ("From: MAILER-DAEMON@x\nSubject: Postfix SMTP server: errors from h[192.0.2.1]\n\n"
                          "Transcript of session follows.\n\n"
                          + "".join(" In:  RCPT TO:<r%d@example.net>\n Out: 550 5.1.1 no\n" % i for i in range(100_000)))
    yield "sendmail-replies", ("From: MAILER-DAEMON@x\nSubject: Returned mail\nMIME-Version: 1.0\n"
                               "Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\n\n"
                               "   ----- The following addresses had permanent fatal errors -----\n<u@example.net>\n\n"
                               "   ----- Transcript of session follows -----\n"
                               + "".join("<<< 450 busy %d - try later\n" % i for i in range(200_000))
                               + "550 5.1.1 <u@example.net>... User unknown\n\n--B\nContent-Type: message/delivery-status\n\n"
                               "Reporting-MTA: dns; x\n\nFinal-Recipient: RFC822; u@example.net\nAction: failed\n"
                               "Status: 5.1.6\nDiagnostic-Code: SMTP; 551 gone\n\n--B--\n")
    dsn_tail = ("\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n"
                "Final-Recipient: RFC822; u@example.net\nAction: failed\nStatus: 5.5.0\n\n--B--\n")
    sendmail_head = ("From: MAILER-DAEMON@x\nSubject: Returned mail\nMIME-Version: 1.0\n"
                     "Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\n\n"
                     "   ----- Transcript of session follows -----\n")
    yield "sendmail-pipe-lines", (sendmail_head
                                  + "".join('554 "|/usr/bin/procmail -f- #u%d"... Couldn\'t create\n' % i for i in range(200_000))
                                  + dsn_tail)
    yield "sendmail-pipe-unclosed", (sendmail_head + '554 "|' + "/procmail " * 200_000 + "\n"
                                     + '554 "|x"\n' * 200_000 + dsn_tail)
    yield "sendmail-greetings", (sendmail_head
                                 + "".join("... while talking to mx%d.example.net.:\n<<< 554 no service %d\n" % (i, i)
                                           for i in range(200_000))
                                 + "554 5.0.0 Service unavailable\n" + dsn_tail)
    # Several recipients (1,000 in the DSN part), 200,000 agent lines naming them and others, one of 2 MB.
    several_tail = ("\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n"
                    + "".join("Final-Recipient: RFC822; u%d@example.net\nAction: failed\nStatus: 5.5.0\n\n" % i
                              for i in range(1_000))
                    + "--B--\n")
    yield "sendmail-agent-lines", (sendmail_head + "mail.local: unknown user: " + "u" * 2_000_000 + "\n"
                                   + "".join("mail.local: unknown user: u%d\n" % (i % 5_000) for i in range(200_000))
                                   + several_tail)
    # A transcript whose report lost its Content-Type: 200,000 pending lines, then delimiter-like lines.
    yield "sendmail-lost-type", ("From: MAILER-DAEMON@x\nSubject: Returned mail: see transcript for details\n\n"
                                 "   ----- The following addresses had permanent fatal errors -----\n<u@example.net>\n\n"
                                 "   ----- Transcript of session follows -----\n"
                                 + ">>> MAIL From:<a@example.org>\n" + "<<< 550 no\n" * 200_000
                                 + "--B0123456789\n" * 200_000)
    bounce_head = ("From: MAILER-DAEMON@x\nSubject: Undelivered Mail Returned to Sender\n\n"
                   "<u@example.net>: host mx[192.0.2.1] said: 550 5.1.1 unknown (in reply to RCPT TO command)\n\n")
    yield "unmarked-received", bounce_head + "said it\nReceived: from x by y\n" * 200_000
    yield "original-lost-folding", (bounce_head + "----- Original message -----\nReceived: from x by y (via\n"
                                    + "HTTP); lost\n" * 200_000 + "Message-ID: <1@x>\nFrom: a@example.org\n\nbody\n")
    yield "original-broken-fields", (bounce_head + "----- Original message -----\n"
                                     + "X-Field: v\nnot a field\n" * 200_000 + "From: a@example.org\n")
    yield "parts-many-fields", ("From: MAILER-DAEMON@x\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
                                "Content-Type: multipart/mixed; boundary=B\n\n--B\n\n<u@example.net>: said: 550 5.1.1 unknown\n"
                                + ("--B\n" + "".join("X-F%d: v\n" % i for i in range(2_000)) + "\nbody\n") * 2_000 + "--B--\n")
    yield "parts-field-texts", ("From: MAILER-DAEMON@x\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
                                "Content-Type: multipart/mixed; boundary=B\n\n--B\n\n<u@example.net>: said: 550 5.1.1 unknown\n"
                                + ("--B\nContent-Type: text/plain\n\n" + "".join("X-F%d: v\n" % i for i in range(2_000))) * 2_000
                                + "--B--\n")
    yield "postfix-old-paragraphs", ("From: MAILER-DAEMON@x\nSubject: Undelivered Mail Returned to Sender\n\n"
                                     "This is the Postfix program at host x.\n\n"
                                     + "".join("<u%d@example.net>: host mx[192.0.2.1] said: 550 no\n    (in reply to RCPT TO command)\n" % i
                                               for i in range(200_000)))


def main() -> int:
    binary = sys.argv[1]
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    for name, message in shapes():
        path = os.path.join(work, name + ".mbox")
        with open(path, "w") as f:
            f.write("From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + message + "\n")
        start = time.perf_counter()
        out = subprocess.run([binary, "scan", "-f", "jsonl", "-q", "-j", "1", "--no-classify", path],
                             capture_output=True, text=True)
        seconds = time.perf_counter() - start
        records = [json.loads(line) for line in out.stdout.splitlines()]
        summary = ", ".join("%s %s %d" % (r["kind"], r["format"], len(r["recipients"] or [])) for r in records)
        print("%-22s status=%d seconds=%.2f records=%d (%s)" % (name, out.returncode, seconds, len(records), summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
