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
    /// `x-autoreply` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xAutoreplyField = HeaderNameFilter.Name("x-autoreply")
    /// `x-autorespond` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xAutorespondField = HeaderNameFilter.Name("x-autorespond")
    /// `precedence` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let precedenceField = HeaderNameFilter.Name("precedence")
    /// `x-auto-response-suppress` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xAutoResponseSuppressField = HeaderNameFilter.Name("x-auto-response-suppress")

    func claims(_ context: BounceContext) -> Bool {
        if let auto = context.header(Self.autoSubmittedField)?.lowercased(), auto.hasPrefix("auto-replied") { return true }
        if context.header(Self.xAutoreplyField) != nil || context.header(Self.xAutorespondField) != nil { return true }
        if let p = context.header(Self.precedenceField)?.lowercased(), p.contains("auto_reply") || p.contains("auto-reply") { return true }
        if let x = context.header(Self.xAutoResponseSuppressField), !x.isEmpty, AutoReplyRecognizer.subjects.hasMatch(in: context.subject) { return true }
        return AutoReplyRecognizer.subjects.hasMatch(in: context.subject)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        // A delivery report with a delivery-status part is not an auto-reply even if its subject looks so.
        if context.deliveryStatusPart != nil { return nil }
        return Finding.aboutSender(of: context, reason: .vacation, kind: .autoReply, diagnosticLength: 2_000)
    }
}
