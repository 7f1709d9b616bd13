/// m-FILTER (Digital Arts): `X-Mailer: m-FILTER` and the Subject "failure notice".
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-mfilter-01 and Sisimai's Lhost::mFILTER.
struct MFILTERRecognizer: Recognizer {
    var name: String { "mfilter" }

    /// `x-mailer` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xMailerField = HeaderNameFilter.Name("x-mailer", bit: 6)

    func claims(_ context: BounceContext) -> Bool {
        context.subjectEquals("failure notice") && context.header(Self.xMailerField)?.trimmed == "m-FILTER"
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
