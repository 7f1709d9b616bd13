import Testing
@testable import BytePatterns
import TestSupport

/// The prefilter must never change an answer: `PatternSet` with it gives the same leftmost match and
/// alternative as PCRE2's own scan of the same alternation.
@Suite struct LiteralPrefilterTests {
    /// Every `[offset, group, alternative]` where a literal of `groups` occurs in `text`, by a plain byte
    /// comparison at every offset (ASCII case folded when `caseless`): the reference the searches are held to.
    static func occurrences(of groups: [[String]], in text: [UInt8], caseless: Bool) -> [[Int]] {
        func fold(_ b: UInt8) -> UInt8 { caseless ? LiteralPrefilter.fold(b) : b }
        var found: [[Int]] = []
        for offset in text.indices {
            for (g, alternatives) in groups.enumerated() {
                for (a, literal) in alternatives.enumerated() {
                    let l = Array(literal.utf8)
                    guard offset + l.count <= text.count else { continue }
                    var same = true
                    for k in l.indices where fold(text[offset + k]) != fold(l[k]) { same = false }
                    if same { found.append([offset, g, a]) }
                }
            }
        }
        return found
    }

    /// Every literal `automaton` reports in `text` ([offset, group, alternative]), in its order, the
    /// search never stopped (`twoWalks` as `forEachLiteral` takes it).
    static func reported(by automaton: PhraseAutomaton, in text: [UInt8], twoWalks: Bool = true) -> [[Int]] {
        var reported: [[Int]] = []
        _ = text.withUnsafeBytes { raw in
            automaton.forEachLiteral(in: raw, twoWalks: twoWalks) { offset, group, alternative -> Bool? in
                reported.append([offset, group, alternative])
                return nil
            }
        }
        return reported
    }

    @Test(arguments: [
        ("abc", [UInt8]("abc".utf8)),
        (#"5\.1\.1 bad"#, [UInt8]("5.1.1 bad".utf8)),
        ("mailbox (full|over)", [UInt8]("mailbox ".utf8)),
        ("non[- ]?delivery", [UInt8]("non".utf8)),
        ("ab?c", [UInt8]("a".utf8)),
        ("ab+c", [UInt8]("ab".utf8)),
        ("ab{2}", [UInt8]("a".utf8)),
        (#"\bword"#, []),
        ("(?i)x", []),
        ("abc|def", []),
        (#"\(.*@"#, [UInt8]("(".utf8)),
        ("[a-z]x", []),
        ("", []),
        ("a?", []),
        (#"\"#, []),
        (#"\.+x"#, [UInt8](".".utf8)),
        ("x(a|b)|y", []),
        ("[|]ab", []),
    ])
    func literalStartStopsAtTheFirstNonLiteral(pattern: String, expected: [UInt8]) {
        #expect(LiteralPrefilter.literalStart(of: pattern) == expected)
        // The test without the bytes says the same.
        #expect(LiteralPrefilter.hasLiteralStart(pattern) == !expected.isEmpty)
    }

    static let sets: [[String]] = [
        ["said: 550 blocked", "blacklisted by", "mailbox (full|over ?quota)", "<.*> not found", #"\(.*@.*:blocked\)"#, "no such user", "5\\.1\\.1", "ab"],
        ["unknown", "x", "user unknown", "unknown user"],
        ["original message follows", "copy of the message follows", "配信"],
    ]

    static let subjects: [String] = [
        "", "a", "ab", "xyz", "Said: 550 BLOCKED by policy", "the MAILBOX is full", "mailbox over quota",
        "<someone@example.com> not found", "host (mx@example.com:blocked) said", "No Such User here",
        "status 5.1.1 and ab", "unknown user xyz", "user unknown", "ends with a", "配信できません", "-----Original Message Follows-----",
        "copy of the message follows:\n\nReceived: ...", "\u{00}\u{FF}ab\u{0A}", String(repeating: "ab", count: 500) + "blacklisted by x",
    ]

    @Test(arguments: sets.indices)
    func sameAnswerAsPCRE2Scan(set index: Int) throws {
        let alternatives = Self.sets[index]
        let set = try PatternSet(alternatives, options: [.caseless])
        let plain = try BytePattern(alternatives.enumerated().map { "(?:\($1))(*MARK:\($0))" }.joined(separator: "|"), options: [.caseless])
        for subject in Self.subjects {
            let bytes = Array(subject.utf8)[...]
            let expected = plain.firstMatch(in: bytes)
            let found = set.firstMatch(in: bytes)
            #expect(found?.match.range == expected?.range, "\(alternatives) in \(subject.debugDescription)")
            #expect(found?.index == expected.flatMap { $0.mark.flatMap { Int($0) } }, "\(alternatives) in \(subject.debugDescription)")
            #expect(set.hasMatch(in: subject) == (expected != nil))
        }
    }

    /// The group tries single alternatives where their literals occur; a set with a back reference
    /// (numbered across the alternation) keeps its whole alternation. Either way: each set's `hasMatch`.
    @Test func groupAnswersAreEachSetsHasMatch() throws {
        let sets = try Self.sets.map { try PatternSet($0, options: [.caseless]) }
            + [try PatternSet([#"a(b)\1x"#, "zz"], options: [.caseless])]
        let group = PatternSetGroup(sets)
        for subject in Self.subjects + ["abbx", "ABBX", "abx zz", "no mailbox is full here",
                                          ":blocked) then (x@y", "(a@b:BLOCKED)", "<x> not\nfound", "> not found <x>", "<a>< not found"] {
            let answers = group.matches(in: subject)
            for (i, set) in sets.enumerated() {
                #expect(answers[i] == set.hasMatch(in: subject), "set \(i) in \(subject.debugDescription)")
            }
        }
    }

    @Test(arguments: [
        (#"\(.*@.*:blocked\)"#, ":blocked)"), ("<.*> not found", "> not found"), (#"<.*>\.\.\. blocked by "#, ">... blocked by "),
        ("(a|b).*Cd", "cd"), (#"x.*[abc\]]yz"#, "yz"), ("x{2}yz", "yz"), (#".*\bfoo"#, "foo"), ("host .* said: 5", " said: 5"),
        ("user unknown", nil), ("mailbox (full|over)", nil), ("a(?i)b.*c", nil), (#"x.*\d"#, nil), ("x.*ab?", nil),
        (#"x.*\x41"#, nil), (#"x.*\101"#, nil), ("a|b.*c", nil), ("x.*(?=y)", nil), (#"x.*\Qab"#, nil), ("x.*(*MARK:a)b", nil),
        (#"x.*\p{L}b"#, nil), ("x.*", nil),
    ] as [(String, String?)])
    func requiredSuffixIsTheLastLiteralRunAfterAWildcard(pattern: String, expected: String?) {
        #expect(RequiredSuffix.of(pattern, caseless: true) == expected.map { Array($0.utf8) })
    }

    /// A set compiled on first use knows whether it will have a prefilter without building one: the
    /// answer must be whether one is built.
    @Test func prefilterIsPossibleExactlyWhenOneIsBuilt() {
        let tables = Self.sets + [["abc", #"\bword"#], ["(?i)x"], ["abc|def"], ["[a-z]x", "y"], [], ["a", "b"]]
        for alternatives in tables {
            for options: PatternOptions in [[], [.caseless], [.caseless, .dotAll], [.utf], [.anchored]] {
                #expect(LiteralPrefilter.isPossible(alternatives: alternatives, options: options)
                        == (LiteralPrefilter(alternatives: alternatives, options: options) != nil), "\(alternatives) \(options)")
            }
        }
    }

    /// The suffix search (for the byte at any anchor: sixteen, then eight bytes at a time for a
    /// letter, memchr otherwise) finds what a plain byte-by-byte search finds, at every start offset,
    /// in texts long enough for several sixteen-byte blocks and the word loop.
    @Test func requiredSuffixSearchIsThePlainSearch() {
        func plain(_ suffix: [UInt8], _ text: [UInt8], from: Int, caseless: Bool) -> Int? {
            guard suffix.count > 0, from >= 0, text.count - from >= suffix.count else { return nil }
            for i in from...(text.count - suffix.count) {
                let hit = (0..<suffix.count).allSatisfy { k in
                    (caseless ? LiteralPrefilter.fold(text[i + k]) : text[i + k]) == suffix[k]
                }
                if hit { return i }
            }
            return nil
        }
        let alphabet = Array("aAbB zZ:@[`{".utf8)
        var generator = SplitMix64(seed: 501)  // seeded: every run reads the same inputs
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let suffix = (0..<Int.random(in: 1...3, using: &generator)).map { _ in LiteralPrefilter.fold(alphabet.randomElement(using: &generator)!) }
            for caseless in [true, false] {
                let wanted = caseless ? suffix : suffix.map { $0 }
                for from in 0...text.count {
                    for anchor in wanted.indices {
                        let found = text.withUnsafeBufferPointer {
                            RequiredSuffix.firstOccurrence(of: wanted, anchor: anchor, in: $0, from: from, caseless: caseless)
                        }
                        #expect(found == plain(wanted, text, from: from, caseless: caseless), "\(wanted) at \(anchor) in \(text) from \(from)")
                    }
                }
            }
        }
    }

    /// Random texts built from the pieces of the sets' patterns, where suffixes and literal starts come
    /// in every order: the group's answers (which skip alternatives whose suffix does not follow) are
    /// each set's `hasMatch` (which does not).
    @Test func groupAnswersAreEachSetsHasMatchOnRandomText() throws {
        let sets = try Self.sets.map { try PatternSet($0, options: [.caseless]) }
            + [try PatternSet(["(a|b).*Cd", "host .* said: 5", "x{2}yz", #"<.*>\.\.\. blocked by "#], options: [.caseless])]
        let group = PatternSetGroup(sets)
        let pieces = ["(", ")", "@", ":blocked)", ":BLOCKED", "<", ">", "> not found", "> NOT", " found", "\n", "host ", " said: 5",
                      "xx", "yz", "a", "cd", "CD", ">... blocked by ", "mailbox ", "full", "user unknown", " ", "x"]
        var generator = SplitMix64(seed: 502)  // seeded: every run reads the same inputs
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...14, using: &generator)
            let subject = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let answers = group.matches(in: subject)
            for (i, set) in sets.enumerated() {
                #expect(answers[i] == set.hasMatch(in: subject), "set \(i) in \(subject.debugDescription)")
            }
        }
    }

    @Test(arguments: [
        ("user (does not exist|unknown)", true), ("<.*> not found", true), ("(?:x)y", true), ("(?i)x", true),
        ("x(?=y)", true), ("x(?<!y)", true), (#"a(b)\1"#, false), ("a(?1)", false), ("(*MARK:m)x", false),
        (#"a(?<n>b)\k<n>"#, false), ("(?|a|b)", false), ("(?(1)a|b)", false), (#"a\g1"#, false),
    ])
    func standsAloneOnlyWithoutNumberedReferences(pattern: String, expected: Bool) {
        #expect(PatternSetGroup.standsAlone(pattern) == expected)
    }

    /// A set compiles only the alternation it runs; when that fails, the error still names the
    /// alternative at fault, with or without a prefilter.
    @Test(arguments: [["fine", "broken("], [#"\bfine"#, "broken("]])
    func aBrokenAlternativeIsNamed(patterns: [String]) {
        do {
            _ = try PatternSet(patterns)
            Issue.record("\(patterns) compiled")
        } catch {
            #expect(error.message.contains(#"in alternative "broken(""#), "\(error.message)")
        }
    }

    @Test func literalSetsAgreeWithoutCase() throws {
        let set = PatternSet(literals: ["Mail Delivery Failed", "a.b", "(x)"])
        #expect(set.hasMatch(in: "re: MAIL delivery failed!"))
        #expect(set.hasMatch(in: "xa.by"))
        #expect(!set.hasMatch(in: "axb"))
        #expect(set.firstMatch(in: "..(x)..")?.match.range == 2..<5)
    }

    /// Every literal found where a plain byte comparison finds it, by the prefilter (the trie walk of
    /// the long literals, the table of the short ones: offsets left to right) and by the automaton
    /// (ordered by where literals end): literals that are prefixes of each other,
    /// share their first three bytes, or differ only in case, over random text made of their pieces.
    @Test(arguments: [true, false])
    func everyLiteralFoundWhereItOccurs(caseless: Bool) throws {
        let groups: [[String]] = [["mes", "message", "messages", "Message rejected", "me", "m"],
                                  ["mess", "mailbox", "mail", "you", "your mailbox", "yo", "x"],
                                  ["message re", "mailbox full", "maIl", "y", "the ", "them", "thee"],
                                  // Longer than the automaton's depth: the rest compared at the candidate.
                                  ["message rejected", "messages rejected", "your mailbox is full", "your mailbox is fine"]]
        let prefilter = try #require(LiteralPrefilter(groups: groups, options: caseless ? [.caseless] : []))
        let automaton = try #require(PhraseAutomaton(groups: groups, options: caseless ? [.caseless] : []))
        let pieces = ["m", "M", "e", "s", "sage", "SAGE", "ss", " ", "re", "rejected", "ai", "AI", "l", "box", " full",
                      "you", "r", "th", "e", "x", "y", "o", " is ", "fine", "s rejected"] + groups.joined() + groups.joined().map { $0.uppercased() }
        var generator = SplitMix64(seed: 503)  // seeded: every run reads the same inputs
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...16, using: &generator)
            let text = Array((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined().utf8)
            let expected = Self.occurrences(of: groups, in: text, caseless: caseless)
            var found: [[Int]] = []
            _ = text.withUnsafeBytes { raw in
                prefilter.forEachLiteral(in: raw) { offset, group, alternative -> Bool? in
                    found.append([offset, group, alternative])
                    return nil
                }
            }
            #expect(found.map { $0[0] } == found.map { $0[0] }.sorted(), "offsets out of order in \(String(decoding: text, as: UTF8.self))")
            #expect(Set(found) == Set(expected) && found.count == expected.count, "\(String(decoding: text, as: UTF8.self))")
            // The automaton finds the same, ordered by where each literal's first `maxDepth` bytes end.
            let reported = Self.reported(by: automaton, in: text)
            let ends = reported.map { $0[0] + min(PhraseAutomaton.maxDepth, groups[$0[1]][$0[2]].utf8.count) }
            #expect(ends == ends.sorted(), "ends out of order in \(String(decoding: text, as: UTF8.self))")
            #expect(Set(reported) == Set(expected) && reported.count == expected.count, "\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// A long text is read by two walks at once (`PhraseAutomaton.walk`): `body` must see the same
    /// literals in the same order as from one walk, and the same value stop the search at the same
    /// place; texts from 0 to ~400 bytes, dense with literals (more stops past the middle than the
    /// second walk holds) or sparse, literals across the middle, and a stop after every k-th literal.
    @Test(arguments: [true, false])
    func twoWalksReportAsOneWalk(caseless: Bool) throws {
        let groups: [[String]] = [["mes", "message", "messages", "Message rejected", "me", "m"],
                                  ["mess", "mailbox", "mail", "you", "your mailbox", "yo", "x"],
                                  ["message re", "mailbox full", "maIl", "y", "the ", "them", "thee"],
                                  ["message rejected", "messages rejected", "your mailbox is full", "your mailbox is fine"]]
        let automaton = try #require(PhraseAutomaton(groups: groups, options: caseless ? [.caseless] : []))
        let dense = ["m", "M", "e", "s", "sage", "ss", " ", "re", "rejected", "ai", "l", "box", " full", "you", "y", "x",
                     "your mailbox is full", "message rejected", "them"]
        let sparse = ["a", "b", "c", "d", " ", "q", "\n", "\u{E9}", "zz", "mess", "your mailbox is fine", "\r\n"]
        var generator = SplitMix64(seed: 2_030)
        var longTexts = 0
        for round in 0..<3_000 {
            let pieces = round % 2 == 0 ? dense : sparse
            let count = Int.random(in: 0...90, using: &generator)
            let text = Array((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined().utf8)
            if text.count >= PhraseAutomaton.twoWalksMinimum { longTexts += 1 }
            func reported(twoWalks: Bool, stopAfter limit: Int) -> (seen: [[Int]], result: Int?) {
                var seen: [[Int]] = []
                let result: Int? = text.withUnsafeBytes { raw in
                    automaton.forEachLiteral(in: raw, twoWalks: twoWalks) { offset, group, alternative -> Int? in
                        seen.append([offset, group, alternative])
                        return seen.count == limit ? offset : nil
                    }
                }
                return (seen, result)
            }
            let all = reported(twoWalks: false, stopAfter: 0)
            let both = reported(twoWalks: true, stopAfter: 0)
            #expect(both.seen == all.seen, "\(String(decoding: text, as: UTF8.self))")
            #expect(both.result == nil)
            if !all.seen.isEmpty {
                let limit = Int.random(in: 1...all.seen.count, using: &generator)
                let one = reported(twoWalks: false, stopAfter: limit), two = reported(twoWalks: true, stopAfter: limit)
                #expect(two.seen == one.seen && two.result == one.result && two.seen.count == limit)
            }
        }
        #expect(longTexts > 1_000)
    }

    /// Long texts, dense or sparse with literals, against a byte comparison at every offset, read by
    /// one walk and by two: the walks take four steps before they test for a stop, and collect up
    /// to `stopsCapacity` stops before they report them (`advanceTwo`, `advanceOne`), so a stop at
    /// each step of a pass, more stops than that room, and texts whose length leaves one to three
    /// bytes after the last pass must all be reported once, where they occur.
    @Test(arguments: [true, false])
    func longTextsFoundWhereTheyOccur(caseless: Bool) throws {
        let groups: [[String]] = [["mes", "message", "Message rejected", "me", "m"],
                                  ["mailbox", "mail", "you", "your mailbox is full", "x"],
                                  ["message re", "maIl", "y", "the ", "them"]]
        let automaton = try #require(PhraseAutomaton(groups: groups, options: caseless ? [.caseless] : []))
        let dense = ["m", "M", "e", "s", "sage", " ", "re", "rejected", "ai", "l", "box", " full", "you", "y", "x", "them"]
        let sparse = ["a", "b", "c", "d", " ", "q", "\n", "zz", "\u{E9}", "your mailbox is full", "m"]
        var generator = SplitMix64(seed: 4_417)
        for round in 0..<1_500 {
            let pieces = round % 3 == 0 ? sparse : dense
            let count = Int.random(in: 10...160, using: &generator)
            let text = Array((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined().utf8)
            let expected = Self.occurrences(of: groups, in: text, caseless: caseless)
            for twoWalks in [true, false] {
                let reported = Self.reported(by: automaton, in: text, twoWalks: twoWalks)
                #expect(Set(reported) == Set(expected) && reported.count == expected.count,
                        "\(twoWalks) \(String(decoding: text, as: UTF8.self))")
            }
        }
    }

    /// The second walk never waits before it has passed the middle (its stops up to there, at most
    /// `maxDepth`, never fill the room for held stops): the walk that finishes it alone would report
    /// the first walk's stops again.
    @Test func heldStopsOutnumberTheOverlap() {
        #expect(PhraseAutomaton.stopsCapacity > PhraseAutomaton.maxDepth)
    }

    /// `PhraseAutomaton.transposed` writes every slot of the rows in range where a slot at a time
    /// would, and nothing else: widths and row counts below eight (a slot at a time), multiples of
    /// eight and not (the last block overlapping the one before), ranges not starting at 0, columns
    /// shifted by different amounts (as `columnStart` shifts them).
    @Test func transposedIsTheSlotBySlotCopy() {
        var generator = SplitMix64(seed: 88)
        for width in [1, 7, 8, 9, 15, 16, 17, 55, 64] {
            for range in [0..<0, 0..<1, 0..<7, 0..<8, 0..<9, 3..<19, 5..<13, 0..<40, 11..<50] {
                let rowCount = 50, height = 64
                let starts = (0..<width).map { $0 * height + ($0 % 3) * 5 }
                let rows = (0..<(rowCount * width)).map { _ in UInt16.random(in: 0...UInt16.max, using: &generator) }
                var expected = [UInt16](repeating: 0xABCD, count: width * height + 10)
                for s in range {
                    for c in 0..<width { expected[starts[c] + s] = rows[s * width + c] }
                }
                var columns = [UInt16](repeating: 0xABCD, count: width * height + 10)
                rows.withUnsafeBufferPointer { from in
                    columns.withUnsafeMutableBufferPointer { to in
                        starts.withUnsafeBufferPointer { starts in
                            PhraseAutomaton.transposed(rows: from.baseAddress!, width: width, states: range, to: to.baseAddress!,
                                                       columnStarts: starts)
                        }
                    }
                }
                #expect(columns == expected, "width \(width), rows \(range)")
            }
        }
    }

    /// `PhraseAutomaton.writeMasks`, sixteen at a time, gives each byte the mask a byte at a time
    /// gives: 0x20 for a lower-case letter when caseless, else 0; every byte value, counts below,
    /// at and past sixteen.
    @Test func masksAreEachBytes() {
        var generator = SplitMix64(seed: 2_626)
        for caseless in [true, false] {
            for count in [0, 1, 15, 16, 17, 32, 33, 100, 256] {
                let bytes = count == 256 ? (0...255).map { UInt8($0) } : (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                var masks = [UInt8](repeating: 0xFF, count: count)
                bytes.withUnsafeBufferPointer { from in
                    masks.withUnsafeMutableBufferPointer { PhraseAutomaton.writeMasks(of: from, caseless: caseless, to: $0) }
                }
                #expect(masks == bytes.map { caseless && $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? 0x20 : 0 }, "\(caseless) \(count)")
            }
        }
    }

    /// An automaton of many literals (hundreds of states, each kind of state, with outputs or without,
    /// in blocks of eight and a remainder; dozens of byte classes) finds every literal where a byte
    /// comparison does, over random text.
    @Test(arguments: [true, false])
    func manyLiteralsFoundWhereTheyOccur(caseless: Bool) throws {
        var generator = SplitMix64(seed: 9_117)
        let letters = Array("abcdeEfgHilmnorsStuy ,-5".utf8)
        func word(_ length: Int) -> String {
            String(decoding: (0..<length).map { _ in letters.randomElement(using: &generator)! }, as: UTF8.self)
        }
        let groups: [[String]] = (0..<3).map { _ in (0..<120).map { _ in word(Int.random(in: 1...18, using: &generator)) } }
        let automaton = try #require(PhraseAutomaton(groups: groups, options: caseless ? [.caseless] : []))
        let pieces = groups.joined().map { $0 } + (0..<20).map { _ in word(Int.random(in: 1...4, using: &generator)) }
        for _ in 0..<300 {
            let count = Int.random(in: 0...40, using: &generator)
            let text = Array((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined().utf8)
            let expected = Self.occurrences(of: groups, in: text, caseless: caseless)
            let reported = Self.reported(by: automaton, in: text)
            #expect(Set(reported) == Set(expected) && reported.count == expected.count, "\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// The columns of the transition table lie a power of two at least the state count apart, each
    /// shifted (`columnStart`), so that a flagged state's slot (`maxStates`, the flag, further on) is
    /// never an unflagged state's, and the table is at most about twice the slots in use: every slot of
    /// every state in a table of `width` columns checked, for several state counts and widths and a
    /// random split into unflagged states and flagged ones, numbered after them as `init` numbers them.
    @Test func flaggedSlotsNeverMeetUnflaggedOnes() {
        for stateCount in [1, 2, 3, 5, 64, 65, 100, 1_000, 4_096, 4_097, 4_500, PhraseAutomaton.maxStates] {
            let stride = PhraseAutomaton.columnStride(stateCount: stateCount)
            #expect(stride >= stateCount && stride < 2 * max(1, stateCount) && stride.nonzeroBitCount == 1)
            #expect(PhraseAutomaton.maxStates % stride == 0)
            // Enough columns for a flagged slot to reach past the flag's distance into later columns,
            // and the reason phrases' 59.
            for width in [PhraseAutomaton.maxStates / stride + 2, 59] {
                // A state's slot in column c, unflagged or flagged (its number with the flag): for two
                // different states never the same, whichever of them is flagged.
                var owner = [Int: Int]()
                var generator = SplitMix64(seed: UInt64(stateCount))
                let plainCount = generator.below(stateCount + 1)
                let checked = stateCount <= 2_000 ? Array(0..<stateCount) : Array(0..<1_000) + Array((stateCount - 1_000)..<stateCount)
                for state in checked {
                    let flagged = state >= plainCount
                    for c in 0..<width {
                        let slot = PhraseAutomaton.columnStart(c, width: width, stateCount: stateCount)
                            + (flagged ? state + PhraseAutomaton.maxStates : state)
                        #expect(slot < width * stride + PhraseAutomaton.maxStates)
                        #expect(owner.updateValue(state, forKey: slot) == nil, "\(stateCount) \(width) \(state) \(c)")
                    }
                }
            }
        }
    }

    /// The columns' shifts stay in the room the stride leaves above the states and never grow from a
    /// column to a later one (which `flaggedSlotsNeverMeetUnflaggedOnes` relies on), and put the reason
    /// phrases' 59 columns of 4,500 states (16 KiB apart, each a multiple of the first-level data
    /// cache's 4 KiB period) into 59 different cache sets, not all into one.
    @Test func columnsBeginInDifferentCacheSets() {
        for stateCount in [1, 2, 3, 5, 64, 65, 100, 1_000, 3_283, 4_096, 4_097, 4_500, 20_000, PhraseAutomaton.maxStates] {
            let stride = PhraseAutomaton.columnStride(stateCount: stateCount)
            for width in [1, 2, 23, 59, 300] {
                var before = Int.max
                for c in 0..<width {
                    let shift = PhraseAutomaton.columnStart(c, width: width, stateCount: stateCount) - c * stride
                    #expect(shift >= 0 && shift + stateCount <= stride, "\(stateCount) \(width) \(c)")
                    #expect(shift <= before, "\(stateCount) \(width) \(c)")
                    before = shift
                }
            }
        }
        // A slot is two bytes; a set is a 64-byte line's place in 4 KiB.
        let sets = Set((0..<59).map { (PhraseAutomaton.columnStart($0, width: 59, stateCount: 4_500) * 2 / 64) % 64 })
        #expect(sets.count == 59)
    }

    /// An automaton too large for its table is not built (the group then scans with the prefilter),
    /// and neither is one for options a prefilter is not built for.
    @Test func automatonOnlyWithinItsLimits() {
        // Distinct literals of three letters from 36 symbols: every one a new path of three states.
        let symbols = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var large: [String] = []
        for a in symbols { for b in symbols { for c in symbols { large.append(String([a, b, c])) } } }
        #expect(PhraseAutomaton(groups: [large], options: [.caseless]) == nil)
        #expect(PhraseAutomaton(groups: [Array(large.prefix(2_000))], options: [.caseless]) != nil)
        #expect(PhraseAutomaton(groups: [["abc"]], options: [.utf]) == nil)
        #expect(PhraseAutomaton(groups: [["abc", #"\bx"#]], options: []) == nil)
    }

    /// `PatternSetGroup.openingParentheses` (memchr) against the UTF-8 view's `count(where:)` it replaced,
    /// over edge cases and random byte strings (8-bit included, `(` at the ends and in runs).
    @Test func openingParenthesesAgreesWithCountingTheView() {
        let reference: (String) -> Int = { $0.utf8.count { $0 == UInt8(ascii: "(") } }
        for text in ["", "(", "((", "a(", "(a", "a(b(c", "\\(x)", "é(ü)(", String(repeating: "(", count: 40)] {
            #expect(PatternSetGroup.openingParentheses(in: text) == reference(text), "\(text)")
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x28, 0x29, 0x41, 0x61, 0x5C, 0x20, 0x0A, 0xC3, 0xA9, 0xFF]
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...64, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(PatternSetGroup.openingParentheses(in: text) == reference(text))
        }
    }

    /// `standsAlone`'s word-at-a-time pass against the byte loop it replaced: patterns of 0-40 bytes
    /// from the bytes that decide (`\`, `(`, and what may follow them) and others, each decider
    /// in every place of a word, the last byte included (where it decides nothing).
    @Test func standsAloneAgreesWithTheByteLoop() {
        func reference(_ pattern: String) -> Bool {
            let p = Array(pattern.utf8)
            for i in p.indices.dropLast() {
                let next = p[i + 1]
                if p[i] == UInt8(ascii: "\\") && ((next >= UInt8(ascii: "1") && next <= UInt8(ascii: "9"))
                    || next == UInt8(ascii: "g") || next == UInt8(ascii: "k")) { return false }
                if p[i] == UInt8(ascii: "(") && (next == UInt8(ascii: "*") || next == UInt8(ascii: "?")) {
                    guard next == UInt8(ascii: "?"), i + 2 < p.count else { return false }
                    guard ":=!<ismx>".utf8.contains(p[i + 2]) else { return false }
                }
            }
            return true
        }
        let pieces = ["a", "b", " ", "\\", "(", "?", "*", "1", "g", "k", ":", "P", "\u{e9}", "[", ")", "x", "|"]
        var generator = SplitMix64(seed: 2_718)  // seeded: every run reads the same inputs
        var refused = 0
        for round in 0..<20_000 {
            let count = Int.random(in: 0...40, using: &generator)
            // Mostly plain bytes, so that words without a decider occur, and deciders land anywhere.
            let pattern = (0..<count).map { _ in
                Int.random(in: 0..<4, using: &generator) == 0 || round % 3 == 0 ? pieces.randomElement(using: &generator)! : "a"
            }.joined()
            let expected = reference(pattern)
            if !expected { refused += 1 }
            #expect(PatternSetGroup.standsAlone(pattern) == expected, "\(pattern)")
        }
        #expect(refused > 1_000)
    }

    /// `RequiredSuffix.anchor` by its table against the rarity it was defined by (the space 0, letters
    /// of either case 1 + their rank by frequency in English, any other byte 40; the first of the
    /// rarest): every byte value, ties, empty and random suffixes.
    @Test func anchorIsTheFirstRarestByte() {
        let frequency = Array("etaoinsrhldcumfpgwybvkxjqz".utf8)
        func rarity(_ byte: UInt8) -> Int {
            if byte == 0x20 { return 0 }
            guard let rank = frequency.firstIndex(of: LiteralPrefilter.fold(byte)) else { return 40 }
            return 1 + rank
        }
        func reference(_ suffix: [UInt8]) -> Int {
            var anchor = 0
            for k in suffix.indices.dropFirst() where rarity(suffix[k]) > rarity(suffix[anchor]) { anchor = k }
            return anchor
        }
        for byte in 0...255 { #expect(Int(RequiredSuffix.rarities[byte]) == rarity(UInt8(byte)), "\(byte)") }
        for suffix in [[], [0x20], [0x20, 0x20], [0x3A, 0x3E], Array("eE".utf8), Array("Ee z".utf8), Array(" not found".utf8)] as [[UInt8]] {
            #expect(RequiredSuffix.anchor(of: suffix) == reference(suffix), "\(suffix)")
        }
        var generator = SplitMix64(seed: 3_141)
        let alphabet = Array(" eEtTzZqQ:>@.1\u{e9}".utf8)
        for _ in 0..<5_000 {
            let suffix = (0..<Int.random(in: 0...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            #expect(RequiredSuffix.anchor(of: suffix) == reference(suffix), "\(suffix)")
        }
    }
}
