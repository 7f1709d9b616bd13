#!/usr/bin/env bash
# What classification adds to `backscatter scan` (issue 4: at most 20%), on backscatter-dev's inbox.
#
# Usage: [JOBS=N] Benchmarks/classifier-share.sh [RUNS]   (default 11)
# Runs, interleaved and RUNS times each, on one core (`taskset -c 1` when available) with `--jobs 1`:
# `scan --no-classify` (bounce analysis only), `scan` (zero-config) and `scan --profile profile.toml`;
# prints the minimum and the median of each and the share over `--no-classify`. Output goes to /dev/null.
# JOBS=N runs them with `--jobs N` instead, unpinned (JOBS=0: the default, one job a processor).
# Needs a release build (`swift build -c release --product backscatter`).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/.build/release/backscatter"
dev="$here/../shared/corpus/backscatter-dev"
runs=${1:-11}
[ -x "$bin" ] || (cd "$here" && swift build -c release --product backscatter >/dev/null)
pin=()
jobs=(-j 1)
if [ -n "${JOBS:-}" ]; then
  jobs=(); [ "$JOBS" != 0 ] && jobs=(-j "$JOBS")
elif command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin=(taskset -c 1)
fi

elapsed() {  # tenths of a millisecond
  local start end
  start=$(date +%s%N)
  "${pin[@]}" "$@" > /dev/null || [ $? -le 1 ]   # exit 1 means backscatter was found
  end=$(date +%s%N)
  echo $(( (end - start) / 100000 ))
}

plain=(); zero=(); profile=()
for _ in $(seq "$runs"); do
  plain+=("$(elapsed "$bin" scan -f jsonl -q "${jobs[@]}" --no-classify "$dev/corpus.mbox")")
  zero+=("$(elapsed "$bin" scan -f jsonl -q "${jobs[@]}" "$dev/corpus.mbox")")
  profile+=("$(elapsed "$bin" scan -f jsonl -q "${jobs[@]}" --profile "$dev/profile.toml" "$dev/corpus.mbox")")
done
python3 - "${plain[*]}" "${zero[*]}" "${profile[*]}" <<'PY'
import sys, statistics
plain, zero, profile = ([int(x) for x in arg.split()] for arg in sys.argv[1:4])
for name, pick in (("min", min), ("median", statistics.median)):
    a, z, p = pick(plain), pick(zero), pick(profile)
    print(f"{name}: --no-classify {a / 10:.1f} ms; zero-config {z / 10:.1f} ms (+{100 * (z / a - 1):.1f}%); "
          f"with profile {p / 10:.1f} ms (+{100 * (p / a - 1):.1f}%)")
PY
