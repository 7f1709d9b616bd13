import MailParsing

/// m-FILTER (Digital Arts): `X-Mailer: m-FILTER` and the Subject "failure notice"; or, where a relay
/// rewrote the `X-Mailer`, that Subject and m-FILTER's own section labels in the text.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-mfilter-01 and Sisimai's Lhost::mFILTER (which asks for the X-Mailer alone).
struct MFILTERRecognizer: Recognizer {
    var name: String { "mfilter" }

    /// `x-mailer` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xMailerField = HeaderNameFilter.Name("x-mailer", bit: 6)

    /// `claims` holds only for a subject "failure notice" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "f" }

    func claims(_ context: BounceContext) -> Bool {
        guard context.subjectEquals("failure notice"), let mailer = context.header(Self.xMailerField) else { return false }
        // Another X-Mailer: m-FILTER's report if its labels are there. (Asked only where there is an
        // X-Mailer, so that qmail's "failure notice", which has none, is not searched: sisimai bsd
        // mbox x3, 0.38M instructions.)
        return mailer.trimmed == "m-FILTER" || Self.hasSectionLabels(context)
    }

    /// The labels m-FILTER writes above the server's reply and above the SMTP command it answered,
    /// each a line of its own (sisimai lhost-mfilter-01..05). In the corpora they occur only in
    /// m-FILTER's reports (those five and backscatter-dev's two); both must begin a line.
    static let sectionLabels = ["-------server message", "-------SMTP command"]

    /// Whether each of `sectionLabels` begins a line of the text: m-FILTER's report when its `X-Mailer`
    /// was rewritten on the way (sisimai lhost-mfilter-05, `X-Mailer: local-mailhub`, which the
    /// generic reader took, the label left in its diagnostic: "kijitora@example.co.jp -------server
    /// message 452 4.3.1 ..."). The lines are split only for a text that holds a label at all.
    static func hasSectionLabels(_ context: BounceContext) -> Bool {
        guard LineSearch.firstOffset(ofAnyOf: sectionLabels, in: context.text) != nil else { return false }
        let lines = context.lines
        return sectionLabels.allSatisfy { label in
            TextReport.firstLine(in: lines, from: lines.startIndex, beginningWithAnyOf: [label], trimmingLeading: false) != nil
        }
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
