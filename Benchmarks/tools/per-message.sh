#!/usr/bin/env bash
# What one more message of each file costs, in instructions: every `.eml` of a folder made into an mbox
# of 3 and of 9 copies, each scanned under callgrind counting only the scan (`ScanRunner.run`, so not the
# start), and (I9 - I3) / 6 printed with the file's name, most costly first. The start, the one-time
# tables and the first copies' misses fall out of the difference.
#
# Usage: Benchmarks/tools/per-message.sh [FOLDER] > costs.txt
#   FOLDER: default ../shared/corpus/sisimai/maildir/bsd
#   BIN=path/to/backscatter: a release binary stripped of its debug sections (valgrind fails on the
#   unstripped one: `strip --strip-debug -o /tmp/bs.sd .build/release/backscatter`); JOBS=N in parallel
#   (default 2). Needs valgrind. ~2.5 s a file (sisimai bsd, 629 files, two jobs: ~13 minutes).
# Each line: `COST I3 NAME`.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
folder=${1:-$here/../shared/corpus/sisimai/maildir/bsd}
bin=${BIN:?set BIN to a stripped release binary (see the usage above)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export bin work

one() {
  f=$1
  name=$(basename "$f" .eml)
  # The file as an mbox of N copies: CRLF made LF, each body line starting "From " quoted.
  python3 - "$f" "$work/$name" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read().replace(b'\r\n', b'\n')
body = data.replace(b'\nFrom ', b'\n>From ')
if body.startswith(b'From '):
    body = b'>' + body
if not body.endswith(b'\n'):
    body += b'\n'
entry = b'From MAILER-DAEMON Thu Jan  1 00:00:00 2009\n' + body + b'\n'
for n in (3, 9):
    open(f'{sys.argv[2]}.{n}.mbox', 'wb').write(entry * n)
PY
  counts=()
  for n in 3 9; do
    valgrind --tool=callgrind --collect-atstart=no '--toggle-collect=*ScanRunnerV3run5stage7deliver*' \
      --callgrind-out-file="$work/$name.$n.cg" "$bin" scan -f jsonl -q -j 1 "$work/$name.$n.mbox" > /dev/null 2>&1
    counts+=("$(callgrind_annotate "$work/$name.$n.cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')")
    rm -f "$work/$name.$n.cg" "$work/$name.$n.mbox"
  done
  echo "$(( (counts[1] - counts[0]) / 6 )) ${counts[0]} $name"
}
export -f one
ls "$folder"/*.eml | SWIFT_DETERMINISTIC_HASHING=1 xargs -P "${JOBS:-2}" -I{} bash -c 'one "$1"' _ {} | sort -rn
