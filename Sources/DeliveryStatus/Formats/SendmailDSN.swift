#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
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
        // The reading decided on in place and returned as it is: bound to a second variable
        // (`if var found = standard`), the finding was copied, its recipients' array with it when the
        // record was changed, and each record tested for an address copied out of the array (bsd.mbox
        // x3, 204 reports: `recognize` 5.62M -> 5.12M instructions;
        // Main.main 240.31M -> 239.81M).
        var standard = RFC3464Recognizer().recognize(context)
        if Self.namesAnAddress(standard) {
            if standard?.recipients.count == 1 {
                SendmailDSNRecognizer.decideOnReplies(&standard!.recipients[0], context)
                // No Remote-MTA field: the server the transcript was talking to.
                if standard!.recipients[0].remoteMTA == nil {
                    standard!.recipients[0].remoteMTA = SendmailTextRecognizer.talkedTo(in: context.text)
                }
            }
            return standard
        }
        // A DSN part whose records name no address ("Final-Recipient: RFC822; @mx.example.org",
        // sisimai lhost-sendmail-15: the analyzer drops such a record, and the report was no bounce)
        // leaves the text's sections, which name it, to the text reader.
        if let text = SendmailTextRecognizer().recognize(context), !text.recipients.isEmpty { return text }
        return standard
    }

    /// Whether one of the finding's records names an address (`Addresses.isAddress`), each read in place.
    static func namesAnAddress(_ finding: Finding?) -> Bool {
        guard let recipients = finding?.recipients else { return false }
        for i in recipients.indices where Addresses.isAddress(recipients[i].recipient) { return true }
        return false
    }

    /// A single recipient's decision text made of what the remote server answered about it: the
    /// transcript's `<<< ` replies before sendmail's own line for the recipient (`isSummaryLine`), each
    /// distinct one once, in order, when together they say more than the DSN's Diagnostic-Code
    /// (Sisimai's rule for this family, so results compare); and the command they answered, the last
    /// `>>> ` line before that summary line, or the connection when no `>>> ` line came before them.
    ///
    /// The whole lead text, the default, also holds the summary line ("550 5.1.1 <user@example.net>...
    /// User unknown"), which sendmail writes for a refusal whatever the remote said, and the replies
    /// to the commands after it: read first, they gave "550" for "551 not our user" under Status 5.1.6
    /// (sisimai lhost-sendmail-17, -22) and 4.7.0 for "550 5.5.0 Invalid recipient" from the "421
    /// 4.7.0 too many errors" that answered RSET (lhost-sendmail-46, rhost-franceptt-02). Replies no
    /// longer than the diagnostic leave the diagnostic alone to decide when it quotes a reply code
    /// ("553 <blocklist URL>" beside the lead text's "550 5.1.1 ... User unknown": rhost-godaddy-02);
    /// without replies the lead text stays.
    ///
    /// Read on the text's bytes from the transcript's heading on (`LineSearch`), a String made only
    /// for the replies joined: lines as Substrings, each trimmed and compared by Characters, cost
    /// ~27,000 instructions a report (bsd.mbox x3: 186 reports, 5.0M).
    static func decideOnReplies(_ record: inout RecipientFinding, _ context: BounceContext) {
        var text = context.text
        guard let heading = LineSearch.firstOffset(ofAnyOf: ["Transcript of session follows"], in: text) else { return }
        let found: (replies: String, command: SMTPCommand?, commandLines: Bool, summarised: Bool)? = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return nil }
            let n = bytes.count
            var replies: [UnsafeBufferPointer<UInt8>] = []
            var command: SMTPCommand? = nil
            var commandLines = false
            var summarised = false
            var bytesKept = 0
            // The line after the heading's.
            var at = heading
            while at < n, bytes[at] != ASCII.lineFeed { at += 1 }
            at += 1
            while at < n {
                var end = at
                if let lf = memchr(base + at, Int32(ASCII.lineFeed), n - at) { end = UnsafeRawPointer(lf) - UnsafeRawPointer(base) } else { end = n }
                let (first, last) = UnsafeBufferPointer(rebasing: bytes[at..<end]).trimmedBounds
                let line = UnsafeBufferPointer(rebasing: bytes[(at + first)..<(at + last)])
                at = end + 1
                // The transcript ends at the next section line or the DSN part's first field.
                if ASCII.hasPrefix(line, ignoringCase: "-----") || ASCII.hasPrefix(line, ignoringCase: "reporting-mta:") { break }
                if isSummaryLine(line) { summarised = true; break }
                if ASCII.hasPrefix(line, ignoringCase: ">>> ") {
                    command = SMTPCommandFinder.find(in: line) ?? command
                    commandLines = true
                    continue
                }
                guard ASCII.hasPrefix(line, ignoringCase: "<<< ") else { continue }
                let rest = UnsafeBufferPointer(rebasing: line[4...])
                let (from, to) = rest.trimmedBounds
                let reply = UnsafeBufferPointer(rebasing: rest[from..<to])
                if !reply.isEmpty, !replies.contains(where: { $0.elementsEqual(reply) }) {
                    replies.append(reply)
                    // Enough for any decision (a transcript of 50,000 distinct replies, each compared
                    // with those before, took 8 s).
                    bytesKept += reply.count + 1
                    if replies.count == maxReplies || bytesKept > BounceAnalyzer.maxDiagnosticBytes { break }
                }
            }
            guard !replies.isEmpty else { return nil }
            var joined: [UInt8] = []
            for reply in replies {
                if !joined.isEmpty { joined.append(ASCII.space) }
                joined.append(contentsOf: reply)
            }
            return (String(decoding: joined, as: UTF8.self), command, commandLines, summarised)
        }
        guard let found else { return }
        if found.summarised, let command = found.command {
            record.command = command
        } else if !found.commandLines, record.command == nil {
            // Replies with no `>>> ` command before them answered the connection itself: sendmail
            // writes the command it sent before the reply to it, and nothing when the greeting was
            // the refusal ("... while talking to host.:" then "<<< 554 ...": sisimai lhost-sendmail-16).
            record.command = .connect
        }
        let joined = Diagnostic.sweep(found.replies)
        // The diagnostic as `RFC3464Recognizer.complete` swept it, while it is still that text.
        let sweptDiagnostic = record.sweptDiagnostic.flatMap { $0.of == record.diagnostic ? $0.swept : nil } ?? Diagnostic.sweep(record.diagnostic)
        guard joined.utf8.count > sweptDiagnostic.utf8.count else {
            if ReplyCode.findCodes(in: record.diagnostic).reply != nil { record.decisionText = nil }
            return
        }
        record.decisionText = joined
    }

    /// The most distinct replies a decision text is made of (a real transcript has a handful).
    static let maxReplies = 64

    /// Whether `line` is a transcript's summary line for one recipient: a reply code, a space, maybe a
    /// status code, and `<address>...` (`550 5.1.1 <user@example.net>... User unknown`).
    static func isSummaryLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count > 6, ASCII.isDigit(line[0]), ASCII.isDigit(line[1]), ASCII.isDigit(line[2]),
              line[3] == ASCII.space else { return false }
        guard let open = line.firstIndex(of: UInt8(ascii: "<")), line[open - 1] == ASCII.space else { return false }
        let dots: StaticString = ">..."
        return dots.withUTF8Buffer { ByteSubstring.firstOffset(of: $0, in: UnsafeBufferPointer(rebasing: line[open...])) != nil }
    }
}
