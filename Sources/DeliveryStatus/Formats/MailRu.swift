import MailParsing

/// Mail.Ru's Exim-based reports: from `mailer-daemon@...mail.ru` with a Mail.Ru Message-ID.
///
/// The layout itself is one the shared readers already understand (RFC 3464, or the text readers), so
/// this recogniser names the family and hands the reading over (`SmallFamilies.readAsUsual`). Signature
/// from sisimai lhost-mailru-01 and Sisimai's Lhost::MailRu.
struct MailRuRecognizer: Recognizer {
    var name: String { "mailru" }

    /// "mailer-daemon@" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromMailerDaemon: ClaimNeedle { ClaimNeedle("mailer-daemon@") }
    /// "mail.ru" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromMailRu: ClaimNeedle { ClaimNeedle("mail.ru") }

    func claims(_ context: BounceContext) -> Bool {
        // "mail.ru" first: most senders lack one of its bytes, where "mailer-daemon@" is in most and
        // was searched for (bsd.mbox x3: 1,341 searches).
        context.fromContainsLowercased(Self.fromMailRu) && context.fromContainsLowercased(Self.fromMailerDaemon)
            && (context.withMessageID { $0.contains(".mail.ru>") || $0.contains(".smailru.net>") } ?? false)
    }

    func recognize(_ context: BounceContext) -> Finding? { SmallFamilies.readAsUsual(context) }
}
