#!/usr/bin/env bash
# The campaign of `campaign.sh` through the folder and Maildir reader: for each seed, COUNT mutated messages
# (mutate.py) written as a Maildir, one file each, half in `new/` and half in `cur/`, scanned by BIN with two
# jobs; one line per seed: the exit status, the files, the records written, the seconds. `campaign.sh` scans
# mboxes and `split-campaign.sh` splits a plain folder; this one scans a Maildir, through the reader whose one
# shared read buffer once cost 4 MiB a message (Benchmarks/README.md, forty-seventh session). A seed's files
# are kept in WORKDIR when it crashed (an exit status above 1),
# wrote fewer records than non-empty files (an empty file holds no message; a file that starts with a From_
# line is read as an mbox and may hold several, so more is fine), or took longer than SLOW seconds; else
# they are deleted.
#
# Usage: Tests/Fuzz/folder-campaign.sh BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
# Environment: SOURCES  what mutate.py reads (default: the shared corpus' sisimai, parsers, mbox, backscatter-dev)
#              SLOW     seconds (default 5)
set -u
bin=$1; first=$2; last=$3; count=${4:-500}; work=${5:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../../../shared/corpus
sources=${SOURCES:-$corpus/sisimai/maildir $corpus/parsers $corpus/mbox $corpus/backscatter-dev}
slow=${SLOW:-5}
mkdir -p "$work"
echo "folder campaign: $bin, seeds $first-$last, $count messages each, files in $work"
failed=0
for seed in $(seq "$first" "$last"); do
  mbox=$work/seed$seed.mbox
  maildir=$work/seed$seed.maildir
  # shellcheck disable=SC2086
  python3 "$here/mutate.py" "$seed" "$count" "$mbox" $sources
  # Each entry unquoted (mboxrd: one `>` off each `>*From ` line) into a file of its own; `files` counts
  # the non-empty ones.
  files=$(python3 - "$here" "$mbox" "$maildir" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1])
import fuzzmbox
mbox, maildir = sys.argv[2], sys.argv[3]
for sub in ('cur', 'new', 'tmp'):
    os.makedirs(os.path.join(maildir, sub), exist_ok=True)
count = 0
for i, entry in enumerate(fuzzmbox.messages(mbox)):
    body = entry[len(fuzzmbox.SEPARATOR):]
    if body.endswith(b'\n\n'):
        body = body[:-1]   # the blank line `entry` wrote after the message
    lines = [line[1:] if line.startswith(b'>') and line.lstrip(b'>').startswith(b'From ') else line
             for line in body.split(b'\n')]
    with open(os.path.join(maildir, 'cur' if i % 2 else 'new', f'{i:06d}.eml'), 'wb') as f:
        f.write(b'\n'.join(lines))
    count += 1 if lines != [b''] else 0
print(count)
PY
)
  start=$(date +%s.%N)
  timeout 600 "$bin" scan --format jsonl --jobs 2 --quiet "$maildir" > "$work/seed$seed.jsonl" 2> "$work/seed$seed.err"
  status=$?
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  records=$(wc -l < "$work/seed$seed.jsonl")
  echo "seed=$seed status=$status files=$files records=$records seconds=$seconds"
  if [ "$status" -le 1 ] && [ "$records" -ge "$files" ] && awk -v s="$seconds" -v l="$slow" 'BEGIN { exit !(s <= l) }'; then
    rm -rf "$mbox" "$maildir" "$work/seed$seed.jsonl" "$work/seed$seed.err"
  else
    failed=$((failed + 1))
    echo "  kept: $maildir"
  fi
done
echo "seeds kept for a look: $failed"
[ "$failed" -eq 0 ]
