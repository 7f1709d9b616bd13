import MailParsing

/// Mimecast's gateway, Subject "[Postmaster] Email Delivery Failure" from a postmaster address, in its two
/// forms: an alert in plain text ("An email that you attempted to send to the following address could not
/// be delivered:", the address after "--", then "The problem appears to be :" and "Additional information
/// follows :", each text after "--"; sisimai lhost-mimecast-01), read here; and a standard DSN
/// (lhost-mimecast-02), which the shared reader reads (`SmallFamilies.readAsUsual`).
///
/// The alert speaks of one recipient ("you will receive one of these messages for each one which failed").
struct MimecastRecognizer: Recognizer {
    var name: String { "mimecast" }

    /// "Email Delivery Failure" in the Subject (`BounceContext.subjectContains`; a filter's tag such as
    /// "[Postmaster]" in front changes nothing).
    @inline(__always) private static var subjectDeliveryFailure: ClaimNeedle { ClaimNeedle("Email Delivery Failure") }
    /// "postmaster" in the lower-cased From field.
    @inline(__always) private static var fromPostmaster: ClaimNeedle { ClaimNeedle("postmaster") }

    func claims(_ context: BounceContext) -> Bool {
        context.subjectContains(Self.subjectDeliveryFailure) && context.fromContainsLowercased(Self.fromPostmaster)
    }

    /// The alert's opening line, up to the address list.
    static let alertLine = "An email that you attempted to send to the following address"
    /// The headings of the alert's two texts of why.
    static let whyHeadings = ["The problem appears to be", "Additional information follows"]
    /// The line after the texts of why.
    static let closingLine = "This condition occurred after"

    func recognize(_ context: BounceContext) -> Finding? {
        guard context.text.contains(Self.alertLine) else {
            guard context.deliveryStatusPart != nil else { return nil }
            return SmallFamilies.readAsUsual(context)
        }
        var address: String? = nil
        var diagnostic = ""
        var inAddresses = false, inWhy = false
        for line in context.lines {
            let t = line.trimmed
            if t.hasPrefix(Self.alertLine) {
                inAddresses = true
            } else if Self.whyHeadings.contains(where: { t.hasPrefix($0) }) {
                (inAddresses, inWhy) = (false, true)
            } else if t.hasPrefix(Self.closingLine) {
                break
            } else if t.isEmpty {
                continue
            } else if inAddresses, address == nil, t.hasPrefix("--") {
                address = TextReport.firstAddress(line)
            } else if inWhy {
                // "-- 5.4.1 Recipient address rejected: Access denied ...": the text after the dashes.
                TextReport.appendJoined(t.hasPrefix("--") ? t.dropFirst(2).trimmed : t, to: &diagnostic)
            }
        }
        guard let address else { return nil }
        var r = RecipientFinding(recipient: address)
        r.action = .failed
        r.diagnostic = diagnostic
        return Finding(recipients: [r])
    }
}
