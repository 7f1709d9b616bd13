#!/usr/bin/env bash
# Writes the Courier queue fixtures of this folder with the Courier mail server itself (apt-get install
# courier-mta; run as root on a throw-away machine only: it rewrites /etc/courier's me, locals,
# defaultdomain and esmtproutes, and empties /var/lib/courier/msgs and msgq), so that the files are what
# Courier writes, not what our reader expects. Courier relays everything to 127.0.0.1:2626, where
# sink.py refuses: 550 for nosuch@, 451 for the rest, so that outbound mail stays queued. Then:
#   - spam from a forged victim@example.org to nosuch@remote.example, refused for good: Courier's own
#     bounce to the forged sender, queued from <> (the NDR a reflector sends); the spam leaves the queue.
#     The spam is handed to /usr/sbin/sendmail: the same spam by SMTP from a client without relaying
#     rights gets its bounce dropped ("250 Backscatter bounce dropped": ESMTP_BLOCKBACKSCATTER in
#     /etc/courier/courierd, seen on 2026-12-07), and no such NDR would be queued;
#   - alice@example.net to bob@ and carol@remote.example, deferred: one message, two recipients;
#   - alice@example.net to dave@ and nosuch2@remote.example: one recipient refused (its F record), the
#     other deferred (no bounce for nosuch2 was queued while dave was deferred).
# msgs/ is the queue's msgs folder as Courier left it (a folder per inode's last two digits, a control
# file C<inode> and a data file D<inode> a message); envelopes.tsv is `mailq` as Courier listed it (queue
# ID, sender, recipients still to deliver, comma-separated). Then the cross-check: sink.py accepts, the
# queue is flushed, and each message Courier sends is written to sent/; each must be its data file.
# Run: bash make-queue.sh   (from this folder; rewrites every fixture)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'courier stop 2>/dev/null || true; pkill -f "$here/sink.py" || true; rm -rf "$work"' EXIT

courier stop 2>/dev/null || true
pkill -f "$here/sink.py" || true
sleep 1
rm -rf /var/lib/courier/msgs/* /var/lib/courier/msgq/*
echo mx.example.net > /etc/courier/me
printf 'localhost\nexample.net\n' > /etc/courier/locals
echo example.net > /etc/courier/defaultdomain
echo ': [127.0.0.1],2626' > /etc/courier/esmtproutes
python3 "$here/sink.py" refuse &
courier start
sleep 2

send() {  # sender, recipients...; the message on standard input
  local sender=$1; shift
  /usr/sbin/sendmail -f "$sender" "$@"
}
printf 'From: "Cheap Meds" <victim@example.org>\nTo: nosuch@remote.example\nSubject: Cheap meds now\nDate: Mon, 07 Dec 2026 05:00:00 +0000\nMessage-ID: <spam-1@spammer.example>\n\nBuy cheap meds at http://spam.example/\n' \
  | send victim@example.org nosuch@remote.example
printf 'From: Alice <alice@example.net>\nTo: bob@remote.example, carol@remote.example\nSubject: Minutes\nDate: Mon, 07 Dec 2026 05:02:00 +0000\nMessage-ID: <minutes-1@example.net>\n\nThe minutes are attached in spirit.\nFrom here on, a body line.\n.\n..a line with dots\n' \
  | send alice@example.net bob@remote.example carol@remote.example
printf 'From: Alice <alice@example.net>\nTo: dave@remote.example, nosuch2@remote.example\nSubject: Two fates\nDate: Mon, 07 Dec 2026 05:03:00 +0000\nMessage-ID: <fates-1@example.net>\n\nOne of you does not exist.\n' \
  | send alice@example.net dave@remote.example nosuch2@remote.example
sleep 6

rm -rf "${here:?}/msgs" "$here/sent"
cp -r /var/lib/courier/msgs "$here/msgs"
{ echo "# written by make-queue.sh with courier-mta $(dpkg-query -W -f='${Version}' courier-mta): mailq"
  echo -e "queue ID\tsender\trecipients"
  mailq | awk '
    /^[0-9.]+[KM]? +[0-9A-F]+\.[0-9A-F]+\.[0-9A-F]+ / { if (id != "") print id "\t" sender "\t" rcpts; id = $2; state = 1; rcpts = ""; next }
    state == 1 { sender = (NF >= 2 ? $2 : ""); state = 2; next }
    state == 2 && NF == 1 && $1 ~ /@/ { rcpts = (rcpts == "" ? $1 : rcpts "," $1); next }
    END { if (id != "") print id "\t" sender "\t" rcpts }' | sort
} > "$here/envelopes.tsv"

# The cross-check: what Courier sends is each data file.
mkdir -p "$here/sent"
pkill -f "$here/sink.py"
sleep 1
python3 "$here/sink.py" accept "$here/sent" &
sleep 1
for _ in $(seq 12); do
  courier flush
  sleep 5
  mailq | grep -q '^ *0 messages' && break
done
chmod -R u+rwX,go+rX "$here/msgs" "$here/sent"
echo "queued: $(find "$here/msgs" -type f -name 'C*' | wc -l) messages; sent: $(ls "$here/sent" | wc -l)"
