import MailParsing

/// Trend Micro InterScan Messaging Security Suite: "Unable to deliver message to <address>" or an
/// SMTP transcript (`Sent <<< RCPT TO:<address>`, `Received >>> 550 ...`).
///
/// Layout from sisimai lhost-trendmicro-01..03 and Sisimai's Lhost::InterScanMSS.
struct InterScanMSSRecognizer: Recognizer {
    var name: String { "interscanmss" }

    /// Its Subjects, in English and Japanese (compared whole, as Strings).
    static let subjects = ["Mail could not be delivered", "メッセージを配信できません。", "メール配信に失敗しました"]

    /// ""InterScan MSS"" in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromInterscanMss: ClaimNeedle { ClaimNeedle("\"InterScan MSS\"") }
    /// ""InterScan Notification"" in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromInterscanNotification: ClaimNeedle { ClaimNeedle("\"InterScan Notification\"") }

    func claims(_ context: BounceContext) -> Bool {
        if context.fromContains(Self.fromInterscanMss) || context.fromContains(Self.fromInterscanNotification) { return true }
        // An ASCII subject is compared as bytes (it equals none of the Japanese subjects).
        if let ascii = context.subjectText.equals("Mail could not be delivered") { return ascii }
        return InterScanMSSRecognizer.subjects.contains(context.subject)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        var recipients: [RecipientFinding] = []
        for line in context.lines {
            let t = line.trimmed
            var address: String?
            if let r = t.firstRange(of: "Unable to deliver message to <"), let a = TextReport.firstAddress(t[r.upperBound...]) {
                address = a                                              // lhost-trendmicro-02, -03
            } else if t.contains("<<< ") || t.contains(">>> "), t.hasSuffix(">") || t.contains("<"),
                      let open = t.lastIndex(ofASCII: UInt8(ascii: "<")), let a = TextReport.firstAddress(t[open...]),
                      t.hasPrefix("Sent") {
                address = a                                              // -01 "Sent <<< RCPT TO:<...>"
            }
            if let address {
                if recipients.last?.recipient != address, recipients.count < 500 { recipients.append(RecipientFinding(recipient: address)) }
                if t.contains("Unable to deliver "), let i = recipients.indices.last { recipients[i].diagnostic = t }
            }
            guard let i = recipients.indices.last else { continue }
            if t.hasPrefix("Sent <<< ") {
                recipients[i].command = SMTPCommand(rawValue: String(t.dropFirst(9).prefix(4)))
            } else if t.hasPrefix("Received >>> ") {
                recipients[i].diagnostic = String(t.dropFirst(13))         // "550 5.1.1 <...>... user unknown"
            }
        }
        for i in recipients.indices where recipients[i].diagnostic.contains("Unable to deliver") {
            recipients[i].reason = .userUnknown
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
