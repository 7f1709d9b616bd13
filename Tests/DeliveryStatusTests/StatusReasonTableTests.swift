import Testing
@testable import DeliveryStatus

/// `Reason.init?(status:)` switches on the code's numbers; these hold it to the `[String: Reason]`
/// table keyed by `description` that it replaced, over the whole domain of `EnhancedStatusCode`.
@Suite struct StatusReasonTableTests {
    /// The former table, kept as the reference (Sisimai's standard code table).
    static let reference: [String: Reason] = [
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

    /// Every code class 2-5 (3 is no class: no code), subject 0-999, detail 0-999: the switch gives a
    /// reason exactly for the reference's codes, and the reference's reason. (A code's `description`
    /// is made only where the switch answers; the count then shows that none of the reference's is missed.)
    @Test func agreesWithTheFormerTableOverEveryCode() {
        var answered = 0
        for statusClass in 2...5 {
            for subject in 0...999 {
                for detail in 0...999 {
                    guard let code = EnhancedStatusCode(statusClass: statusClass, subject: subject, detail: detail),
                          let reason = Reason(status: code) else { continue }
                    answered += 1
                    #expect(Self.reference[code.description] == reason, "\(code)")
                }
            }
        }
        #expect(answered == Self.reference.count)
        for (text, reason) in Self.reference {
            #expect(EnhancedStatusCode(text).flatMap { Reason(status: $0) } == reason, "\(text)")
        }
    }
}
