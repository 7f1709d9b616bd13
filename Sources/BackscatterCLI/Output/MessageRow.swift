import Backscatter
import MailParsing

/// What the text and HTML reports keep of one bounce-like message (the message table). Optional fields
/// spelled `Optional<T>`, set once in place (see Backscatter's `ScanRecord`).
struct MessageRow {
    var sequence: Int
    var source: String
    var index: Int
    var date: Optional<String>
    var timestamp: Optional<Int64>
    var to: String
    var from: String
    var subject: String
    var kind: String
    var format: String
    var verdict: ScanRecord.Verdict
    var score: Optional<Double>
    var reasons: String
    var recipients: String
    var campaign: Optional<String>
    /// The strongest evidence, as `signal (+weight)`, for the HTML table's tooltip and search.
    var evidence: String

    init(_ record: ScanRecord) {
        sequence = record.sequence
        source = NativePath.displayed(record.source)
        index = record.index
        date = record.date
        timestamp = record.timestamp
        to = record.to.first ?? ""
        from = record.from ?? ""
        subject = record.original.subject ?? record.subject ?? ""
        kind = record.kind.rawValue
        format = record.format ?? ""
        verdict = record.effectiveVerdict
        score = record.score
        var seen: [String] = []
        for recipient in record.recipients {
            let reason = recipient.reason ?? "unknown"
            if !seen.contains(reason) { seen.append(reason) }
        }
        reasons = seen.joined(separator: ", ")
        recipients = record.recipients.map(\.recipient).joined(separator: ", ")
        campaign = record.campaign
        evidence = record.evidence.prefix(4).map { $0.signal }.joined(separator: ", ")
    }
}

/// What a report says about how it was made.
struct ReportContext {
    var paths: [String]
    var profile: String?
    var since: String?
    var until: String?
    var only: String?
    var classifierAvailable: Bool
}
