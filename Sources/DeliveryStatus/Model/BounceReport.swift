/// What `BounceAnalyzer` found in one message.
///
/// Optional fields are spelled `Optional<T>`, not `T?`, here and in `RecipientReport`, `ReturnedOriginal`,
/// `Finding`, `ReasonDecision` and MailParsing's `ReceivedField`: a stored `var x: T?` is set to nil before
/// an initializer's body runs, and with that an initializer that sets every field built the value in a
/// temporary, copied it and destroyed the temporary. Spelled out, each field is set once, in place
/// (sisimai bsd mbox x3 full 464.0M -> 459.4M instructions for these six; `BounceAnalyzer.analyze`
/// 228.8M -> 223.1M with `PatternSetGroup.withMatches`' -1.0M). Types built field by field after a short
/// initializer (`RecipientFinding`, `PerMessageFields`) gain nothing and keep `T?`.
public struct BounceReport: Sendable {
    /// What the message is.
    public var kind: MessageKind
    /// The recogniser that read it (`postfix`, `rfc3464`, `arf`, ...); nil for `not-bounce`.
    public var format: Optional<String>
    /// One report per recipient, in the order the message lists them.
    public var recipients: [RecipientReport]
    /// The returned original, if any.
    public var original: ReturnedOriginal
    /// RFC 3464 §2.2.2 `Reporting-MTA` (name only, type prefix removed).
    public var reportingMTA: Optional<String>
    /// RFC 3464 §2.2.3 `DSN-Gateway`.
    public var dsnGateway: Optional<String>
    /// RFC 3464 §2.2.4 `Received-From-MTA`.
    public var receivedFromMTA: Optional<String>
    /// RFC 3464 §2.2.5 `Arrival-Date`, as written.
    public var arrivalDate: Optional<String>
    /// RFC 3464 §2.2.1 `Original-Envelope-Id`, xtext decoded.
    public var originalEnvelopeID: Optional<String>
    /// Per-message `X-` extension fields of the DSN, in order (RFC 3464 §2.4).
    public var extensionFields: [ExtensionField]
    /// The message's own `Subject`, unfolded and RFC 2047 decoded (the recognisers read it for their
    /// dispatch); nil when it has none. Set for every kind, `not-bounce` too.
    public var subject: Optional<String>

    /// A per-message extension field of a DSN (RFC 3464 §2.4: names starting `X-` are reserved for
    /// experimental use, as `X-Postfix-Queue-ID` and `X-Postfix-Sender`), or one a recogniser read in its
    /// place (an RFC 5965 feedback report's `Source-IP`, as `source-ip`).
    public struct ExtensionField: Sendable, Hashable {
        /// The field's name, lower-cased (`x-postfix-queue-id`).
        public var name: String
        /// The field's value, unfolded and trimmed.
        public var value: String

        /// A field named `name` (lower-case) with `value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A report that says the message is not a bounce.
    public static let notBounce = BounceReport(kind: .notBounce)

    /// A report of the given kind with nothing else.
    public init(kind: MessageKind, format: String? = nil, recipients: [RecipientReport] = [], original: ReturnedOriginal = .absent) {
        self.kind = kind
        self.format = format
        self.recipients = recipients
        self.original = original
        self.reportingMTA = nil
        self.dsnGateway = nil
        self.receivedFromMTA = nil
        self.arrivalDate = nil
        self.originalEnvelopeID = nil
        self.extensionFields = []
        self.subject = nil
    }

    /// A report with every field given at once, the per-message fields from a recogniser's finding
    /// (one initialization, where setting them one by one on a report made copies of it).
    init(kind: MessageKind, format: String?, recipients: [RecipientReport], original: ReturnedOriginal,
         perMessage: PerMessageFields, subject: String?) {
        self.kind = kind
        self.format = format
        self.recipients = recipients
        self.original = original
        self.reportingMTA = perMessage.reportingMTA
        self.dsnGateway = perMessage.dsnGateway
        self.receivedFromMTA = perMessage.receivedFromMTA
        self.arrivalDate = perMessage.arrivalDate
        self.originalEnvelopeID = perMessage.originalEnvelopeID
        self.extensionFields = perMessage.extensionFields
        self.subject = subject
    }
}
