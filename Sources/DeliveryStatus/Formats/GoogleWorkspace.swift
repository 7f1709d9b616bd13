import MailParsing

/// Google Workspace's own refusals (not a remote server's: those carry RFC 3464 fields and are left
/// to the standard reader): "** Message not delivered **", Google's explanation, "The response was:"
/// and the reason, with the failed address in `X-Failed-Recipients`.
///
/// Layout from sisimai lhost-googleworkspace-01 and Sisimai's Lhost::GoogleWorkspace.
struct GoogleWorkspaceRecognizer: Recognizer {
    var name: String { "googleworkspace" }

    /// "<mailer-daemon@googlemail.com>" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromMailerDaemonGooglemailCom: ClaimNeedle { ClaimNeedle("<mailer-daemon@googlemail.com>") }

    func claims(_ context: BounceContext) -> Bool {
        context.fromContainsLowercased(Self.fromMailerDaemonGooglemailCom)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        // A remote server's refusal has Final-Recipient / Diagnostic-Code fields: not ours.
        // (Field names in any case: RFC 5322 §1.2.2.)
        if let text = context.deliveryStatusText,
           text.containsIgnoringCase("Final-Recipient:") || text.containsIgnoringCase("Diagnostic-Code:") { return nil }
        guard let first = context.lines.first(where: { $0.hasPrefix("** ") }) else { return nil }
        let lines = TextReport.section(context, start: ["** "], stop: [])
        var diagnostic = [first.trimmed]
        for line in lines {
            let t = line.trimmed
            if t.isEmpty || t.utf8.count >= 13 && t.prefix(13).lowercased() == "content-type:" { continue }
            // The HTML alternative repeats the text; the plain part comes first.
            if t.hasPrefix("<") { break }
            diagnostic.append(t)
        }
        // "X-Failed-Recipients: neko-nyaan-cat-meeting@google-groups.example.com" names the address
        // that failed; Sisimai takes the returned message's To: instead (the same when the message
        // was not sent to a group).
        let failed = context.header("x-failed-recipients").map { TextScan.addresses(in: Substring($0)) } ?? []
        let addresses = failed.isEmpty ? (TextReport.originalRecipient(context).map { [$0] } ?? []) : failed
        var recipients: [RecipientFinding] = []
        for a in addresses.prefix(500) {
            var r = RecipientFinding(recipient: a)
            r.diagnostic = diagnostic.joined(separator: " ")
            if r.diagnostic.contains("because the address couldn't be found. Check for typos or unnecessary spaces and try again.") {
                r.reason = .userUnknown
            }
            recipients.append(r)
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
