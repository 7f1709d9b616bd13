@testable import DeliveryStatus
import MailParsing
import Testing

/// The DSN fields written into a report's text are found on the text's bytes: what the line-based
/// definition gives (the lines from the first `Reporting-MTA:`, `Final-Recipient:` or
/// `Original-Recipient:` line on, when a `Final-Recipient:` line in any case follows).
@Suite struct InlineDeliveryStatusTests {
    static func byLines(_ text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var start: Int? = nil
        for (i, line) in lines.enumerated() {
            if start == nil, line.hasPrefix("Reporting-MTA:") || line.hasPrefix("Final-Recipient:") || line.hasPrefix("Original-Recipient:") {
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
    ])
    func readsAsTheLinesDo(text: String) {
        let message = "From: mailer-daemon@example.org\nSubject: report\nContent-Type: text/plain\n\n" + text
        let context = BounceContext(ParsedMessage(parsing: ArraySlice(Array(message.utf8))))
        #expect(context.inlineDeliveryStatusText == Self.byLines(context.text), "\(text.debugDescription)")
    }
}
