/// Bounds on what the header and MIME parsers keep from one message. Past a limit the parser records a
/// defect and goes on, in bounded time and memory; it never fails.
public struct ParsingLimits: Sendable, Hashable {
    /// Maximum bytes of one header section; the rest is treated as body. Default: 1 MiB.
    public var maxHeaderBytes = 1 << 20
    /// Maximum fields kept from one header section; later ones are skipped. Default: 2,000.
    public var maxHeaderFields = 2_000
    /// Maximum bytes kept of one unfolded field value. Default: 100 KiB.
    public var maxFieldBytes = 100 * 1024
    /// Maximum MIME nesting (multipart and message/rfc822 levels). Deeper parts stay opaque. Default: 24.
    public var maxNestingDepth = 24
    /// Maximum MIME parts in one message, all levels counted. Later parts stay opaque. Default: 2,000.
    public var maxParts = 2_000

    /// The defaults above.
    public init() {}
}
