/// Faults tolerated while reading a MIME structure (RFC 2045, RFC 2046), recorded per part.
public struct MIMEDefects: OptionSet, Sendable, Hashable, NamedDefects {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A multipart without a `boundary` parameter: read as a single text part.
    public static let missingBoundaryParameter = MIMEDefects(rawValue: 1 << 0)
    /// The close delimiter (`--boundary--`) never came: the last part runs to the end.
    public static let missingClosingBoundary = MIMEDefects(rawValue: 1 << 1)
    /// The boundary never occurs in the body.
    public static let boundaryNotFound = MIMEDefects(rawValue: 1 << 2)
    /// Nesting deeper than `ParsingLimits.maxNestingDepth`: the part was left opaque.
    public static let nestingTooDeep = MIMEDefects(rawValue: 1 << 3)
    /// More parts than `ParsingLimits.maxParts`: the rest was left opaque.
    public static let tooManyParts = MIMEDefects(rawValue: 1 << 4)
    /// A Content-Type that could not be parsed: the default was used.
    public static let malformedContentType = MIMEDefects(rawValue: 1 << 5)
    /// Junk in a Content-Type parameter list.
    public static let malformedParameters = MIMEDefects(rawValue: 1 << 6)
    /// A Content-Transfer-Encoding that RFC 2045 §6.1 does not define: the body is taken as-is.
    public static let unknownTransferEncoding = MIMEDefects(rawValue: 1 << 7)
    /// A composite type (multipart, message/rfc822) with a transfer encoding other than 7bit, 8bit or
    /// binary (RFC 2045 §6.4 forbids it); the body was decoded before parsing.
    public static let encodedCompositeType = MIMEDefects(rawValue: 1 << 8)

    /// A message/rfc822 (or message/global) body with no header field: not parsed as a message.
    public static let invalidEncapsulatedMessage = MIMEDefects(rawValue: 1 << 9)

    /// More than one Content-Type field: the last was used (parsers disagree on which one counts).
    public static let duplicateContentType = MIMEDefects(rawValue: 1 << 10)

    package static let named: [(MIMEDefects, String)] = [
        (.missingBoundaryParameter, "mime-missing-boundary-parameter"),
        (.missingClosingBoundary, "mime-missing-closing-boundary"),
        (.boundaryNotFound, "mime-boundary-not-found"), (.nestingTooDeep, "mime-nesting-too-deep"),
        (.tooManyParts, "mime-too-many-parts"), (.malformedContentType, "mime-malformed-content-type"),
        (.malformedParameters, "mime-malformed-parameters"),
        (.unknownTransferEncoding, "mime-unknown-transfer-encoding"),
        (.encodedCompositeType, "mime-encoded-composite-type"),
        (.invalidEncapsulatedMessage, "mime-invalid-encapsulated-message"),
        (.duplicateContentType, "mime-duplicate-content-type"),
    ]

    /// Stable names for output, in a fixed order.
    public var names: [String] { Self.named.compactMap { contains($0.0) ? $0.1 : nil } }
}
