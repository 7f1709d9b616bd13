import MailParsing

/// Verizon Wireless: the vtext.com SMS gateway ("Error: Invalid user address" then the remote reply
/// and `RCPT TO:` in "Message details:") and the vzwpix.com MMS gateway ("Message could not be
/// delivered to mobile." then the original's `To:`).
///
/// Layout from sisimai lhost-verizon-01 (vzwpix), -02 (vtext) and Sisimai's Lhost::Verizon.
struct VerizonRecognizer: Recognizer {
    var name: String { "verizon" }

    /// "post_master@vtext.com" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromPostMasterVtextCom: ClaimNeedle { ClaimNeedle("post_master@vtext.com") }
    /// "sysadmin@" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromSysadmin: ClaimNeedle { ClaimNeedle("sysadmin@") }
    /// ".vzwpix.com" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromVzwpixCom: ClaimNeedle { ClaimNeedle(".vzwpix.com") }

    func claims(_ context: BounceContext) -> Bool {
        if context.fromContainsLowercased(Self.fromPostMasterVtextCom) { return true }                        // -02
        // ".vzwpix.com" first: most senders lack one of its bytes, where most have those of "sysadmin@".
        return context.fromContainsLowercased(Self.fromVzwpixCom) && context.fromContainsLowercased(Self.fromSysadmin)  // -01
    }

    func recognize(_ context: BounceContext) -> Finding? {
        var recipients: [RecipientFinding] = []
        if context.lowercaseFrom.contains("vtext.com") {
            // "Error: Invalid user address" / "550 - Requested action not taken: no such user here" /
            // "  RCPT TO: 0000000000@vtext.com"
            let lines = TextReport.section(TextReport.lines(holding: "Error: ", context), start: ["Error: "], stop: [])
            var diagnostic = ""
            for line in lines {
                let t = line.trimmed
                if t.hasPrefix("RCPT TO:"), let a = TextReport.firstAddress(line), recipients.count < 500 {
                    recipients.append(RecipientFinding(recipient: a))
                } else if t.count > 6, t.prefix(3).allSatisfy(\.isNumber), t.dropFirst(3).hasPrefix(" - ") {
                    diagnostic = t
                }
            }
            for i in recipients.indices {
                recipients[i].diagnostic = diagnostic
                if diagnostic.contains("Requested action not taken: no such user here") { recipients[i].reason = .userUnknown }
            }
        } else {
            // "Message could not be delivered to mobile." / "Error: No valid recipients for this MM" /
            // "To: 0000000000@vzwpix.com"
            let lines = TextReport.section(TextReport.lines(holding: "Message could not be delivered to mobile", context),
                                           start: ["Message could not be delivered to mobile"], stop: [])
            var diagnostic = ""
            for line in lines {
                if line.hasPrefix("To:"), let a = TextReport.firstAddress(line), recipients.count < 500 {
                    recipients.append(RecipientFinding(recipient: a))
                } else if line.hasPrefix("Error:") {
                    diagnostic = line.dropFirst(6).trimmed
                }
            }
            for i in recipients.indices {
                recipients[i].diagnostic = diagnostic
                if diagnostic.contains("No valid recipients for this MM") { recipients[i].reason = .userUnknown }
            }
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
