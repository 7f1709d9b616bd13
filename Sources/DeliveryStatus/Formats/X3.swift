import MailParsing

/// An unnamed MTA (Sisimai's "X3"): "This is an automatically generated Delivery Status
/// Notification." with `* address` lines and a "Technical details:" block (`SMTP:RCPT host ...: 553 ...`
/// or `Routing: ...`).
///
/// Layout from sisimai lhost-x3-01..06 and Sisimai's Lhost::X3.
struct X3Recognizer: Recognizer {
    var name: String { "x3" }

    /// `claims` holds only for a subject "Delivery status notification" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "D" }

    /// `From: Mail Delivery System` and Subject "Delivery status notification" (lhost-x3-01).
    func claims(_ context: BounceContext) -> Bool {
        context.fromText.hasNamePrefix("Mail Delivery System") && context.subjectText.hasPrefix("Delivery status notification")
    }

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["This is an automatically generated Delivery Status Notification."],
                                       stop: ["Content-Type: message/rfc822"], trimmingLeading: true)
        // "Delevery to the following recipients was aborted after 5.0 hour(s):" (lhost-x3-02): the
        // queue lifetime ran out.
        let aborted = lines.contains { $0.contains("was aborted after") }
        var recipients = TextReport.blocks(lines, opens: { line in
            // "   * kijitora@example.co.jp"
            let t = line.trimmed
            guard t.hasPrefix("* "), let a = TextReport.firstAddress(line), t.dropFirst(2).trimmed == a else { return nil }
            return (a, "")
        }, continues: { line, r in
            let t = line.trimmed
            if t.hasPrefix("SMTP:") {
                // "SMTP:RCPT host 192.0.2.8: 553 5.3.0 <kijitora@example.com>... No such user here" (-01)
                let rest = t.dropFirst(5)
                let verb = rest.prefix { $0 != " " }
                r.command = SMTPCommand(rawValue: verb.uppercased())
                r.diagnostic = rest.dropFirst(verb.count).trimmed
            } else if t.hasPrefix("Routing: ") {
                r.diagnostic = String(t.dropFirst(9))                      // -02
            } else if t.utf8.count > 16, t.prefix(16).lowercased() == "diagnostic-code:" {
                // Any blanks after the colon and after the type's semicolon (RFC 3464 §2.3.6; a
                // `Diagnostic-Code:smtp;552 ...` read nothing: `Tests/Fuzz/fieldnames.py`).
                let value = t.dropFirst(16).trimmed
                if value.utf8.count >= 5, value.prefix(5).lowercased() == "smtp;" { r.diagnostic = value.dropFirst(5).trimmed }
            }
        })
        if aborted { for i in recipients.indices { recipients[i].reason = .expired } }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
