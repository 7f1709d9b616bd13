import Foundation
import Testing
@testable import DeliveryStatus
import TestSupport

/// `RemoteHostRules.reason` asks a provider whether it is named only when its rule decides, and asks
/// only the rules whose `words` occur (`DiagnosticWords.Matches`): it must give the answer of the plain
/// loop it replaced, which named every provider first and asked each named one's rule.
@Suite struct RemoteHostRulesTests {
    /// The loop as it was: every provider named by the remote MTA, the recipient's domain, the
    /// diagnostic's host names or the Received fields (`received`), then in `providers` order the
    /// first one named or whose signature matches and whose rule, given the lower-cased diagnostic,
    /// decides.
    static func referenceReason(diagnostic: String, status: EnhancedStatusCode?, reply: ReplyCode?, hosts: [String],
                                recipient: String, received: UInt64) -> Reason? {
        guard !diagnostic.isEmpty else { return nil }
        var named: UInt64 = 0
        for host in hosts { named |= RemoteHostRules.providersNamed(byHost: host) }
        let domain = Finalization.domainPart(of: recipient)
        if !domain.isEmpty { named |= RemoteHostRules.providersNamed(byDomain: domain) }
        named |= Hosts.providersNamed(in: diagnostic) | received
        let lowercaseDiagnostic = diagnostic.lowercasedIfNeeded()
        for (i, p) in RemoteHostRules.providers.enumerated() {
            guard named & (1 << UInt64(i)) != 0 || p.signature?.hasMatch(in: diagnostic) == true else { continue }
            if let r = p.decide(lowercaseDiagnostic, status, reply) { return r }
        }
        return nil
    }

    /// The way `Finalization.report` asks.
    static func reason(diagnostic: String, status: EnhancedStatusCode?, reply: ReplyCode?, hosts: [String],
                       recipient: String, received: UInt64) -> Reason? {
        let words = DiagnosticWords.Matches(diagnostic)
        // One remote MTA at most, as a report has.
        precondition(hosts.count <= 1)
        return RemoteHostRules.reason(diagnostic: diagnostic, status: status, reply: reply, remoteMTA: hosts.first,
                                      recipient: recipient, candidates: words.providers,
                                      suffixesInDiagnostic: words.providerSuffixes, phrases: words.providerPhrases,
                                      ruleWords: words.providerRuleWords,
                                      alsoNames: { received & (1 << UInt64($0)) != 0 })
    }

    /// Pieces of diagnostics: every provider's words (as written, upper-cased, and cut short by a
    /// byte), host names with every provider's suffixes, Orange's codes, the two characters whose lower
    /// case is ASCII (U+0130, U+212A KELVIN SIGN), other non-ASCII text and filler.
    static let pieces: [String] = {
        var pieces = [" ", " ", "  ", "550 ", "5.1.1 ", "421 4.7.0 ", "host ", " said: ", "user unknown", "\u{212A}", "\u{0130}",
                      "us\u{212A}er", "é", "日本", "[", "]", "(", ")", "_", "-", ".", "LPN007_416", "ofr_999", "OUK_417 ", "lpnaaa_505",
                      "DNS type 'mx' lookup of ", "because the address couldn't be found. Check for typos", "mx.example.com",
                      "542 ", " rejected", "\n"]
        for p in RemoteHostRules.providers {
            for word in p.words { pieces += [word, word.uppercased(), String(word.dropLast())] }
            for suffix in p.hostSuffixes { pieces += ["mx" + suffix, "MX" + suffix.uppercased(), "a" + suffix + "."] }
        }
        return pieces
    }()

    static let statuses: [EnhancedStatusCode?] = [
        nil, EnhancedStatusCode(statusClass: 5, subject: 1, detail: 1), EnhancedStatusCode(statusClass: 5, subject: 2, detail: 0),
        EnhancedStatusCode(statusClass: 4, subject: 4, detail: 1),
    ]
    static let replies: [ReplyCode?] = [nil, ReplyCode(550), ReplyCode(450)]
    static let hostChoices: [[String]] = [[], ["mx.example.net"], ["lsean.ezweb.ne.jp"], ["EUR01.PROD.OUTLOOK.COM"], ["mx.qq.com"]]
    static let domains = ["", "example.jp", "cox.net", "ezweb.ne.jp", "hotmail.com", "user@cox.net", "a@b@HOTMAIL.com",
                          "cox.net@", "ü@cox.net", "user@", "@"]

    @Test func agreesWithTheLoopItReplaced() {
        var generator = SplitMix64(seed: 151)  // seeded: every run reads the same inputs
        var decided = 0
        for round in 0..<6_000 {
            let count = generator.below(9)
            let diagnostic = (0..<count).map { _ in Self.pieces[generator.below(Self.pieces.count)] }.joined()
            let status = Self.statuses[generator.below(Self.statuses.count)]
            let reply = Self.replies[generator.below(Self.replies.count)]
            let hosts = Self.hostChoices[generator.below(Self.hostChoices.count)]
            let domain = Self.domains[generator.below(Self.domains.count)]
            // The Received fields name no provider, one, or (rarely) every one.
            let received: UInt64 = round % 7 == 0 ? 1 << UInt64(generator.below(RemoteHostRules.providers.count))
                : round % 97 == 0 ? .max : 0
            let expected = Self.referenceReason(diagnostic: diagnostic, status: status, reply: reply, hosts: hosts,
                                                recipient: domain, received: received)
            let found = Self.reason(diagnostic: diagnostic, status: status, reply: reply, hosts: hosts,
                                    recipient: domain, received: received)
            #expect(found == expected, "\(diagnostic.debugDescription) \(String(describing: status)) \(hosts) \(domain) \(received)")
            if expected != nil { decided += 1 }
        }
        // The inputs exercise the rules, not only their absence.
        #expect(decided > 1_000)
    }

    /// FrancePTT's rule read as bytes gives the Character reading's answer: labels, codes, stops,
    /// `_`, CR LF and non-ASCII text, lower-cased as the rule receives them.
    @Test func franceTelecomBytesAgreeWithCharacters() {
        let parts = ["lpn", "lpnaaa", "ofr", "ouk", "lp", "007", "_", "-", "416", "417", "999", "12", "5", " ", "]", ")", "[",
                     "(", "\r\n", "x", "é", "spf/dns de votre nom de domaine", "lpn007_416", "ouk_417"]
        var generator = SplitMix64(seed: 416)  // seeded: every run reads the same inputs
        var decided = 0
        for _ in 0..<20_000 {
            let text = (0..<generator.below(8)).map { _ in parts[generator.below(parts.count)] }.joined()
            let expected = RemoteHostRules.franceTelecomReasonByCharacters(text)
            #expect(RemoteHostRules.franceTelecomReason(text) == expected, "\(text.debugDescription)")
            if expected != nil { decided += 1 }
        }
        #expect(decided > 1_000)
    }

    /// Orange's codes as a switch (`franceTelecomReason(code:)`) give the table it replaced, for
    /// every three-digit number, and the digits' reading turns away bytes that are not digits.
    @Test func franceTelecomCodesAgreeWithTheFormerTable() {
        let table: [String: Reason] = [
            "101": .blocked, "102": .blocked, "103": .blocked, "104": .tooManyConn, "108": .blocked, "305": .securityError,
            "401": .authFailure, "402": .securityError, "403": .rejected, "405": .rejected, "415": .rejected,
            "416": .userUnknown, "417": .mailboxFull, "420": .suspend, "421": .rejected, "426": .suspend,
            "505": .systemError, "506": .spamDetected, "510": .blocked, "514": .mesgTooBig, "517": .authFailure,
            "630": .policyViolation, "999": .blocked,
        ]
        for code in 0...999 {
            let text = String(code / 100) + String(code / 10 % 10) + String(code % 10)
            #expect(RemoteHostRules.franceTelecomReason(code: code) == table[text], "\(text)")
            let bytes = Array(text.utf8)
            #expect(RemoteHostRules.franceTelecomReason(digits: bytes[0], bytes[1], bytes[2]) == table[text], "\(text)")
        }
        for byte in UInt8(0)...255 where !(0x30...0x39).contains(byte) {
            #expect(RemoteHostRules.franceTelecomReason(digits: 0x34, 0x31, byte) == nil)
            #expect(RemoteHostRules.franceTelecomReason(digits: byte, 0x31, 0x36) == nil)
        }
    }

    /// The phrase rules' phrases have one bit each in a UInt64 (`Matches.providerPhrases`), and the
    /// masks cover them once each, in order.
    @Test func phraseRulesFitTheMask() {
        #expect(RemoteHostRules.phraseReasons.count <= 64)
        #expect(RemoteHostRules.wordSetBits.count == RemoteHostRules.wordSets.count)
        var all: UInt64 = 0
        for (i, p) in RemoteHostRules.providers.enumerated() {
            let mask = RemoteHostRules.phraseMasks[i]
            #expect(mask.nonzeroBitCount == (p.phraseReasons?.count ?? 0), "\(p.name)")
            #expect(all & mask == 0 && (mask == 0 || mask.trailingZeroBitCount == all.nonzeroBitCount), "\(p.name)")
            all |= mask
        }
        #expect(all.nonzeroBitCount == RemoteHostRules.phraseReasons.count)
    }

    /// A phrase rule decided from the pass's phrase bits gives its rule's answer over the lower-cased
    /// text: every phrase alone, upper-cased, cut short, two phrases in either order, with 8-bit bytes,
    /// line ends and the characters whose lower case is ASCII, and the sisimai bsd diagnostics.
    @Test func phraseBitsAgreeWithTheRules() throws {
        var texts: [String] = ["", "\u{212A}", "USER UN\u{212A}NOWN", "user unknown\r\n", "\u{130}p frequency limited"]
        let phraseRules = RemoteHostRules.providers.filter { $0.phraseReasons != nil }
        for p in phraseRules {
            for (k, word) in p.words.enumerated() {
                texts += [word, word.uppercased(), String(word.dropLast()), "é" + word + "\n", "550 " + word.uppercased() + "\r\n日本"]
                let other = p.words[(k + 1) % p.words.count]
                texts += [word + " " + other, other.uppercased() + " x " + word]
            }
        }
        let corpus = try SisimaiDiagnostics.texts()
        #expect(!Corpus.isAvailable || corpus.count > 500, "\(corpus.count) corpus diagnostics")
        texts += corpus
        for text in texts {
            let words = DiagnosticWords.Matches(text)
            for (i, p) in RemoteHostRules.providers.enumerated() where p.phraseReasons != nil {
                let expected = p.decide(text.lowercasedIfNeeded(), nil, nil)
                guard let phrases = words.providerPhrases else {
                    #expect(words.providers == .max, "\(text.debugDescription)")
                    continue
                }
                let found = phrases & RemoteHostRules.phraseMasks[i]
                let decided = found == 0 ? nil : RemoteHostRules.phraseReasons[found.trailingZeroBitCount]
                #expect(decided == expected, "\(p.name): \(text.debugDescription)")
            }
        }
    }

    /// The rules decided by their words (`Provider.decideByWords`) have one bit a word in a UInt64
    /// (`Matches.providerRuleWords`), and give their rule's answer over the lower-cased text: every
    /// word alone, upper-cased, cut short, two words in either order, with 8-bit bytes, line ends,
    /// Orange's codes and the characters whose lower case is ASCII, and the sisimai bsd diagnostics,
    /// under each status and reply code.
    @Test func ruleWordsAgreeWithTheRules() throws {
        let byWords = RemoteHostRules.providers.indices.filter { RemoteHostRules.providers[$0].decideByWords != nil }
        #expect(byWords.map { RemoteHostRules.providers[$0].name } == ["FrancePTT", "GSuite", "MessageLabs", "NTTDOCOMO"])
        let last = try #require(byWords.last)
        #expect(RemoteHostRules.ruleWordStarts[last] + RemoteHostRules.providers[last].words.count <= 64)
        var texts: [String] = ["", "\u{212A}", "NO SUCH USER \u{212A}", "lpn\u{130}_416", "LPN007_416", "lpn007_416 ouk_417", "OFR_999]",
                               "ouk_417) ofr_101", "x LpN_416 y lpn_417", "lpn_41", "é lpn_416", "OFR_101 é", "lpnaaa_505",
                               "550 UNKNOWN USER", "542 x REJECTED", "542 rejected", " rejected 542 ", "542 \u{212A} rejected"]
        for i in byWords {
            let p = RemoteHostRules.providers[i]
            let words = p.words + (p.name == "MessageLabs" ? [" rejected"] : [])
            for (k, word) in words.enumerated() {
                texts += [word, word.uppercased(), String(word.dropLast()), "é" + word + "\n", "550 " + word.uppercased() + "\r\n日本"]
                let other = words[(k + 1) % words.count]
                texts += [word + " " + other, other.uppercased() + " x " + word, word + "_416 " + other + "007_999"]
            }
        }
        let corpus = try SisimaiDiagnostics.texts()
        #expect(!Corpus.isAvailable || corpus.count > 500, "\(corpus.count) corpus diagnostics")
        texts += corpus
        var decided = 0
        for text in texts {
            let matches = DiagnosticWords.Matches(text)
            for i in byWords {
                let p = RemoteHostRules.providers[i]
                guard let ruleWords = matches.providerRuleWords else {
                    #expect(matches.providers == .max && matches.providerPhrases == nil, "\(text.debugDescription)")
                    continue
                }
                for status in Self.statuses {
                    for reply in Self.replies {
                        let expected = p.decide(text.lowercasedIfNeeded(), status, reply)
                        let found = p.decideByWords?(ruleWords >> UInt64(RemoteHostRules.ruleWordStarts[i]), text, status, reply)
                        #expect(found == expected, "\(p.name): \(text.debugDescription) \(String(describing: status)) \(String(describing: reply))")
                        if expected != nil { decided += 1 }
                    }
                }
            }
        }
        #expect(decided > 500)
    }

    /// Each provider's rule returns nil for a text without any of its `words`, and its words are what
    /// `DiagnosticWords.Matches.providers` reports.
    @Test func everyRuleNeedsOneOfItsWords() {
        for (i, p) in RemoteHostRules.providers.enumerated() {
            let bit: UInt64 = 1 << UInt64(i)
            for word in p.words {
                #expect(DiagnosticWords.Matches("xx " + word.uppercased() + " yy").providers & bit != 0, "\(p.name): \(word)")
                // The words are lower-case ASCII: the rule reads the lower-cased diagnostic.
                #expect(word.utf8.allSatisfy { $0 < 0x80 } && word == word.lowercased(), "\(p.name): \(word)")
            }
            for suffix in p.hostSuffixes {
                #expect(DiagnosticWords.Matches("host MX" + suffix.uppercased()).providerSuffixes & bit != 0, "\(p.name): \(suffix)")
            }
        }
        #expect(DiagnosticWords.Matches("550 5.1.1 no mailbox here").providers == 0)
        // U+212A lower-cases to "k": every rule is asked.
        #expect(DiagnosticWords.Matches("user un\u{212A}nown").providers == .max)
    }
}

/// The recipients' diagnostics of every message of the sisimai bsd maildir, as `BounceAnalyzer`
/// reports them (none without the corpus).
enum SisimaiDiagnostics {
    static func texts() throws -> [String] {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return [] }
        let folder = Corpus.path("sisimai/maildir/bsd")
        var texts: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let report = BounceAnalyzer().analyze(bytes: ArraySlice([UInt8](data)))
            for recipient in report.recipients { texts.append(recipient.diagnostic) }
        }
        return texts
    }
}
