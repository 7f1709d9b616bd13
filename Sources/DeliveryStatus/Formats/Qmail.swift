#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
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
        var native = context.text
        native.makeContiguousUTF8()
        let text = native
        guard let startOffset = LineSearch.firstOffset(ofAnyOf: QmailRecognizer.starts, in: text) else { return nil }
        var records: [RecipientFinding] = []
        var remoteSaid: [String] = []
        var reading = text
        reading.withUTF8 { t in
            // Room for every line of the text and a space each (`TextRun`).
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: t.count + 1) { scratch in
                Self.readAccount(t, of: text, from: startOffset, scratch: scratch, into: &records, &remoteSaid)
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

    /// The line loop of `recognize` over the bytes `t` of `text`: the lines after the one holding
    /// `startOffset`, up to the first line starting with an end phrase; a record for each failed address
    /// with its account, and what the remote host said to each.
    ///
    /// The lines walked on the text's bytes (memchr for each LF), not read from `BounceContext.lines`:
    /// a line is made a Substring only when it names an address or what the remote host said, and the
    /// lines of a record's account are appended as bytes (`TextRun`), one String a record (each line a
    /// Substring appended to a String with a space: bsd.mbox x3, 1,284 lines, 321 appends). The arrays
    /// are `inout`, not variables captured by the closures around the loop (each access checked for
    /// exclusivity at run time).
    private static func readAccount(_ t: UnsafeBufferPointer<UInt8>, of text: String, from startOffset: Int,
                                    scratch: UnsafeMutableBufferPointer<UInt8>,
                                    into records: inout [RecipientFinding], _ remoteSaid: inout [String]) {
        guard let base = t.baseAddress else { return }
        /// Line `s..<e` of the text as a Substring.
        func slice(_ s: Int, _ e: Int) -> Substring {
            let u = text.utf8
            return Substring(u[u.index(u.startIndex, offsetBy: s)..<u.index(u.startIndex, offsetBy: e)])
        }
        var run = TextRun(scratch)
        let count = t.count
        var s = 0
        while s <= count {
            let e = memchr(base + s, Int32(ASCII.lineFeed), count - s).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
            defer { s = e + 1 }
            let line = UnsafeBufferPointer(rebasing: t[s..<e])
            if Self.endLines.startAny(line) { break }
            // The start line itself (the one holding `startOffset`) and those before it are not the account.
            if s <= startOffset || line.isEmpty { continue }
            let lead = line[0]
            if lead == UInt8(ascii: "<"), let close = Self.closeBytes.withUnsafeBufferPointer({ ByteSubstring.firstOffset(of: $0, in: line) }),
               memchr(base + s, Int32(UInt8(ascii: "@")), close) != nil {
                let line = slice(s, e)
                let close = line.utf8.index(line.startIndex, offsetBy: close)
                let address = Addresses.bare(String(line[line.index(after: line.startIndex)..<close]))
                flush(&run, into: &records)
                records.append(RecipientFinding(recipient: address))
                remoteSaid.append("")
                // Text after "<address>:" on the same line is part of the account.
                let rest = line[line.utf8.index(close, offsetBy: 2)...].trimmed
                if !rest.isEmpty { records[records.count - 1].diagnostic = rest + " " }
            } else if !records.isEmpty {
                run.append(line, then: UInt8(ascii: " "))
                if lead == UInt8(ascii: "R"), LinePrefixes.starts(line, with: Self.remoteHostSaid) { remoteSaid[remoteSaid.count - 1] = String(slice(s, e)) }
            }
        }
        flush(&run, into: &records)
    }

    /// The run's bytes appended to the last record's account (before another record is made).
    private static func flush(_ run: inout TextRun, into records: inout [RecipientFinding]) {
        if !run.isEmpty { records[records.count - 1].diagnostic.append(contentsOf: run.take()) }
    }

    /// The end phrases, for the line walk's `hasPrefix` on bytes.
    private static let endLines = LinePrefixes(ends)
    /// ">:", closing a failed address; "Remote host said:", opening the remote host's reply.
    private static let closeBytes: [UInt8] = Array(">:".utf8)
    private static let remoteHostSaid: [UInt8] = Array("Remote host said:".utf8)

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
