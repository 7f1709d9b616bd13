import MailParsing

/// Apache James: "Error message below:" with the remote reply, then "Message details:" with the
/// envelope (`RCPT TO: address`).
///
/// Layout from sisimai lhost-apachejames-01 and Sisimai's Lhost::ApacheJames. That message folds a
/// MIME boundary parameter without indentation, so the body is read raw.
struct ApacheJamesRecognizer: Recognizer {
    var name: String { "apachejames" }

    /// Subject "[BOUNCE]", a JavaMail Message-ID (lhost-apachejames-01) or a James Received line.
    func claims(_ context: BounceContext) -> Bool {
        if context.subjectEquals("[BOUNCE]") { return true }
        if context.withMessageID({ $0.contains(".JavaMail.") }) == true { return true }
        return context.receivedHas(.jamesSMTPServer)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.rawLines(context)
        var recipients: [RecipientFinding] = []
        var diagnostic: [String] = []
        var inError = false
        for line in lines.prefix(2_000) {
            let t = line.trimmed
            if t.hasPrefix("RCPT TO:") {
                if let a = TextReport.firstAddress(line), recipients.count < 500 { recipients.append(RecipientFinding(recipient: a)) }
                continue
            }
            if t.hasPrefix("Error") && diagnostic.isEmpty { inError = true }
            if t == "Message details:" { inError = false }
            if inError, !t.isEmpty { diagnostic.append(t) }
        }
        for i in recipients.indices { recipients[i].diagnostic = diagnostic.joined(separator: " ") }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
