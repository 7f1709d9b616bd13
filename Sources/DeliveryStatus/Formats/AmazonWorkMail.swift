/// Amazon WorkMail's reports: `X-Mailer` (or `X-Original-Mailer`) "Amazon WorkMail" on a message sent
/// through SES (`X-SES-Outgoing`).
///
/// The layout itself is RFC 3464, which the shared reader reads, so this recogniser names the family and
/// hands the reading over (`SmallFamilies.readAsUsual`). Signature from sisimai lhost-amazonworkmail-01
/// and Sisimai's Lhost::AmazonWorkMail.
struct AmazonWorkMailRecognizer: Recognizer {
    var name: String { "amazonworkmail" }

    /// `x-original-mailer` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xOriginalMailerField = HeaderNameFilter.Name("x-original-mailer", bit: 31)
    /// `x-mailer` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xMailerField = HeaderNameFilter.Name("x-mailer", bit: 6)
    /// `x-ses-outgoing` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xSesOutgoingField = HeaderNameFilter.Name("x-ses-outgoing", bit: 55)

    func claims(_ context: BounceContext) -> Bool {
        let mailer = (context.header(Self.xOriginalMailerField) ?? context.header(Self.xMailerField))?.trimmed
        return mailer == "Amazon WorkMail" && context.hasHeader(Self.xSesOutgoingField)
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
