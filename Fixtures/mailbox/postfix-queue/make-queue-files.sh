#!/bin/sh
# Writes the queue files of this folder with a real Postfix, from the messages below, and beside each
# the expected message (`postcat -bh`) and envelopes.tsv's rows (from `postcat -e`).
# Needs root, a throw-away machine (it configures and starts Postfix), and:
#   apt-get install -y postfix python3-milter      (Debian 12: Postfix 3.7.11, pymilter 1.0.5)
# The fixtures here were made with it on 2026-12-06; queue IDs, times and so the files differ per run.
set -eu
out=$(pwd)
cat > /etc/postfix/main.cf <<'CF'
compatibility_level = 3.6
myhostname = mx.example.net
mydomain = example.net
myorigin = $mydomain
mydestination = $myhostname, localhost, example.net
# Nothing listens there: outbound mail waits in the deferred queue.
relayhost = [127.0.0.1]:2599
inet_interfaces = loopback-only
alias_maps =
alias_database =
local_recipient_maps = proxy:unix:passwd.byname
maillog_file = /var/log/postfix.log
CF
[ -f /etc/postfix/master.cf ] || cp /usr/share/postfix/master.cf.dist /etc/postfix/master.cf
postfix start; sleep 2

plain='From: Alice Example <alice@example.net>
To: Bob Remote <bob@remote.example>
Subject: Quarterly figures
Date: Sun, 06 Dec 2026 16:20:00 +0000
Message-ID: <q1-figures@example.net>

Hello Bob,

the figures are attached in spirit.
From the desk of Alice.'
# plain: one outbound message.
printf '%s\n' "$plain" | sendmail -f alice@example.net bob@remote.example
# bounce: spam with a forged sender to users who do not exist here; Postfix accepts it (sendmail does
# not check recipients) and sends its NDR to the forged sender: reflected backscatter in our own queue.
sendmail -f victim@innocent.example nosuchuser@example.net nobodyhere@example.net <<'M'
From: "Pharmacy" <victim@innocent.example>
To: nosuchuser@example.net
Subject: Cheap pills
Date: Sun, 06 Dec 2026 16:21:00 +0000
Message-ID: <spam-123@spammer.example>

Buy now.
M
# long-lines: lines longer than line_length_limit (2048) become L records.
python3 -c 'import sys; sys.stdout.write("From: carol@example.net\nTo: dave@remote.example\nSubject: long line\nMessage-ID: <long-1@example.net>\n\n" + "x"*5000 + "\nshort\n" + "y"*2048 + "\n" + "z"*4097 + "\nend\n")' \
    | sendmail -f carol@example.net dave@remote.example
sleep 6
for id in $(mailq | awk '/^[0-9A-F]+ /{print $1}'); do
    f=$(find /var/spool/postfix/deferred -name "$id")
    case "$(postcat -bh "$f" | grep -m1 '^Subject:')" in
        *Quarterly*) cp "$f" "$out/plain.queue";;
        *Undelivered*) cp "$f" "$out/bounce.queue";;
        *long*) cp "$f" "$out/long-lines.queue";;
    esac
done

# milter-edited: a milter adds a header at the top and one at the end, changes the Subject and adds a
# recipient; Postfix writes these as p (pointer) records to records appended after the E record.
python3 "$out/edit-milter.py" & milter=$!
sleep 1
postconf -e "non_smtpd_milters = inet:127.0.0.1:8899" "milter_default_action = tempfail"
postfix reload; sleep 1
sendmail -f erin@example.net frank@remote.example <<'M'
From: Erin <erin@example.net>
To: frank@remote.example
Subject: original subject
Date: Sun, 06 Dec 2026 16:30:00 +0000
Message-ID: <milter-1@example.net>

Body after milter edits.
M
sleep 6
id=$(mailq | awk '/^[0-9A-F]+ .*erin@example.net/{print $1}')
cp "$(find /var/spool/postfix/deferred -name "$id")" "$out/milter-edited.queue"
kill $milter

# maildrop: what postdrop writes while Postfix is down (no C record; pickup has not seen it).
postfix stop; sleep 1
printf '%s\n' "$plain" | sendmail -f alice@example.net bob@remote.example
cp "$(ls /var/spool/postfix/maildrop/* | head -1)" "$out/maildrop.queue"

cd "$out"
chmod 644 ./*.queue
printf '# name\tsender (- for none; empty for <>)\trecipients (comma-separated)\tarrival time (seconds since 1970)\n' > envelopes.tsv
for q in bounce long-lines maildrop milter-edited plain; do
    postcat -bh "$q.queue" > "$q.eml"
    postcat -e "$q.queue" | python3 -c '
import calendar, sys, time
name, sender, rcpts, t = sys.argv[1], "-", [], ""
for line in sys.stdin:
    k, _, v = line.rstrip("\n").partition(": ")
    if k == "sender": sender = v.strip()
    elif k == "recipient": rcpts.append(v)
    elif k == "message_arrival_time": t = str(calendar.timegm(time.strptime(v, "%a %b %d %H:%M:%S %Y")))
print("\t".join([name, sender, ",".join(rcpts), t]))' "$q" >> envelopes.tsv
done
