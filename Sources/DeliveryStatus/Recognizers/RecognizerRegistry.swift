/// The recognisers, in the order they are tried: dedicated formats first (each with a cheap `claims`),
/// then the standard RFC 3464 reader, then the generic text reader.
///
/// To add a format: write `Formats/<Name>.swift` with a `struct <Name>Recognizer: Recognizer` and add it
/// to `dedicated` below, before any format it could be mistaken for, and its case at the same place
/// in `dedicatedClaims`.
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
    /// `dedicated` behind class references, for `recognize`'s loop (its `recognize` and `name`; the
    /// `claims` are `dedicatedClaims`), each retained once and never
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
        for index in dedicatedReferences.indices where dedicatedClaims(index, context) {
            let found: (name: String, finding: Finding)? = dedicatedReferences[index]._withUnsafeGuaranteedRef { r in
                guard let f = r.recognize(context), !f.recipients.isEmpty || f.kind != nil else { return nil }
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

    /// `dedicated[index].claims(context)`, each recogniser's `claims` called directly (the cases in
    /// `dedicated`'s order, held to it by `RegistryLoopTests`): through `RecognizerReference` each of
    /// the ~39 questions a message went class method -> protocol witness -> `claims` (bsd.mbox x3,
    /// 73,575 calls: Main.main 343.90M -> 342.09M). Inlined into `recognize`'s loop: as a function of
    /// its own, with the small `claims` inlined into it, each call paid its large frame (343.90M ->
    /// 344.08M); an array of closures was worse (345.35M).
    @inline(__always) static func dedicatedClaims(_ index: Int, _ context: BounceContext) -> Bool {
        switch index {
        case 0: FeedbackReportRecognizer().claims(context)
        case 1: GoogleGroupsRecognizer().claims(context)
        case 2: GmailRecognizer().claims(context)
        case 3: OpenSMTPDRecognizer().claims(context)
        case 4: Exchange2003Recognizer().claims(context)
        case 5: IMailServerRecognizer().claims(context)
        case 6: NotesRecognizer().claims(context)
        case 7: VerizonRecognizer().claims(context)
        case 8: X1Recognizer().claims(context)
        case 9: X2Recognizer().claims(context)
        case 10: X3Recognizer().claims(context)
        case 11: ActivehunterRecognizer().claims(context)
        case 12: ApacheJamesRecognizer().claims(context)
        case 13: BiglobeRecognizer().claims(context)
        case 14: DominoRecognizer().claims(context)
        case 15: FMLRecognizer().claims(context)
        case 16: MailMarshalSMTPRecognizer().claims(context)
        case 17: EZwebRecognizer().claims(context)
        case 18: ZohoRecognizer().claims(context)
        case 19: GMXRecognizer().claims(context)
        case 20: EinsUndEinsRecognizer().claims(context)
        case 21: InterScanMSSRecognizer().claims(context)
        case 22: Office365Recognizer().claims(context)
        case 23: GoogleWorkspaceRecognizer().claims(context)
        case 24: CourierRecognizer().claims(context)
        case 25: V5sendmailRecognizer().claims(context)
        case 26: YahooRecognizer().claims(context)
        case 27: MessagingServerRecognizer().claims(context)
        case 28: MailRuRecognizer().claims(context)
        case 29: Exchange2007Recognizer().claims(context)
        case 30: McAfeeRecognizer().claims(context)
        case 31: KDDIRecognizer().claims(context)
        case 32: MFILTERRecognizer().claims(context)
        case 33: YandexRecognizer().claims(context)
        case 34: SurfControlRecognizer().claims(context)
        case 35: SendGridRecognizer().claims(context)
        case 36: PowerMTARecognizer().claims(context)
        case 37: MXLogicRecognizer().claims(context)
        case 38: X6Recognizer().claims(context)
        case 39: MailFoundryRecognizer().claims(context)
        case 40: BarracudaRecognizer().claims(context)
        case 41: BigfootRecognizer().claims(context)
        case 42: AmavisRecognizer().claims(context)
        case 43: AmazonWorkMailRecognizer().claims(context)
        case 44: ReceivingSESRecognizer().claims(context)
        case 45: X5Recognizer().claims(context)
        case 46: EximRecognizer().claims(context)
        case 47: QmailRecognizer().claims(context)
        case 48: SendmailTextRecognizer().claims(context)
        case 49: PostfixRecognizer().claims(context)
        case 50: SendmailDSNRecognizer().claims(context)
        default: false
        }
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

    override func recognize(_ context: BounceContext) -> Finding? { recognizer.recognize(context) }
}
