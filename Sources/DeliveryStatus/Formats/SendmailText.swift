import BytePatterns
import MailParsing

/// Sendmail's plain-text reports (no `message/delivery-status` part, or one we could not read):
/// "----- The following addresses had permanent fatal errors -----" with `<address>` and
/// "(reason: ...)" lines, and "----- Transcript of session follows -----" with `>>> COMMAND`,
/// `<<< reply` and `554 <address>... text` lines (Sendmail 5 writes only the transcript).
/// Also read inside a forwarded copy quoted with `>`. Seen in sisimai lhost-sendmail-14, -15,
/// lhost-v5sendmail-*.
struct SendmailTextRecognizer: Recognizer {
    var name: String { "sendmail" }

    func claims(_ context: BounceContext) -> Bool {
        context.deliveryStatusPart == nil && context.inlineDeliveryStatusText == nil
            && context.hasSendmailSectionLine
    }

    static let ends = ["----- unsent message follows", "----- original message follows", "----- message header follows",
                       "------- returned message", "content-type: message/rfc822", "----- returned message follows"]
    /// `554 <user@example.org>... Remote protocol error` (a transcript's summary line for one recipient).
    static let summaryLine = try? BytePattern(#"^\d{3} <([^>\s]+@[^>\s]+)>\.\.\.\s*(.*)$"#)

    func recognize(_ context: BounceContext) -> Finding? {
        var records: [RecipientFinding] = []
        // Each recipient's first record, by lower-cased address (records are only appended), and the
        // last ">>> RCPT" line among the pending ones: searching the records and the pending lines again
        // at every line made a transcript of thousands of lines quadratic (sisimai lhost-sendmail-14
        // with its quoted lines 480 times over: 1.6 s).
        var recordIndex: [String: Int] = [:]
        func index(of address: String) -> Int? { recordIndex[address.lowercased()] }
        func append(_ record: RecipientFinding) {
            let key = record.recipient.lowercased()
            if recordIndex[key] == nil { recordIndex[key] = records.count }
            records.append(record)
        }
        var started = false
        var pending: [String] = []       // ">>> " and "<<< " lines not yet given to a recipient
        var lastRCPT: Int? = nil         // where the last of them starting ">>> RCPT" is
        func addPending(_ line: String) {
            if line.hasPrefix(">>> RCPT") { lastRCPT = pending.count }
            pending.append(line)
        }
        func clearPending() {
            pending = []
            lastRCPT = nil
        }
        var pendingCommand: SMTPCommand? = nil
        var inAddressList = false        // between "The following addresses had..." and the transcript
        for raw in context.lines {
            // A forwarded copy quoted with "> " (sisimai lhost-sendmail-14); the marks are passed over on
            // the line's slice (removing each from a String moved the rest of it every time).
            var quoted = raw
            while quoted.hasPrefix(">") && !quoted.hasPrefix(">>>") {
                quoted = quoted.dropFirst()
                if quoted.hasPrefix(" ") { quoted = quoted.dropFirst() }
            }
            let line = String(quoted)
            let lower = line.lowercased()
            if lower.contains("----- the following addresses had") { started = true; inAddressList = true; continue }
            if lower.contains("----- transcript of session follows -----") { started = true; inAddressList = false; continue }
            if !started { continue }
            if SendmailTextRecognizer.ends.contains(where: { lower.contains($0) }) { break }
            // The delivery-status part's first field, when `SendmailDSNRecognizer` hands over a report
            // whose DSN records name no address (lhost-sendmail-15): the text ends there. (Claimed on
            // its own, this reader has no delivery-status text to meet.)
            if lower.hasPrefix("reporting-mta:") { break }
            let t = line.trimmed
            // The text ends at a MIME delimiter line (`--` and the boundary, RFC 2046 §5.1.1) or the
            // returned message's first header field, when a report lost its Content-Type and its parts
            // read as one text (backscatter-dev: a transcript's reply ran on into the original's
            // Received, From and Subject).
            if t.utf8.withContiguousStorageIfAvailable(OriginalLocator.isDelimiterLike) ?? false
                || raw.utf8.withContiguousStorageIfAvailable(TextScan.startsWithHeaderName) ?? false { break }
            if t.isEmpty || t.hasPrefix("-----") { continue }
            if inAddressList, !t.hasPrefix("("), t.contains("@") {
                // ">>> user@example.org <user@example.org>" (Active!hunter), "<user@example.org>", "user@example.org".
                for a in TextScan.addresses(in: Substring(t)).prefix(1) where index(of: a) == nil {
                    append(RecipientFinding(recipient: a))
                }
                if let gt = t.lastIndex(of: ">"), t.hasPrefix("<"), let i = records.indices.last {
                    let rest = t[t.index(after: gt)...].trimmed
                    if !rest.isEmpty { records[i].diagnostic += " " + rest }
                }
                continue
            }
            if t.hasPrefix(">>> ") {
                addPending(t)
                pendingCommand = SMTPCommandFinder.find(in: t)
                // ">>> RCPT To:<address>" opens that recipient's part of the transcript.
                continue
            }
            if t.hasPrefix("<<< ") { addPending(String(t.dropFirst(4))); continue }
            if let m = SendmailTextRecognizer.summaryLine?.firstMatch(in: t), let a = m[group: 1], let rest = m[group: 2] {
                let u = Array(t.utf8)
                let address = String(decoding: u[a], as: UTF8.self)
                let text = String(decoding: u[rest], as: UTF8.self)
                let code = String(t.prefix(3))
                let pieces = pending + [code + " " + text]
                if let i = index(of: address) {
                    records[i].diagnostic = Self.appending(pieces, to: records[i].diagnostic)
                } else {
                    var r = RecipientFinding(recipient: address)
                    r.diagnostic = Self.appending(pieces, to: "")
                    r.command = pendingCommand
                    append(r)
                }
                clearPending()
                pendingCommand = nil
                continue
            }
            if t.hasPrefix("<"), let gt = t.firstIndex(of: ">"), t[..<gt].contains("@") {
                let address = Addresses.bare(String(t[t.index(after: t.startIndex)..<gt]))
                if index(of: address) == nil, Addresses.isAddress(address) { append(RecipientFinding(recipient: address)) }
                let rest = t[t.index(after: gt)...].trimmed
                if !rest.isEmpty, let i = index(of: address) { records[i].diagnostic += " " + rest }
                continue
            }
            if t.hasPrefix("(reason:"), !records.isEmpty {
                records[records.count - 1].diagnostic += " " + t.dropFirst(8).trimmed.trimmingSuffix(")")
                continue
            }
            if t.hasPrefix("(expanded from:"), !records.isEmpty { continue }
            if !pending.isEmpty || t.first.map({ $0.isNumber }) == true {
                // A reply line of the transcript: give it to the recipient the last RCPT named, or to the last.
                if let rcpt = lastRCPT.map({ Addresses.bare(pending[$0]) }), let i = index(of: rcpt) {
                    records[i].diagnostic = Self.appending(pending + [t], to: records[i].diagnostic)
                    if records[i].command == nil { records[i].command = .rcpt }
                    clearPending()
                } else {
                    addPending(t)
                }
            }
        }
        guard !records.isEmpty else { return nil }
        // Transcript lines left over belong to a single recipient.
        if !pending.isEmpty, records.count == 1 {
            records[0].diagnostic = Self.appending(pending, to: records[0].diagnostic)
            if records[0].command == nil { records[0].command = pendingCommand ?? SMTPCommandFinder.find(in: pending.joined(separator: " ")) }
        }
        for i in records.indices { records[i].diagnostic = Diagnostic.sweep(records[i].diagnostic) }
        if records.count == 1, records[0].remoteMTA == nil { records[0].remoteMTA = Self.talkedTo(in: context.text) }
        return Finding(recipients: records)
    }

    /// The host of sendmail's "... while talking to HOST.:" line, the server whose replies the
    /// transcript under it gives: the remote MTA of a report with one such line, for its one recipient,
    /// where no Remote-MTA field names it (sisimai lhost-sendmail-04, -08, -14, -29 have none). The host's last dot (its root, sendmail writes it) and the
    /// colon go; `>` quote marks before the line's dots are allowed (a forwarded copy, lhost-sendmail-14).
    /// Nil without such a line, with two or more (several servers, lhost-sendmail-16: which recipient
    /// is whose is the transcript's to tell), or when what follows the phrase is no host name.
    static func talkedTo(in text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            let needle = talkingPhrase
            guard let at = needle.withUnsafeBufferPointer({ ByteSubstring.firstOffset(of: $0, in: bytes) }) else { return nil }
            // Where the phrase's line starts: only `>` marks and blanks may come before the phrase.
            var lineStart = at
            while lineStart > 0, bytes[lineStart - 1] != ASCII.lineFeed { lineStart -= 1 }
            guard bytes[lineStart..<at].allSatisfy({ $0 == ASCII.greaterThan || $0 == ASCII.space || $0 == ASCII.tab }) else { return nil }
            let hostStart = at + needle.count
            // A second such line: another server.
            let rest = UnsafeBufferPointer(rebasing: bytes[hostStart...])
            if needle.withUnsafeBufferPointer({ ByteSubstring.firstOffset(of: $0, in: rest) }) != nil { return nil }
            // The host runs to the colon that ends the line (an address literal may hold colons:
            // "[IPv6:2001:db8::1].:").
            var end = hostStart
            while end < bytes.count, end - hostStart <= 255, bytes[end] > ASCII.space { end += 1 }
            guard end > hostStart, bytes[end - 1] == ASCII.colon else { return nil }
            var hostEnd = end - 1
            if hostEnd > hostStart, bytes[hostEnd - 1] == ASCII.dot { hostEnd -= 1 }
            let host = UnsafeBufferPointer(rebasing: bytes[hostStart..<hostEnd])
            // A host name or an address literal: letters, digits, `-`, `.`, `[`, `]`, `:` (IPv6).
            guard !host.isEmpty, host.allSatisfy({ ASCII.isAlpha($0) || ASCII.isDigit($0) || $0 == ASCII.hyphen
                || $0 == ASCII.dot || $0 == ASCII.openBracket || $0 == ASCII.closeBracket || $0 == ASCII.colon }) else { return nil }
            return String(decoding: host, as: UTF8.self)
        }
    }

    /// The words before the host on sendmail's "... while talking to HOST.:" line, as bytes.
    private static let talkingPhrase = Array("... while talking to ".utf8)

    /// `diagnostic` with each of the transcript's `pieces` after it, a space before each, but a piece it
    /// holds already: Sendmail writes the reply on the "(reason: ...)" line, then on the transcript's
    /// `<<<` line and again on the summary line under it (sisimai lhost-sendmail-14: one reply three
    /// times in the diagnostic, where Sisimai gives it once, "550 5.1.1 <kijitora@example.com>... User
    /// unknown 503 5.0.0 Need RCPT (recipient)").
    static func appending(_ pieces: [String], to diagnostic: String) -> String {
        var out = diagnostic
        for piece in pieces where !piece.isEmpty && !out.contains(piece) {
            out += out.isEmpty ? piece : " " + piece
        }
        return out
    }
}

extension String {
    func trimmingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}
