/// Sendmail's reports with a DSN part: the text's "----- The following addresses had permanent fatal
/// errors -----" and "----- Transcript of session follows -----" sections beside `message/delivery-status`.
/// Read by the RFC 3464 reader; this recogniser gives the family its name in output (reports without a
/// DSN part go to `SendmailTextRecognizer`). Seen in sisimai lhost-sendmail-*.
struct SendmailDSNRecognizer: Recognizer {
    var name: String { "sendmail" }

    func claims(_ context: BounceContext) -> Bool {
        guard context.deliveryStatusPart != nil else { return false }
        return context.hasSendmailSectionLine
    }

    func recognize(_ context: BounceContext) -> Finding? {
        let standard = RFC3464Recognizer().recognize(context)
        if let standard, standard.recipients.contains(where: { Addresses.isAddress($0.recipient) }) { return standard }
        // A DSN part whose records name no address ("Final-Recipient: RFC822; @mx.example.org",
        // sisimai lhost-sendmail-15: the analyzer drops such a record, and the report was no bounce)
        // leaves the text's sections, which name it, to the text reader.
        if let text = SendmailTextRecognizer().recognize(context), !text.recipients.isEmpty { return text }
        return standard
    }
}
