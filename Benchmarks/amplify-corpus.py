#!/usr/bin/env python3
"""Finds parsers that grow faster than their input: each message of a corpus folder made longer two ways
(K1 and K2 times), scanned alone, timed; the messages whose time grows most are listed.

Usage: Benchmarks/amplify-corpus.py MODE DIR K1 K2 [SCAN ARGS ...]
  MODE   body     the body repeated K times
         lines    each of the body's first 60 lines repeated K times in place
         unique   as lines, each copy of a line naming other addresses (user@ -> userx7@)
  DIR    a folder of message files, e.g. ../shared/corpus/sisimai/maildir/bsd
  SCAN ARGS go to `backscatter scan` (e.g. --profile ...); BACKSCATTER_BIN names the binary
         (default .build/release/backscatter).
A linear parser takes about K2/K1 times as long (less, where limits cut the input); a ratio well above
it is a place to look. Each time is the best of two runs, less 5 ms of process start. On the sisimai bsd
folder, 2026-11-30, after that session's fixes (ratios, where linear is 4.0): body 8 -> 32 at most 2.6;
lines 30 -> 120 at most 4.9 and unique at most 5.0, a few ms each, whose three highest took at most 2.4
from 240 to 960 copies (before the fixes, lines: lhost-sendmail-14 7.9, and 1.6 s at 480 copies).
"""
import os
import re
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
binary = os.environ.get("BACKSCATTER_BIN", os.path.join(here, "..", ".build", "release", "backscatter"))


def amplified(message, mode, k):
    split = re.search(rb"(\r\n\r\n|\n\n|\r\r)", message)
    if not split:
        return None
    head, body = message[:split.end()], message[split.end():]
    if mode == "body":
        return head + body * k
    lines = body.split(b"\n")
    out = []
    for i, line in enumerate(lines):
        if i >= 60:
            out.append(line)
        elif mode == "lines":
            out += [line] * k
        else:  # unique
            out += [re.sub(rb"([A-Za-z0-9._+-]+)@", lambda m: m.group(1) + b"x%d@" % j, line) for j in range(k)]
    return head + b"\n".join(out)


def seconds(path, extra):
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        subprocess.run([binary, "scan", "-f", "jsonl", "-q", "-j", "1", *extra, path], stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return max(best - 0.005, 0.001)


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in ("body", "lines", "unique"):
        sys.exit(__doc__)
    mode, folder, k1, k2, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
    rows = []
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "message.eml")
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                message = f.read()
            times = []
            for k in (k1, k2):
                text = amplified(message, mode, k)
                if text is None:
                    break
                with open(path, "wb") as f:
                    f.write(text)
                times.append(seconds(path, extra))
            if len(times) == 2:
                rows.append((times[1] / times[0], times[0], times[1], name))
    rows.sort(reverse=True)
    print(f"{mode}, {k1} -> {k2} copies (linear: ~{k2 / k1:.1f}):")
    for ratio, t1, t2, name in rows[:10]:
        print(f"  {ratio:5.1f}  {t1 * 1000:7.1f} -> {t2 * 1000:7.1f} ms  {name}")


if __name__ == "__main__":
    main()
