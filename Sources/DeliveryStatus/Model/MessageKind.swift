/// What a message is, as far as bounce handling cares.
public enum MessageKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Not a report about another message.
    case notBounce = "not-bounce"
    /// A non-delivery report: at least one recipient failed.
    case bounce
    /// A delay warning (RFC 3464 `Action: delayed`): not a failure.
    case delay
    /// A success DSN (delivered, relayed, expanded).
    case success
    /// An RFC 3834 automatic reply (vacation, out of office).
    case autoReply = "auto-reply"
    /// A challenge-response message asking the sender to confirm.
    case challenge
    /// A virus or content-filter notice about a message.
    case virusNotice = "virus-notice"
    /// An RFC 5965 feedback (abuse) report.
    case feedbackReport = "feedback-report"
}

/// RFC 3464 §2.3.3 action-value, what the reporting MTA did for one recipient.
public enum DeliveryAction: String, Sendable, Hashable, CaseIterable, Codable {
    /// Delivery failed; no further attempts.
    case failed
    /// Delivery delayed; the MTA will keep trying.
    case delayed
    /// Delivered to the recipient's mailbox.
    case delivered
    /// Relayed to a system that does not send DSNs.
    case relayed
    /// Delivered and forwarded to several addresses (a list or alias).
    case expanded

    /// Reads an action value, tolerating the variants found in the wild (`failure`, `expired`,
    /// `deliverable`, case, trailing comments). RFC 3464 §2.3.3.
    public init?(field: some StringProtocol) {
        let word = field.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" || $0 == ";" }).first.map(String.init) ?? ""
        self.init(asciiWord: word)
    }

    /// The action a lower-case word names (RFC 3464 §2.3.3 and the variants found in the wild): the
    /// table of `init(field:)`, and of the DSN reader's ASCII path, which finds the word on bytes.
    init?(asciiWord word: String) {
        switch word {
        case "failed", "failure", "fail", "expired", "undeliverable": self = .failed
        case "delayed", "delay": self = .delayed
        case "delivered", "deliverable", "success", "succeeded": self = .delivered
        case "relayed": self = .relayed
        case "expanded": self = .expanded
        default: return nil
        }
    }
}

/// The SMTP command a failure happened at (RFC 5321 §4.1), when the bounce says.
public enum SMTPCommand: String, Sendable, Hashable, CaseIterable, Codable {
    /// The connection itself (greeting refused).
    case connect = "CONN"
    case helo = "HELO"
    case ehlo = "EHLO"
    case starttls = "STARTTLS"
    case auth = "AUTH"
    case mail = "MAIL"
    case rcpt = "RCPT"
    case data = "DATA"
    case bdat = "BDAT"
    case quit = "QUIT"
}
