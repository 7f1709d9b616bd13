import Testing
import BytePatterns
@testable import DeliveryStatus
import TestSupport

/// `DiagnosticWords.Matches` (all tables in one pass) must agree with asking each table alone, and
/// both with PCRE2's own scan of each table.
@Suite struct DiagnosticWordsGroupTests {
    static let texts = [
        "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)",
        "550 5.1.1 <neko@example.co.jp>: Recipient address rejected: User unknown in virtual mailbox table",
        "552 5.2.2 Mailbox is FULL", "550 No such user here", "554 5.7.1 Message rejected as spam by Content Filtering.",
        "421 4.7.0 Too many connections from your IP, try again later", "I am away on vacation until Monday",
        "host mx.example.com said: 550 blocked using zen.spamhaus.org", "", "x",
    ]

    @Test(arguments: texts)
    func oneScanAgreesWithEachTable(text: String) {
        let all = DiagnosticWords.Matches(text)
        for reason in Reason.allCases where DiagnosticWords.tables[reason] != nil {
            #expect(all.contains(reason) == DiagnosticWords.matches(reason, text), "\(reason) in \(text)")
            #expect(all.contains(reason) == Self.pcre2Matches(reason, text), "\(reason) in \(text)")
        }
    }

    /// Each table as one PCRE2 alternation scanned by PCRE2 alone (no prefilter, no byte decisions):
    /// the answer every shortcut must give.
    static let pcre2Tables: [Reason: BytePattern] = DiagnosticWords.tables.mapValues { set in
        try! BytePattern(set.patterns.map { "(?:\($0))" }.joined(separator: "|"), options: set.options)
    }
    static let pcre2RejectedButNotSender = try! BytePattern(
        DiagnosticWords.rejectedButNotSender.patterns.map { "(?:\($0))" }.joined(separator: "|"),
        options: DiagnosticWords.rejectedButNotSender.options)

    /// `DiagnosticWords.matches` by `pcre2Tables`.
    static func pcre2Matches(_ reason: Reason, _ text: String) -> Bool {
        guard !text.isEmpty, let pattern = pcre2Tables[reason] else { return false }
        if reason == .rejected, pcre2RejectedButNotSender.hasMatch(in: text) { return false }
        return pattern.hasMatch(in: text)
    }

    /// `Matches` keeps one bit per reason with a table, in a UInt64.
    @Test func everyReasonHasABit() {
        #expect(DiagnosticWords.groupReasons.count <= 64)
        #expect(Reason.allCases.count <= 64)
    }

    /// `isTemporary` over the phrases of the diagnostic's `Matches` agrees with its own scan of the
    /// text Finalization makes (reply code, a space, the diagnostic), at the start, inside, in any
    /// case, cut short, next to 8-bit bytes, with line ends, and without.
    @Test func temporaryWordsFromThePassAgreeWithTheScan() {
        var generator = SplitMix64(seed: 17)
        let pieces = ["temporar", "Temporarily", " TEMPORARY", "persistent", " Persistent", "persisten", "tempora", " ", "\n",
                      "\r\n", "4.2.2", "550", "451 ", "x", "é", "\u{212A}", "mailbox full", "-temporary", "\ttemporary"]
        var diagnostics = Self.texts + pieces
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 5) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            diagnostics.append(text)
        }
        // Long texts (a temporary buffer on the heap, not the stack).
        diagnostics += [String(repeating: "mailbox 550 ", count: 400) + " Temporary", String(repeating: "x", count: 5000)]
        for diagnostic in diagnostics {
            for reply in ["", "550", "421"] {
                var codeAndText = reply + " " + diagnostic
                if codeAndText.utf8.count < 4 { codeAndText = "" }
                let scanned = DiagnosticWords.isTemporary(codeAndText)
                let fromPass = DiagnosticWords.isTemporary(codeAndText, diagnostic: diagnostic, matches: DiagnosticWords.Matches(diagnostic))
                #expect(fromPass == scanned, "\(reply) \(diagnostic.debugDescription)")
                // The same text joined in a buffer, with and without the diagnostic's phrases.
                let code = reply.isEmpty ? nil : ReplyCode(Int(reply)!)
                let joined = DiagnosticWords.isTemporary(replyCode: code, diagnostic: diagnostic, matches: nil)
                let joinedFromPass = DiagnosticWords.isTemporary(replyCode: code, diagnostic: diagnostic,
                                                                 matches: DiagnosticWords.Matches(diagnostic))
                #expect(joined == scanned, "\(reply) \(diagnostic.debugDescription)")
                #expect(joinedFromPass == scanned, "\(reply) \(diagnostic.debugDescription)")
            }
        }
    }

    /// `isTemporary(given:foundInText:diagnostic:matches:)`, from the codes `Finalization.report`
    /// found, agrees with joining the text and searching it (`isTemporary(replyCode:diagnostic:matches:)`)
    /// wherever it answers: diagnostics without a status code, with reply codes of every class
    /// (defined, undefined, joined to digits, dots or dashes), `x-unix` in any case, the temporary
    /// words, and short texts; given codes of every class and none.
    @Test func temporaryFromKnownCodesAgreesWithTheJoinedText() {
        var generator = SplitMix64(seed: 19)
        let pieces = ["550", "421", "451", "250", "526", "599", " ", "-", ".", "x-unix", "X-UNIX", "x-uni", "temporar",
                      " Temporary", "persistent", " persisten", "4", "5", "mailbox", "\n", "/", "é", "1234", "452-", "a"]
        var diagnostics = Self.texts + pieces
        for _ in 0..<6000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 7) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            diagnostics.append(text)
        }
        var settled = 0
        for diagnostic in diagnostics where !diagnostic.isEmpty && EnhancedStatusCode.find(in: diagnostic) == nil {
            let found = ReplyCode.findNotingContinuation(in: diagnostic, statusClass: nil).code
            for given in [nil, 550, 421, 450, 251, 526].map({ $0.flatMap(ReplyCode.init(_:)) }) {
                for matches in [nil, DiagnosticWords.Matches(diagnostic)] {
                    guard let known = DiagnosticWords.isTemporary(given: given, foundInText: found, diagnostic: diagnostic,
                                                                  matches: matches) else { continue }
                    settled += 1
                    let joined = DiagnosticWords.isTemporary(replyCode: given ?? found, diagnostic: diagnostic, matches: matches)
                    #expect(known == joined, "\(String(describing: given)) \(diagnostic.debugDescription)")
                }
            }
        }
        #expect(settled > 10_000)
    }

    /// `Reason.ordinal` (the bit `Matches` keeps for a reason) is the reason's place in `allCases`:
    /// distinct for every reason, so no two tables share a bit.
    @Test func ordinalIsThePlaceInAllCases() {
        for (place, reason) in Reason.allCases.enumerated() { #expect(reason.ordinal == place, "\(reason)") }
    }

    /// The providers' "lower-casing makes ASCII" bit, found in the group's pass now, agrees with
    /// `lowercasingAddsASCII` (the two characters alone and inside text; characters sharing their first bytes).
    @Test(arguments: ["x \u{130} y", "\u{212A}", "kelvin \u{212A}", "\u{130}", "a\u{C4}b", "\u{E2}\u{84}", "plain text", "\u{100}\u{2100}"])
    func lowercasingToASCIIIsFoundInThePass(text: String) {
        let all = DiagnosticWords.Matches(text)
        #expect((all.providers == .max) == DiagnosticWords.lowercasingAddsASCII(text))
    }

    /// A text that a phrase pattern matches, made by choosing among its groups' alternatives and
    /// optional parts and filling each `.*` (nil for a pattern with other syntax).
    static func instance(of pattern: String, using generator: inout SplitMix64) -> String? {
        let p = Array(pattern.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < p.count {
            switch p[i] {
            case UInt8(ascii: "\\"):
                guard i + 1 < p.count, !p[i + 1].isAlphanumeric else { return nil }
                out.append(p[i + 1])
                i += 2
            case UInt8(ascii: "."):
                guard i + 1 < p.count, p[i + 1] == UInt8(ascii: "*") else { return nil }
                out += Array(["", " ", "\n", "zz ", "\r\n"].randomElement(using: &generator)!.utf8)
                i += 2
            case UInt8(ascii: "("):
                guard let close = p[i...].firstIndex(of: UInt8(ascii: ")")) else { return nil }
                let choices = p[(i + 1)..<close].split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false)
                let optional = close + 1 < p.count && p[close + 1] == UInt8(ascii: "?")
                if !optional || Bool.random(using: &generator) { out += choices.randomElement(using: &generator)! }
                i = close + (optional ? 2 : 1)
            case UInt8(ascii: "["), UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "{"), UInt8(ascii: "^"), UInt8(ascii: "$"):
                return nil
            case UInt8(ascii: "?"):
                if Bool.random(using: &generator), !out.isEmpty { out.removeLast() }
                i += 1
            default:
                out.append(p[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Every table's phrases, as texts they match, in other case, cut short by a byte, run into one
    /// another and into noise: the one pass over all tables (which decides most phrases by byte
    /// comparisons, `LiteralChains`) answers as each table alone (PCRE2) does.
    @Test func oneScanAgreesWithEachTableOnTheirPhrases() {
        var generator = SplitMix64(seed: 701)  // seeded: every run reads the same inputs
        let phrases = DiagnosticWords.tables.values.flatMap(\.patterns).sorted()
        var texts: [String] = []
        for pattern in phrases {
            guard let text = Self.instance(of: pattern, using: &generator) else { continue }
            texts.append(text)
            texts.append(text.uppercased())
            texts.append(String(text.dropLast()))
            texts.append(String(text.dropFirst()))
            texts.append("550 5.1.1 <a@b.example>... " + text + " (in reply to RCPT TO command)")
        }
        let pieces = texts
        for _ in 0..<400 {
            texts.append((0..<3).map { _ in String(pieces.randomElement(using: &generator)!.prefix(Int.random(in: 0...40, using: &generator))) }
                .joined(separator: ["", " ", "\n"].randomElement(using: &generator)!))
        }
        for text in texts {
            let all = DiagnosticWords.Matches(text)
            for reason in Reason.allCases where DiagnosticWords.tables[reason] != nil {
                #expect(all.contains(reason) == DiagnosticWords.matches(reason, text), "\(reason) in \(text.debugDescription)")
                #expect(all.contains(reason) == Self.pcre2Matches(reason, text), "\(reason) in \(text.debugDescription)")
            }
        }
    }
}

private extension UInt8 {
    /// An ASCII letter or digit.
    var isAlphanumeric: Bool { (self >= 0x30 && self <= 0x39) || (self | 0x20 >= 0x61 && self | 0x20 <= 0x7A) }
}
