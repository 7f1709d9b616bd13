import MailParsing

/// The entry point: reads one message and says whether it is a bounce (or delay, success notice,
/// auto-reply, challenge, virus notice, feedback report) and what it says about each recipient.
///
/// Stateless and `Sendable`: one analyzer can serve many threads; its pattern tables are compiled once.
public struct BounceAnalyzer: Sendable {
    /// An analyzer with the built-in recognisers.
    public init() {}

    /// At most this many recipients are reported for one message (a DSN's groups are read up to 1,000
    /// too); a longer list is cut.
    public static let maxRecipients = 1_000

    /// A recipient's diagnostic text, and the text its reason is decided from, are read up to this many
    /// bytes (cut at a character's start). The corpora's longest is 2 KB; without a bound a report that
    /// gives one long text to each of many recipients made the output quadratic in the message's size
    /// (sisimai lhost-ezweb-08 with each of its lines 480 times over: 94 MB of JSON from 493 KB).
    public static let maxDiagnosticBytes = 16 * 1024

    /// A recipient's remote MTA is read up to this many bytes (cut at a character's start). A host name
    /// is at most 255 (RFC 1035 §2.3.4) and the corpora's longest value, a name with its connection's
    /// details, 109; without a bound a mutated bounce reported a remote MTA of 201,507 bytes, as long as
    /// the field it came from (`Tests/Fuzz/outputs.py`, seed 54).
    public static let maxRemoteMTABytes = 1024

    /// Analyzes a parsed message.
    /// - Complexity: one cheap dispatch per recogniser, then linear in the report's text.
    public func analyze(_ message: ParsedMessage) -> BounceReport {
        let context = BounceContext(message)
        var found = RecognizerRegistry.recognize(context)
        var unlocated = false
        var report = report(context, &found, originalUnlocated: &unlocated)
        if unlocated { report.original = OriginalLocator.locate(context) }
        return report
    }

    /// Analyzes several parsed messages: each report is what `analyze(_:)` gives for its message, in
    /// the messages' order. Each step runs over all of them before the next (contexts, recognisers,
    /// reasons, originals), so that its code stays in the instruction cache: per message, the ~60
    /// recognisers, the reasons' tables and the original's locator evicted one another. Every
    /// message's context (its decoded text) is held until the last step: pass runs of tens of
    /// messages (a scan passes 64), not a whole mailbox.
    /// - Complexity: what `analyze(_:)` costs for each message.
    public func analyze(_ messages: [ParsedMessage]) -> [BounceReport] {
        let contexts = messages.map(BounceContext.init)
        var found = RecognizerRegistry.recognize(contexts)
        var unlocated = [Bool](repeating: false, count: contexts.count)
        var reports: [BounceReport] = []
        reports.reserveCapacity(contexts.count)
        for i in contexts.indices {
            reports.append(report(contexts[i], &found[i], originalUnlocated: &unlocated[i]))
        }
        for i in contexts.indices where unlocated[i] {
            reports[i].original = OriginalLocator.locate(contexts[i])
        }
        return reports
    }

    /// The report of the message of `context` from what its recogniser found (`found`, taken; nil when
    /// none claimed it). A bounce whose recogniser returned no original gets `.absent` and
    /// `originalUnlocated` set: its original is for `OriginalLocator.locate` to find.
    private func report(_ context: BounceContext, _ found: inout Recognition?,
                        originalUnlocated: inout Bool) -> BounceReport {
        var notBounce: BounceReport {
            var report = BounceReport.notBounce
            report.subject = context.subjectField
            return report
        }
        guard var taken = found.take() else { return notBounce }
        // The recipients are moved out of the finding one at a time (reversed, then popped from the
        // end, which keeps their order) and each handed to `Finalization.report`, which moves its
        // strings into the report: iterated in place, each was copied (a dozen retains) and the copy
        // and the finding's array destroyed (a dozen releases each).
        var pending = taken.finding.recipients
        taken.finding.recipients = []
        // Most findings hold one recipient: nothing to reverse; the reports' array is made at its size,
        // not grown from empty by the first append (bsd.mbox x3, 1,878 findings: the reversal and the
        // growth 0.69M -> 0.57M, `analyze` without `Finalization.report` 136.72M -> 136.51M).
        if pending.count > 1 { pending.reverse() }
        var reports: [RecipientReport] = []
        reports.reserveCapacity(min(pending.count, Self.maxRecipients))
        while reports.count < Self.maxRecipients, let popped = pending.popLast() {
            var r = consume popped
            guard let address = Addresses.bareAddress(r.recipient) else { continue }
            r.recipient = address
            r.diagnostic = Self.bounded(r.diagnostic)
            r.decisionText = r.decisionText.map { Self.bounded($0) }
            if let mta = r.remoteMTA, mta.utf8.count > Self.maxRemoteMTABytes {
                r.remoteMTA = Self.bounded(mta, to: Self.maxRemoteMTABytes)
            }
            let givenAction = r.action
            var report = Finalization.report(taking: &r, receivedNames: context.receivedNames(provider:))
            if taken.finding.kind == .challenge || taken.finding.kind == .virusNotice {
                // Not a delivery report: no made-up status code or action.
                if report.statusIsPseudo { report.status = nil; report.statusIsPseudo = false }
                if givenAction == nil { report.action = nil }
                report.hard = false
            }
            reports.append(consume report)   // moved, not copied (a copy retained its dozen strings)
        }
        let kind = Finalization.kind(of: reports, declared: taken.finding.kind)
        if kind == .notBounce { return notBounce }
        let original: ReturnedOriginal
        if let given = taken.finding.original.take() {
            original = given
        } else {
            original = .absent
            originalUnlocated = true
        }
        return BounceReport(kind: kind, format: taken.name, recipients: reports, original: original,
                            perMessage: taken.finding.perMessage, subject: context.subjectField)
    }

    /// `text` cut to its first `limit` bytes (`maxDiagnosticBytes` unless given), at the start of a character.
    static func bounded(_ text: String, to limit: Int = maxDiagnosticBytes) -> String {
        let bytes = text.utf8
        guard bytes.count > limit else { return text }
        var end = bytes.index(bytes.startIndex, offsetBy: limit)
        while end > bytes.startIndex, UTF8.isContinuation(bytes[end]) { end = bytes.index(before: end) }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// How each recogniser saw the message (diagnostics for the harness; not a stable format).
    package func explain(_ message: ParsedMessage) -> [String] {
        RecognizerRegistry.trace(BounceContext(message))
    }

    /// Parses and analyzes raw message bytes.
    public func analyze(bytes: ByteSlice) -> BounceReport {
        analyze(ParsedMessage(parsing: bytes))
    }
}
