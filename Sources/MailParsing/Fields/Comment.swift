/// RFC 5322 §3.2.2 comments inside structured field values: `(` ... `)`, nested to any depth (a
/// counter, not recursion), quoted-pairs (`\)`) skipped; an unterminated comment runs to the end.
enum Comment {
    /// The comment whose `(` is at `open`: the range of its content (between the outermost parentheses)
    /// and the index just past its `)` (the end of `value` when it is never closed).
    static func scan(_ value: ByteSlice, openingAt open: Int) -> (content: Range<Int>, next: Int) {
        value.withUnsafeBufferPointer { bytes in
            let found = scan(bytes, openingAt: open - value.startIndex)
            let base = value.startIndex
            return ((base + found.content.lowerBound)..<(base + found.content.upperBound), base + found.next)
        }
    }

    /// `scan(_:openingAt:)` over a buffer, `open` an offset into it.
    static func scan(_ value: UnsafeBufferPointer<UInt8>, openingAt open: Int) -> (content: Range<Int>, next: Int) {
        var depth = 0
        var i = open
        let end = value.count
        /// Reads the byte at `i`; the comment when it closes it.
        @inline(__always) func step() -> (content: Range<Int>, next: Int)? {
            let c = value[i]
            if c == ASCII.backslash { i += 2; return nil }
            if c == ASCII.openParen { depth += 1 }
            if c == ASCII.closeParen {
                depth -= 1
                if depth == 0 { return ((open + 1)..<i, i + 1) }
            }
            i += 1
            return nil
        }
        // Eight bytes at a time: a mark (0x80) on each `(`, `)` and `\` (exact per byte,
        // `ByteWord.zeroBytes`), and only the marked bytes read, lowest first (byte by byte, three
        // tests a byte, this was ~7 instructions a byte of the Received comments of the sisimai bsd
        // mbox x3).
        if let base = UnsafeRawPointer(value.baseAddress) {
            let parens = ByteWord.broadcast(ASCII.closeParen), backslashes = ByteWord.broadcast(ASCII.backslash)
            words: while i + 8 <= end {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                // `(` and `)` differ only in their lowest bit: setting it in every byte leaves `)` for both.
                var marks = ByteWord.zeroBytes((word | ByteWord.ones) ^ parens) | ByteWord.zeroBytes(word ^ backslashes)
                let wordStart = i
                while marks != 0 {
                    i = wordStart + marks.trailingZeroBitCount >> 3
                    marks &= marks &- 1
                    if value[i] == ASCII.backslash {
                        // The escaped byte may be marked too, or lie in the next word: read on after it.
                        i += 2
                        continue words
                    }
                    if let comment = step() { return comment }
                }
                i = wordStart + 8
            }
        }
        while i < end {
            if let comment = step() { return comment }
        }
        return ((open + 1)..<max(open + 1, end), end)
    }
}
