/// Amazon WorkMail's reports: `X-Mailer` (or `X-Original-Mailer`) "Amazon WorkMail" on a message sent
/// through SES (`X-SES-Outgoing`).
///
/// The layout itself is RFC 3464, which the shared reader reads, so this recogniser names the family and
/// hands the reading over (`SmallFamilies.readAsUsual`). Signature from sisimai lhost-amazonworkmail-01
/// and Sisimai's Lhost::AmazonWorkMail.
struct AmazonWorkMailRecognizer: Recognizer {
    var name: String { "amazonworkmail" }

    /// `x-original-mailer`'s bit in the header-name filter, for `claims` (`BounceContext.header(_:filteredBy:)`).
    private static let xOriginalMailerField = HeaderNameFilter.Names(["x-original-mailer"])
    /// `x-mailer`'s bit in the header-name filter, for `claims` (`BounceContext.header(_:filteredBy:)`).
    private static let xMailerField = HeaderNameFilter.Names(["x-mailer"])
    /// `x-ses-outgoing`'s bit in the header-name filter, for `claims` (`BounceContext.header(_:filteredBy:)`).
    private static let xSesOutgoingField = HeaderNameFilter.Names(["x-ses-outgoing"])

    func claims(_ context: BounceContext) -> Bool {
        let mailer = (context.header("x-original-mailer", filteredBy: Self.xOriginalMailerField) ?? context.header("x-mailer", filteredBy: Self.xMailerField))?.trimmed
        return mailer == "Amazon WorkMail" && context.header("x-ses-outgoing", filteredBy: Self.xSesOutgoingField) != nil
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
