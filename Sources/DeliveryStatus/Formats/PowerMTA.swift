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
    @inline(__always) private static var subjectDeliveryReport: ClaimNeedle { ClaimNeedle("Delivery report") }

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
        // Each group's two fields found where it is parsed (`forEachGroup`), their values made Strings
        // alone: an array of groups of (lower-cased name, value) Strings made of every field cost more
        // (bsd.mbox x3, 9 reports: `recognize` 0.48M -> 0.36M instructions, Main.main 238.55M -> 238.42M).
        // Found by the header section's own lookup, ASCII without case: neither name has a "k", so no
        // non-ASCII name lower-cases to one (U+212A KELVIN SIGN, as `DeliveryStatusFields.Name`).
        DeliveryStatusFields.forEachGroup(Array(text.utf8)[...]) { section in
            guard let final = section.first("final-recipient")?.valueString,
                  let category = section.first("x-powermta-bouncecategory")?.valueString.trimmed.lowercased(),
                  let reason = PowerMTARecognizer.categories[category] else { return }
            byRecipient[Addresses.bare(TypedValue(final).value).lowercased()] = reason
        }
        for i in finding.recipients.indices where finding.recipients[i].reason == nil {
            // A provisional reason: the status code and the text are weighed again against it.
            finding.recipients[i].reason = byRecipient[Addresses.bare(finding.recipients[i].recipient).lowercased()]
        }
        return finding
    }
}
