import BytePatterns

/// Virus and content-filter notices (amavis, ClamAV, McAfee, Trend Micro, Sophos ...) that are not
/// delivery reports: "VIRUS (...) IN MAIL FROM YOU", "Banned content", "infected attachment".
/// Kind `virus-notice`, reason `virusdetected`; the recipients are the addresses the notice names
/// as intended recipients, else the notice's own addressee.
struct VirusNoticeRecognizer: Recognizer {
    var name: String { "virus-notice" }

    static let subjects = PatternSet.compiled([
        "virus (found|detected|alert|warning|notification)", "\\bvirus\\b.*\\bin (mail|message)", "infected",
        "banned (content|attachment|file)", "malware", "content (filter|violation)", "blocked attachment",
        "undeliverable mail: virus", "mail ?scanner",
    ])
    static let recipientLine = try? BytePattern(#"(?im)^\s*(intended )?recipient(s|\(s\))?:\s*(.+)$"#)

    /// A literal of each of `subjects`' alternatives, lower case (`BounceContext.subjectContainsCaseless`).
    static let subjectLiterals: [ClaimNeedle] = [
        ClaimNeedle("virus"), ClaimNeedle("infected"), ClaimNeedle("banned"), ClaimNeedle("malware"),
        ClaimNeedle("content"), ClaimNeedle("blocked attachment"), ClaimNeedle("scanner"),
    ]

    func claims(_ context: BounceContext) -> Bool {
        // The pattern set only for a subject holding one of its literals (as `ChallengeRecognizer.claims`:
        // bsd.mbox x3, 171 subjects, none with a literal; the set was 0.65M with its first compile).
        context.deliveryStatusPart == nil && context.subjectContainsCaseless(anyOf: Self.subjectLiterals)
            && VirusNoticeRecognizer.subjects.hasMatch(in: context.subject)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        var addresses: [String] = []
        if let m = VirusNoticeRecognizer.recipientLine?.firstMatch(in: context.text), let g = m[group: 3] {
            let u = Array(context.text.utf8)
            let list = String(decoding: u[g], as: UTF8.self)
            addresses = TextScan.addresses(in: Substring(list))
        }
        if addresses.isEmpty { addresses = [Addresses.bare(context.header("to") ?? "")].filter(Addresses.isAddress) }
        guard !addresses.isEmpty else { return nil }
        let summary = String(context.text.prefix(500))
        let records = addresses.map { a -> RecipientFinding in
            var r = RecipientFinding(recipient: a)
            r.reason = .virusDetected
            r.diagnostic = summary
            return r
        }
        return Finding(recipients: records, kind: .virusNotice)
    }
}
