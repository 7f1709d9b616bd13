import MailParsing

/// qmail (https://cr.yp.to/qmail.html) and its clones: "Hi. This is the qmail-send program at ...",
/// each failed address as `<address>:` on its own line, qmail-remote's account of the session below it,
/// the copy after "--- Below this line is a copy of the message.". Seen in sisimai lhost-qmail-*.
struct QmailRecognizer: Recognizer {
    var name: String { "qmail" }

    func claims(_ context: BounceContext) -> Bool {
        if context.subjectEquals("failure notice") || context.subjectEquals("Failure Notice") { return true }
        return context.receivedHas(.qmail)
    }

    static let ends = [
        "--- Below this line is a copy of the message.", "--- Below this line is a copy of the mail header.",
        "--- Below the next line is a copy of the message.", "--- Mensaje original adjunto.", "Original message follows.",
    ]
    static let starts = [
        "Hi. This is the qmail", "He/Her is not ", "unable to deliver your message to the following addresses",
        "Su mensaje no pudo ser entregado", "Sorry, we were unable to deliver your message to the following address",
        "This is the machine generated message from mail service", "This is the mail delivery agent at",
        "Unable to deliver message to the following address", "Unfortunately, your mail was not delivered to the following address:",
        "Your mail message to the following address", "Your message to the following addresses", "We're sorry.",
    ]
    /// qmail-remote.c's account of where the session failed.
    static let commands: [(SMTPCommand, [String])] = [
        (.connect, [" but greeting failed."]), (.ehlo, [" but my name was rejected."]),
        (.mail, [" but sender was rejected."]), (.rcpt, [" does not like recipient."]),
        (.data, [" failed on DATA command", " failed after I sent the message"]),
    ]
    /// qmail's own messages (qmail-local.c, qmail-remote.c, error_str.c, qmail-ldap) and their reasons.
    static let ownMessages: [(Reason, [String])] = [
        (.hostUnknown, ["Sorry, I couldn't find any host "]),
        (.mailboxFull, ["disk quota exceeded"]),
        (.mesgTooBig, ["Message size exceeds fixed maximum message size:"]),
        (.networkError, ["Sorry, I wasn't able to establish an SMTP connection", "Sorry. Although I'm listed as a best-preference MX or A for that host"]),
        (.notAccept, ["Sorry, I couldn't find a mail exchanger or IP address"]),
        (.systemError, ["bad interpreter: No such file or directory", "system error", "Unable to"]),
        (.systemFull, ["Requested action not taken: mailbox unavailable (not enough free space)"]),
        (.userUnknown, ["no mailbox here by that name"]),
        (.exceedLimit, ["The message exeeded the maximum size the user accepts"]),
        (.suspend, ["Mailaddress is administrativly disabled", "Mailaddress is administrativley disabled",
                    "Mailaddress is administratively disabled", "Mailaddress is administrativeley disabled"]),
        (.systemError, ["Automatic homedir creator crashed", "Illegal value in LDAP attribute", "LDAP attribute is not given but mandatory",
                        "Timeout while performing search on LDAP server", "Too many results returned but needs to be unique",
                        "Permanent error while executing qmail-forward", "Temporary error in automatic homedir creation",
                        "Temporary error while executing qmail-forward", "Temporary failure in LDAP lookup",
                        "Unable to contact LDAP server", "Unable to login into LDAP server, bad credentials"]),
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        // The account starts at a line holding one of `starts`: a text holding none of them has no
        // account. One search of the whole text per phrase, where the loop below searches each line for
        // every phrase (backscatter-dev: 60M instructions on the "failure notice" spam qmail is asked about).
        // The first line holding one is found from the leftmost phrase in the text (`LineSearch`): each
        // line before it was made a String and asked for all twelve (sisimai bsd mbox x3,
        // QmailRecognizer.recognize 7.62M -> 7.27M). The account is the lines after that one, up
        // to the first line starting with one of `ends`, which may come first.
        // The lines are split only when a phrase occurs (splitting them first: 1.18M -> 2.36M on the
        // bsd mbox x3, for the "failure notice" texts of other formats).
        guard let startLine = LineSearch.firstLine(containingAnyOf: QmailRecognizer.starts, in: context) else { return nil }
        let lines = context.lines
        let ends = FirstBytes(QmailRecognizer.ends)
        var records: [RecipientFinding] = []
        var remoteSaid: [String] = []
        for (index, raw) in lines.enumerated() {
            if ends.mayStart(raw), QmailRecognizer.ends.contains(where: { raw.hasPrefix($0) }) { break }
            if index <= startLine || raw.isEmpty { continue }
            // The line read as the text's slice: only what a record keeps is copied (a String of each
            // line: bsd.mbox x3, 867 copies).
            let line = raw
            // The first byte read for the prefixes ("<", "R"): a Substring's `hasPrefix` cost ~340
            // instructions a call (1,251 calls).
            let lead = line.utf8.first
            if lead == UInt8(ascii: "<"), let close = line.firstRange(of: ">:"), line[..<close.lowerBound].contains("@") {
                let address = Addresses.bare(String(line[line.index(after: line.startIndex)..<close.lowerBound]))
                records.append(RecipientFinding(recipient: address))
                remoteSaid.append("")
                // Text after "<address>:" on the same line is part of the account.
                let rest = line[close.upperBound...].trimmed
                if !rest.isEmpty { records[records.count - 1].diagnostic = rest + " " }
            } else if !records.isEmpty {
                records[records.count - 1].diagnostic.append(contentsOf: line)
                records[records.count - 1].diagnostic.append(" ")
                if lead == UInt8(ascii: "R"), line.hasPrefix("Remote host said:") { remoteSaid[remoteSaid.count - 1] = String(line) }
            }
        }
        guard !records.isEmpty else { return nil }
        for i in records.indices {
            let d = Diagnostic.sweep(records[i].diagnostic)
            records[i].diagnostic = d
            // The tables' phrases asked only where the text may hold their bytes (`ScreenedText`: each
            // searched, bsd.mbox x3: ~5,800 searches, 1.34M; screened, 0.83M).
            let screened = ScreenedText(d)
            if let command = screened.firstMeaning(in: QmailRecognizer.screenedCommands) { records[i].command = command }
            if records[i].command == nil, d.contains("no SMTP connection got far enough") { records[i].command = SMTPCommandFinder.find(in: d) }
            if records[i].command == .ehlo || records[i].command == .helo {
                records[i].reason = .blocked
            } else if let a = d.firstRange(of: " does not like recipient."), d[a.upperBound...].contains("this message has been in the queue too long.") {
                records[i].reason = .onHold
            } else if let reason = QmailRecognizer.reason(in: ScreenedText(remoteSaid[i])) ?? QmailRecognizer.reason(in: screened) {
                // What the remote host said first, then the whole account.
                records[i].reason = reason
            }
            if records[i].command == nil { records[i].command = SMTPCommandFinder.find(in: d) }
        }
        return Finding(recipients: records)
    }

    /// `commands` and `ownMessages` with their phrases' bytes (`ScreenedTable`).
    private static let screenedCommands = ScreenedTable(commands)
    private static let screenedOwnMessages = ScreenedTable(ownMessages)

    /// The reason `text` states: the first row of `ownMessages` it holds, else `expired` for a message
    /// too long in the queue; nil for an empty text.
    private static func reason(in text: ScreenedText) -> Reason? {
        if let reason = text.firstMeaning(in: screenedOwnMessages) { return reason }
        return text.text.contains("this message has been in the queue too long.") ? .expired : nil
    }
}
