import MailParsing

/// Microsoft Exchange Server 2007 and later (on premises): an "Undeliverable:" ("Non remis", "Non recapitabile") Subject with a `Content-Language` header and none of Exchange Online's cross-tenant headers.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-exchange2007-01 and Sisimai's Lhost::Exchange2007.
struct Exchange2007Recognizer: Recognizer {
    var name: String { "exchange2007" }

    func claims(_ context: BounceContext) -> Bool {
        Self.subjectPrefixes.contains { context.subject.hasPrefix($0) }
            && context.header("content-language") != nil
            && context.header("x-ms-exchange-crosstenant-originalarrivaltime") == nil
            && context.header("x-ms-exchange-crosstenant-fromentityheader") == nil
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }

    /// The subjects' beginnings in Exchange's languages (made once, not an array literal at every `claims`).
    private static let subjectPrefixes = ["Undeliverable:", "Non_remis_", "Non remis:", "Non remis :", "Non recapitabile:"]
}
