@testable import DeliveryStatus
import Testing

/// The tags a filter or a list puts in front of a Subject are not read by the recognisers
/// (`SubjectTags`), and nothing else is taken from it.
@Suite struct SubjectTagsTests {
    @Test(arguments: [
        ("[SPAM] Undelivered Mail Returned to Sender", "Undelivered Mail Returned to Sender"),
        ("*****SPAM***** failure notice", "failure notice"),
        ("***SPAM*** Undeliverable: hello", "Undeliverable: hello"),
        ("{Spam?} Returned mail: see transcript for details", "Returned mail: see transcript for details"),
        ("SPAM: Mail delivery failed", "Mail delivery failed"),
        ("Possible Spam:Delivery Status Notification (Failure)", "Delivery Status Notification (Failure)"),
        ("suspected spam: Undeliverable message", "Undeliverable message"),
        ("[SPAM] [ops-list] Undeliverable message", "Undeliverable message"),
        ("[EXTERNAL]\tDelivery status notification", "Delivery status notification"),
        ("[a] [b] [c] [d] [e] five", "[e] five"),                          // four tags at most
        // Kept as written:
        ("[BOUNCE]", "[BOUNCE]"),                                            // the tag is the whole subject
        ("[SPAM] ", "[SPAM] "),
        ("**Message you sent blocked by our bulk email filter**", "**Message you sent blocked by our bulk email filter**"),
        ("[] empty brackets", "[] empty brackets"),
        ("[unclosed tag Undeliverable", "[unclosed tag Undeliverable"),
        ("Spammy subject: no tag", "Spammy subject: no tag"),
        ("Bulk delivery failed", "Bulk delivery failed"),
        ("failure notice", "failure notice"),
        ("", ""),
        ("[日本語] 配信エラー", "配信エラー"),
    ])
    func stripped(subject: String, expected: String) {
        #expect(SubjectTags.stripped(subject) == expected)
    }

    /// A tagged notice is recognised as the untagged one: the claim reads the subject without its tags,
    /// the report keeps it as written.
    @Test func taggedNoticeIsRecognised() {
        let message = """
            From: MAILER-DAEMON@mx.example.net
            To: sender@example.org
            Subject: *****SPAM***** failure notice
            X-Spam-Flag: YES

            Hi. This is the qmail-send program at mx.example.net.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <erin@example.com>:
            192.0.2.5 does not like recipient.
            Remote host said: 550 5.1.1 <erin@example.com>: Recipient address rejected: User unknown
            Giving up on 192.0.2.5.

            """
        let report = BounceAnalyzer().analyze(bytes: Array(message.utf8)[...])
        #expect(report.kind == .bounce)
        #expect(report.recipients.map(\.recipient) == ["erin@example.com"])
        #expect(report.subject == "*****SPAM***** failure notice")
    }
}
