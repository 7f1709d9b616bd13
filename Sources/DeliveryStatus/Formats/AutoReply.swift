import BytePatterns
import MailParsing

/// RFC 3834 automatic responses (vacation, out of office): `Auto-Submitted: auto-replied`,
/// `X-Autoreply`, `X-Autorespond`, `Precedence: auto_reply`, and the usual subjects in several
/// languages. Not bounces: kind `auto-reply`, reason `vacation`, the recipient being the sender of
/// the reply (the person away).
struct AutoReplyRecognizer: Recognizer {
    var name: String { "rfc3834" }

    /// Subjects of automatic replies (Outlook/Exchange, Gmail, Apple Mail, Thunderbird and their
    /// translations), anchored at the start: the reference `subjectIsAutoReply(_:)` is tested against
    /// (not run).
    static let subjects = PatternSet.compiled([
        "^\\s*(auto(matic|matische)?[ -]?(reply|response|respons|antwort|réponse|reponse|risposta|respuesta|resposta)|autoreply|autoresponder)",
        "^\\s*(out of (the )?office|away from (the )?office|on vacation|vacation reply|vacation)",
        "^\\s*(abwesenheits(notiz|nachricht)|ich bin (nicht im büro|abwesend)|afwezig|absence|absent|fuera de la oficina|fuori sede|niet aanwezig|frånvaro|poissa|nieobecność)",
        "^\\s*(away until|away from|i am away|i'm away|out of office|ooo\\b)",
        "^\\s*自動(応答|返信)",
    ])

    /// `auto-submitted` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let autoSubmittedField = HeaderNameFilter.Name("auto-submitted", bit: 32)
    /// `x-autoreply` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xAutoreplyField = HeaderNameFilter.Name("x-autoreply", bit: 61)
    /// `x-autorespond` with its bit in the header-name filter, for `claims` (`BounceContext.hasHeader(_:)`).
    private static let xAutorespondField = HeaderNameFilter.Name("x-autorespond", bit: 122)
    /// `precedence` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let precedenceField = HeaderNameFilter.Name("precedence", bit: 40)
    /// `x-auto-response-suppress` with its bit in the header-name filter, for `claims` (`BounceContext.header(_:)`).
    private static let xAutoResponseSuppressField = HeaderNameFilter.Name("x-auto-response-suppress", bit: 30)

    func claims(_ context: BounceContext) -> Bool {
        if let auto = context.header(Self.autoSubmittedField)?.lowercased(), auto.hasPrefix("auto-replied") { return true }
        if context.hasHeader(Self.xAutoreplyField) || context.hasHeader(Self.xAutorespondField) { return true }
        if let p = context.header(Self.precedenceField)?.lowercased(), p.contains("auto_reply") || p.contains("auto-reply") { return true }
        if let x = context.header(Self.xAutoResponseSuppressField), !x.isEmpty, subjectMatches(context) { return true }
        return subjectMatches(context)
    }

    /// The prefixes `subjects` matches after its `^\s*`, lower case, beside "ooo" and the "auto..." ones
    /// (`subjectIsAutoReply(_:)`): its alternatives spelled out, less those that begin with another
    /// ("vacation reply" with "vacation", "away from (the )?office" with "away from").
    static let subjectPrefixes: [StaticString] = [
        "out of office", "out of the office", "away from", "away until", "on vacation", "vacation", "i am away", "i'm away",
        "abwesenheitsnotiz", "abwesenheitsnachricht", "ich bin nicht im büro", "ich bin abwesend", "afwezig", "absence",
        "absent", "fuera de la oficina", "fuori sede", "niet aanwezig", "frånvaro", "poissa", "nieobecność",
        "autoresponder", "自動応答", "自動返信",
    ]

    /// The words that end `auto(matic|matische)?[ -]?(...)`, the first of `subjects`' alternatives
    /// ("response" left to "respons").
    static let replyWords: [StaticString] = ["reply", "respons", "antwort", "réponse", "reponse", "risposta", "respuesta", "resposta"]

    private func subjectMatches(_ context: BounceContext) -> Bool {
        Self.subjectIsAutoReply(context.subjectText.bytes)
    }

    /// `subjects.hasMatch` of a subject's bytes, read as that pattern set reads them, without PCRE2:
    /// case-less and not UTF, so ASCII letters in any case and other bytes as they are; `\s` is a tab,
    /// LF, VT, FF, CR or space, and the `\b` after "ooo" wants no letter, digit or `_` next (PCRE2's
    /// default character tables, pcre2pattern(3) "Generic character types"). The set was compiled and
    /// JIT-compiled at the first subject that reached it (bsd.mbox x3: 12 subjects, 0.73M
    /// instructions). `AutoReplySubjectTests` holds the two together.
    static func subjectIsAutoReply(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        while start < bytes.count, bytes[start] == 32 || (bytes[start] >= 9 && bytes[start] <= 13) { start += 1 }
        let rest = UnsafeBufferPointer(rebasing: bytes[start...])
        if subjectPrefixes.contains(where: { ASCII.hasPrefix(rest, ignoringCase: $0) }) { return true }
        if ASCII.hasPrefix(rest, ignoringCase: "ooo") {
            guard rest.count > 3 else { return true }
            let next = rest[3]
            let isWord = ASCII.lowercased(next) &- UInt8(ascii: "a") < 26 || next &- UInt8(ascii: "0") < 10 || next == UInt8(ascii: "_")
            if !isWord { return true }
        }
        guard ASCII.hasPrefix(rest, ignoringCase: "auto") else { return false }
        // After "auto": nothing, "matic" or "matische", then nothing, " " or "-", then a reply word.
        /// `rest` from `offset` on (empty past its end).
        func tail(from offset: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: rest[min(offset, rest.count)...])
        }
        for middle in 0..<3 {
            let afterMiddle: Int
            switch middle {
            case 0: afterMiddle = 4
            case 1: guard ASCII.hasPrefix(tail(from: 4), ignoringCase: "matic") else { continue }; afterMiddle = 9
            default: guard ASCII.hasPrefix(tail(from: 4), ignoringCase: "matische") else { continue }; afterMiddle = 12
            }
            for gap in 0..<2 {
                if gap == 1 {
                    guard afterMiddle < rest.count, rest[afterMiddle] == 32 || rest[afterMiddle] == UInt8(ascii: "-") else { continue }
                }
                let word = tail(from: afterMiddle + gap)
                if replyWords.contains(where: { ASCII.hasPrefix(word, ignoringCase: $0) }) { return true }
            }
        }
        return false
    }

    func recognize(_ context: BounceContext) -> Finding? {
        // A delivery report with a delivery-status part is not an auto-reply even if its subject looks so.
        if context.deliveryStatusPart != nil { return nil }
        return Finding.aboutSender(of: context, reason: .vacation, kind: .autoReply, diagnosticLength: 2_000)
    }
}
