#!/usr/bin/env bash
# A crash and hang campaign: for each seed, an mbox of COUNT mutated messages (mutate.py) scanned by BIN, one
# line per seed: the exit status, the records written, the seconds. A seed's files are kept in WORKDIR when
# it crashed (an exit status above 1: 1 means backscatter found), lost messages (fewer records than
# messages) or took longer than SLOW seconds (then `slowest.py` finds the message); else they are deleted.
#
# Usage: Tests/Fuzz/campaign.sh BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
# Environment: SCAN_ARGS  more scan options (e.g. "--profile ../shared/corpus/backscatter-dev/profile.toml")
#              SOURCES    what mutate.py reads (default: the shared corpus' sisimai, parsers, mbox, backscatter-dev)
#              SLOW       seconds (default 5); BOUNCES_ONLY=1 passes on to mutate.py
#              FORM       `maildir`: the messages written as a Maildir, a file each in `new/` and `cur/` in turn
#                         (`fuzzmbox.write_files`), for the folder and Maildir reader, not as one mbox. A file
#                         that starts with a From_ line is read as an mbox and may hold several messages, and
#                         an empty one holds none: there, at least one record a non-empty file.
set -u
bin=$1; first=$2; last=$3; count=${4:-2000}; work=${5:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../../../shared/corpus
sources=${SOURCES:-$corpus/sisimai/maildir $corpus/parsers $corpus/mbox $corpus/backscatter-dev}
slow=${SLOW:-5}
mkdir -p "$work"
echo "campaign: $bin, seeds $first-$last, $count messages each, as ${FORM:-mbox}, files in $work"
failed=0
form=${FORM:-mbox}
for seed in $(seq "$first" "$last"); do
  mbox=$work/seed$seed.mbox
  # shellcheck disable=SC2086
  python3 "$here/mutate.py" "$seed" "$count" "$mbox" $sources
  input=$mbox; expected=$count
  if [ "$form" = maildir ]; then
    input=$work/seed$seed.maildir
    expected=$(python3 -c "import sys; sys.path.insert(0, sys.argv[1]); import fuzzmbox; print(fuzzmbox.write_files(sys.argv[2], sys.argv[3], ('new', 'cur')))" \
      "$here" "$mbox" "$input")
    mkdir -p "$input/tmp"
  fi
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  timeout 600 "$bin" scan --format jsonl --jobs 1 --quiet ${SCAN_ARGS:-} "$input" > "$work/seed$seed.jsonl" 2> "$work/seed$seed.err"
  status=$?
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  records=$(wc -l < "$work/seed$seed.jsonl")
  echo "seed=$seed status=$status records=$records expected=$expected seconds=$seconds"
  accounted=$([ "$records" -eq "$expected" ] || { [ "$form" = maildir ] && [ "$records" -gt "$expected" ]; } && echo yes)
  # AddressSanitizer exits with 1 by default, as backscatter does when it finds backscatter: its report counts.
  if [ "$status" -le 1 ] && [ "$accounted" = yes ] && ! grep -q 'ERROR: AddressSanitizer' "$work/seed$seed.err" \
     && awk -v s="$seconds" -v l="$slow" 'BEGIN { exit !(s <= l) }'; then
    rm -rf "$mbox" "$input" "$work/seed$seed.jsonl" "$work/seed$seed.err"
  else
    failed=$((failed + 1))
    echo "  kept: $input"
  fi
done
echo "seeds kept for a look: $failed"
[ "$failed" -eq 0 ]
