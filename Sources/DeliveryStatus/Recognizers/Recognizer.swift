/// One bounce format's reader (one per MTA family, in `Formats/`).
///
/// `claims` is the cheap dispatch — Subject, From, one header — run on every message before any
/// parsing; `recognize` does the work and returns nil when the message turns out not to be its format.
/// A recogniser reports what the message says (addresses, codes, diagnostic text, maybe a reason of
/// its own); `Finalization` then decides reasons, hard/soft and missing codes the same way for all.
package protocol Recognizer: Sendable {
    /// The format's name in output (`postfix`, `sendmail`, `rfc3464` ...), lower case.
    var name: String { get }
    /// Whether this message may be in this format. Must be cheap: no body scan beyond a prefix.
    func claims(_ context: BounceContext) -> Bool
    /// Reads the message, or returns nil when it is not this format after all.
    func recognize(_ context: BounceContext) -> Finding?
    /// The bytes an ASCII subject (`BounceContext.subjectText`) must start with for `claims` to be
    /// true, nil when `claims` may be true whatever the subject: for the claims that ask the subject
    /// for a prefix or an equality before anything else can make them true. `RecognizerRegistry`
    /// asks only the recognisers whose leads allow a message's subject (`subjectLeadCandidates`).
    static var claimSubjectLeads: StaticString? { get }
}

extension Recognizer {
    /// Any subject (see the requirement).
    static var claimSubjectLeads: StaticString? { nil }
}

/// What a recogniser read from one message, before reasons are decided.
/// Optional fields spelled `Optional<T>`, set once in place (see `BounceReport`).
package struct Finding: Sendable {
    /// One entry per recipient, in message order.
    package var recipients: [RecipientFinding]
    /// The kind when the format decides it (auto-reply, feedback report ...); otherwise from actions.
    package var kind: Optional<MessageKind>
    /// The returned original when the recogniser located it (otherwise the analyzer looks).
    package var original: Optional<ReturnedOriginal>
    /// RFC 3464 per-message fields.
    package var perMessage: PerMessageFields

    /// Whether the finding says nothing: no recipient and no kind (a recogniser that read the message
    /// but found nothing it can report; the registry tries the next).
    package var isEmpty: Bool { recipients.isEmpty && kind == nil }

    package init(recipients: [RecipientFinding] = [], kind: MessageKind? = nil, original: ReturnedOriginal? = nil,
                 perMessage: PerMessageFields = PerMessageFields()) {
        self.recipients = recipients
        self.kind = kind
        self.original = original
        self.perMessage = perMessage
    }
}

/// RFC 3464 §2.2 per-message DSN fields.
package struct PerMessageFields: Sendable {
    package var reportingMTA: String?
    package var dsnGateway: String?
    package var receivedFromMTA: String?
    package var arrivalDate: String?
    package var originalEnvelopeID: String?
    package var extensionFields: [BounceReport.ExtensionField] = []
    package init() {}
}

/// What a recogniser read about one recipient.
package struct RecipientFinding: Sendable {
    package var recipient: String
    package var action: DeliveryAction?
    package var status: EnhancedStatusCode?
    package var replyCode: ReplyCode?
    package var diagnostic: String = ""
    /// Text the codes and the reason are read from when it differs from `diagnostic` (e.g. the whole
    /// human-readable report around a single recipient's DSN record); nil means `diagnostic`.
    package var decisionText: String?
    /// `decisionText` as `RFC3464Recognizer.complete` made it from the swept lead text (swept itself),
    /// and the command `SMTPCommandFinder` found in it: while `decisionText` is still this text
    /// (`BounceAnalyzer` cuts a long one), `Finalization.report` neither sweeps it nor searches it again.
    package var sweptDecisionText: (text: String, command: SMTPCommand?)?
    /// `diagnostic` as `RFC3464Recognizer.complete` swept it for a single record (`Diagnostic.sweep`),
    /// with the text it swept: while `diagnostic` is still that text, `Finalization.report` does not
    /// sweep it again (bsd.mbox x3: 969 records swept twice, 0.49M instructions).
    package var sweptDiagnostic: (of: String, swept: String)?
    /// Upper-cased `Diagnostic-Code` type (`SMTP`, `X-UNIX`), nil when not given.
    package var diagnosticType: String?
    /// A reason the format itself knows (e.g. from its own wording); re-examined if provisional.
    package var reason: Reason?
    package var command: SMTPCommand?
    package var remoteMTA: String?
    package var originalRecipient: String?
    package var finalRecipient: String?
    package var lastAttemptDate: String?
    package var finalLogID: String?
    package var willRetryUntil: String?
    package var feedbackType: String?

    package init(recipient: String) { self.recipient = recipient }
}

extension Finding {
    /// A notice that speaks for its own sender (an auto-reply, a challenge): one record for the From
    /// address, with `reason` and the start of the text as its diagnostic; nil when From holds no address.
    static func aboutSender(of context: BounceContext, reason: Reason, kind: MessageKind, diagnosticLength: Int) -> Finding? {
        let from = Addresses.bare(context.from)
        guard Addresses.isAddress(from) else { return nil }
        var r = RecipientFinding(recipient: from)
        r.reason = reason
        r.diagnostic = String(context.text.prefix(diagnosticLength))
        return Finding(recipients: [r], kind: kind)
    }
}
