#!/bin/sh
# Writes the compressed copies of ../mboxrd-quoting.mbox this folder holds, one per format the reader
# decompresses. Expected result, by construction: each reads as the plain mbox does, entry for entry
# (../mboxrd-quoting.expected.tsv), offsets and lengths counting decompressed bytes; but for the last.
# Needs gzip, bzip2, xz-utils, zstd and lz4. Run from this folder: sh make-compressed.sh
# (Dovecot's LZ4 container, which no tool here writes: make-dovecot-lz4.py.)
set -eu
plain=../mboxrd-quoting.mbox
gzip -9 -n -c "$plain" > mboxrd-quoting.mbox.gz
bzip2 -9 -c "$plain" > mboxrd-quoting.mbox.bz2
xz -6 -c "$plain" > mboxrd-quoting.mbox.xz
zstd -q -19 --check -c "$plain" > mboxrd-quoting.mbox.zst
lz4 -q -9 --content-size -c "$plain" > mboxrd-quoting.mbox.lz4
# The same mbox, xz-compressed with a 256 MiB dictionary: decoding it would need more memory than
# CompressionFormat.maxDecoderMemoryBytes (128 MiB) allows. Expected: a corrupt-compressed-data error
# naming the limit, no message.
xz --lzma2=preset=6,dict=256MiB -c "$plain" > mboxrd-quoting-256MiB-dictionary.mbox.xz
