import MailParsing

/// Active!hunter (an anti-spam gateway, `X-AHMAILID` header): a sendmail-like report with
/// `>>> address <address>` lines after "----- The following addresses had permanent fatal errors -----".
///
/// Layout from sisimai lhost-activehunter-01, -02 and Sisimai's Lhost::Activehunter.
struct ActivehunterRecognizer: Recognizer {
    var name: String { "activehunter" }

    /// `x-ahmailid` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xAhmailidField = HeaderNameFilter.Name("x-ahmailid", bit: 220)

    func claims(_ context: BounceContext) -> Bool { context.hasHeader(Self.xAhmailidField) }

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["----- The following addresses had permanent fatal errors -----"],
                                       stop: ["Content-Type: message/rfc822", "Content-type: message/rfc822"], trimmingLeading: true)
        let recipients = TextReport.blocks(lines, opens: { line in
            // ">>> kijitora@example.org <kijitora@example.org>" (lhost-activehunter-01)
            guard line.hasPrefix(">>>"), line.hasSuffix(">"), let open = line.lastIndex(of: "<"),
                  let a = TextReport.firstAddress(line[open...]) else { return nil }
            return (a, "")
        }, continues: { line, r in
            // The first line that starts with a letter or digit: "550 sorry, no mailbox here by that name
            // (#5.1.1 - chkusr)".
            guard r.diagnostic.isEmpty, let c = line.unicodeScalars.first, c.isASCII,
                  c.properties.isAlphabetic || ("0"..."9").contains(c) else { return }
            r.diagnostic = line.trimmed
        })
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
