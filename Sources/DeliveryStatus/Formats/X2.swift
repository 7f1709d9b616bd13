import MailParsing

/// An unnamed MTA (Sisimai's "X2", seen at Yahoo! Japan and others): "Message from example.com.
/// Unable to deliver message to the following address(es)." then `<address>:` on its own line
/// followed by the reason, up to "--- Original message follows.".
///
/// Layout from sisimai lhost-x2-01..06 and Sisimai's Lhost::X2.
struct X2Recognizer: Recognizer {
    var name: String { "x2" }

    /// "MAILER-DAEMON@" in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromMailerDaemon: ClaimNeedle { ClaimNeedle("MAILER-DAEMON@") }
    /// "delivery failure" in the lower-cased Subject, for `claims` (`BounceContext.subjectContainsLowercased`).
    @inline(__always) private static var subjectDeliveryFailure: ClaimNeedle { ClaimNeedle("delivery failure") }
    /// "failure delivery" in the lower-cased Subject, for `claims` (`BounceContext.subjectContainsLowercased`).
    @inline(__always) private static var subjectFailureDelivery: ClaimNeedle { ClaimNeedle("failure delivery") }
    /// "failed delivery" in the lower-cased Subject, for `claims` (`BounceContext.subjectContainsLowercased`).
    @inline(__always) private static var subjectFailedDelivery: ClaimNeedle { ClaimNeedle("failed delivery") }

    /// `From: MAILER-DAEMON@...` and a Subject "Delivery failure" (-01), "failure delivery" (-05),
    /// "failed delivery" (-03) or "Permanent Delivery Failure" (-06).
    func claims(_ context: BounceContext) -> Bool {
        guard context.fromContains(Self.fromMailerDaemon) else { return false }
        return context.subjectContainsLowercased(Self.subjectDeliveryFailure)
            || context.subjectContainsLowercased(Self.subjectFailureDelivery)
            || context.subjectContainsLowercased(Self.subjectFailedDelivery)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["Unable to deliver message to the following address"],
                                       stop: ["--- Original message follows."])
        let recipients = TextReport.blocks(lines, opens: { line in
            // "<kijitora@example.co.jp>:" alone on its line. Trimmed as a slice of the text (`trimmedSlice`):
            // only its ends and blanks are looked at (a String of each line, bsd.mbox x3: 162 lines,
            // `recognize` 0.385M -> 0.369M instructions).
            let t = line.trimmedSlice
            guard t.hasPrefix("<"), t.hasSuffix(">:"), !t.contains(" "), let a = TextReport.firstAddress(line) else { return nil }
            return (a, "")
        })
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
