import MailParsing

/// The copy of the bounced message a report returns, if any, parsed by the same header parser so that
/// its Received chain, Message-ID, From, Date, Subject and DKIM-Signature can be read.
/// Optional fields spelled `Optional<T>`, set once in place (see `BounceReport`).
public struct ReturnedOriginal: Sendable {
    /// How much of the original came back.
    public enum Presence: String, Sendable, Hashable, Codable {
        /// The whole message (`message/rfc822`, `message/global`, or a full inline copy).
        case full
        /// Only its header section (`text/rfc822-headers`, `message/global-headers`, or inline headers).
        case headers
        /// Nothing.
        case none
    }

    /// How much came back.
    public var presence: Presence
    /// Where it was found: `message/rfc822`, `text/rfc822-headers`, `inline` ...; nil when absent.
    public var source: Optional<String>
    /// The original's header section.
    public var headers: Optional<HeaderSection>
    /// The original as a MIME part (root of the encapsulated message) when it was MIME-encapsulated.
    public var part: Optional<MIMEPart>
    /// The original's bytes (for an inline copy: the de-quoted bytes it was parsed from).
    public var bytes: Optional<ByteSlice>

    /// No original.
    public static let absent = ReturnedOriginal(presence: .none)

    /// An original of the given presence.
    public init(presence: Presence, source: String? = nil, headers: HeaderSection? = nil, part: MIMEPart? = nil, bytes: ByteSlice? = nil) {
        self.presence = presence
        self.source = source
        self.headers = headers
        self.part = part
        self.bytes = bytes
    }

    /// The first value of a header field of the original (unfolded, RFC 2047 words decoded).
    public func header(_ lowercaseName: String) -> String? {
        guard let field = headers?.first(lowercaseName) else { return nil }
        return EncodedWords.decode(field.unfoldedValue)
    }

    /// `Message-ID`, as written (angle brackets kept).
    public var messageID: String? { headers?.first("message-id")?.valueString.trimmed }
    /// `From`, decoded.
    public var from: String? { header("from") }
    /// `To`, decoded.
    public var to: String? { header("to") }
    /// `Subject`, decoded.
    public var subject: String? { header("subject") }
    /// `Date`, as written.
    public var date: String? { headers?.first("date")?.valueString.trimmed }
    /// The `Received` fields, top (newest) first, unfolded.
    public var received: [String] { headers?.all("received").map { $0.valueString.trimmed } ?? [] }
    /// The `DKIM-Signature` fields, unfolded.
    public var dkimSignatures: [String] { headers?.all("dkim-signature").map { $0.valueString } ?? [] }
}

