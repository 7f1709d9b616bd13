#!/bin/sh
# Writes Sendmail queue entries like those of this folder with a real Sendmail, from the messages below:
# each entry's qfID and dfID, and beside them ID.eml (expectation.py) and envelopes.tsv (from mailq).
# Then, as a cross-check, lets Sendmail deliver the queue to smtp-sink.py and compares what it sent with
# each ID.eml (sent/). Queue IDs, times and so the files differ per run: the fixtures here were made with
# it on 2026-12-06. Needs root and a throw-away machine (it reconfigures Sendmail and empties its queue):
#   apt-get install -y sendmail-bin          (Debian 12: Sendmail 8.17.1.9)
set -eu
out=$(pwd)
queue=/var/spool/mqueue
mc=/etc/mail/sendmail.mc
# No masquerading (it would rewrite header addresses at delivery and spoil the cross-check), no DNS
# (host names from /etc/hosts only), no greeting pause. This host is mx.example.net (else Sendmail waits a
# minute at each start for its own name); the remote domains are this host, where nothing listens on
# port 25 until the cross-check: outbound mail stays on the queue. root's mail goes to /dev/null (the
# local mailer does not run in the container these were made in).
sed -i '/MASQUERADE_AS\|allmasquerade\|masquerade_envelope\|greet_pause\|nocanonify\|confSERVICE_SWITCH_FILE\|confDOMAIN_NAME/d' "$mc"
sed -i 's/^MAILER_DEFINITIONS/define(`confDOMAIN_NAME'"'"', `mx.example.net'"'"')dnl\ndefine(`confSERVICE_SWITCH_FILE'"'"', `\/etc\/mail\/service.switch-nodns'"'"')dnl\nFEATURE(`nocanonify'"'"')dnl\nMAILER_DEFINITIONS/' "$mc"
grep -q mx.example.net /etc/hosts || echo "127.0.1.1 mx.example.net $(hostname)" >> /etc/hosts
grep -q innocent.example /etc/hosts || printf '127.0.0.1 innocent.example\n127.0.0.1 remote.example\n' >> /etc/hosts
grep -qx 'root: /dev/null' /etc/mail/aliases || { sed -i 's/^root:.*//' /etc/mail/aliases; echo 'root: /dev/null' >> /etc/mail/aliases; }
newaliases > /dev/null
grep -qx example.net /etc/mail/local-host-names || printf 'example.net\nmx.example.net\n' >> /etc/mail/local-host-names
make -C /etc/mail > /dev/null 2>&1
rm -f "$queue"/*

# -Am: the MTA's own configuration and queue (/var/spool/mqueue), not the submission client's.
plain='From: Alice Example <alice@example.net>
To: Bob Remote <bob@remote.example>
Subject: Quarterly figures
Date: Sun, 06 Dec 2026 16:20:00 +0000
Message-ID: <q1-figures@example.net>

Hello Bob,

the figures are attached in spirit.
From the desk of Alice.'
# Queued only: the plain message.
printf '%s\n' "$plain" | sendmail -Am -odq -f alice@example.net bob@remote.example
# Spam with a forged sender to a user who does not exist here, delivered at once with errors mailed
# back (-oem): Sendmail's bounce to the forged sender waits on the queue (the NDR a reflector sends).
printf 'From: "Pharmacy" <victim@innocent.example>\nTo: nosuchuser@example.net\nSubject: Cheap pills\nDate: Sun, 06 Dec 2026 16:21:00 +0000\nMessage-ID: <spam-123@spammer.example>\n\nBuy now.\n' \
    | sendmail -Am -odi -oem -f victim@innocent.example nosuchuser@example.net || true
# -t with a Bcc:, a folded Subject:, a long header; no Date: or Message-ID:, which Sendmail adds.
printf 'From: Carol <carol@example.net>\nTo: dave@remote.example\nBcc: secret@remote.example\nSubject: a folded\n  subject line that\n\tgoes on\nX-Long: %s\n\nBody with a From line:\nFrom here on.\n.\na dot line above\n' \
    "$(python3 -c 'print("a" * 150)')" | sendmail -Am -odq -oi -t -f carol@example.net
# Three recipients, delivered at once: root here (delivered), bob (deferred: stays), nosuchuser2 (fails:
# its bounce to alice, here, leaves no entry on the queue).
printf '%s\n' "$plain" | sendmail -Am -odi -oem -f alice@example.net root@example.net bob@remote.example nosuchuser2@example.net || true
# An 8-bit body, declared so (-B8BITMIME).
printf 'From: Erin <erin@example.net>\nTo: frank@remote.example\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\nGr\303\274\303\237e aus K\303\266ln.\n' \
    | sendmail -Am -odq -B8BITMIME -f erin@example.net frank@remote.example
# DSN parameters given on the command line: ENVID (-V: the Z record), NOTIFY (-N: the R records' flags),
# RET (-R hdrs); two recipients.
printf 'From: Gina <gina@example.net>\nTo: hal@remote.example, ivy@remote.example\nSubject: with DSN parameters\nMessage-ID: <dsn-1@example.net>\n\nLine one.\n.leading dot\n' \
    | sendmail -Am -odq -oi -V env-42 -N failure,delay -R hdrs -f gina@example.net hal@remote.example ivy@remote.example

cd "$out"
rm -f qf[0-9A-Za-z]* df[0-9A-Za-z]* ./*.eml
for qf in "$queue"/qf*; do
    id=${qf##*/qf}
    cp "$qf" "$queue/df$id" .
    chmod 644 "qf$id" "df$id"
    python3 expectation.py "$id"
done
# envelopes.tsv: each entry's sender and recipients as mailq lists them.
mailq -Am | sed -n '/MTA Queue status/,$p' | python3 -c '
import re, sys
rows = ["# queue ID\tsender\trecipients (comma-separated)"]
entry = None
for line in sys.stdin.read().split("\n"):
    m = re.match(r"^(\w{8,})[*X-]?\s+\d+\s+\w{3} \w{3} [ \d]\d \d\d:\d\d\s+<?([^>\s]*)>?", line)
    if m:
        entry = [m.group(1), m.group(2), []]
        rows.append(entry)
        continue
    m = re.match(r"^\t\t\t\t\t <?([^>\s]+)>?\s*$", line)
    if m and entry is not None and m.group(1):
        entry[2].append(m.group(1))
out = [rows[0]] + sorted(set("\t".join([r[0], r[1], ",".join(r[2])]) for r in rows[1:]))
open("envelopes.tsv", "w").write("\n".join(out) + "\n")'

# The cross-check: Sendmail delivers the queue to the sink; each message it sends must be its ID.eml.
rm -rf sent
python3 smtp-sink.py 25 sent & sink=$!
sleep 1
sendmail -Am -q -v > /dev/null 2>&1 || true
sleep 1
kill "$sink"
python3 - <<'PY'
import difflib, glob, re, sys
expected = {open(e, "rb").read(): e for e in glob.glob("*.eml")}
for sent in sorted(glob.glob("sent/*.eml")):
    data = open(sent, "rb").read()
    if data in expected:
        print(sent + ": the same as " + expected[data])
        continue
    # Not the same: the .eml with the same Message-Id, and the lines that differ.
    ids = re.findall(rb"(?im)^Message-Id: (<[^>]*>)", data)
    twin = [e for d, e in expected.items() if ids and ids[0] in d]
    print(sent + ": differs from " + (twin[0] if twin else "every .eml"))
    if twin:
        sys.stdout.writelines(difflib.unified_diff(open(twin[0], "rb").read().decode("utf-8", "replace").splitlines(True),
                                                   data.decode("utf-8", "replace").splitlines(True), twin[0], sent, n=0))
PY
