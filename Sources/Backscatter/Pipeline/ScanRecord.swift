import DeliveryStatus
import MailParsing

/// Everything the report formats say about one message: where it is, its key headers, what kind of
/// message it is, who bounced and why, the returned original, and the verdict with its evidence.
///
/// One `ScanRecord` is one JSON Lines object of `backscatter scan --format jsonl` (the README documents
/// every field). Values are ready for output (decoded, ISO 8601 dates) but unformatted: no escaping,
/// no layout. Fields filled by a later layer keep their neutral value until that layer runs.
///
/// Optional fields are declared `Optional<T>`, not `T?`, here and in `Recipient` and `Original` (as in
/// `Observation`): a stored `var x: T?` is set to nil before an initializer's body runs, and with that
/// each record was built in a temporary, copied and the temporary destroyed (sisimai bsd mbox x3:
/// `ScanRecord` 1.01M + 0.76M, `Recipient` 0.41M + 0.32M, `Original` 0.38M + 0.30M instructions
/// of copies and destroys; bsd.mbox x3 full 469.3M -> 465.8M). Spelled out, each is set once, in place.
public struct ScanRecord: Sendable {
    /// The path the message was read from (`-` for standard input; a Maildir message's own file).
    public var source: String
    /// 0-based position of the message within `source`.
    public var index: Int
    /// Byte offset of the message's entry in `source` (its From_ line in an mbox).
    public var offset: Int
    /// Bytes the entry occupies in `source`, separators included.
    public var length: Int
    /// 0-based position of the message in the whole scan, over all inputs.
    public var sequence: Int

    /// The Message-ID field as written, angle brackets kept (`<id@host>`), or nil.
    public var messageId: Optional<String>
    /// The Date field as ISO 8601 with its own zone offset (`2026-01-05T10:00:00+01:00`), or nil.
    /// (Made when asked, of `dateValue`; set, it is held as the text given.)
    public var date: Optional<String> {
        get { dateValue.text }
        set { dateValue = .text(newValue) }
    }
    /// `date` as the record holds it: for a record the scan made, the `MailDate` read (`RecordDate`).
    package var dateValue: RecordDate
    /// The Date field as seconds since 1970-01-01 UTC, for filters and timelines.
    public var timestamp: Optional<Int64>
    /// The From field's first address (addr-spec), or its text when no address can be read.
    public var from: Optional<String>
    /// Every address in To (addr-specs), in order.
    public var to: [String]
    /// The Subject field, RFC 2047 words decoded.
    public var subject: Optional<String>
    /// Stable names of everything the readers and parsers tolerated in this message.
    public var defects: [String]

    /// What kind of message it is (`not-bounce`, `bounce`, `delay`, ...).
    public var kind: Kind
    /// The recogniser that read the bounce (`postfix`, `rfc3464`, ...), nil for a non-bounce.
    public var format: Optional<String>
    /// Each recipient the notice speaks of, in the order the message lists them.
    public var recipients: [Recipient]
    /// The returned original message, as far as the notice carries it.
    public var original: Original

    /// The classifier's verdict; nil when no classifier ran.
    public var verdict: Optional<Verdict>
    /// 0 surely legitimate ... 1 surely backscatter; nil when no classifier ran or for a non-bounce.
    public var score: Optional<Double>
    /// The evidence that led to the verdict, strongest first.
    public var evidence: [Evidence]
    /// The campaign this message belongs to (an id of the stream findings), or nil.
    public var campaign: Optional<String>
    /// The queue audit's verdict (set only by `backscatter audit`).
    public var audit: Optional<AuditVerdict>
    /// The envelope the message's queue kept beside it (a Postfix queue file, an Exim spool message, a
    /// Sendmail queue entry, an OpenSMTPD queue's message, a Courier queue entry, `postcat` output:
    /// `MailboxMessage.queueEnvelope`): who the queue was to deliver it to, which for a queued NDR is the
    /// address it bounces to, whatever its headers say. Nil for every other source. (The reader's own object: one word.)
    public var envelope: Optional<QueueEnvelope>

    /// A record with only the position filled in; the pipeline fills in the rest.
    public init(source: String, index: Int, offset: Int, length: Int, sequence: Int) {
        self.init(source: source, index: index, offset: offset, length: length, sequence: sequence, messageId: nil,
                  date: .text(nil), timestamp: nil, from: nil, to: [], subject: nil, defects: [], kind: .notBounce,
                  format: nil, recipients: [], original: Original(), envelope: nil)
    }

    /// A record with the fields the pipeline reads of a message before the stage (`Scan.analyse`),
    /// made in one piece with the queue's envelope; verdict, score, evidence, campaign and audit neutral.
    init(source: String, index: Int, offset: Int, length: Int, sequence: Int, messageId: String?, date: RecordDate,
         timestamp: Int64?, from: String?, to: [String], subject: String?, defects: [String], kind: Kind,
         format: String?, recipients: [Recipient], original: Original, envelope: QueueEnvelope?) {
        self.source = source
        self.index = index
        self.offset = offset
        self.length = length
        self.sequence = sequence
        self.messageId = messageId
        self.dateValue = date
        self.timestamp = timestamp
        self.from = from
        self.to = to
        self.subject = subject
        self.defects = defects
        self.kind = kind
        self.format = format
        self.recipients = recipients
        self.original = original
        self.verdict = nil
        self.score = nil
        self.evidence = []
        self.campaign = nil
        self.audit = nil
        self.envelope = envelope
    }

    /// Whether the message is a notice about another message (anything but `not-bounce` and
    /// `feedback-report`): what the classifier judges.
    public var isBounceLike: Bool {
        switch kind {
        case .notBounce, .feedbackReport: false
        case .bounce, .delay, .success, .autoReply, .challenge, .virusNotice: true
        }
    }

    /// The verdict to report: the classifier's, or for an unclassified message `not-bounce` when it is
    /// not bounce-like and `uncertain` when it is.
    public var effectiveVerdict: Verdict {
        if let verdict { return verdict }
        return isBounceLike ? .uncertain : .notBounce
    }

    /// The recipients whose delivery failed (action `failed`, or any recipient of a `bounce` that
    /// states no action).
    public var failedRecipients: [Recipient] {
        recipients.filter { recipient in
            if let action = recipient.action { return action == "failed" }
            return kind == .bounce
        }
    }
}

extension ScanRecord {
    /// What kind of message a record is about: the bounce analysis's `MessageKind` (raw values are the
    /// names used in output, issue 3).
    public typealias Kind = MessageKind

    /// The classifier's verdict (one type for the classifier and the records: `Backscatter.Verdict`).
    public typealias Verdict = Backscatter.Verdict

    /// One recipient a notice speaks of (issue 3). (Optional fields spelled `Optional<T>`: see `ScanRecord`.)
    public struct Recipient: Sendable, Hashable {
        /// The address (Final-Recipient, or what the MTA's text names).
        public var recipient: String
        /// `failed`, `delayed`, `delivered`, `relayed`, `expanded`, or nil when not stated.
        public var action: Optional<String>
        /// The RFC 3463 enhanced status code (`5.1.1`), or nil.
        public var status: Optional<String>
        /// The SMTP reply code found in the diagnostic (`550`), or nil.
        public var replyCode: Optional<Int>
        /// The reason in Sisimai's names (`userunknown`, `mailboxfull`, `vacation`, ...), or nil.
        public var reason: Optional<String>
        /// Whether the failure is permanent; nil when it cannot be told.
        public var hard: Optional<Bool>
        /// The diagnostic text as the MTA gave it, unfolded.
        public var diagnostic: Optional<String>
        /// The remote MTA that refused the message, or nil.
        public var remoteMTA: Optional<String>

        /// A recipient record; every field but the address is optional.
        public init(recipient: String, action: String? = nil, status: String? = nil, replyCode: Int? = nil,
                    reason: String? = nil, hard: Bool? = nil, diagnostic: String? = nil, remoteMTA: String? = nil) {
            self.recipient = recipient
            self.action = action
            self.status = status
            self.replyCode = replyCode
            self.reason = reason
            self.hard = hard
            self.diagnostic = diagnostic
            self.remoteMTA = remoteMTA
        }
    }

    /// The message a notice returns, as far as it carries it (issue 3). (Optional fields spelled
    /// `Optional<T>`: see `ScanRecord`.)
    public struct Original: Sendable, Hashable {
        /// How much of the original the notice carries.
        public enum Presence: String, Sendable, Hashable, CaseIterable {
            /// The whole message (`message/rfc822`, `message/global`, or a full inline copy).
            case full
            /// Its header section only (`text/rfc822-headers`, `message/global-headers`).
            case headers
            /// Nothing of it.
            case none
        }
        /// How much of the original is present.
        public var present: Presence
        /// Its Message-ID as written, or nil.
        public var messageId: Optional<String>
        /// Its From address, or nil.
        public var from: Optional<String>
        /// Its To addresses.
        public var to: [String]
        /// Its Subject, decoded, or nil.
        public var subject: Optional<String>
        /// Its Date as ISO 8601, or nil. (Made when asked, of `dateValue`; set, it is held as the text given.)
        public var date: Optional<String> {
            get { dateValue.text }
            set { dateValue = .text(newValue) }
        }
        /// `date` as the original holds it: for one the scan read, the `MailDate` read (`RecordDate`).
        package var dateValue: RecordDate
        /// Its Received fields, unfolded, top (newest) first.
        public var received: [String]

        /// An absent original.
        public init(present: Presence = .none, messageId: String? = nil, from: String? = nil, to: [String] = [],
                    subject: String? = nil, date: String? = nil, received: [String] = []) {
            self.init(present: present, messageId: messageId, from: from, to: to, subject: subject,
                      date: .text(date), received: received)
        }

        /// An original with its date as the scan read it (`HeaderValues.original`).
        package init(present: Presence, messageId: String?, from: String?, to: [String], subject: String?,
                     date: RecordDate, received: [String]) {
            self.present = present
            self.messageId = messageId
            self.from = from
            self.to = to
            self.subject = subject
            self.dateValue = date
            self.received = received
        }
    }

    /// A record's date as it holds it: for a record the scan made, the `MailDate` read, its ISO 8601
    /// text made only when asked (`JSONLinesFormat` stores the text's bytes in the line from
    /// `MailDate.iso8601Words`, no String made); else the text given. (`MailDate.iso8601` made for
    /// every record: a String of ~210 instructions and its release, and ~110 more to write it out;
    /// bsd.mbox x3, 3,333 dates.) Equal and hashed as the text (`date`), whichever way it is held.
    package enum RecordDate: Sendable, Hashable {
        /// The date read: the text is its `MailDate.iso8601`.
        case mail(MailDate)
        /// The text as given (`ScanRecord.date`'s setter, `Original.init`), or nil.
        case text(String?)

        /// A date read, or nil.
        @inline(__always)
        package init(_ date: MailDate?) {
            if let date { self = .mail(date) } else { self = .text(nil) }
        }

        /// The ISO 8601 text, or nil.
        package var text: String? {
            switch self {
            case .mail(let date): date.iso8601
            case .text(let text): text
            }
        }

        /// Whether the texts are equal.
        package static func == (lhs: RecordDate, rhs: RecordDate) -> Bool { lhs.text == rhs.text }

        /// The text's hash.
        package func hash(into hasher: inout Hasher) { hasher.combine(text) }
    }

    /// One named signal that moved the score (one type for the classifier and the records:
    /// `Backscatter.Evidence`).
    public typealias Evidence = Backscatter.Evidence
}
