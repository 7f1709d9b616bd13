/// The stage of `backscatter audit`: reads each message as the queue audit needs it (on the worker
/// threads), audits them all in the stream pass (`QueueAudit`), then writes each message's audit verdict
/// and evidence into its record; the whole `AuditReport` goes into `ScanSummary.audit`.
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
    public func finish(notes: [QueueAudit.Item]) -> AuditReport { audit.audit(notes) }

    /// Writes the message's audit verdict and evidence.
    public func revise(_ record: inout ScanRecord, findings: AuditReport) {
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
