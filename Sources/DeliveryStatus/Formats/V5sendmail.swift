import MailParsing

/// Sendmail version 5 and its kin (plain text, no DSN part): Subject "Returned mail: ...",
/// "----- Transcript of session follows -----" with `>>> COMMAND`, `<<< reply` and
/// `554 <address>... reason` lines, then "----- Unsent message follows -----".
///
/// Layout from sisimai lhost-v5sendmail-01..07 and Sisimai's Lhost::V5sendmail.
struct V5sendmailRecognizer: Recognizer {
    var name: String { "v5sendmail" }

    /// `claims` holds only for a subject "Returned mail: " (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "R" }

    /// "Returned mail: " and a capital (lhost-v5sendmail-01 "Returned mail: Cannot send message for
    /// 4 days"), with no delivery-status part (Sendmail 8 sends one; its reader is elsewhere).
    func claims(_ context: BounceContext) -> Bool {
        guard context.subjectText.hasPrefix("Returned mail: "), context.deliveryStatusPart == nil else { return false }
        return context.subject.dropFirst(15).first.map { $0.isUppercase } ?? false
    }

    static let unsentMarkers = ["----- Unsent message follows -----", "----- No message was collected -----"]

    func recognize(_ context: BounceContext) -> Finding? {
        // The returned message must follow the transcript. A text holding neither marker is turned away
        // before its lines; the lines are asked by their trimmed slice, not a String made of each
        // (Substring.trimmed, 1,140 calls, ~0.5M: bsd.mbox x3).
        guard LineSearch.firstOffset(ofAnyOf: V5sendmailRecognizer.unsentMarkers, in: context.text) != nil,
              context.lines.contains(where: { line in
                  let t = line.trimmedSlice
                  return V5sendmailRecognizer.unsentMarkers.contains { t.hasPrefix($0) }
              }) else {
            return nil
        }
        let lines = TextReport.section(context, start: ["----- Transcript of session follows -----"],
                                       stop: V5sendmailRecognizer.unsentMarkers, trimmingLeading: true)
        var recipients: [RecipientFinding] = []
        // By the number of recipients seen before it (at most 500: the loop stops there), in arrays,
        // not dictionaries (the 36 dictionaries' growth cost ~0.34M: bsd.mbox x3).
        var commands: [SMTPCommand?] = []
        var replies: [String?] = []
        var another = ""                          // "421 example.com (smtp)... Deferred: ..." (-01)
        var sessionError = false
        for line in lines {
            let slice = line.trimmedSlice
            // A line whose first byte is ASCII and none of a digit, '>', '<' or '.' is none of the lines
            // below (its first Character's first scalar is that byte, not a number): no String made.
            guard let first = slice.utf8.first else { continue }
            if first < 0x80, !ASCII.isDigit(first), first != UInt8(ascii: ">"), first != UInt8(ascii: "<"),
               first != UInt8(ascii: ".") { continue }
            let t = String(slice)
            if let address = V5sendmailRecognizer.address(inLine: t) {
                guard recipients.count < 500 else { break }
                var r = RecipientFinding(recipient: address)
                // The whole line: its reply code is the one that counts (-07 "554 <...>... Remote
                // protocol error" over the "<<< 501" it quotes).
                r.diagnostic = t
                if let reply = V5sendmailRecognizer.entry(recipients.count, of: replies) { r.diagnostic += ": " + reply }
                recipients.append(r)
                sessionError = false
            } else if t.hasPrefix(">>>") {
                // ">>> RCPT To:<mikeneko@example.co.jp>" (-05)
                let verb = t.dropFirst(3).trimmed.prefix(4)
                V5sendmailRecognizer.set(&commands, recipients.count, SMTPCommand(rawValue: verb.uppercased()))
            } else if t.hasPrefix("<<< ") {
                V5sendmailRecognizer.set(&replies, recipients.count, String(t.dropFirst(4)))
            } else if !sessionError {
                // "... while talking to mail.example.com:" ends what applies to everyone.
                if t.hasPrefix("."), t.hasSuffix(":"), t.contains(" while talking to ") { sessionError = true; continue }
                // "421 example.com (smtp)... Deferred: Connection timed out ..." (-01)
                if t.count > 4, t.prefix(3).allSatisfy(\.isNumber), t.contains("...") {
                    another = t
                }
            }
        }
        if recipients.isEmpty, let a = TextReport.originalRecipient(context) {
            recipients.append(RecipientFinding(recipient: a))   // -01: nobody named in the transcript
        }
        for i in recipients.indices {
            recipients[i].command = V5sendmailRecognizer.entry(i, of: commands)
            if recipients[i].diagnostic.isEmpty {
                recipients[i].diagnostic = another.isEmpty ? (V5sendmailRecognizer.entry(i, of: replies) ?? "") : another
            }
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }

    /// `entries[index]`, nil past the end (what a dictionary lookup of a missing key answered).
    static func entry<T>(_ index: Int, of entries: [T?]) -> T? {
        index >= 0 && index < entries.count ? entries[index] : nil
    }

    /// Sets `entries[index]` to `value`, growing the array with nils up to it (`index` is a recipient
    /// count, at most 500).
    static func set<T>(_ entries: inout [T?], _ index: Int, _ value: T?) {
        guard index >= 0 else { return }
        while entries.count <= index { entries.append(nil) }
        entries[index] = value
    }

    /// "554 <kijitora@example.edu>... Remote protocol error" → the address.
    ///
    /// By the line's bytes when it is ASCII without CR (each byte is then one Character, as the
    /// Character reading below counts them); a line starting with an ASCII byte other than a digit is
    /// turned away by that byte (its first Character's first scalar, all `isNumber` looks at); other
    /// lines are read by Characters (`addressByCharacters`). The Character reading cost ~8,600
    /// instructions a call (bsd.mbox x3, 135 calls, 1.16M).
    static func address(inLine t: String) -> String? {
        var text = t
        // The address's bounds in bytes, nil when there is none, or .some(nil) when the bytes cannot tell.
        let found: Range<Int>?? = text.withUTF8 { b -> Range<Int>?? in
            guard let first = b.first else { return .some(nil) }
            if first < 0x80 && !ASCII.isDigit(first) { return .some(nil) }
            for byte in b where byte >= 0x80 || byte == ASCII.carriageReturn { return nil }
            guard b.count > 5, ASCII.isDigit(b[0]), ASCII.isDigit(b[1]), ASCII.isDigit(b[2]),
                  b[3] == ASCII.space || b[3] == ASCII.tab else { return .some(nil) }
            var start = 4
            var end = b.count
            while start < end, ASCII.isWhitespaceOrNewline(b[start]) { start += 1 }
            while end > start, ASCII.isWhitespaceOrNewline(b[end - 1]) { end -= 1 }
            guard start < end, b[start] == UInt8(ascii: "<") else { return .some(nil) }
            var close = start + 1
            while close < end, b[close] != UInt8(ascii: ">") { close += 1 }
            guard close < end, end - (close + 1) >= 3, b[close + 1] == UInt8(ascii: "."),
                  b[close + 2] == UInt8(ascii: "."), b[close + 3] == UInt8(ascii: ".") else { return .some(nil) }
            return .some(start..<(close + 1))
        }
        guard let found else { return addressByCharacters(inLine: t) }
        guard let range = found else { return nil }
        let u = t.utf8
        let lower = u.index(u.startIndex, offsetBy: range.lowerBound)
        let upper = u.index(lower, offsetBy: range.count)
        return TextReport.firstAddress(Substring(u[lower..<upper]))
    }

    /// `address(inLine:)` read by Characters (`isNumber` takes digits of other scripts too): for lines
    /// that are not ASCII or hold a CR, and the reference its byte reading is held to in the tests.
    static func addressByCharacters(inLine t: String) -> String? {
        guard t.count > 5, t.prefix(3).allSatisfy(\.isNumber), t.dropFirst(3).first == " " || t.dropFirst(3).first == "\t" else { return nil }
        let rest = t.dropFirst(4).trimmed
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">"),
              rest[rest.index(after: close)...].hasPrefix("..."),
              let a = TextReport.firstAddress(rest[...close]) else { return nil }
        return a
    }
}
