#!/usr/bin/env python3
"""Writes ID.eml for a -spool_file_wireformat message, which `exim -Mvc` (4.96) prints as nothing: the
header lines `exim -Mvh ID` prints (a count, a flag, a space, that many bytes), those not flagged '*', each
line end made CRLF, a CRLF, then the -D file after its first line as it is (already CRLF, not dot-stuffed:
the Exim specification, "Format of the -D file"). Run as root on the machine whose spool holds ID.
Usage: wireformat-expectation.py ID
"""
import re, subprocess, sys
mid = sys.argv[1]
listing = subprocess.run(['exim4', '-Mvh', mid], capture_output=True, check=True).stdout
# The header lines follow the blank line that ends the envelope; the ACL values above it may hold blank
# lines too, so it is the blank line before the first header, which for a received message is its
# Received: line.
found = re.search(rb'\n\n(?=\d{3,}[A-Z* ] Received: )', listing)
text = listing[found.end():]
out, at = bytearray(), 0
while at < len(text) and text[at:at + 1].isdigit():
    digits = at
    while text[digits:digits + 1].isdigit():
        digits += 1
    count, flag = int(text[at:digits]), text[digits:digits + 1]
    header = text[digits + 2:digits + 2 + count]
    if flag != b'*':
        out += header.replace(b'\n', b'\r\n')
    at = digits + 2 + count
data = open(mid + '-D', 'rb').read()
out += b'\r\n' + data[data.index(b'\n') + 1:]
open(mid + '.eml', 'wb').write(out)
