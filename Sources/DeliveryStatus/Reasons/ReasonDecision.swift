import MailParsing

/// Decides a recipient's `Reason` from what a recogniser found: the status code first, the
/// diagnostic text second (Sisimai 5's order of tests, so that results compare with its corpus).
/// Optional fields spelled `Optional<T>`, set once in place (see `BounceReport`).
struct ReasonDecision {
    /// What the recogniser already decided (a format may know better, e.g. Exim's "retry timeout").
    var preset: Optional<Reason>
    var status: Optional<EnhancedStatusCode>
    var replyCode: Optional<ReplyCode>
    /// Whether the cleaned diagnostic text is empty (all the decision reads of the text but its
    /// phrases, `phraseHits`).
    var diagnosticIsEmpty: Bool
    /// What the `Diagnostic-Code` type (`smtp`, `x-unix`, ...), upper-cased, tells the decision.
    var diagnosticType: TypeKind
    var command: Optional<SMTPCommand>
    var action: Optional<DeliveryAction>
    /// The phrase tables that match the diagnostic: as given, or found once by `decide()`.
    private var phraseHits = DiagnosticWords.Matches()
    /// The diagnostic, kept only when its phrases were not given (`decide()` finds them when needed).
    /// The text and the type as Strings, copied in and released with the decision, were ~130
    /// instructions a decision, and each `== "SMTP"` a String comparison (bsd.mbox x3: 1,548
    /// decisions, `ReasonDecision.decide` and its destroy 0.49M).
    private var unsearched: Optional<String> = nil

    /// The `Diagnostic-Code` type as the decision reads it (RFC 3464 §2.3.6, upper-cased by the recognisers).
    enum TypeKind {
        /// None given.
        case none
        /// `SMTP`.
        case smtp
        /// Beginning with `X-UNIX` (a local program's exit).
        case xUnix
        /// Any other.
        case other

        /// The kind of `type` (nil: `.none`).
        init(_ type: String?) {
            guard let type else { self = .none; return }
            if type == "SMTP" { self = .smtp } else if type.hasPrefix("X-UNIX") { self = .xUnix } else { self = .other }
        }
    }

    /// - Parameter phraseHits: `DiagnosticWords.Matches(diagnostic)` when the caller has it (else
    ///   `decide()` finds it, when needed).
    init(preset: Reason?, status: EnhancedStatusCode?, replyCode: ReplyCode?, diagnostic: String,
         diagnosticType: String?, command: SMTPCommand?, action: DeliveryAction?, phraseHits: DiagnosticWords.Matches? = nil) {
        if let phraseHits { self.phraseHits = phraseHits } else { unsearched = diagnostic }
        self.preset = preset
        self.status = status
        self.replyCode = replyCode
        diagnosticIsEmpty = diagnostic.isEmpty
        self.diagnosticType = TypeKind(diagnosticType)
        self.command = command
        self.action = action
    }

    /// Runs the decision.
    func decide() -> Reason {
        if let preset, !preset.isProvisional { return preset }
        if let status, status.isSuccess { return .delivered }
        guard let unsearched else { return decideWithTables() }
        // Only now the phrase tables are needed: all of them asked of the diagnostic in one pass.
        var decision = self
        decision.phraseHits = DiagnosticWords.Matches(unsearched)
        return decision.decideWithTables()
    }

    /// The decision for a provisional or missing preset and a non-success status.
    private func decideWithTables() -> Reason {
        let statusReason = status.flatMap { Reason(status: $0) }
        let smtpLike = diagnosticType == .none || diagnosticType == .smtp
        // X.4.7 "delivery time expired" (RFC 3463 §3.5) with the text's own words for a queue given up
        // ("Message could not be delivered for 5 days") is a timeout, whatever the attempts met on the
        // way ("Deferred: Connection refused by [127.0.0.1]" read as a block: sisimai lhost-sendmail-54).
        // Only X.4.7 itself: X.4.1 "no answer from host" with the same words is a network error
        // (lhost-qmail-07, rfc3464-34).
        if let status, status.subject == 4, status.detail == 7, words(.expired) { return .expired }
        if smtpLike {
            // Primary order: specific mailbox conditions before generic refusals. Only the candidates
            // whose probe can be true are probed (~11 probes a decision, most false, before).
            let possible = possibleReasons(statusReason: statusReason)
            for candidate in ReasonDecision.primaryOrder
            where possible & (1 << UInt64(candidate.ordinal)) != 0 && probe(candidate, statusReason: statusReason) {
                return candidate
            }
        }
        var found = secondary(statusReason: statusReason)
        if found == .undefined { found = nil }
        if found == nil, action == .delayed { found = .expired }
        if let found { return found }
        if words(.vacation) { return .vacation }
        return diagnosticIsEmpty ? .undefined : .onHold
    }

    static let primaryOrder: [Reason] = [
        .mailboxFull, .mesgTooBig, .exceedLimit, .suspend, .hasMoved, .noRelaying, .authFailure, .userUnknown,
        .filtered, .requirePTR, .notCompliantRFC, .badReputation, .contentError, .rejected, .hostUnknown,
        .spamDetected, .speeding, .tooManyConn, .blocked,
    ]
    static let secondaryOrder: [Reason] = [
        .mailboxFull, .authFailure, .badReputation, .speeding, .spamDetected, .virusDetected, .policyViolation,
        .noRelaying, .systemError, .networkError, .suspend, .contentError, .systemFull, .notAccept, .expired,
        .failedSTARTTLS, .securityError, .suppressed, .mailerError,
    ]

    /// Commands sent before DATA: a refusal there cannot be about the content.
    private var beforeData: Bool {
        guard let command else { return false }
        return command != .data
    }

    private func words(_ r: Reason) -> Bool { phraseHits.contains(r) }

    /// The reasons (bit `ordinal` each) whose `probe` can be true: every probe needs the preset, the
    /// status code's reason or the reason's own phrases, but for `suspend` (reply code 525 also) and
    /// `filtered` (the phrases of `userUnknown` also). A superset: the probe still decides.
    private func possibleReasons(statusReason: Reason?) -> UInt64 {
        var possible = phraseHits.reasonBits
        if let preset { possible |= 1 << UInt64(preset.ordinal) }
        if let statusReason { possible |= 1 << UInt64(statusReason.ordinal) }
        if replyCode?.value == 525 { possible |= 1 << UInt64(Reason.suspend.ordinal) }
        if words(.userUnknown) { possible |= 1 << UInt64(Reason.filtered.ordinal) }
        return possible
    }

    /// One reason's test: the preset, the status code's own reason, then the phrases, with the
    /// exceptions each reason needs.
    private func probe(_ r: Reason, statusReason: Reason?) -> Bool {
        if preset == r { return true }
        switch r {
        case .mailboxFull, .authFailure, .requirePTR, .tooManyConn, .blocked, .exceedLimit:
            return statusReason == r || words(r)
        case .mesgTooBig:
            if statusReason == .mesgTooBig { return true }
            if statusReason == .exceedLimit || status == EnhancedStatusCode(statusClass: 5, subject: 2, detail: 3) { return false }
            return words(r)
        case .suspend:
            return replyCode?.value == 525 || words(r)
        case .hasMoved:
            // X.1.6 "destination mailbox has moved, no forwarding address" (RFC 3463 §3.2) names the
            // cause itself, before the refusals the text's other words suggest (sisimai
            // lhost-sendmail-17/22: Status 5.1.6 with "551 not our user" after DATA; every 5.1.6 row of
            // its expectations is hasmoved).
            return statusReason == .hasMoved || words(r)
        case .notCompliantRFC, .badReputation, .speeding:
            return words(r)
        case .noRelaying:
            if preset == .securityError || preset == .systemError || preset == .undefined { return false }
            if command == .connect || command == .ehlo || command == .helo { return false }
            return words(r)
        case .userUnknown:
            if statusReason == .delivered { return false }
            if statusReason == .userUnknown {
                // 5.1.1 with wording of another cause is that cause (e.g. "mailbox full").
                for other in [Reason.noRelaying, .blocked, .mailboxFull, .hasMoved, .rejected, .notAccept] where words(other) {
                    return false
                }
                return true
            }
            return command == .rcpt && words(.userUnknown)
        case .filtered:
            if statusReason == .delivered { return false }
            if statusReason == .filtered { return words(.userUnknown) || words(.filtered) }
            if beforeData { return false }
            return words(.filtered) || words(.userUnknown)
        case .contentError:
            if probe(.spamDetected, statusReason: statusReason) { return false }
            return statusReason == .contentError || words(r)
        case .rejected:
            if statusReason == .rejected { return true }
            let provisional = statusReason ?? .undefined
            if command == .mail { return words(r) }
            if command == .data, provisional != .userUnknown { return words(r) }
            if !provisional.isExplicit || provisional == .securityError || provisional == .systemError { return words(r) }
            return false
        case .hostUnknown:
            if statusReason == .hostUnknown { return !words(.networkError) }
            return words(.hostUnknown)
        case .spamDetected:
            if status == nil { return false }
            if statusReason == .spamDetected { return true }
            if beforeData { return false }
            return words(r)
        default:
            return words(r)
        }
    }

    /// The fallback when no primary test matched.
    private func secondary(statusReason: Reason?) -> Reason? {
        if let preset, preset.isExplicit { return preset }
        let fromStatus = statusReason
        let retry = fromStatus.map { $0.isProvisional } ?? true
        guard retry || diagnosticType != .smtp else { return fromStatus }
        for candidate in ReasonDecision.secondaryOrder where words(candidate) { return candidate }
        if let fromStatus { return fromStatus }
        if let status {
            if status.subject == 6 { return .contentError }
            if status.subject == 7 { return .securityError }
        }
        if diagnosticType == .xUnix { return .mailerError }
        if let code = replyCode?.value, (401...407).contains(code) || (501...507).contains(code) { return .syntaxError }
        if action == .delayed { return .expired }
        // A refusal at the connection's start (the greeting, EHLO or HELO: RFC 5321 §3.1, §4.1.1.1) is a
        // refusal of the connecting host, whatever its words (Sisimai's rule for EHLO and HELO; a
        // greeting refused: sisimai lhost-sendmail-16). At the connection only a reply refuses: a
        // connection that failed before any (iMail's "SMTP connection failed,") refused nobody.
        if command == .ehlo || command == .helo { return .blocked }
        if command == .connect, replyCode != nil { return .blocked }
        return nil
    }
}
