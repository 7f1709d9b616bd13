import MailParsing

/// Barracuda Spam Firewall's reports: a Subject mentioning "our bulk email filter".
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-barracuda-01 and Sisimai's Lhost::Barracuda.
struct BarracudaRecognizer: Recognizer {
    var name: String { "barracuda" }

    /// "our bulk email filter" in the Subject, for `claims` (`BounceContext.subjectContains`).
    @inline(__always) private static var subjectOurBulkEmailFilter: ClaimNeedle { ClaimNeedle("our bulk email filter") }

    func claims(_ context: BounceContext) -> Bool {
        context.subjectContains(Self.subjectOurBulkEmailFilter)
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
