import MailParsing

/// Sendmail's reports with a DSN part: the text's "----- The following addresses had permanent fatal
/// errors -----" and "----- Transcript of session follows -----" sections beside `message/delivery-status`.
/// Read by the RFC 3464 reader; this recogniser gives the family its name in output (reports without a
/// DSN part go to `SendmailTextRecognizer`). Seen in sisimai lhost-sendmail-*.
struct SendmailDSNRecognizer: Recognizer {
    var name: String { "sendmail" }

    func claims(_ context: BounceContext) -> Bool {
        guard context.deliveryStatusPart != nil else { return false }
        return context.hasSendmailSectionLine
    }

    func recognize(_ context: BounceContext) -> Finding? {
        if var standard = RFC3464Recognizer().recognize(context),
           standard.recipients.contains(where: { Addresses.isAddress($0.recipient) }) {
            if standard.recipients.count == 1 { SendmailDSNRecognizer.decideOnReplies(&standard.recipients[0], context) }
            return standard
        }
        // A DSN part whose records name no address ("Final-Recipient: RFC822; @mx.example.org",
        // sisimai lhost-sendmail-15: the analyzer drops such a record, and the report was no bounce)
        // leaves the text's sections, which name it, to the text reader.
        if let text = SendmailTextRecognizer().recognize(context), !text.recipients.isEmpty { return text }
        return RFC3464Recognizer().recognize(context)
    }

    /// A single recipient's decision text made of what the remote server answered about it: the
    /// transcript's `<<< ` replies before sendmail's own line for the recipient (`isSummaryLine`), each
    /// distinct one once, in order, when together they say more than the DSN's Diagnostic-Code
    /// (Sisimai's rule for this family, so results compare); and the command they answered, the last
    /// `>>> ` line before that summary line.
    ///
    /// The whole lead text, the default, also holds the summary line ("550 5.1.1 <user@example.net>...
    /// User unknown"), which sendmail writes for a refusal whatever the remote said, and the replies
    /// to the commands after it: read first, they gave "550" for "551 not our user" under Status 5.1.6
    /// (sisimai lhost-sendmail-17, -22) and 4.7.0 for "550 5.5.0 Invalid recipient" from the "421
    /// 4.7.0 too many errors" that answered RSET (lhost-sendmail-46, rhost-franceptt-02). Replies no
    /// longer than the diagnostic leave the diagnostic alone to decide when it quotes a reply code
    /// ("553 <blocklist URL>" beside the lead text's "550 5.1.1 ... User unknown": rhost-godaddy-02);
    /// without replies the lead text stays.
    static func decideOnReplies(_ record: inout RecipientFinding, _ context: BounceContext) {
        var replies: [Substring] = []
        var command: SMTPCommand? = nil
        var summarised = false
        var inTranscript = false
        for line in context.lines {
            let t = line.trimmedSlice
            if !inTranscript {
                if t.hasPrefix("-----"), t.contains("Transcript of session follows") { inTranscript = true }
                continue
            }
            // The transcript ends at the next section line or the DSN part's first field.
            if t.hasPrefix("-----") || t.prefix(14).lowercased() == "reporting-mta:" { break }
            if isSummaryLine(t) { summarised = true; break }
            if t.hasPrefix(">>> ") {
                command = SMTPCommandFinder.find(in: String(t)) ?? command
                continue
            }
            guard t.hasPrefix("<<< ") else { continue }
            let reply = t.dropFirst(4).trimmedSlice
            if !reply.isEmpty, !replies.contains(reply) { replies.append(reply) }
        }
        guard !replies.isEmpty else { return }
        if summarised, let command { record.command = command }
        let joined = Diagnostic.sweep(replies.joined(separator: " "))
        guard joined.utf8.count > Diagnostic.sweep(record.diagnostic).utf8.count else {
            if ReplyCode.findCodes(in: record.diagnostic).reply != nil { record.decisionText = nil }
            return
        }
        record.decisionText = joined
    }

    /// Whether `line` is a transcript's summary line for one recipient: a reply code, a space, maybe a
    /// status code, and `<address>...` (`550 5.1.1 <user@example.net>... User unknown`).
    static func isSummaryLine(_ line: Substring) -> Bool {
        let u = line.utf8
        guard u.count > 6 else { return false }
        var i = u.startIndex
        for _ in 0..<3 {
            guard ASCIIByte.isDigit(u[i]) else { return false }
            i = u.index(after: i)
        }
        guard u[i] == ASCIIByte.space else { return false }
        return line.contains(" <") && line.contains(">...")
    }
}
