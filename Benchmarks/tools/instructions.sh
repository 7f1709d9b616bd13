#!/usr/bin/env bash
# The instruction counts the performance notes quote, by callgrind (exact, unlike the wall clock on a
# shared VM): the sisimai bsd messages as one mbox, three times over and once, full pipeline and
# `--no-classify`; backscatter-dev's inbox `--no-classify`, zero-config and with its profile. One job,
# `SWIFT_DETERMINISTIC_HASHING=1`, on a `strip --strip-debug` copy (valgrind 3.19 cannot read the
# binary's DWARF 5; the symbols stay). Totals move by about ±1M between builds of the same source.
#
# Usage: Benchmarks/tools/instructions.sh [WORKDIR]   (BIN=... for another binary)
# Keeps each run's profile in WORKDIR (cg.NAME): `callgrind_annotate --inclusive=yes WORKDIR/cg.NAME |
# swift demangle --simplified` shows where the instructions go.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
shared="$here/../shared/corpus"
bin=${BIN:-$here/.build/release/backscatter}
work=${1:-$(mktemp -d)}
mkdir -p "$work"
[ -f "$work/bsd.mbox" ] || python3 "$here/../shared/peers/make-mbox.py" "$shared/sisimai/maildir/bsd" "$work/bsd.mbox" > /dev/null
[ -f "$work/bsd3.mbox" ] || cat "$work/bsd.mbox" "$work/bsd.mbox" "$work/bsd.mbox" > "$work/bsd3.mbox"
strip --strip-debug -o "$work/backscatter.sd" "$bin"
dev="$shared/backscatter-dev"
run() {
  local name=$1; shift
  SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$work/cg.$name" \
    "$work/backscatter.sd" scan -f jsonl -q -j 1 "$@" > /dev/null 2> "$work/cg.$name.err"
  grep -o 'Collected : [0-9]*' "$work/cg.$name.err" | awk -v n="$name" '{printf "%-16s %8.1fM\n", n, $3 / 1e6}'
}
run bsd3-full "$work/bsd3.mbox"
run bsd3-nc --no-classify "$work/bsd3.mbox"
run bsd-full "$work/bsd.mbox"
run bsd-nc --no-classify "$work/bsd.mbox"
run dev-nc --no-classify "$dev/corpus.mbox"
run dev-zeroconfig "$dev/corpus.mbox"
run dev-profile --profile "$dev/profile.toml" "$dev/corpus.mbox"
