/// SurfControl E-mail Filter's reports (`X-SEF-Processed`, `X-Mailer: SurfControl E-mail Filter`).
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-surfcontrol-01 and Sisimai's Lhost::SurfControl.
struct SurfControlRecognizer: Recognizer {
    var name: String { "surfcontrol" }

    /// `x-sef-processed` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xSefProcessedField = HeaderNameFilter.Name("x-sef-processed", bit: 156)
    /// `x-mailer` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xMailerField = HeaderNameFilter.Name("x-mailer", bit: 6)

    func claims(_ context: BounceContext) -> Bool {
        context.hasHeader(Self.xSefProcessedField) && context.header(Self.xMailerField)?.trimmed == "SurfControl E-mail Filter"
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
