#!/bin/sh
# Writes Exim spool messages like those of this folder with a real Exim, from the messages below, and
# beside each pair ID.eml, the message as `exim -Mvc ID` prints it (wireformat-expectation.py for the
# one -Mvc does not print). Message IDs, times and so the files differ per run: the fixtures here were
# made with it on 2026-12-06 and are named by their IDs (a spool file's first line is its own name).
# Needs root and a throw-away machine (it configures Exim):
#   apt-get install -y exim4-daemon-light      (Debian 12: Exim 4.96)
set -eu
out=$(pwd)
conf=/etc/exim4/update-exim4.conf.conf
# A smarthost on this machine, so that outbound mail stays on the queue.
sed -i "s/^dc_eximconfig_configtype=.*/dc_eximconfig_configtype='smarthost'/; s/^dc_other_hostnames=.*/dc_other_hostnames='example.net'/; s/^dc_smarthost=.*/dc_smarthost='127.0.0.1::2599'/" "$conf"
echo mx.example.net > /etc/mailname
# ACL variables (-aclc, -aclm: values with newlines and a blank line) and wire-format spool files.
cat > /etc/exim4/exim4.conf.localmacros <<'M'
CHECK_RCPT_LOCAL_ACL_FILE = /etc/exim4/local_rcpt_acl
spool_wireformat = true
M
cat > /etc/exim4/local_rcpt_acl <<'M'
warn
  set acl_m_note = first line\nsecond line with: a colon\n\nafter a blank line
  set acl_c_conn = connection value
  add_header = X-ACL-Added: yes
M
update-exim4.conf

plain='From: Alice Example <alice@example.net>
To: Bob Remote <bob@remote.example>
Subject: Quarterly figures
Date: Sun, 06 Dec 2026 16:20:00 +0000
Message-ID: <q1-figures@example.net>

Hello Bob,

the figures are attached in spirit.
From the desk of Alice.'
# Queued only: the plain message.
printf '%s\n' "$plain" | exim4 -odq -f alice@example.net bob@remote.example
# Spam with a forged sender to a user who does not exist here, delivered at once: Exim's bounce to the
# forged sender waits on the queue, frozen (the NDR a reflector sends).
printf 'From: "Pharmacy" <victim@innocent.example>\nTo: nosuchuser@example.net\nSubject: Cheap pills\nDate: Sun, 06 Dec 2026 16:21:00 +0000\nMessage-ID: <spam-123@spammer.example>\n\nBuy now.\n' \
    | exim4 -odi -f victim@innocent.example nosuchuser@example.net
# -t with a Bcc: (kept in the spool, flagged '*' as deleted) and a folded Subject:.
printf 'From: Carol <carol@example.net>\nTo: dave@remote.example\nBcc: secret@remote.example\nSubject: a folded\n  subject line that\n\tgoes on\nMessage-ID: <bcc-1@example.net>\nX-Long: %s\n\nBody with a From line:\nFrom here on.\n.\na dot line above\n' \
    "$(python3 -c 'print("a" * 150)')" | exim4 -odq -oi -t -f carol@example.net
# One recipient delivered, one deferred, one failed: the delivered ones in the spool's tree.
printf '%s\n' "$plain" | exim4 -odq -f alice@example.net root@example.net bob@remote.example nosuchuser2@example.net
exim4 -qff || true
# Over SMTP from a remote address, so that the ACL sets its variables: plain DATA, then BDAT (CHUNKING),
# which with spool_wireformat is spooled in CRLF.
printf 'EHLO client.example\r\nMAIL FROM:<erin@example.org>\r\nRCPT TO:<root@example.net>\r\nDATA\r\nFrom: Erin <erin@example.org>\r\nTo: root@example.net\r\nSubject: via smtp with acl\r\nMessage-ID: <smtp-2@example.org>\r\n\r\nLine one.\r\n..leading dot\r\n.\r\nQUIT\r\n' \
    | exim4 -bs -odq -oMa 192.0.2.1 > /dev/null
python3 -c '
import subprocess
msg = b"From: Gina <gina@example.org>\r\nTo: root@example.net\r\nSubject: chunked\r\nMessage-ID: <bdat-1@example.org>\r\n\r\nBody in CRLF.\r\n.leading dot kept\r\n"
conv = b"EHLO client.example\r\nMAIL FROM:<gina@example.org>\r\nRCPT TO:<root@example.net>\r\nBDAT %d LAST\r\n" % len(msg) + msg + b"QUIT\r\n"
subprocess.run(["exim4", "-bs", "-odq", "-oMa", "192.0.2.1"], input=conv, check=True, capture_output=True)'

cd "$out"
for h in /var/spool/exim4/input/*-H; do
    id=$(basename "${h%-H}")
    cp "$h" "/var/spool/exim4/input/$id-D" .
    chmod 644 "$id-H" "$id-D"
    if grep -q '^-spool_file_wireformat$' "$id-H"; then
        python3 wireformat-expectation.py "$id"
    else
        exim4 -Mvc "$id" > "$id.eml"
    fi
done
# envelopes.tsv: each message's sender and recipients as `exim -bp` lists them, its arrival time (the
# -H file's fourth line). The fixtures keep six of the messages this writes (not the frozen warnings to
# postmaster and the second bounce that the queue run adds).
exim4 -bp | python3 -c '
import glob, re, sys
entries, current = {}, None
for line in sys.stdin.read().split("\n"):
    m = re.match(r"^\s*\S+\s+\S+\s+(\S+) <(.*?)>", line)
    if m:
        current = m.group(1)
        entries[current] = [m.group(2), []]
        continue
    m = re.match(r"^\s+(?:D )?(\S+@\S+)\s*$", line)
    if m and current:
        entries[current][1].append(m.group(1))
rows = ["# message ID\tsender (empty for <>)\trecipients, delivered or not (comma-separated)\tarrival time (seconds since 1970)"]
for h in sorted(glob.glob("*-H")):
    i = h[:-2]
    rows.append("\t".join([i, entries[i][0], ",".join(entries[i][1]), open(h).read().split("\n")[3].split(" ")[0]]))
open("envelopes.tsv", "w").write("\n".join(rows) + "\n")'
