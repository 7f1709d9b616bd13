import Backscatter

/// `audit --summary FILE`: the audit's report as one JSON object, for a monitoring script (alert when
/// `verdicts.reflected` is not 0): `messages`, `verdicts` (counts by name), `ndrShare` (0...1),
/// `legitimateNDRsForUnknownRecipients`, `looksLikeInboxOf` (the domain an input that looks like an
/// inbox is addressed to, or null), the top lists `forgedSenders`, `nonexistentRecipients` and
/// `internalSenders` (`address`, `messages`), `errors` (as `scan --summary` writes them) and `remedies`.
enum AuditSummaryJSON {
    /// The document for `report`, the audit of `summary`'s messages.
    static func document(_ report: AuditReport, of summary: ScanSummary) -> [UInt8] {
        JSONWriter.document(capacity: 8192) { json in
            json.beginObject()
            json.key("messages"); json.int(summary.messages)
            json.key("verdicts")
            json.beginObject()
            for verdict in AuditVerdict.allCases {
                json.key(string: verdict.rawValue); json.int(report.totals[verdict, default: 0])
            }
            json.endObject()
            json.member("ndrShare", decimal: report.ndrShare)
            json.member("legitimateNDRsForUnknownRecipients", report.legitimateNDRsForUnknownRecipients)
            json.member("looksLikeInboxOf", report.looksLikeInboxOf)
            for (name, list) in [("forgedSenders", report.topForgedSenders), ("nonexistentRecipients", report.topNonexistentRecipients),
                                 ("internalSenders", report.topInternalSenders)] {
                json.key(string: name)
                json.beginArray()
                for entry in list {
                    json.beginObject()
                    json.key("address"); json.string(entry.address)
                    json.key("messages"); json.int(entry.count)
                    json.endObject()
                }
                json.endArray()
            }
            JSONLinesFormat.writeErrors(summary.errors, to: &json)
            json.key("remedies")
            json.beginArray()
            for remedy in report.remedies { json.string(remedy) }
            json.endArray()
            json.endObject()
            json.newline()
        }
    }
}
