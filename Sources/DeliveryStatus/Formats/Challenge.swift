import BytePatterns

/// Challenge-response messages: a filter (cPanel BoxTrapper, TMDA, SpamArrest, Qurb...) holds the
/// message and asks the sender to confirm. Not a bounce: kind `challenge`; the recipient is the
/// protected address (the challenge's sender).
struct ChallengeRecognizer: Recognizer {
    var name: String { "challenge" }

    static let subjects = PatternSet.compiled([
        "please confirm", "confirm your (e-?mail|message|address|identity)", "verification (required|needed|request)",
        "verify your (e-?mail|message|address)", "challenge", "approval (required|needed)", "authori[sz]ation required",
        "is protected by", "whitelist", "boxtrapper", "spam ?arrest", "anti-?spam verification", "awaiting your confirmation",
        // cPanel BoxTrapper's own subject: "Your email requires verification verify#<id>" (SpamAssassin's
        // VBounce test CHALLENGE_RESPONSE/10, in backscatter-dev).
        "requires verification",
    ])
    static let bodies = PatternSet.compiled([
        "boxtrapper", "tmda", "spamarrest", "to confirm (that )?you (are|sent)", "please (reply|click).{0,80}(confirm|verify)",
        "your message (has been|is being) (held|quarantined) (until|pending)", "confirm (your|this) message",
        // BoxTrapper: "... verify that you are a real live human being and not a spam source. To complete
        // this verification, simply reply to this message" (CHALLENGE_RESPONSE/10).
        "verify that you are a real", "to complete this verification",
    ])

    /// `x-boxtrapper` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xBoxtrapperField = HeaderNameFilter.Name("x-boxtrapper", bit: 26)
    /// `x-tmda-confirm-address` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xTmdaConfirmAddressField = HeaderNameFilter.Name("x-tmda-confirm-address", bit: 192)

    /// A literal of each of `subjects`' alternatives, lower case (`BounceContext.subjectContainsCaseless`).
    static let subjectLiterals: [ClaimNeedle] = [
        ClaimNeedle("confirm"), ClaimNeedle("verif"), ClaimNeedle("challenge"), ClaimNeedle("approval"),
        ClaimNeedle("ation required"), ClaimNeedle("is protected by"), ClaimNeedle("whitelist"),
        ClaimNeedle("boxtrapper"), ClaimNeedle("arrest"),
    ]

    func claims(_ context: BounceContext) -> Bool {
        if context.header(Self.xBoxtrapperField) != nil || context.header(Self.xTmdaConfirmAddressField) != nil { return true }
        // The pattern set only for a subject holding one of its literals: asked of every subject, its
        // matches cost ~1,600 instructions a subject, and building its plan at the first ~0.5M
        // (bsd.mbox x3: 174 subjects, none with a literal).
        return context.subjectContainsCaseless(anyOf: Self.subjectLiterals) && ChallengeRecognizer.subjects.hasMatch(in: context.subject)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        guard context.deliveryStatusPart == nil else { return nil }
        guard context.header("x-boxtrapper") != nil || context.header("x-tmda-confirm-address") != nil
                || ChallengeRecognizer.bodies.hasMatch(in: context.text) else { return nil }
        return Finding.aboutSender(of: context, reason: .filtered, kind: .challenge, diagnosticLength: 500)
    }
}
