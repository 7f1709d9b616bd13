import MailParsing

/// Postfix (https://www.postfix.org/) bounce(8) reports: "This is the mail system at host ..." and a
/// standard DSN part with `X-Postfix-*` fields. Read by the RFC 3464 reader (with the text's
/// "(in reply to RCPT TO command)"); this recogniser gives the family its name in output.
/// Seen in sisimai lhost-postfix-*.
struct PostfixRecognizer: Recognizer {
    var name: String { "postfix" }

    func claims(_ context: BounceContext) -> Bool {
        guard context.deliveryStatusPart != nil else { return false }
        return context.deliveryStatusTextContains("X-Postfix-") || context.text.contains("This is the mail system at host")
    }

    func recognize(_ context: BounceContext) -> Finding? {
        let standard = RFC3464Recognizer().recognize(context)
        if let standard, !standard.recipients.isEmpty { return standard }
        // bounce(8) writes "--- Delivery report unavailable ---" and a DSN part without a recipient
        // group when it lost the queue file's recipient records (sisimai lhost-postfix-64): the
        // returned original's To is the recipient, as Sisimai takes it, with no status or text to
        // say why (reason undefined). A report that fails to reach its sender is still one.
        guard context.text.contains(Self.reportUnavailable), let address = TextReport.originalRecipient(context) else { return standard }
        var r = RecipientFinding(recipient: address)
        r.action = .failed
        // The DSN part's per-message fields (Reporting-MTA, Arrival-Date ...), read as the standard
        // reader reads them (it keeps none for a report without a recipient).
        var finding = RFC3464Recognizer.deliveryStatusBytes(of: context).map { RFC3464Recognizer.read(bytes: $0[...]) } ?? Finding()
        finding.recipients = [r]
        return finding
    }

    /// bounce(8)'s line in place of the per-recipient report.
    static let reportUnavailable = "--- Delivery report unavailable ---"
}
