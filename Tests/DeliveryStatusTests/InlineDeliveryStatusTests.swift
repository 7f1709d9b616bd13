@testable import DeliveryStatus
import MailParsing
import Testing

/// The DSN fields written into a report's text are found on the text's bytes: what the line-based
/// definition gives (the lines from the first `Reporting-MTA:`, `Final-Recipient:` or
/// `Original-Recipient:` line on, when a `Final-Recipient:` line follows; field names in any case).
@Suite struct InlineDeliveryStatusTests {
    static func byLines(_ text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var start: Int? = nil
        for (i, line) in lines.enumerated() {
            let lower = line.lowercased()
            if start == nil, lower.hasPrefix("reporting-mta:") || lower.hasPrefix("final-recipient:") || lower.hasPrefix("original-recipient:") {
                start = i
            }
            if line.lowercased().hasPrefix("final-recipient:") { return start.map { lines[$0...].joined(separator: "\n") } }
        }
        return nil
    }

    @Test(arguments: [
        "Hello\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; a@example.org\nStatus: 5.1.1\n",
        "Final-Recipient: rfc822; a@example.org\nAction: failed",
        "Original-Recipient: rfc822;b@example.org\nFINAL-RECIPIENT: rfc822; b@example.org\n",
        "FINAL-RECIPIENT: rfc822; c@example.org\nReporting-MTA: dns; x\n",
        "Reporting-MTA: dns; x\nno final line here\n", "", "\n", "\n\nfinal-recipient: rfc822; d@example.org",
        " Reporting-MTA: indented\nFinal-Recipient: rfc822; e@example.org\n", "Reporting-MTA: é\nfinal-recipient: ü@example.org\n",
        "R\nO\nF\nf\nFinal-Recipient:", "Reporting-MTA:\nReporting-MTA: second\nFinal-Recipient:\nFinal-Recipient: again\n",
        "reporting-mta: dns; lower\n\nfinal-recipient: rfc822; g@example.org\n", "r\no\nORIGINAL-RECIPIENT: x\nFinal-Recipient: y\n",
    ])
    func readsAsTheLinesDo(text: String) {
        let message = "From: mailer-daemon@example.org\nSubject: report\nContent-Type: text/plain\n\n" + text
        let context = BounceContext(ParsedMessage(parsing: ArraySlice(Array(message.utf8))))
        #expect(context.inlineDeliveryStatusText == Self.byLines(context.text), "\(text.debugDescription)")
    }

    /// Each delivery-status part is decoded once for `text`, `deliveryStatusText` and
    /// `allDeliveryStatusTexts`, asked in any order: each gives the part's own decoded text (two parts
    /// in different transfer encodings, one empty, line ends LF, CRLF or CR).
    @Test(arguments: [0, 1, 2], ["\n", "\r\n", "\r"])
    func deliveryStatusPartsDecodedOnce(order: Int, lineEnd: String) {
        let lines = [
            "From: mailer-daemon@example.org", "Subject: report",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"", "",
            "--b", "Content-Type: text/plain", "", "The mail system", "",
            "--b", "Content-Type: message/delivery-status", "",
            "Reporting-MTA: dns; a.example.org", "", "Final-Recipient: rfc822; a@example.org", "Status: 5.1.1", "",
            "--b", "Content-Type: message/delivery-status", "Content-Transfer-Encoding: base64", "",
            // "Final-Recipient: rfc822; b@example.org\nStatus: 4.2.2\n"
            "RmluYWwtUmVjaXBpZW50OiByZmM4MjI7IGJAZXhhbXBsZS5vcmcKU3RhdHVzOiA0LjIuMgo=", "",
            "--b", "Content-Type: message/delivery-status", "", "",
            "--b--", "",
        ]
        let message = lines.joined(separator: lineEnd)
        let context = BounceContext(ParsedMessage(parsing: ArraySlice(Array(message.utf8))))
        let expected = context.message.root.parts.filter { $0.contentType.is("message", "delivery-status") }.map { BounceContext.normalizedText(of: $0) }
        #expect(expected.count == 3)
        var text = "", first: String? = nil, all: [String] = []
        switch order {
        case 0: text = context.text; first = context.deliveryStatusText; all = context.allDeliveryStatusTexts
        case 1: all = context.allDeliveryStatusTexts; first = context.deliveryStatusText; text = context.text
        default: first = context.deliveryStatusText; text = context.text; all = context.allDeliveryStatusTexts
        }
        #expect(all == expected)
        #expect(first == expected.first)
        #expect(expected[0].contains("a@example.org") && expected[1].contains("b@example.org") && !expected[1].contains("\r"))
        #expect(text.contains(expected[0]) && text.contains(expected[1]) && !text.contains("\r"))
    }
}
