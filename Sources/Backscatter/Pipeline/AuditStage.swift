/// The stage of `backscatter audit`: reads each message as the queue audit needs it (on the worker
/// threads), audits them all in the stream pass (`QueueAudit`), then writes each message's audit verdict
/// and evidence into its record; the whole `AuditReport` goes into `ScanSummary.audit`.
///
/// Memory: `QueueAudit` takes its items as an array, so the stream pass reads every item back into
/// memory (a few hundred bytes each) and the report keeps one `AuditRecord` per message: unlike
/// `ClassifierStage`, an audit's memory grows with its input. Queues and Badmail folders are small.
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
        QueueAudit.Item(message.parsed, report: message.bounce)
    }

    /// Audits every message.
    public func finish(notes: some Sequence<QueueAudit.Item>) -> AuditReport { audit.audit(Array(notes)) }

    /// Writes the message's audit verdict and evidence.
    public func revise(_ record: inout ScanRecord, note: QueueAudit.Item, findings: inout AuditReport) {
        guard record.sequence >= 0, record.sequence < findings.records.count else { return }
        let audited = findings.records[record.sequence]
        record.audit = audited.verdict
        record.evidence = audited.evidence
    }

    /// Keeps the report.
    public func summarize(_ findings: AuditReport, into summary: inout ScanSummary) {
        summary.audit = findings
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
        encoder.write(originalSPFPass)
        encoder.write(time)
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
        originalSPFPass = try decoder.read()
        time = try decoder.read()
    }
}
