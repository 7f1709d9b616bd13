import MailParsing

/// Port25 PowerMTA's DSNs, Subject "Delivery report": RFC 3464 (read by the shared reader) with
/// PowerMTA's own `X-PowerMTA-BounceCategory` per recipient, which names the cause when the remote
/// server's reply does not (lhost-powermta-02: "Status: 5.0.0 (undefined status)", category
/// `bad-mailbox`).
///
/// Signature and categories from sisimai lhost-powermta-01..03 and Sisimai's Lhost::PowerMTA.
struct PowerMTARecognizer: Recognizer {
    var name: String { "powermta" }

    /// "Delivery report" in the Subject, for `claims` (`BounceContext.subjectContains`).
    private static var subjectDeliveryReport: ClaimNeedle { ClaimNeedle("Delivery report") }

    func claims(_ context: BounceContext) -> Bool {
        context.subjectContains(Self.subjectDeliveryReport)
    }

    /// PowerMTA's bounce categories, with the reason each means.
    static let categories: [String: Reason] = [
        "bad-domain": .hostUnknown, "bad-mailbox": .userUnknown, "inactive-mailbox": .suspend,
        "message-expired": .expired, "no-answer-from-host": .networkError, "policy-related": .policyViolation,
        "quota-issues": .mailboxFull, "routing-errors": .systemError, "spam-related": .spamDetected,
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        guard var finding = SmallFamilies.readAsUsual(context) else { return nil }
        guard let text = context.deliveryStatusText else { return finding }
        var byRecipient: [String: Reason] = [:]
        for group in DeliveryStatusFields.groups(text) {
            guard let final = group.first("final-recipient"),
                  let category = group.first("x-powermta-bouncecategory")?.trimmed.lowercased(),
                  let reason = PowerMTARecognizer.categories[category] else { continue }
            byRecipient[Addresses.bare(TypedValue(final).value).lowercased()] = reason
        }
        for i in finding.recipients.indices where finding.recipients[i].reason == nil {
            // A provisional reason: the status code and the text are weighed again against it.
            finding.recipients[i].reason = byRecipient[Addresses.bare(finding.recipients[i].recipient).lowercased()]
        }
        return finding
    }
}
