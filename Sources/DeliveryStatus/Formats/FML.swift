import MailParsing

/// fml, the mailing-list manager (`X-MLServer: fml ...`): its admin address tells the poster why the
/// list refused the article ("You are not a member of this mailing list <list@...>.", "Duplicated
/// Message-ID in <...>.").
///
/// Layout from sisimai lhost-fml-02, -03 and Sisimai's Lhost::FML.
struct FMLRecognizer: Recognizer {
    var name: String { "fml" }

    /// `x-mlserver` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xMlserverField = HeaderNameFilter.Name("x-mlserver", bit: 203)
    /// `message-id` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let messageIdField = HeaderNameFilter.Name("message-id", bit: 102)

    /// `X-MLServer`, a `-admin@` sender and fml's Message-ID (`<digits.FML...@...>`).
    func claims(_ context: BounceContext) -> Bool {
        guard context.hasHeader(Self.xMlserverField), context.from.contains("-admin@"),
              let id = context.header(Self.messageIdField)?.trimmed else { return false }
        return id.contains(".FML") && id.hasPrefix("<") && id.dropFirst().first?.isNumber == true
    }

    /// Reasons from the text (first) or the Subject.
    static let textPhrases: [(Reason, [String])] = [
        (.rejected, ["NOT MEMBER article from ", "You are not a member of this mailing list",   // lhost-fml-02
                     "reject mail from ", "reject spammers:"]),
        (.systemError, ["Duplicated Message-ID", "has detected a loop condition so that",       // lhost-fml-03
                        "Loop Back Warning:"]),
        (.securityError, ["Security alert:"]),
    ]
    static let subjectPhrases: [(Reason, [String])] = [
        (.rejected, ["NOT MEMBER article from ", "are not member", "Spam mail from a spammer is rejected"]),
        (.systemError, ["fml system error message", "Loop Alert: ", "Loop Back Warning: ", "WARNING: UNIX FROM Loop"]),
        (.securityError, ["Security Alert"]),
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: [], stop: ["Original mail as follows:"])
        var recipients = TextReport.blocks(lines, opens: { line in
            // A line that ends with "<address>." names the list.
            let t = line.trimmed
            guard t.hasSuffix(">."), let open = t.lastIndex(ofASCII: UInt8(ascii: "<")), let a = TextReport.firstAddress(t[open...]) else { return nil }
            return (a, t)
        })
        for i in recipients.indices {
            let d = recipients[i].diagnostic
            recipients[i].reason = TextReport.reason(in: d, table: FMLRecognizer.textPhrases)
                ?? TextReport.reason(in: context.subject, table: FMLRecognizer.subjectPhrases)
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
