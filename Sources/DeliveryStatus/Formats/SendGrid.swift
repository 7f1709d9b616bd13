/// SendGrid's reports: `Return-Path: <apps@sendgrid.net>` and Postfix's "Undelivered Mail Returned to Sender".
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-sendgrid-01 and Sisimai's Lhost::SendGrid.
struct SendGridRecognizer: Recognizer {
    var name: String { "sendgrid" }

    /// `return-path` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let returnPathField = HeaderNameFilter.Name("return-path", bit: 74)

    /// `claims` holds only for a subject "Undelivered Mail Returned to Sender" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "U" }

    func claims(_ context: BounceContext) -> Bool {
        context.subjectEquals("Undelivered Mail Returned to Sender") && context.headerTrimmedEquals(Self.returnPathField, "<apps@sendgrid.net>")
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
