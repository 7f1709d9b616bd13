#!/usr/bin/env bash
# Writes the dbox fixtures of this folder with Dovecot itself (apt-get install dovecot-core; run as root),
# so that the files are what Dovecot writes, not what our reader expects: a private Dovecot (no network
# protocols, its own base folder) saves our own small messages with `doveadm save` into
#   mdbox-m.1       mdbox, three messages in INBOX and one in Junk, in one storage file
#   mdbox-expunged-m.1  mdbox, three messages, the second expunged (not purged): still in the file
#   mdbox-gz-m.1    mdbox with the zlib plugin saving gzip (mail_plugins = zlib, zlib_save = gz)
#   mdbox-zstd-m.1  the same with zstd
#   sdbox/u.1, u.2  sdbox, one message a file
# and here NAME.expected.tsv for each (sdbox-u.1.expected.tsv for sdbox/u.1): index, sha256 of the message as it was given to Dovecot, defects.
# Run: bash make-dbox.sh   (from this folder; rewrites every fixture)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'doveadm -c "$work/dovecot.conf" stop 2>/dev/null || true; rm -rf "$work"' EXIT
chmod 755 "$work"

# Our messages: a bounce, an auto-reply, two plain ones (the second with a body line starting "From ").
mkdir "$work/in"
printf 'From: MAILER-DAEMON@mx.example.net\nTo: victim@example.org\nSubject: Undelivered Mail Returned to Sender\nDate: Sat, 05 Dec 2026 10:00:00 +0000\n\nThis is the mail system at host mx.example.net.\n\n<nobody@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n' > "$work/in/1.eml"
printf 'From: holiday@example.com\nTo: victim@example.org\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nI am away until Monday.\n' > "$work/in/2.eml"
printf 'From: a@example.org\nTo: b@example.net\nSubject: plain\n\nFrom here on, a body line.\n' > "$work/in/3.eml"
printf 'From: c@example.org\nTo: b@example.net\nSubject: junk\n\nbody\n' > "$work/in/4.eml"

uid=$(id -u dovecot); gid=$(id -g dovecot)
write_conf() {  # mail_location, then the zlib_save value or nothing
  cat > "$work/dovecot.conf" <<CONF
base_dir = $work/run
state_dir = $work/state
log_path = $work/log.txt
protocols =
ssl = no
first_valid_uid = $uid
mail_location = $1
$( [ -n "$2" ] && printf 'mail_plugins = zlib\nplugin {\n  zlib_save = %s\n}\n' "$2" )
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$work/home/%u
}
passdb {
  driver = static
  args = password=unused
}
CONF
}

save_all() {  # user, then the messages for INBOX; the last goes to Junk when junk=1
  local user=$1; shift
  for m in "$@"; do doveadm -c "$work/dovecot.conf" save -u "$user" < "$work/in/$m.eml"; done
}

expect() {  # NAME, then the messages in the order the file holds them
  local name=$1; shift
  { echo "# written by make-dbox.sh with $(dovecot --version | cut -d' ' -f1)"
    echo -e "index\tsha256\tdefects"
    local i=0
    for m in "$@"; do echo -e "$i\t$(sha256sum < "$work/in/$m.eml" | cut -d' ' -f1)\t-"; i=$((i + 1)); done
  } > "$here/$name.expected.tsv"
}

mkdir -p "$work/run" "$work/state" "$work/home"
chown "$uid:$gid" "$work/home"
write_conf 'mdbox:~/mdbox' ''
dovecot -c "$work/dovecot.conf"
sleep 1
save_all plain 1 2 3
doveadm -c "$work/dovecot.conf" mailbox create -u plain Junk
doveadm -c "$work/dovecot.conf" save -u plain -m Junk < "$work/in/4.eml"
cp "$work/home/plain/mdbox/storage/m.1" "$here/mdbox-m.1"
expect mdbox-m.1 1 2 3 4
# Expunged from its folder but not purged: the storage file still holds it (doveadm purge would drop it).
save_all expunged 1 2 3
doveadm -c "$work/dovecot.conf" expunge -u expunged mailbox INBOX subject "Out of office"
cp "$work/home/expunged/mdbox/storage/m.1" "$here/mdbox-expunged-m.1"
expect mdbox-expunged-m.1 1 2 3

for codec in gz zstd; do
  write_conf 'mdbox:~/mdbox' "$codec"
  doveadm -c "$work/dovecot.conf" reload
  sleep 1
  save_all "$codec" 1 3
  cp "$work/home/$codec/mdbox/storage/m.1" "$here/mdbox-$codec-m.1"
  expect "mdbox-$codec-m.1" 1 3
done

write_conf 'sdbox:~/sdbox' ''
doveadm -c "$work/dovecot.conf" reload
sleep 1
save_all sd 1 3
mkdir -p "$here/sdbox"
cp "$work/home/sd/sdbox/mailboxes/INBOX/dbox-Mails/u.1" "$work/home/sd/sdbox/mailboxes/INBOX/dbox-Mails/u.2" "$here/sdbox/"
expect sdbox-u.1 1
expect sdbox-u.2 3
chmod 644 "$here"/*.1 "$here"/sdbox/*
