import MailParsing

/// Sendmail version 5 and its kin (plain text, no DSN part): Subject "Returned mail: ...",
/// "----- Transcript of session follows -----" with `>>> COMMAND`, `<<< reply` and
/// `554 <address>... reason` lines, then "----- Unsent message follows -----".
///
/// Layout from sisimai lhost-v5sendmail-01..07 and Sisimai's Lhost::V5sendmail.
struct V5sendmailRecognizer: Recognizer {
    var name: String { "v5sendmail" }

    /// "Returned mail: " and a capital (lhost-v5sendmail-01 "Returned mail: Cannot send message for
    /// 4 days"), with no delivery-status part (Sendmail 8 sends one; its reader is elsewhere).
    func claims(_ context: BounceContext) -> Bool {
        guard context.subjectText.hasPrefix("Returned mail: "), context.deliveryStatusPart == nil else { return false }
        return context.subject.dropFirst(15).first.map { $0.isUppercase } ?? false
    }

    static let unsentMarkers = ["----- Unsent message follows -----", "----- No message was collected -----"]

    func recognize(_ context: BounceContext) -> Finding? {
        // The returned message must follow the transcript.
        guard context.lines.contains(where: { line in V5sendmailRecognizer.unsentMarkers.contains { line.trimmed.hasPrefix($0) } }) else {
            return nil
        }
        let lines = TextReport.section(context, start: ["----- Transcript of session follows -----"],
                                       stop: V5sendmailRecognizer.unsentMarkers, trimmingLeading: true)
        var recipients: [RecipientFinding] = []
        var commands: [Int: SMTPCommand] = [:]   // by the number of recipients seen before it
        var replies: [Int: String] = [:]
        var another = ""                          // "421 example.com (smtp)... Deferred: ..." (-01)
        var sessionError = false
        for line in lines {
            let t = line.trimmed
            if t.isEmpty { continue }
            if let address = V5sendmailRecognizer.address(inLine: t) {
                guard recipients.count < 500 else { break }
                var r = RecipientFinding(recipient: address)
                // The whole line: its reply code is the one that counts (-07 "554 <...>... Remote
                // protocol error" over the "<<< 501" it quotes).
                r.diagnostic = t
                if let reply = replies[recipients.count] { r.diagnostic += ": " + reply }
                recipients.append(r)
                sessionError = false
            } else if t.hasPrefix(">>>") {
                // ">>> RCPT To:<mikeneko@example.co.jp>" (-05)
                let verb = t.dropFirst(3).trimmed.prefix(4)
                commands[recipients.count] = SMTPCommand(rawValue: verb.uppercased())
            } else if t.hasPrefix("<<< ") {
                replies[recipients.count] = String(t.dropFirst(4))
            } else if !sessionError {
                // "... while talking to mail.example.com:" ends what applies to everyone.
                if t.hasPrefix("."), t.hasSuffix(":"), t.contains(" while talking to ") { sessionError = true; continue }
                // "421 example.com (smtp)... Deferred: Connection timed out ..." (-01)
                if t.count > 4, t.prefix(3).allSatisfy(\.isNumber), t.contains("...") {
                    another = t
                }
            }
        }
        if recipients.isEmpty, let a = TextReport.originalRecipient(context) {
            recipients.append(RecipientFinding(recipient: a))   // -01: nobody named in the transcript
        }
        for i in recipients.indices {
            recipients[i].command = commands[i]
            if recipients[i].diagnostic.isEmpty { recipients[i].diagnostic = another.isEmpty ? (replies[i] ?? "") : another }
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }

    /// "554 <kijitora@example.edu>... Remote protocol error" → the address.
    static func address(inLine t: String) -> String? {
        guard t.count > 5, t.prefix(3).allSatisfy(\.isNumber), t.dropFirst(3).first == " " || t.dropFirst(3).first == "\t" else { return nil }
        let rest = t.dropFirst(4).trimmed
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">"),
              rest[rest.index(after: close)...].hasPrefix("..."),
              let a = TextReport.firstAddress(rest[...close]) else { return nil }
        return a
    }
}
