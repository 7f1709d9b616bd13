import MailParsing

/// Apache James: "Error message below:" with the remote reply, then "Message details:" with the
/// envelope (`RCPT TO: address`).
///
/// Layout from sisimai lhost-apachejames-01 and Sisimai's Lhost::ApacheJames. That message folds a
/// MIME boundary parameter without indentation, so the body is read raw when its text lacks the
/// envelope (`TextReport.lines(holding:_:)`).
///
/// The body's layout is James's notify mailets' ("Error message below:" and "Message details:" with the
/// envelope, written by `AbstractNotify`, as Sisimai's module notes), which Verizon's vtext.com gateway
/// sends too (lhost-verizon-02, read by `VerizonRecognizer` first); both corpus notices are subjected
/// "Re:" and the original's subject with no blank between. Such a notice is claimed by that subject
/// and layout as well as by James's own marks: a gateway that puts its own sender and Message-ID
/// leaves both (backscatter-dev's reflectors, messages 2603 and 2611).
struct ApacheJamesRecognizer: Recognizer {
    var name: String { "apachejames" }

    /// Subject "[BOUNCE]", a JavaMail Message-ID (lhost-apachejames-01), a James Received line, or the
    /// notify mailets' subject and layout (`hasNotifyLayout`).
    func claims(_ context: BounceContext) -> Bool {
        if context.subjectEquals("[BOUNCE]") { return true }
        if context.withMessageID({ $0.contains(".JavaMail.") }) == true { return true }
        if context.receivedHas(.jamesSMTPServer) { return true }
        return Self.hasNotifyLayout(context)
    }

    /// The notices' subject, "Re:" and a byte that is no blank, then the two headings in the raw body's
    /// first 64 KiB (its MIME structure may be too broken to read as text): the body is searched only
    /// for such a subject.
    static func hasNotifyLayout(_ context: BounceContext) -> Bool {
        let subject = context.subjectText.bytes
        guard subject.count > 3, context.subjectText.hasPrefix("Re:"), !ASCII.isWhitespace(subject[3]) else { return false }
        return context.message.root.body.withUnsafeBufferPointer { body in
            let window = UnsafeBufferPointer(rebasing: body.prefix(64 * 1024))
            return Self.errorHeading.withUTF8Buffer { ByteSubstring.firstOffset(of: $0, in: window) != nil }
                && Self.detailsHeading.withUTF8Buffer { ByteSubstring.firstOffset(of: $0, in: window) != nil }
        }
    }

    private static let errorHeading: StaticString = "Error message below:"
    private static let detailsHeading: StaticString = "Message details:"

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.lines(holding: "RCPT TO:", context)
        var recipients: [RecipientFinding] = []
        // The error's lines joined by spaces as they come (only non-empty lines are added, so it is
        // empty exactly when none was), not an array joined at the end. Outside the error only a line
        // beginning "RCPT TO:" or "Error" counts: any other line whose first byte is not a blank is
        // passed over before it is trimmed, and the others are asked as slices, not Strings; a slice is
        // added by `append(contentsOf:)` (`+=` took the generic Character path: 0.23M for 9 calls)
        // (bsd.mbox x3: ApacheJames 1.14M -> 0.65M instructions).
        var diagnostic = ""
        var inError = false
        for line in lines.prefix(2_000) {
            if !inError, let first = line.utf8.first, first != UInt8(ascii: "R"), first != UInt8(ascii: "E"),
               !ASCII.isWhitespaceOrNewline(first) { continue }
            let t = line.trimmedSlice
            if t.hasPrefix("RCPT TO:") {
                if let a = TextReport.firstAddress(line), recipients.count < 500 { recipients.append(RecipientFinding(recipient: a)) }
                continue
            }
            if t.hasPrefix("Error") && diagnostic.isEmpty { inError = true }
            if t == "Message details:" { inError = false }
            if inError, !t.isEmpty {
                if !diagnostic.isEmpty { diagnostic += " " }
                diagnostic.append(contentsOf: t)
            }
        }
        for i in recipients.indices { recipients[i].diagnostic = diagnostic }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
