/// Parses msg-id fields: Message-ID, In-Reply-To, References, Content-ID (RFC 5322 §3.6.4, obsolete
/// forms §4.5.4).
///
/// Ids are returned without angle brackets. Tolerated: comments anywhere (nested, skipped), folding and
/// whitespace inside brackets (removed: `<abc @ example.com>` is `abc@example.com`), missing brackets
/// (a bare word with an `@`; for `parse` any bare word when nothing better is there), commas or
/// semicolons between ids, an unclosed `<` (the id ends at the next `<` or the end), junk words between
/// ids (In-Reply-To's obs-phrase, "Your message of ..."), empty `<>`.
/// Limits: O(n); ids longer than `maxIDBytes` are cut there.
public enum MessageIDParser {
    /// Longest id kept, in bytes (RFC 5322 lines are at most 998). Default: 998.
    public static let maxIDBytes = 998

    /// The first message id in the value, without angle brackets, or nil.
    public static func parse(_ value: ByteSlice) -> String? {
        if let id = simpleBracketed(value) {
            return CharsetDecoder.utf8OrWindows1252(value[(id.lowerBound + 1)..<(id.upperBound - 1)])
        }
        return parseByScan(value)
    }

    /// `parse` without the fast path for a plain `<id>` (the tests compare the two).
    static func parseByScan(_ value: ByteSlice) -> String? {
        let ids = scan(value, stopAfterFirst: true)
        if let first = ids.bracketed.first ?? ids.bare.first { return first }
        return ids.anyWord
    }

    /// The first message id in angle brackets (`<id@host>`), as `"<" + parse(value) + ">"` gives it.
    package static func parseBracketed(_ value: ByteSlice) -> String? {
        // The brackets are ASCII: the id decodes alike with or without them, in one String.
        if let id = simpleBracketed(value) { return CharsetDecoder.utf8OrWindows1252(value[id]) }
        return parse(value).map { "<" + $0 + ">" }
    }

    /// The common shape, `<id>` first (after white space, commas, semicolons and stray `>`), its id
    /// free of white space, comments and `<`, at most `maxIDBytes` long: the range of `<id>`, brackets
    /// included. Nil for anything else, which `scan` reads (for this shape `scan` takes the id's bytes
    /// as they are: nothing to drop, nothing to cut).
    ///
    /// The bytes looked for are all below 64, so each loop tests a byte against a 64-bit mask, not a
    /// chain of compares (bsd.mbox x3: 4,572 calls, 2.35M -> 1.94M instructions).
    static func simpleBracketed(_ value: ByteSlice) -> Range<Int>? {
        value.withUnsafeBufferPointer { buffer -> Range<Int>? in
            guard let p = buffer.baseAddress else { return nil }
            var i = 0
            let end = buffer.count
            while i < end {
                let b = p[i]
                guard b < 64, leadingMask >> UInt64(b) & 1 != 0 else { break }
                i &+= 1
            }
            guard i < end, p[i] == ASCII.lessThan else { return nil }
            let open = i
            i &+= 1
            while i < end {
                let c = p[i]
                if c < 64, idStopMask >> UInt64(c) & 1 != 0 { break }
                i &+= 1
            }
            guard i < end, p[i] == ASCII.greaterThan, i - open - 1 > 0, i - open - 1 <= maxIDBytes else {
                return nil
            }
            return (value.startIndex + open)..<(value.startIndex + i + 1)
        }
    }

    /// What may come before a plain `<id>`: WSP, CR, LF, `,`, `;` and a stray `>` (one bit per byte).
    private static let leadingMask: UInt64 = 1 << 0x20 | 1 << 0x09 | 1 << 0x0D | 1 << 0x0A | 1 << 0x2C | 1 << 0x3B
        | 1 << 0x3E
    /// What ends the id of a plain `<id>`: `>`, `<`, `(`, WSP, CR, LF (one bit per byte).
    private static let idStopMask: UInt64 = 1 << 0x3E | 1 << 0x3C | 1 << 0x28 | 1 << 0x20 | 1 << 0x09 | 1 << 0x0D
        | 1 << 0x0A

    /// Every message id in the value, in order (References, In-Reply-To).
    public static func parseList(_ value: ByteSlice) -> [String] {
        scan(value, stopAfterFirst: false).all
    }

    private struct Found {
        var bracketed: [String] = []
        var bare: [String] = []
        var all: [String] = []
        var anyWord: String? = nil
    }

    private static func scan(_ value: ByteSlice, stopAfterFirst: Bool) -> Found {
        var found = Found()
        var i = value.startIndex
        let end = value.endIndex
        while i < end {
            let b = value[i]
            if ASCII.isWhitespaceOrNewline(b) || b == ASCII.comma || b == ASCII.semicolon || b == ASCII.greaterThan {
                i += 1
                continue
            }
            if b == ASCII.openParen {
                i = Comment.scan(value, openingAt: i).next
                continue
            }
            if b == ASCII.lessThan {
                var id: [UInt8] = []
                id.reserveCapacity(min(end - i, 128))
                i += 1
                while i < end {
                    let c = value[i]
                    if c == ASCII.greaterThan { i += 1; break }
                    if c == ASCII.lessThan { break }  // unclosed: the next id begins
                    if c == ASCII.openParen, id.isEmpty || id.last == ASCII.at || id.last == ASCII.dot {
                        i = Comment.scan(value, openingAt: i).next  // obs-id-left / obs-id-right with CFWS
                        continue
                    }
                    if !ASCII.isWhitespaceOrNewline(c), id.count < maxIDBytes { id.append(c) }
                    i += 1
                }
                if !id.isEmpty {
                    let text = CharsetDecoder.utf8OrWindows1252(id[...])
                    found.bracketed.append(text)
                    found.all.append(text)
                    if stopAfterFirst { return found }
                }
                continue
            }
            // A bare word (no brackets).
            let start = i
            var hasAt = false
            while i < end {
                let c = value[i]
                if ASCII.isWhitespaceOrNewline(c) || c == ASCII.comma || c == ASCII.semicolon || c == ASCII.lessThan
                    || c == ASCII.openParen || c == ASCII.greaterThan
                { break }
                if c == ASCII.at { hasAt = true }
                i += 1
            }
            let word = value[start..<min(i, start + maxIDBytes)]
            if word.isEmpty { i += 1; continue }
            var trimmed = word
            while let last = trimmed.last, last == ASCII.dot || last == UInt8(ascii: "'") || last == ASCII.quote {
                trimmed = trimmed.dropLast()
            }
            while let first = trimmed.first, first == ASCII.quote || first == UInt8(ascii: "'") {
                trimmed = trimmed.dropFirst()
            }
            if trimmed.isEmpty { continue }
            let text = CharsetDecoder.utf8OrWindows1252(trimmed)
            if hasAt, trimmed.first != ASCII.at, trimmed.last != ASCII.at {
                found.bare.append(text)
                found.all.append(text)
                if stopAfterFirst { return found }
            } else if found.anyWord == nil {
                found.anyWord = text
            }
        }
        return found
    }
}
