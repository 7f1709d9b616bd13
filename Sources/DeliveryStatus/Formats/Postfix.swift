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

    func recognize(_ context: BounceContext) -> Finding? { RFC3464Recognizer().recognize(context) }
}
