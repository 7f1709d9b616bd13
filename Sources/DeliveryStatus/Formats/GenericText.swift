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
        return recipients.isEmpty ? Self.reportWithoutRecipients(context) : Finding(recipients: recipients)
    }

    /// A non-delivery report that names no recipient in a form the text readers know (damaged, or in
    /// an unknown wording: backscatter-dev 1109, an MMSC's "No valid recipients for this MM"; 1373 and
    /// 3541, reports in Sendmail's wording whose address lines are gone), told by three signs together:
    /// a mailer daemon's sender or subject, a non-delivery phrase in its text, and a returned original.
    /// A bounce with no recipient record: for whom it failed is not guessed (the original's To need not
    /// be the envelope recipient), but the original it returned can still be judged. Nil when a sign is
    /// missing.
    static func reportWithoutRecipients(_ context: BounceContext) -> Finding? {
        guard BounceSigns.isFromMailerDaemon(context) else { return nil }
        let text = context.text
        guard nonDeliveryPhrases.contains(where: { text.containsIgnoringCase($0) }) else { return nil }
        let original = OriginalLocator.locate(context)
        guard original.presence != .none else { return nil }
        return Finding(kind: .bounce, original: original)
    }

    /// What a non-delivery report's text says of its failure, in common MTA wordings (lower case,
    /// compared ignoring ASCII case). A sender's or subject's sign alone is not enough: a postmaster
    /// returning a message it was sent (an abuse desk's reply) says none of these.
    static let nonDeliveryPhrases = [
        "could not be delivered", "was not delivered", "undeliverable", "delivery errors", "fatal errors",
        "delivery has failed", "delivery failed", "permanent error", "no valid recipients",
    ]

    /// The two spellings of Exchange's "Remote Server returned '...'" line, the upper-case one first.
    static let remoteServerReturned = ["Remote Server returned", "Remote server returned"]
}
