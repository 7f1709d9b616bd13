import MailParsing

/// The Courier mail server's delivery status notifications ("This is a delivery status notification
/// from ..., running the Courier mail server", a `message/delivery-status` part): read as RFC 3464,
/// then completed with the SMTP command of the transcript (`>>> RCPT TO:<...>`) and the reasons of
/// Courier's own wording for DNS failures.
///
/// Layout from sisimai lhost-courier-01..04 and Sisimai's Lhost::Courier; wording from Courier's
/// module.esmtp/esmtpclient.c as quoted there.
struct CourierRecognizer: Recognizer {
    var name: String { "courier" }

    /// "Courier mail server at " in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromCourierMailServerAt: ClaimNeedle { ClaimNeedle("Courier mail server at ") }
    /// "NOTICE: mail delivery status." in the Subject, for `claims` (`BounceContext.subjectContains`).
    @inline(__always) private static var subjectNoticeMailDeliveryStatus: ClaimNeedle { ClaimNeedle("NOTICE: mail delivery status.") }
    /// "WARNING: delayed mail." in the Subject, for `claims` (`BounceContext.subjectContains`).
    @inline(__always) private static var subjectWarningDelayedMail: ClaimNeedle { ClaimNeedle("WARNING: delayed mail.") }

    func claims(_ context: BounceContext) -> Bool {
        if context.fromContains(Self.fromCourierMailServerAt) { return true }
        if context.subjectContains(Self.subjectNoticeMailDeliveryStatus) || context.subjectContains(Self.subjectWarningDelayedMail) { return true }
        return context.withMessageID { $0.trimmedHasPrefix("<courier.") } == true
    }

    /// Courier's hard and soft DNS errors.
    static let phrases: [(Reason, [String])] = [
        (.hostUnknown, ["No such domain."]),                                   // lhost-courier-04
        (.systemError, ["This domain's DNS violates RFC 1035."]),
        (.networkError, ["DNS lookup failed."]),
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        guard var finding = RFC3464Recognizer().recognize(context) else { return nil }
        // ">>> RCPT TO:<kijitora@example.co.jp>" in the text (lhost-courier-01).
        let command = context.lines.first { $0.hasPrefix(">>> ") }.flatMap { line in
            SMTPCommand(rawValue: String(line.dropFirst(4).prefix(4)).uppercased())
        }
        for i in finding.recipients.indices {
            if let command { finding.recipients[i].command = command }
            if let r = TextReport.reason(in: finding.recipients[i].diagnostic, table: CourierRecognizer.phrases) {
                finding.recipients[i].reason = r
            }
        }
        return finding
    }
}
