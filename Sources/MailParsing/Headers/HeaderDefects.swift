/// Faults tolerated while reading a header section (RFC 5322 §2.2, §3.6; Postfix `is_header.c` spirit).
public struct HeaderDefects: OptionSet, Sendable, Hashable, NamedDefects {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// White space between a field name and its colon (RFC 5322 §4.5 obsolete syntax).
    public static let spaceBeforeColon = HeaderDefects(rawValue: 1 << 0)
    /// Bytes with the high bit set in a header (RFC 6532 allows UTF-8; anything else is junk).
    public static let eightBitBytes = HeaderDefects(rawValue: 1 << 1)
    /// NUL bytes in the header section.
    public static let nulBytes = HeaderDefects(rawValue: 1 << 2)
    /// A line that is neither a field nor a continuation ended the header section with no blank line.
    public static let missingBlankLine = HeaderDefects(rawValue: 1 << 3)
    /// End of input inside the header section (no body).
    public static let truncatedHeaderSection = HeaderDefects(rawValue: 1 << 4)
    /// A continuation line before any field.
    public static let leadingContinuation = HeaderDefects(rawValue: 1 << 5)
    /// The header section exceeded `ParsingLimits.maxHeaderBytes`.
    public static let headerTooLong = HeaderDefects(rawValue: 1 << 6)
    /// More fields than `ParsingLimits.maxHeaderFields`.
    public static let tooManyFields = HeaderDefects(rawValue: 1 << 7)
    /// A field value longer than `ParsingLimits.maxFieldBytes` was cut when unfolded.
    public static let fieldTooLong = HeaderDefects(rawValue: 1 << 8)
    /// A mbox From_ line at the top of the message was skipped.
    public static let envelopeLineInHeader = HeaderDefects(rawValue: 1 << 9)
    /// A field name with bytes RFC 5322 §3.6.8 does not allow.
    public static let invalidFieldName = HeaderDefects(rawValue: 1 << 10)
    /// A field with an empty name (a line starting with a colon).
    public static let emptyFieldName = HeaderDefects(rawValue: 1 << 11)

    package static let named: [(HeaderDefects, String)] = [
        (.spaceBeforeColon, "header-space-before-colon"), (.eightBitBytes, "header-8bit"),
        (.nulBytes, "header-nul"), (.missingBlankLine, "header-missing-blank-line"),
        (.truncatedHeaderSection, "header-truncated"), (.leadingContinuation, "header-leading-continuation"),
        (.headerTooLong, "header-too-long"), (.tooManyFields, "header-too-many-fields"),
        (.fieldTooLong, "header-field-too-long"), (.envelopeLineInHeader, "header-envelope-line"),
        (.invalidFieldName, "header-invalid-field-name"), (.emptyFieldName, "header-empty-field-name"),
    ]

    /// Stable names for output, in a fixed order.
    public var names: [String] { Self.named.compactMap { contains($0.0) ? $0.1 : nil } }
}
