#!/usr/bin/env bash
# Writes the OpenSMTPD queue fixtures of this folder with OpenSMTPD itself (apt-get install opensmtpd; run
# as root on a throw-away machine only: it stops any smtpd and empties /var/spool/smtpd, the spool the
# daemon is built with), so that the files are what OpenSMTPD writes, not what our reader expects.
# A private smtpd listens on 127.0.0.1:2525 for example.net and relays everything else to 127.0.0.1:2626,
# where nothing listens, so that outbound mail stays queued; then our messages are sent to it:
#   - spam from a forged victim@example.org to nosuch@example.net, whose delivery fails for good (an MDA
#     that exits 67, EX_NOUSER): OpenSMTPD's own bounce to the forged sender, queued from <> (the NDR a
#     reflector sends);
#   - alice@example.net to later@example.net, whose delivery fails for now (exit 75, EX_TEMPFAIL);
#   - alice@example.net to bob@ and carol@remote.example: one message, two envelopes.
# Three queues, in plain/, compressed/ (`queue compression`) and encrypted/ (`queue encryption`), each the
# spool's queue/ folder as the daemon left it, and beside each its envelopes.tsv (`smtpctl show queue`:
# envelope ID, type, sender, recipient, destination, creation time; the sender `@` is the null sender) and
# for each message MSGID.eml (`smtpctl show message`: the message as the daemon reads it back,
# decompressed; not for the encrypted queue, whose key smtpctl asks for on a terminal, and which our reader
# does not decrypt).
# Run: bash make-queue.sh   (from this folder; rewrites every fixture)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'pkill -x smtpd || true; rm -rf "$work"' EXIT

send() {
  python3 - <<'PY'
import smtplib
s = smtplib.SMTP('127.0.0.1', 2525)
s.sendmail('victim@example.org', ['nosuch@example.net'], b"""From: "Cheap Meds" <victim@example.org>
To: nosuch@example.net
Subject: Cheap meds now
Date: Mon, 07 Dec 2026 05:00:00 +0000
Message-ID: <spam-1@spammer.example>

Buy cheap meds at http://spam.example/
""")
s.sendmail('alice@example.net', ['later@example.net'], b"""From: Alice <alice@example.net>
To: later@example.net
Subject: Lunch
Date: Mon, 07 Dec 2026 05:01:00 +0000
Message-ID: <lunch-1@example.net>

Lunch at noon?
""")
s.sendmail('alice@example.net', ['bob@remote.example', 'carol@remote.example'], b"""From: Alice <alice@example.net>
To: bob@remote.example, carol@remote.example
Subject: Minutes
Date: Mon, 07 Dec 2026 05:02:00 +0000
Message-ID: <minutes-1@example.net>

The minutes are attached in spirit.
From here on, a body line.
""")
s.quit()
PY
}

run() {  # NAME, whether to write the .eml files (yes or no), then any queue lines for smtpd.conf
  local name=$1 eml=$2; shift 2
  pkill -x smtpd || true
  sleep 1
  rm -rf /var/spool/smtpd/queue/* /var/spool/smtpd/incoming/* /var/spool/smtpd/purge/*
  {
    for line in "$@"; do echo "$line"; done
    cat <<'CONF'
table virt { "@example.net" = "nobody" }
listen on 127.0.0.1 port 2525 hostname mx.example.net
action "fail" mda "/bin/sh -c 'cat >/dev/null; exit 67'" virtual <virt>
action "later" mda "/bin/sh -c 'cat >/dev/null; exit 75'" virtual <virt>
action "outbound" relay host smtp://127.0.0.1:2626
match from any for rcpt-to regex "^nosuch@" action "fail"
match from any for domain "example.net" action "later"
match from local for any action "outbound"
CONF
  } > "$work/smtpd.conf"
  smtpd -d -f "$work/smtpd.conf" > "$work/$name.log" 2>&1 &
  sleep 2
  send
  sleep 4
  rm -rf "${here:?}/$name"
  mkdir -p "$here/$name"
  cp -r /var/spool/smtpd/queue "$here/$name/queue"
  { echo "# written by make-queue.sh with OpenSMTPD $(dpkg-query -W -f='${Version}' opensmtpd): smtpctl show queue"
    echo -e "envelope\ttype\tsender\trecipient\tdestination\tcreated"
    smtpctl show queue | sort | awk -F'|' '{ printf "%s\t%s\t%s\t%s\t%s\t%s\n", $1, $3, $5, $6, $7, $8 }'
  } > "$here/$name/envelopes.tsv"
  [ "$eml" = yes ] && for evp in $(smtpctl show queue | cut -d'|' -f1 | sort); do
    msgid=${evp:0:8}
    [ -f "$here/$name/$msgid.eml" ] || smtpctl show message "$evp" > "$here/$name/$msgid.eml"
  done
  chmod -R u+rwX,go+rX "$here/$name"
}

run plain yes
run compressed yes "queue compression"
run encrypted no "queue encryption 0123456789abcdef0123456789abcdef"
echo "written: $(find "$here" -type f | wc -l) files"
