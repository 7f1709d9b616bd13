/// The strong fallback for bounces no dedicated recogniser claims: reads the text part for recipient
/// addresses standing near status codes, reply codes or diagnostic phrases.
struct GenericTextRecognizer: Recognizer {
    var name: String { "generic" }

    func claims(_ context: BounceContext) -> Bool {
        BounceSigns.looksLikeBounce(context)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        let recipients = TextScan.recipients(in: context.lines, excluding: context)
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
