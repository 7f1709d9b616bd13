#!/usr/bin/env bash
# Full bounce analysis, backscatter vs Sisimai (Perl) and flufl.bounce (Python), on one core, in one run.
#
# Usage: Benchmarks/side-by-side.sh [WORKDIR]
# Builds the sisimai bsd messages into one mbox with ../shared/peers/make-mbox.py, and that mbox
# concatenated 20 times; times each tool on each; prints messages per second and our speed-up.
# Needs: apt-get install -y libsisimai-perl ; python3 -m pip install flufl.bounce.
# Times the self-contained release binary (`make dist`: the Swift runtime and FoundationEssentials linked in,
# as shipped; it starts in 3-4 ms, the `swift build` binary in ~7 ms (`backscatter --version`)), built here first; BACKSCATTER_BIN overrides it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared="$here/../shared"
work=${1:-$(mktemp -d)}
if [ -n "${BACKSCATTER_BIN:-}" ]; then
  bin=$BACKSCATTER_BIN
else
  (cd "$here" && make -s dist >/dev/null)
  bin="$here/.build-static/release/backscatter"
fi

python3 "$shared/peers/make-mbox.py" "$shared/corpus/sisimai/maildir/bsd" "$work/bsd.mbox"
rm -f "$work/bsd20.mbox"
for _ in $(seq 20); do cat "$work/bsd.mbox" >> "$work/bsd20.mbox"; done

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }

for mbox in "$work/bsd.mbox" "$work/bsd20.mbox"; do
  echo "== $(basename "$mbox")"
  peers=$(bash "$shared/peers/side-by-side.sh" "$mbox" 2>&1)
  echo "$peers"
  sisimai_s=$(echo "$peers" | sed -n 's/.*records=[0-9]* seconds=\([0-9.]*\).*/\1/p')
  flufl_rate=$(echo "$peers" | sed -n 's/.*msgs_per_s=\([0-9.]*\).*/\1/p')
  messages=$(grep -c '^From ' "$mbox")
  # Ours, best of three, one job pinned to one core, in two modes:
  # - bounce analysis only (--no-classify): read, parse, recognise, JSON Lines out; what the peers do;
  # - the whole pipeline: the same plus the backscatter classifier with zero-config inference and the
  #   stream pass.
  ours() {
    best=""
    for _ in 1 2 3; do
      start=$(date +%s.%N)
      taskset -c 0 "$bin" scan --format jsonl --jobs 1 --quiet "$@" "$mbox" > "$work/ours.jsonl" || [ $? -eq 1 ]
      end=$(date +%s.%N)
      s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')
      if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
    done
    records=$(wc -l < "$work/ours.jsonl")
    echo "$records $best"
  }
  sisimai_rate=$(rate "$messages" "$sisimai_s")
  for mode in --no-classify full; do
    if [ "$mode" = full ]; then read -r records best < <(ours); label="full pipeline"
    else read -r records best < <(ours --no-classify); label="bounce analysis only (--no-classify)"; fi
    ours_rate=$(rate "$records" "$best")
    echo "backscatter (Swift, release, --jobs 1, $label): messages=$records seconds=$best msgs_per_s=$ours_rate"
    echo "  speed-up: $(rate "$ours_rate" "$sisimai_rate")x Sisimai ($sisimai_rate msgs/s), $(rate "$ours_rate" "$flufl_rate")x flufl.bounce ($flufl_rate msgs/s)"
  done
done
