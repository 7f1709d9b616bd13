import Testing
@testable import BytePatterns
import TestSupport

/// `LiteralChains` reads a pattern as the literals its matches are made of; `PatternSetGroup` decides
/// such patterns by byte comparisons instead of PCRE2, so the two must agree on every text.
@Suite struct LiteralChainsTests {
    /// `holdsMeta`, sixteen bytes at a time, says what a byte-by-byte look for the metacharacters
    /// says: every byte value at every place, in texts shorter than a block, of one, and longer
    /// (the last block overlapping the one before).
    @Test func holdsMetaIsTheByteLoop() {
        let metas = Set("\\^$.|?*+()[]{}".utf8)
        var generator = SplitMix64(seed: 1_616)
        for count in [0, 1, 5, 15, 16, 17, 31, 32, 33, 47] {
            for _ in 0..<40 {
                let plain = (0..<count).map { _ in UInt8(ascii: "a") &+ UInt8.random(in: 0..<26, using: &generator) }
                #expect(!plain.withUnsafeBufferPointer(LiteralChains.holdsMeta))
                for place in 0..<count {
                    var text = plain
                    text[place] = UInt8.random(in: 0...255, using: &generator)
                    #expect(text.withUnsafeBufferPointer(LiteralChains.holdsMeta) == metas.contains(text[place]), "\(text) at \(place)")
                }
            }
        }
        for byte in 0...255 {
            let text = [UInt8](repeating: UInt8(ascii: "x"), count: 20) + [UInt8(byte)]
            #expect(text.withUnsafeBufferPointer(LiteralChains.holdsMeta) == metas.contains(UInt8(byte)), "\(byte)")
        }
    }

    @Test(arguments: [
        ("user unknown", [["user unknown"]]),
        (#"5\.1\.1 bad"#, [["5.1.1 bad"]]),
        ("No Such (User|Mailbox)", [["no such user"], ["no such mailbox"]]),
        ("unrout(e)?able address", [["unrouteable address"], ["unroutable address"]]),
        ("recipient ?notfound", [["recipient notfound"], ["recipientnotfound"]]),
        ("mailbox .*full", [["mailbox ", "full"]]),
        (#"\(.*@.*:blocked\)"#, [["(", "@", ":blocked)"]]),
        ("disk.*.*quota.*", [["disk", "quota"]]),
        ("a(b|)c", [["abc"], ["ac"]]),
        ("a(b|c).*(d|e)f", [["ab", "df"], ["ab", "ef"], ["ac", "df"], ["ac", "ef"]]),
        ("a.*(b)?.*c", [["a", "b", "c"], ["a", "c"]]),
        ("(b|c)d", [["bd"], ["cd"]]),
        ("a(b)?", [["ab"], ["a"]]),
        // Choices that spell a chain given already: given once, where it first came.
        ("a(b)?(b)?c", [["abbc"], ["abc"], ["ac"]]),
        ("x(y|y).*z", [["xy", "z"]]),
        ("(a|b).*(c|c)", [["a", "c"], ["b", "c"]]),
        // Runs of plain bytes read at once, up to a byte that a quantifier follows.
        ("abc?d", [["abcd"], ["abd"]]),
        ("xy.*ab?", [["xy", "ab"], ["xy", "a"]]),
        ("mail box(es)? full", [["mail boxes full"], ["mail box full"]]),
        (#"no\.such user.*here"#, [["no.such user", "here"]]),
    ] as [(String, [[String]])])
    func chainsOfPhrases(pattern: String, expected: [[String]]) {
        let chains = LiteralChains.of(pattern, options: [.caseless, .dotAll])
        #expect(chains == expected.map { $0.map { Array($0.utf8) } }, "\(pattern)")
    }

    @Test(arguments: [
        "a.b", "a.+b", "a.*?b", "a.*+b", ".*a", "(a)?.*b", "a|b", "a*b", "a+b", "a{2}", "ab??c", "a(b)?+c", "a(b)*",
        "a(b(c))", "a(?:b)", "(?i)a", "a[bc]", #"a\d"#, #"a\bb"#, #"a\x41"#, "^a", "a$", "a]", "a}", "", "(b|)",
        "a(b|c", #"a\"#, "(*MARK:x)a", "abc*d", "abc+d", "abc{2}", "abc.d", "abc|d", "abc^",
    ])
    func patternsOfOtherShapesGiveNone(pattern: String) {
        #expect(LiteralChains.of(pattern, options: [.caseless, .dotAll]) == nil, "\(pattern)")
    }

    /// `plain` is `of`'s one literal exactly when `of` gives one chain of one literal read from a
    /// pattern without metacharacters, and nil otherwise, under each set of options.
    @Test(arguments: [
        "user unknown", "User Unknown", "5.1.1", #"5\.1\.1 bad"#, "a-b@c, d; e", "\u{130}x", "x", "", "a(b)?", "(b|c)d",
        "mailbox .*full", "a|b", "a]", "a}", "a{2}", "^a", "a$", "a+", "a*", "a?", "[a]",
    ])
    func plainLiteralsAreOfsOneLiteral(pattern: String) {
        for options: PatternOptions in [[.caseless, .dotAll], [.caseless], [], [.dotAll], [.utf], [.caseless, .extended]] {
            let plain = LiteralChains.plain(pattern, options: options)
            // Appended after bytes already there, or nothing appended.
            var appended: [UInt8] = [0x41, 0x28]
            let count = LiteralChains.plain(pattern, options: options, appendingTo: &appended)
            #expect(count == plain?.count && appended == [0x41, 0x28] + (plain ?? []), "\(pattern) \(options)")
            let metas = pattern.utf8.contains { "\\^$.|?*+()[]{}".utf8.contains($0) }
            if pattern.isEmpty || metas || options.contains(.utf) || options.contains(.extended) {
                #expect(plain == nil, "\(pattern) \(options)")
            } else {
                #expect(plain.map { [[$0]] } == LiteralChains.of(pattern, options: options), "\(pattern) \(options)")
                let bytes = Array(pattern.utf8)
                #expect(plain == (options.contains(.caseless) ? bytes.map(LiteralPrefilter.fold) : bytes), "\(pattern) \(options)")
            }
        }
    }

    @Test func optionsDecide() {
        // `.` stops at a line end without `.dotAll`; `.utf` and `.extended` change what bytes a literal matches.
        #expect(LiteralChains.of("a.*b", options: [.caseless]) == nil)
        #expect(LiteralChains.of("ab", options: [.utf]) == nil)
        #expect(LiteralChains.of("a b", options: [.extended]) == nil)
        // Without `.caseless` the bytes stay as written.
        #expect(LiteralChains.of("AbC", options: []) == [[Array("AbC".utf8)]])
        // Too many chains: 2^6 = 64 > maxExpansions.
        #expect(LiteralChains.of("(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)", options: []) == nil)
        #expect(LiteralChains.of("(a|b)(a|b)(a|b)(a|b)(a|b)", options: [])?.count == 32)
    }

    /// Random patterns of the shapes `LiteralChains` reads, as a group and each set alone (both
    /// decided by byte comparisons), over random texts of their pieces: each answer is PCRE2's scan
    /// of the set's alternation. Short literals from a small
    /// alphabet, so that literals overlap, follow each other at once (`a.*b` on "ab"), occur only
    /// before the first literal, or end the text; texts of CR, LF and 8-bit bytes. With `longFirst`,
    /// each pattern's first literal is at least `GroupPlan.searchedFirstLength` bytes long (the
    /// finder looks for such a chain's first literal; a shorter one is searched for after the
    /// pass), and the texts are made of those literals too.
    @Test(arguments: [true, false], [false, true])
    func groupDecidesChainsAsPCRE2Does(caseless: Bool, longFirst: Bool) throws {
        var generator = SplitMix64(seed: (caseless ? 601 : 602) + (longFirst ? 10 : 0))  // seeded: every run reads the same inputs
        let letters = ["a", "b", "A", "B", "ab", "ba", "\u{e9}", "-"]
        func literal() -> String {
            (0..<Int.random(in: 1...3, using: &generator)).map { _ in letters.randomElement(using: &generator)! }.joined()
        }
        func piece() -> String {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: return ".*"
            case 1: return "(" + (0..<Int.random(in: 1...3, using: &generator)).map { _ in literal() }.joined(separator: "|") + ")"
            case 2: return "(" + literal() + ")?"
            case 3: return letters.randomElement(using: &generator)!.prefix(1) + "?"
            default: return literal()
            }
        }
        let options: PatternOptions = caseless ? [.caseless, .dotAll] : [.dotAll]
        for _ in 0..<60 {
            var sets: [PatternSet] = []
            var firsts: [String] = []
            for _ in 0..<3 {
                var patterns: [String] = []
                while patterns.count < 4 {
                    var first = literal()
                    while longFirst && first.utf8.count < 8 { first += literal() }
                    let pattern = first + (0..<Int.random(in: 0...4, using: &generator)).map { _ in piece() }.joined()
                    guard LiteralChains.of(pattern, options: options) != nil else { continue }
                    patterns.append(pattern)
                    if longFirst { firsts += [first, first.uppercased()] }
                }
                sets.append(try PatternSet(patterns, options: options))
            }
            let group = PatternSetGroup(sets)
            // PCRE2's own scan of each set's alternation: no prefilter, no byte decisions.
            let oracles = try sets.map { try BytePattern($0.patterns.map { "(?:\($0))" }.joined(separator: "|"), options: options) }
            let pieces = letters + ["\n", "\r\n", "\r", "x", "AB", "\u{ff}"] + firsts
            for _ in 0..<40 {
                let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
                let answers = group.matches(in: text)
                for (i, set) in sets.enumerated() {
                    let expected = oracles[i].hasMatch(in: text)
                    #expect(answers[i] == expected, "\(set.patterns) in \(text.debugDescription)")
                    #expect(set.hasMatch(in: text) == expected, "\(set.patterns) alone in \(text.debugDescription)")
                    #expect(set.hasMatch(in: Array(text.utf8)[...]) == expected, "\(set.patterns) alone in \(text.debugDescription)")
                }
            }
        }
    }

    /// A set of plain literals finds its leftmost match by the automaton, which reports literals
    /// where their first `maxDepth` bytes end: the match and the alternative must be PCRE2's, for
    /// literals longer than that depth, overlapping, prefixes of one another, repeated, in any case.
    @Test func leftmostLiteralIsPCRE2sLeftmostMatch() throws {
        var generator = SplitMix64(seed: 603)  // seeded: every run reads the same inputs
        let letters = ["a", "b", "A", "ab", "aaaa", "abababab", "\u{e9}"]
        for _ in 0..<300 {
            let literals = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
                (0..<Int.random(in: 1...5, using: &generator)).map { _ in letters.randomElement(using: &generator)! }.joined()
            }
            let set = PatternSet(literals: literals)
            let oracle = try BytePattern(set.patterns.enumerated().map { "(?:\($1))(*MARK:\($0))" }.joined(separator: "|"), options: [.caseless])
            for _ in 0..<20 {
                let pieces = letters + ["x", "\n", "B"]
                let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
                let bytes = Array(text.utf8)[...]
                let expected = oracle.firstMatch(in: bytes)
                let found = set.firstMatch(in: bytes)
                #expect(found?.match.range == expected?.range, "\(literals) in \(text.debugDescription)")
                #expect(found?.index == expected.flatMap { $0.mark.flatMap { Int($0) } }, "\(literals) in \(text.debugDescription)")
                #expect(set.firstMatch(in: text)?.match.range == expected?.range, "\(literals) in \(text.debugDescription)")
                #expect(set.hasMatch(in: text) == (expected != nil), "\(literals) in \(text.debugDescription)")
            }
        }
    }
}

extension LiteralChains {
    /// The one literal of a plain pattern as an array, the tests' reference for
    /// `plain(_:options:appendingTo:)` (which `GroupPlan` calls): the pattern's bytes, folded when
    /// caseless, when it is not empty and holds no metacharacter (`holdsMeta`), under options that
    /// read it byte for byte; else nil.
    static func plain(_ pattern: String, options: PatternOptions) -> [UInt8]? {
        guard !options.contains(.utf), !options.contains(.extended) else { return nil }
        let bytes = Array(pattern.utf8)
        guard !bytes.isEmpty, !bytes.withUnsafeBufferPointer(holdsMeta) else { return nil }
        return options.contains(.caseless) ? bytes.map(LiteralPrefilter.fold) : bytes
    }
}
