#!/usr/bin/env python3
"""Checks what the CLI writes for mutated mail, not only that it survives: for each seed, an mbox of COUNT
mutated messages (mutate.py) and
- `scan -f jsonl`: valid UTF-8, one strict JSON object a line, one line a message (the contract tools
  outside the repository read), recipients, diagnostics and remote MTAs within the README's limits;
- `scan -f csv`: every row as wide as the header (RFC 4180 quoting of hostile text), and no cell that a
  spreadsheet would run as a formula (one starting with `=`, `+`, `-`, `@`, a tab or CR: "CSV injection");
- `scan --summary FILE` and `audit -f jsonl`: strict JSON;
- `scan -f html`: valid UTF-8 whose elements are only those the report writes (`HTMLReport`), with one
  script element (its own) and no event-handler attribute: nothing in a message may become markup;
- `scan -f text`, `audit -f text` and `explain`, without colours, and every command's standard error: no
  control character but line feed and tab (C0, DEL, C1), so that nothing in a message can move a
  terminal's cursor or change its state;
- `profile infer` writes a profile that `profile check` accepts and a scan with it reads every message.
Prints one line a seed, `ok` or what failed; exits 1 when any failed.

Usage: outputs.py BIN FIRST_SEED LAST_SEED [COUNT] [WORKDIR]
"""
import csv, html.parser, io, json, os, subprocess, sys

import fuzzmbox

csv.field_size_limit(1 << 30)   # a field may be long (a subject up to the 100 KiB field limit); the check is the widths

binary, seeds, count, work = fuzzmbox.campaign_arguments(sys.argv)


def run(*args):
    return subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# The README's limits on what one message's record holds (BounceAnalyzer).
MAX_RECIPIENTS, MAX_DIAGNOSTIC_BYTES, MAX_REMOTE_MTA_BYTES = 1000, 16 * 1024, 1024


def within_limits(record):
    """What of `record` passes the documented limits, or None."""
    recipients = record.get('recipients') or []
    if len(recipients) > MAX_RECIPIENTS:
        return f'{len(recipients)} recipients'
    for r in recipients:
        if len((r.get('diagnostic') or '').encode()) > MAX_DIAGNOSTIC_BYTES:
            return 'a diagnostic past the limit'
        if len((r.get('remoteMTA') or '').encode()) > MAX_REMOTE_MTA_BYTES:
            return 'a remote MTA past the limit'
    return None


def json_lines(data, what, problems):
    try:
        lines = data.decode('utf-8').split('\n')[:-1]
    except UnicodeDecodeError as e:
        problems.append(f'{what} is not UTF-8: {e}')
        return 0
    for i, line in enumerate(lines):
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                problems.append(f'{what} line {i} is no object')
                break
            past = within_limits(record)
            if past:
                problems.append(f'{what} line {i}: {past}')
                break
        except ValueError as e:
            problems.append(f'{what} line {i}: {e}')
            break
    return len(lines)


# The elements `HTMLReport` and its charts write (Sources/BackscatterCLI/Output).
HTML_ELEMENTS = {'body', 'div', 'h1', 'h2', 'head', 'header', 'html', 'input', 'li', 'line', 'main', 'meta', 'ol',
                 'p', 'rect', 'script', 'section', 'span', 'style', 'svg', 'table', 'tbody', 'td', 'text', 'th',
                 'thead', 'title', 'tr', 'ul'}


class ReportMarkup(html.parser.HTMLParser):
    """The elements of an HTML report, and what in it could not come from the report itself."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts = 0
        self.strange = []

    def handle_starttag(self, tag, attrs):
        if tag not in HTML_ELEMENTS:
            self.strange.append(f'element <{tag}>')
        if tag == 'script':
            self.scripts += 1
        for name, _ in attrs:
            if name.startswith('on'):
                self.strange.append(f'attribute {name} on <{tag}>')


def html_report(data, problems):
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        problems.append(f'html is not UTF-8: {e}')
        return
    markup = ReportMarkup()
    markup.feed(text)
    markup.close()
    if markup.strange:
        problems.append('html: ' + ', '.join(markup.strange[:5]))
    if markup.scripts != 1:
        problems.append(f'html: {markup.scripts} script elements')


def terminal_text(result, what, problems):
    """`result`'s output and errors hold no control character but line feed and tab."""
    for stream, data in (('', result.stdout), (' (standard error)', result.stderr)):
        text = data.decode('utf-8', 'replace')
        controls = {hex(ord(c)) for c in text if (ord(c) < 0x20 and c not in '\n\t') or 0x7F <= ord(c) <= 0x9F}
        if controls:
            problems.append(f'{what}{stream}: control characters {sorted(controls)[:5]}')


failed = 0
for seed in seeds:
    mbox = os.path.join(work, f'seed{seed}.mbox')
    fuzzmbox.mutated_mailbox(seed, count, mbox)
    problems = []
    scan = ['-q', '-j', '1', mbox]
    if json_lines(run('scan', '-f', 'jsonl', *scan).stdout, 'scan jsonl', problems) != count:
        problems.append('scan jsonl: not one line a message')
    rows = [r for r in csv.reader(io.StringIO(run('scan', '-f', 'csv', *scan).stdout.decode('utf-8', 'replace'),
                                              newline='')) if r]
    if len({len(r) for r in rows}) != 1:
        problems.append(f'csv rows of widths {sorted({len(r) for r in rows})}')
    formulas = [cell for row in rows for cell in row if cell[:1] in ('=', '+', '-', '@', '\t', '\r')]
    if formulas:
        problems.append(f'csv: {len(formulas)} cells a spreadsheet would run, as {formulas[0][:40]!r}')
    json_lines(run('audit', '-f', 'jsonl', *scan).stdout, 'audit jsonl', problems)
    html_report(run('scan', '-f', 'html', *scan).stdout, problems)
    terminal_text(run('scan', '-f', 'text', '--color', 'never', *scan), 'scan text', problems)
    terminal_text(run('audit', '-f', 'text', '--color', 'never', mbox), 'audit text', problems)
    terminal_text(run('explain', '--color', 'never', mbox), 'explain', problems)
    summary = os.path.join(work, f'seed{seed}.summary.json')
    run('scan', '-f', 'text', '--summary', summary, *scan)
    try:
        json.load(open(summary, encoding='utf-8'))
    except (OSError, ValueError) as e:
        problems.append(f'summary: {e}')
    profile = os.path.join(work, f'seed{seed}.toml')
    inferred = run('profile', 'infer', '-q', mbox)
    open(profile, 'wb').write(inferred.stdout)
    check = run('profile', 'check', profile)
    if inferred.returncode > 1 or check.returncode != 0:
        problems.append(f'profile infer {inferred.returncode}, check {check.returncode}: {check.stderr[:200]!r}')
    else:
        with_profile = run('scan', '-f', 'jsonl', '--profile', profile, *scan)
        if with_profile.returncode > 1 or with_profile.stdout.count(b'\n') != count:
            problems.append(f'scan with the inferred profile: status {with_profile.returncode}')
    failed += fuzzmbox.end_seed(f'seed={seed}', problems, (mbox, summary, profile))
fuzzmbox.end_campaign(failed)
