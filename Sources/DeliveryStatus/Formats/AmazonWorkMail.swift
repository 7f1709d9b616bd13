/// Amazon WorkMail's reports: `X-Mailer` (or `X-Original-Mailer`) "Amazon WorkMail" on a message sent
/// through SES (`X-SES-Outgoing`).
///
/// The layout itself is RFC 3464, which the shared reader reads, so this recogniser names the family and
/// hands the reading over (`SmallFamilies.readAsUsual`). Signature from sisimai lhost-amazonworkmail-01
/// and Sisimai's Lhost::AmazonWorkMail.
struct AmazonWorkMailRecognizer: Recognizer {
    var name: String { "amazonworkmail" }

    func claims(_ context: BounceContext) -> Bool {
        let mailer = (context.header("x-original-mailer") ?? context.header("x-mailer"))?.trimmed
        return mailer == "Amazon WorkMail" && context.header("x-ses-outgoing") != nil
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
