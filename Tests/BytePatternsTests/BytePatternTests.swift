import Testing
@testable import BytePatterns

@Suite struct BytePatternTests {
    @Test func capturesAreByteOffsetsOfTheSlice() throws {
        let p = try BytePattern(#"Status:\s*([245])\.(\d{1,3})\.(\d{1,3})"#, options: [.caseless])
        let buffer = Array("xx\nstatus: 5.1.1\n".utf8)
        let slice = buffer[3...]  // indices keep the parent's numbering
        let m = try #require(p.firstMatch(in: slice))
        #expect(m.range == 3..<16)
        #expect(m[group: 1] == 11..<12)
        #expect(m[group: 3].map { String(decoding: buffer[$0], as: UTF8.self) } == "1")
        #expect(m[group: 4] == nil)
    }

    @Test func unsetGroupIsNil() throws {
        let p = try BytePattern("(a)|(b)")
        let m = try #require(p.firstMatch(in: ArraySlice("b".utf8)))
        #expect(m[group: 1] == nil)
        #expect(m[group: 2] == 0..<1)
    }

    @Test func caselessAndMultiline() throws {
        let p = try BytePattern("^final-recipient:", options: [.caseless, .multiline])
        #expect(p.hasMatch(in: ArraySlice("Action: failed\nFINAL-Recipient: x".utf8)))
        let q = try BytePattern("^final-recipient:", options: [.caseless])
        #expect(!q.hasMatch(in: ArraySlice("Action: failed\nFINAL-Recipient: x".utf8)))
    }

    @Test func allMatchesLeftToRight() throws {
        let p = try BytePattern(#"\d+"#)
        let ms = p.matches(in: ArraySlice("a1 22 333".utf8))
        #expect(ms.map(\.range) == [1..<2, 3..<5, 6..<9])
        let empty = try BytePattern("x*")
        #expect(empty.matches(in: ArraySlice("ab".utf8)).count == 3)  // empty matches advance
    }

    @Test func emptySubjectAndStartBeyondEnd() throws {
        let p = try BytePattern("^$")
        #expect(p.hasMatch(in: ArraySlice<UInt8>()))
        #expect(p.firstMatch(in: ArraySlice("abc".utf8), from: 9) == nil)
    }

    @Test func invalidUTF8IsSafeInUTFMode() throws {
        let p = try BytePattern("caf\u{e9}", options: [.utf, .caseless])
        #expect(p.hasMatch(in: ArraySlice([0xff, 0xfe] + Array("CAF\u{c9}".utf8))))
        #expect(!p.hasMatch(in: ArraySlice([0xc3, 0x28, 0xff])))
    }

    @Test func badPatternThrowsWithOffset() {
        #expect(throws: BytePatternError.self) { try BytePattern("ab(c") }
        do { _ = try BytePattern("ab(c"); Issue.record("compiled") } catch { #expect(error.patternOffset == 4) }
    }

    /// `(a+)+$` against "aaaa...b" backtracks exponentially; the match limit must stop it.
    @Test func catastrophicBacktrackingEndsAsNoMatch() throws {
        var limits = PatternLimits()
        limits.matchLimit = 100_000
        let p = try BytePattern("^(a+)+$", limits: limits)
        let hostile = ArraySlice(Array(repeating: UInt8(ascii: "a"), count: 40) + [UInt8(ascii: "b")])
        #expect(p.firstMatch(in: hostile) == nil)
        // The same pattern still matches what it should.
        #expect(p.hasMatch(in: ArraySlice(Array(repeating: UInt8(ascii: "a"), count: 40))))
    }

    @Test func sharedAcrossTasks() async throws {
        let p = try BytePattern(#"5\.\d\.\d"#)
        let hits = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<32 { group.addTask { p.hasMatch(in: "code 5.\(i % 8).1 here") } }
            var n = 0
            for await hit in group where hit { n += 1 }
            return n
        }
        #expect(hits == 32)
    }

    /// A pattern run by the interpreter for its first matches answers as before once its JIT-compiled
    /// copy takes over, also when tasks match while the copy is being made.
    @Test func interpretedThenJITCompiledAnswersTheSame() async throws {
        let p = try BytePattern(#"(?:no such|unknown) user"#, options: [.caseless, .anchored], limits: .init(), jitAfter: 3)
        let subjects: [(String, Int, Bool)] = [("550 No such user here", 4, true), ("550 unknown USER", 4, true),
                                               ("550 user unknown", 4, false), ("no such user", 0, true)]
        func check(_ i: Int) -> Bool {
            let (text, offset, expected) = subjects[i % subjects.count]
            return Array(text.utf8).withUnsafeBytes { buffer in
                p.withMatchData { data in p.matches(in: buffer, at: offset, data: data) } == expected
            }
        }
        for i in 0..<3 { #expect(check(i)) }
        #expect(!p.jitCompilationDone)
        let agreed = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 { group.addTask { check(i) } }
            var n = 0
            for await ok in group where ok { n += 1 }
            return n
        }
        #expect(agreed == 64)
        #expect(p.jitCompilationDone)
        for i in 0..<8 { #expect(check(i)) }
    }

    /// `escaped` byte by byte is the scalar loop it replaced: over every metacharacter, other ASCII,
    /// and two-, three- and four-byte characters, in random strings (and the empty one).
    @Test func escapedIsTheScalarLoop() {
        func byScalars(_ literal: String) -> String {
            var out = ""
            for ch in literal.unicodeScalars {
                if "\\^$.|?*+()[]{}/#".unicodeScalars.contains(ch) { out.append("\\") }
                out.unicodeScalars.append(ch)
            }
            return out
        }
        let pieces = Array("\\^$.|?*+()[]{}/#").map(String.init) + ["a", "Z", "0", " ", "-", "\t", "é", "日本", "😀", "\u{7F}", "E", "Q"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        #expect(BytePattern.escaped("") == "")
        for _ in 0..<3_000 {
            let literal = (0..<next(20)).map { _ in pieces[next(pieces.count)] }.joined()
            #expect(BytePattern.escaped(literal) == byScalars(literal), "\(literal.debugDescription)")
        }
    }

    @Test func escapedLiteralMatchesItself() throws {
        let text = "user (x) [y] *z* 5.1.1? a|b {c} ^$ \\ / #"
        let p = try BytePattern(BytePattern.escaped(text))
        #expect(p.firstMatch(in: text)?.range == 0..<text.utf8.count)
    }
}

@Suite struct PatternSetTests {
    @Test func reportsWhichAlternativeMatched() throws {
        let set = try PatternSet(["mailbox (is )?full", "user unknown", #"quota exceeded"#], options: [.caseless])
        #expect(set.firstMatch(in: "550 User Unknown")?.index == 1)
        #expect(set.firstMatch(in: "452 Mailbox full")?.index == 0)
        #expect(set.firstMatch(in: "all good") == nil)
        // Leftmost wins, whatever the list order.
        #expect(set.firstMatch(in: "quota exceeded; mailbox full")?.index == 2)
    }

    @Test func literalsAreLiteral() {
        let set = PatternSet(literals: ["no such user (here)", "a.b"])
        #expect(set.hasMatch(in: "No Such User (here)"))
        #expect(!set.hasMatch(in: "axb"))
        #expect(!PatternSet(literals: []).hasMatch(in: "anything"))
    }

    @Test func badAlternativeNamed() {
        do { _ = try PatternSet(["ok", "bad("]); Issue.record("compiled") } catch {
            #expect(error.message.contains("bad("))
        }
    }
}
