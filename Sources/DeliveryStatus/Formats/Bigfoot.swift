import MailParsing

/// Bigfoot's forwarding service: from `...@bigfoot.com>` or relayed through bigfoot.com.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-bigfoot-02 and Sisimai's Lhost::Bigfoot.
struct BigfootRecognizer: Recognizer {
    var name: String { "bigfoot" }

    /// "@bigfoot.com>" in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromBigfootCom: ClaimNeedle { ClaimNeedle("@bigfoot.com>") }

    func claims(_ context: BounceContext) -> Bool {
        context.fromContains(Self.fromBigfootCom) || context.receivedHas(.bigfootCom)
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
