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
    /// `dedicated` behind class references, for `recognize`'s loop, each retained once and never
    /// released (they live as long as the program, as `dedicated` does).
    ///
    /// `for r in dedicated` copied each existential out of the array and destroyed the copy through
    /// its value witnesses (bsd.mbox x3, 73,857 claims: 4.2M instructions in the outlined copy, take,
    /// project and destroy of `any Recognizer`); a strong reference was retained and released instead
    /// (2.9M); an unmanaged one used as a guaranteed reference is neither (bsd.mbox x3 full 528.1M ->
    /// 524.0M).
    private static let dedicatedReferences: [Unmanaged<RecognizerReference>] = dedicated.map {
        Unmanaged.passRetained(RecognizerReference.to($0))
    }
    /// Tried after the standard reader, before the generic one: an auto-reply has no DSN part.
    static let autoReply: any Recognizer = AutoReplyRecognizer()
    /// Notices that are not delivery reports but speak of one message: tried before the generic reader.
    static let notices: [any Recognizer] = [ChallengeRecognizer(), VirusNoticeRecognizer()]
    static let standard: any Recognizer = RFC3464Recognizer()
    static let fallback: any Recognizer = GenericTextRecognizer()

    /// The first recogniser that claims and reads the message, with its finding.
    static func recognize(_ context: BounceContext) -> (name: String, finding: Finding)? {
        for reference in dedicatedReferences {
            let found: (name: String, finding: Finding)? = reference._withUnsafeGuaranteedRef { r in
                guard r.claims(context), let f = r.recognize(context), !f.recipients.isEmpty || f.kind != nil else { return nil }
                return (r.name, f)
            }
            if let found { return found }
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

/// A recogniser behind a class reference: copying one out of an array is a retain, where copying an
/// `any Recognizer` goes through its type's value witnesses. Immutable, hence `Sendable`.
class RecognizerReference: @unchecked Sendable {
    /// The recogniser's `name`.
    let name: String

    fileprivate init(name: String) { self.name = name }

    /// A reference to `recognizer` (its type opened, for `TypedRecognizerReference`).
    static func to(_ recognizer: any Recognizer) -> RecognizerReference { typed(recognizer) }

    private static func typed<R: Recognizer>(_ recognizer: R) -> RecognizerReference { TypedRecognizerReference(recognizer) }

    /// The recogniser's `claims` (overridden by `TypedRecognizerReference`).
    func claims(_ context: BounceContext) -> Bool { false }

    /// The recogniser's `recognize` (overridden by `TypedRecognizerReference`).
    func recognize(_ context: BounceContext) -> Finding? { nil }
}

/// `RecognizerReference` to a recogniser of type `R`.
private final class TypedRecognizerReference<R: Recognizer>: RecognizerReference, @unchecked Sendable {
    /// The recogniser.
    let recognizer: R

    init(_ recognizer: R) {
        self.recognizer = recognizer
        super.init(name: recognizer.name)
    }

    override func claims(_ context: BounceContext) -> Bool { recognizer.claims(context) }

    override func recognize(_ context: BounceContext) -> Finding? { recognizer.recognize(context) }
}
