import BytePatterns
import MailParsing

/// RFC 3834 automatic responses (vacation, out of office): `Auto-Submitted: auto-replied`,
/// `X-Autoreply`, `X-Autorespond`, `Precedence: auto_reply`, and the usual subjects in several
/// languages. Not bounces: kind `auto-reply`, reason `vacation`, the recipient being the sender of
/// the reply (the person away).
struct AutoReplyRecognizer: Recognizer {
    var name: String { "rfc3834" }

    /// Subjects of automatic replies (Outlook/Exchange, Gmail, Apple Mail, Thunderbird and their
    /// translations), anchored at the start.
    static let subjects = PatternSet.compiled([
        "^\\s*(auto(matic|matische)?[ -]?(reply|response|respons|antwort|réponse|reponse|risposta|respuesta|resposta)|autoreply|autoresponder)",
        "^\\s*(out of (the )?office|away from (the )?office|on vacation|vacation reply|vacation)",
        "^\\s*(abwesenheits(notiz|nachricht)|ich bin (nicht im büro|abwesend)|afwezig|absence|absent|fuera de la oficina|fuori sede|niet aanwezig|frånvaro|poissa|nieobecność)",
        "^\\s*(away until|away from|i am away|i'm away|out of office|ooo\\b)",
        "^\\s*自動(応答|返信)",
    ])

    /// `auto-submitted` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let autoSubmittedField = HeaderNameFilter.Name("auto-submitted")
    /// `x-autoreply` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xAutoreplyField = HeaderNameFilter.Name("x-autoreply")
    /// `x-autorespond` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xAutorespondField = HeaderNameFilter.Name("x-autorespond")
    /// `precedence` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let precedenceField = HeaderNameFilter.Name("precedence")
    /// `x-auto-response-suppress` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xAutoResponseSuppressField = HeaderNameFilter.Name("x-auto-response-suppress")

    func claims(_ context: BounceContext) -> Bool {
        if let auto = context.header(Self.autoSubmittedField)?.lowercased(), auto.hasPrefix("auto-replied") { return true }
        if context.hasHeader(Self.xAutoreplyField) || context.hasHeader(Self.xAutorespondField) { return true }
        if let p = context.header(Self.precedenceField)?.lowercased(), p.contains("auto_reply") || p.contains("auto-reply") { return true }
        if let x = context.header(Self.xAutoResponseSuppressField), !x.isEmpty, subjectMatches(context) { return true }
        return subjectMatches(context)
    }

    /// The ASCII starts of `subjects`' alternatives, lower case, after the blanks its `^\s*` passes
    /// over ("frånvaro", "nieobecność" and "自動" start with ASCII or other bytes that `subjectMatches`
    /// lets through as they are). `ClaimsDispatchTests.autoReplyStartsCoverEveryAlternative` holds every
    /// alternative of `subjects` to one of them.
    static let subjectStarts: [StaticString] = [
        "auto", "out of ", "away ", "on vacation", "vacation", "abwesenheits", "ich bin ", "afwezig", "absen",
        "fuera de la oficina", "fuori sede", "niet aanwezig", "poissa", "i am away", "i'm away", "ooo", "fr", "nieobecno",
    ]

    /// `subjects.hasMatch(in: context.subject)`, the pattern set (a PCRE2 scan, ~1,000 instructions a
    /// subject; bsd.mbox x3, 174 subjects asked, 12 let through) asked only of a subject that starts
    /// with one of `subjectStarts` (ASCII letters without case, as the case-less set that is not UTF
    /// compares them) or with a byte that is not ASCII, after its leading bytes up to the space (a
    /// superset of `\s`; the starts begin with letters).
    private func subjectMatches(_ context: BounceContext) -> Bool {
        let bytes = context.subjectText.bytes
        var start = 0
        while start < bytes.count && bytes[start] <= 0x20 { start += 1 }
        let rest = UnsafeBufferPointer(rebasing: bytes[start...])
        if let first = rest.first, first < 0x80, !Self.subjectStarts.contains(where: { ASCII.hasPrefix(rest, ignoringCase: $0) }) {
            return false
        }
        if rest.isEmpty { return false }
        return AutoReplyRecognizer.subjects.hasMatch(in: context.subject)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        // A delivery report with a delivery-status part is not an auto-reply even if its subject looks so.
        if context.deliveryStatusPart != nil { return nil }
        return Finding.aboutSender(of: context, reason: .vacation, kind: .autoReply, diagnosticLength: 2_000)
    }
}
