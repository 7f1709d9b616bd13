import MailParsing

/// Trustwave (Marshal) MailMarshal SMTP: Subject `Undeliverable Mail: "<subject>"`, "Could not be
/// delivered because of" with the reply, and the addresses after "The following recipients were
/// affected:".
///
/// Layout from sisimai lhost-mailmarshal-02 and Sisimai's Lhost::MailMarshalSMTP.
struct MailMarshalSMTPRecognizer: Recognizer {
    var name: String { "mailmarshalsmtp" }

    /// `claims` holds only for a subject "Undeliverable Mail: \"" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "U" }

    func claims(_ context: BounceContext) -> Bool { context.subjectText.hasPrefix("Undeliverable Mail: \"") }

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["Your message:"], stop: ["Additional Information"])
        var diagnostic: [String] = []
        var state = 0   // 0 before the error, 1 in it, 2 in the recipient list
        var recipients: [RecipientFinding] = []
        for line in lines {
            let t = line.trimmed
            if t == "Could not be delivered because of" { state = 1; diagnostic = [t]; continue }
            if t.hasPrefix("The following recipients were affected:") { state = 2; continue }
            switch state {
            case 1: if !t.isEmpty { diagnostic.append(t) }
            case 2:
                // "    kijitora@nyaan.example.com"
                if line.hasPrefix("    "), !t.contains(" "), let a = TextReport.firstAddress(line), recipients.count < 500 {
                    recipients.append(RecipientFinding(recipient: a))
                }
            default: break
            }
        }
        for i in recipients.indices { recipients[i].diagnostic = diagnostic.joined(separator: " ") }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
