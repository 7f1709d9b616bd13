@testable import DeliveryStatus
import MailParsing
import Testing

/// `BounceContext.text` of a multipart report: each piece on lines of its own (an LF after a piece
/// that does not end in one, none before it), the plain alternative, HTML stripped, and nothing from
/// the returned original on.
@Suite struct BounceTextTests {
    static func text(_ parts: [(type: String, body: String)], boundary: String = "b0") -> String {
        var message = "From: mailer-daemon@example.org\nSubject: report\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"\(boundary)\"\n\n"
        for part in parts { message += "--\(boundary)\nContent-Type: \(part.type)\n\n\(part.body)\n" }
        message += "--\(boundary)--\n"
        return BounceContext(ParsedMessage(parsing: ArraySlice(Array(message.utf8)))).text
    }

    /// (The LF before a boundary is the boundary's: a body "one\n" is "one", an empty one "".)
    @Test func piecesOnLinesOfTheirOwn() {
        #expect(Self.text([("text/plain", "one"), ("message/delivery-status", "Status: 5.1.1\n")]) == "one\nStatus: 5.1.1\n")
        #expect(Self.text([("text/plain", "one\n"), ("text/plain", ""), ("text/plain", "two")]) == "one\ntwo\n")
        #expect(Self.text([("text/plain", "a\r\nb\r"), ("message/feedback-report", "Feedback-Type: abuse")]) == "a\nb\nFeedback-Type: abuse\n")
        #expect(Self.text([("image/png", "xx"), ("text/html", "<p>hi</p>&amp;")]) == "\nhi\n&\n")
    }

    @Test(arguments: ["message/rfc822", "message/global", "message/global-headers", "message/rfc822-headers", "text/rfc822-headers"])
    func stopsAtTheOriginal(type: String) {
        #expect(Self.text([("text/plain", "before"), (type, "Subject: x\n\nbody"), ("text/plain", "after")]) == "before\n")
    }

    @Test func plainAlternativeChosen() {
        let inner = "Content-Type: multipart/alternative; boundary=\"b1\"\n\n--b1\nContent-Type: text/html\n\n<b>rich</b>\n"
            + "--b1\nContent-Type: text/plain\n\nplain\n--b1--"
        let message = "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n"
            + "--b0\n\(inner)\n--b0\nContent-Type: message/delivery-status\n\nAction: failed\n--b0--\n"
        #expect(BounceContext(ParsedMessage(parsing: ArraySlice(Array(message.utf8)))).text == "plain\nAction: failed\n")
    }
}
