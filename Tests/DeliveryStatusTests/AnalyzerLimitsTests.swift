import MailParsing
import Testing
@testable import DeliveryStatus

/// The analyzer's documented limits on what one message can make it report, and recognisers that stay
/// linear on long reports (spam's bounces are long where real ones are short).
@Suite struct AnalyzerLimitsTests {
    /// A Sendmail text bounce (no delivery-status part, the shape of sisimai lhost-sendmail-01's text)
    /// listing `addresses` and with `transcript` as its transcript.
    static func sendmailBounce(_ transcript: String, addresses: [String] = []) -> [UInt8] {
        let text = """
        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>
        To: <sender@example.org>
        Subject: Returned mail: see transcript for details
        Date: Wed, 16 Oct 2013 14:15:35 +0900
        Message-Id: <r9G5FZh9018575@mx.example.jp>
        Auto-Submitted: auto-generated (failure)

        The original message was received at Wed, 16 Oct 2013 14:15:34 +0900

           ----- The following addresses had permanent fatal errors -----
        \(addresses.map { "<\($0)>" }.joined(separator: "\n"))

           ----- Transcript of session follows -----
        \(transcript)
        """
        return Array(text.utf8)
    }

    /// Sendmail's list of addresses has no bound of its own: the analyzer's holds.
    @Test func recipientsAreCutAtTheLimit() {
        let addresses = (0..<1_500).map { "user\($0)@example.net" }
        let report = BounceAnalyzer().analyze(bytes: Self.sendmailBounce("550 5.1.1 <user1@example.net>... User unknown",
                                                                        addresses: addresses)[...])
        #expect(report.format == "sendmail")
        #expect(report.recipients.count == BounceAnalyzer.maxRecipients)
        #expect(report.recipients.first?.recipient == "user0@example.net")
        #expect(report.recipients.last?.recipient == "user999@example.net")
    }

    @Test func longDiagnosticsAreCutAtACharacter() {
        // "é" is two bytes: at an odd offset one straddles the limit.
        let filler = "x" + String(repeating: "é", count: 20_000)
        let report = BounceAnalyzer().analyze(bytes: Self.sendmailBounce("550 5.1.1 <user@example.net>... " + filler)[...])
        let diagnostic = report.recipients.first?.diagnostic ?? ""
        #expect(report.recipients.count == 1)
        #expect(diagnostic.utf8.count <= BounceAnalyzer.maxDiagnosticBytes)
        #expect(diagnostic.utf8.count > BounceAnalyzer.maxDiagnosticBytes - 100)
        #expect(diagnostic.hasSuffix("é"))
        #expect(BounceAnalyzer.bounded("ab") == "ab")
        let cut = BounceAnalyzer.bounded(String(repeating: "a", count: BounceAnalyzer.maxDiagnosticBytes - 1) + "日本")
        #expect(cut == String(repeating: "a", count: BounceAnalyzer.maxDiagnosticBytes - 1))
    }

    /// A transcript of 20,000 lines for one recipient, the RCPT named once at its start (each line
    /// searched the pending lines and the records again: quadratic).
    @Test func longTranscriptsAreReadInOnePass() {
        var lines = [">>> RCPT To:<user@example.net>"]
        lines += (0..<20_000).map { "<<< 451 4.3.0 line \($0) of a long reply" }
        lines.append("550 5.1.1 <user@example.net>... User unknown")
        let report = BounceAnalyzer().analyze(bytes: Self.sendmailBounce(lines.joined(separator: "\n"))[...])
        #expect(report.recipients.map(\.recipient) == ["user@example.net"])
        #expect(report.recipients.first?.diagnostic.hasPrefix(">>> RCPT To:<user@example.net>") == true)
        // Quoted lines ("> " many times over) are unquoted on the line's slice.
        let quoted = String(repeating: "> ", count: 50_000) + "550 5.1.1 <user@example.net>... User unknown"
        let unquoted = BounceAnalyzer().analyze(bytes: Self.sendmailBounce(quoted)[...])
        #expect(unquoted.recipients.map(\.recipient) == ["user@example.net"])
    }
    /// An Exchange 2003 recipient followed by 100,000 lines and no `MSEXCH:` line: its diagnostic is
    /// those lines joined, cut at the limit. (Joined anew at each line, a designed message of this
    /// shape took 1.5 s, and twice as many lines four times that.)
    @Test func longRecipientTextsAreJoinedInPlace() {
        let lines = (0..<100_000).map { "line \($0) of a long text" }
        let text = """
        From: postmaster@example.co.jp
        To: shironeko@example.jp
        Subject: Undeliverable: email bounce
        Date: Thu, 29 Apr 2007 16:51:56 -0500
        X-MS-Embedded-Report:
        X-Mailer: Internet Mail Service (5.5.2657.72)

        Your message

        did not reach the following recipient(s):

        kijitora@example.co.jp on Thu, 29 Apr 2007 16:51:51 -0500
        \(lines.map { "    " + $0 }.joined(separator: "\n"))
        """
        let report = BounceAnalyzer().analyze(bytes: Array(text.utf8)[...])
        #expect(report.format == "exchange2003")
        #expect(report.recipients.map(\.recipient) == ["kijitora@example.co.jp"])
        let diagnostic = report.recipients.first?.diagnostic ?? ""
        #expect(diagnostic.hasPrefix("line 0 of a long text line 1 of a long text line 2"))
        #expect(diagnostic.utf8.count <= BounceAnalyzer.maxDiagnosticBytes)
        #expect(diagnostic.utf8.count > BounceAnalyzer.maxDiagnosticBytes - 100)
    }

    /// An IMail bounce (sisimai lhost-imailserver-06's shape) whose server response runs to 100,000
    /// lines: the recipient's diagnostic is the response joined, cut at the limit. (The response was
    /// given to the recipient at each line, so each next line's append copied the whole text: 0.73 s for
    /// these lines, four times as long for twice as many.)
    @Test func longServerResponsesAreJoinedOnce() {
        let lines = (0..<100_000).map { "550-line \($0) of a long response" }
        let text = """
        From: "Postmaster" <postmaster@mail.example.com>
        To: <shironeko@neko.example.com>
        Subject: Undeliverable Mail
        Date: Thu, 29 Apr 2008 14:45:56 +0900
        X-Mailer: <SMTP32 v9.23>

        undeliverable to kijitora@example.jp

        Body of message generated response:
        \(lines.joined(separator: "\n"))
        """
        let report = BounceAnalyzer().analyze(bytes: Array(text.utf8)[...])
        #expect(report.format == "imailserver")
        #expect(report.recipients.map(\.recipient) == ["kijitora@example.jp"])
        let diagnostic = report.recipients.first?.diagnostic ?? ""
        // The reply code's continuation marks ("550-") are taken out after the cut.
        #expect(diagnostic.hasPrefix("Body of message generated response: line 0 of a long response line 1"),
                "\(diagnostic.prefix(120))")
        #expect(diagnostic.utf8.count <= BounceAnalyzer.maxDiagnosticBytes)
        #expect(diagnostic.utf8.count > BounceAnalyzer.maxDiagnosticBytes * 3 / 4)
    }

    /// A DSN whose Remote-MTA runs to 100,000 bytes: the recipient's remote MTA is cut at the limit, at
    /// a character's start (it was as long as the field).
    @Test func longRemoteMTAsAreCut() {
        let text = """
        From: MAILER-DAEMON@example.org
        To: user@example.net
        Subject: Undelivered Mail Returned to Sender
        Date: Thu, 1 Jan 2026 00:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        This is the mail system.

        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.org

        Final-Recipient: rfc822; user@example.com
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mx\(String(repeating: "é", count: 50_000)).example.com
        Diagnostic-Code: smtp; 550 5.1.1 unknown user

        --B--
        """
        let report = BounceAnalyzer().analyze(bytes: Array(text.utf8)[...])
        #expect(report.format == "rfc3464")
        let mta = report.recipients.first?.remoteMTA ?? ""
        #expect(mta.hasPrefix("mxé"))
        #expect(mta.utf8.count <= BounceAnalyzer.maxRemoteMTABytes)
        #expect(mta.utf8.count >= BounceAnalyzer.maxRemoteMTABytes - 1)
        #expect(mta.hasSuffix("é"))
    }

    /// `TextReport.appendJoined` appends with a space, in place, until the text passes the limit.
    @Test func joinedTextsStopPastTheLimit() {
        var text = ""
        TextReport.appendJoined("a", to: &text)
        TextReport.appendJoined("b", to: &text)
        #expect(text == "a b")
        var atLimit = String(repeating: "x", count: BounceAnalyzer.maxDiagnosticBytes)
        TextReport.appendJoined("y", to: &atLimit)
        #expect(atLimit.hasSuffix("x y"))
        var past = String(repeating: "x", count: BounceAnalyzer.maxDiagnosticBytes + 1)
        TextReport.appendJoined("y", to: &past)
        #expect(past.utf8.count == BounceAnalyzer.maxDiagnosticBytes + 1)
    }
}
