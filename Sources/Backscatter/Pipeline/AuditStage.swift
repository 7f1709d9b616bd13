/// The stage of `backscatter audit`: reads each message as the queue audit needs it (on the worker
/// threads), audits them all in the stream pass (`QueueAudit`), then writes each message's audit verdict
/// and evidence into its record; the whole `AuditReport` goes into `ScanSummary.audit`.
///
/// Memory: as for `ClassifierStage`, the items wait in the scan's spill store; the stream pass reads them
/// twice (`QueueAudit.prepare`, then `tally`), keeping only the audit's bounded context, and each
/// message is judged again as its record is written (`QueueAudit.judge`), so no per-message record is
/// kept: `ScanSummary.audit.records` stays empty (the records carry the verdicts).
public struct AuditStage: ScanStage {
    /// The audit, with the site's profile (or an empty one, which lets it infer the domains).
    public let audit: QueueAudit

    /// An audit stage.
    public init(profile: SiteProfile?) {
        audit = QueueAudit(profile: profile ?? SiteProfile())
    }

    /// Records are revised: the audit decides after it has seen every message.
    public var revisesRecords: Bool { true }

    /// Reads what the audit keeps of the message.
    public func examine(_ message: ExaminedMessage, into record: inout ScanRecord) -> QueueAudit.Item {
        QueueAudit.Item(message.parsed, report: message.bounce, envelope: message.entry.queueEnvelope)
    }

    /// What the stream pass found: the audit's context and the report's totals.
    public struct Findings: Sendable {
        /// What every message is judged in.
        public var context: QueueAudit.Context
        /// Totals, top lists and remedies (no per-message records).
        public var report: AuditReport
    }

    /// Learns the context from every message, then counts the verdicts.
    public func finish(notes: some Sequence<QueueAudit.Item>) -> Findings {
        let context = audit.prepare(notes)
        return Findings(context: context, report: audit.tally(notes, context: context))
    }

    /// Writes the message's audit verdict and evidence.
    public func revise(_ record: inout ScanRecord, note: QueueAudit.Item, findings: inout Findings) {
        let audited = audit.judge(note, index: record.sequence, context: findings.context)
        record.audit = audited.verdict
        record.evidence = audited.evidence
    }

    /// Keeps the report.
    public func summarize(_ findings: Findings, into summary: inout ScanSummary) {
        summary.audit = findings.report
    }
}

extension QueueAudit.Item: SpillCodable {
    /// Writes every field.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(isNDR)
        encoder.write(from)
        encoder.write(recipients)
        encoder.write(failed)
        encoder.write(reasons)
        encoder.write(original)
        encoder.write(originalFrom)
        encoder.write(originalAuthServIDs)
        encoder.write(originalAuthPasses)
        encoder.write(time)
        encoder.write(format)
        encoder.write(isQueued)
    }

    /// Reads an item written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        isNDR = try decoder.read()
        from = try decoder.read()
        recipients = try decoder.read()
        failed = try decoder.read()
        reasons = try decoder.read()
        original = try decoder.read()
        originalFrom = try decoder.read()
        originalAuthServIDs = try decoder.read()
        originalAuthPasses = try decoder.read()
        time = try decoder.read()
        format = try decoder.read()
        isQueued = try decoder.read()
    }
}
