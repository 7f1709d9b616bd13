import MailParsing

/// au by KDDI's EZweb mobile mail (ezweb.ne.jp, au.com): "Mail System Error - Returned Mail" with a
/// Japanese paragraph, an English one ("The user(s) account is disabled.", "Each of the following
/// recipients was rejected by a remote mail server.") and the recipients as `<address>` or
/// `Recipient: <address>` lines, sometimes with an SMTP transcript (`>>> RCPT TO:`).
///
/// Layout from sisimai lhost-ezweb-01..08 and Sisimai's Lhost::EZweb.
struct EZwebRecognizer: Recognizer {
    var name: String { "ezweb" }

    /// "Postmaster@ezweb.ne.jp" in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromPostmasterEzwebNeJp: ClaimNeedle { ClaimNeedle("Postmaster@ezweb.ne.jp") }
    /// "Postmaster@au.com" in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromPostmasterAuCom: ClaimNeedle { ClaimNeedle("Postmaster@au.com") }

    /// At least two of: the sender, the Subject, an EZweb Received line, an EZweb Message-ID.
    func claims(_ context: BounceContext) -> Bool {
        var signs = 0
        if context.fromContains(Self.fromPostmasterEzwebNeJp) || context.fromContains(Self.fromPostmasterAuCom) { signs += 1 }
        if context.subjectEquals("Mail System Error - Returned Mail") { signs += 1 }
        if context.withMessageID({ $0.trimmedHasSuffix(".ezweb.ne.jp>") || $0.trimmedHasSuffix(".au.com>") }) == true { signs += 1 }
        // The Received fields, searched last, make at most one sign: asked only when it decides.
        if signs != 1 { return signs >= 2 }
        return context.receivedHas(.ezwebMail) || context.receivedHas(.auCom)
    }

    /// EZweb's English sentences, with the reason each means.
    static let sentences: [(Reason, [String])] = [
        (.mailboxFull, ["The user(s) account is temporarily over quota"]),
        (.suspend, ["The user(s) account is disabled.",                  // lhost-ezweb-02, -03
                    "The user(s) account is temporarily limited."]),
        (.expired, ["Your message was not delivered within "]),          // lhost-ezweb-05
        (.onHold, ["Each of the following recipients was rejected by a remote mail server"]),
    ]

    /// A ruler of 50 dashes starts the returned message (lhost-ezweb-01). Made once: made for each line,
    /// it cost ~14,600 instructions a line.
    static let ruler = String(repeating: "-", count: 50)

    func recognize(_ context: BounceContext) -> Finding? {
        var recipients: [RecipientFinding] = []
        var sentence = ""   // a line of `sentences`
        var other = ""      // the other English lines
        var command: SMTPCommand?
        var reading = false
        for line in context.lines {
            if line.hasPrefix(Self.ruler) { break }
            // Trimmed as a slice of the text (`trimmedSlice`), made a String only for a line read (a String
            // of every line, bsd.mbox x3: 261 lines, `recognize` 1.29M -> 1.21M instructions).
            let t = line.trimmedSlice
            if !reading {
                reading = t.hasPrefix("The user(s) ") || t.hasPrefix("Your message ") || t.hasPrefix("Each of the following")
                    || (t.hasPrefix("<") && t.hasSuffix(">") && !t.contains(" "))
                if !reading { continue }
            }
            // A non-ASCII scalar is there when a byte of 0x80 or above is (`ASCII.isASCII`; over the scalars,
            // ~1,100 instructions a line: bsd.mbox x3, 90 lines, `recognize` 1.48M -> 1.40M).
            var bytes = t
            if t.isEmpty || !bytes.withUTF8(ASCII.isASCII) { continue }
            if let a = EZwebRecognizer.recipient(in: line) {
                guard recipients.count < 500 else { break }
                var r = RecipientFinding(recipient: a.address)
                r.diagnostic = a.rest
                recipients.append(r)
                continue
            }
            if t.hasPrefix(">>> ") {
                // "    >>> RCPT TO:<...>" (lhost-ezweb-04)
                command = SMTPCommand(rawValue: String(t.dropFirst(4).prefix(4)).uppercased())
                continue
            }
            let kept = String(t)
            if TextReport.reason(in: kept, table: EZwebRecognizer.sentences) != nil {
                sentence += sentence.isEmpty ? kept : " " + kept
            } else {
                other += other.isEmpty ? kept : " " + kept
            }
        }
        guard !recipients.isEmpty else { return nil }
        // The RFC 3464 part, when there is one, gives the status (lhost-ezweb-02).
        let fields = context.deliveryStatusText.map(RFC3464Recognizer.read)?.recipients ?? []
        let filteredBySign = context.header("x-spasign")?.trimmed == "NG"   // lhost-ezweb-01
        for i in recipients.indices {
            let own = recipients[i].diagnostic
            let text = sentence.isEmpty ? other : sentence
            recipients[i].diagnostic = [text, own].filter { !$0.isEmpty }.joined(separator: " ")
            recipients[i].command = command
            if let f = fields.first(where: { $0.recipient.lowercased() == recipients[i].recipient.lowercased() }) {
                recipients[i].status = f.status
                recipients[i].action = f.action
            }
            if filteredBySign {
                recipients[i].reason = .filtered
            } else if command == .rcpt {
                recipients[i].reason = .userUnknown
            } else if let r = TextReport.reason(in: sentence, table: EZwebRecognizer.sentences), r != .onHold {
                recipients[i].reason = r
            }
        }
        return Finding(recipients: recipients)
    }

    /// `<address>`, `<address>: text` or `Recipient: <address>`, in an ASCII line (`recognize` skips
    /// the others), whose bytes are its Characters but for CR LF.
    static func recipient(in line: Substring) -> (address: String, rest: String)? {
        // The brackets found among the bytes, in the line's own storage: found by Characters, in a
        // trimmed copy, the call cost ~8,000 instructions (bsd.mbox x3, 90 calls, 0.73M).
        var t = line.trimmedSlice
        if t.hasPrefix("Recipient: ") { t = t.dropFirst(11) } else if !line.hasPrefix("<") { return nil }
        guard t.hasPrefix("<"), let close = t.utf8.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let inside = t[t.utf8.index(after: t.startIndex)..<close]
        guard !inside.contains(" "), let a = TextReport.firstAddress(inside) else { return nil }
        var rest = t[t.utf8.index(after: close)...]
        if rest.hasPrefix(":") { rest = rest.dropFirst() }
        return (a, rest.trimmed)
    }
}
