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
        while i < end {
            let c = value[i]
            if c == ASCII.backslash { i += 2; continue }
            if c == ASCII.openParen { depth += 1 }
            if c == ASCII.closeParen {
                depth -= 1
                if depth == 0 { return ((open + 1)..<i, i + 1) }
            }
            i += 1
        }
        return ((open + 1)..<max(open + 1, end), end)
    }
}
