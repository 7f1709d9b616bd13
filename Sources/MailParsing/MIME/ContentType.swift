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
        var i = value.startIndex
        let end = value.endIndex
        while i < end, ASCII.isWhitespaceOrNewline(value[i]) { i += 1 }
        let typeStart = i
        while i < end, value[i] != ASCII.slash, value[i] != ASCII.semicolon, !ASCII.isWhitespaceOrNewline(value[i]) { i += 1 }
        let typeBytes = value[typeStart..<i]
        while i < end, ASCII.isWhitespace(value[i]) { i += 1 }
        guard i < end, value[i] == ASCII.slash, !typeBytes.isEmpty else { return nil }
        i += 1
        while i < end, ASCII.isWhitespace(value[i]) { i += 1 }
        let subtypeStart = i
        while i < end, value[i] != ASCII.semicolon, value[i] != ASCII.openParen, !ASCII.isWhitespaceOrNewline(value[i]) { i += 1 }
        let subtypeBytes = value[subtypeStart..<i]
        guard !subtypeBytes.isEmpty else { return nil }
        var malformed = false
        while i < end, ASCII.isWhitespaceOrNewline(value[i]) { i += 1 }
        // Parameters after the subtype with no `;` (`multipart/mixed boundary="x"`, a folded line that lost
        // its semicolon: stalwart eml/malformed/017) are read anyway, and recorded as malformed.
        if i < end, value[i] != ASCII.semicolon, value[i] != ASCII.openParen { malformed = true }
        let (parameters, paramsMalformed) = HeaderParameters.parse(value[i...])
        let type = ContentType(
            type: lowercasedName(typeBytes),
            subtype: lowercasedName(subtypeBytes),
            parameters: parameters, isDefaulted: false)
        return (type, malformed || paramsMalformed)
    }
}

extension ContentType {
    /// The common types and subtypes (`lowercasedName` gives them as these literals).
    static let commonNames = KnownNames([
        "text", "html", "plain", "mixed", "report", "rfc822", "message", "related", "multipart",
        "alternative", "application", "rfc822-headers", "delivery-status",
    ])

    /// The whole values most Content-Type fields of bounces hold, byte for byte, each with what
    /// `parseInFull` gives for it (made from the literal at first use, so the two cannot disagree).
    /// Counted in sisimai bsd.mbox (2,399 fields): message/delivery-status 311, message/rfc822 308,
    /// text/plain; charset=us-ascii 244, the UTF-8 spellings 178, text/plain 65, ISO-2022-JP 73, ...
    static let commonValues = CommonValues([
        "message/delivery-status", "message/rfc822", "text/plain", "text/rfc822-headers", "text/html",
        "text/plain; charset=us-ascii", "text/plain; charset=\"us-ascii\"", "text/plain; charset=\"US-ASCII\"",
        "text/plain; charset=UTF-8", "text/plain; charset=utf-8", "text/plain; charset=\"UTF-8\"",
        "text/plain; charset=\"utf-8\"", "text/plain; charset=ISO-2022-JP", "text/plain; charset=\"iso-2022-jp\"",
        "text/plain; charset=\"ISO-2022-JP\"", "text/html; charset=utf-8", "text/html; charset=UTF-8",
        "text/html; charset=\"utf-8\"", "text/html; charset=\"UTF-8\"",
    ])

    /// Whole Content-Type values and their parsed types, kept apart: the bytes of all in one array and
    /// where each lies, so that looking one up touches no String or array of the types (a loop over
    /// an array of (bytes, type) pairs retained and released the pair's five references at every step:
    /// bsd.mbox x3, 12.4M for 6,300 lookups).
    struct CommonValues: Sendable {
        /// The values' bytes, one after another.
        let bytes: [UInt8]
        /// Where each value lies in `bytes`.
        let spans: [Range<Int>]
        /// What `parseInFull` gives for each value, in the same order.
        let types: [ContentType]

        /// The table of `values`; a value that `parseInFull` rejects or finds malformed is left out.
        init(_ values: [String]) {
            var bytes: [UInt8] = []
            var spans: [Range<Int>] = []
            var types: [ContentType] = []
            for value in values {
                let valueBytes = Array(value.utf8)
                guard let (type, malformed) = ContentType.parseInFull(valueBytes[...]), !malformed else { continue }
                spans.append(bytes.count..<(bytes.count + valueBytes.count))
                bytes.append(contentsOf: valueBytes)
                types.append(type)
            }
            self.bytes = bytes
            self.spans = spans
            self.types = types
        }

        /// The index of the value equal to `p[0..<count]`, or nil.
        @inline(__always)
        func index(of p: UnsafePointer<UInt8>, count: Int) -> Int? {
            bytes.withUnsafeBufferPointer { all -> Int? in
                guard let base = all.baseAddress else { return nil }
                return spans.withUnsafeBufferPointer { spans -> Int? in
                    for index in spans.indices where spans[index].count == count {
                        if memcmp(base + spans[index].lowerBound, p, count) == 0 { return index }
                    }
                    return nil
                }
            }
        }
    }

    /// The prepared result when `value`, without the blanks and line ends around it, is one of
    /// `commonValues` byte for byte; nil otherwise. Blanks and line ends at either end change nothing
    /// that `parseInFull` reads: it skips them before the type, after the subtype and around parameters.
    ///
    /// (bsd.mbox x3: `ContentType.parse` 12.7M over 6,300 values, ~2,000 instructions each, most of it
    /// the parameter list's array, its value's String and the two names' lookups.)
    static func commonValue(_ value: ByteSlice) -> ContentType? {
        let table = commonValues
        let found = value.withUnsafeBufferPointer { buffer -> Int? in
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
            return table.index(of: p + start, count: count)
        }
        guard let found else { return nil }
        return table.types[found]
    }

    /// A type or subtype lower-cased: the common names as the literals they equal (no String made;
    /// `KnownNames`), others by `ASCII.lowercasedString`.
    static func lowercasedName(_ bytes: ByteSlice) -> String {
        commonNames.match(bytes) ?? ASCII.lowercasedString(bytes)
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
