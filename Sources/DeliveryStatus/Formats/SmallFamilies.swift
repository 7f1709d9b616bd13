import MailParsing

/// What the recognisers of the smaller MTA families (one `Formats/<Family>.swift` each) share. The
/// registry tries them among its dedicated formats (`RecognizerRegistry.visitDedicated` lists them, in
/// order): each claims on its own Subject, From or header and returns nil unless its own layout is
/// found, so they go before the broader readers (Exim, sendmail, qmail).
enum SmallFamilies {
    /// What the rest of the registry makes of a message a family recogniser claimed but leaves to the
    /// shared readers: the broad text readers, the RFC 3464 reader, then the generic one, and nothing
    /// when it is an auto-reply or a notice (the registry reads those itself).
    static func readAsUsual(_ context: BounceContext) -> Finding? {
        for r in broadReaders where r.claims(context) {
            if let f = r.recognize(context), !f.recipients.isEmpty { return f }
        }
        if standard.claims(context), let f = standard.recognize(context), !f.recipients.isEmpty { return f }
        if autoReply.claims(context), !BounceSigns.isFromMailerDaemon(context) { return nil }
        if notices.contains(where: { $0.claims(context) }) { return nil }
        if generic.claims(context), let f = generic.recognize(context), !f.recipients.isEmpty { return f }
        return nil
    }

    private static let broadReaders: [any Recognizer] = [EximRecognizer(), QmailRecognizer(), SendmailTextRecognizer()]
    private static let standard = RFC3464Recognizer()
    private static let autoReply = AutoReplyRecognizer()
    private static let notices: [any Recognizer] = [ChallengeRecognizer(), VirusNoticeRecognizer()]
    private static let generic = GenericTextRecognizer()
}
