#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed Content-Type (RFC 2045 §5.1): type and subtype lower-cased, with parameters.
public struct ContentType: Sendable, Hashable {
    /// The top-level type, lower-cased: `text`, `multipart`, `message`, ...
    public var type: String
    /// The subtype, lower-cased: `plain`, `report`, `rfc822`, `delivery-status`, ...
    public var subtype: String
    /// The parameters (`boundary`, `charset`, `report-type`, ...).
    public var parameters: HeaderParameters
    /// Whether the field was missing or broken and the default was used (RFC 2045 §5.2).
    public var isDefaulted: Bool

    /// `type/subtype`.
    public var mimeType: String { type + "/" + subtype }
    /// The `boundary` parameter of a multipart.
    public var boundary: String? { parameters["boundary"] }
    /// The `charset` parameter.
    public var charset: String? { parameters["charset"] }
    /// The value of the parameter named `lowercaseName`.
    public func parameter(_ lowercaseName: String) -> String? { parameters[lowercaseName] }
    /// Whether this is `type/subtype` (both lower case).
    public func `is`(_ type: String, _ subtype: String) -> Bool { self.type == type && self.subtype == subtype }

    /// RFC 2045 §5.2: `text/plain; charset=us-ascii`.
    public static let textPlain = ContentType(type: "text", subtype: "plain", parameters: HeaderParameters(), isDefaulted: true)
    /// RFC 2046 §5.1.5: the default inside multipart/digest.
    public static let messageRFC822 = ContentType(type: "message", subtype: "rfc822", parameters: HeaderParameters(), isDefaulted: true)

    /// Creates a content type from its parts.
    public init(type: String, subtype: String, parameters: HeaderParameters = HeaderParameters(), isDefaulted: Bool = false) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
        self.isDefaulted = isDefaulted
    }

    /// Parses an unfolded Content-Type value; nil when there is no `type/subtype` to be found.
    /// - Returns: the content type and whether its parameter list was malformed.
    package static func parse(_ value: ByteSlice) -> (ContentType, malformed: Bool)? {
        if let common = commonValue(value) { return (common, false) }
        return parseInFull(value)
    }

    /// `parse` without the table of common values: the type, subtype and parameters read from the bytes.
    static func parseInFull(_ value: ByteSlice) -> (ContentType, malformed: Bool)? {
        value.withUnsafeBufferPointer { parseInFull($0) }
    }

    /// `parseInFull(_:)` of bytes in place, read by offsets: a field's value where it lies in its
    /// section (`MIMEParser.contentType(of:at:defects:)`), where it was made a slice, indexed with a
    /// bounds check at every byte, and its names and parameters opened again each.
    static func parseInFull(_ buffer: UnsafeBufferPointer<UInt8>) -> (ContentType, malformed: Bool)? {
        var i = 0
        let end = buffer.count
        while i < end, ASCII.isWhitespaceOrNewline(buffer[i]) { i &+= 1 }
        let typeStart = i
        while i < end, buffer[i] != ASCII.slash, buffer[i] != ASCII.semicolon, !ASCII.isWhitespaceOrNewline(buffer[i]) { i &+= 1 }
        let typeEnd = i
        while i < end, ASCII.isWhitespace(buffer[i]) { i &+= 1 }
        guard i < end, buffer[i] == ASCII.slash, typeEnd > typeStart else { return nil }
        i &+= 1
        while i < end, ASCII.isWhitespace(buffer[i]) { i &+= 1 }
        let subtypeStart = i
        while i < end, buffer[i] != ASCII.semicolon, buffer[i] != ASCII.openParen, !ASCII.isWhitespaceOrNewline(buffer[i]) { i &+= 1 }
        let subtypeEnd = i
        guard subtypeEnd > subtypeStart else { return nil }
        var malformed = false
        while i < end, ASCII.isWhitespaceOrNewline(buffer[i]) { i &+= 1 }
        // Parameters after the subtype with no `;` (`multipart/mixed boundary="x"`, a folded line that lost
        // its semicolon: stalwart eml/malformed/017) are read anyway, and recorded as malformed.
        if i < end, buffer[i] != ASCII.semicolon, buffer[i] != ASCII.openParen { malformed = true }
        let (parameters, paramsMalformed) = HeaderParameters.parse(UnsafeBufferPointer(rebasing: buffer[i...]))
        let type = ContentType(
            type: lowercasedName(UnsafeBufferPointer(rebasing: buffer[typeStart..<typeEnd])),
            subtype: lowercasedName(UnsafeBufferPointer(rebasing: buffer[subtypeStart..<subtypeEnd])),
            parameters: parameters, isDefaulted: false)
        return (type, malformed || paramsMalformed)
    }
}

extension ContentType {
    /// The whole values most Content-Type fields of bounces hold, byte for byte, each with what
    /// `parseInFull` gives for it (made from the literal at first use, so the two cannot disagree).
    /// Counted in sisimai bsd.mbox (2,399 fields): message/delivery-status 311, message/rfc822 308,
    /// text/plain; charset=us-ascii 244, the UTF-8 spellings 178, text/plain 65, ISO-2022-JP 73, ...
    /// The second group, the unfolded values most common after those (bsd.mbox: 108 fields; each parsed
    /// in full cost ~1,000 instructions with its parameter list's array made and freed: bsd.mbox x3,
    /// Main.main 246.68M -> 246.36M): iso-2022-jp
    /// 21, `text/plain;` 13, message/feedback-report (RFC 5965) 13, the ISO-8859-1 and quoted us-ascii
    /// spellings 46, the quoted iso-2022-jp HTML 9, US-ASCII flowed 7, `charset=UTF-8;` 6.
    static let commonValues = CommonValues([
        "message/delivery-status", "message/rfc822", "text/plain", "text/rfc822-headers", "text/html",
        "text/plain; charset=us-ascii", "text/plain; charset=\"us-ascii\"", "text/plain; charset=\"US-ASCII\"",
        "text/plain; charset=UTF-8", "text/plain; charset=utf-8", "text/plain; charset=\"UTF-8\"",
        "text/plain; charset=\"utf-8\"", "text/plain; charset=ISO-2022-JP", "text/plain; charset=\"iso-2022-jp\"",
        "text/plain; charset=\"ISO-2022-JP\"", "text/html; charset=utf-8", "text/html; charset=UTF-8",
        "text/html; charset=\"utf-8\"", "text/html; charset=\"UTF-8\"",
        "text/plain; charset=iso-2022-jp", "text/plain;", "message/feedback-report",
        "text/plain; charset=\"iso-8859-1\"", "text/plain; charset=ISO-8859-1", "text/html; charset=\"iso-8859-1\"",
        "text/html; charset=\"us-ascii\"", "text/html; charset=\"iso-2022-jp\"",
        "text/plain; charset=US-ASCII; format=flowed", "text/plain; charset=UTF-8;",
    ])

    /// Whole Content-Type values and their parsed types, kept apart: the bytes of all in one array and
    /// where each lies, so that looking one up touches no String or array of the types (a loop over
    /// an array of (bytes, type) pairs retained and released the pair's five references at every step:
    /// bsd.mbox x3, 12.4M for 6,300 lookups). The values are kept shortest first, with where each length
    /// starts and each value's last eight bytes, so that a lookup compares only the values of its length
    /// and calls `memcmp` only for the one whose last word is the same. (A loop over all the values'
    /// lengths, `memcmp` for each of the same length: `commonValue` 1.88M for the 6,300 lookups.)
    struct CommonValues: Sendable {
        /// The values' bytes, one after another.
        let bytes: [UInt8]
        /// Where each value lies in `bytes`, shortest first.
        let spans: [Range<Int>]
        /// Each value's last eight bytes as a word (every value has at least nine), in the same order.
        let lastWords: [UInt64]
        /// The values of `n` bytes are those from `firstOfLength[n]` to before `firstOfLength[n + 1]`,
        /// for `n` up to the longest value's length.
        let firstOfLength: [Int]
        /// What `parseInFull` gives for each value, in the same order.
        let types: [ContentType]

        /// The table of `values`; a value that `parseInFull` rejects or finds malformed, or shorter
        /// than nine bytes (`commonValue` never looks for one), is left out.
        init(_ values: [String]) {
            var kept: [[UInt8]] = []
            var keptTypes: [ContentType] = []
            var lengths: [Int] = []
            for value in values {
                let valueBytes = Array(value.utf8)
                guard valueBytes.count >= 9, let (type, malformed) = ContentType.parseInFull(valueBytes[...]), !malformed
                else { continue }
                kept.append(valueBytes)
                keptTypes.append(type)
                lengths.append(valueBytes.count)
            }
            // Shortest first; values of one length in the order given.
            let order = lengths.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
            var bytes: [UInt8] = []
            var spans: [Range<Int>] = []
            var lastWords: [UInt64] = []
            var types: [ContentType] = []
            var firstOfLength: [Int] = []
            for index in order {
                while firstOfLength.count <= lengths[index] { firstOfLength.append(spans.count) }
                spans.append(bytes.count..<(bytes.count + lengths[index]))
                bytes.append(contentsOf: kept[index])
                lastWords.append(kept[index].suffix(8).reversed().reduce(0) { $0 << 8 | UInt64($1) })
                types.append(keptTypes[index])
            }
            firstOfLength.append(spans.count)   // the end of the longest values
            self.bytes = bytes
            self.spans = spans
            self.lastWords = lastWords
            self.firstOfLength = firstOfLength
            self.types = types
        }

        /// The index of the value equal to `p[0..<count]`, or nil.
        @inline(__always)
        func index(of p: UnsafePointer<UInt8>, count: Int) -> Int? {
            // Lengths 0...8 hold no value (`init`), and those past the longest are not in `firstOfLength`.
            guard count >= 9, count < firstOfLength.count &- 1 else { return nil }
            let lastWord = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
            var index = firstOfLength[count]
            let end = firstOfLength[count &+ 1]
            while index < end {
                if lastWords[index] == lastWord {
                    let found = bytes.withUnsafeBufferPointer { all -> Bool in
                        guard let base = all.baseAddress else { return false }
                        return memcmp(base + spans[index].lowerBound, p, count) == 0
                    }
                    if found { return index }
                }
                index &+= 1
            }
            return nil
        }
    }

    /// The prepared result when `value`, without the blanks and line ends around it, is one of
    /// `commonValues` byte for byte; nil otherwise. Blanks and line ends at either end change nothing
    /// that `parseInFull` reads: it skips them before the type, after the subtype and around parameters.
    ///
    /// (bsd.mbox x3: `ContentType.parse` 12.7M over 6,300 values, ~2,000 instructions each, most of it
    /// the parameter list's array, its value's String and the two names' lookups.)
    static func commonValue(_ value: ByteSlice) -> ContentType? {
        value.withUnsafeBufferPointer { commonValue($0) }
    }

    /// `commonValue(_:)` of the bytes in `buffer`, for a reader that holds them in place.
    static func commonValue(_ buffer: UnsafeBufferPointer<UInt8>) -> ContentType? {
        guard let p = buffer.baseAddress else { return nil }
        var start = 0
        var end = buffer.count
        while start < end, ASCII.isWhitespaceOrNewline(p[start]) { start &+= 1 }
        while end > start, ASCII.isWhitespaceOrNewline(p[end &- 1]) { end &-= 1 }
        let count = end &- start
        // Every common value is ASCII of at least 9 bytes ("text/html"), and starts with 't' or 'm'.
        guard count >= 9 else { return nil }
        let first = p[start]
        guard first == UInt8(ascii: "t") || first == UInt8(ascii: "m") else { return nil }
        let table = commonValues
        guard let found = table.index(of: p + start, count: count) else { return nil }
        return table.types[found]
    }

    /// A type or subtype lower-cased: the common names as the literals they equal (no String made;
    /// `commonName`), others by `ASCII.lowercasedString`.
    static func lowercasedName(_ bytes: ByteSlice) -> String {
        bytes.withUnsafeBufferPointer { lowercasedName($0) }
    }

    /// `lowercasedName(_:)` of bytes in place.
    @inline(__always)
    static func lowercasedName(_ buffer: UnsafeBufferPointer<UInt8>) -> String {
        commonName(buffer) ?? ASCII.lowercasedString(buffer)
    }

    /// The common type or subtype that `name` spells in any case, as a literal, or nil: its length,
    /// then its `ShortNameKey` against the names' keys. (The former `KnownNames`, now the tests' reference, a loop over a table of thirteen
    /// names with its first use checked at every call: bsd.mbox x3, `lowercasedName` 0.77M for 5,030 names.)
    static func commonName(_ name: UnsafeBufferPointer<UInt8>) -> String? {
        guard let key = ShortNameKey(name) else { return nil }
        switch name.count {
        case 4:
            if key == ShortNameKey(0x7478_6574_7478_6574) { return "text" }
            if key == ShortNameKey(0x6C6D_7468_6C6D_7468) { return "html" }
        case 5:
            if key == ShortNameKey(0x6E69_616C_6961_6C70) { return "plain" }
            if key == ShortNameKey(0x6465_7869_6578_696D) { return "mixed" }
        case 6:
            if key == ShortNameKey(0x7472_6F70_6F70_6572) { return "report" }
            if key == ShortNameKey(0x3232_3863_3863_6672) { return "rfc822" }
        case 7:
            if key == ShortNameKey(0x6567_6173_7373_656D) { return "message" }
            if key == ShortNameKey(0x6465_7461_616C_6572) { return "related" }
        case 9:
            if key == ShortNameKey(0x7261_7069_746C_756D, 0x7472_6170_6974_6C75) { return "multipart" }
        case 11:
            if key == ShortNameKey(0x7461_6E72_6574_6C61, 0x6576_6974_616E_7265) { return "alternative" }
            if key == ShortNameKey(0x7461_6369_6C70_7061, 0x6E6F_6974_6163_696C) { return "application" }
        case 14:
            if key == ShortNameKey(0x682D_3232_3863_6672, 0x7372_6564_6165_682D) { return "rfc822-headers" }
        case 15:
            if key == ShortNameKey(0x7972_6576_696C_6564, 0x7375_7461_7473_2D79) { return "delivery-status" }
        default:
            break
        }
        return nil
    }
}

/// A name of 4 to 16 bytes as two little-endian words, ASCII letters lower-cased (`ByteWord.lowercased`),
/// to compare with the key of a known lower-case name of the same length: the first four bytes and the
/// last four (overlapping) of a name under eight bytes, in one word; the first eight and the last eight of
/// a longer one. The words cover every byte of the name, so keys of names of one length are equal exactly
/// when each byte lower-cases to the other's (only `A`-`Z` change, into `a`-`z`).
struct ShortNameKey: Equatable {
    /// The first word.
    let first: UInt64
    /// The second word (0 under eight bytes).
    let second: UInt64

    /// A known name's key, written out (the tests check each against the name's bytes).
    init(_ first: UInt64, _ second: UInt64 = 0) {
        self.first = first
        self.second = second
    }

    /// The key of `name`; nil when it is shorter than 4 bytes or longer than 16.
    @inline(__always)
    init?(_ name: UnsafeBufferPointer<UInt8>) {
        let count = name.count
        guard count >= 4, count <= 16, let base = name.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        if count < 8 {
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)))
            first = ByteWord.lowercased(low | high &<< 32)
            second = 0
        } else {
            first = ByteWord.lowercased(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)))
            second = ByteWord.lowercased(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)))
        }
    }
}

/// A parsed Content-Disposition (RFC 2183): `inline` or `attachment` with parameters.
public struct ContentDisposition: Sendable, Hashable {
    /// The disposition type, lower-cased.
    public var type: String
    /// The parameters (`filename`, ...).
    public var parameters: HeaderParameters
    /// The `filename` parameter, decoded.
    public var filename: String? { parameters["filename"] }

    /// Parses an unfolded Content-Disposition value.
    public static func parse(_ value: ByteSlice) -> ContentDisposition {
        let trimmed = value.trimmingWhitespace()
        let semicolon = trimmed.firstIndex(ofByte: ASCII.semicolon) ?? trimmed.endIndex
        let type = String(decoding: trimmed[trimmed.startIndex..<semicolon].trimmingWhitespace().map(ASCII.lowercased), as: UTF8.self)
        let (parameters, _) = HeaderParameters.parse(trimmed[semicolon...])
        return ContentDisposition(type: type, parameters: parameters)
    }
}
