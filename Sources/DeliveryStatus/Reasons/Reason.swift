/// Why a message bounced, in Sisimai 5's taxonomy (`../shared/corpus/sisimai/reasons.tsv`); the raw
/// values are Sisimai's names, used as-is in output.
public enum Reason: String, Sendable, Hashable, CaseIterable, Codable {
    /// SPF, DKIM or DMARC failure.
    case authFailure = "authfailure"
    /// The sending IP address's reputation.
    case badReputation = "badreputation"
    /// The client IP address or host name was refused.
    case blocked
    /// A header or the content's format was refused.
    case contentError = "contenterror"
    /// Delivered (success DSN).
    case delivered
    /// A limit (size, recipients) was exceeded.
    case exceedLimit = "exceedlimit"
    /// Delivery time expired (queue lifetime, connection failures).
    case expired
    /// STARTTLS was required or failed.
    case failedSTARTTLS = "failedstarttls"
    /// A feedback (abuse) report, RFC 5965: not a bounce.
    case feedback
    /// Refused after DATA because of the content or the recipient's filter.
    case filtered
    /// The mailbox has moved, with no forwarding.
    case hasMoved = "hasmoved"
    /// The recipient's domain does not exist.
    case hostUnknown = "hostunknown"
    /// The recipient's mailbox is full.
    case mailboxFull = "mailboxfull"
    /// A local mailer program failed.
    case mailerError = "mailererror"
    /// The message is too big.
    case mesgTooBig = "mesgtoobig"
    /// DNS or other network trouble.
    case networkError = "networkerror"
    /// Relaying was denied.
    case noRelaying = "norelaying"
    /// The destination accepts no mail (null MX, RFC 7505).
    case notAccept = "notaccept"
    /// The message does not comply with RFC 5322.
    case notCompliantRFC = "notcompliantrfc"
    /// Too little information to decide.
    case onHold = "onhold"
    /// A policy of the destination refused it.
    case policyViolation = "policyviolation"
    /// The envelope sender was refused.
    case rejected
    /// The sending host lacks a valid PTR record.
    case requirePTR = "requireptr"
    /// A security rule of the destination refused it.
    case securityError = "securityerror"
    /// A spam filter refused it.
    case spamDetected = "spamdetected"
    /// Sent too fast (rate limit).
    case speeding
    /// The recipient is on a suppression list.
    case suppressed
    /// The recipient's account is suspended.
    case suspend
    /// An SMTP syntax error.
    case syntaxError = "syntaxerror"
    /// A system error at the destination.
    case systemError = "systemerror"
    /// The destination's disk is full.
    case systemFull = "systemfull"
    /// Too many connections.
    case tooManyConn = "toomanyconn"
    /// Nothing could be decided.
    case undefined
    /// The recipient does not exist.
    case userUnknown = "userunknown"
    /// An automatic reply (RFC 3834): not a bounce.
    case vacation
    /// A virus scanner refused it.
    case virusDetected = "virusdetected"

    /// The case's place in `allCases` (declaration order), 0..<36: a bit number for sets of
    /// reasons kept in a UInt64 (`DiagnosticWords.Matches`), found without hashing the raw value or
    /// searching a list (`DiagnosticWordsGroupTests.ordinalIsThePlaceInAllCases` checks it).
    var ordinal: Int {
        switch self {
        case .authFailure: 0
        case .badReputation: 1
        case .blocked: 2
        case .contentError: 3
        case .delivered: 4
        case .exceedLimit: 5
        case .expired: 6
        case .failedSTARTTLS: 7
        case .feedback: 8
        case .filtered: 9
        case .hasMoved: 10
        case .hostUnknown: 11
        case .mailboxFull: 12
        case .mailerError: 13
        case .mesgTooBig: 14
        case .networkError: 15
        case .noRelaying: 16
        case .notAccept: 17
        case .notCompliantRFC: 18
        case .onHold: 19
        case .policyViolation: 20
        case .rejected: 21
        case .requirePTR: 22
        case .securityError: 23
        case .spamDetected: 24
        case .speeding: 25
        case .suppressed: 26
        case .suspend: 27
        case .syntaxError: 28
        case .systemError: 29
        case .systemFull: 30
        case .tooManyConn: 31
        case .undefined: 32
        case .userUnknown: 33
        case .vacation: 34
        case .virusDetected: 35
        }
    }

    /// Whether Sisimai counts this a hard bounce (retrying will not help): the recipient or its
    /// domain does not exist or has moved; `notAccept` unless the code says transient.
    /// - Parameter statusAndText: the status code and diagnostic, used only for `notAccept`.
    public func isHardBounce(statusAndText: String) -> Bool {
        switch self {
        case .userUnknown, .hostUnknown, .hasMoved: return true
        case .notAccept:
            if statusAndText.isEmpty { return true }
            let code = EnhancedStatusCode.find(in: statusAndText).map { $0.statusClass }
                ?? ReplyCode.find(in: statusAndText).map { $0.replyClass }
            return code == 5 || !DiagnosticWords.isTemporary(statusAndText)
        default: return false
        }
    }

    /// A reason good enough to stop looking (`undefined` and `onhold` are not).
    public var isExplicit: Bool { self != .undefined && self != .onHold }

    /// Reasons a recogniser may set but the general decision re-examines with the text
    /// (Sisimai's "should be retried" list).
    var isProvisional: Bool {
        switch self {
        case .undefined, .onHold, .systemError, .securityError, .expired, .networkError, .hostUnknown, .userUnknown: return true
        default: return false
        }
    }

    /// The reason a status code implies on its own, or nil (Sisimai's standard code table; codes
    /// too vague to say, like 4.3.0 or 4.7.0, imply none).
    public init?(status: EnhancedStatusCode) {
        guard let r = Reason.byStatus[status.description] else { return nil }
        self = r
    }

    /// Sisimai's internal code for a bounce that carried none: `5.0.9nn` (or `4.0.9nn` when the text
    /// says temporary); nil for reasons with no code.
    public func pseudoStatus(temporary: Bool) -> EnhancedStatusCode? {
        guard let n = Reason.pseudoDetail[self] else { return nil }
        if temporary {
            // No transient pseudo code exists for these (a temporary "user unknown" is no such thing).
            if self == .hasMoved || self == .hostUnknown || self == .userUnknown { return nil }
            return EnhancedStatusCode(statusClass: 4, subject: 0, detail: self == .filtered ? 924 : n)
        }
        return EnhancedStatusCode(statusClass: 5, subject: 0, detail: n)
    }

    static let pseudoDetail: [Reason: Int] = [
        .authFailure: 926, .badReputation: 975, .blocked: 971, .contentError: 960, .exceedLimit: 923,
        .expired: 947, .failedSTARTTLS: 976, .filtered: 910, .hasMoved: 916, .hostUnknown: 912,
        .mailboxFull: 922, .mailerError: 939, .mesgTooBig: 934, .networkError: 944, .noRelaying: 909,
        .notAccept: 932, .notCompliantRFC: 974, .onHold: 901, .policyViolation: 972, .rejected: 918,
        .requirePTR: 973, .securityError: 970, .spamDetected: 980, .speeding: 946, .suppressed: 903,
        .suspend: 921, .systemError: 930, .systemFull: 931, .syntaxError: 902, .tooManyConn: 945,
        .userUnknown: 911, .undefined: 900, .virusDetected: 981,
    ]

    /// Status code -> reason (RFC 3463 / RFC 5248 meanings mapped onto the taxonomy, as Sisimai does).
    static let byStatus: [String: Reason] = [
        "2.1.5": .delivered,
        "4.1.6": .hasMoved, "4.1.7": .rejected, "4.1.8": .rejected, "4.1.9": .systemError,
        "4.2.1": .blocked, "4.2.2": .mailboxFull, "4.2.3": .exceedLimit, "4.2.4": .filtered,
        "4.3.1": .systemFull, "4.3.2": .notAccept, "4.3.3": .systemError, "4.3.5": .systemError,
        "4.4.1": .expired, "4.4.2": .networkError, "4.4.3": .systemError, "4.4.4": .networkError,
        "4.4.5": .systemFull, "4.4.6": .networkError, "4.4.7": .expired, "4.4.8": .networkError,
        "4.5.3": .systemError, "4.5.5": .systemError,
        "4.6.0": .contentError, "4.6.2": .contentError, "4.6.5": .contentError,
        "4.7.1": .blocked, "4.7.2": .blocked, "4.7.5": .securityError, "4.7.6": .securityError,
        "4.7.7": .securityError, "4.7.12": .securityError, "4.7.15": .securityError, "4.7.16": .mesgTooBig,
        "4.7.24": .authFailure, "4.7.25": .requirePTR, "4.7.26": .authFailure,
        "5.1.0": .userUnknown, "5.1.1": .userUnknown, "5.1.2": .hostUnknown, "5.1.3": .userUnknown,
        "5.1.4": .filtered, "5.1.6": .hasMoved, "5.1.7": .rejected, "5.1.8": .rejected,
        "5.1.9": .systemError, "5.1.10": .notAccept,
        "5.2.0": .filtered, "5.2.1": .filtered, "5.2.2": .mailboxFull, "5.2.3": .exceedLimit, "5.2.4": .filtered,
        "5.3.0": .systemError, "5.3.1": .systemFull, "5.3.2": .notAccept, "5.3.3": .systemError,
        "5.3.4": .mesgTooBig, "5.3.5": .systemError,
        "5.4.0": .networkError, "5.4.3": .systemError, "5.4.4": .hostUnknown,
        "5.5.2": .syntaxError, "5.5.3": .tooManyConn, "5.5.4": .systemError, "5.5.5": .systemError, "5.5.6": .syntaxError,
        "5.6.0": .contentError, "5.6.1": .contentError, "5.6.2": .contentError, "5.6.3": .contentError,
        "5.6.5": .contentError, "5.6.6": .contentError, "5.6.7": .contentError, "5.6.8": .contentError, "5.6.9": .contentError,
        "5.7.0": .securityError, "5.7.1": .securityError, "5.7.2": .securityError, "5.7.3": .securityError,
        "5.7.4": .securityError, "5.7.5": .securityError, "5.7.6": .securityError, "5.7.7": .securityError,
        "5.7.8": .securityError, "5.7.9": .securityError, "5.7.10": .securityError, "5.7.11": .securityError,
        "5.7.13": .suspend, "5.7.14": .securityError, "5.7.15": .securityError, "5.7.16": .mesgTooBig,
        "5.7.17": .hasMoved, "5.7.18": .hasMoved, "5.7.19": .securityError,
        "5.7.20": .authFailure, "5.7.21": .authFailure, "5.7.22": .authFailure, "5.7.23": .authFailure,
        "5.7.24": .authFailure, "5.7.25": .requirePTR, "5.7.26": .authFailure, "5.7.27": .notAccept,
        "5.7.28": .spamDetected, "5.7.29": .authFailure, "5.7.30": .failedSTARTTLS,
    ]
}
