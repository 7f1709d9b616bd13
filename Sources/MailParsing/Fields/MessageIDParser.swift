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
        if let (id, isASCII) = simpleBracketed(value) {
            return text(of: value[(id.lowerBound + 1)..<(id.upperBound - 1)], isASCII: isASCII)
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
        if let (id, isASCII) = simpleBracketed(value) { return text(of: value[id], isASCII: isASCII) }
        return parse(value).map { "<" + $0 + ">" }
    }

    /// An id's bytes as `CharsetDecoder.utf8OrWindows1252` reads them: ASCII bytes (every id seen) are
    /// their own UTF-8, made a String in one step, without `validUTF8`'s comparison of the String
    /// with the bytes (bsd.mbox x3, 4,551 ids: 1.56M -> 1.23M instructions), and unchecked
    /// (`UncheckedUTF8.asciiString`: `simpleBracketed` found them ASCII; `parseBracketed` 1.70M -> 1.63M). A plain-ASCII test in
    /// `validUTF8` itself, for every caller, cost more than the comparison it saved (0.72M -> 0.99M).
    private static func text(of id: ByteSlice, isASCII: Bool) -> String {
        guard isASCII else { return CharsetDecoder.utf8OrWindows1252(id) }
        return id.withUnsafeBufferPointer { UncheckedUTF8.asciiString($0) }
    }

    /// The common shape, `<id>` first (after white space, commas, semicolons and stray `>`), its id
    /// free of white space, comments and `<`, at most `maxIDBytes` long: the range of `<id>`, brackets
    /// included, and whether the id's bytes are all ASCII. Nil for anything else, which `scan` reads
    /// (for this shape `scan` takes the id's bytes as they are: nothing to drop, nothing to cut).
    ///
    /// The bytes looked for are all below 64, so the byte loops test a byte against a 64-bit mask, not
    /// a chain of compares (bsd.mbox x3: 4,572 calls, 2.35M -> 1.94M instructions). The id is
    /// read sixteen bytes at a time first (SSE2 compares of SIMD16 vectors): a block without a byte
    /// that ends the id and without an 8-bit byte is passed over whole; the byte loop goes on from the
    /// first such byte; the last bytes, fewer than sixteen, are read as the buffer's last block, its
    /// lanes already read not looked at (bsd.mbox x3, 4,572 calls: 1.94M -> 0.86M instructions).
    static func simpleBracketed(_ value: ByteSlice) -> (id: Range<Int>, isASCII: Bool)? {
        value.withUnsafeBufferPointer { buffer -> (id: Range<Int>, isASCII: Bool)? in
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
            let greaterLanes = SIMD16<UInt8>(repeating: ASCII.greaterThan), lessLanes = SIMD16<UInt8>(repeating: ASCII.lessThan)
            let parenLanes = SIMD16<UInt8>(repeating: ASCII.openParen), spaceLanes = SIMD16<UInt8>(repeating: ASCII.space)
            let tabLanes = SIMD16<UInt8>(repeating: ASCII.tab), returnLanes = SIMD16<UInt8>(repeating: ASCII.carriageReturn)
            let feedLanes = SIMD16<UInt8>(repeating: ASCII.lineFeed)
            /// The lanes of the sixteen bytes at `offset` (inside the buffer) that end the id or are 8-bit.
            @inline(__always) func marks(at offset: Int) -> SIMDMask<SIMD16<Int8>> {
                let block = UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD16<UInt8>.self)
                let stops = (block .== greaterLanes) .| (block .== lessLanes) .| (block .== parenLanes)
                    .| (block .== spaceLanes) .| (block .== tabLanes) .| (block .== returnLanes) .| (block .== feedLanes)
                return stops .| (unsafeBitCast(block, to: SIMD16<Int8>.self) .< SIMD16<Int8>(repeating: 0))
            }
            var marked = false
            // i + 16 <= end: the block lies inside the buffer.
            while end &- i >= 16 {
                guard let lane = ByteLanes.firstMarked(marks(at: i)) else {
                    i &+= 16
                    continue
                }
                i &+= lane
                marked = true
                break
            }
            // Fewer than sixteen bytes left, in a buffer of sixteen or more: the last sixteen bytes
            // (end - 16 >= 0), their lanes before i (1...15 of them, read already) not looked at.
            if !marked, i < end, end >= 16 {
                let from = end &- 16
                i = Self.firstMarked(marks(at: from), fromLane: i &- from).map { from &+ $0 } ?? end
            }
            var any: UInt8 = 0   // the OR of the id's bytes read one by one (the blocks passed over are ASCII)
            while i < end {
                let c = p[i]
                if c < 64, idStopMask >> UInt64(c) & 1 != 0 { break }
                any |= c
                i &+= 1
            }
            guard i < end, p[i] == ASCII.greaterThan, i - open - 1 > 0, i - open - 1 <= maxIDBytes else {
                return nil
            }
            return ((value.startIndex + open)..<(value.startIndex + i + 1), any < 0x80)
        }
    }

    /// The first lane `mask` marks at `lane` or after (0...15), or nil (`ByteLanes.firstMarked` with the
    /// lanes before `lane` cleared).
    @inline(__always)
    private static func firstMarked(_ mask: SIMDMask<SIMD16<Int8>>, fromLane lane: Int) -> Int? {
        let halves = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        var low = UInt64(littleEndian: halves[0]), high = UInt64(littleEndian: halves[1])
        if lane >= 8 {
            low = 0
            high &= ~0 << UInt64(8 &* (lane &- 8))
        } else {
            low &= ~0 << UInt64(8 &* lane)
        }
        if low != 0 { return low.trailingZeroBitCount &>> 3 }
        if high != 0 { return 8 &+ high.trailingZeroBitCount &>> 3 }
        return nil
    }

    /// What may come before a plain `<id>`: WSP, CR, LF, `,`, `;` and a stray `>` (one bit per byte).
    private static let leadingMask: UInt64 = 1 << 0x20 | 1 << 0x09 | 1 << 0x0D | 1 << 0x0A | 1 << 0x2C | 1 << 0x3B
        | 1 << 0x3E
    /// What ends the id of a plain `<id>`: `>`, `<`, `(`, WSP, CR, LF (one bit per byte).
    private static let idStopMask: UInt64 = 1 << 0x3E | 1 << 0x3C | 1 << 0x28 | 1 << 0x20 | 1 << 0x09 | 1 << 0x0D
        | 1 << 0x0A

    /// Every message id in the value, in order (References, In-Reply-To).
    ///
    /// The plain ids at the front (`<id>` as `simpleBracketed` reads it, nearly every References and
    /// In-Reply-To value whole) are read one after the other, each as `parse` reads a plain id; `scan`
    /// reads the rest from the first that is not plain. It gives what it would have from there: its
    /// only state is where it is, and a plain `<id>` it reads as its bytes, then goes on after the `>`.
    /// (`scan` alone, its byte array per id, three arrays of results and the slice indexed byte by
    /// byte, was ~3,450 instructions a value: sisimai bsd mbox x3, 387 values, 1.34M.)
    public static func parseList(_ value: ByteSlice) -> [String] {
        var ids: [String] = []
        var rest = value
        while let (id, isASCII) = simpleBracketed(rest) {
            ids.append(text(of: value[(id.lowerBound + 1)..<(id.upperBound - 1)], isASCII: isASCII))
            rest = value[id.upperBound...]
        }
        // What is left is most often the value's end, or blanks: no id there, nothing for `scan` to read.
        if rest.allSatisfy(ASCII.isWhitespaceOrNewline) { return ids }
        let scanned = scan(rest, stopAfterFirst: false).all
        return ids.isEmpty ? scanned : ids + scanned
    }

    /// `parseList` by `scan` alone (the tests compare the two).
    static func parseListByScan(_ value: ByteSlice) -> [String] {
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
