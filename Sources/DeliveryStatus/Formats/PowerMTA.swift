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

    /// The value of the first field of `section` whose name, lower-cased (`String.lowercased()`, as
    /// `DeliveryStatusFields.Group` holds it), is `lowercaseName`: an ASCII name compared as bytes
    /// without case, any other lower-cased (U+212A KELVIN SIGN lower-cases to "k").
    static func firstValue(named lowercaseName: StaticString, in section: HeaderSection) -> String? {
        for field in section.fields {
            let ascii: Bool? = field.name.withUnsafeBufferPointer { name in
                ASCII.isASCII(name) ? ASCII.equals(name, ignoringCase: lowercaseName) : nil
            }
            if ascii ?? (field.nameString.lowercased() == lowercaseName.description) { return field.valueString }
        }
        return nil
    }

    func recognize(_ context: BounceContext) -> Finding? {
        guard var finding = SmallFamilies.readAsUsual(context) else { return nil }
        guard let text = context.deliveryStatusText else { return finding }
        var byRecipient: [String: Reason] = [:]
        // Each group's two fields found where it is parsed (`forEachGroup`), their values made Strings
        // alone: `DeliveryStatusFields.groups` lower-cased every name and made every value a String
        // (bsd.mbox x3, 9 reports: `recognize` 0.48M -> 0.36M instructions, Main.main 238.55M -> 238.42M).
        DeliveryStatusFields.forEachGroup(Array(text.utf8)[...]) { section in
            guard let final = Self.firstValue(named: "final-recipient", in: section),
                  let category = Self.firstValue(named: "x-powermta-bouncecategory", in: section)?.trimmed.lowercased(),
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
