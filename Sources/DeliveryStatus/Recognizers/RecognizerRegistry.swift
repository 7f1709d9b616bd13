/// What `RecognizerRegistry.recognize` found in a message: the recogniser's name (the output's `format`)
/// and its finding. A struct, not a `(name:finding:)` tuple: a tuple of these was destroyed through the
/// runtime's generic tuple witness (`tuple_destroy`, ~210 instructions a message on bsd.mbox x3).
struct Recognition {
    /// The recogniser's name.
    var name: String
    /// What it read.
    var finding: Finding
}

/// The recognisers, in the order they are tried: dedicated formats first (each with a cheap `claims`),
/// then the standard RFC 3464 reader, then the generic text reader.
///
/// To add a format: write `Formats/<Name>.swift` with a `struct <Name>Recognizer: Recognizer` and give it
/// a case in `visitDedicated` (the one list of the dedicated formats), before any format it could be
/// mistaken for.
enum RecognizerRegistry {
    /// The dedicated recognisers, in `visitDedicated`'s order.
    static let dedicated: [any Recognizer] = {
        var list: [any Recognizer] = []
        while let recognizer = visitDedicated(list.count, AsExistential()) { list.append(recognizer) }
        return list
    }()
    /// Tried after the standard reader and the challenge, before the generic one: an auto-reply has no
    /// DSN part.
    static let autoReply: any Recognizer = AutoReplyRecognizer()
    /// A challenge is tried before the auto-reply: it may say "Precedence: auto_reply" too (cPanel
    /// BoxTrapper's does: SpamAssassin's VBounce test CHALLENGE_RESPONSE/10), and it claims only a
    /// challenge's own subject or fields and reads only a challenge's words.
    static let challenge: any Recognizer = ChallengeRecognizer()
    /// Other notices that are not delivery reports but speak of one message: tried before the generic reader.
    static let notices: [any Recognizer] = [VirusNoticeRecognizer()]
    static let standard: any Recognizer = RFC3464Recognizer()
    static let fallback: any Recognizer = GenericTextRecognizer()

    /// The first recogniser that claims and reads the message, with its finding.
    static func recognize(_ context: BounceContext) -> Recognition? {
        recognize(context, claimedBy: firstClaim(context, from: 0))
    }

    /// What `recognize(_:)` gives for each context, in their order, found step by step over all of
    /// them: first which dedicated recogniser claims each message, then the messages read grouped by
    /// that recogniser, so that each recogniser's code runs for all its messages in turn (per message,
    /// the claims and the recogniser evicted each other from the instruction cache).
    static func recognize(_ contexts: [BounceContext]) -> [Recognition?] {
        let claimed = contexts.map { firstClaim($0, from: 0) }
        var results = [Recognition?](repeating: nil, count: contexts.count)
        // Stable: the messages a recogniser claims are read in their order.
        let order = contexts.indices.sorted { (claimed[$0], $0) < (claimed[$1], $1) }
        for i in order { results[i] = recognize(contexts[i], claimedBy: claimed[i]) }
        return results
    }

    /// The index of the first dedicated recogniser from `start` on that claims the message; the count
    /// of the dedicated recognisers when none does.
    ///
    /// Only the recognisers whose `claimSubjectLeads` allow the subject are asked (`subjectLeadCandidates`):
    /// the others' claims are false, so the first that claims is the same.
    private static func firstClaim(_ context: BounceContext, from start: Int) -> Int {
        var candidates = subjectLeadCandidates(context) & ~((1 << UInt64(start)) &- 1)
        assert(noneClaims(context, from: start, except: candidates), "a claimSubjectLeads excludes a subject its claims take")
        while candidates != 0 {
            let index = candidates.trailingZeroBitCount
            if dedicatedClaims(index, context) { return index }
            candidates &= candidates &- 1
        }
        return dedicatedCount
    }

    /// Bit i for each dedicated recogniser i that may claim a message by its subject
    /// (`Recognizer.claimSubjectLeads`): for an ASCII subject, the table's word for its first byte
    /// (0 for an empty subject, which no lead allows); every recogniser for any other subject, which
    /// the claims compare as a String (`BounceContext.subjectEquals`).
    ///
    /// Fifteen recognisers claim only a subject with a prefix of their own or equal to one (sendmail's
    /// "Returned mail: ...", Exchange's "Undeliverable: ..."); asked of every message, their claims
    /// were ~14 of the ~45 a message goes through (bsd.mbox x3).
    @inline(__always) private static func subjectLeadCandidates(_ context: BounceContext) -> UInt64 {
        let subject = context.subjectText
        guard subject.isASCII else { return allDedicated }
        let lead = subject.bytes.first ?? 0
        return subjectLeadTable.withUnsafeBufferPointer { $0[Int(lead & 0x7F)] }
    }

    /// Whether no dedicated recogniser from `start` on outside `candidates` claims the message (the
    /// leads' check, asked in debug builds: the corpus tests go through every recogniser's messages).
    private static func noneClaims(_ context: BounceContext, from start: Int, except candidates: UInt64) -> Bool {
        (start..<dedicatedCount).allSatisfy { candidates & (1 << UInt64($0)) != 0 || !dedicatedClaims($0, context) }
    }

    /// A bit for each dedicated recogniser (fewer than 64: `subjectLeadTable`).
    private static let allDedicated: UInt64 = (1 << UInt64(dedicatedCount)) &- 1

    /// For each ASCII byte b, the dedicated recognisers whose `claimSubjectLeads` is nil or holds b
    /// (`subjectLeadCandidates`).
    private static let subjectLeadTable: [UInt64] = {
        precondition(dedicatedCount < 64, "the dedicated recognisers' bits are one word")
        var table = [UInt64](repeating: 0, count: 128)
        for index in 0..<dedicatedCount {
            let bit: UInt64 = 1 << UInt64(index)
            guard let leads = visitDedicated(index, SubjectLeads()) ?? nil else {
                for b in table.indices { table[b] |= bit }
                continue
            }
            leads.withUTF8Buffer { for b in $0 where b < 0x80 { table[Int(b)] |= bit } }
        }
        return table
    }()

    /// `recognize(_:)`, given the first dedicated recogniser that claims the message (`claimed`: the
    /// count of the dedicated recognisers when none does). When it reads nothing, the claims go on
    /// from the next one.
    private static func recognize(_ context: BounceContext, claimedBy claimed: Int) -> Recognition? {
        var index = claimed
        while index < dedicatedCount {
            if let found = dedicatedRecognize(index, context) { return found }
            index = firstClaim(context, from: index + 1)
        }
        if standard.claims(context), let f = standard.recognize(context) { return Recognition(name: standard.name, finding: f) }
        if challenge.claims(context), let f = challenge.recognize(context), !f.recipients.isEmpty { return Recognition(name: challenge.name, finding: f) }
        if autoReply.claims(context), !BounceSigns.isFromMailerDaemon(context), let f = autoReply.recognize(context) { return Recognition(name: autoReply.name, finding: f) }
        for r in notices where r.claims(context) {
            if let f = r.recognize(context), !f.recipients.isEmpty { return Recognition(name: r.name, finding: f) }
        }
        // The fallback's finding may name no recipient: a report it knows by other signs (a kind given).
        if fallback.claims(context), let f = fallback.recognize(context), !f.isEmpty { return Recognition(name: fallback.name, finding: f) }
        return nil
    }

    /// `dedicated[index].claims(context)`, each recogniser's `claims` called directly: through
    /// `RecognizerReference` each of the ~39 questions a message went class method -> protocol witness ->
    /// `claims` (bsd.mbox x3, 73,575 calls: Main.main 343.90M -> 342.09M). Inlined into `firstClaim`'s
    /// loop: as a function of its own, with the small `claims` inlined into it, each call paid its large
    /// frame (343.90M -> 344.08M); an array of closures was worse (345.35M).
    @inline(__always) static func dedicatedClaims(_ index: Int, _ context: BounceContext) -> Bool {
        visitDedicated(index, Claims(context: context)) ?? false
    }

    /// `dedicated[index].recognize(context)` with its name, called directly, as `dedicatedClaims`: nil
    /// when it finds neither a recipient nor a kind. A function of its own, not inlined into `recognize`'s
    /// loop (it runs for the few recognisers that claim). It replaced an array of class references made
    /// at the first message, a generic `TypedRecognizerReference<R>` for each of the 51 formats: its
    /// one-time build, the classes' metadata instantiated at run time, was 0.34M instructions
    /// (bsd.mbox).
    @inline(never) static func dedicatedRecognize(_ index: Int, _ context: BounceContext) -> Recognition? {
        visitDedicated(index, Recognize(context: context)) ?? nil
    }

    /// Something done with a dedicated recogniser by its own type, so that its methods are called
    /// directly (and small ones inlined), not through `any Recognizer`.
    protocol DedicatedVisitor {
        associatedtype Result
        func visit<R: Recognizer>(_ recognizer: R) -> Result
    }

    /// Asks a recogniser whether it claims the message.
    struct Claims: DedicatedVisitor {
        let context: BounceContext
        @inline(__always) func visit<R: Recognizer>(_ recognizer: R) -> Bool { recognizer.claims(context) }
    }

    /// Asks a recogniser to read the message: its name and finding, nil when it finds neither a
    /// recipient nor a kind.
    struct Recognize: DedicatedVisitor {
        let context: BounceContext
        func visit<R: Recognizer>(_ recognizer: R) -> Recognition? {
            guard let f = recognizer.recognize(context), !f.isEmpty else { return nil }
            return Recognition(name: recognizer.name, finding: f)
        }
    }

    /// The recogniser as `any Recognizer`, for `dedicated`.
    struct AsExistential: DedicatedVisitor {
        func visit<R: Recognizer>(_ recognizer: R) -> any Recognizer { recognizer }
    }

    /// The recogniser's `claimSubjectLeads`.
    struct SubjectLeads: DedicatedVisitor {
        func visit<R: Recognizer>(_ recognizer: R) -> StaticString? { R.claimSubjectLeads }
    }

    /// Only says that there is a recogniser at the index (`visitDedicated` gives nil past the last).
    struct Exists: DedicatedVisitor {
        func visit<R: Recognizer>(_ recognizer: R) -> Bool { true }
    }

    /// How many dedicated recognisers there are.
    static let dedicatedCount: Int = {
        var count = 0
        while visitDedicated(count, Exists()) != nil { count += 1 }
        return count
    }()

    /// `visitor` applied to the dedicated recogniser at `index` in the order they are tried, or nil
    /// past the last: the one list of the dedicated formats (`dedicated` and `dedicatedClaims` are
    /// made from it).
    @inline(__always)
    static func visitDedicated<Visitor: DedicatedVisitor>(_ index: Int, _ visitor: Visitor) -> Visitor.Result? {
        switch index {
        case 0: visitor.visit(FeedbackReportRecognizer())
        case 1: visitor.visit(GoogleGroupsRecognizer())
        case 2: visitor.visit(GmailRecognizer())
        case 3: visitor.visit(OpenSMTPDRecognizer())
        // The small families with a reader of their own. They claim on narrow signs (a header, a
        // sender), so they go before the broad readers at the end, which claim on common wording
        // (Exim's subjects, qmail's, Sendmail's sections); among themselves their order only matters
        // where two could claim one message (noted).
        case 4: visitor.visit(Exchange2003Recognizer())
        case 5: visitor.visit(IMailServerRecognizer())
        case 6: visitor.visit(NotesRecognizer())
        case 7: visitor.visit(VerizonRecognizer())
        case 8: visitor.visit(X1Recognizer())
        case 9: visitor.visit(X2Recognizer())
        case 10: visitor.visit(X3Recognizer())
        case 11: visitor.visit(ActivehunterRecognizer())
        // After Verizon: a vtext.com report also has a JavaMail Message-ID.
        case 12: visitor.visit(ApacheJamesRecognizer())
        case 13: visitor.visit(BiglobeRecognizer())
        case 14: visitor.visit(DominoRecognizer())
        case 15: visitor.visit(FMLRecognizer())
        case 16: visitor.visit(MailMarshalSMTPRecognizer())
        case 17: visitor.visit(EZwebRecognizer())
        case 18: visitor.visit(ZohoRecognizer())
        case 19: visitor.visit(GMXRecognizer())
        case 20: visitor.visit(EinsUndEinsRecognizer())
        case 21: visitor.visit(InterScanMSSRecognizer())
        case 22: visitor.visit(Office365Recognizer())
        case 23: visitor.visit(GoogleWorkspaceRecognizer())
        case 24: visitor.visit(CourierRecognizer())
        case 25: visitor.visit(V5sendmailRecognizer())
        // Families whose layout the shared readers already read: they only name the family
        // (`SmallFamilies.readAsUsual`).
        case 26: visitor.visit(YahooRecognizer())
        case 27: visitor.visit(MessagingServerRecognizer())
        case 28: visitor.visit(MailRuRecognizer())
        case 29: visitor.visit(Exchange2007Recognizer())
        case 30: visitor.visit(McAfeeRecognizer())
        case 31: visitor.visit(KDDIRecognizer())
        case 32: visitor.visit(MFILTERRecognizer())
        case 33: visitor.visit(YandexRecognizer())
        case 34: visitor.visit(SurfControlRecognizer())
        case 35: visitor.visit(SendGridRecognizer())
        case 36: visitor.visit(PowerMTARecognizer())
        case 37: visitor.visit(MXLogicRecognizer())
        case 38: visitor.visit(X6Recognizer())
        case 39: visitor.visit(MailFoundryRecognizer())
        case 40: visitor.visit(BarracudaRecognizer())
        case 41: visitor.visit(BigfootRecognizer())
        case 42: visitor.visit(AmavisRecognizer())
        case 43: visitor.visit(AmazonWorkMailRecognizer())
        case 44: visitor.visit(ReceivingSESRecognizer())
        // After ReceivingSES, which claims SNS's notifications too (they carry `X-SES-Outgoing`) and
        // reads none: it reads only a DSN of an inbound-smtp host.
        case 45: visitor.visit(AmazonSESRecognizer())
        case 46: visitor.visit(X5Recognizer())
        case 47: visitor.visit(MimecastRecognizer())
        // Before Exim, whose Subject it shares; it reads only a text that opens with its own line.
        case 48: visitor.visit(DragonFlyRecognizer())
        // The broad readers.
        case 49: visitor.visit(EximRecognizer())
        case 50: visitor.visit(QmailRecognizer())
        case 51: visitor.visit(SendmailTextRecognizer())
        // Names for standard DSNs of the two big families; both read with the RFC 3464 reader.
        case 52: visitor.visit(PostfixRecognizer())
        case 53: visitor.visit(SendmailDSNRecognizer())
        default: nil
        }
    }

    /// Every recogniser, in the order `recognize` tries them.
    static var all: [any Recognizer] { dedicated + [standard, challenge, autoReply] + notices + [fallback] }

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
