import MailParsing

/// IBM (Lotus) Domino's plain-text reports: Subject "DELIVERY FAILURE: ...", "Your message ... was
/// not delivered to: <address> because: <reason>". Domino reports that carry a
/// `message/delivery-status` part (lhost-domino-02, -03) are left to the RFC 3464 reader.
///
/// Layout from sisimai lhost-domino-01 and Sisimai's Lhost::Domino.
struct DominoRecognizer: Recognizer {
    var name: String { "domino" }

    /// `claims` holds only for a subject "DELIVERY FAILURE:" or "DELIVERY_FAILURE:" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "D" }

    func claims(_ context: BounceContext) -> Bool {
        let s = context.subjectText
        return (s.hasPrefix("DELIVERY FAILURE:") || s.hasPrefix("DELIVERY_FAILURE:")) && context.deliveryStatusPart == nil
    }

    /// Domino's wording in English, French and Japanese.
    static let phrases: [(Reason, [String])] = [
        (.userUnknown, ["not listed in Domino Directory",                 // lhost-domino-01
                        "not listed in public Name & Address Book",
                        "non répertorié dans l'annuaire Domino",
                        "Domino ディレクトリには見つかりません"]),
        (.filtered, ["Cannot route mail to user"]),
        (.systemError, ["Several matches found in Domino Directory"]),
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["Your message"], stop: [])
        var recipients: [RecipientFinding] = []
        var expecting: (address: Bool, reason: Bool) = (false, false)
        for line in lines {
            let t = line.trimmed
            if t.isEmpty { continue }
            if t == "was not delivered to:" { expecting = (true, false); continue }
            if t == "because:" { expecting = (false, true); continue }
            if expecting.address, let a = TextReport.firstAddress(line) {
                guard recipients.count < 500 else { break }
                recipients.append(RecipientFinding(recipient: a))
                expecting.address = false
                continue
            }
            if expecting.reason, let i = recipients.indices.last {
                recipients[i].diagnostic = t
                expecting.reason = false
            }
        }
        for i in recipients.indices {
            recipients[i].reason = TextReport.reason(in: recipients[i].diagnostic, table: DominoRecognizer.phrases)
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
