/// The recognisers of the smaller MTA families (one `Formats/<Family>.swift` each), in the order they
/// are tried; the registry puts them among its dedicated formats. Each claims on its own Subject, From
/// or header and returns nil unless its own layout is found, so they go before the broader readers
/// (Exim, sendmail, qmail); their order only matters where two could claim one message (noted below).
enum SmallFamilies {
    static let recognizers: [any Recognizer] = [
        Exchange2003Recognizer(), IMailServerRecognizer(), NotesRecognizer(), VerizonRecognizer(),
        X1Recognizer(), X2Recognizer(), X3Recognizer(),
        // After Verizon: a vtext.com report also has a JavaMail Message-ID.
        ActivehunterRecognizer(), ApacheJamesRecognizer(), BiglobeRecognizer(), DominoRecognizer(),
        FMLRecognizer(), MailMarshalSMTPRecognizer(), EZwebRecognizer(), ZohoRecognizer(),
        GMXRecognizer(), EinsUndEinsRecognizer(), InterScanMSSRecognizer(), Office365Recognizer(),
        GoogleWorkspaceRecognizer(), CourierRecognizer(),
    ]
}
