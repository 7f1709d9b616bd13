import DeliveryStatus
import MailParsing

/// What the classifier keeps of one message between its per-message step and its stream pass: the
/// observation of a bounce-like message, or for ordinary mail only the address it was delivered to
/// (zero-config learns the site's domains and real mailboxes from ordinary mail).
public struct ClassifierNote: Sendable {
    /// The observation, boxed: a note is copied several times on its way through a scan (out of the
    /// batch, into the held store, out again on each read of the stream pass), and an observation has
    /// some twenty reference-counted fields, each retained and released on every copy of a plain struct.
    final class Box: Sendable {
        let observation: Observation
        init(_ observation: Observation) { self.observation = observation }
    }
    private var box: Box?

    /// The boxed observation, for the stream pass: reading `box.observation` borrows it where the
    /// optional `observation` would copy it out.
    var observationBox: Box? { box }

    /// The bounce-like message's observation; nil for ordinary mail.
    public var observation: Observation? {
        get { box?.observation }
        set { box = newValue.map(Box.init) }
    }
    /// For ordinary mail: the address it was delivered to, lower case (read for zero-config only; see
    /// `ObservationReader.keepsInferenceFacts`). Spelled `Optional<String>`: see `ScanRecord`.
    public var deliveredTo: Optional<String>

    /// A note.
    public init(observation: Observation?, deliveredTo: String? = nil) {
        self.box = observation.map(Box.init)
        self.deliveredTo = deliveredTo
    }

    /// Reads the note of one message.
    public static func read(_ message: ParsedMessage, report: BounceReport, reader: ObservationReader) -> ClassifierNote {
        read(message, report: report, reader: reader, known: nil)
    }

    /// `read(_:report:reader:)`, with the returned original's Subject and Date as the scan read them, and
    /// the notice's first From address when the scan read it in place (`shapedNoticeFrom`) and its first
    /// To's first address when the scan found one (`noticeFirstTo`).
    static func read(_ message: ParsedMessage, report: BounceReport, reader: ObservationReader,
                     known: OriginalHeaderValues?, shapedNoticeFrom: String? = nil,
                     noticeFirstTo: String? = nil) -> ClassifierNote {
        if let o = reader.observe(message, report: report, known: known, shapedNoticeFrom: shapedNoticeFrom,
                                  noticeFirstTo: noticeFirstTo) {
            return ClassifierNote(observation: o)
        }
        guard reader.keepsInferenceFacts else { return ClassifierNote(observation: nil) }
        // The first address of each by `firstAddressString`, as the observation reads these fields, not
        // the whole list parsed into `MailAddress` records (backscatter-dev zero-config, 2,994 messages
        // that are not bounces: `parseList` and `address` 5.2M instructions).
        for name in ["x-original-to", "delivered-to"] {
            if let field = message.headers.first(name),
               let address = AddressParser.firstAddressString(field.unfoldedValue) {
                return ClassifierNote(observation: nil, deliveredTo: address.lowercasedIfNeeded())
            }
        }
        return ClassifierNote(observation: nil)
    }
}
