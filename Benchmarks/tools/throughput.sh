#!/usr/bin/env bash
# docs/performance.md's table: each command best of three by /usr/bin/time (wall, user CPU, peak RSS),
# output to /dev/null, `-j 1` pinned to one core. Inputs: backscatter-dev's inbox, it five times over
# (dev5.mbox) and the sisimai bsd bounces twenty times over (bsd20.mbox), made in WORKDIR.
# Usage: Benchmarks/tools/throughput.sh [WORKDIR]   (BIN=path/to/backscatter; default the release build)
here=$(cd "$(dirname "$0")/../.." && pwd)
B=${BIN:-$here/.build/release/backscatter}
D=$here/../shared/corpus/backscatter-dev
W=${1:-$(mktemp -d)}
mkdir -p "$W"
[ -f $W/bsd20.mbox ] || { python3 "$here/../shared/peers/make-mbox.py" "$here/../shared/corpus/sisimai/maildir/bsd" $W/bsd.mbox > /dev/null; for i in $(seq 20); do cat $W/bsd.mbox; done > $W/bsd20.mbox; }
[ -f $W/dev5.mbox ] || for i in 1 2 3 4 5; do cat $D/corpus.mbox; done > $W/dev5.mbox
run() {
  local label=$1; shift
  best=""
  for i in 1 2 3; do
    /usr/bin/time -o $W/time.txt -f "%e %U %M" "$@" > /dev/null 2>/dev/null
    out=$(tail -1 $W/time.txt)
    w=${out%% *}
    if [ -z "$best" ] || awk -v a="$w" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best=$out; fi
  done
  set -- $best
  printf '| `%s` | %.2f s | %.2f s | %d MB |\n' "$label" "$1" "$2" $(( $3 / 1024 ))
}
P=()
if command -v taskset > /dev/null && [ "$(nproc)" -ge 2 ]; then P=(taskset -c 1); fi
run "backscatter scan -q -f jsonl -j 1 --profile profile.toml corpus.mbox" "${P[@]}" $B scan -q -f jsonl -j 1 --profile $D/profile.toml $D/corpus.mbox
run "backscatter scan -q -f jsonl -j 2 --profile profile.toml corpus.mbox" $B scan -q -f jsonl -j 2 --profile $D/profile.toml $D/corpus.mbox
run "backscatter scan -q -f jsonl -j 1 corpus.mbox (zero-config)" "${P[@]}" $B scan -q -f jsonl -j 1 $D/corpus.mbox
run "backscatter scan -q -f jsonl -j 1 --no-classify corpus.mbox (bounce analysis only)" "${P[@]}" $B scan -q -f jsonl -j 1 --no-classify $D/corpus.mbox
run "backscatter scan -q -f jsonl -j 1 --profile profile.toml dev5.mbox" "${P[@]}" $B scan -q -f jsonl -j 1 --profile $D/profile.toml $W/dev5.mbox
run "backscatter scan -q -f jsonl -j 2 --profile profile.toml dev5.mbox" $B scan -q -f jsonl -j 2 --profile $D/profile.toml $W/dev5.mbox
run "backscatter profile infer -q dev5.mbox" $B profile infer -q $W/dev5.mbox
run "backscatter split -q --profile profile.toml corpus.mbox --into DIR --force" $B split -q --profile $D/profile.toml $D/corpus.mbox --into $W/split-out --force
run "backscatter scan -q -f jsonl -j 1 bsd20.mbox (zero-config)" "${P[@]}" $B scan -q -f jsonl -j 1 $W/bsd20.mbox
run "backscatter scan -q -f jsonl -j 1 --no-classify bsd20.mbox" "${P[@]}" $B scan -q -f jsonl -j 1 --no-classify $W/bsd20.mbox
run "backscatter scan -q -f jsonl -j 2 bsd20.mbox (zero-config)" $B scan -q -f jsonl -j 2 $W/bsd20.mbox
run "backscatter scan -q -f jsonl -j 2 --no-classify bsd20.mbox" $B scan -q -f jsonl -j 2 --no-classify $W/bsd20.mbox
