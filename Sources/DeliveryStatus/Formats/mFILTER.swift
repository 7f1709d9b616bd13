import MailParsing

/// m-FILTER (Digital Arts): `X-Mailer: m-FILTER` and the Subject "failure notice".
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-mfilter-01 and Sisimai's Lhost::mFILTER.
struct MFILTERRecognizer: Recognizer {
    var name: String { "mfilter" }

    /// `x-mailer` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xMailerField = HeaderNameFilter.Name("x-mailer", bit: 6)

    /// `claims` holds only for a subject "failure notice" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "f" }

    func claims(_ context: BounceContext) -> Bool {
        context.subjectEquals("failure notice") && context.header(Self.xMailerField)?.trimmed == "m-FILTER"
    }

    func recognize(_ context: BounceContext) -> Finding? {
        guard var finding = SmallFamilies.readAsUsual(context) else { return nil }
        // A single recipient's diagnostic is the server's reply under "-------server message" (the text
        // reader's block ran from the address over that line: "bob@example.net -------server message
        // 550 ..."); the codes and the reason are still read from the block, which names the command.
        if finding.recipients.count == 1, let reply = Self.serverMessage(in: context) {
            let block = finding.recipients[0].diagnostic
            if finding.recipients[0].decisionText == nil { finding.recipients[0].decisionText = block }
            finding.recipients[0].diagnostic = reply
        }
        return finding
    }

    /// The lines under m-FILTER's "-------server message" line (`TextReport.section`), up to a blank
    /// line or the next "-------" section line, trimmed and joined by a space (sisimai
    /// lhost-mfilter-01..05: one reply line); nil when the text has no such line or nothing under it.
    static func serverMessage(in context: BounceContext) -> String? {
        let lines = TextReport.section(context, start: ["-------server message"], stop: ["-------"])
        let reply = lines.prefix { !$0.trimmed.isEmpty }.map(\.trimmed)
        return reply.isEmpty ? nil : reply.joined(separator: " ")
    }
}
