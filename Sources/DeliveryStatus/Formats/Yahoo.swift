/// Yahoo! Mail's bounces (a qmail-like text or a DSN), told apart by Yahoo's `X-YMailISG` header.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-yahoo-01 and Sisimai's Lhost::Yahoo.
struct YahooRecognizer: Recognizer {
    var name: String { "yahoo" }

    /// `x-ymailisg` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xYmailisgField = HeaderNameFilter.Name("x-ymailisg", bit: 118)

    func claims(_ context: BounceContext) -> Bool {
        context.hasHeader(Self.xYmailisgField)
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
