#!/usr/bin/env python3
"""Scores each tool's "this is backscatter" against a labelled corpus (backscatter-dev's labels.jsonl: one
object per message, in mbox order, `label` backscatter / legitimate / not-bounce), and prints one
Markdown table row per tool.

Usage: score.py LABELS NAME=FILE [NAME=FILE ...]
A FILE ending in .jsonl is `backscatter scan -f jsonl` output (`index`, `verdict`: flagged when
`backscatter`); any other is the peers' TSV (index, 1 when flagged, reason). Every message of the corpus
must be answered for. Standard library only."""
import json
import sys


def flags(path, count):
    flagged, answered = set(), set()
    with open(path) as f:
        if path.endswith(".jsonl"):
            for line in f:
                record = json.loads(line)
                answered.add(record["index"])
                if record.get("verdict") == "backscatter":
                    flagged.add(record["index"])
        else:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                answered.add(int(fields[0]))
                if fields[1] == "1":
                    flagged.add(int(fields[0]))
    missing = count - len(answered & set(range(count)))
    if missing:
        sys.exit(f"{path}: {missing} of {count} messages not answered for")
    return flagged


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    labels = [json.loads(line)["label"] for line in open(sys.argv[1])]
    by_label = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, set()).add(index)
    backscatter = by_label.get("backscatter", set())
    legitimate = by_label.get("legitimate", set())
    other = by_label.get("not-bounce", set())
    print("| tool | flagged | backscatter found (recall) | precision | legitimate bounces flagged | non-bounces flagged |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for argument in sys.argv[2:]:
        name, path = argument.split("=", 1)
        flagged = flags(path, len(labels))
        found = len(flagged & backscatter)
        precision = found / len(flagged) if flagged else 0.0
        print(f"| {name} | {len(flagged)} | {found} / {len(backscatter)} ({found / len(backscatter):.3f}) | {precision:.3f} "
              f"| {len(flagged & legitimate)} / {len(legitimate)} | {len(flagged & other)} / {len(other)} |")


if __name__ == "__main__":
    main()
