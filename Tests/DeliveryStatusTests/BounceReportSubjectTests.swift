import DeliveryStatus
import MailParsing
import Testing

/// `BounceReport.subject`: the message's own Subject, unfolded and RFC 2047 decoded, for every kind.
struct BounceReportSubjectTests {
    static func report(_ text: String) -> BounceReport {
        let bytes = Array(text.utf8)
        return BounceAnalyzer().analyze(bytes: bytes[...])
    }

    static let dsnBody = """
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"

        --b
        Content-Type: text/plain

        The mail system could not deliver your message.
        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; nobody@example.net
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 User unknown

        --b--

        """

    @Test func aBounceCarriesItsDecodedFoldedSubject() {
        let report = Self.report("From: MAILER-DAEMON@example.net\nSubject: =?UTF-8?B?VW5kZWxpdmVyZWQgTWFpbA==?=\n returned\n" + Self.dsnBody)
        #expect(report.kind == .bounce)
        #expect(report.subject == "Undelivered Mail returned")
    }

    @Test func aMessageThatIsNoBounceCarriesItToo() {
        let report = Self.report("From: a@example.org\nSubject: Lunch on =?ISO-8859-1?Q?Fr=E9day?=\n\nSee you.\n")
        #expect(report.kind == .notBounce)
        #expect(report.subject == "Lunch on Fréday")
    }

    @Test func noSubjectFieldIsNil() {
        #expect(Self.report("From: a@example.org\n\nNo subject here.\n").subject == nil)
        #expect(Self.report("From: MAILER-DAEMON@example.net\n" + Self.dsnBody).subject == nil)
        #expect(Self.report("From: a@example.org\nSubject:\n\nEmpty subject.\n").subject == "")
    }
}
