import MailParsing

/// Microsoft Office 365 / Exchange Online non-delivery reports read from their text ("Delivery has
/// failed to these recipients or groups:", `address<mailto:address>`, "Diagnostic information for
/// administrators:" with "Remote Server returned '550 5.1.10 ...'"), for the reports that carry no
/// usable `message/delivery-status` part; the others are left to the RFC 3464 reader.
///
/// Layout and status table from sisimai lhost-office365-01, -02 and Sisimai's Lhost::Office365.
struct Office365Recognizer: Recognizer {
    var name: String { "office365" }

    /// "Undeliverable:" in the Subject, for `claims` (`BounceContext.subjectContains`).
    @inline(__always) private static var subjectUndeliverable: ClaimNeedle { ClaimNeedle("Undeliverable:") }

    /// Two or more Exchange Online signs: an "Undeliverable:" Subject, `X-MS-Exchange-Message-Is-Ndr`
    /// (lhost-office365-01), the anti-spam and cross-tenant headers, an outlook.com Received line.
    func claims(_ context: BounceContext) -> Bool {
        var signs = context.subjectContains(Self.subjectUndeliverable) ? 1 : 0
        // The seven names asked one by one only when the filter may hold one of them (most messages
        // have none: bsd.mbox x3, 1,530 calls, 10,710 `mayContain` questions, ~0.8M instructions).
        // (Counted in one walk of a `HeaderNameTable` of the seven instead: no gain, bsd.mbox x3
        // Main.main within 0.03M.)
        if context.mayHaveAnyHeader(of: Self.exchangeOnlineFieldNames) {
            for h in Self.exchangeOnlineFields where context.hasHeader(h) {
                signs += 1
            }
        }
        // "Message-ID: <...@NEKOCHAN.example.prod.outlook.com>" (lhost-office365-02)
        // Both end in "outlook.com", searched for first: one search of most Message-IDs, not two.
        // A "k" looked for first (memchr): most Message-IDs have none.
        if context.withMessageID({ $0.has(UInt8(ascii: "k")) && $0.contains("outlook.com") && ($0.contains(".outbound.protection.outlook.com") || $0.contains(".prod.outlook.com")) })
            == true { signs += 1 }
        // The Received fields, searched last, make at most one sign: asked only when it decides.
        if signs != 1 { return signs >= 2 }
        return context.receivedContains(".outbound.protection.outlook.com") || context.receivedContains(".prod.outlook.com")
    }

    /// Exchange Online's own header fields, each a sign (made once: the array literal in `claims` was
    /// built and destroyed at every call, bsd.mbox x3 1,530 calls).
    private static let exchangeOnlineFieldList = [
        "x-ms-exchange-message-is-ndr", "x-microsoft-antispam-prvs", "x-exchange-antispam-report-test",
        "x-exchange-antispam-report-cfa-test", "x-ms-exchange-crosstenant-originalarrivaltime",
        "x-ms-exchange-crosstenant-fromentityheader", "x-ms-exchange-transport-crosstenantheadersstamped",
    ]
    /// `exchangeOnlineFieldList`, each name with its filter bits (`hasHeader` hashed each String:
    /// bsd.mbox x3, 1,134 questions, 0.12M instructions).
    private static let exchangeOnlineFields = exchangeOnlineFieldList.map(HeaderNameFilter.Name.init)
    /// `exchangeOnlineFieldList` as filter bits.
    private static let exchangeOnlineFieldNames = HeaderNameFilter.Names(exchangeOnlineFieldList)

    /// Exchange Online's own status codes, with the reason each means (Sisimai's table, which follows
    /// Microsoft's "Email non-delivery reports in Exchange Online").
    static func reason(for status: EnhancedStatusCode) -> Reason? {
        let (c, s, d) = (status.statusClass, status.subject, status.detail)
        switch (c, s) {
        case (4, 4): return d == 7 || d == 316 ? .expired : d == 312 ? .networkError : nil
        case (4, 7):
            if d == 26 { return .securityError }
            if (500...699).contains(d) || (850...899).contains(d) { return .blocked }
            return nil
        case (5, 0): return d == 350 ? .contentError : nil
        case (5, 1): return d == 10 ? .userUnknown : nil                  // lhost-office365-01
        case (5, 4):
            switch d { case 1: return .noRelaying; case 6, 312: return .networkError; case 316: return .expired; default: return nil }
        case (5, 6): return d == 11 ? .contentError : nil
        case (5, 7):
            switch d {
            case 1, 12, 13, 124, 133...136, 511: return .rejected
            case 23, 506, 507, 606...649: return .blocked
            case 25: return .networkError
            case 501...503: return .spamDetected
            case 504, 505: return .filtered
            case 508, 700...749: return .tooManyConn
            case 509, 512, 57: return .securityError
            case 510: return .notAccept
            default: return nil
            }
        default: return nil
        }
    }

    func recognize(_ context: BounceContext) -> Finding? {
        // A report whose DSN names a recipient is left to the RFC 3464 reader, which takes the reading made here.
        if RFC3464Recognizer.firstPartNamesRecipient(context) { return nil }
        let lines = TextReport.section(context, start: ["Delivery has failed to these recipients or groups:", "Original Message Details"],
                                       stop: ["Original message headers", "Original Message Headers", "Message Hops"])
        var recipients: [RecipientFinding] = []
        var diagnostic = ""
        var inDiagnostic = false
        for line in lines {
            let t = line.trimmed
            if t.isEmpty { continue }
            // "kijitora@example.com<mailto:kijitora@example.com>" (-01), "Recipient Address: ..."
            if let m = t.firstRange(of: "<mailto:"), t.hasSuffix(">"), let a = TextReport.firstAddress(t[m.upperBound...]) {
                if recipients.count < 500 { recipients.append(RecipientFinding(recipient: a)) }
                continue
            }
            if t.hasPrefix("Recipient Address:"), let a = TextReport.firstAddress(line) {
                if recipients.count < 500 { recipients.append(RecipientFinding(recipient: a)) }
                continue
            }
            if t.hasPrefix("Diagnostic information for administrators:") || t.hasPrefix("Error Details") {
                inDiagnostic = true
                diagnostic = t
                continue
            }
            if inDiagnostic { diagnostic += " " + t }
        }
        guard !recipients.isEmpty else { return nil }
        let status = EnhancedStatusCode.find(in: diagnostic)
        for i in recipients.indices {
            recipients[i].diagnostic = diagnostic
            recipients[i].status = status
            if diagnostic.contains("unknown recipient or mailbox unavailable ->") { recipients[i].command = .rcpt }
            if let status { recipients[i].reason = Office365Recognizer.reason(for: status) }
        }
        return Finding(recipients: recipients)
    }
}
