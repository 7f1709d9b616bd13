#!/usr/bin/env python3
"""Writes mboxrd-quoting.mbox.dovecot-lz4: ../mboxrd-quoting.mbox in Dovecot's own LZ4 container, the
format Dovecot's zlib plugin writes for `zlib_save = lz4` (Dovecot's src/lib-compression/iostream-lz4.h):
the 15-byte magic "Dovecot-LZ4\\r\\x2a\\x9b\\xc5", the largest chunk's uncompressed size (4 bytes, big-endian),
then each chunk as its compressed length (4 bytes, big-endian) and an LZ4 block. Dovecot cuts chunks of
64 KiB; this writes chunks of 64 bytes, so that the small mbox spans several.

Expected result, by construction: the file reads as the plain mbox does (../mboxrd-quoting.expected.tsv).
Needs the lz4 module from PyPI (python3 -m pip install lz4). Run from this folder.
"""
import struct
import lz4.block

MAGIC = b"Dovecot-LZ4\r\x2a\x9b\xc5"
CHUNK = 64

plain = open("../mboxrd-quoting.mbox", "rb").read()
out = bytearray(MAGIC + struct.pack(">I", CHUNK))
for at in range(0, len(plain), CHUNK):
    block = lz4.block.compress(plain[at:at + CHUNK], store_size=False)
    out += struct.pack(">I", len(block)) + block
open("mboxrd-quoting.mbox.dovecot-lz4", "wb").write(out)
