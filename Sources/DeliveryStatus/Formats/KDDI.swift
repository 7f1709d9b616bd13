import MailParsing

/// KDDI (au one net, dion) reports other than EZweb's own: from `no-reply@...dion.ne.jp`, `Reply-To: no-reply@app.auone-net.jp` or relayed by ezweb.ne.jp / au.com.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-kddi-01 and Sisimai's Lhost::KDDI.
struct KDDIRecognizer: Recognizer {
    var name: String { "kddi" }

    func claims(_ context: BounceContext) -> Bool {
        KDDIRecognizer.matches(context)
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }

    /// `reply-to` with its bit in the header-name filter, for `matches` (`BounceContext.header(_:)`).
    private static let replyToField = HeaderNameFilter.Name("reply-to", bit: 98)

    /// "no-reply@" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromNoReply: ClaimNeedle { ClaimNeedle("no-reply@") }
    /// ".dion.ne.jp" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromDionNeJp: ClaimNeedle { ClaimNeedle(".dion.ne.jp") }

    static func matches(_ context: BounceContext) -> Bool {
        // ".dion.ne.jp" first: most senders lack one of its bytes, where most have those of "no-reply@".
        if context.fromContainsLowercased(Self.fromDionNeJp), context.fromContainsLowercased(Self.fromNoReply) { return true }
        if context.headerTrimmedEquals(replyToField, "no-reply@app.auone-net.jp") { return true }
        return context.receivedHas(.ezwebHost) || context.receivedHas(.auCom)
    }
}
