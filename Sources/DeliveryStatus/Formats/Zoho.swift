import MailParsing

/// Zoho Mail (`X-ZohoMail` header): "This message was created automatically by mail delivery
/// software." then `address reason, ERROR_CODE :550, ...` lines, or a delay warning's
/// `[Status: Error, Address: <address>, ResponseCode 421, , Host not reachable.]`.
///
/// Layout from sisimai lhost-zoho-01..05 and Sisimai's Lhost::Zoho.
struct ZohoRecognizer: Recognizer {
    var name: String { "zoho" }

    /// `x-zohomail` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xZohomailField = HeaderNameFilter.Name("x-zohomail", bit: 113)

    func claims(_ context: BounceContext) -> Bool { context.hasHeader(Self.xZohomailField) }

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["This message was created automatically by mail delivery"],
                                       stop: ["Received:from ", "Received: from "])
        var recipients: [RecipientFinding] = []
        for line in lines where recipients.count < 500 {
            let t = line.trimmed
            if t.hasPrefix("[Status: "), let open = t.firstIndex(of: "<"), let a = TextReport.firstAddress(t[open...]) {
                // lhost-zoho-04 (a delay warning)
                var r = RecipientFinding(recipient: a)
                r.diagnostic = t
                recipients.append(r)
            } else if let space = t.firstIndex(of: " "), let a = TextReport.firstAddress(t[..<space]), t[..<space] == a {
                // "kijitora@example.co.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 ..." (-01)
                var r = RecipientFinding(recipient: a)
                r.diagnostic = t[space...].trimmed
                recipients.append(r)
            }
        }
        for i in recipients.indices where recipients[i].diagnostic.contains("Host not reachable") {
            recipients[i].reason = .expired   // -04, -05
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
