import MailParsing

/// Lotus Notes (Lotus SMTP MTA) non-delivery reports: "Undeliverable message" with the reason and
/// the address between "------- Failure Reasons --------" and "------- Returned Message --------".
///
/// Layout from sisimai lhost-notes-01..03 and Sisimai's Lhost::Notes.
struct NotesRecognizer: Recognizer {
    var name: String { "notes" }

    /// `claims` holds only for a subject "Undeliverable message" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "U" }

    func claims(_ context: BounceContext) -> Bool {
        context.subjectText.hasPrefix("Undeliverable message")   // lhost-notes-01
    }

    /// Notes' own wording, with the reason it means.
    static let phrases: [(Reason, [String])] = [
        (.userUnknown, ["User not listed in public Name & Address Book",   // lhost-notes-03
                        "ディレクトリのリストにありません"]),
        (.networkError, ["Message has exceeded maximum hop count"]),
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["------- Failure Reasons "], stop: ["------- Returned Message"])
        guard !lines.isEmpty || context.text.containsIgnoringCase("failure reasons") else { return nil }
        // The reason comes before the address (lhost-notes-03), so text before the first address
        // belongs to the first recipient.
        var recipients: [RecipientFinding] = []
        var pending: [String] = []
        for line in lines {
            let t = line.trimmed
            if t.isEmpty || t.hasPrefix("-") { continue }
            if let a = TextReport.firstAddress(line), t.hasPrefix(a) {
                guard recipients.count < 500 else { break }
                var r = RecipientFinding(recipient: a)
                if recipients.isEmpty { r.diagnostic = pending.joined(separator: " ") }
                recipients.append(r)
                continue
            }
            if let i = recipients.indices.last {
                recipients[i].diagnostic += recipients[i].diagnostic.isEmpty ? t : " " + t
            } else {
                pending.append(t)
            }
        }
        if recipients.isEmpty, let a = TextReport.originalRecipient(context) {
            // No address in the report: the returned message's To: (lhost-notes-01, -02).
            var r = RecipientFinding(recipient: a)
            r.diagnostic = pending.joined(separator: " ")
            recipients.append(r)
        }
        guard !recipients.isEmpty else { return nil }
        for i in recipients.indices {
            let swept = Diagnostic.sweep(recipients[i].diagnostic)
            recipients[i].diagnostic = swept
            recipients[i].reason = TextReport.reason(in: swept, table: NotesRecognizer.phrases)
        }
        return Finding(recipients: recipients)
    }
}
