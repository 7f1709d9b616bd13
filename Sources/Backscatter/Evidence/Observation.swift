import DeliveryStatus
import MailParsing

/// What the classifier keeps of one bounce-like message: the facts its evidence is built from, read once
/// per message and independent of any site profile (so that a profile can be inferred from many of
/// them first and applied after: the two-pass zero-config mode).
///
/// Compact on purpose (a few hundred bytes): a scan keeps one per bounce-like message for its stream
/// pass. Lists are capped (`Observation.maxListed`).
///
/// Optional fields are declared `Optional<T>`, not `T?`: a stored `var x: T?` is set to nil before an
/// initializer's body runs, and with that the initializer built the whole observation in a temporary,
/// copied it (retaining every String and array in it) and destroyed the temporary (sisimai bsd mbox x3:
/// `Observation.init` 2.84M instructions over 1,824 observations, ~1,550 each, of which the copy 1.10M and the
/// destroy 0.84M). Spelled out, nothing is set before the body, which initializes each field in place.
public struct Observation: Sendable, Hashable {
    /// At most this many recipients, hops or ids are kept per list. Default: 8.
    public static let maxListed = 8

    /// What the message is (`not-bounce` messages get no observation from `ObservationReader`).
    public var kind: MessageKind
    /// The recogniser that read it.
    public var format: Optional<String>
    /// When the bounce reached us (our MX's Received stamp, else its Date), seconds since 1970 UTC.
    public var arrival: Optional<Int64>
    /// The address the notice was delivered to, as written (BATV/SRS tags kept): X-Original-To,
    /// Delivered-To, else To.
    public var victimAsWritten: Optional<String>
    /// `victimAsWritten` lower-cased, with a BATV tag or an SRS wrapper of one of ours removed.
    public var victim: Optional<String>
    /// The notice's own From address, lower case (the MTA, or for an auto-reply the person). With
    /// `ObservationReader.readsOnlyJudgedFacts`, read only for a notice that returns nothing of its
    /// original, an auto-reply or a challenge, the only ones judged by it (`Classifier.fakeNotice`, the
    /// replier of an auto-reply); nil for the others.
    public var noticeFrom: Optional<String>
    /// Failed (or reported) recipients, lower case, at most `maxListed`; empty when the reader does not
    /// keep them (`ObservationReader.keepsRecipients`).
    public var recipients: [String]
    /// How many recipients the notice listed in all.
    public var recipientCount: Int
    /// RFC 3464 Reporting-MTA, lower case.
    public var reportingMTA: Optional<String>
    /// The IP our MX recorded for the host that delivered the notice (its topmost Received), as canonical
    /// text (made when asked, of `connectingAddress`); setting text that is no address clears it.
    public var connectingIP: String? {
        get { connectingAddress?.description }
        set { connectingAddress = newValue.flatMap(IPAddress.init) }
    }
    /// `connectingIP` as the address read. (Its text made for every notice was ~240 instructions, 960
    /// notices of bsd.mbox x3; it is read only of a notice without a Reporting-MTA or a host name, or of a
    /// new reflector.)
    public var connectingAddress: Optional<IPAddress>
    /// The name (rDNS or HELO) of that host, lower case. With `ObservationReader.readsOnlyJudgedFacts`,
    /// read only without `reportingMTA`, which names the reflector in its place (every reader asks
    /// `reportingMTA ?? connectingHost`), nil with one.
    public var connectingHost: Optional<String>
    /// RFC 3464 Original-Envelope-Id.
    public var envelopeID: Optional<String>
    /// RFC 3464 Original-Recipient values of the listed recipients, lower case; empty when the reader
    /// does not keep recipients.
    public var originalRecipients: [String]
    /// In-Reply-To and References of the notice (auto-replies, challenges), without brackets. With
    /// `ObservationReader.readsOnlyJudgedFacts`, empty for any other kind of notice (`Classifier` reads
    /// them only for these two).
    public var replyIDs: [String]
    /// The returned original, when any of it came back.
    public var original: Optional<OriginalFacts>
    /// The last letters of the notice's Subject (lower case, letters only, at most 60): a notice without
    /// its original often quotes the original's subject at its end (`Undeliverable: SUBJECT`). With
    /// `ObservationReader.readsOnlyJudgedFacts`, nil when the original has a subject or body
    /// fingerprint (`OriginalFacts.subjectKey`, `bodyKey`): the stream pass matches a notice to a
    /// campaign by this tail only when its original has neither (sisimai bsd x3: 1,824 tails made,
    /// `Fingerprint.letters` 1.42M instructions, for 393 notices that could use one: 0.24M).
    public var noticeSubjectTail: Optional<String>
    /// The notice's Reply-To address, lower case (an auto-reply's person when From is a robot). With
    /// `ObservationReader.readsOnlyJudgedFacts`, read only for auto-replies and challenges, nil for
    /// other notices.
    public var noticeReplyTo: Optional<String>
    /// The notice's envelope sender as our MX recorded it in Return-Path: "" for the null reverse-path
    /// `<>` that RFC 5321 §4.5.5 requires of delivery notices, nil when there is no Return-Path. With
    /// `ObservationReader.readsOnlyJudgedFacts`, read only for a notice that returns nothing of its
    /// original (`original` nil), the only one judged by it (`Classifier.fakeNotice`); nil for the others.
    public var returnPath: Optional<String>

    /// An observation of a notice of the given kind with nothing else known.
    public init(kind: MessageKind) {
        self.init(kind: kind, format: nil, arrival: nil, victimAsWritten: nil, victim: nil, noticeFrom: nil,
                  recipients: [], recipientCount: 0, reportingMTA: nil, connectingAddress: nil, connectingHost: nil,
                  envelopeID: nil, originalRecipients: [], replyIDs: [], original: nil,
                  noticeSubjectTail: nil, noticeReplyTo: nil, returnPath: nil)
    }

    /// An observation with every fact given (`ObservationReader`'s: each field initialised once, where
    /// setting them on `init(kind:)`'s destroyed each nil as it was replaced). Not inlined: inlined into
    /// `ObservationReader.observe`, the observation it made was copied into the result and destroyed.
    @inline(never)
    init(kind: MessageKind, format: String?, arrival: Int64?, victimAsWritten: String?, victim: String?, noticeFrom: String?,
         recipients: [String], recipientCount: Int, reportingMTA: String?, connectingAddress: IPAddress?, connectingHost: String?,
         envelopeID: String?, originalRecipients: [String], replyIDs: [String], original: OriginalFacts?,
         noticeSubjectTail: String?, noticeReplyTo: String?, returnPath: String?) {
        self.kind = kind
        self.format = format
        self.arrival = arrival
        self.victimAsWritten = victimAsWritten
        self.victim = victim
        self.noticeFrom = noticeFrom
        self.recipients = recipients
        self.recipientCount = recipientCount
        self.reportingMTA = reportingMTA
        self.connectingAddress = connectingAddress
        self.connectingHost = connectingHost
        self.envelopeID = envelopeID
        self.originalRecipients = originalRecipients
        self.replyIDs = replyIDs
        self.original = original
        self.noticeSubjectTail = noticeSubjectTail
        self.noticeReplyTo = noticeReplyTo
        self.returnPath = returnPath
    }
}

/// What came back of the original message. (Optional fields spelled `Optional<T>`: see `Observation`.)
public struct OriginalFacts: Sendable, Hashable {
    /// Whole message, or headers only.
    public var presence: ReturnedOriginal.Presence
    /// Message-ID without angle brackets. (Made when asked, of `messageIDText`, when that is the
    /// bracketed `<id>`; `hasMessageID` and `withMessageIDBytes` read it without a String.)
    public var messageID: Optional<String> {
        get { messageIDIsBracketed ? messageIDText.map(ObservationReader.withoutBrackets) : messageIDText }
        set { (messageIDText, messageIDIsBracketed) = (newValue, false) }
    }
    /// The Message-ID as held: the id itself, or, when `messageIDIsBracketed`, the scan record's
    /// bracketed String of it (`<id>`, `OriginalHeaderValues.bracketedMessageID`), shared, with the id
    /// between an ASCII byte at each end. (The id made a String of its own for every original was ~300
    /// instructions, 1,611 ids of bsd.mbox x3, for the classifier's compares and sentences alone.)
    var messageIDText: Optional<String>
    /// Whether `messageIDText` is the bracketed `<id>`.
    var messageIDIsBracketed: Bool
    /// Whether there is a Message-ID (`messageID != nil`, without making it).
    var hasMessageID: Bool { messageIDText != nil }
    /// `body` of `messageID`'s UTF-8 bytes, read where `messageIDText` holds them (no String made; as a
    /// Substring of it, each id cost ~330 instructions to cut and ~420 to open); nil without one.
    func withMessageIDBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        messageIDText.map { Self.withIDBytes(of: $0, bracketed: messageIDIsBracketed, body) }
    }

    /// `body` of the id's UTF-8 bytes in `text` as `messageIDText` holds it (`bracketed`: the `<id>`
    /// String): for a reader that has the text out of the facts (calling `withMessageIDBytes` of facts read
    /// through an optional or a closure copied them whole, every String and array retained).
    static func withIDBytes<R>(of text: String, bracketed: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var bytes = text
        return bytes.withUTF8 { bytes in
            guard bracketed else { return body(bytes) }
            // The brackets `parseBracketed` writes are ASCII: the id is the bytes between (as
            // `ObservationReader.withoutBrackets` cuts it).
            guard bytes.count >= 2, bytes[0] < 0x80, bytes[bytes.count - 1] < 0x80 else {
                var id = ObservationReader.withoutBrackets(text)
                return id.withUTF8(body)
            }
            return body(UnsafeBufferPointer(rebasing: bytes[1..<(bytes.count - 1)]))
        }
    }
    /// From address, lower case.
    public var from: Optional<String>
    /// Date, seconds since 1970 UTC.
    public var date: Optional<Int64>
    /// Number of To and Cc addresses.
    public var recipientCount: Int
    /// Subject, decoded, at most 120 characters (for campaign reports).
    public var subject: Optional<String>
    /// Fingerprint of the normalised subject (case, digits, punctuation and reply prefixes removed).
    public var subjectKey: Optional<UInt64>
    /// The subject's last letters (lower case, letters only, at most 60). With
    /// `ObservationReader.readsOnlyJudgedFacts`, made only when `subject` is not the whole subject (over
    /// 120 bytes): else nil, and `Fingerprint.letters(subject, last: 60)` are they.
    public var subjectLetters: Optional<String>
    /// Fingerprint of the normalised start of the body text (full originals only). With
    /// `ObservationReader.readsOnlyJudgedFacts`, made only when `subjectKey` is nil (the stream pass
    /// groups an original by its body only then), nil otherwise.
    public var bodyKey: Optional<UInt64>
    /// The Received chain, newest first, at most `Observation.maxListed` hops. With
    /// `ObservationReader.readsOnlyJudgedFacts`, only the hops up to the first with a public address that
    /// is no mail fetcher's (`topPublicIndex`) are read whole; the others hold their address and date (no
    /// names, `fetchedFromMailbox` false).
    public var hops: [ReceivedHop]
    /// How many Received fields there were.
    public var hopCount: Int
    /// DKIM signatures: signing domain (`d=`, lower case) and what verification said.
    public var dkim: [DKIMFinding]
    /// How the original was built and sent, where that looks like spam.
    public var spamShape: SpamShape
    /// The Message-ID's shape (digits, letters and punctuation classes, domain kept,
    /// `ObservationReader.idShape`): what zero-config learns the site's own id format from. Made when
    /// asked, from `messageID`: inference asks it only of the originals that passed the site's relays
    /// (kept in every original's facts, it was made for each: sisimai bsd x3, 1,401 shapes for 306
    /// read, `idShape` 1.37M instructions).
    public var messageIDShape: String? { messageID.map(ObservationReader.idShape) }

    /// Facts with every field given (`ObservationReader`'s: each field initialised once; see
    /// `Observation.init(kind:format:...)`).
    @inline(never)
    init(presence: ReturnedOriginal.Presence, messageID: String?, messageIDIsBracketed: Bool = false, from: String?,
         date: Int64?, recipientCount: Int,
         subject: String?, subjectKey: UInt64?, subjectLetters: String?, bodyKey: UInt64?, hops: [ReceivedHop],
         hopCount: Int, dkim: [DKIMFinding], spamShape: SpamShape) {
        self.presence = presence
        self.messageIDText = messageID
        self.messageIDIsBracketed = messageIDIsBracketed
        self.from = from
        self.date = date
        self.recipientCount = recipientCount
        self.subject = subject
        self.subjectKey = subjectKey
        self.subjectLetters = subjectLetters
        self.bodyKey = bodyKey
        self.hops = hops
        self.hopCount = hopCount
        self.dkim = dkim
        self.spamShape = spamShape
    }

    /// Facts with only the presence known.
    public init(presence: ReturnedOriginal.Presence) {
        self.presence = presence
        self.messageIDText = nil
        self.messageIDIsBracketed = false
        self.from = nil
        self.date = nil
        self.recipientCount = 0
        self.subject = nil
        self.subjectKey = nil
        self.subjectLetters = nil
        self.bodyKey = nil
        self.hops = []
        self.hopCount = 0
        self.dkim = []
        self.spamShape = []
    }
}

extension OriginalFacts {
    /// Whether the facts are equal, field by field, the Message-ID as the id it is (held bracketed or not).
    public static func == (a: OriginalFacts, b: OriginalFacts) -> Bool {
        a.presence == b.presence && a.messageID == b.messageID && a.from == b.from
            && a.date == b.date && a.recipientCount == b.recipientCount && a.subject == b.subject
            && a.subjectKey == b.subjectKey && a.subjectLetters == b.subjectLetters && a.bodyKey == b.bodyKey
            && a.hops == b.hops && a.hopCount == b.hopCount && a.dkim == b.dkim && a.spamShape == b.spamShape
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(presence)
        hasher.combine(messageID)
        hasher.combine(from)
        hasher.combine(date)
        hasher.combine(recipientCount)
        hasher.combine(subject)
        hasher.combine(subjectKey)
        hasher.combine(subjectLetters)
        hasher.combine(bodyKey)
        hasher.combine(hops)
        hasher.combine(hopCount)
        hasher.combine(dkim)
        hasher.combine(spamShape)
    }
}

/// One DKIM-Signature of the returned original.
public struct DKIMFinding: Sendable, Hashable {
    /// What checking the header hash said.
    public enum Result: String, Sendable, Hashable {
        /// Verified with the site's public key.
        case verified
        /// A key of the site exists for it, and it does not verify.
        case failed
        /// Not checked (no key for it in the profile).
        case unchecked
    }
    /// `d=`, lower case.
    public var domain: String
    /// `s=`, lower case.
    public var selector: String
    /// The check's result.
    public var result: Result
    /// `t=` (RFC 6376 §3.5), when the signature says when it was made: seconds since 1970. Read from a
    /// signature checked with a key only (nil for the others).
    public var signedAt: Int64?

    /// A finding.
    public init(domain: String, selector: String, result: Result, signedAt: Int64? = nil) {
        self.domain = domain
        self.selector = selector
        self.result = result
        self.signedAt = signedAt
    }
}

/// Ways the original was built or sent that mark bulk spam rather than a person's mail, each a fact
/// about structure or transport (no words of any language are looked at).
public struct SpamShape: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The host that injected it has no reverse DNS.
    public static let noReverseDNS = SpamShape(rawValue: 1 << 0)
    /// Its reverse DNS looks like a dynamic or residential address (IP digits in the name, pool/dsl-style labels).
    public static let dynamicReverseDNS = SpamShape(rawValue: 1 << 1)
    /// The HELO name was an IP literal or a single label.
    public static let bareHelo = SpamShape(rawValue: 1 << 2)
    /// The Message-ID's domain is an IP literal, or a single label.
    public static let oddMessageID = SpamShape(rawValue: 1 << 3)
    /// No Message-ID.
    public static let noMessageID = SpamShape(rawValue: 1 << 4)
    /// No Date.
    public static let noDate = SpamShape(rawValue: 1 << 5)
    /// The Date is far (over a day) from when the first hop received it.
    public static let dateSkew = SpamShape(rawValue: 1 << 6)
    /// Many recipients (more than 10 in To and Cc) or none at all.
    public static let oddRecipients = SpamShape(rawValue: 1 << 7)
    /// HTML with no plain-text alternative.
    public static let htmlOnly = SpamShape(rawValue: 1 << 8)
    /// The Subject is mostly capitals or symbols, or very long.
    public static let shoutingSubject = SpamShape(rawValue: 1 << 9)
    /// The HELO name claims one host, the reverse DNS says another domain entirely.
    public static let heloMismatch = SpamShape(rawValue: 1 << 10)
    /// A body full of links for its size.
    public static let linkHeavy = SpamShape(rawValue: 1 << 11)

    /// The names of the set members, for explanations.
    public var descriptions: [String] {
        var out: [String] = []
        forEachDescription { out.append($0) }
        return out
    }

    /// Each member `descriptions` names (each one bit), in order, with its words: the one list both
    /// `described` and `forEachDescription` are read from.
    private static let descriptionTable: [(fact: SpamShape, words: String)] = [
        (.noReverseDNS, "sent from a host without reverse DNS"),
        (.dynamicReverseDNS, "sent from a dynamic or residential address"),
        (.bareHelo, "the sending host greeted with a bare IP or single name"),
        (.heloMismatch, "the sending host's greeting did not match its reverse DNS"),
        (.oddMessageID, "its Message-ID has an odd domain"),
        (.noMessageID, "it has no Message-ID"),
        (.noDate, "it has no Date"),
        (.dateSkew, "its Date is far from when it was received"),
        (.oddRecipients, "it went to very many or no visible recipients"),
        (.htmlOnly, "it is HTML without a text version"),
        (.shoutingSubject, "its Subject is mostly capitals or symbols"),
        (.linkHeavy, "its body is mostly links"),
    ]

    /// Every member `descriptions` names: a set's descriptions number
    /// `intersection(.described).rawValue.nonzeroBitCount`.
    static let described = SpamShape(descriptionTable.map(\.fact))

    /// `body` of each of `descriptions`, in order, without the array (the classifier writes them
    /// straight into its sentence's pieces).
    func forEachDescription(_ body: (String) -> Void) {
        for (fact, words) in Self.descriptionTable where contains(fact) { body(words) }
    }
}
