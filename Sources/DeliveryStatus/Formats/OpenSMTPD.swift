import MailParsing

/// OpenSMTPD (https://www.opensmtpd.org/): "This is the MAILER-DAEMON, please DO NOT REPLY to this
/// email." then "An error has occurred while attempting to deliver a message for the following list of
/// recipients:" and one `address: error` line each, the copy after "Below is a copy of the original
/// message:". Its DSN part says only 5.0.0 or 4.4.7; the line says more. Seen in sisimai lhost-opensmtpd-*.
struct OpenSMTPDRecognizer: Recognizer {
    var name: String { "opensmtpd" }

    /// "mailer-daemon" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromMailerDaemon: ClaimNeedle { ClaimNeedle("mailer-daemon") }

    func claims(_ context: BounceContext) -> Bool {
        if context.subjectText.hasPrefix("Delivery status notification") && context.fromContainsLowercased(Self.fromMailerDaemon) { return true }
        return context.receivedHas(.openSMTPD)
    }

    /// OpenSMTPD's own error texts (mta.c, lka.c) and their reasons.
    static let ownMessages: [(Reason, [String])] = [
        (.expired, ["Envelope expired"]),
        (.networkError, ["Network error on destination MXs", "Loop detected", "Connection refused"]),
        (.notAccept, ["No MX found for domain", "No MX found for destination"]),
        (.hostUnknown, ["Domain does not exist", "Invalid domain name"]),
        (.rejected, ["Destination seem to reject all mails"]),
        (.securityError, ["Could not retrieve credentials"]),
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        guard context.text.contains("This is the MAILER-DAEMON, please DO NOT REPLY") else { return nil }
        var records: [RecipientFinding] = []
        var started = false
        for line in context.lines {
            if line.contains("Below is a copy of the original message") { break }
            if !started { started = line.contains("list of recipients:"); continue }
            guard !line.hasPrefix(" "), let colon = line.firstRange(of: ": ") else { continue }
            let address = Addresses.bare(String(line[..<colon.lowerBound]))
            guard Addresses.isAddress(address) else { continue }
            var r = RecipientFinding(recipient: address)
            // Trimmed from the line's slice, one String (a String of the slice, then its trimmed copy:
            // bsd.mbox x3, `recognize` 0.77M -> 0.75M instructions).
            r.diagnostic = line[colon.upperBound...].trimmed
            for (reason, phrases) in OpenSMTPDRecognizer.ownMessages where phrases.contains(where: { r.diagnostic.contains($0) }) {
                r.reason = reason
                break
            }
            records.append(r)
        }
        return records.isEmpty ? nil : Finding(recipients: records)
    }
}
