import DeliveryStatus
import MailParsing

/// The classification seam: where the classifier plugs into `Scan`.
///
/// A scan runs in three steps, and a stage takes part in the last two:
///
/// 1. **Per message** (`examine`), on worker threads, in any order: the pipeline has already read the
///    message, parsed its header section and MIME tree, analysed it as a bounce and filled in the
///    `ScanRecord`'s header and bounce fields. The stage adds its verdict, score and evidence to the
///    record, and returns a compact `Note`: the few values its second pass needs (an original's
///    fingerprint, the victim, the reporting MTA's IP, a timestamp ...), never the message's bytes.
/// 2. **Stream pass** (`finish`), once, after the last message, on the calling thread: the stage gets
///    every note in input order (`notes[i]` belongs to the record with `sequence == i`) and returns its
///    `Findings`: floods, campaigns, reflectors, and whatever it needs to revise single records.
/// 3. **Revision** (`revise`), once per record, in input order, before the record is delivered: stream
///    findings become evidence on the messages they cover (a bounce with no original returned can be
///    judged by its campaign) without reading any bytes again. `summarize` then copies the findings
///    the reports show into the `ScanSummary`.
///
/// Memory: notes are kept for the whole scan, so keep them small (tens of bytes). When
/// `revisesRecords` is false, records are delivered as soon as their batch is done and nothing but the
/// notes grows with the input; when it is true, the records themselves are held until `finish` (a few
/// hundred bytes per message: about 100 MB for a 5 GB mailbox of 50 KB messages).
public protocol ScanStage: Sendable {
    /// What the stage keeps of one message for its stream pass.
    associatedtype Note: Sendable
    /// What the stream pass found.
    associatedtype Findings: Sendable

    /// Whether `revise` may change records, so that the pipeline must hold them until `finish`.
    var revisesRecords: Bool { get }

    /// Judges one message. Called concurrently from several threads.
    /// - Parameters:
    ///   - message: the message as read and parsed.
    ///   - record: its record, header and bounce fields filled in; set verdict, score and evidence.
    /// - Returns: what the stream pass needs of this message.
    func examine(_ message: ExaminedMessage, into record: inout ScanRecord) -> Note

    /// The stream pass over every message's note, in input order.
    func finish(notes: [Note]) -> Findings

    /// Applies stream findings to one record before it is delivered (only called when
    /// `revisesRecords` is true).
    func revise(_ record: inout ScanRecord, findings: Findings)

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
}

/// The stage used until a classifier exists: it judges nothing, so records keep a nil verdict and
/// reports show bounce-like messages as `uncertain`.
public struct UnclassifiedStage: ScanStage {
    /// A stage that judges nothing.
    public init() {}
    /// Records are never revised.
    public var revisesRecords: Bool { false }
    /// Leaves the record as the pipeline filled it.
    public func examine(_ message: ExaminedMessage, into record: inout ScanRecord) {}
    /// Finds nothing.
    public func finish(notes: [Void]) {}
    /// Changes nothing.
    public func revise(_ record: inout ScanRecord, findings: Void) {}
    /// Adds nothing.
    public func summarize(_ findings: Void, into summary: inout ScanSummary) {}
}
