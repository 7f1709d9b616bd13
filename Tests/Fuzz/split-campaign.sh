#!/usr/bin/env bash
# A campaign for `backscatter split`, whose output must read back as the messages it wrote: for each seed,
# a folder of COUNT mutated message files (mutate.py, each file in its own bytes: LF, CRLF and CR-only
# mixed), the same messages as an mbox and a mutated mailbox file (mutate-mailbox.py: From_ lines,
# Content-Length, line ends), split together, in an order that changes with the seed, so that entries of
# every kind follow each other in the four mboxes. `split` reads each mbox back and fails (exit status 3,
# without its "read: ok" line) when the entries it holds are not the messages written to it; such a seed's
# inputs are kept in WORKDIR. Exit status 3 with the read-back intact is an input error of one message
# (a mutated copy of a compressed fixture), not a failed split.
#
# Usage: Tests/Fuzz/split-campaign.sh BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
set -u
bin=$1; first=$2; last=$3; count=${4:-300}; work=${5:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../../../shared/corpus
mailboxes=$(find "$corpus/mbox" "$corpus/sisimai/mailbox" -type f -exec sh -c 'head -c 5 "$1" | grep -q "^From "' _ {} \; -print)
mkdir -p "$work"
echo "split campaign: $bin, seeds $first-$last, $count messages each, files in $work"
failed=0
for seed in $(seq "$first" "$last"); do
  dir=$work/seed$seed
  rm -rf "$dir" && mkdir -p "$dir"
  python3 "$here/mutate.py" "$seed" "$count" "$dir/messages.mbox" "$corpus/sisimai/maildir" "$here/../../Fixtures"
  python3 -c "import sys; sys.path.insert(0, sys.argv[1]); import fuzzmbox; fuzzmbox.write_files(sys.argv[2], sys.argv[3])" \
    "$here" "$dir/messages.mbox" "$dir/files"
  # shellcheck disable=SC2086
  python3 "$here/mutate-mailbox.py" "$seed" "$dir/mailbox.mbox" $mailboxes
  case $((seed % 3)) in
    0) inputs="$dir/files $dir/messages.mbox $dir/mailbox.mbox" ;;
    1) inputs="$dir/mailbox.mbox $dir/files $dir/messages.mbox" ;;
    *) inputs="$dir/messages.mbox $dir/mailbox.mbox $dir/files" ;;
  esac
  # shellcheck disable=SC2086
  timeout 600 "$bin" split --quiet $inputs --into "$dir/out" > "$dir/split.txt" 2>&1
  status=$?
  echo "seed=$seed status=$status $(grep -E '^total' "$dir/split.txt")"
  # Exit status 3 with the read-back line intact is an input error reported for one message (mutated
  # copies of Fixtures/mailbox/compressed are damaged compressed files): the split itself held.
  # The read-back line is asked of every run: AddressSanitizer exits with 1, as split does when it finds
  # backscatter (seed 379 x 2,000 under the sanitizer passed so, its report unread).
  if { [ "$status" -le 1 ] || [ "$status" -eq 3 ]; } && grep -qE '^total .* read: ok$' "$dir/split.txt" \
       && ! grep -q 'reads back differently' "$dir/split.txt" && ! grep -q 'ERROR: AddressSanitizer' "$dir/split.txt"; then
    rm -rf "$dir"
  else
    failed=$((failed + 1))
    echo "  kept: $dir ($(tail -1 "$dir/split.txt"))"
  fi
done
echo "seeds kept for a look: $failed"
[ "$failed" -eq 0 ]
