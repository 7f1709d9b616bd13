import MailParsing

/// What the bounce analysis says about one message, in the record's terms.
///
/// SEAM(dsn): until `DeliveryStatus.BounceAnalyzer` is on main, every message is read as `not-bounce`;
/// `analyze` is the one place that maps the analyzer's `BounceReport` into these fields.
public struct BounceFacts: Sendable {
    /// What kind of message it is.
    public var kind: ScanRecord.Kind
    /// The recogniser's name, nil for a non-bounce.
    public var format: String?
    /// The recipients the notice speaks of.
    public var recipients: [ScanRecord.Recipient]
    /// The returned original.
    public var original: ScanRecord.Original

    /// Facts for a message that is not a notice.
    public static let notBounce = BounceFacts(kind: .notBounce, format: nil, recipients: [], original: .init())

    /// Reads a parsed message as a bounce.
    static func analyze(_ message: ParsedMessage) -> BounceFacts {
        .notBounce
    }
}
