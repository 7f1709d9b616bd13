import MailParsing

/// Microsoft Exchange Server 2007 and later (on premises): an "Undeliverable:" ("Non remis", "Non recapitabile") Subject with a `Content-Language` header and none of Exchange Online's cross-tenant headers.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-exchange2007-01 and Sisimai's Lhost::Exchange2007.
struct Exchange2007Recognizer: Recognizer {
    var name: String { "exchange2007" }

    /// `content-language` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let contentLanguageField = HeaderNameFilter.Name("content-language", bit: 160)
    /// `x-ms-exchange-crosstenant-originalarrivaltime` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xMsExchangeCrosstenantOriginalarrivaltimeField = HeaderNameFilter.Name("x-ms-exchange-crosstenant-originalarrivaltime", bit: 124)
    /// `x-ms-exchange-crosstenant-fromentityheader` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xMsExchangeCrosstenantFromentityheaderField = HeaderNameFilter.Name("x-ms-exchange-crosstenant-fromentityheader", bit: 162)

    /// `claims` holds only for a subject "Undeliverable:" or "Non ..." (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "UN" }

    func claims(_ context: BounceContext) -> Bool {
        (context.subjectText.hasPrefix("Undeliverable:") || context.subjectText.hasPrefix("Non_remis_") || context.subjectText.hasPrefix("Non remis:")
            || context.subjectText.hasPrefix("Non remis :") || context.subjectText.hasPrefix("Non recapitabile:"))
            && context.hasHeader(Self.contentLanguageField)
            && !context.hasHeader(Self.xMsExchangeCrosstenantOriginalarrivaltimeField)
            && !context.hasHeader(Self.xMsExchangeCrosstenantFromentityheaderField)
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
