#!/usr/bin/env bash
# Wall clock of two (or more) binaries, interleaved so that the VM's drift touches each alike: N runs of
# each in turn, pinned to one core, `scan -f jsonl -q -j 1` with `--no-classify` and the full pipeline;
# prints the minimum and the median of each.
#
# Usage: N=7 Benchmarks/tools/interleaved.sh MBOX name=path/to/backscatter name2=path/to/other ...
set -u
n=${N:-5}
mbox=${1:?usage: interleaved.sh MBOX name=binary ...}; shift
names=(); bins=()
for pair in "$@"; do names+=("${pair%%=*}"); bins+=("${pair#*=}"); done
pin=(); command -v taskset > /dev/null && pin=(taskset -c 1)
work=$(mktemp -d)
for mode in no-classify full; do
  flag=(); [ "$mode" = no-classify ] && flag=(--no-classify)
  for _ in $(seq "$n"); do
    for k in "${!names[@]}"; do
      start=$(date +%s%N)
      "${pin[@]}" "${bins[$k]}" scan -f jsonl -q -j 1 "${flag[@]}" "$mbox" > /dev/null 2>&1
      echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/${names[$k]}.$mode"
    done
  done
  for name in "${names[@]}"; do
    sort -n "$work/$name.$mode" | awk -v n="$name" -v m="$mode" \
      '{a[NR] = $1} END {printf "%s %s: min %d ms, median %d ms\n", n, m, a[1], a[int((NR + 1) / 2)]}'
  done
done
rm -rf "$work"
