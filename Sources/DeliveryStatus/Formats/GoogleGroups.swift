import MailParsing

/// Google Groups: a post refused by a group ("the group you tried to contact ... may not exist, or you
/// may not have permission to post"), sent by mailer-daemon@googlemail.com with the group in
/// `X-Failed-Recipients`, in the poster's language. Seen in sisimai lhost-googlegroups-01..14.
/// Reason `rejected`: the sender may not post.
struct GoogleGroupsRecognizer: Recognizer {
    var name: String { "googlegroups" }

    /// `x-failed-recipients` with its bit in the header-name filter, for `claims` (`BounceContext.headerValueContainsIgnoringCase`).
    private static let xFailedRecipientsField = HeaderNameFilter.Name("x-failed-recipients", bit: 116)

    /// "mailer-daemon@googlemail.com" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromMailerDaemonGooglemailCom: ClaimNeedle { ClaimNeedle("mailer-daemon@googlemail.com") }
    /// "mailer-daemon@google.com" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromMailerDaemonGoogleCom: ClaimNeedle { ClaimNeedle("mailer-daemon@google.com") }

    /// A failed recipient at googlegroups.com, or any failed recipient in a notice from Google's
    /// mailer-daemon: a group can live on the owner's own domain (Google Workspace groups), so the
    /// address alone does not tell (backscatter-dev rewrites sisimai lhost-googlegroups-* to such
    /// addresses). `recognize` then requires the Groups help-centre link, so a plain Gmail DSN falls
    /// through to the Gmail reader.
    func claims(_ context: BounceContext) -> Bool {
        // The field's bytes searched in place (`headerValueContainsIgnoringCase`), not made a String kept
        // for readers that seldom ask (Exim's reports carry the field).
        guard let atGroups = context.headerValueContainsIgnoringCase(Self.xFailedRecipientsField, "@googlegroups.com") else { return false }
        if atGroups { return true }
        return context.fromContainsLowercased(Self.fromMailerDaemonGooglemailCom)
            || context.fromContainsLowercased(Self.fromMailerDaemonGoogleCom)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        guard let failed = context.header("x-failed-recipients") else { return nil }
        // A group's own notice links its help centre; "** Address not found **" for a group that does not
        // exist at all is a plain Gmail DSN (sisimai rfc3464-63, rhost-gsuite-14).
        guard context.text.contains("groups.google.com") else { return nil }
        // The notice itself: the paragraphs before "----- Original message -----", swept.
        let text = Diagnostic.sweep(GoogleGroupsRecognizer.notice(context.text))
        var records: [RecipientFinding] = []
        // Split by bytes when ASCII (`splitSlices`): the Character split cost ~11,000 instructions a header.
        for a in failed.splitSlices(separator: UInt8(ascii: ",")) {
            let address = Addresses.bare(String(a))
            guard Addresses.isAddress(address) else { continue }
            var r = RecipientFinding(recipient: address)
            r.reason = .rejected
            r.diagnostic = text
            records.append(r)
        }
        return records.isEmpty ? nil : Finding(recipients: records)
    }

    /// `text` up to the first line that starts with "----- Original message" (the whole text when none
    /// does). Swept (`Diagnostic.sweep`, where LF is a blank as the space is), it is the sweep of those
    /// lines joined with spaces, as this was made before: without the lines or the joined String
    /// (bsd.mbox x3, 42 notices: the join 0.78M).
    static func notice(_ text: String) -> String {
        var text = text
        let end: Int = text.withUTF8 { bytes -> Int in
            var from = 0
            while from < bytes.count {
                let hit = GoogleGroupsRecognizer.originalMarker.withUTF8Buffer { marker in
                    ByteSubstring.firstOffset(of: marker, in: UnsafeBufferPointer(rebasing: bytes[from...]))
                }
                guard let hit else { break }
                let at = from + hit
                if at == 0 || bytes[at - 1] == ASCII.lineFeed { return at }
                from = at + 1
            }
            return bytes.count
        }
        if end == text.utf8.count { return text }
        let u = text.utf8
        return String(Substring(u[u.startIndex..<u.index(u.startIndex, offsetBy: end)]))
    }

    /// The line that starts the returned message.
    static let originalMarker: StaticString = "----- Original message"
}
