import MailParsing

/// An unnamed MTA (Sisimai's "X1", "Mail2000 ESMTP Server" in its Received lines): "The original
/// message was received at ..." then `address [reason]` lines after "---The following addresses had
/// delivery errors---".
///
/// Layout from sisimai lhost-x1-01, -02 and Sisimai's Lhost::X1.
struct X1Recognizer: Recognizer {
    var name: String { "x1" }

    /// `claims` holds only for a subject "Returned Mail: " (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "R" }

    /// Subject "Returned Mail: ..." from `"Mail Deliver System"` (lhost-x1-01).
    func claims(_ context: BounceContext) -> Bool {
        context.subjectText.hasPrefix("Returned Mail: ") && context.fromText.hasNamePrefix("Mail Deliver System")
    }

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["The original message was received at"],
                                       stop: ["Received: from "])
        let recipients = TextReport.blocks(lines, opens: { line in
            // "kijitora@example.co.jp [User unknown]"
            let t = line.trimmed
            guard t.hasSuffix("]"), let open = t.firstIndex(of: "["), let a = TextReport.firstAddress(t[..<open]),
                  t[..<open].trimmed == a else { return nil }
            return (a, String(t[t.index(after: open)..<t.index(before: t.endIndex)]))
        }, continues: { _, _ in })
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
