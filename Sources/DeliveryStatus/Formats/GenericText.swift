import MailParsing

/// The strong fallback for bounces no dedicated recogniser claims: reads the text part for recipient
/// addresses standing near status codes, reply codes or diagnostic phrases.
struct GenericTextRecognizer: Recognizer {
    var name: String { "generic" }

    func claims(_ context: BounceContext) -> Bool {
        BounceSigns.looksLikeBounce(context)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        var recipients = TextScan.recipients(in: context)
        // Exchange/Office 365 put the remote server's reply in a section for administrators, away from
        // the address ("Remote Server returned '550 5.1.10 ...'", sisimai lhost-office365-01): a single
        // recipient without a code of its own gets it.
        // The phrase is searched for once in the text's bytes, not twice a line (sisimai bsd x3, 660
        // lines: 1,320 `Substring.contains`, 0.46M instructions).
        if recipients.count == 1, EnhancedStatusCode.find(in: recipients[0].diagnostic) == nil,
           let i = LineSearch.firstLine(containingAnyOf: Self.remoteServerReturned, in: context) {
            recipients[0].diagnostic += "\n" + context.lines[i]
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }

    /// The two spellings of Exchange's "Remote Server returned '...'" line, the upper-case one first.
    static let remoteServerReturned = ["Remote Server returned", "Remote server returned"]
}
