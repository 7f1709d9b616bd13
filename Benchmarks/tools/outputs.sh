#!/usr/bin/env bash
# The seven outputs every performance step must leave byte-identical, written into DIR; with a second
# directory, compares the two and prints `same` or `DIFF` for each file.
#
# Usage: Benchmarks/tools/outputs.sh DIR [BASE_DIR]
#   BIN=path/to/backscatter (default: the release build, .build/release/backscatter)
# The outputs: `scan` of the sisimai bsd messages as one mbox with and without `--no-classify` (one job);
# `scan` of backscatter-dev's inbox with and without its profile (two jobs); `audit` of its outbound
# mail with and without the profile; `profile infer` of the inbox.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
shared="$here/../shared/corpus"
bin=${BIN:-$here/.build/release/backscatter}
out=${1:?usage: outputs.sh DIR [BASE_DIR]}
base=${2:-}
mkdir -p "$out"
bsd="$out/bsd.mbox.input"
[ -f "$bsd" ] || python3 "$here/../shared/peers/make-mbox.py" "$shared/sisimai/maildir/bsd" "$bsd" > /dev/null
dev="$shared/backscatter-dev"
"$bin" scan -f jsonl -q -j 1 "$bsd" > "$out/bsd.jsonl" 2>/dev/null
"$bin" scan -f jsonl -q -j 1 --no-classify "$bsd" > "$out/bsd-nc.jsonl" 2>/dev/null
"$bin" scan -f jsonl -q -j 2 "$dev/corpus.mbox" > "$out/dev.jsonl" 2>/dev/null
"$bin" scan -f jsonl -q -j 2 --profile "$dev/profile.toml" "$dev/corpus.mbox" > "$out/dev-p.jsonl" 2>/dev/null
"$bin" audit -f jsonl "$dev/outbound.mbox" > "$out/audit.jsonl" 2>/dev/null
"$bin" audit -f jsonl --profile "$dev/profile.toml" "$dev/outbound.mbox" > "$out/audit-p.jsonl" 2>/dev/null
"$bin" profile infer "$dev/corpus.mbox" > "$out/infer.toml" 2>/dev/null
if [ -n "$base" ]; then
  for f in bsd.jsonl bsd-nc.jsonl dev.jsonl dev-p.jsonl audit.jsonl audit-p.jsonl infer.toml; do
    # The bsd outputs name their input's path, the others the corpus's (under the checkout that ran
    # them: `.../../shared/`): compared with the first taken out and the second made the same.
    norm='s|[^" ]*/\.\./shared/|../shared/|g'
    if cmp -s <(sed -e "s|$out/bsd.mbox.input||g" -e "$norm" "$out/$f") <(sed -e "s|$base/bsd.mbox.input||g" -e "$norm" "$base/$f"); then
      echo "same $f"
    else
      echo "DIFF $f"
    fi
  done
fi
