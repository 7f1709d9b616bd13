import MailParsing

/// Microsoft Exchange Server 5.5–2003 (Internet Mail Service / IMC) non-delivery reports: a plain
/// text "Your message did not reach ..." part with one `address on date` line per recipient and an
/// `MSEXCH:` line carrying an 8-digit hexadecimal error code.
///
/// Layout and codes from sisimai lhost-exchange2003-01..07 and Sisimai's Lhost::Exchange2003.
struct Exchange2003Recognizer: Recognizer {
    var name: String { "exchange2003" }

    /// `x-ms-embedded-report` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xMsEmbeddedReportField = HeaderNameFilter.Name("x-ms-embedded-report", bit: 73)
    /// `x-mailer` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xMailerField = HeaderNameFilter.Name("x-mailer", bit: 6)
    /// `x-mimeole` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xMimeoleField = HeaderNameFilter.Name("x-mimeole", bit: 190)

    /// Exchange's own headers: `X-MS-Embedded-Report` (lhost-exchange2003-02), an IMS/IMC `X-Mailer`,
    /// `X-MimeOLE: Produced By Microsoft Exchange`, or a `Received: ... with Internet Mail Service (`.
    func claims(_ context: BounceContext) -> Bool {
        if context.hasHeader(Self.xMsEmbeddedReportField) { return true }
        if let mailer = context.header(Self.xMailerField)?.trimmed,
           mailer.hasPrefix("Internet Mail Service (") || mailer.hasPrefix("Microsoft Exchange Server Internet Mail Connector") {
            return true
        }
        if let ole = context.header(Self.xMimeoleField)?.trimmed, ole.hasPrefix("Produced By Microsoft Exchange") { return true }
        return context.receivedHas(.internetMailService)
    }

    /// The error codes in the `MSEXCH:` line, with the reason each means (Sisimai's table).
    static let codes: [String: Reason] = [
        "000C05A6": .userUnknown,      // Unknown Recipient (lhost-exchange2003-01, -02, -03, -05, -07)
        "000C0595": .filtered,         // Ambiguous Recipient
        "00010256": .systemError,      // Too many recipients
        "000D06B5": .systemError,      // No proxy for recipient
        "00120270": .networkError,     // Too many hops
        "00050311": .contentError,     // Conversion to Internet format failed
        "000502CC": .contentError,
        "000B0981": .securityError,    // 502 Server does not support AUTH
        "000B099C": .onHold, "000B09AA": .onHold, "000B09B6": .onHold,
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        // "did not reach the following recipient(s):" (-02) or "The following recipient(s) could not be
        // reached:" (-04).
        let lines = TextReport.section(context, start: ["did not reach the following recipient", "The following recipient(s) could not be reached"],
                                       stop: ["Content-Type: message/rfc822"], trimmingLeading: true)
        var recipients: [RecipientFinding] = []
        var exch: [String] = []   // the MSEXCH line (and the one after it) per recipient
        var other: [String] = []  // the other lines per recipient
        var continued = false
        for line in lines {
            let t = line.trimmed
            if let address = Exchange2003Recognizer.recipient(in: t), recipients.count < 500 {
                recipients.append(RecipientFinding(recipient: address))
                exch.append(""); other.append(""); continued = false
                continue
            }
            guard let i = recipients.indices.last, !t.isEmpty else { continue }
            if t.hasPrefix("MSEXCH:") {
                exch[i] = t
            } else if !exch[i].isEmpty {
                // The line after MSEXCH continues it (as Sisimai reads it).
                if !continued { exch[i] += " " + t; continued = true }
            } else {
                TextReport.appendJoined(t, to: &other[i])
            }
        }
        guard !recipients.isEmpty else { return nil }
        for i in recipients.indices {
            let line = exch[i]
            // "MSEXCH:IMS:KIJITORA CAT:EXAMPLE:EXCHANGE 0 (000C05A6) Unknown Recipient"
            if let (open, close) = Exchange2003Recognizer.codeParentheses(line) {
                let code = String(line[line.index(after: open)..<close])
                let message = line[line.index(after: close)...].trimmed
                if let reason = Exchange2003Recognizer.codes[code] {
                    recipients[i].reason = reason == .onHold ? nil : reason
                }
                recipients[i].diagnostic = message.isEmpty ? line : message
            } else {
                recipients[i].diagnostic = [other[i], line].filter { !$0.isEmpty }.joined(separator: " ")
            }
        }
        return Finding(recipients: recipients)
    }

    /// The `(` and `)` around the code of an MSEXCH line: its last `(` and the first `)` after it,
    /// nine Characters apart, or nil. An ASCII line's bytes (without CR) are its Characters, and are
    /// searched in place (`lastIndex(of:)` by Characters cost ~10,000 instructions a line: bsd.mbox x3,
    /// 21 lines, `recognize` 0.79M -> 0.53M); another line is read by Characters, where a mark may join
    /// a parenthesis.
    static func codeParentheses(_ line: String) -> (open: String.Index, close: String.Index)? {
        var copy = line
        let offsets: (Int, Int)?? = copy.withUTF8 { u in
            var open = -1, close = -1
            for i in u.indices {
                let b = u[i]
                if b >= 0x80 || b == 0x0D { return nil }   // CR LF would be one Character
                if b == UInt8(ascii: "(") { open = i; close = -1 } else if b == UInt8(ascii: ")"), open >= 0, close < 0 { close = i }
            }
            return open >= 0 && close == open + 9 ? (open, close) : .some(nil)
        }
        switch offsets {
        case let ((open, close)?)?:
            let u = line.utf8
            return (u.index(u.startIndex, offsetBy: open), u.index(u.startIndex, offsetBy: close))
        case .some(nil):
            return nil
        case nil:
            guard let open = line.lastIndex(of: "("), let close = line[open...].firstIndex(of: ")"),
                  line.distance(from: open, to: close) == 9 else { return nil }
            return (open, close)
        }
    }

    /// "kijitora@example.co.jp on Thu, 29 Apr 2007 16:51:51 -0500" (lhost-exchange2003-02) or
    /// "... SMTP=kijitora@example.com on 4/29/99 9:19:59 AM": the address, or nil.
    static func recipient(in t: String) -> String? {
        guard let on = t.firstRange(of: " on ") else { return nil }
        var head = t[..<on.lowerBound]
        if let smtp = head.firstRange(of: "SMTP=") ?? head.firstRange(of: "smtp=") { head = head[smtp.upperBound...] }
        guard !head.contains(" "), head.contains("@") else { return nil }
        return String(head)
    }
}
