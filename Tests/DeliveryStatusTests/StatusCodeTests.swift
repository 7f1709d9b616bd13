import Testing
@testable import DeliveryStatus

@Suite struct EnhancedStatusCodeTests {
    @Test(arguments: [
        ("5.1.1", "5.1.1"), ("#5.1.1", "5.1.1"), ("5.1.10", "5.1.10"), ("(5.7.1)", "5.7.1"), ("4.4.7.", "4.4.7"),
        ("2.0.0", "2.0.0"), ("5.0.911", "5.0.911"),
    ])
    func parsesWholeTokens(text: String, expected: String) {
        #expect(EnhancedStatusCode(text)?.description == expected)
    }

    @Test(arguments: ["3.1.1", "5.1", "5.1.1.1", "5.1000.1", "x.1.1", "", "55.1.1"])
    func rejectsNonCodes(text: String) {
        #expect(EnhancedStatusCode(text) == nil)
    }

    /// RFC 3463 §2 class semantics and the IANA registry's titles (RFC 5248).
    @Test func classesAndMeanings() throws {
        let c = try #require(EnhancedStatusCode("5.2.2"))
        #expect(c.isPermanent && !c.isTransient && !c.isSuccess)
        #expect(c.meaning == "Mailbox full")
        #expect(c.subjectMeaning == "Mailbox Status")
        #expect(EnhancedStatusCode("5.1.10")?.meaning == "Recipient address has null MX")
        #expect(EnhancedStatusCode("5.7.606")?.meaning == nil)
        #expect(EnhancedStatusCode("5.0.922")?.isPseudo == true)
    }

    /// Numbers that are not status codes: IP addresses, versions, paths, 4-digit details.
    @Test(arguments: [
        ("550 5.1.1 <a@b.example>... User unknown", "5.1.1"),
        ("host 192.0.2.1 said: 550 5.7.1 blocked", "5.7.1"),
        ("Exim v4.5.1 and 192.5.1.1 said 550", nil),
        ("see /usr/lib/5.1.1/x and 5.1.1000", nil),
        ("554 5.0.0 then 5.7.1 policy", "5.7.1"),
        ("451 4.4.7 timeout", "4.4.7"),
        ("550-5.7.26 DMARC 550 5.7.26 https://x", "5.7.26"),
    ] as [(String, String?)])
    func findsTheCodeInText(text: String, expected: String?) {
        #expect(EnhancedStatusCode.find(in: text)?.description == expected)
    }

    @Test func prefersTheSpecificCode() {
        let field = EnhancedStatusCode("5.0.0"), inText = EnhancedStatusCode("5.1.1")
        #expect(EnhancedStatusCode.prefer(field: field, inText: inText, replyCode: nil)?.description == "5.1.1")
        #expect(EnhancedStatusCode.prefer(field: EnhancedStatusCode("5.2.2"), inText: EnhancedStatusCode("5.0.0"), replyCode: nil)?.description == "5.2.2")
        // Classes disagree: the reply code decides.
        #expect(EnhancedStatusCode.prefer(field: EnhancedStatusCode("4.2.2"), inText: EnhancedStatusCode("5.2.2"), replyCode: ReplyCode(552))?.description == "5.2.2")
    }
}

@Suite struct ReplyCodeTests {
    @Test(arguments: [
        ("host said: 550 5.1.1 user unknown", "550"),
        ("size 5500 bytes, port 25, code 552.", nil),
        ("452-4.2.2 over quota", "452"),
        ("X-Unix; 550 exit code", nil),
        ("status 999 and 600 are not codes", nil),
        ("got 421 then 550", "550"),   // permanent codes are looked for first, as Sisimai does
    ] as [(String, String?)])
    func findsReplyCodes(text: String, expected: String?) {
        #expect(ReplyCode.find(in: text)?.description == expected)
    }

    @Test func validatesRFC5321Codes() {
        #expect(ReplyCode(550) != nil)
        #expect(ReplyCode(235) != nil)
        #expect(ReplyCode(354) != nil)
        #expect(ReplyCode(299) == nil)
        #expect(ReplyCode(499) == nil)
        #expect(ReplyCode(600) == nil)
        #expect(ReplyCode("55a") == nil)
    }
}

@Suite struct ReasonTests {
    @Test func rawValuesAreSisimaiNames() {
        #expect(Reason.userUnknown.rawValue == "userunknown")
        #expect(Reason.failedSTARTTLS.rawValue == "failedstarttls")
        #expect(Reason(rawValue: "notcompliantrfc") == .notCompliantRFC)
        #expect(Reason.allCases.count == 36)
    }

    @Test func pseudoStatusCodes() {
        #expect(Reason.userUnknown.pseudoStatus(temporary: false)?.description == "5.0.911")
        #expect(Reason.userUnknown.pseudoStatus(temporary: true) == nil)
        #expect(Reason.expired.pseudoStatus(temporary: true)?.description == "4.0.947")
        #expect(Reason.filtered.pseudoStatus(temporary: true)?.description == "4.0.924")
        #expect(Reason.delivered.pseudoStatus(temporary: false) == nil)
    }

    /// The switch in `pseudoDetail` against the dictionary it replaced, over every reason and both kinds.
    @Test func pseudoStatusMatchesFormerTable() {
        let former: [Reason: Int] = [
            .authFailure: 926, .badReputation: 975, .blocked: 971, .contentError: 960, .exceedLimit: 923,
            .expired: 947, .failedSTARTTLS: 976, .filtered: 910, .hasMoved: 916, .hostUnknown: 912,
            .mailboxFull: 922, .mailerError: 939, .mesgTooBig: 934, .networkError: 944, .noRelaying: 909,
            .notAccept: 932, .notCompliantRFC: 974, .onHold: 901, .policyViolation: 972, .rejected: 918,
            .requirePTR: 973, .securityError: 970, .spamDetected: 980, .speeding: 946, .suppressed: 903,
            .suspend: 921, .systemError: 930, .systemFull: 931, .syntaxError: 902, .tooManyConn: 945,
            .userUnknown: 911, .undefined: 900, .virusDetected: 981,
        ]
        for reason in Reason.allCases {
            #expect(reason.pseudoDetail == former[reason], "\(reason)")
            let permanent = former[reason].flatMap { EnhancedStatusCode(statusClass: 5, subject: 0, detail: $0) }
            #expect(reason.pseudoStatus(temporary: false) == permanent, "\(reason)")
            let noTransient: Set<Reason> = [.hasMoved, .hostUnknown, .userUnknown]
            let temporary = noTransient.contains(reason) ? nil
                : former[reason].flatMap { EnhancedStatusCode(statusClass: 4, subject: 0, detail: reason == .filtered ? 924 : $0) }
            #expect(reason.pseudoStatus(temporary: true) == temporary, "\(reason)")
        }
    }

    @Test func hardBounces() {
        #expect(Reason.userUnknown.isHardBounce(statusAndText: ""))
        #expect(Reason.hostUnknown.isHardBounce(statusAndText: "5.1.2"))
        #expect(!Reason.mailboxFull.isHardBounce(statusAndText: "5.2.2"))
        #expect(Reason.notAccept.isHardBounce(statusAndText: "5.1.10 null MX"))
        #expect(!Reason.notAccept.isHardBounce(statusAndText: "4.3.2 try later"))
    }

    @Test func statusImpliesReason() {
        #expect(Reason(status: EnhancedStatusCode("5.2.2")!) == .mailboxFull)
        #expect(Reason(status: EnhancedStatusCode("5.7.26")!) == .authFailure)
        #expect(Reason(status: EnhancedStatusCode("4.7.0")!) == nil)
    }

    /// Every phrase table compiles (a table that does not would silently match nothing).
    @Test func phraseTablesCompile() {
        for (reason, set) in DiagnosticWords.tables {
            #expect(!set.patterns.isEmpty, "\(reason)")
        }
        #expect(DiagnosticWords.matches(.mailboxFull, "552 5.2.2 Mailbox is FULL"))
        #expect(DiagnosticWords.matches(.userUnknown, "550 No such user here"))
        #expect(!DiagnosticWords.matches(.rejected, "550 Recipient address rejected: unknown"))
    }
}

@Suite struct XTextTests {
    @Test(arguments: [("a+2Bb", "a+b"), ("x+3Dy", "x=y"), ("plain", "plain"), ("bad+zz", "bad+zz"), ("end+2", "end+2")])
    func decodes(text: String, expected: String) {
        #expect(XText.decode(text) == expected)
    }

    @Test func typedValues() {
        let v = TypedValue("rfc822; <User+2Bx@Example.COM>")
        #expect(v.type == "rfc822")
        #expect(v.address == "User+x@Example.COM")
        #expect(TypedValue("smtp; 550 5.1.1 no").value == "550 5.1.1 no")
        #expect(TypedValue("no type here").type == nil)
        #expect(TypedValue("utf-8; 用户@例子.example").address == "用户@例子.example")
    }
}
