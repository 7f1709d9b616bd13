import MailParsing

/// Amazon SES's receiving side (inbound SMTP): a DSN with `X-SES-Outgoing`, sent in the name of the
/// receiving domain (not from amazonses.com, which is SES's sending side) and reported by
/// `inbound-smtp.<region>.amazonaws.com`.
///
/// The layout itself is RFC 3464, which the shared reader reads, so this recogniser names the family and
/// hands the reading over (`SmallFamilies.readAsUsual`). Signature from sisimai lhost-receivingses-01..08
/// and Sisimai's Lhost::ReceivingSES.
struct ReceivingSESRecognizer: Recognizer {
    var name: String { "receivingses" }

    /// `x-ses-outgoing` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xSesOutgoingField = HeaderNameFilter.Name("x-ses-outgoing", bit: 55)

    func claims(_ context: BounceContext) -> Bool {
        context.hasHeader(Self.xSesOutgoingField) && !context.lowercaseFrom.contains("amazonses.com")
    }

    func recognize(_ context: BounceContext) -> Finding? {
        // "Reporting-MTA: dns; inbound-smtp.us-west-2.amazonaws.com" (lhost-receivingses-01)
        guard let dsn = context.deliveryStatusText, dsn.contains("inbound-smtp."), dsn.contains(".amazonaws.com") else { return nil }
        return SmallFamilies.readAsUsual(context)
    }
}
