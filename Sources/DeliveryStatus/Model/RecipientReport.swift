/// What a bounce (or delay, success, auto-reply, feedback report) says about one recipient.
/// Optional fields spelled `Optional<T>`, set once in place (see `BounceReport`).
public struct RecipientReport: Sendable, Hashable {
    /// The recipient address the report is about (`Final-Recipient`, or what the text names).
    public var recipient: String
    /// RFC 3464 §2.3.3 action, given or implied.
    public var action: Optional<DeliveryAction>
    /// RFC 3463 status code: the `Status:` field or the code in the text; when neither exists, Sisimai's
    /// pseudo code for the reason (`statusIsPseudo`).
    public var status: Optional<EnhancedStatusCode>
    /// Whether `status` was derived from the reason rather than read from the message.
    public var statusIsPseudo: Bool
    /// The SMTP reply code (RFC 5321 §4.2) in the diagnostic, if any.
    public var replyCode: Optional<ReplyCode>
    /// Why, in Sisimai's taxonomy.
    public var reason: Reason
    /// Whether retrying cannot help (Sisimai's hard bounce).
    public var hard: Bool
    /// The diagnostic text, unfolded, type prefix removed.
    public var diagnostic: String
    /// The `Diagnostic-Code` type (`smtp`, `x-unix`, ...), lower-cased.
    public var diagnosticType: Optional<String>
    /// The remote MTA (`Remote-MTA`, or the host named in the text).
    public var remoteMTA: Optional<String>
    /// The SMTP command the failure happened at, when the text says.
    public var command: Optional<SMTPCommand>
    /// RFC 3464 §2.3.1 `Original-Recipient` (address only, type prefix removed, xtext decoded).
    public var originalRecipient: Optional<String>
    /// RFC 3464 §2.3.2 `Final-Recipient` (address only).
    public var finalRecipient: Optional<String>
    /// RFC 3464 §2.3.7 `Last-Attempt-Date`, as written.
    public var lastAttemptDate: Optional<String>
    /// RFC 3464 §2.3.8 `Final-Log-ID`.
    public var finalLogID: Optional<String>
    /// RFC 3464 §2.3.9 `Will-Retry-Until`, as written.
    public var willRetryUntil: Optional<String>
    /// RFC 5965 §3.1 `Feedback-Type` of a feedback report (`abuse`, `opt-out`, ...).
    public var feedbackType: Optional<String>

    /// A report with the given recipient and everything else empty.
    public init(recipient: String, action: DeliveryAction? = nil, status: EnhancedStatusCode? = nil,
                statusIsPseudo: Bool = false, replyCode: ReplyCode? = nil, reason: Reason = .undefined,
                hard: Bool = false, diagnostic: String = "", diagnosticType: String? = nil, remoteMTA: String? = nil,
                command: SMTPCommand? = nil) {
        self.init(recipient: recipient, action: action, status: status, statusIsPseudo: statusIsPseudo,
                  replyCode: replyCode, reason: reason, hard: hard, diagnostic: diagnostic,
                  diagnosticType: diagnosticType, remoteMTA: remoteMTA, command: command, originalRecipient: nil,
                  finalRecipient: nil, lastAttemptDate: nil, finalLogID: nil, willRetryUntil: nil, feedbackType: nil)
    }

    /// A report with every field given (`Finalization.report` makes each in one initialization).
    init(recipient: String, action: DeliveryAction?, status: EnhancedStatusCode?, statusIsPseudo: Bool,
         replyCode: ReplyCode?, reason: Reason, hard: Bool, diagnostic: String, diagnosticType: String?,
         remoteMTA: String?, command: SMTPCommand?, originalRecipient: String?, finalRecipient: String?,
         lastAttemptDate: String?, finalLogID: String?, willRetryUntil: String?, feedbackType: String?) {
        self.recipient = recipient
        self.action = action
        self.status = status
        self.statusIsPseudo = statusIsPseudo
        self.replyCode = replyCode
        self.reason = reason
        self.hard = hard
        self.diagnostic = diagnostic
        self.diagnosticType = diagnosticType
        self.remoteMTA = remoteMTA
        self.command = command
        self.originalRecipient = originalRecipient
        self.finalRecipient = finalRecipient
        self.lastAttemptDate = lastAttemptDate
        self.finalLogID = finalLogID
        self.willRetryUntil = willRetryUntil
        self.feedbackType = feedbackType
    }
}
