import BytePatterns

/// Signs that a message is a delivery report at all (the generic reader's `claims`).
enum BounceSigns {
    /// Subjects of non-delivery reports, in the wording of the MTAs in the corpus and their translations.
    static let subjects = PatternSet.compiled([
        "undeliver", "undelivered", "delivery (status notification|failure|failed|has failed|problem|report|notification)",
        "failure notice", "returned mail", "mail delivery (failed|failure|system|subsystem)", "non[- ]?delivery",
        "could not be delivered", "delivery unsuccessful", "not delivered", "mail system error", "rejected",
        "bounce", "warning: could not send message", "message status", "nondeliverable", "delayed mail",
        "delivery notification", "returned to sender", "mail could not be delivered", "permanent error",
        "unzustellbar", "non remis", "no entregado", "niet bezorgd", "non recapitato", "配信", "エラー",
        "error", "failed", "failure", "notification", "problem",
    ])
    /// Senders of reports.
    static let senders = PatternSet.compiled([
        "mailer-daemon", "postmaster", "mail delivery (system|subsystem)", "mdaemon", "mailerdaemon",
        "mail administrator", "mail-daemon", "internet mail delivery", "microsoftexchange", "bounce", "no-?reply",
        "mail delivery", "mailadmin", "mailmaster", "auto", "system administrator", "root@",
    ])

    static func looksLikeBounce(_ context: BounceContext) -> Bool {
        if subjects.hasMatch(in: context.subject) || senders.hasMatch(in: context.from) { return true }
        let type = context.message.root.contentType
        if type.is("multipart", "report") { return true }
        if context.headers.first("x-failed-recipients") != nil { return true }
        return false
    }
}

/// Line-oriented helpers shared by the text recognisers.
enum TextScan {
    /// An e-mail address in free text (RFC 5321 Mailbox, loosely: what bounces actually print).
    static let addressPattern = try! BytePattern(
        #"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"#)

    /// Addresses in one line, in order.
    static func addresses(in line: Substring) -> [String] {
        let s = String(line)
        let bytes = Array(s.utf8)
        return bytes.withUnsafeBytes { raw in
            addressPattern.matches(in: raw, maxMatches: 50).map { m in
                String(decoding: bytes[m.range], as: UTF8.self)
            }
        }.map { a in
            var t = a
            while let l = t.last, l == "." || l == "-" { t.removeLast() }
            while let f = t.first, f == "." { t.removeFirst() }
            return t
        }
    }

    /// Lines announcing the returned original (the scan stops there).
    static func isOriginalMarker(_ lower: String) -> Bool {
        OriginalLocator.markers.contains { lower.contains($0) }
            || lower.hasPrefix("received: ") || lower.hasPrefix("return-path:")
    }

    /// Whether a line carries a sign of failure: a status or reply code, or a failure phrase.
    static let failureWords = PatternSet.compiled([
        #"\b[245]\.\d{1,3}\.\d{1,3}\b"#, #"(^|[^\d.])[45]\d\d([ -]|$)"#, "unknown", "not exist", "no such", "invalid",
        "rejected", "refused", "denied", "full", "quota", "unavailable", "disabled", "failed", "error", "blocked",
        "spam", "timed? ?out", "expired", "unreachable", "not found", "too (large|big)", "exceeded", "suspended",
        "said:", "reason:", "diagnostic", "can't", "cannot", "unable", "inactive", "does not", "couldn't",
    ])

    /// The generic scan: each address that stands on a line with a failure sign (or alone on a line,
    /// followed by indented text with one), with the text around it as the diagnostic.
    static func recipients(in lines: [Substring], excluding context: BounceContext) -> [RecipientFinding] {
        let own = Set([Addresses.bare(context.from).lowercased(),
                       Addresses.bare(context.header("to") ?? "").lowercased()])
        var out: [RecipientFinding] = []
        var seen = Set<String>()
        var i = 0
        while i < lines.count, out.count < 200 {
            let line = lines[i]
            let lower = line.lowercased()
            if isOriginalMarker(lower) { break }
            let found = addresses(in: line)
            for a in found {
                let key = a.lowercased()
                if own.contains(key) || seen.contains(key) { continue }
                if key.hasPrefix("mailer-daemon@") || key.hasPrefix("postmaster@") { continue }
                // The diagnostic: this line and the following non-blank lines (up to 8).
                var diagnosticLines: [Substring] = [line]
                var j = i + 1
                while j < lines.count, j < i + 9, !lines[j].trimmed.isEmpty {
                    if isOriginalMarker(lines[j].lowercased()) { break }
                    if !addresses(in: lines[j]).filter({ !own.contains($0.lowercased()) && $0.lowercased() != key }).isEmpty { break }
                    diagnosticLines.append(lines[j])
                    j += 1
                }
                let diag = diagnosticLines.joined(separator: "\n")
                guard failureWords.hasMatch(in: diag) else { continue }
                seen.insert(key)
                var r = RecipientFinding(recipient: a)
                r.diagnostic = diag
                out.append(r)
            }
            i += 1
        }
        return out
    }
}

extension Substring {
    /// Without leading and trailing whitespace.
    var trimmed: String { String(self).trimmed }
}
