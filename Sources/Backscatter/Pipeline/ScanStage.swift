import DeliveryStatus
import MailParsing

/// The classification seam: where the classifier plugs into `Scan`.
///
/// A scan runs in three steps, and a stage takes part in all three:
///
/// 1. **Per message** (`examine`), on worker threads, in any order: the pipeline has already read the
///    message, parsed its header section and MIME tree, analysed it as a bounce and filled in the
///    `ScanRecord`'s header and bounce fields. The stage adds what it can judge alone to the record,
///    and returns a `Note`: the values its second pass needs (an original's fingerprint, the victim,
///    the reporting MTA's IP, a timestamp ...), never the message's bytes.
/// 2. **Stream pass** (`finish`), once, after the last message, on the calling thread: the stage gets
///    every note in input order (the i-th note belongs to the record with `sequence == i`) as a
///    sequence it may iterate as often as it needs (each iteration reads the held notes again from the
///    start), and returns its `Findings`: floods, campaigns, reflectors, and whatever it needs to
///    revise single records. "A second pass over the evidence, not over the bytes" (issue 4).
/// 3. **Revision** (`revise`), once per record, in input order, before the record is delivered, with
///    the record's own note: stream findings become evidence on the messages they cover (a bounce with
///    no original returned can be judged by its campaign) without reading any message bytes again.
///    `revise` may update the findings (counts over the final verdicts); `summarize` then copies the
///    findings the reports show into the `ScanSummary`.
///
/// Memory: the pipeline holds the notes (and, when `revisesRecords` is true, the records) from step 1
/// to step 3 in `SpillStore`s: as they are, in memory, up to about `ScanOptions.spillThreshold` bytes
/// in all, then encoded (`SpillCodable`) in an unlinked temporary file that is read back sequentially.
/// So holding grows disk, not memory; what grows memory is what a stage keeps in its `Findings` per
/// message (keep that to a few bytes: indexes, small integers, fingerprints) and its capped maps.
/// When `revisesRecords` is false, records are delivered as soon as their batch is done.
public protocol ScanStage: Sendable {
    /// What the stage keeps of one message for its stream pass.
    associatedtype Note: Sendable & SpillCodable
    /// What the stream pass found.
    associatedtype Findings: Sendable

    /// Whether `revise` may change records, so that the pipeline must hold them until `finish`.
    var revisesRecords: Bool { get }

    /// Judges one message. Called concurrently from several threads.
    /// - Parameters:
    ///   - message: the message as read and parsed.
    ///   - record: its record, header and bounce fields filled in.
    /// - Returns: what the stream pass needs of this message.
    func examine(_ message: ExaminedMessage, into record: inout ScanRecord) -> Note

    /// The stream pass over every message's note, in input order.
    /// - Parameter notes: one note per message; can be iterated several times, each time from the start.
    func finish(notes: some Sequence<Note>) -> Findings

    /// Applies stream findings to one record before it is delivered (only called when
    /// `revisesRecords` is true), in input order.
    /// - Parameters:
    ///   - record: the record as `examine` left it.
    ///   - note: the note `examine` returned for it.
    ///   - findings: what `finish` found; the stage may add to it.
    func revise(_ record: inout ScanRecord, note: Note, findings: inout Findings)

    /// Copies the stream findings the reports show into the summary.
    func summarize(_ findings: Findings, into summary: inout ScanSummary)
}

/// One message as the pipeline hands it to a `ScanStage`: the reader's entry and its parse.
public struct ExaminedMessage: Sendable {
    /// The entry as the mailbox reader cut it out (source, index, offset, bytes).
    public let entry: MailboxMessage
    /// Its header section and MIME tree.
    public let parsed: ParsedMessage
    /// The bounce analysis of the message (kind, recipients, the returned original).
    public let bounce: BounceReport
    /// The returned original's Subject and Date as the scan's record read them (nil: not read).
    var originalValues: OriginalHeaderValues? = nil
    /// The notice's first From address as the scan's record read it, when of a shape
    /// `AddressParser.singleAddressString` reads alike (nil: not known so).
    var shapedNoticeFrom: String? = nil
    /// The first address of the notice's first To field as the scan's record read it (nil: none there,
    /// or not known; the observation then reads the field itself).
    var noticeFirstTo: String? = nil
}

/// The stage used until a classifier exists: it judges nothing, so records keep a nil verdict and
/// reports show bounce-like messages as `uncertain`.
public struct UnclassifiedStage: ScanStage {
    /// A stage that judges nothing.
    public init() {}
    /// Records are never revised.
    public var revisesRecords: Bool { false }
    /// Leaves the record as the pipeline filled it.
    public func examine(_ message: ExaminedMessage, into record: inout ScanRecord) -> Note { Note() }
    /// Finds nothing.
    public func finish(notes: some Sequence<Note>) {}
    /// Changes nothing.
    public func revise(_ record: inout ScanRecord, note: Note, findings: inout Void) {}
    /// Adds nothing.
    public func summarize(_ findings: Void, into summary: inout ScanSummary) {}

    /// Nothing: the stage keeps nothing of a message (it encodes to no bytes).
    public struct Note: Sendable, SpillCodable {
        /// The empty note.
        public init() {}
        /// Writes nothing.
        public func encode(to encoder: inout SpillEncoder) {}
        /// Reads nothing.
        public init(from decoder: inout SpillDecoder) throws(SpillError) {}
    }
}
