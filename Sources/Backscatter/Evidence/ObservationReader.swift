import DeliveryStatus
import MailParsing

/// Reads an `Observation` from a parsed message and its bounce analysis: the per-message step of the
/// classifier, done once, on the scan's worker threads.
///
/// No Foundation and no pattern compiles here; the only site knowledge used is the DKIM keys (a
/// signature can only be checked while the original's bytes are at hand).
public struct ObservationReader: Sendable {
    /// The site's DKIM keys, for checking signatures on returned originals.
    public var dkimKeys: [DKIMKey]
    /// Whether notes keep what only zero-config needs, to infer a profile from: the address ordinary
    /// mail was delivered to (the site's domains and mailboxes). A given profile already says these.
    public var keepsInferenceFacts: Bool
    /// Whether observations list the failed and original recipients (`Observation.recipients`,
    /// `originalRecipients`): they are judged only against a sent log that names recipients
    /// (`SiteKnowledge.knowsSentRecipients`), which zero-config never has. Kept always, each notice's
    /// recipients were lower-cased into two arrays for nothing (sisimai bsd x3 zero-config: `observe`
    /// 30.21M -> 29.09M instructions over 1,824 notices).
    public var keepsRecipients: Bool
    /// Whether a notice's facts are read only where `Classifier` and the stream pass judge them: the
    /// notice's From only for a notice that returns nothing of its original, an auto-reply or a
    /// challenge; its Return-Path only for the first; Reply-To, In-Reply-To and References only for the
    /// last two; the connecting host's name only without a Reporting-MTA; the subject's tail only when
    /// the original has no subject or body fingerprint (each `Observation` field says so). The others
    /// are nil or empty. `ClassifierStage` reads so; false (the default) reads every fact of every
    /// notice. (Read always, they were unfolded, parsed and lower-cased for nothing: sisimai bsd x3
    /// zero-config, `observe` 29.09M -> 27.08M instructions over 1,824 notices for the fields; the
    /// tails, 1,824 made for 393 that could be read, `Main.main` 301.51M -> 300.15M.)
    /// The returned original's hops, too, are read whole only up to the first with a public address
    /// that is no mail fetcher's (`topPublicIndex`: the one `Classifier`, the spam shape and inference
    /// judge by its names and date); the others keep their addresses, which the relay tests read, and
    /// their dates, which date the hop of our relay (`relay-ip-ours-long-ago`) (sisimai bsd x3: 681 of
    /// 2,292 hops read whole, `ReceivedHop.init` 6.30M -> 4.93M instructions).
    /// The original's body fingerprint (`OriginalFacts.bodyKey`), too, is made only for an original
    /// without a subject fingerprint, the only one the stream pass groups by its body (sisimai bsd x3:
    /// 1,422 subjects of 1,518 originals); and the subject's last letters (`OriginalFacts.subjectLetters`)
    /// only when the kept subject is cut: the stream pass reads them of a campaign's first member alone,
    /// and makes them of its whole subject then (sisimai bsd x3: 1,422 made for a few dozen groups).
    /// `LeanReaderTests` holds the classifier's judgements of both readers equal over the corpora.
    public var readsOnlyJudgedFacts: Bool

    /// A reader that checks DKIM signatures with `dkimKeys`.
    public init(dkimKeys: [DKIMKey] = [], keepsInferenceFacts: Bool = true, keepsRecipients: Bool = true,
                readsOnlyJudgedFacts: Bool = false) {
        self.dkimKeys = dkimKeys
        self.keepsInferenceFacts = keepsInferenceFacts
        self.keepsRecipients = keepsRecipients
        self.readsOnlyJudgedFacts = readsOnlyJudgedFacts
    }

    /// The observation of one message, or nil when it is not bounce-like (`not-bounce`, feedback report).
    /// `report` is `BounceAnalyzer`'s analysis of `message` (its decoded `subject` is used as is).
    public func observe(_ message: ParsedMessage, report: BounceReport) -> Observation? {
        observe(message, report: report, known: nil)
    }

    /// `observe(_:report:)`, with the returned original's Subject and Date as the scan's record read
    /// them (`known`, of `report.original`), not read a second time; `shapedNoticeFrom`: the notice's
    /// first From address as the scan read it (`HeaderValues.record`), nil when not known;
    /// `noticeFirstTo`: the first address of its first To field as the scan read it (`HeaderValues.record`'s
    /// `firstTo`), nil when not known or none (the field is read here then).
    func observe(_ message: ParsedMessage, report: BounceReport, known: OriginalHeaderValues?,
                 shapedNoticeFrom: String? = nil, noticeFirstTo: String? = nil) -> Observation? {
        switch report.kind {
        case .notBounce, .feedbackReport: return nil
        case .bounce, .delay, .success, .autoReply, .challenge, .virusNotice: break
        }
        // Each fact made once into a constant of its own and the observation made of them at the end:
        // set one by one on an observation made empty, each field's nil was destroyed as it was
        // replaced (~85 instructions a field, a dozen fields a notice).
        // Every field read here, in one walk over the notice's header section (`NoticeFieldWalk`), read in place: the
        // first of each name kept, the In-Reply-To ids read as they come and the References fields
        // kept for after them (`fields(_:)` made arrays of copies: see `forEachField(in:_:)`). Each field
        // handed over in place (`forEachFieldInPlace`): handed over as a `HeaderField`, each was copied
        // and destroyed (with `originalFacts`: observe 68.27M -> 66.55M on the sisimai bsd mbox x3).
        // Each field read as it comes into what is made of it (kept as its unfolded value for after the
        // walk, each was unfolded, retained and released: sisimai bsd x3, take 1.19M and the kept values'
        // destroy 0.28M instructions over 1,824 notices). The first Received's connection read first,
        // so that a Date after it is unfolded only when the hop has no date (the hop's date is the
        // arrival); the victim's address taken from the field most preferred so far (X-Original-To,
        // then Delivered-To, then To), so that a field less preferred after it is not read at all.
        // Whether any of the original came back (the observation's `original`). With
        // `readsOnlyJudgedFacts`, the Return-Path is read only when none did; the In-Reply-To and
        // References ids and the Reply-To address only of an auto-reply or a challenge; the From address
        // for either: the only notices judged by them (`Observation.returnPath`, `replyIDs`,
        // `noticeReplyTo`, `noticeFrom`); and the connecting host's name only without a Reporting-MTA,
        // which names the reflector in its place (`Observation.connectingHost`).
        let returnsOriginal = report.original.presence != .none && report.original.headers != nil
        let readsAll = !readsOnlyJudgedFacts
        let readsReplies = readsAll || report.kind == .autoReply || report.kind == .challenge
        let readsNoticeFrom = readsReplies || !returnsOriginal
        var walk = NoticeFieldWalk(readsFrom: shapedNoticeFrom == nil && readsNoticeFrom,
                                   readsReturnPath: readsAll || !returnsOriginal, readsReplies: readsReplies,
                                   readsHost: readsAll || report.reportingMTA == nil, knowsTo: noticeFirstTo != nil)
        message.headers.forEachFieldInPlace(in: Self.noticeFields) { k, field in walk.read(k, field) }
        // What the observation keeps moved out of the walk (passed as they are, each was retained for
        // the observation and released with the walk); the first To's address as the scan read it, where
        // the walk took the victim from that To.
        let victimAsWritten = walk.knowsTo && walk.victimRank == 1 ? noticeFirstTo : walk.victimAsWritten.take()
        var arrival = walk.hop.date
        var noticeFrom = readsNoticeFrom ? shapedNoticeFrom?.lowercasedIfNeeded() : nil
        var replyIDs: [String] = [], noticeReplyTo: String? = nil, returnPath: String? = nil
        // The facts few notices have read, moved out of the walk only where there are some (read through
        // the optional, `rare?.returnPath`, each was copied out and the optional destroyed, empty or not:
        // `observe` 0.3M more on bsd.mbox x3).
        if var rare = walk.rare.take() {
            // In-Reply-To ids, then References ids.
            for value in rare.references {
                for id in MessageIDParser.parseList(value) where rare.replyIDs.count < Observation.maxListed {
                    rare.replyIDs.append(id)
                }
            }
            if arrival == nil { arrival = rare.date.flatMap { MailDate.parse($0)?.secondsSince1970 } }
            if readsNoticeFrom, shapedNoticeFrom == nil {
                noticeFrom = rare.from.flatMap { AddressParser.singleAddressString($0) }?.lowercasedIfNeeded()
            }
            swap(&replyIDs, &rare.replyIDs)
            (noticeReplyTo, returnPath) = (rare.noticeReplyTo.take(), rare.returnPath.take())
        }
        // Each report's two fields read where they are (iterating the reports copied each, a few dozen
        // fields retained and released, twice); only when kept (`keepsRecipients`).
        let listed = keepsRecipients ? min(report.recipients.count, Observation.maxListed) : 0
        var recipients: [String] = []
        var originalRecipients: [String] = []
        if listed > 0 {
            recipients.reserveCapacity(listed)
            for i in 0..<listed { recipients.append(report.recipients[i].recipient.lowercasedIfNeeded()) }
            for i in 0..<listed {
                if let original = report.recipients[i].originalRecipient { originalRecipients.append(original.lowercasedIfNeeded()) }
            }
        }
        let original = returnsOriginal ? report.original.headers.map { originalFacts(report.original, headers: $0, known: known) } : nil
        return Observation(
            kind: report.kind, format: report.format, arrival: arrival,
            victimAsWritten: victimAsWritten, victim: victimAsWritten.map(Self.plainAddress),
            noticeFrom: noticeFrom, recipients: recipients, recipientCount: report.recipients.count,
            reportingMTA: report.reportingMTA?.lowercasedIfNeeded(), connectingAddress: walk.hop.address, connectingHost: walk.hop.host.take(),
            envelopeID: report.originalEnvelopeID, originalRecipients: originalRecipients, replyIDs: replyIDs,
            original: original,
            // The Subject as the analysis decoded it (its recognisers read it): decoded here again, it
            // was 2.3M instructions of the sisimai bsd mbox x3. With `readsOnlyJudgedFacts`, only for a
            // notice whose original has neither fingerprint (`Observation.noticeSubjectTail`).
            noticeSubjectTail: readsAll || (original?.subjectKey == nil && original?.bodyKey == nil)
                ? report.subject.flatMap { Fingerprint.letters($0, last: 60) } : nil,
            noticeReplyTo: noticeReplyTo,
            returnPath: returnPath)
    }

    /// A Return-Path value without its angle brackets and white space, lower case: the kept bytes written
    /// ASCII-lower-cased straight into the String (invalid UTF-8 repaired as `String(decoding:)` does), and
    /// only a value with a non-ASCII byte lower-cased again by scalars. (Trimmed, filtered into an array,
    /// made a String and lower-cased, it cost ~630 instructions more a value: sisimai bsd x3, 1,488
    /// values, `observe` 45.19M -> 44.25M.)
    static func returnPathAddress(_ value: ByteSlice) -> String {
        var any: UInt8 = 0
        let address = value.withUnsafeBufferPointer { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { out -> Int in
                var n = 0
                for b in bytes where b != ASCII.lessThan && b != ASCII.greaterThan && !ASCII.isWhitespaceOrNewline(b) {
                    any |= b
                    out[n] = ASCII.lowercased(b)
                    n += 1
                }
                return n
            }
        }
        // ASCII lower-casing first changes nothing that lower-casing by scalars does (it is per scalar).
        return any < 0x80 ? address : address.lowercasedIfNeeded()
    }

    /// `returnPathAddress` by filtering: the definition, for the tests.
    static func returnPathAddressByFilter(_ value: ByteSlice) -> String {
        let value = value.trimmingWhitespace()
        let inner = value.filter { $0 != ASCII.lessThan && $0 != ASCII.greaterThan && !ASCII.isWhitespaceOrNewline($0) }
        return String(decoding: inner, as: UTF8.self).lowercasedIfNeeded()
    }

    /// The notice's fields `observe` reads, the first of each (`rawValue`: the place in `names`).
    private enum NoticeField: Int, CaseIterable {
        case received, date, xOriginalTo, deliveredTo, to, from, returnPath, replyTo

        var name: String {
            switch self {
            case .received: "received"
            case .date: "date"
            case .xOriginalTo: "x-original-to"
            case .deliveredTo: "delivered-to"
            case .to: "to"
            case .from: "from"
            case .returnPath: "return-path"
            case .replyTo: "reply-to"
            }
        }

        static let names = allCases.map(\.name)
    }
    /// ... and every one of these, in order: in-reply-to, then references.
    private static let noticeFields = HeaderNameTable(firstOf: NoticeField.names, allOf: ["in-reply-to", "references"])
    /// In-Reply-To's place in `noticeFields` (References is the one after it).
    private static let inReplyToPlace = NoticeField.allCases.count

    /// What `observe` reads in its walk over the notice's fields, in one variable: the walk's closure
    /// captures its address alone (with a variable of its own for each fact, the closure's partial apply
    /// loaded ten captured values into each call: sisimai bsd x3, 0.19M instructions over 10,146 fields).
    private struct NoticeFieldWalk {
        /// Whether the From value is read (else the scan has its address: `shapedNoticeFrom`, or it is
        /// not read at all); whether the Return-Path is, and the In-Reply-To, References and Reply-To
        /// values (see `observe`).
        let readsFrom: Bool, readsReturnPath: Bool, readsReplies: Bool
        /// Whether the first Received's host name is read (`ReceivedHop.connection`).
        let readsHost: Bool
        /// Whether the scan read the first To's first address (`noticeFirstTo`): a To is then only ranked,
        /// not read. (The address itself, held here, was retained and released for each notice.)
        let knowsTo: Bool
        /// The first Received's connection (`ReceivedHop.connection`).
        var hop: (date: Int64?, address: IPAddress?, host: String?) = (nil, nil, nil)
        /// Nil when the victim is the first To's address the scan read (`knowsTo`, rank 1).
        var victimAsWritten: String? = nil
        /// Of the field `victimAsWritten` is from: 3 X-Original-To, 2 Delivered-To, 1 To; 0 none yet.
        var victimRank = 0
        /// The facts few notices have read (`RareNoticeFacts`), nil until one is: held in the walk
        /// itself, each of them, nil or empty, was released with the walk for every notice (sisimai bsd
        /// x3, the walk's destroy 0.35M -> 0.13M instructions over 1,824 notices; `observe` 21.36M -> 21.09M).
        var rare: RareNoticeFacts? = nil

        init(readsFrom: Bool, readsReturnPath: Bool, readsReplies: Bool, readsHost: Bool, knowsTo: Bool) {
            (self.readsFrom, self.readsReturnPath, self.readsReplies) = (readsFrom, readsReturnPath, readsReplies)
            (self.readsHost, self.knowsTo) = (readsHost, knowsTo)
        }

        /// `rare`, made when the first of its facts is read.
        @inline(__always)
        mutating func makeRare() {
            if rare == nil { rare = RareNoticeFacts() }
        }

        /// Reads the field `k` of `noticeFields`.
        @inline(__always)
        mutating func read(_ k: Int, _ field: HeaderFieldInPlace) {
            guard let name = NoticeField(rawValue: k) else {
                guard readsReplies else { return }
                makeRare()
                if k == ObservationReader.inReplyToPlace {
                    for id in MessageIDParser.parseList(field.unfoldedValue) where (rare?.replyIDs.count ?? 0) < Observation.maxListed {
                        rare?.replyIDs.append(id)
                    }
                } else {
                    rare?.references.append(field.unfoldedValue)
                }
                return
            }
            switch name {
            case .received: hop = ReceivedHop.connection(field.rawValue, readsHost: readsHost)
            case .date:
                if hop.date == nil {
                    makeRare()
                    rare?.date = field.unfoldedValue
                }
            case .xOriginalTo, .deliveredTo, .to:
                let rank = name == .xOriginalTo ? 3 : name == .deliveredTo ? 2 : 1
                guard rank > victimRank else { break }
                // The To's address as the scan read it, when it found one: the same value read alike
                // (bsd.mbox x3: `firstAddressString` calls here 1,818 -> 738, the rest X-Original-To,
                // Delivered-To or a To without an address; the walk's closure 5.94M -> 5.20M instructions).
                if rank == 1, knowsTo {
                    victimRank = rank
                } else if let address = AddressParser.firstAddressString(field.unfoldedValue) {
                    (victimAsWritten, victimRank) = (address, rank)
                }
            // The From value only where the scan has not read its address (`shapedNoticeFrom`): its
            // unfolding was ~190 instructions a notice.
            case .from:
                if readsFrom {
                    makeRare()
                    rare?.from = field.unfoldedValue
                }
            case .returnPath:
                if readsReturnPath {
                    makeRare()
                    rare?.returnPath = ObservationReader.returnPathAddress(field.unfoldedValue)
                }
            case .replyTo:
                if readsReplies {
                    makeRare()
                    rare?.noticeReplyTo = AddressParser.singleAddressString(field.unfoldedValue)?.lowercasedIfNeeded()
                }
            }
        }
    }

    /// The facts of a notice's walk (`NoticeFieldWalk`) few notices have read: its Date value when read
    /// before the first Received's date (`hop.date`); its From, Return-Path and Reply-To, read only for
    /// some notices (see `observe`); the In-Reply-To ids, read as they come, and the References values,
    /// kept to be read after them.
    private struct RareNoticeFacts {
        var date: ByteSlice? = nil, from: ByteSlice? = nil
        var returnPath: String? = nil, noticeReplyTo: String? = nil
        var replyIDs: [String] = []
        var references: [ByteSlice] = []
    }

    /// The returned original's fields `originalFacts` reads, the first of each.
    private enum OriginalField: Int, CaseIterable {
        case messageID, from, date, subject

        var name: String {
            switch self {
            case .messageID: "message-id"
            case .from: "from"
            case .date: "date"
            case .subject: "subject"
            }
        }

        static let names = allCases.map(\.name)
    }
    /// ... and every one of these: to, cc, received, dkim-signature.
    private static let originalFields = HeaderNameTable(firstOf: OriginalField.names, allOf: ["to", "cc", "received", "dkim-signature"])
    /// To's place in `originalFields` (Cc, Received and DKIM-Signature are the three after it).
    private static let originalToPlace = OriginalField.allCases.count

    /// What `originalFacts` reads in its walk over the original's fields, in one variable: the walk's
    /// closure captures its address alone. (With a variable of its own for each fact, the closure
    /// captured seventeen values, each loaded into every call: ~37 instructions a field in the partial
    /// apply alone, sisimai bsd x3, 9,846 fields.)
    /// The first of each name kept as its unfolded value (see `observe`); each To and Cc field's
    /// addresses counted, every Received counted and the first few read, the first four
    /// DKIM-Signatures kept to be checked after the walk.
    private struct OriginalFieldWalk {
        /// Whether the Message-ID and From values are read (else the scan's record has them: the
        /// fields are only found); whether Date and Subject are.
        let readsMessageID: Bool, readsFrom: Bool, readsDateAndSubject: Bool
        /// The To fields' address count as the scan's record has it; nil: counted here.
        let knownToCount: Int?
        var messageID: ByteSlice? = nil, from: ByteSlice? = nil, date: ByteSlice? = nil, subject: ByteSlice? = nil
        var hasMessageID = false, hasFrom = false, hasTo = false
        var recipientCount: Int
        var hops: [ReceivedHop] = [], hopCount = 0
        /// Whether a hop is read whole only when it is the first with a public address (the others for
        /// their addresses and dates: see `readsOnlyJudgedFacts`).
        let readsOnlyTopHop: Bool
        /// Whether a hop with a public address was read.
        var sawPublicHop = false
        /// The first four DKIM-Signature fields (most originals have none).
        var signatures: [HeaderField] = []

        init(readsMessageID: Bool, readsFrom: Bool, readsDateAndSubject: Bool, knownToCount: Int?, readsOnlyTopHop: Bool) {
            (self.readsMessageID, self.readsFrom, self.readsDateAndSubject) = (readsMessageID, readsFrom, readsDateAndSubject)
            self.knownToCount = knownToCount
            self.readsOnlyTopHop = readsOnlyTopHop
            recipientCount = knownToCount ?? 0
        }

        /// Reads the field `k` of `originalFields`.
        @inline(__always)
        mutating func read(_ k: Int, _ field: HeaderFieldInPlace) {
            switch k {
            case OriginalField.messageID.rawValue:
                hasMessageID = true
                if readsMessageID { messageID = field.unfoldedValue }
            case OriginalField.from.rawValue:
                hasFrom = true
                if readsFrom { from = field.unfoldedValue }
            case OriginalField.date.rawValue: if readsDateAndSubject { date = field.unfoldedValue }
            case OriginalField.subject.rawValue: if readsDateAndSubject { subject = field.unfoldedValue }
            case ObservationReader.originalToPlace, ObservationReader.originalToPlace + 1:   // to, cc
                if k == ObservationReader.originalToPlace {
                    hasTo = true
                    if knownToCount != nil { break }   // counted by the scan's record (`known`)
                }
                recipientCount += AddressParser.addressCount(field.unfoldedValue)
            case ObservationReader.originalToPlace + 2:   // received
                if hopCount < Observation.maxListed { readHop(field.rawValue) }
                hopCount += 1
            default:   // dkim-signature
                if signatures.count < 4 { signatures.append(field.field) }
            }
        }

        /// Reads the hop of a Received field's raw value, one of the first `Observation.maxListed`.
        @inline(__always)
        mutating func readHop(_ value: ByteSlice) {
            // Room for every hop kept made at the first (grown 1, 2, 4, 8: 2,181 growths of
            // 1,518 originals' arrays, 0.62M instructions on sisimai bsd x3).
            if hops.capacity == 0 { hops.reserveCapacity(Observation.maxListed) }
            if readsOnlyTopHop {
                let hop = ReceivedHop(value, reading: sawPublicHop ? .addressAndDate : .wholeWhenPublic)
                // A mail fetcher's hop is read whole, and so is the next public one: the handover it follows.
                if hop.address?.isPublic == true, !hop.fetchedFromMailbox { sawPublicHop = true }
                hops.append(hop)
            } else {
                hops.append(ReceivedHop(value))
            }
        }

        /// Whether the noted `fields` (all of them: not `isIncomplete`) are all the walk reads: no value
        /// is read here (the scan's record has the Message-ID, the From address, Date, Subject and the
        /// To count of those there are).
        func canTake(_ fields: OriginalHeaderFields) -> Bool {
            !readsDateAndSubject && knownToCount != nil
                && (!readsMessageID || !fields.hasMessageID) && (!readsFrom || !fields.hasFrom)
        }

        /// What the walk reads, from the noted `fields` of the section whose bytes are `section`.
        mutating func take(_ fields: OriginalHeaderFields, section: ByteSlice) {
            (hasMessageID, hasFrom, hasTo) = (fields.hasMessageID, fields.hasFrom, fields.hasTo)
            recipientCount += Int(fields.ccAddressCount)
            // Room for the noted hops alone (at most four), not `Observation.maxListed`: the array is kept
            // in the observation for the whole scan.
            if fields.receivedCount > 0 { hops.reserveCapacity(fields.receivedCount) }
            let start = section.startIndex
            for i in 0..<fields.receivedCount {
                let range = fields.receivedRange(i)
                readHop(section[(start &+ range.lowerBound)..<(start &+ range.upperBound)])
            }
            hopCount = fields.receivedCount
        }
    }

    /// The address with a BATV tag (`prvs=KDDDSSSSSS=local@d`) or an SRS wrapper
    /// (`SRS0=HHHH=TT=domain=local@forwarder`) removed, lower case.
    package static func plainAddress(_ address: String) -> String {
        // (Asked first in one reading of the bytes, eight at a time, whether the address is ASCII
        // without a capital or an "=" and so its own answer: 0.56M -> 0.52M instructions over 1,818
        // victims, sisimai bsd x3, Main.main 252.09M -> 252.05M, within noise; not kept.)
        let lower = address.lowercasedIfNeeded()
        guard mayHoldTag(lower) else { return lower }
        if let tagged = BATVAddress(parsing: lower) { return tagged.originalAddress }
        if let srs = SRSAddress(parsing: lower) { return srs.originalAddress.lowercasedIfNeeded() }
        return lower
    }

    /// Whether an address may carry a BATV tag or an SRS wrapper: both hold an "=" (`prvs=`, `SRS0=`,
    /// `SRS1=`; each parser turns away an address without one), so the parsers are asked only about
    /// an address that has one (asking both cost ~1,200 instructions an address).
    static func mayHoldTag(_ address: String) -> Bool {
        address.utf8.withContiguousStorageIfAvailable(holdsEquals) ?? address.utf8.contains(ASCII.equals)
    }

    /// Whether the bytes hold an "=": eight at a time, the last eight (overlapping the ones before)
    /// read as one word too, fewer than eight byte by byte. (`contains`, byte by byte, was ~175
    /// instructions an address: sisimai bsd x3, `mayHoldTag` 0.66M over 3,807 addresses.)
    @inline(__always)
    static func holdsEquals(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(bytes.baseAddress), bytes.count >= 8 else { return bytes.contains(ASCII.equals) }
        var i = 0
        while i + 8 < bytes.count {
            if ByteWord.hasByte(base.loadUnaligned(fromByteOffset: i, as: UInt64.self), ASCII.equals) { return true }
            i += 8
        }
        return ByteWord.hasByte(base.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self), ASCII.equals)
    }

    private func originalFacts(_ original: ReturnedOriginal, headers: HeaderSection, known: OriginalHeaderValues?) -> OriginalFacts {
        // Every field read here, in one walk over the original's header section, read in place
        // (`OriginalFieldWalk`). (`fields(_:)` made arrays of copies, and two more walks looked for the
        // Received and DKIM-Signature fields.) Date and Subject only when the scan has not read them
        // (`known`).
        // The Message-ID's id and the From address where the scan's record has them (`known`): the
        // fields are then only found, not unfolded (~120 instructions a value with its release: sisimai
        // bsd x3, 2,841 values).
        let knownMessageID = known.flatMap { $0.readsMessageID ? $0.bracketedMessageID : nil }
        let knownFrom = known?.shapedFromAddress
        // Each fact made into a constant of its own and the facts made of them at the end, with every
        // field given (`OriginalFacts.init(presence:messageID:...)`): the facts set one by one on a
        // variable were copied whole into the result and the variable destroyed (sisimai bsd mbox x3:
        // 0.37M + 0.27M instructions over 1,518 originals).
        var walk = OriginalFieldWalk(readsMessageID: knownMessageID == nil, readsFrom: knownFrom == nil,
                                     readsDateAndSubject: known == nil, knownToCount: known?.toAddressCount,
                                     readsOnlyTopHop: readsOnlyJudgedFacts)
        // The fields as the scan record's walk noted them, where it noted all (`known.fields`): the
        // section is not walked a second time.
        if let fields = known?.fields, !fields.isIncomplete, walk.canTake(fields) {
            walk.take(fields, section: headers.raw)
            if fields.hasDKIMSignature {
                // The first four, in order, as the walk keeps them.
                headers.forEachField(named: "dkim-signature") { field in
                    if walk.signatures.count < 4 { walk.signatures.append(field) }
                }
            }
        } else {
            headers.forEachFieldInPlace(in: Self.originalFields) { k, field in walk.read(k, field) }
        }
        // The facts read from `walk` where they are (copied into constants of their own, each slice and
        // the hops were retained, and released with the walk); the hops, kept in the facts, moved out.
        var hops: [ReceivedHop] = []
        swap(&hops, &walk.hops)
        let dkim = walk.signatures.map { checkDKIM($0, headers: headers) }
        var messageIDText: String? = nil, messageIDIsBracketed = false
        // Whether the id's domain is odd (`hasOddDomain`). (Its shape is made only when inference asks
        // it: `OriginalFacts.messageIDShape`.)
        var oddMessageID = false
        // The scan's record read the same first field (`known`): its id is this one in angle brackets,
        // and it has none exactly when `parse` finds none. Kept as the record's String, bracketed
        // (`OriginalFacts.messageIDText`).
        if let knownMessageID, walk.hasMessageID {
            oddMessageID = Self.hasOddDomain(bracketed: knownMessageID)
            (messageIDText, messageIDIsBracketed) = (knownMessageID, true)
        } else if let value = walk.messageID {
            if known?.readsMessageID != true { messageIDText = MessageIDParser.parse(value) }
            if messageIDText == nil {
                // `HeaderField.valueString`: the unfolded value as a String.
                let raw = value.utf8String.trimmedSlice
                if !raw.isEmpty { messageIDText = String(raw.prefix(200)) }
            }
            if let id = messageIDText { oddMessageID = Self.hasOddDomain(messageID: id) }
        }
        var fromAddress: String? = nil
        if walk.hasFrom, let address = knownFrom ?? walk.from.flatMap({ AddressParser.singleAddressString($0) }) {
            fromAddress = address.lowercasedIfNeeded()
        }
        let sent: Int64?
        if let known {
            sent = known.date?.secondsSince1970
        } else if let date = walk.date {
            sent = MailDate.parse(date)?.secondsSince1970
        } else {
            sent = nil
        }
        var subjectText: String? = nil, subjectKey: UInt64? = nil, subjectLetters: String? = nil, shouting = false
        if let subject = known.map(\.subject) ?? walk.subject.map({ EncodedWords.decode($0) }) {
            // At most 120 Characters: a subject of 120 bytes or fewer is whole (walking its Characters
            // to find that out cost ~750 instructions).
            subjectText = subject.utf8.count <= 120 ? subject : String(subject.prefix(120))
            // Key, letters and shouting in one reading (three readings of the bytes: sisimai bsd x3,
            // 1.68M instructions over 1,422 subjects). The lean reader makes the letters only of a
            // subject longer than `subjectText` keeps (see `OriginalFacts.subjectLetters`).
            (subjectKey, subjectLetters, shouting) = Fingerprint.subjectFacts(
                subject, readsLetters: !readsOnlyJudgedFacts || subject.utf8.count > 120)
        }
        let (shape, bodyKey) = spamShape(hops: hops, date: sent, from: fromAddress, hasMessageID: messageIDText != nil,
                                         oddMessageID: oddMessageID,
                                         recipientCount: walk.recipientCount, shouting: shouting, original: original,
                                         hasTo: walk.hasTo, readsBodyKey: !readsOnlyJudgedFacts || subjectKey == nil)
        return OriginalFacts(presence: original.presence, messageID: messageIDText, messageIDIsBracketed: messageIDIsBracketed,
                             from: fromAddress, date: sent,
                             recipientCount: walk.recipientCount, subject: subjectText, subjectKey: subjectKey,
                             subjectLetters: subjectLetters, bodyKey: bodyKey, hops: hops, hopCount: walk.hopCount, dkim: dkim,
                             spamShape: shape)
    }

    /// `hasOddDomain(messageID: withoutBrackets(bracketed))`, of the id's bytes where they lie.
    static func hasOddDomain(bracketed id: String) -> Bool {
        // Read through the UTF-8 view (`withUTF8` of a copy was ~50 instructions an id more).
        let odd = id.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            // An ASCII byte at each end, as `parseBracketed` writes them: the id is the bytes between.
            guard bytes.count >= 2, bytes[0] < 0x80, bytes[bytes.count - 1] < 0x80 else { return nil }
            return hasOddDomain(UnsafeBufferPointer(rebasing: bytes[1..<(bytes.count - 1)]))
        }
        if let odd, let odd { return odd }
        return hasOddDomain(messageID: withoutBrackets(id))
    }

    /// `withoutBrackets(bracketed)`, and `hasOddDomain` of the id read from the same bytes (read again
    /// from the id made of them, it opened its String: ~190 instructions more an id).
    static func unbracketedIDFacts(_ bracketed: String) -> (id: String, oddDomain: Bool) {
        var bracketed = bracketed
        let read = bracketed.withUTF8 { bytes -> (id: String, oddDomain: Bool)? in
            // An ASCII byte at each end, as `parseBracketed` writes them: the id is the bytes between.
            guard bytes.count >= 2, bytes[0] < 0x80, bytes[bytes.count - 1] < 0x80 else { return nil }
            let inner = UnsafeBufferPointer(rebasing: bytes[1..<(bytes.count - 1)])
            return (UncheckedUTF8.string(inner, isASCII: false), hasOddDomain(inner))
        }
        if let read { return read }
        let id = withoutBrackets(bracketed)
        return (id, hasOddDomain(messageID: id))
    }

    /// `<id>` without its first and last bytes, the angle brackets `parseBracketed` put around the id
    /// (ASCII, so what is left is the id's own valid UTF-8).
    static func withoutBrackets(_ bracketed: String) -> String {
        var bracketed = bracketed
        return bracketed.withUTF8 { bytes in
            guard bytes.count >= 2 else { return "" }
            let inner = UnsafeBufferPointer(rebasing: bytes[1..<(bytes.count - 1)])
            // A String's valid UTF-8 less an ASCII byte at each end is valid: made a String unchecked
            // (`String(decoding:)` checked it again: ~55 instructions an id).
            guard bytes[0] < 0x80, bytes[bytes.count - 1] < 0x80 else { return String(decoding: inner, as: UTF8.self) }
            return UncheckedUTF8.string(inner, isASCII: false)
        }
    }

    private func checkDKIM(_ field: HeaderField, headers: HeaderSection) -> DKIMFinding {
        // The tags read from the raw value, folded as written, where no field of the section is longer
        // than unfolding keeps (no `fieldTooLong`): unfolding drops the CR and LF bytes and the blanks
        // at the ends, and `domainAndSelector` reads the same from the raw value (tag names trimmed of
        // blanks, CR and LF, values without any). The unfolded copy was ~1,450 instructions a signature
        // (sisimai bsd x3, 273 signatures); it is made only to verify with a key.
        let tags = DKIMTags.domainAndSelector(headers.defects.contains(.fieldTooLong) ? field.unfoldedValue : field.rawValue)
        let domain = tags.domain ?? ""
        let selector = tags.selector ?? ""
        guard let key = dkimKeys.first(where: { $0.domain == domain && $0.selector == selector }) else {
            return DKIMFinding(domain: domain, selector: selector, result: .unchecked)
        }
        let check = ClassifierDKIM.verify(signature: field, value: field.unfoldedValue, headers: headers, key: key)
        let result: DKIMFinding.Result
        switch check.verified {
        case .some(true): result = .verified
        case .some(false): result = .failed
        case .none: result = .unchecked
        }
        return DKIMFinding(domain: domain, selector: selector, result: result, signedAt: check.signedAt)
    }

    /// A Message-ID's shape: each run of digits `9`, of upper-case letters `A`, of lower-case `a`, of
    /// mixed letters and digits `x`; punctuation kept; the domain kept as written, lower case.
    /// `20260105032415.4009812558@mx-out1.acme.example` -> `9.9@mx-out1.acme.example`.
    package static func idShape(_ id: String) -> String {
        // An ASCII id (nearly all) read in place and its shape written once (an array of its bytes, a
        // growing array of the shape and a String appended to it cost ~3,300 instructions an id).
        var id = id
        if let shape = id.withUTF8({ idShape(asciiBytes: $0) }) { return shape }
        return idShapeByArrays(id)
    }

    /// `idShape` of an ASCII id's bytes; nil when a byte is not ASCII.
    private static func idShape(asciiBytes bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard ASCII.isASCII(bytes) else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: idShapeCapacity(bytes.count)) { out -> String in
            // ASCII (the shape bytes are the id's ASCII bytes or letters): made a String unchecked.
            UncheckedUTF8.asciiString(UnsafeBufferPointer(rebasing: out[0..<writeIDShape(asciiBytes: bytes, into: out).count]))
        }
    }

    /// The room `writeIDShape` needs for an id of `count` bytes.
    static func idShapeCapacity(_ count: Int) -> Int { 41 + count }

    /// `idShape` of ASCII id bytes, written into `out` (room for `idShapeCapacity(bytes.count)`): how many
    /// bytes it took, and where the id's domain (the text after its last `@`, lower case, as
    /// `String.lowercased()` makes it of ASCII) starts among them; nil without an `@`.
    static func writeIDShape(asciiBytes bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>)
        -> (count: Int, domainStart: Int?) {
        let at = ASCIIText.lastOffset(of: ASCII.at, in: bytes) ?? bytes.count
        // The local part's shape: one byte per run or punctuation, at most 41 of them; then the domain
        // with its "@", lower case, after it in the same buffer.
        guard out.count >= idShapeCapacity(bytes.count) else { return (0, nil) }
        var n = 0
        var i = 0
        while i < at, n < 41 {
            (out[n], i) = shapeOfRun(bytes, at: i, end: at)
            n += 1
            if n > 40 { break }
        }
        let localCount = n
        // The domain lower-cased eight bytes a word (a byte at a time was ~12 instructions a byte).
        // `n` is at most 41: every store lies within the buffer's `41 + bytes.count` bytes.
        var j = at
        if let source = UnsafeRawPointer(bytes.baseAddress), let target = UnsafeMutableRawPointer(out.baseAddress) {
            while j + 8 <= bytes.count {
                target.storeBytes(of: ByteWord.lowercased(source.loadUnaligned(fromByteOffset: j, as: UInt64.self)),
                                  toByteOffset: n, as: UInt64.self)
                n += 8
                j += 8
            }
        }
        while j < bytes.count {
            out[n] = ASCII.lowercased(bytes[j])
            n += 1
            j += 1
        }
        return (n, at < bytes.count ? localCount + 1 : nil)
    }

    /// The shape byte of the piece of a Message-ID's local part at `i` (before `end`), and where the next
    /// piece starts: a run of letters and digits is `9` (digits), `A` (upper case), `a` (lower case) or
    /// `x` (mixed); any other byte stands for itself.
    @inline(__always)
    private static func shapeOfRun(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> (shape: UInt8, next: Int) {
        let b = bytes[start]
        guard ASCII.isDigit(b) || ASCII.isAlpha(b) else { return (b, start + 1) }
        var digits = false, upper = false, lower = false
        var i = start
        while i < end, ASCII.isDigit(bytes[i]) || ASCII.isAlpha(bytes[i]) {
            let c = bytes[i]
            if ASCII.isDigit(c) { digits = true } else if c < 0x60 { upper = true } else { lower = true }
            i += 1
        }
        let letters = upper || lower
        let shape = letters && digits ? UInt8(ascii: "x") : digits ? UInt8(ascii: "9")
            : (upper && lower) ? UInt8(ascii: "x") : upper ? UInt8(ascii: "A") : UInt8(ascii: "a")
        return (shape, i)
    }

    /// `idShape` on arrays: the definition, and the reading of ids that are not ASCII.
    static func idShapeByArrays(_ id: String) -> String {
        let bytes = Array(id.utf8)
        let at = bytes.lastIndex(of: ASCII.at) ?? bytes.endIndex
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < at {
                let (shape, next) = shapeOfRun(buffer, at: i, end: at)
                out.append(shape)
                i = next
                if out.count > 40 { break }
            }
        }
        var shape = String(decoding: out, as: UTF8.self)
        if at < bytes.endIndex { shape += String(decoding: bytes[at...], as: UTF8.self).lowercasedIfNeeded() }
        return shape
    }

    /// Whether a Message-ID has no `@`, or its domain (the last non-empty part between `@`s) is an
    /// address literal or a single label. Read in place (the UTF-8 view's generic `contains` cost ~1,000
    /// instructions an id).
    static func hasOddDomain(messageID id: String) -> Bool {
        var id = id
        return id.withUTF8(hasOddDomain)
    }

    /// `hasOddDomain(messageID:)` of an id's bytes.
    @inline(__always)
    private static func hasOddDomain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = bytes.count
        while end > 0, bytes[end - 1] == ASCII.at { end -= 1 }
        // The domain's start: after the last `@` before `end` (found as `idShape` finds it).
        let start = ASCIIText.lastOffset(of: ASCII.at, in: UnsafeBufferPointer(rebasing: bytes[..<end])).map { $0 + 1 } ?? 0
        // An "@" before the domain, or after it (trailing ones).
        let hasAt = start > 0 || end < bytes.count
        var domainHasDot = false
        for i in start..<end where bytes[i] == ASCII.dot { domainHasDot = true; break }
        return !hasAt || (start < end && bytes[start] == UInt8(ascii: "[")) || !domainHasDot
    }

    /// `hasOddDomain` on the UTF-8 view: the definition, for the tests.
    static func hasOddDomainByView(messageID id: String) -> Bool {
        let bytes = id.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == ASCII.at { end = bytes.index(before: end) }
        let start = bytes[..<end].lastIndex(of: ASCII.at).map { bytes.index(after: $0) } ?? bytes.startIndex
        let domain = bytes[start..<end]
        return !bytes.contains(ASCII.at) || domain.first == UInt8(ascii: "[") || !domain.contains(ASCII.dot)
    }

    /// The spam-shape facts, and the body fingerprint (first text/plain, else text/html leaf) from the
    /// same single decoding of each text part.
    /// `shouting`: whether the subject (its first 120 Characters) is `HostShape.isShouting`;
    /// `oddMessageID`: whether the Message-ID's domain is odd (`hasOddDomain`), when it has one;
    /// `readsBodyKey`: whether the body fingerprint is made (nil when not).
    private func spamShape(hops: [ReceivedHop], date: Int64?, from: String?, hasMessageID: Bool, oddMessageID: Bool, recipientCount: Int,
                           shouting: Bool, original: ReturnedOriginal, hasTo: Bool, readsBodyKey: Bool) -> (SpamShape, UInt64?) {
        // The original's facts it reads, by the names the facts have.
        let f = (hops: hops, date: date, from: from, recipientCount: recipientCount)
        var shape: SpamShape = []
        // The first public hop read in place by its index (`first(where:)` copied it out and destroyed
        // the copy: its Strings retained and released).
        if let top = f.hops.topPublicIndex {
            let reverseName = f.hops[top].reverseName
            if reverseName == nil { shape.insert(.noReverseDNS) }
            // The octets read from the address (its text was made for this alone: see `HostShape.looksDynamic(_:address:)`).
            if let name = reverseName, let address = f.hops[top].address, HostShape.looksDynamic(name, address: address) {
                shape.insert(.dynamicReverseDNS)
            }
            if let helo = f.hops[top].helo {
                // Whether the HELO is bare asked once (it was asked for each of the two facts).
                let bare = HostShape.isBare(helo)
                if bare { shape.insert(.bareHelo) }
                if !bare, let name = reverseName, !HostShape.sameRegisteredDomain(helo, name) { shape.insert(.heloMismatch) }
            }
            if let sent = f.date, let received = f.hops[top].date, (received &- sent).magnitude > 86_400 { shape.insert(.dateSkew) }
        }
        // Missing fields count only when the returned header section is whole enough to have a From:
        // many MTAs return a cut header section (only the Received lines, sisimai lhost-x6, rhost-outlook).
        let whole = f.from != nil
        if hasMessageID {
            if oddMessageID { shape.insert(.oddMessageID) }
        } else if whole {
            shape.insert(.noMessageID)
        }
        if f.date == nil, whole { shape.insert(.noDate) }
        if f.recipientCount > 10 || (whole && f.recipientCount == 0 && !hasTo) { shape.insert(.oddRecipients) }
        if shouting { shape.insert(.shoutingSubject) }
        if original.presence == .full, let part = original.part {
            var plain = false, html = false
            var links = 0, size = 0
            var plainKey: UInt64?, htmlKey: UInt64?
            // The first 16 parts, depth first (this one included), walked where they are: `allParts()`
            // made an array of every part (sisimai bsd x3: 0.39M instructions over 876 originals).
            var visited = 0
            func visit(_ p: MIMEPart) {
                guard visited < 16 else { return }
                visited += 1
                read(p)
                for child in p.parts { visit(child) }
            }
            func read(_ p: MIMEPart) {
                // The type read once a part (each `contentType` read copied it: 2,961 reads of 975 text
                // parts, ~0.55M instructions with the copies' destroys, sisimai bsd mbox x3); a text
                // part is not a multipart one.
                let type = p.contentType
                guard type.type == "text" else { return }
                // At most 32 KB of the decoded body, a 7bit or 8bit one read in place (`decodedBody()`
                // copied the whole body first).
                let body = p.decodedBodyPrefix(32 << 10)
                if type.subtype == "plain" {
                    if !plain, readsBodyKey { plainKey = Fingerprint.bodyKey(body, limit: 300) }
                    plain = true
                }
                if type.subtype == "html" {
                    if !html, readsBodyKey { htmlKey = Fingerprint.bodyKey(body, limit: 300) }
                    html = true
                }
                size += body.count
                links += HostShape.countLinks(body)
            }
            visit(part)
            if html && !plain { shape.insert(.htmlOnly) }
            if links >= 3, size / links < 250 { shape.insert(.linkHeavy) }
            return (shape, plainKey ?? htmlKey)
        }
        return (shape, nil)
    }
}

/// The returned original's Subject, RFC 2047 words decoded, and its Date, parsed: what the scan's record
/// shows of them (`HeaderValues.original`), read once for the record and the observation both (the
/// observation read them again: sisimai bsd mbox x3, `EncodedWords.decode` 1.85M and `MailDate.parse`
/// 1.06M instructions more). `subject` and `date` are spelled `Optional<T>` (see `ScanRecord`).
struct OriginalHeaderValues: Sendable {
    /// `EncodedWords.decode` of the first Subject field's unfolded value; nil without one.
    var subject: Optional<String>
    /// `MailDate.parse` of the first Date field's unfolded value; nil without one or when unreadable.
    var date: Optional<MailDate>
    /// The first From field's address when the value is of a shape `AddressParser.addressShape` knows
    /// (`firstAddressString` and `singleAddressString` read it alike); nil when not known so. The
    /// observation read the value again (sisimai bsd mbox x3: `singleAddressString` 1.60M instructions
    /// over 1,440 values).
    var shapedFromAddress: String? = nil
    /// `AddressParser.addressCount` summed over the To fields (the observation counted them again:
    /// `addressCount` 1.40M over 1,491 values, with Cc's); nil: not read.
    var toAddressCount: Int? = nil
    /// `MessageIDParser.parseBracketed` of the first Message-ID field's unfolded value (`"<" + parse + ">"`);
    /// nil without one or when it holds no id; read only when `readsMessageID`. The observation parsed
    /// the value again (`MessageIDParser.parse`: sisimai bsd mbox x3, 0.74M instructions over 1,401 values).
    var bracketedMessageID: String? = nil
    /// Whether `bracketedMessageID` was read (false: the observation parses the Message-ID itself).
    var readsMessageID = false
    /// The other fields the observation reads, noted in the same walk; `unnoted` (`isIncomplete`): the
    /// observation walks the section itself.
    var fields = OriginalHeaderFields.unnoted
}

/// The returned original's fields the observation reads besides `OriginalHeaderValues`'s values, noted in
/// the scan record's walk over its header section (`HeaderValues.original`), so that the observation does
/// not walk the section a second time: whether there are a Message-ID, a From and a To, the Cc fields'
/// address count, and where the Received fields' raw values are. Without the values themselves: an array
/// of the Received values' slices, allocated, retained and released, cost more than the second walk
/// (sisimai bsd mbox x3: +0.47M instructions in all). Kept small, so that `OriginalHeaderValues` stays
/// within the 128 bytes copied without `memcpy` (a few bytes more and every copy of it called `memcpy`:
/// +0.53M). Where a field does not fit here (`isIncomplete`) the observation walks the section itself.
struct OriginalHeaderFields: Sendable {
    /// The Received fields noted at most: an original rarely has more.
    static let maxReceived = 4
    /// The first `receivedCount` Received fields' raw values as offsets from the section's first byte,
    /// 16 bits each: field i's start and end in bits `32 * (i % 2)` up of `ranges.0` (i < 2) or `ranges.1`.
    private var ranges: (UInt64, UInt64) = (0, 0)
    /// `AddressParser.addressCount` summed over the Cc fields' unfolded values.
    private(set) var ccAddressCount: Int32 = 0
    /// How many Received fields there are (all noted, unless `isIncomplete`).
    private var receivedFields: UInt8 = 0
    /// The five flags below, a bit each. (As `Bool`s, whose spare values Swift then used for the tag of
    /// `OriginalHeaderValues?`, that tag was read in an outlined function: 7,590 calls, ~0.1M instructions.)
    private var flags: UInt8 = 0

    /// Whether the section has a Message-ID field.
    var hasMessageID: Bool { get { flag(0) } set { setFlag(0, newValue) } }
    /// Whether the section has a From field.
    var hasFrom: Bool { get { flag(1) } set { setFlag(1, newValue) } }
    /// Whether the section has a To field.
    var hasTo: Bool { get { flag(2) } set { setFlag(2, newValue) } }
    /// Whether a field the observation reads is not noted here: a Received field after `maxReceived` or
    /// one past the 16-bit offsets; or none is (`unnoted`).
    var isIncomplete: Bool { get { flag(3) } set { setFlag(3, newValue) } }
    /// Whether the section has a DKIM-Signature field: the observation looks its first few up by name
    /// (kept whole to be checked). (Not noted, such an original was walked whole again, its hops read
    /// in the walk: bsd.mbox x3, ~280 originals.)
    var hasDKIMSignature: Bool { get { flag(4) } set { setFlag(4, newValue) } }

    @inline(__always) private func flag(_ bit: UInt8) -> Bool { flags >> bit & 1 != 0 }
    @inline(__always) private mutating func setFlag(_ bit: UInt8, _ value: Bool) {
        flags = value ? flags | 1 << bit : flags & ~(1 << bit)
    }

    /// None noted: the observation walks the section itself.
    static var unnoted: OriginalHeaderFields {
        var fields = OriginalHeaderFields()
        fields.isIncomplete = true
        return fields
    }

    /// How many Received fields there are.
    var receivedCount: Int { Int(receivedFields) }

    /// Notes the next Received field's raw value, a slice of the section's bytes, which start at index
    /// `sectionStart`.
    @inline(__always)
    mutating func addReceived(_ value: ByteSlice, sectionStart: Int) {
        let start = value.startIndex &- sectionStart, end = value.endIndex &- sectionStart
        guard receivedFields < Self.maxReceived, start >= 0, end <= Int(UInt16.max) else {
            isIncomplete = true
            return
        }
        let range = (UInt64(start) << 16 | UInt64(end)) << UInt64(32 * (receivedFields & 1))
        if receivedFields < 2 { ranges.0 |= range } else { ranges.1 |= range }
        receivedFields += 1
    }

    /// The offsets of Received field `i`'s raw value from the section's first byte (`i < receivedCount`).
    @inline(__always)
    func receivedRange(_ i: Int) -> Range<Int> {
        let range = (i < 2 ? ranges.0 : ranges.1) >> UInt64(32 * (i & 1))
        return Int(range >> 16 & 0xFFFF)..<Int(range & 0xFFFF)
    }

    /// Notes the next Cc field.
    @inline(__always)
    mutating func addCc(_ field: HeaderFieldInPlace) {
        ccAddressCount &+= Int32(truncatingIfNeeded: AddressParser.addressCount(field.unfoldedValue))
    }
}
