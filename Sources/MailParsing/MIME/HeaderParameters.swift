/// Parameters of a MIME header (`; name=value` lists of Content-Type and Content-Disposition),
/// RFC 2045 §5.1, with RFC 2231 continuations (`name*0`, `name*1`) and charset-tagged values
/// (`name*=utf-8'en'%E2%82%AC`). Names are lower-cased; values are decoded Strings.
public struct HeaderParameters: Sendable, Hashable {
    /// One parameter: its name, lower-cased, and its decoded value.
    public struct Parameter: Sendable, Hashable {
        /// The name, lower-cased (`charset`, `boundary`, `report-type`).
        public var name: String
        /// The value, unquoted and decoded (RFC 2231 continuations joined, charset applied).
        public var value: String

        /// A parameter named `name` (lower-case) with `value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The parameters in order of first appearance, names lower-cased.
    public private(set) var entries: [Parameter]

    /// No parameters.
    public init() { entries = [] }

    /// The value of the first parameter named `lowercaseName`.
    public subscript(_ lowercaseName: String) -> String? {
        entries.first { $0.name == lowercaseName }?.value
    }

    /// The common parameter name that `name` spells in any case, as a literal (no String made), or nil:
    /// as `ContentType.commonName`. (The former `KnownNames`, now the tests' reference: bsd.mbox x3, `KnownNames.match` 0.31M for 3,548 names.)
    static func commonName(_ name: UnsafeBufferPointer<UInt8>) -> String? {
        guard let key = ShortNameKey(name) else { return nil }
        switch name.count {
        case 4:
            if key == ShortNameKey(0x656D_616E_656D_616E) { return "name" }
        case 5:
            if key == ShortNameKey(0x7073_6C65_736C_6564) { return "delsp" }
        case 6:
            if key == ShortNameKey(0x7461_6D72_6D72_6F66) { return "format" }
        case 7:
            if key == ShortNameKey(0x7465_7372_7261_6863) { return "charset" }
        case 8:
            if key == ShortNameKey(0x7972_6164_6E75_6F62, 0x7972_6164_6E75_6F62) { return "boundary" }
            if key == ShortNameKey(0x656D_616E_656C_6966, 0x656D_616E_656C_6966) { return "filename" }
        case 11:
            if key == ShortNameKey(0x742D_7472_6F70_6572, 0x6570_7974_2D74_726F) { return "report-type" }
        default:
            break
        }
        return nil
    }

    /// The common parameter value that `value` is byte for byte (its case kept), as a literal, or nil: a
    /// switch on its length and a compare of its first and last (overlapping) words, as `commonName`.
    /// Most values of bounces' Content-Type lists but boundaries are a charset or `delivery-status`,
    /// each made a String from its bytes before (bsd.mbox x3: `String(copying:)` 0.62M for 3,500 values).
    static func commonValue(_ value: UnsafeBufferPointer<UInt8>) -> String? {
        let count = value.count
        guard count >= 5, count <= 16, let base = value.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let first: UInt64, last: UInt64
        if count < 8 {
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)))
            first = low | high &<< 32
            last = first
        } else {
            first = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
        }
        switch count {
        case 5:
            if first == 0x382D_6674_2D66_7475 { return "utf-8" }
            if first == 0x382D_4654_2D46_5455 { return "UTF-8" }
        case 6:
            if first == 0x6465_776F_776F_6C66 { return "flowed" }
        case 8:
            if first == 0x6969_6373_612D_7375 { return "us-ascii" }
            if first == 0x4949_4353_412D_5355 { return "US-ASCII" }
        case 10:
            if first == 0x3935_3838_2D6F_7369 && last == 0x312D_3935_3838_2D6F { return "iso-8859-1" }
            if first == 0x3935_3838_2D4F_5349 && last == 0x312D_3935_3838_2D4F { return "ISO-8859-1" }
        case 11:
            if first == 0x3232_3032_2D6F_7369 && last == 0x706A_2D32_3230_322D { return "iso-2022-jp" }
            if first == 0x3232_3032_2D4F_5349 && last == 0x504A_2D32_3230_322D { return "ISO-2022-JP" }
        case 15:
            if first == 0x7972_6576_696C_6564 && last == 0x7375_7461_7473_2D79 { return "delivery-status" }
        default:
            break
        }
        return nil
    }

    /// A name that is not a common one, lower-cased; nil when it holds a `*` (an RFC 2231 piece, maybe).
    private static func uncommonName(_ name: UnsafeBufferPointer<UInt8>) -> String? {
        name.contains(UInt8(ascii: "*")) ? nil : ASCII.lowercasedString(name)
    }

    /// Maximum parameters kept from one header. Default: 64 (more is a defect in hostile input).
    public static let maxParameters = 64

    /// Parses the parameter list that follows the value proper.
    /// - Parameter bytes: the bytes after the first `;` (or any `; a=b; c=d` text).
    /// - Returns: the parameters and whether anything had to be skipped as junk.
    package static func parse(_ bytes: ByteSlice) -> (HeaderParameters, malformed: Bool) {
        // Read through a buffer pointer: indexing the slice checked its bounds at every byte, and each
        // value and name was a slice to retain and release. Every index below is an offset into `buffer`
        // (`bytes.startIndex` is offset 0), guarded by `buffer.count`. (bsd.mbox x3, 2,515 lists:
        // 6.77M -> 5.47M with the entries' room made once, below.)
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    /// `parse(_:)` of bytes in place (`ContentType.parseInFull` reads a field's value where it lies).
    @inline(__always)
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> (HeaderParameters, malformed: Bool) {
        parse(buffer, direct: true) ?? parse(buffer, direct: false) ?? (HeaderParameters(), false)
    }

    /// `parse(_:)` over `buffer`. `direct`: each name's first value taken as it is read, no RFC 2231
    /// assembly; nil then when a name holds a `*` (it may be a piece: the caller reads the list again
    /// without `direct`). Never nil otherwise. A value that is not plain ASCII, and every piece read
    /// without `direct` (both rare), is copied out of the buffer into bytes of its own for the decoders,
    /// which take slices: the buffer needs no slice of the message made (a retain and a release) to be read.
    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, direct: Bool) -> (HeaderParameters, malformed: Bool)? {
        // Values are ranges of the input where nothing has to be undone (most are), new bytes otherwise.
        var raw: [(name: String, section: Int?, extended: Bool, value: ByteSlice)] = []
        var sectioned = false   // some name ends in `*` or `*N` (RFC 2231)
        var malformed = false
        var count = 0           // parameters read (repeats included)
        // Direct: while no name holds a `*`, none is an RFC 2231 piece: each name's first value is its
        // value (what the assembly below gives for unsectioned pieces), and the entries are made as the
        // parameters are read, without the pieces' array. (A `*` was looked for in all the bytes first,
        // values too: bsd.mbox x3, `firstIndex(ofByte:)` 0.17M for 2,515 lists; a common name has none.)
        var result = HeaderParameters()
        // Direct: the first two entries are kept here and the array made once at the end, with room for
        // just them (most lists have one or two); a third makes it with room for four. (Room for four
        // reserved at the first entry: bsd.mbox x3, `reserveCapacity` 0.60M for 2,378 lists; this way,
        // with the plain test below, parse 3.77M -> 3.55M. Two optional tuples instead of the four
        // Strings were copied and destroyed out of line: 3.94M.)
        var kept = 0
        var firstName = "", firstValue = "", secondName = "", secondValue = ""
        var i = 0
        let end = buffer.count
        // An empty list has no address to read from (and no parameter).
        guard let address = UnsafeRawPointer(buffer.baseAddress) else { return (HeaderParameters(), false) }
        let equalsLanes = SIMD16<UInt8>(repeating: ASCII.equals), semicolonLanes = SIMD16<UInt8>(repeating: ASCII.semicolon)
        let spaceLanes = SIMD16<UInt8>(repeating: ASCII.space)

        while i < end, count < maxParameters {
            // Blanks, line ends, `;` and comments before a name (RFC 2045 §5.1 allows RFC 822 comments
            // between tokens).
            while i < end {
                let byte = buffer[i]
                if ASCII.isWhitespaceOrNewline(byte) || byte == ASCII.semicolon {
                    i += 1
                } else if byte == ASCII.openParen {
                    var depth = 0
                    while i < end {
                        let c = buffer[i]
                        if c == ASCII.backslash { i += 2; continue }
                        if c == ASCII.openParen { depth += 1 }
                        if c == ASCII.closeParen { depth -= 1; if depth == 0 { i += 1; break } }
                        i += 1
                    }
                } else {
                    break
                }
            }
            guard i < end else { break }
            // name: up to '=' or ';'
            let nameStart = i
            // Sixteen bytes at a time to the first `=`, `;` or byte up to a space (all blanks and line
            // ends among them); the byte loop stops where it should.
            i = Self.firstMarkedOffset(address, from: i, end: end) {
                ($0 .== equalsLanes) .| ($0 .== semicolonLanes) .| ($0 .<= spaceLanes)
            }
            while i < end {
                let byte = buffer[i]
                if byte == ASCII.equals || byte == ASCII.semicolon || ASCII.isWhitespaceOrNewline(byte) { break }
                i += 1
            }
            let nameEnd = i
            while i < end, ASCII.isWhitespaceOrNewline(buffer[i]) { i += 1 }
            guard i < end, buffer[i] == ASCII.equals else {
                if nameEnd > nameStart { malformed = true }
                // Skip to the next ';'.
                while i < end, buffer[i] != ASCII.semicolon { i += 1 }
                continue
            }
            i += 1
            while i < end, ASCII.isWhitespaceOrNewline(buffer[i]) { i += 1 }
            // The value: `buffer[valueStart..<valueEnd]`, or `copy` when something had to be undone.
            var valueStart = i
            var valueEnd = i
            var copy: [UInt8]? = nil
            // Whether the value read in place is `isPlainASCII`, when its scan below told (quoted values).
            var plain: Bool? = nil
            if i < end, buffer[i] == ASCII.quote {
                i += 1
                var closed = false
                // The plain run up to the closing quote is taken in place; only a quoted-pair or a
                // line end inside makes a copy, from there on.
                valueStart = i
                // Sixteen bytes at a time while none is `"`, `\`, CR or LF (SSE2 compares of vectors of
                // a concrete type, as `JSONWriter.escapeMarks`): most quoted values are boundaries of
                // 30 to 70 bytes. The byte loop below stops at the marked byte, or reads the tail.
                // (With the eight-byte `isPlainASCII`, bsd.mbox x3: parse 5.47M -> 4.64M incl.)
                // A `?` or a byte with its high bit stops the blocks too: the byte loop notes it, and a
                // value closed with no such byte is `isPlainASCII` without a second pass over it
                // (bsd.mbox x3: `isPlainASCII` 0.41M -> 0.17M, 3,548 calls -> 1,692, the tokens).
                var odd = false   // a `?` or a byte >= 0x80 read
                let quoteLanes = SIMD16<UInt8>(repeating: ASCII.quote), backslashLanes = SIMD16<UInt8>(repeating: ASCII.backslash)
                let returnLanes = SIMD16<UInt8>(repeating: ASCII.carriageReturn), feedLanes = SIMD16<UInt8>(repeating: ASCII.lineFeed)
                let questionLanes = SIMD16<UInt8>(repeating: UInt8(ascii: "?")), highLanes = SIMD16<UInt8>(repeating: 0x80)
                i = Self.firstMarkedOffset(address, from: i, end: end) { block in
                    (block .== quoteLanes) .| (block .== backslashLanes) .| (block .== returnLanes)
                        .| (block .== feedLanes) .| (block .== questionLanes) .| (block .>= highLanes)
                }
                while i < end {
                    let byte = buffer[i]
                    if byte == ASCII.quote || byte == ASCII.backslash || byte == ASCII.carriageReturn
                        || byte == ASCII.lineFeed { break }
                    if byte >= 0x80 || byte == UInt8(ascii: "?") { odd = true }
                    i += 1
                }
                if i < end, buffer[i] == ASCII.quote {
                    valueEnd = i
                    closed = true
                    plain = !odd
                    i += 1
                } else {
                    var bytesOut = Array(UnsafeBufferPointer(rebasing: buffer[valueStart..<i]))
                    while i < end {
                        let byte = buffer[i]
                        if byte == ASCII.backslash, i + 1 < end {
                            bytesOut.append(buffer[i + 1])
                            i += 2
                            continue
                        }
                        if byte == ASCII.quote { closed = true; i += 1; break }
                        if byte != ASCII.carriageReturn && byte != ASCII.lineFeed { bytesOut.append(byte) }
                        i += 1
                    }
                    copy = bytesOut
                }
                if !closed { malformed = true }
                // Junk after the closing quote up to ';' is dropped.
                while i < end, buffer[i] != ASCII.semicolon {
                    if !ASCII.isWhitespaceOrNewline(buffer[i]) { malformed = true }
                    i += 1
                }
            } else {
                // A token; broken mailers put spaces in unquoted values, so read up to ';' and trim.
                i = Self.firstMarkedOffset(address, from: i, end: end) { $0 .== semicolonLanes }
                while i < end, buffer[i] != ASCII.semicolon { i += 1 }
                valueEnd = i
                while valueStart < valueEnd, ASCII.isWhitespaceOrNewline(buffer[valueStart]) { valueStart += 1 }
                while valueEnd > valueStart, ASCII.isWhitespaceOrNewline(buffer[valueEnd - 1]) { valueEnd -= 1 }
            }
            count += 1
            if direct {
                let nameBytes = UnsafeBufferPointer(rebasing: buffer[nameStart..<nameEnd])
                guard let name = Self.commonName(nameBytes) ?? uncommonName(nameBytes) else { return nil }
                let repeated = kept > 0 && (firstName == name || (kept > 1 && (secondName == name
                    || (kept > 2 && result.entries.contains(where: { $0.name == name })))))
                if !repeated {
                    let value: String
                    if let copy {
                        value = decodeValue(copy[...], extended: false, first: true)
                    } else {
                        // A plain value's String is made from the bytes in place (see `decodeValue`), not
                        // validated again: plain bytes are ASCII (`isPlainASCII`, or the quoted value's
                        // scan); any other goes to the decoder as a slice.
                        let valueBytes = UnsafeBufferPointer(rebasing: buffer[valueStart..<valueEnd])
                        value = (plain ?? isPlainASCII(valueBytes))
                            ? Self.commonValue(valueBytes) ?? UncheckedUTF8.asciiString(valueBytes)
                            : TextDecoding.decodeHeaderText(Array(UnsafeBufferPointer(rebasing: buffer[valueStart..<valueEnd]))[...])
                    }
                    kept += 1
                    switch kept {
                    case 1:
                        (firstName, firstValue) = (name, value)
                    case 2:
                        (secondName, secondValue) = (name, value)
                    case 3:
                        // Room for four (growing an array of one again cost more: bsd.mbox x3, 1.46M for
                        // 3,548 appends).
                        result.entries.reserveCapacity(4)
                        result.entries.append(Parameter(name: firstName, value: firstValue))
                        result.entries.append(Parameter(name: secondName, value: secondValue))
                        result.entries.append(Parameter(name: name, value: value))
                    default:
                        result.entries.append(Parameter(name: name, value: value))
                    }
                }
                continue
            }
            let value = (copy ?? Array(UnsafeBufferPointer(rebasing: buffer[valueStart..<valueEnd])))[...]
            var nameBytes = Array(UnsafeBufferPointer(rebasing: buffer[nameStart..<nameEnd]))[...]
            // RFC 2231 §3, §4: name*N, name*N*, name*
            var section: Int?
            var extended = false
            if nameBytes.last == UInt8(ascii: "*") {
                extended = true
                nameBytes = nameBytes.dropLast()
            }
            if let star = nameBytes.lastIndex(of: UInt8(ascii: "*")) {
                let digits = nameBytes[(star + 1)...]
                if !digits.isEmpty, digits.count <= 3, digits.allSatisfy(ASCII.isDigit) {
                    section = digits.reduce(0) { $0 * 10 + Int($1 - ASCII.zero) }
                    nameBytes = nameBytes[..<star]
                }
            }
            if extended || section != nil { sectioned = true }
            raw.append((ASCII.lowercasedString(nameBytes), section, extended, value))
        }
        if i < end { malformed = true }
        if direct {
            switch kept {
            case 1: result.entries = [Parameter(name: firstName, value: firstValue)]
            case 2: result.entries = [Parameter(name: firstName, value: firstValue), Parameter(name: secondName, value: secondValue)]
            default: break
            }
            return (result, malformed)
        }

        if !sectioned {
            // No RFC 2231 pieces: each name's first value is its value (what the assembly below gives
            // for unsectioned pieces), without its filters.
            result.entries.reserveCapacity(raw.count)
            for entry in raw where !result.entries.contains(where: { $0.name == entry.name }) {
                result.entries.append(Parameter(name: entry.name, value: decodeValue(entry.value, extended: false, first: true)))
            }
            return (result, malformed)
        }

        // Assemble: continuations joined in section order; the charset comes from section 0 (RFC 2231 §4.1).
        // Each name is assembled once, at its first appearance; a name is done exactly when `result`
        // has it (every branch below appends it), so no separate set is kept (at most 64 names).
        for entry in raw where !result.entries.contains(where: { $0.name == entry.name }) {
            let pieces = raw.filter { $0.name == entry.name }
            if pieces.count == 1 && pieces[0].section == nil {
                result.entries.append(Parameter(name: entry.name, value: decodeValue(pieces[0].value, extended: pieces[0].extended, first: true)))
                continue
            }
            let ordered = pieces.filter { $0.section != nil }.sorted { ($0.section ?? 0) < ($1.section ?? 0) }
            let unsectioned = pieces.first { $0.section == nil }
            if ordered.isEmpty, let unsectioned {
                result.entries.append(Parameter(name: entry.name, value: decodeValue(unsectioned.value, extended: unsectioned.extended, first: true)))
                continue
            }
            var charset: String?
            var bytesOut: [UInt8] = []
            for (index, piece) in ordered.enumerated() {
                if piece.extended {
                    var valueBytes = piece.value
                    if index == 0 {
                        let (cs, rest) = splitCharsetAndLanguage(valueBytes)
                        charset = cs
                        valueBytes = rest
                    }
                    bytesOut.append(contentsOf: percentDecode(valueBytes))
                } else {
                    bytesOut.append(contentsOf: piece.value)
                }
            }
            result.entries.append(Parameter(name: entry.name, value: TextDecoding.decode(bytesOut[...], charset: charset)))
        }
        return (result, malformed)
    }

    /// The offset of the first byte at or after `from` in `base[0 ..< end]` that `marked` marks, or `end`:
    /// sixteen bytes at a time, and the bytes left after the last whole block read in one more block that
    /// ends at `end` (overlapping bytes already read; its lanes before `from` not counted). A buffer of
    /// fewer than sixteen bytes is not read: the offset returned is then where its unread bytes start.
    /// `marked` may mark bytes the caller's byte loop, which reads on from the offset returned, does not
    /// stop at, never the other way round. (The name, token and quoted-value scans byte by byte, and
    /// a quoted value's tail after its blocks: bsd.mbox x3, `parse` ~8 instructions a name byte.)
    @inline(__always)
    static func firstMarkedOffset(_ base: UnsafeRawPointer, from: Int, end: Int,
                                  _ marked: (SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>>) -> Int {
        var i = from
        while i &+ 16 <= end {
            if let lane = ByteLanes.firstMarked(marked(base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self))) {
                return i &+ lane
            }
            i &+= 16
        }
        guard i < end, end >= 16 else { return i }
        let start = end &- 16
        let mask = unsafeBitCast(marked(base.loadUnaligned(fromByteOffset: start, as: SIMD16<UInt8>.self)), to: SIMD2<UInt64>.self)
        // 1 to 15 lanes were read before (`i + 16 > end`).
        let skipBits = (i &- start) &* 8
        var low = UInt64(littleEndian: mask[0]), high = UInt64(littleEndian: mask[1])
        if skipBits < 64 {
            low &= ~0 &<< skipBits
        } else {
            low = 0
            high &= ~0 &<< (skipBits &- 64)
        }
        if low != 0 { return start &+ low.trailingZeroBitCount &>> 3 }
        if high != 0 { return start &+ 8 &+ high.trailingZeroBitCount &>> 3 }
        return end
    }

    /// RFC 2231 §4: `charset'language'percent-encoded`.
    private static func decodeValue(_ value: ByteSlice, extended: Bool, first: Bool) -> String {
        guard extended else {
            // 7-bit bytes without `?`, CR or LF hold no encoded word and are valid UTF-8: what
            // `decodeHeaderText` gives for them is their String, made here without its two passes
            // (`EncodedWords.isPlain`, then `CharsetDecoder.validUTF8`'s comparison): bsd.mbox x3,
            // 3,548 values, `EncodedWords.decode` 1.88M.
            if isPlainASCII(value) { return String(decoding: value, as: UTF8.self) }
            // Some mailers put RFC 2047 words in parameters (not allowed, RFC 2047 §5, but common).
            return TextDecoding.decodeHeaderText(value)
        }
        let (charset, rest) = splitCharsetAndLanguage(value)
        return TextDecoding.decode(percentDecode(rest)[...], charset: charset)
    }

    /// Whether every byte of `value` is below 0x80 and none is `?`, CR or LF.
    static func isPlainASCII(_ value: ByteSlice) -> Bool {
        value.withUnsafeBufferPointer(isPlainASCII)
    }

    /// `isPlainASCII` of bytes in place.
    static func isPlainASCII(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let count = buffer.count
        // Eight bytes at a time: no high bit, and none of the three bytes (`ByteWord.hasAnyByte`, exact
        // for "some byte is"), then the tail byte by byte.
        if let base = UnsafeRawPointer(buffer.baseAddress) {
            while i + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if word & ByteWord.highs != 0
                    || ByteWord.hasAnyByte(word, UInt8(ascii: "?"), ASCII.carriageReturn, ASCII.lineFeed, ASCII.lineFeed)
                { return false }
                i += 8
            }
        }
        while i < count {
            let b = buffer[i]
            if b >= 0x80 || b == UInt8(ascii: "?") || b == ASCII.carriageReturn || b == ASCII.lineFeed { return false }
            i += 1
        }
        return true
    }

    private static func splitCharsetAndLanguage(_ value: ByteSlice) -> (String?, ByteSlice) {
        guard let firstQuote = value.firstIndex(of: UInt8(ascii: "'")) else { return (nil, value) }
        let afterFirst = value[(firstQuote + 1)...]
        guard let secondQuote = afterFirst.firstIndex(of: UInt8(ascii: "'")) else { return (nil, value) }
        let charset = value[value.startIndex..<firstQuote].utf8String
        return (charset.isEmpty ? nil : charset, value[(secondQuote + 1)...])
    }

    private static func percentDecode(_ value: ByteSlice) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        var i = value.startIndex
        while i < value.endIndex {
            let byte = value[i]
            if byte == UInt8(ascii: "%"), i + 2 < value.endIndex,
               let high = hexValue(value[i + 1]), let low = hexValue(value[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(byte)
                i += 1
            }
        }
        return out
    }
}

/// The value of one hexadecimal digit, either case.
@inline(__always) package func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case ASCII.zero...ASCII.nine: return byte - ASCII.zero
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}
