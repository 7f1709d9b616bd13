@testable import Backscatter
import DeliveryStatus
import MailParsing
import Testing

/// The returned original's text parts count for its spam shape (`htmlOnly`) only among its first 16
/// MIME parts, depth first, the original's own root and each multipart container included: an HTML
/// part 16th is read, one 17th is not (ObservationReader.spamShape walks the parts in place where it
/// once listed them with `allParts().prefix(16)`).
struct SpamShapePartLimitTests {
    /// A DSN returning, whole, an original whose root is multipart/mixed holding `attachments`
    /// application/octet-stream parts, the first `nested` of them inside a multipart/alternative of
    /// their own, and then one text/html part.
    static func bounce(attachments: Int, nested: Int = 0) -> [UInt8] {
        let attachment = "Content-Type: application/octet-stream\n\nAAAA\n"
        var inner = ""
        for i in 0..<attachments {
            if i < nested { inner += "--C\n" + "Content-Type: multipart/alternative; boundary=\"D\"\n\n--D\n" + attachment + "--D--\n" }
            else { inner += "--C\n" + attachment }
        }
        inner += "--C\nContent-Type: text/html\n\n<p>Cheap <b>watches</b></p>\n--C--\n"
        let text = """
            From: MAILER-DAEMON@mx.remote.test
            To: victim@example.test
            Subject: Undelivered Mail Returned to Sender
            Date: Mon, 5 Jan 2026 10:00:04 +0000
            Message-Id: <b2@mx.remote.test>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            Your message could not be delivered.

            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.remote.test

            Final-Recipient: rfc822; dave@remote.test
            Action: failed
            Status: 5.1.1

            --B
            Content-Type: message/rfc822

            Message-ID: <1@out.example.test>
            Date: Mon, 5 Jan 2026 10:00:00 +0000
            From: victim@example.test
            To: dave@remote.test
            Subject: hello
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="C"

            \(inner)
            --B--

            """
        return Array(text.utf8)
    }

    static func shape(_ bytes: [UInt8]) -> SpamShape? {
        let parsed = ParsedMessage(parsing: bytes[...])
        let report = BounceAnalyzer().analyze(parsed)
        return ObservationReader().observe(parsed, report: report)?.original?.spamShape
    }

    @Test func htmlPartSixteenthIsRead() {
        // root (1) + 14 attachments (2...15) + the HTML part (16)
        #expect(Self.shape(Self.bounce(attachments: 14))?.contains(.htmlOnly) == true)
    }

    @Test func htmlPartSeventeenthIsNot() {
        let shape = Self.shape(Self.bounce(attachments: 15))
        #expect(shape != nil)
        #expect(shape?.contains(.htmlOnly) == false)
    }

    @Test func containersCount() {
        // root (1) + 6 x (alternative + attachment) (2...13) + 2 attachments (14, 15) + HTML (16): read;
        // one attachment more and it is the 17th.
        #expect(Self.shape(Self.bounce(attachments: 8, nested: 6))?.contains(.htmlOnly) == true)
        #expect(Self.shape(Self.bounce(attachments: 9, nested: 6))?.contains(.htmlOnly) == false)
    }
}
