import MailParsing

/// Ipswitch IMail Server (`X-Mailer: <SMTP32 v...>`) non-delivery reports: "Undeliverable Mail",
/// one `<phrase>: <address>` line per recipient, or "undeliverable to <address>" followed by the
/// remote server's reply after "Body of message generated response:".
///
/// Layout from sisimai lhost-imailserver-01..06 and Sisimai's Lhost::IMailServer.
struct IMailServerRecognizer: Recognizer {
    var name: String { "imailserver" }

    /// `x-mailer` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xMailerField = HeaderNameFilter.Name("x-mailer", bit: 6)

    func claims(_ context: BounceContext) -> Bool {
        if context.subjectText.trimmedEquals("Undeliverable Mail") ?? (context.subject.trimmed == "Undeliverable Mail") { return true }        // lhost-imailserver-01
        return context.header(Self.xMailerField)?.trimmed.hasPrefix("<SMTP32 v") == true  // lhost-imailserver-02
    }

    /// The phrase that opens the line, with the reason it means (lhost-imailserver-01..04).
    static let phrases: [(prefix: String, reason: Reason)] = [
        ("Unknown user", .userUnknown),                          // -01
        ("Invalid final delivery userid", .userUnknown),         // -03
        ("User mailbox exceeds allowed size", .mailboxFull),     // -02
        ("Requested action not taken: virus detected", .virusDetected),
        ("Delivery failed ", .expired),                          // -04 "Delivery failed 20 attempts"
    ]

    /// Where in the SMTP session the remote reply came (Sisimai's command table).
    static let commands: [(phrase: String, command: SMTPCommand)] = [
        ("SMTP connection failed,", .connect), ("Unexpected connection response from server:", .connect),
        ("Unexpected response to EHLO/HELO:", .ehlo), ("Server response to MAIL FROM:", .mail),
        ("Additional RCPT TO generated following response:", .rcpt), ("DATA command generated response:", .data),
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: [], stop: ["Original message follows."])
        var recipients: [RecipientFinding] = []
        var response = ""   // "Body of message generated response:" and what follows (lhost-imailserver-06)
        // The response is the last recipient's diagnostic, given to it before the next recipient and at
        // the end. (Given at each line, the recipient's copy made the next line's append copy the whole
        // text: 25,000 / 50,000 / 100,000 lines after the response's line took 0.06 / 0.15 / 0.73 s.)
        func giveResponse() {
            if !response.isEmpty, let i = recipients.indices.last { recipients[i].diagnostic = response }
        }
        for line in lines {
            let t = line.trimmed
            if t.lowercased().hasPrefix("undeliverable to ") {
                if let a = TextReport.firstAddress(line), recipients.count < 500 {
                    giveResponse()
                    recipients.append(RecipientFinding(recipient: a))
                    response = ""
                }
                continue
            }
            // "Unknown user: kijitora@example.com": a phrase of two words or more, a colon, an address.
            if let colon = t.lastIndex(ofASCII: UInt8(ascii: ":")), t[..<colon].contains(" "),
               let a = TextReport.firstAddress(t[t.index(after: colon)...]),
               t[t.index(after: colon)...].trimmed.hasPrefix(a) || t[t.index(after: colon)...].trimmed.hasPrefix("<" + a) {
                guard recipients.count < 500 else { break }
                giveResponse()
                var r = RecipientFinding(recipient: a)
                r.diagnostic = String(t[..<colon])
                recipients.append(r)
                response = ""
                continue
            }
            if t.contains("Body of message generated response:") {
                response = t
            } else if !response.isEmpty, !t.isEmpty {
                TextReport.appendJoined(t, to: &response)
            }
        }
        giveResponse()
        if recipients.isEmpty, let recipient = Self.returnedOriginalRecipient(context) {
            // No "undeliverable to" line, only the returned message after "Save to the following Address
            // Book:" (seen in backscatter-dev's rewrite of lhost-imailserver-06): IMail returns what it
            // could not deliver, so the failed recipient is the one the original was received for.
            var finding = RecipientFinding(recipient: recipient)
            finding.reason = .undefined
            recipients.append(finding)
        }
        guard !recipients.isEmpty else { return nil }
        for i in recipients.indices {
            let d = recipients[i].diagnostic
            recipients[i].reason = IMailServerRecognizer.phrases.first { d.hasPrefix($0.prefix) }?.reason
            recipients[i].command = IMailServerRecognizer.commands.first { d.contains($0.phrase) }?.command
        }
        return Finding(recipients: recipients)
    }

    /// The envelope recipient of the returned original: the `for` clause of its Received fields (RFC 5321
    /// §4.4), else its single To address.
    static func returnedOriginalRecipient(_ context: BounceContext) -> String? {
        var headers = OriginalLocator.locate(context).headers
        if headers == nil, let start = context.lines.firstIndex(where: { $0.hasPrefix("Received:") }) {
            // The returned header section stands in the text with no marker line before it.
            let text = context.lines[start...].prefix(200).joined(separator: "\n") + "\n"
            headers = HeaderSection.parse(Array(text.utf8)[...])
        }
        guard let headers else { return nil }
        for received in headers.received {
            if let address = received.for, !address.isNull { return address.address }
        }
        let to = headers.to.filter { !$0.isNull }
        return to.count == 1 ? to[0].address : nil
    }
}
