import MailParsing

/// McAfee Email Gateway's reports: `X-NAI-Header: Modified by McAfee ...` and the Subject "Delivery Status".
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-mcafee-01 and Sisimai's Lhost::McAfee.
struct McAfeeRecognizer: Recognizer {
    var name: String { "mcafee" }

    /// `x-nai-header` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xNaiHeaderField = HeaderNameFilter.Name("x-nai-header", bit: 7)

    /// `claims` holds only for a subject "Delivery Status" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "D" }

    func claims(_ context: BounceContext) -> Bool {
        context.subjectEquals("Delivery Status") && context.header(Self.xNaiHeaderField)?.contains("Modified by McAfee") == true
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
