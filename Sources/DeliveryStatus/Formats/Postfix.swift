import MailParsing

/// Postfix (https://www.postfix.org/) bounce(8) reports: "This is the mail system at host ..." and a
/// standard DSN part with `X-Postfix-*` fields. Read by the RFC 3464 reader (with the text's
/// "(in reply to RCPT TO command)"); this recogniser gives the family its name in output. Also smtpd's
/// notice to the postmaster of a session's errors, with its transcript (`smtpdNotice`), and the
/// reports without a DSN part ("This is the Postfix program at host ...", `oldReport`).
/// Seen in sisimai lhost-postfix-*.
struct PostfixRecognizer: Recognizer {
    var name: String { "postfix" }

    func claims(_ context: BounceContext) -> Bool {
        guard context.deliveryStatusPart != nil else {
            return context.subjectText.hasPrefix(Self.smtpdNoticeSubject) || context.text.contains(Self.oldReportStart)
        }
        return context.deliveryStatusTextContains("X-Postfix-") || context.text.contains("This is the mail system at host")
    }

    func recognize(_ context: BounceContext) -> Finding? {
        if context.deliveryStatusPart == nil {
            return context.subjectText.hasPrefix(Self.smtpdNoticeSubject) ? Self.smtpdNotice(context) : Self.oldReport(context)
        }
        let standard = RFC3464Recognizer().recognize(context)
        if let standard, !standard.recipients.isEmpty { return standard }
        // bounce(8) writes "--- Delivery report unavailable ---" and a DSN part without a recipient
        // group when it lost the queue file's recipient records (sisimai lhost-postfix-64): the
        // returned original's To is the recipient, as Sisimai takes it, with no status or text to
        // say why (reason undefined). A report that fails to reach its sender is still one.
        guard context.text.contains(Self.reportUnavailable), let address = TextReport.originalRecipient(context) else { return standard }
        var r = RecipientFinding(recipient: address)
        r.action = .failed
        // The DSN part's per-message fields (Reporting-MTA, Arrival-Date ...) as the standard reader
        // read them, kept by it for this (it returns none for a report without a recipient): not read again.
        var finding = context.keptDeliveryStatusReading?.finding ?? Finding()
        context.keptDeliveryStatusReading = nil
        finding.recipients = [r]
        return finding
    }

    /// bounce(8)'s line in place of the per-recipient report.
    static let reportUnavailable = "--- Delivery report unavailable ---"

    // MARK: - Reports without a DSN part

    /// The first line of the reports Postfix wrote before its DSN support (2.3) and of those a site
    /// configured without one.
    static let oldReportStart = "This is the Postfix program at host"

    /// A report without a DSN part (sisimai lhost-postfix-07): after the site's own paragraphs, each
    /// recipient's paragraph starts "<address>: " at the line's start, continued on indented lines
    /// ("<user@example.or.jp>: host mx.example.or.jp[192.0.2.22] said: 550 <user@example.or.jp>:
    /// User unknown"). The remote MTA is the host that "said", the command the one "in reply to".
    /// The site's paragraphs name addresses too ("please contact <support@example.jp>"), but never at
    /// a line's start followed by ":". Nil when no paragraph names a recipient.
    static func oldReport(_ context: BounceContext) -> Finding? {
        var recipients: [RecipientFinding] = []
        var inParagraph = false
        for line in context.lines {
            if inParagraph, line.first == " " || line.first == "\t" {
                TextReport.appendJoined(line.trimmed, to: &recipients[recipients.count - 1].diagnostic)
                continue
            }
            inParagraph = false
            guard line.hasPrefix("<"), let close = line.firstIndex(of: ">"),
                  line[line.index(after: close)...].hasPrefix(":") else { continue }
            let address = String(line[line.index(after: line.startIndex)..<close])
            guard Addresses.isAddress(address) else { continue }
            var r = RecipientFinding(recipient: address)
            r.action = .failed
            r.diagnostic = line[line.index(close, offsetBy: 2)...].trimmed
            recipients.append(r)
            inParagraph = true
        }
        guard !recipients.isEmpty else { return nil }
        for i in recipients.indices {
            let text = recipients[i].diagnostic
            recipients[i].remoteMTA = saidHost(text)
            if let at = LineSearch.firstOffset(ofAnyOf: ["(in reply to "], in: text) {
                recipients[i].command = SMTPCommandFinder.find(in: String(decoding: text.utf8.dropFirst(at), as: UTF8.self))
            }
        }
        return Finding(recipients: recipients)
    }

    /// The host of "host NAME[ADDRESS] said:" at the start of a Postfix diagnostic, if any.
    static func saidHost(_ text: String) -> String? {
        guard text.hasPrefix("host "), let said = LineSearch.firstOffset(ofAnyOf: [" said:"], in: text), said > 5 else { return nil }
        let host = String(decoding: text.utf8.dropFirst(5).prefix(said - 5), as: UTF8.self)
        let name = host.firstIndex(of: "[").map { host[..<$0] } ?? host[...]
        return name.isEmpty || name.contains(" ") ? nil : String(name)
    }

    // MARK: - smtpd's notice to the postmaster

    /// The Subject of smtpd's notice of a session's errors ("Postfix SMTP server: errors from
    /// localhost[127.0.0.1]"), sent to the postmaster with the session's transcript.
    static let smtpdNoticeSubject: StaticString = "Postfix SMTP server: errors from"

    /// smtpd's notice (`notify_classes`): "Transcript of session follows.", then the session, each
    /// line " In:  COMMAND" or " Out: REPLY", a long one continued on lines that start with blanks
    /// (sisimai lhost-postfix-75). The message failed to each `RCPT TO` address with the last 4xx or
    /// 5xx reply, given to the command before it; nil when the session named no recipient or refused
    /// nothing.
    static func smtpdNotice(_ context: BounceContext) -> Finding? {
        var entries: [(isIn: Bool, text: String)] = []
        for line in TextReport.section(context, start: ["Transcript of session follows"], stop: []) {
            if line.hasPrefix(" In:") {
                entries.append((true, line.dropFirst(4).trimmed))
            } else if line.hasPrefix(" Out:") {
                entries.append((false, line.dropFirst(5).trimmed))
            } else if line.first == " " || line.first == "\t", !entries.isEmpty {
                let more = line.trimmed
                if !more.isEmpty { TextReport.appendJoined(more, to: &entries[entries.count - 1].text) }
            } else if !line.trimmed.isEmpty, !entries.isEmpty {
                break   // "For other details, see the local mail logfile"
            }
        }
        guard let failure = entries.lastIndex(where: { !$0.isIn && ($0.text.hasPrefix("4") || $0.text.hasPrefix("5")) }) else { return nil }
        let command = entries[..<failure].last(where: \.isIn).flatMap { SMTPCommandFinder.find(in: $0.text) }
        var recipients: [RecipientFinding] = []
        // Each address once, found by a set (a search of the records at each line made a session of
        // 100,000 RCPT commands take 48 s).
        var seen: Set<String> = []
        for entry in entries where entry.isIn && Self.isRCPT(entry.text) {
            guard let address = TextReport.firstAddress(Substring(entry.text)), seen.insert(address).inserted else { continue }
            var r = RecipientFinding(recipient: address)
            r.action = .failed
            r.diagnostic = entries[failure].text
            r.command = command
            recipients.append(r)
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }

    /// Whether a transcript's command is `RCPT TO:`, in any case.
    static func isRCPT(_ command: String) -> Bool {
        var command = command
        return command.withUTF8 { ASCII.hasPrefix($0, ignoringCase: "rcpt to:") }
    }
}
