#!/usr/bin/env python3
"""Postfix's backscatter recipe (BACKSCATTER_README, "Blocking backscatter mail with forged mail server
information", Debian's postfix-doc) emulated on every message of an mbox: the site's mail systems greet
as hostname.DOMAIN and write Message-IDs @hostname.DOMAIN, so a returned header that names the bare
DOMAIN as a client, a greeting or a server, or a Message-ID @DOMAIN, is a forgery and the notice is
rejected. The recipe's `header_checks` (also the default `nested_header_checks`) and `body_checks`
patterns, as pcre tables read them (without regard to case; an `<!&!` Message-ID, Outlook's, is let
through), as cleanup(8) applies them: header_checks to the notice's header lines and to those of every
message it returns whole (message/rfc822), unfolded; body_checks to every other raw line (a text part,
a text/rfc822-headers part).

Usage: postfix-recipe.py MBOX DOMAIN [DOMAIN ...]
Prints one line per message, in mbox order: its index, 1 when a pattern rejects it (else 0), the pattern's
reason. Standard library only."""
import email
import re
import sys


def patterns(domains):
    names = "|".join(re.escape(d) for d in domains)
    def rules(prefix):
        return [
            (re.compile(prefix + r"Received: +from +(" + names + r") +", re.I), "forged client name in Received: header"),
            (re.compile(prefix + r"Received: +from +[^ ]+ +\(([^ ]+ +[he]+lo=|[he]+lo +)(" + names + r")\)", re.I),
             "forged client name in Received: header"),
            (re.compile(prefix + r"Received:.* +by +(" + names + r")\b", re.I), "forged mail server name in Received: header"),
            (re.compile(prefix + r"Message-ID:.* <!&!", re.I), None),   # DUNNO: the table's lookup ends here
            (re.compile(prefix + r"Message-ID:.*@(" + names + r")", re.I), "forged domain name in Message-ID: header"),
        ]
    return rules("^"), rules(r"^[> ]*")


def first_match(rules, line):
    """The reason of the first pattern that matches `line` (a table's lookup stops at its first match);
    None when none does or the first is a DUNNO."""
    for pattern, reason in rules:
        if pattern.search(line):
            return reason or ""
    return None


FOLD = re.compile(r"\r?\n[ \t]+")


def header_lines(message):
    """A message's (or returned message's) header lines as the table reads them: unfolded."""
    return [name + ": " + FOLD.sub(" ", str(value)) for name, value in message.items()]


def judge(text, header_rules, body_rules):
    """The reason the recipe rejects the message, or None: header_checks on its header lines and on those
    of every message it returns (nested_header_checks, by default the same table), body_checks on each
    raw line of every other part (a text part's quoted headers, a text/rfc822-headers part), as Postfix's
    cleanup(8) reads a message's MIME structure."""
    top = email.message_from_string(text)
    for message in [top] + nested(top):
        for line in header_lines(message):
            reason = first_match(header_rules, line)
            if reason:
                return reason
    for part in top.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=False)
        if not isinstance(payload, str):
            continue
        for line in payload.splitlines():
            reason = first_match(body_rules, line)
            if reason:
                return reason
    return None


def nested(message):
    """The messages a message returns whole (message/rfc822 parts), at any depth."""
    found = []
    for part in message.walk():
        if part.get_content_type() == "message/rfc822" and part.is_multipart():
            for inner in part.get_payload():
                found.append(inner)
    return found


def messages(path):
    """The messages of an mboxrd file, `>From ` quoting undone, as text (bytes decoded as Latin-1, so
    that every byte is one character and nothing fails)."""
    text = None
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("latin-1").rstrip("\r\n")
            if line.startswith("From "):
                if text is not None:
                    yield "\n".join(text)
                text = []
                continue
            if text is not None:
                text.append(re.sub(r"^>(>*From )", r"\1", line))
    if text is not None:
        yield "\n".join(text)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: postfix-recipe.py MBOX DOMAIN [DOMAIN ...]")
    header_rules, body_rules = patterns(sys.argv[2:])
    for index, text in enumerate(messages(sys.argv[1])):
        reason = judge(text, header_rules, body_rules)
        print(f"{index}\t{1 if reason else 0}\t{reason or ''}")


if __name__ == "__main__":
    main()
