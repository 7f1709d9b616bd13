import MailParsing

/// Gmail's own non-delivery notices (`Mail Delivery Subsystem <mailer-daemon@googlemail.com>`,
/// "Delivery Status Notification"): "Delivery to the following recipient failed permanently:" (or
/// "has been delayed:"), the address indented, then "Technical details of ... failure:" with the
/// remote server's reply and Google's "(state N)" of the SMTP session. Seen in sisimai lhost-gmail-*.
struct GmailRecognizer: Recognizer {
    var name: String { "gmail" }

    /// "<mailer-daemon@googlemail.com>" in the From field, for `claims` (`BounceContext.fromContains`).
    @inline(__always) private static var fromMailerDaemonGooglemailCom: ClaimNeedle { ClaimNeedle("<mailer-daemon@googlemail.com>") }
    /// "Delivery Status Notification" in the Subject, for `claims` (`BounceContext.subjectContains`).
    @inline(__always) private static var subjectDeliveryStatusNotification: ClaimNeedle { ClaimNeedle("Delivery Status Notification") }

    func claims(_ context: BounceContext) -> Bool {
        context.fromContains(Self.fromMailerDaemonGooglemailCom) && context.subjectContains(Self.subjectDeliveryStatusNotification)
    }

    /// Google's session state in "(state N)": the command and the reason it implies.
    static let states: [String: (SMTPCommand, Reason)] = [
        "6": (.mail, .failedSTARTTLS),   // "500 Remote server does not support TLS (state 6)"
        "8": (.auth, .systemError),      // "535 SMTP AUTH failed with the remote server. (state 8)"
        "9": (.auth, .failedSTARTTLS),   // "454 TLS missing certificate ... (state 9)"
        "12": (.auth, .noRelaying),      // "500 Remote server does not support SMTP Authenticated Relay (state 12)"
        "13": (.ehlo, .blocked),         // "550 5.7.1 ... Access denied (state 13)"
        "14": (.rcpt, .userUnknown),     // "550 5.1.1 ... User Unknown (state 14)"
        "15": (.data, .filtered),        // "554 Error: no valid recipients (state 15)"
        "17": (.data, .filtered),        // "550 <...> No such user here (state 17)"
        "18": (.data, .filtered),        // "550 Unknown user ... (state 18)"
    ]
    /// Google's own wording when the remote server gave no reply.
    static let ownMessages: [(Reason, [String])] = [
        (.expired, ["DNS Error: Could not contact DNS servers", "Delivery to the following recipient has been delayed",
                    "The recipient server did not accept our requests to connect"]),
        (.hostUnknown, ["DNS Error: Domain name not found", "DNS Error: DNS server returned answer with no data"]),
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        // Nothing is read before a line starting "Delivery to the following recipient": a text without
        // the phrase finds nothing, and is turned away before its lines are split.
        guard context.text.contains("Delivery to the following recipient") else { return nil }
        var records: [RecipientFinding] = []
        var current = RecipientFinding(recipient: "")
        var started = false
        for raw in context.lines {
            // The first byte before each `hasPrefix` (7,515 calls on the bsd mbox x3, nearly all of
            // them on lines starting otherwise: GmailRecognizer.recognize 5.22M -> 2.82M).
            let first = raw.utf8.first
            if first == UInt8(ascii: "-"),
               raw.hasPrefix("----- Original message -----") || raw.hasPrefix("----- Message header follows -----") { break }
            if !started { started = first == UInt8(ascii: "D") && raw.hasPrefix("Delivery to the following recipient") }
            if !started || raw.isEmpty { continue }
            if first == UInt8(ascii: " "), raw.contains("@") {
                if !current.recipient.isEmpty { records.append(current); current = RecipientFinding(recipient: "") }
                let a = Addresses.bare(raw.trimmed)
                if Addresses.isAddress(a) { current.recipient = a }
            } else {
                // Appended in two steps: `raw + " "` made a Substring first, counting its Characters.
                // By `append(contentsOf:)` of a Substring, not `+=`, the generic operator of
                // `RangeReplaceableCollection`, whose generic `append(contentsOf:)` looked up its
                // argument's associated types (bsd.mbox x3: 177 lines, 0.34M instructions).
                current.diagnostic.append(contentsOf: raw)
                current.diagnostic += " "
            }
        }
        if !current.recipient.isEmpty { records.append(current) }
        guard !records.isEmpty else { return nil }
        for i in records.indices {
            let d = Diagnostic.sweep(records[i].diagnostic)
            records[i].diagnostic = d
            if let open = d.firstRange(of: " (state "), let close = d[open.upperBound...].firstIndex(of: ")"),
               let (command, reason) = GmailRecognizer.states[String(d[open.upperBound..<close])] {
                records[i].command = command
                records[i].reason = reason
            }
            if records[i].reason == nil {
                for (reason, phrases) in GmailRecognizer.ownMessages where phrases.contains(where: { d.contains($0) }) {
                    records[i].reason = reason
                    break
                }
            }
            guard records[i].reason != nil else { continue }
            // A code in the text overrides the reason, unless it is a vague X.0.Y.
            if let s = EnhancedStatusCode.find(in: d) {
                records[i].status = s
                if !s.description.contains(".0"), let r = Reason(status: s) { records[i].reason = r }
            }
        }
        return Finding(recipients: records)
    }
}
