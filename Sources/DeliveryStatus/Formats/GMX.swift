import MailParsing

/// GMX and mail.com (`X-GMX-Antispam` header): an Exim-like report with `"address":` or `<address>`
/// lines, "SMTP error from remote server after RCPT command:", "host: ...", the reply, or
/// "Reason:" and the reason on the next line.
///
/// Layout from sisimai lhost-gmx-01..04 and Sisimai's Lhost::GMX.
struct GMXRecognizer: Recognizer {
    var name: String { "gmx" }

    /// `x-gmx-antispam` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xGmxAntispamField = HeaderNameFilter.Name("x-gmx-antispam", bit: 111)

    func claims(_ context: BounceContext) -> Bool { context.hasHeader(Self.xGmxAntispamField) }

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["This message was created automatically by mail delivery software"],
                                       stop: ["--- The header of the original message is following. ---"])
        var reasonNext = false
        let recipients = TextReport.blocks(lines, opens: { line in
            // "\"shironeko@example.jp\":" (-01) or "<kijitora@6jo.example.co.jp>" (-04)
            let t = line.trimmed
            guard (t.hasPrefix("\"") && t.hasSuffix("\":")) || (t.hasPrefix("<") && t.hasSuffix(">")),
                  !t.contains(" "), let a = TextReport.firstAddress(line) else { return nil }
            return (a, "")
        }, continues: { line, r in
            let t = line.trimmed
            if t.hasPrefix("SMTP error "), t.hasSuffix(" command:") {
                // "SMTP error from remote server after RCPT command:"
                let words = t.split(separator: " ")
                if words.count >= 2 { r.command = SMTPCommand(rawValue: String(words[words.count - 2])) }
            } else if t.hasPrefix("host:") {
                r.remoteMTA = t.dropFirst(5).trimmed
            } else if t == "Reason:" {
                reasonNext = true
            } else if reasonNext {
                r.diagnostic = t                                          // -04
                reasonNext = false
            } else if r.diagnostic.isEmpty, !t.isEmpty {
                r.diagnostic = t                                          // "5.2.2 <...>... Mailbox Full"
            }
        })
        var out = recipients
        for i in out.indices where out[i].diagnostic.contains("delivery retry timeout exceeded") { out[i].reason = .expired }
        return out.isEmpty ? nil : Finding(recipients: out)
    }
}
