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
    ///
    /// Looked up by the code's three numbers (`standardReason`), not by its `description`: making that
    /// String and hashing it for a dictionary was 1.1K instructions a call (bsd.mbox x3: 1,206 calls
    /// from `ReasonDecision`, 1.34M).
    public init?(status: EnhancedStatusCode) {
        guard let r = Reason.standardReason(statusClass: status.statusClass, subject: status.subject, detail: status.detail) else {
            return nil
        }
        self = r
    }

    /// Sisimai's internal code for a bounce that carried none: `5.0.9nn` (or `4.0.9nn` when the text
    /// says temporary); nil for reasons with no code.
    public func pseudoStatus(temporary: Bool) -> EnhancedStatusCode? {
        guard let n = pseudoDetail else { return nil }
        if temporary {
            // No transient pseudo code exists for these (a temporary "user unknown" is no such thing).
            if self == .hasMoved || self == .hostUnknown || self == .userUnknown { return nil }
            return EnhancedStatusCode(statusClass: 4, subject: 0, detail: self == .filtered ? 924 : n)
        }
        return EnhancedStatusCode(statusClass: 5, subject: 0, detail: n)
    }

    /// The `nnn` of the reason's pseudo code `X.0.nnn`, or nil. A switch, not a `[Reason: Int]`: hashing
    /// the raw-value String for the dictionary cost ~340 instructions a call, and building it at the
    /// first call ~320K (bsd.mbox x3: `pseudoStatus` 0.52M over 489 calls).
    var pseudoDetail: Int? {
        switch self {
        case .authFailure: 926
        case .badReputation: 975
        case .blocked: 971
        case .contentError: 960
        case .exceedLimit: 923
        case .expired: 947
        case .failedSTARTTLS: 976
        case .filtered: 910
        case .hasMoved: 916
        case .hostUnknown: 912
        case .mailboxFull: 922
        case .mailerError: 939
        case .mesgTooBig: 934
        case .networkError: 944
        case .noRelaying: 909
        case .notAccept: 932
        case .notCompliantRFC: 974
        case .onHold: 901
        case .policyViolation: 972
        case .rejected: 918
        case .requirePTR: 973
        case .securityError: 970
        case .spamDetected: 980
        case .speeding: 946
        case .suppressed: 903
        case .suspend: 921
        case .syntaxError: 902
        case .systemError: 930
        case .systemFull: 931
        case .tooManyConn: 945
        case .undefined: 900
        case .userUnknown: 911
        case .virusDetected: 981
        case .delivered, .feedback, .vacation: nil
        }
    }

    /// Status code -> reason (RFC 3463 / RFC 5248 meanings mapped onto the taxonomy, as Sisimai does):
    /// class, then subject, then detail; nil for every code not listed. Switches on the numbers (jump
    /// tables), not a `[String: Reason]` keyed by `"5.1.1"` (the former table, kept as the reference of
    /// `StatusReasonTableTests`, which holds this to it over every code 2|4|5 . 0-999 . 0-999).
    static func standardReason(statusClass: UInt8, subject: UInt16, detail: UInt16) -> Reason? {
        switch statusClass {
        case 2:
            return subject == 1 && detail == 5 ? .delivered : nil
        case 4:
            switch subject {
            case 1:
                switch detail {
                case 6: return .hasMoved
                case 7, 8: return .rejected
                case 9: return .systemError
                default: return nil
                }
            case 2:
                switch detail {
                case 1: return .blocked
                case 2: return .mailboxFull
                case 3: return .exceedLimit
                case 4: return .filtered
                default: return nil
                }
            case 3:
                switch detail {
                case 1: return .systemFull
                case 2: return .notAccept
                case 3, 5: return .systemError
                default: return nil
                }
            case 4:
                switch detail {
                case 1, 7: return .expired
                case 2, 4, 6, 8: return .networkError
                case 3: return .systemError
                case 5: return .systemFull
                default: return nil
                }
            case 5:
                return detail == 3 || detail == 5 ? .systemError : nil
            case 6:
                return detail == 0 || detail == 2 || detail == 5 ? .contentError : nil
            case 7:
                switch detail {
                case 1, 2: return .blocked
                case 5, 6, 7, 12, 15: return .securityError
                case 16: return .mesgTooBig
                case 24, 26: return .authFailure
                case 25: return .requirePTR
                default: return nil
                }
            default:
                return nil
            }
        case 5:
            switch subject {
            case 1:
                switch detail {
                case 0, 1, 3: return .userUnknown
                case 2: return .hostUnknown
                case 4: return .filtered
                case 6: return .hasMoved
                case 7, 8: return .rejected
                case 9: return .systemError
                case 10: return .notAccept
                default: return nil
                }
            case 2:
                switch detail {
                case 0, 1, 4: return .filtered
                case 2: return .mailboxFull
                case 3: return .exceedLimit
                default: return nil
                }
            case 3:
                switch detail {
                case 0, 3, 5: return .systemError
                case 1: return .systemFull
                case 2: return .notAccept
                case 4: return .mesgTooBig
                default: return nil
                }
            case 4:
                switch detail {
                case 0: return .networkError
                case 3: return .systemError
                case 4: return .hostUnknown
                default: return nil
                }
            case 5:
                switch detail {
                case 2, 6: return .syntaxError
                case 3: return .tooManyConn
                case 4, 5: return .systemError
                default: return nil
                }
            case 6:
                return detail <= 9 && detail != 4 ? .contentError : nil
            case 7:
                switch detail {
                case 0...11, 14, 15, 19: return .securityError
                case 13: return .suspend
                case 16: return .mesgTooBig
                case 17, 18: return .hasMoved
                case 20...24, 26, 29: return .authFailure
                case 25: return .requirePTR
                case 27: return .notAccept
                case 28: return .spamDetected
                case 30: return .failedSTARTTLS
                default: return nil
                }
            default:
                return nil
            }
        default:
            return nil
        }
    }
}
