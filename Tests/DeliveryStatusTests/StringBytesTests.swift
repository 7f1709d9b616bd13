import Testing
@testable import DeliveryStatus
import TestSupport

/// The byte-level string helpers must give the answers of the Character-based code they replace.
@Suite struct StringBytesTests {
    static let texts: [String] = [
        "", "a", "A", "550 5.1.1 <Kijitora@Example.JP>: Recipient address rejected: User unknown in local recipient table",
        "RECIPIENT ADDRESS REJECTED", "user unknown", "x@y", "mailbox full ", "Ärger: Mailbox voll", "配信できませんでした user unknown",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "aaaab", "[@Z`{", "@z`{ ", String(repeating: "Za", count: 40) + "zAb",
        "DELIVERY FAİLURE: user unknown", "\u{212A}ELVIN said: mailbox full", "Ünknown ÜSER Zab; ab ÀB zàb",
        String(repeating: "é", count: 20) + "MAILBOX FULL",
    ]

    /// `lastIndex(ofASCII:)` is `lastIndex(of:)` by Characters: ASCII text by its bytes, other text
    /// (a combining mark after the byte, CR LF, 8-bit letters) by Characters.
    @Test func lastIndexOfASCIIIsByCharacters() {
        let pieces = ["a", ":", "<", ">", " ", "Unknown user", "x@y.z", "é", "\u{301}", "\r\n", "\r", "\t", "配信", ":\u{301}", "<\u{20DD}", "\u{600}:"]
        var rng = SplitMix64(seed: 33)
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            for byte in [UInt8(ascii: ":"), UInt8(ascii: "<"), UInt8(ascii: ">")] {
                let expected = text.lastIndex(of: Character(Unicode.Scalar(byte)))
                #expect(text.lastIndex(ofASCII: byte) == expected, "\(text.debugDescription) \(byte)")
            }
        }
    }

    @Test func containsIgnoringCaseIsLowercasedContains() {
        for haystack in Self.texts {
            for needle in Self.texts + ["b", "AB", "user UNKNOWN", "recipient address", "ärger", "Zab", "[@z`{", "za", "fai", "failure", "kelvin", "k", "i", "zàb", "mailbox full"] {
                #expect(haystack.containsIgnoringCase(needle) == haystack.lowercased().contains(needle.lowercased()),
                        "\(haystack.debugDescription) / \(needle.debugDescription)")
            }
        }
    }

    /// `replacingAll` as it read byte by byte: at each position, the needle if it starts there
    /// (leftmost first, no overlaps), else the byte.
    static func replacingAllByBytes(_ text: String, _ needle: String, _ replacement: String) -> String {
        let hay = Array(text.utf8), n = Array(needle.utf8)
        guard !n.isEmpty else { return text }
        var out: [UInt8] = []
        var i = 0
        while i < hay.count {
            if i + n.count <= hay.count, hay[i..<(i + n.count)].elementsEqual(n) {
                out += Array(replacement.utf8)
                i += n.count
            } else {
                out.append(hay[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func replacingAllIsTheByteByByteReplacement() {
        let needles = ["550-", "550-5.1.1", "550 ", "a", "aa", "ab", "b", "é", "user unknown", "", "Za", "zAb"]
        for text in Self.texts + ["550-5.1.1 a\r\n550-5.1.1 b\r\n550 5.1.1 c", "aaa", "550-550-", "-550-"] {
            for needle in needles {
                for replacement in ["", "-", "xyz"] {
                    #expect(text.replacingAll(needle, with: replacement) == Self.replacingAllByBytes(text, needle, replacement),
                            "\(text.debugDescription) / \(needle.debugDescription) -> \(replacement.debugDescription)")
                }
            }
        }
    }

    /// `Addresses.isAddress` as it reads with Characters (its non-ASCII path).
    static func isAddressByCharacters(_ s: String) -> Bool {
        guard s.utf8.count >= 3, s.utf8.count <= 320, let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at], domain = s[s.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty, !domain.contains("@") else { return false }
        return !s.contains(" ") && !s.contains("\t")
    }

    @Test(arguments: ["a@b", "a@", "@b", "a@@b", "a@b@", "", "@@", "abc", "x@example.org", "ü@é.de", "a b@c", "a@b\tc",
                      "postmaster@[192.0.2.1]", "\"x\"@y", "a@b@c.d", " a@b", "a@b ", "a\t@b", "ab@c\u{301}", "a@é"])
    func isAddressAsWithCharacters(text: String) {
        #expect(Addresses.isAddress(text) == Self.isAddressByCharacters(text))
    }

    /// The standard library's searches (a generic context does not see the package's byte versions).
    static func standardFirstRange<C: BidirectionalCollection>(_ c: C, _ needle: C) -> Range<C.Index>? where C.Element: Equatable {
        c.firstRange(of: needle)
    }

    /// `firstRange(of:)` by bytes finds what the Character-based one finds, in Strings and in
    /// Substrings (whose indices are their base's).
    @Test func byteRangesAreTheStandardRanges() {
        let needles = ["b", "AB", "user", "unknown", " ", "ab", "é", "配信", "mailbox full", "zàb", ">:", ""]
        for haystack in Self.texts + ["a>: b>: c", "abab", "aaa"] {
            for needle in needles {
                #expect(haystack.firstRange(of: needle) == Self.standardFirstRange(haystack, needle), "\(haystack.debugDescription) / \(needle)")
                let slice = haystack.dropFirst(min(2, haystack.count))
                #expect(slice.firstRange(of: needle) == Self.standardFirstRange(slice, Substring(needle)), "\(slice.debugDescription) / \(needle)")
            }
        }
    }

    /// Splitting at LF by bytes gives the lines `split(separator: "\n")` gives (an LF is always a
    /// grapheme of its own), empty ones kept; ASCII lower-casing by bytes is `lowercased()`.
    @Test func lineSlicesAndLowercasingAreTheStandardOnes() {
        for text in Self.texts + ["a\nb", "\n", "\n\n", "x\n\u{301}y\n", "end\n", "\nstart", "MiXeD\nCASE é\nÀ"] {
            #expect(text.lineSlices == text.split(separator: "\n", omittingEmptySubsequences: false), "\(text.debugDescription)")
            #expect(text.lowercasedIfNeeded() == text.lowercased(), "\(text.debugDescription)")
        }
    }

    /// `lineSlices`, made in the memchr loop as each LF is found, has the bytes of a split of the
    /// UTF-8 at LF, empty lines kept: over generated texts with CR, CRLF, 8-bit text, small (inline)
    /// and long strings, texts ending with and without an LF.
    @Test func lineSlicesAreTheBytesSplitAtLF() {
        let pieces = ["\n", "\r\n", "\r", "a", "line", "\u{E9}", "\u{65E5}", " ", "\n\n", "\u{301}", String(repeating: "x", count: 50)]
        var generator = SplitMix64(seed: 31)  // seeded: every run reads the same inputs
        func next(_ bound: Int) -> Int { generator.below(bound) }
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<next(12) { text += pieces[next(pieces.count)] }
            let expected = Array(text.utf8).split(separator: 10, omittingEmptySubsequences: false).map { Array($0) }
            #expect(text.lineSlices.map { Array($0.utf8) } == expected, "\(text.debugDescription)")
        }
    }

    /// The lines of `text` cut from its UTF-8 view at each LF (the reference `lineSlices` and
    /// `TextLines` are held to, bounds included).
    static func splitAtLF(_ text: String) -> [Substring] {
        let u = text.utf8
        var lines: [Substring] = []
        var start = u.startIndex
        while let lf = u[start...].firstIndex(of: 0x0A) {
            lines.append(Substring(u[start..<lf]))
            start = u.index(after: lf)
        }
        lines.append(Substring(u[start...]))
        return lines
    }

    /// `lineSlices`' bounds, made from byte offsets (`String.Index(scalarAlignedUTF8Offset:)`), are
    /// bit for bit the indices `Substring(utf8[range])` gives for the same lines (scalar-aligned
    /// UTF-8 indices), and the layout they assume holds: over generated texts as above.
    @Test func lineSlicesBoundsAreTheStandardLibrarysIndices() {
        #expect(String.Index.scalarAlignedUTF8LayoutHolds)
        func bits(_ i: String.Index) -> UInt64 { unsafeBitCast(i, to: UInt64.self) }
        let pieces = ["\n", "\r\n", "\r", "a", "line", "\u{E9}", "\u{65E5}", "\u{1F600}", " ", "\n\n", "\u{301}", String(repeating: "x", count: 50)]
        var generator = SplitMix64(seed: 37)  // seeded: every run reads the same inputs
        func next(_ bound: Int) -> Int { generator.below(bound) }
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<next(12) { text += pieces[next(pieces.count)] }
            let expected = Self.splitAtLF(text)
            let lines = text.lineSlices
            #expect(lines == expected, "\(text.debugDescription)")
            #expect(lines.map { bits($0.startIndex) } == expected.map { bits($0.startIndex) }, "\(text.debugDescription)")
            #expect(lines.map { bits($0.endIndex) } == expected.map { bits($0.endIndex) }, "\(text.debugDescription)")
        }
    }

    /// `TextLines` read in any order (each line made from its offsets when read) gives the lines of a
    /// split of the UTF-8 view at LF, bounds bit for bit; `TextLines()` has no lines, where the lines
    /// of "" are one.
    @Test func textLinesReadInAnyOrderAreTheSplitLines() {
        func bits(_ i: String.Index) -> UInt64 { unsafeBitCast(i, to: UInt64.self) }
        #expect(TextLines().isEmpty)
        #expect(Array(TextLines("")) == [""])
        let pieces = ["\n", "\r\n", "a", "\u{E9}", "\u{1F600}", "\n\n", "\u{301}", String(repeating: "x", count: 40)]
        var generator = SplitMix64(seed: 41)  // seeded: every run reads the same inputs
        func next(_ bound: Int) -> Int { generator.below(bound) }
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<next(12) { text += pieces[next(pieces.count)] }
            let expected = Self.splitAtLF(text)
            let lines = TextLines(text)
            #expect(lines.count == expected.count, "\(text.debugDescription)")
            for i in lines.indices.reversed() {
                #expect(lines[i] == expected[i], "\(text.debugDescription) \(i)")
                #expect(bits(lines[i].startIndex) == bits(expected[i].startIndex), "\(text.debugDescription) \(i)")
                #expect(bits(lines[i].endIndex) == bits(expected[i].endIndex), "\(text.debugDescription) \(i)")
            }
        }
    }

    @Test func containsByteIsUTF8Contains() {
        for text in Self.texts + ["<html>", "a<b", "é<", "<", "\u{00}"] {
            for byte: UInt8 in [0x3C, 0x40, 0x00, 0xC3, 0x20] {
                #expect(text.containsByte(byte) == text.utf8.contains(byte), "\(text.debugDescription) / \(byte)")
            }
        }
    }

    @Test(arguments: ["a@b", "a@", "@b", "a@@b", "a@b@", "", "@@", "abc", "x@example.org", "ü@é.de"])
    func domainPartIsLastPieceOfSplit(address: String) {
        #expect(Finalization.domainPart(of: address) == (address.split(separator: "@").last.map(String.init) ?? ""))
    }

    /// SMTPCommandFinder as it was written: each word's first occurrence found by its own search.
    static func commandByWordSearches(_ text: String) -> SMTPCommand? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4 else { return nil }
        var found: [SMTPCommand] = []
        for (word, command) in SMTPCommandFinder.words {
            let w = Array(word.utf8)
            guard bytes.count >= w.count, let p = (0...(bytes.count - w.count)).first(where: { bytes[$0..<($0 + w.count)].elementsEqual(w) }) else { continue }
            if !w.contains(0x20) {
                let before: UInt8 = p > 0 ? bytes[p - 1] : 32
                let after: UInt8 = p + w.count < bytes.count ? bytes[p + w.count] : 32
                func wordy(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 64 && b <= 90) || (b >= 96 && b <= 122) }
                if wordy(before) || wordy(after) { continue }
            }
            if !found.contains(command) { found.append(command) }
        }
        return found.last
    }

    @Test(arguments: [
        "", "DATA", "in reply to RCPT TO command", "after RCPT TO:<x@y>: 550", ">>> DATA\n<<< 554", "DATABASE@example.org RCPT",
        "MAIL FROM:<a@b> RCPT TO:<c@d> DATA QUIT", "EHLO mx HELO STARTTLS AUTH PLAIN", "xRCPT RCPTx RCPT", "AUTH LOGIN failed",
        "Diagnostic: 550 5.1.1 after end of DATA", "QUI", "RCPT T", "ÄDATA DATA", "DATA then AUTH LOGIN", "RCPT T DATAx",
        "xx RCPT TO", "QUITDATA", "aUTH PLAIN Data", "HELo", "HE",
    ])
    func commandFinderAsWithOneSearchPerWord(text: String) {
        #expect(SMTPCommandFinder.find(in: text) == Self.commandByWordSearches(text))
    }

    /// `find` (the words spelled out, `RCPT T` and the `AUTH` words searched only after `RCPT` and
    /// `AUTH `) agrees with one search per word over texts made of command words, their near misses
    /// and the bytes around them, wordy or not.
    @Test func commandFinderAgreesOverGeneratedTexts() {
        let pieces = ["HELO", "EHLO", "STARTTLS", "AUTH PLAIN", "AUTH LOGIN", "AUTH CRAM-", "AUTH DIGEST-", "AUTH ",
                      "AUTH", "MAIL F", "MAIL", "RCPT", "RCPT T", "RCPT ", "DATA", "QUIT", "QUI", "ATA", "x", "9", "@",
                      " ", "\n", "<", ":", "_", "é", "START", "TLS", "LOGIN", "PLAIN", "T", "F", "-"]
        var generator = SplitMix64(seed: 37)  // seeded: every run reads the same inputs
        func next(_ bound: Int) -> Int { generator.below(bound) }
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<next(9) { text += pieces[next(pieces.count)] }
            #expect(SMTPCommandFinder.find(in: text) == Self.commandByWordSearches(text), "\(text.debugDescription)")
        }
    }

    /// The one-pass `find` agrees with one search per word where the words stand at every place of the
    /// sixteen-byte steps and of the bytes after them: texts of up to 80 bytes, filler of letters (upper
    /// case too, which the pass reads), digits and spaces around command words and their near misses.
    @Test func commandFinderAgreesOverLongTexts() {
        let words = ["HELO", "EHLO", "STARTTLS", "STARTTL", "AUTH PLAIN", "AUTH LOGIN", "AUTH CRAM-", "AUTH DIGEST-", "AUTH ",
                     "AUTH DIGEST", "MAIL F", "MAIL", "RCPT", "RCPT T", "DATA", "QUIT", "QUITE", "xDATA", "DATA:"]
        let filler = Array("aZ QX9 @.HE-".utf8)
        var generator = SplitMix64(seed: 241)  // seeded: every run reads the same inputs
        func next(_ bound: Int) -> Int { generator.below(bound) }
        var named = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<next(4) {
                for _ in 0..<next(24) { bytes.append(filler[next(filler.count)]) }
                bytes += Array(words[next(words.count)].utf8)
            }
            for _ in 0..<next(20) { bytes.append(filler[next(filler.count)]) }
            let text = String(decoding: bytes, as: UTF8.self)
            let expected = Self.commandByWordSearches(text)
            #expect(SMTPCommandFinder.find(in: text) == expected, "\(text.debugDescription)")
            if expected != nil { named += 1 }
        }
        #expect(named > 5_000)
    }

    /// `capitalRuns`, called from each block's end as `find` calls it, gives every place where four
    /// letters 'A'...'Z' start, in order, and no other: texts of every length up to 100 bytes of
    /// capitals, their neighbours in the byte table (`@`, `[`, `` ` ``, `a`) and bytes above 0x7F, at
    /// random, from every starting place.
    @Test func capitalRunsAreThePlacesOfFourCapitals() {
        let bytes: [UInt8] = [65, 90, 77, 64, 91, 96, 97, 32, 0xC3, 0xFF, 0x80, 0xDA, 0xC1]
        var generator = SplitMix64(seed: 4_042)  // seeded: every run reads the same inputs
        func next(_ bound: Int) -> Int { generator.below(bound) }
        for _ in 0..<4_000 {
            let n = next(101)
            // Mostly capitals, so that runs stand at every offset of the blocks.
            let text = (0..<n).map { _ in next(3) == 0 ? bytes[next(bytes.count)] : bytes[next(3)] }
            let capital = { (b: UInt8) in b >= 65 && b <= 90 }
            let from = next(n + 1)
            let expected = n < 4 ? [] : (from..<max(from, n - 3)).filter { p in (p..<(p + 4)).allSatisfy { capital(text[$0]) } }
            var found: [Int] = []
            text.withUnsafeBufferPointer { u in
                guard let base = u.baseAddress else { return }
                var at = from
                while true {
                    let (start, runs) = SMTPCommandFinder.capitalRuns(base, count: n, from: at)
                    if runs == 0 { #expect(start == n); break }
                    for k in 0..<16 where runs & (1 << UInt32(k)) != 0 { found.append(start + k) }
                    at = start + 16
                }
            }
            #expect(found == expected, "\(text) from \(from)")
        }
    }

    /// The one-pass `find` agrees with one search per word for each command word, its near misses and
    /// pairs of them at every offset of texts of every length up to 56 bytes, in filler of upper-case
    /// letters or of prose: a word starting on either side of a sixteen-byte block's edge, where the
    /// block's test for a run of four capitals at an even offset hands over to the next, in the two
    /// blocks a step, the single block and the last block that `capitalRuns` reads.
    @Test func commandFinderAgreesAtEveryOffset() {
        let words = ["QUIT", "DATA", "RCPT", "RCPT T", "MAIL F", "AUTH LOGIN", "STARTTLS", "EHLO", "HELO", "QUI", "DAT"]
        for filler in [Array("ZZZZZZZZ".utf8), Array("ab cd.Ef".utf8), Array("A a B b ".utf8)] {
            for length in 4...56 {
                for offset in 0...(length - 4) {
                    for (k, word) in words.enumerated() {
                        var bytes = (0..<length).map { filler[$0 % filler.count] }
                        for (j, b) in word.utf8.enumerated() where offset + j < length { bytes[offset + j] = b }
                        // A second word further on, for some.
                        let second = Array(words[(k + offset) % words.count].utf8)
                        if (offset + length) % 3 == 0, offset + 7 + second.count <= length {
                            for (j, b) in second.enumerated() { bytes[offset + 7 + j] = b }
                        }
                        let text = String(decoding: bytes, as: UTF8.self)
                        #expect(SMTPCommandFinder.find(in: text) == Self.commandByWordSearches(text), "\(text.debugDescription)")
                    }
                }
            }
        }
    }

    /// `find` tries the words from the end and takes the first found, which is the old answer (the last
    /// command found) only while each command's words are adjacent in the list.
    @Test func commandFinderWordsOfOneCommandAreAdjacent() {
        var seen: [SMTPCommand] = []
        for (_, command) in SMTPCommandFinder.words where seen.last != command {
            #expect(!seen.contains(command), "\(command)'s words are not adjacent")
            seen.append(command)
        }
    }
}
