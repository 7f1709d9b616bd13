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
