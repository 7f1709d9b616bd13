import MailParsing

/// The recognisers of the smaller MTA families (one `Formats/<Family>.swift` each), in the order they
/// are tried; the registry puts them among its dedicated formats. Each claims on its own Subject, From
/// or header and returns nil unless its own layout is found, so they go before the broader readers
/// (Exim, sendmail, qmail); their order only matters where two could claim one message (noted below).
enum SmallFamilies {
    static let recognizers: [any Recognizer] = readers + naming

    /// The families with a reader of their own.
    static let readers: [any Recognizer] = [
        Exchange2003Recognizer(), IMailServerRecognizer(), NotesRecognizer(), VerizonRecognizer(),
        X1Recognizer(), X2Recognizer(), X3Recognizer(),
        // After Verizon: a vtext.com report also has a JavaMail Message-ID.
        ActivehunterRecognizer(), ApacheJamesRecognizer(), BiglobeRecognizer(), DominoRecognizer(),
        FMLRecognizer(), MailMarshalSMTPRecognizer(), EZwebRecognizer(), ZohoRecognizer(),
        GMXRecognizer(), EinsUndEinsRecognizer(), InterScanMSSRecognizer(), Office365Recognizer(),
        GoogleWorkspaceRecognizer(), CourierRecognizer(), V5sendmailRecognizer(),
    ]

    /// Families whose layout the shared readers already read: they only name the family.
    static let naming: [any Recognizer] = [
        YahooRecognizer(), MessagingServerRecognizer(), MailRuRecognizer(), Exchange2007Recognizer(),
        McAfeeRecognizer(), KDDIRecognizer(), MFILTERRecognizer(), YandexRecognizer(), SurfControlRecognizer(),
        SendGridRecognizer(), PowerMTARecognizer(), MXLogicRecognizer(), X6Recognizer(),
        MailFoundryRecognizer(), BarracudaRecognizer(), BigfootRecognizer(), AmavisRecognizer(),
        AmazonWorkMailRecognizer(), ReceivingSESRecognizer(), X5Recognizer(),
    ]

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
