#!/usr/bin/env python3
"""What each stage of a scan costs a message, from a callgrind profile of `backscatter scan`.

Usage: Benchmarks/tools/stages.py CALLGRIND_OUT MESSAGES [BASE_CALLGRIND_OUT]

CALLGRIND_OUT is a profile as `instructions.sh` keeps them (`cg.bsd3-full`: the sisimai bsd mbox three
times over, 1,887 messages); MESSAGES the messages it scanned. Prints, for each stage, the inclusive
instructions of the functions that make it up, in millions and per message; with a second profile,
both and the difference. The stages are those of Benchmarks/README ("What 50x needs", the forty-seventh
session). A function that an optimisation renames or inlines into its caller shows as "-" (not found):
look at `callgrind_annotate --inclusive=yes` and update the table below.
"""
import re
import subprocess
import sys

# (label, indent, functions whose inclusive costs add up to the stage). A function is found by the
# demangled name callgrind_annotate prints, with Swift's "specialized " and " [binary]" taken off.
STAGES = [
    ("everything (Main.main)", 0, ["static Main.main()"]),
    ("mbox read", 1, ["MailboxReader.next()"]),
    ("MIME tree and header sections", 1, ["ParsedMessage.init(parsing:limits:)"]),
    ("bounce analysis", 1, ["BounceAnalyzer.analyze(_:)"]),
    ("recognisers", 2, ["static RecognizerRegistry.recognize(_:)"]),
    ("claims (with the text they make)", 3, ["static RecognizerRegistry.firstClaim(_:from:)"]),
    ("reasons and codes", 2, ["BounceAnalyzer.report(_:_:originalUnlocated:)"]),
    ("phrase walk (with its one-time tables)", 3, ["DiagnosticWords.Matches.init(_:)"]),
    ("original located", 2, ["static OriginalLocator.locate(_:)"]),
    ("context", 2, ["BounceContext.init(_:)"]),
    ("header values", 1, ["static HeaderValues.record(of:)", "static HeaderValues.original(_:)",
                          "closure #1 in static HeaderValues.recipients(_:)"]),
    ("observation", 1, ["ObservationReader.observe(_:report:known:shapedNoticeFrom:noticeFirstTo:)"]),
    ("stream pass", 1, ["StreamClassifier.prepare<A>(_:)", "StreamClassifier.init<A>(profile:notes:)",
                        "StreamJudge.judge(_:at:)"]),
    ("JSON Lines out", 1, ["partial apply for closure #2 in ScanInvocation.run()"]),
    ("freeing the message", 1, ["outlined destroy of ExaminedMessage"]),
]

LINE = re.compile(r"^\s*([\d,]+)\s+\([^)]*\)\s+\S*?:(.*?)(?:\s+\[[^\]]*\])?\s*$")


def inclusive_costs(path):
    """Each function's inclusive instructions: the largest figure printed for its name (a
    function that recurses is printed again with a "'2" suffix, which is not its name)."""
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                               capture_output=True, text=True, check=True).stdout
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=annotated,
                               capture_output=True, text=True, check=True).stdout
    costs = {}
    for line in demangled.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        name = match.group(2).strip()
        if name.startswith("specialized "):
            name = name[len("specialized "):]
        cost = int(match.group(1).replace(",", ""))
        costs[name] = max(cost, costs.get(name, 0))
    return costs


def stage_cost(costs, functions):
    """The stage's instructions, or None when one of its functions is not in the profile."""
    total = 0
    for function in functions:
        if function not in costs:
            return None
        total += costs[function]
    return total


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    messages = int(sys.argv[2])
    profiles = [inclusive_costs(sys.argv[1])] + ([inclusive_costs(sys.argv[3])] if len(sys.argv) == 4 else [])

    def cell(cost):
        return "-" if cost is None else f"{cost / 1e6:8.2f}M {cost / messages / 1e3:6.1f}k"

    header = f"{'stage':44} {'instructions, a message':>18}"
    if len(profiles) == 2:
        header += f" {'base':>18} {'difference':>10}"
    print(header)
    for label, indent, functions in STAGES:
        costs = [stage_cost(p, functions) for p in profiles]
        row = f"{'  ' * indent + label:44} {cell(costs[0]):>18}"
        if len(costs) == 2:
            difference = "-" if None in costs else f"{(costs[0] - costs[1]) / 1e6:+.2f}M"
            row += f" {cell(costs[1]):>18} {difference:>10}"
        print(row)


if __name__ == "__main__":
    main()
