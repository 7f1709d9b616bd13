#!/usr/bin/env bash
# Judges backscatter-dev's inbox (../shared/corpus/backscatter-dev/corpus.mbox, 3,922 messages) with the
# peers that tell backscatter, given what the site's profile says of it, and with backscatter itself,
# then scores each against labels.jsonl (score.py):
# - SpamAssassin's VBounce rules (vbounce.pl), `welcomelist_bounce_relays` = the profile's relay hosts;
# - Postfix's backscatter recipe (postfix-recipe.py), its patterns for the profile's domains;
# - `backscatter scan` with the profile, and without any (zero-config).
#
# Usage: Benchmarks/judgement/run.sh [WORKDIR]   (default: a temporary folder)
#   BACKSCATTER_BIN=path/to/backscatter (default: the release build, built first when missing)
#   CORPUS=folder with corpus.mbox, labels.jsonl and profile.toml laid out as backscatter-dev's
#   (default: ../shared/corpus/backscatter-dev)
# Needs: apt-get install -y spamassassin (VBounce takes ~4-5 minutes of one core; the rest seconds).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dev=${CORPUS:-$root/../shared/corpus/backscatter-dev}
work=${1:-$(mktemp -d)}
mkdir -p "$work"
bin=${BACKSCATTER_BIN:-$root/.build/release/backscatter}
[ -x "$bin" ] || (cd "$root" && swift build -c release --product backscatter > /dev/null)

# The profile's relay hosts and domains (Python's tomllib reads the file).
read -r -a relays <<< "$(python3 -c 'import sys, tomllib; print(" ".join(tomllib.load(open(sys.argv[1], "rb"))["relays"]["hosts"]))' "$dev/profile.toml")"
read -r -a domains <<< "$(python3 -c 'import sys, tomllib; print(" ".join(tomllib.load(open(sys.argv[1], "rb"))["site"]["domains"]))' "$dev/profile.toml")"
echo "relays: ${relays[*]}; domains: ${domains[*]}; work: $work"

"$bin" scan -f jsonl -q --profile "$dev/profile.toml" "$dev/corpus.mbox" > "$work/backscatter-profile.jsonl" || [ $? -eq 1 ]
"$bin" scan -f jsonl -q "$dev/corpus.mbox" > "$work/backscatter-zero-config.jsonl" || [ $? -eq 1 ]
python3 "$here/postfix-recipe.py" "$dev/corpus.mbox" "${domains[@]}" > "$work/postfix-recipe.tsv"
perl "$here/vbounce.pl" "$dev/corpus.mbox" "${relays[@]}" > "$work/vbounce.tsv"

python3 "$here/score.py" "$dev/labels.jsonl" \
  "SpamAssassin VBounce (welcomelist_bounce_relays)=$work/vbounce.tsv" \
  "Postfix backscatter recipe (header_checks, body_checks)=$work/postfix-recipe.tsv" \
  "backscatter, zero-config=$work/backscatter-zero-config.jsonl" \
  "backscatter, with the profile=$work/backscatter-profile.jsonl"
