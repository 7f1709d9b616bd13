/// The recognisers, in the order they are tried: dedicated formats first (each with a cheap `claims`),
/// then the standard RFC 3464 reader, then the generic text reader.
///
/// To add a format: write `Formats/<Name>.swift` with a `struct <Name>Recognizer: Recognizer` and add it
/// to `dedicated` below, before any format it could be mistaken for.
enum RecognizerRegistry {
    static let dedicated: [any Recognizer] = [
        FeedbackReportRecognizer(),
        GoogleGroupsRecognizer(),
        GmailRecognizer(),
        OpenSMTPDRecognizer(),
    ]
        // The small families claim on narrow signs (a header, a sender), so they go before the broad
        // readers below, which claim on common wording (Exim's subjects, qmail's, Sendmail's sections).
        + SmallFamilies.recognizers
        + [
            EximRecognizer(),
            QmailRecognizer(),
            SendmailTextRecognizer(),
            // Names for standard DSNs of the two big families; both read with the RFC 3464 reader.
            PostfixRecognizer(),
            SendmailDSNRecognizer(),
        ] as [any Recognizer]
    /// Tried after the standard reader, before the generic one: an auto-reply has no DSN part.
    static let autoReply: any Recognizer = AutoReplyRecognizer()
    /// Notices that are not delivery reports but speak of one message: tried before the generic reader.
    static let notices: [any Recognizer] = [ChallengeRecognizer(), VirusNoticeRecognizer()]
    static let standard: any Recognizer = RFC3464Recognizer()
    static let fallback: any Recognizer = GenericTextRecognizer()

    /// The first recogniser that claims and reads the message, with its finding.
    static func recognize(_ context: BounceContext) -> (name: String, finding: Finding)? {
        for r in dedicated where r.claims(context) {
            if let f = r.recognize(context), !f.recipients.isEmpty || f.kind != nil { return (r.name, f) }
        }
        if standard.claims(context), let f = standard.recognize(context) { return (standard.name, f) }
        if autoReply.claims(context), !BounceSigns.isFromMailerDaemon(context), let f = autoReply.recognize(context) { return (autoReply.name, f) }
        for r in notices where r.claims(context) {
            if let f = r.recognize(context), !f.recipients.isEmpty { return (r.name, f) }
        }
        if fallback.claims(context), let f = fallback.recognize(context), !f.recipients.isEmpty { return (fallback.name, f) }
        return nil
    }

    /// Every recogniser, in the order `recognize` tries them.
    static var all: [any Recognizer] { dedicated + [standard, autoReply] + notices + [fallback] }

    /// Which recognisers claim the message and what each finds (for `backscatter-harness sisimai --explain`).
    static func trace(_ context: BounceContext) -> [String] {
        var out: [String] = []
        for r in all {
            let claims = r.claims(context)
            let found = claims ? r.recognize(context) : nil
            out.append("\(r.name): claims=\(claims) recipients=\(found?.recipients.map(\.recipient) ?? [])")
        }
        out.append("parts: " + context.message.allParts().map { String(repeating: " ", count: $0.depth) + $0.contentType.mimeType }.joined(separator: ","))
        out.append("lines: " + context.lines.prefix(60).map { "|" + $0 }.joined(separator: "\n"))
        return out
    }
}
