#!/usr/bin/env python3
"""Zero-config on small mailboxes: what `backscatter scan` without a profile judges when the mailbox shows
little of the site. Draws random mailboxes of 5-160 messages from a labelled inbox (backscatter-dev's
corpus.mbox and labels.jsonl), every other one of bounce-like messages only, the others of any messages;
scans each alone, zero-config; and scores the bounce-like messages' verdicts against their labels over all
of them. Deterministic: seed N draws the same mailbox every time.

Usage: small-mailboxes.py BIN [MAILBOXES] [CORPUS_DIR]
  BIN: the backscatter binary; MAILBOXES: how many (default 60); CORPUS_DIR: default
  ../shared/corpus/backscatter-dev from the repository's root.
Prints the verdict counts by label, then backscatter precision and recall. Standard library only."""
import collections
import json
import os
import random
import re
import subprocess
import sys
import tempfile

SIZES = [5, 10, 20, 40, 80, 160]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    corpus = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "..", "shared", "corpus", "backscatter-dev")
    labels = [json.loads(line)["label"] for line in open(os.path.join(corpus, "labels.jsonl"))]
    data = open(os.path.join(corpus, "corpus.mbox"), "rb").read()
    starts = [m.start() for m in re.finditer(rb"(?m)^From ", data)] + [len(data)]
    messages = [data[starts[i]:starts[i + 1]] for i in range(len(starts) - 1)]
    if len(messages) != len(labels):
        sys.exit(f"{len(messages)} messages but {len(labels)} labels")
    bounce_like = [i for i, label in enumerate(labels) if label != "not-bounce"]
    counts = collections.Counter()
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "mailbox.mbox")
        for seed in range(count):
            draw = random.Random(seed)
            size = draw.choice(SIZES)
            pool = bounce_like if seed % 2 == 0 else range(len(labels))
            picked = sorted(draw.sample(pool, size))
            with open(path, "wb") as f:
                f.write(b"".join(messages[i] for i in picked))
            out = subprocess.run([binary, "scan", "-f", "jsonl", "-q", path], capture_output=True, check=False).stdout
            records = [json.loads(line) for line in out.decode().splitlines()]
            if len(records) != len(picked):
                sys.exit(f"mailbox {seed}: {len(records)} records for {len(picked)} messages")
            for record, i in zip(records, picked):
                if labels[i] != "not-bounce":
                    counts[(labels[i], record["verdict"])] += 1
    for (label, verdict), n in sorted(counts.items()):
        print(f"{label:12} judged {verdict:12} {n}")
    found = counts[("backscatter", "backscatter")]
    flagged = found + counts[("legitimate", "backscatter")]
    total = sum(n for (label, _), n in counts.items() if label == "backscatter")
    print(f"backscatter precision {found / max(1, flagged):.3f} recall {found / max(1, total):.3f} "
          f"({count} mailboxes, {sum(counts.values())} bounce-like messages)")


if __name__ == "__main__":
    main()
