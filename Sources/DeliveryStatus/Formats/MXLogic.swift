import MailParsing

/// McAfee SaaS (MX Logic) reports, marked by `X-MX-Bounce`, `X-MXL-Hash` or `X-MXL-NoteHash`.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-mxlogic-01 and Sisimai's Lhost::MXLogic.
struct MXLogicRecognizer: Recognizer {
    var name: String { "mxlogic" }

    /// The three MXLogic fields' bits in the header-name filter: one test for the three (nearly always
    /// absent) before each is looked up.
    private static let mxLogicFields = HeaderNameFilter.Names(["x-mx-bounce", "x-mxl-hash", "x-mxl-notehash"])

    /// ".mxlogic.net" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromMxlogicNet: ClaimNeedle { ClaimNeedle(".mxlogic.net") }

    func claims(_ context: BounceContext) -> Bool {
        (context.mayHaveAnyHeader(of: Self.mxLogicFields) && (context.header("x-mx-bounce") != nil || context.header("x-mxl-hash") != nil
            || context.header("x-mxl-notehash") != nil))
            || context.fromContainsLowercased(Self.fromMxlogicNet)   // lhost-mxlogic-03: only the sender says so
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
