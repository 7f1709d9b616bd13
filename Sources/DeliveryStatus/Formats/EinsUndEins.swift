import MailParsing

/// 1&1 (Eins und Eins, kundenserver.de): an Exim-like "Mail delivery failed: returning message to
/// sender" with the address, "For the following reason:" and the header of the original after
/// "--- The header of the original message is following. ---".
///
/// Layout from sisimai lhost-einsundeins-02, -03 and Sisimai's Lhost::EinsUndEins.
struct EinsUndEinsRecognizer: Recognizer {
    var name: String { "einsundeins" }

    /// `x-gmx-antispam` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xGmxAntispamField = HeaderNameFilter.Name("x-gmx-antispam", bit: 111)

    /// "kundenserver" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromKundenserver: ClaimNeedle { ClaimNeedle("kundenserver") }

    /// `claims` holds only for a subject "Mail delivery failed: returning message to sender" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "M" }

    /// Exim's subject from 1&1's servers (kundenserver.de, lhost-einsundeins-02, -03); other Exim
    /// reports are Exim's.
    func claims(_ context: BounceContext) -> Bool {
        context.fromText.hasNamePrefix("Mail Delivery System") && context.fromContainsLowercased(Self.fromKundenserver)
            && context.subjectEquals("Mail delivery failed: returning message to sender")
            && !context.hasHeader(Self.xGmxAntispamField)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["This message was created automatically by mail delivery software"],
                                       stop: ["--- The header of the original message is following. ---"])
        var recipients = TextReport.blocks(lines, opens: { line in
            // "kijitora@example.org" (-02) or "xxxx@xxxx.fr:" (-03) alone on a line.
            var t = line.trimmed[...]
            if t.hasSuffix(":") { t = t.dropLast() }
            guard !t.contains(" "), let a = TextReport.firstAddress(t), t == a[...] else { return nil }
            return (a, "")
        })
        for i in recipients.indices {
            var d = recipients[i].diagnostic
            if let r = d.firstRange(of: "For the following reason:") { d = d[r.upperBound...].trimmed }
            // "SMTP error from remote server for TEXT command, host: smtp-in.orange.fr (193.252.22.65)
            // reason: 550 5.2.0 ..." (-03): the remote host and the command.
            if let h = d.firstRange(of: "host: "), d.contains(" reason:") {
                recipients[i].remoteMTA = String(d[h.upperBound...].prefix { $0 != " " })
                if d.contains("for TEXT command") { recipients[i].command = .data }
            }
            recipients[i].diagnostic = d
            if d.contains("Mail size limit exceeded") { recipients[i].reason = .mesgTooBig }   // -02
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
