import BytePatterns
import Testing
@testable import DeliveryStatus
import TestSupport

/// Scanners written by hand for speed must find exactly what the PCRE2 patterns they replace find.
@Suite struct HandScannerTests {
    /// `Hosts.names` as the pattern finds them: every match, left to right, at most 20, lower-cased.
    static func hostNamesByPattern(_ text: String) throws -> [String] {
        let pattern = try BytePattern(Hosts.definition)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            pattern.matches(in: raw, maxMatches: 20).map { String(decoding: bytes[$0.range], as: UTF8.self).lowercased() }
        }
    }

    static let hostTexts: [String] = [
        "", "a", "a.b", "A.B.", ".a.b", "-a.b", "x-a.b", "_a.b", "@a.b", "user@mx.example.jp", "mx1.Example.COM said: 550",
        "host mx.example.jp[192.0.2.1] said: 550 5.1.1 <kijitora@example.jp>: Recipient address rejected",
        "a..b c.-d e-.f g.h-", "(mx.example.net) [mail.example.org]; smtp.example.com:25", "ü.example.com é-x.y",
        "1.2.3.4 and 192.0.2.1.", "foo_bar.com bar.foo_com", "a.b.c.d.e.f.g.h",
        String(repeating: "a", count: 62) + ".b " + String(repeating: "c", count: 63) + ".d " + String(repeating: "e", count: 64) + ".f",
        "x." + String(repeating: "g", count: 63) + ".h x." + String(repeating: "i", count: 64) + ".j x." + String(repeating: "k", count: 130),
        String(repeating: "a.b ", count: 30),
    ]

    @Test func hostNamesAreThePatternsMatches() throws {
        for text in Self.hostTexts {
            #expect(Hosts.names(in: text) == (try Self.hostNamesByPattern(text)), "\(text.debugDescription)")
        }
    }

    @Test func providersNamedInTextAreThoseOfItsHostNames() {
        let texts = Self.hostTexts + ["mx.LaPoste.net said: 550", "host a.b.prod.outlook.com[1.2.3.4]", "x.QQ.com y.cox.net z.hotmail.com."]
        for text in texts {
            let byNames = Hosts.names(in: text).reduce(UInt64(0)) { $0 | RemoteHostRules.providersNamed(byHost: $1) }
            #expect(Hosts.providersNamed(in: text) == byNames, "\(text.debugDescription)")
            // Each provider asked on its own.
            for i in RemoteHostRules.providers.indices {
                #expect(Hosts.names(provider: i, in: text) == (byNames & (1 << UInt64(i)) != 0), "\(i) \(text.debugDescription)")
            }
        }
    }

    /// Random texts over the bytes that matter to the pattern (labels, dots, the lookbehind's bytes,
    /// blanks, a two-byte letter), with runs long enough to cross the 63-byte label limit.
    @Test func hostNamesAreThePatternsMatchesOnRandomText() throws {
        let pieces = ["a", "Z", "7", "-", ".", "@", "_", " ", "é", "[", "mx", String(repeating: "q", count: 60), "."]
        var generator = SplitMix64(seed: 101)  // seeded: every run reads the same inputs
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...40, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(Hosts.names(in: text) == (try Self.hostNamesByPattern(text)), "\(text.debugDescription)")
        }
    }

    /// The providers a host or a recipient domain names, by the String comparison the byte
    /// comparison replaced (`lowercased()`, then `hasSuffix` against each provider's host suffixes).
    static func providersByStrings(host: String) -> UInt64 {
        var named: UInt64 = 0
        for (i, p) in RemoteHostRules.providers.enumerated() where p.hostSuffixes.contains(where: host.lowercased().hasSuffix) {
            named |= 1 << UInt64(i)
        }
        return named
    }

    static func providersByStrings(domain: String) -> UInt64 {
        var named: UInt64 = 0
        for (i, p) in RemoteHostRules.providers.enumerated() where p.hostSuffixes.contains(where: { $0.hasSuffix(domain.lowercased()) }) {
            named |= 1 << UInt64(i)
        }
        return named
    }

    @Test func providerSuffixesAreLowerCaseASCII() {
        // The byte comparison folds the host's case only: the suffixes must be lower case already.
        for p in RemoteHostRules.providers {
            for suffix in p.hostSuffixes { #expect(suffix.utf8.allSatisfy { $0 < 0x80 } && suffix == suffix.lowercased(), "\(suffix)") }
        }
    }

    @Test func providersNamedByBytesAreTheStringAnswer() {
        var samples: [String] = ["", "x", "mx.laposte.net", "MX.LaPoste.NET", "laposte.net", ".laposte.net", "smtp.cox.net",
                                 "cox.net", "COX.NET", "ox.net", "eur01.prod.outlook.com", "a.protection.OUTLOOK.com",
                                 "googlemail.com", "ALT1.gmail-smtp-in.l.googlemail.com", "mfsmax.docomo.ne.jp", "qq.com",
                                 "mx3.qq.com", "ü.qq.com", "mx.QQ.coM", "net", ".net", "t", "İ.hotmail.com", "x.hotmail.com.",
                                 "smtp.secureserver.net", "msmx.au.com", "lsean.ezweb.ne.jp", "ezweb.ne.jp"]
        for p in RemoteHostRules.providers { samples += p.hostSuffixes + p.hostSuffixes.map { "x" + $0.uppercased() } }
        // Each byte of each suffix changed (to another letter, or to its upper case): the compare reads
        // eight bytes at a time, so a difference must count in every place of a word.
        for suffix in RemoteHostRules.providers.flatMap(\.hostSuffixes) {
            let bytes = Array(suffix.utf8)
            for k in bytes.indices {
                var changed = bytes, upper = bytes
                changed[k] = changed[k] == UInt8(ascii: "z") ? UInt8(ascii: "y") : UInt8(ascii: "z")
                if (0x61...0x7A).contains(upper[k]) { upper[k] -= 0x20 }
                samples += [String(decoding: changed, as: UTF8.self), "mx" + String(decoding: changed, as: UTF8.self),
                            "MX" + String(decoding: upper, as: UTF8.self)]
            }
        }
        var generator = SplitMix64(seed: 102)  // seeded: every run reads the same inputs
        for _ in 0..<2_000 {
            let base = samples.randomElement(using: &generator)!
            let cut = Int.random(in: 0...base.count, using: &generator)
            samples.append(String(base.dropFirst(cut)))
        }
        for s in samples {
            #expect(RemoteHostRules.providersNamed(byHost: s) == Self.providersByStrings(host: s), "\(s.debugDescription)")
            // Each provider asked on its own, of the String and of its bytes.
            let byHost = Self.providersByStrings(host: s)
            for i in RemoteHostRules.providers.indices {
                let expected = byHost & (1 << UInt64(i)) != 0
                #expect(RemoteHostRules.names(i, host: s) == expected, "\(i) \(s.debugDescription)")
                #expect(Array(s.utf8).withUnsafeBufferPointer { RemoteHostRules.names(i, hostBytes: $0) } == expected, "\(i) \(s.debugDescription)")
            }
            if !s.isEmpty {
                #expect(RemoteHostRules.providersNamed(byDomain: s) == Self.providersByStrings(domain: s), "\(s.debugDescription)")
            }
            // An address's domain part read in place: the answer for the domain `domainPart` makes.
            for address in [s, "user@" + s, "u@v@" + s, s + "@", "ü@" + s, s + "@@"] {
                let domain = Finalization.domainPart(of: address)
                #expect(RemoteHostRules.providersNamed(byDomainOf: address) == (domain.isEmpty ? 0 : Self.providersByStrings(domain: domain)),
                        "\(address.debugDescription)")
                let byDomain = domain.isEmpty ? 0 : Self.providersByStrings(domain: domain)
                for i in RemoteHostRules.providers.indices {
                    #expect(RemoteHostRules.names(i, domainOf: address) == (byDomain & (1 << UInt64(i)) != 0), "\(i) \(address.debugDescription)")
                }
            }
        }
    }

    /// Sisimai's sweep as the plain loop it was written as: blanks (space, tab, LF, CR) collapsed into
    /// one space, none at either end.
    static func sweepByBytes(_ s: String) -> String {
        var out: [UInt8] = []
        var pendingSpace = false
        for b in s.utf8 {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func sweepIsThePlainLoop() {
        let pieces = [" ", "  ", "\t", "\n", "\r\n", "a", "bc", "550 5.1.1", "<user@example.jp>", "\u{01}", "\u{1F}", "ü", "日本",
                      "abcdefgh", "0123456789abcdef", "x"]
        var generator = SplitMix64(seed: 103)  // seeded: every run reads the same inputs
        var texts = ["", " ", "a", "a b", " a", "a ", "abcdefghijklmnop", "abcdefgh ijklmnop  q"]
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...24, using: &generator)
            texts.append((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        // Longer texts: the copy of eight bytes at a time resumes after every blank run or control byte.
        for _ in 0..<1_000 {
            let count = Int.random(in: 25...120, using: &generator)
            texts.append((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for text in texts {
            #expect(Diagnostic.sweep(text) == Self.sweepByBytes(text), "\(text.debugDescription)")
            // Idempotent, which `Finalization.report` relies on to sweep only text a removal changed.
            #expect(Diagnostic.sweep(Diagnostic.sweep(text)) == Diagnostic.sweep(text), "\(text.debugDescription)")
        }
    }

    /// Texts past the stack's 1 KB (`sweep` then sweeps into a heap buffer), with 8-bit characters
    /// (made a String without a second UTF-8 check), against the plain loop.
    @Test func sweepOfLongTextsIsThePlainLoop() {
        let pieces = [" ", "  ", "\t", "\r\n", "550 5.1.1", "<user@example.jp>", "ü", "日本語の文", "\u{01}", "abcdefghijklmnop"]
        var generator = SplitMix64(seed: 107)  // seeded: every run reads the same inputs
        for _ in 0..<200 {
            let count = Int.random(in: 150...900, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let swept = Diagnostic.sweep(text)
            #expect(swept == Self.sweepByBytes(text))
            #expect(Array(swept.utf8) == Array(Self.sweepByBytes(text).utf8))
        }
    }

    /// The sixteen-byte copy of `Diagnostic.collapsingBlanks`: texts of 16 to 80 bytes of letters
    /// with one or two unclean bytes (a space after a space, a tab, CR, LF, a control byte, a run of
    /// blanks) put at every offset, so every lane of the first blocks, and the lane after the last
    /// clean one, is where the copy stops; plus 8-bit bytes, a leading blank and a final blank run.
    /// Swept and as one line of a lead text, against the plain loop.
    @Test func sweepSixteenBytesAtATimeIsThePlainLoop() {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;<>@".utf8)
        let unclean: [[UInt8]] = [[0x20, 0x20], [0x09], [0x0D], [0x0A], [0x01], [0x1F], [0x20, 0x09, 0x20], [0x20, 0x0A, 0x0A],
                                  [0x20], [0xC3, 0xBC], [0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]]
        var generator = SplitMix64(seed: 161)  // seeded: every run reads the same inputs
        var texts: [[UInt8]] = []
        for length in [16, 17, 23, 31, 32, 33, 47, 48, 64, 80] {
            for offset in 0..<length {
                for piece in unclean {
                    var bytes = (0..<length).map { _ in letters.randomElement(using: &generator)! }
                    // A single space now and then, as between words: clean unless another blank is next to it.
                    for k in stride(from: Int.random(in: 1...6, using: &generator), to: length, by: Int.random(in: 3...9, using: &generator)) {
                        bytes[k] = 0x20
                    }
                    bytes.replaceSubrange(offset..<min(length, offset + piece.count), with: piece)
                    if Int.random(in: 0..<4, using: &generator) == 0 {
                        let second = Int.random(in: 0..<bytes.count, using: &generator)
                        bytes.insert(contentsOf: unclean.randomElement(using: &generator)!, at: second)
                    }
                    if Int.random(in: 0..<8, using: &generator) == 0 { bytes.insert(0x20, at: 0) }
                    if Int.random(in: 0..<8, using: &generator) == 0 { bytes += [0x20, 0x09] }
                    texts.append(bytes)
                }
            }
        }
        for bytes in texts {
            let text = String(decoding: bytes, as: UTF8.self)
            let expected = Self.sweepByBytes(text)
            #expect(Diagnostic.sweep(text) == expected, "\(text.debugDescription)")
            // One line (no LF in it) of a lead text: swept by the one pass the same way.
            guard !bytes.contains(0x0A) else { continue }
            var line = text
            #expect(line.withUTF8 { LeadText.sweptJoinedLines(of: $0) } == expected, "\(text.debugDescription)")
        }
        #expect(texts.count > 4_000)
    }

    /// What `RFC3464Recognizer.complete` and `Finalization.report` rely on to search a report's lead
    /// text once: the decision text it makes (the swept lead text, then a space and the record's own
    /// swept diagnostic unless the lead holds it) is swept, and when it names no SMTP command the lead
    /// text names none either.
    @Test func sweptLeadTextNamesNoCommandTheLeadTextDoesNot() {
        let pieces = [" ", "  ", "\t", "\n", "\r", "MAIL", "F", "FROM", "RCPT", "T", "TO", "DATA", "DATABASE", "QUIT", "AUTH",
                      "PLAIN", "EHLO", "x", "5", "@", "-", ":", "<", ">", "ü", "\u{01}"]
        var generator = SplitMix64(seed: 105)  // seeded: every run reads the same inputs
        var checked = 0
        for _ in 0..<4_000 {
            let lead = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let own = Diagnostic.sweep((0..<Int.random(in: 0...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
            let swept = Diagnostic.sweep(lead)
            guard !swept.isEmpty else { continue }
            let leadHasOwn = swept.containsIgnoringCase(own)
            guard leadHasOwn || !own.isEmpty else { continue }
            let decision = leadHasOwn ? swept : swept + " " + own
            #expect(Diagnostic.sweep(decision) == decision, "\(decision.debugDescription)")
            if SMTPCommandFinder.find(in: decision) == nil {
                #expect(SMTPCommandFinder.find(in: lead) == nil, "\(lead.debugDescription) / \(own.debugDescription)")
                checked += 1
            }
        }
        #expect(checked > 200)
    }

    /// The swept lead text made in one pass is the joined lead text swept: over generated texts of
    /// kept, skipped and ending lines, blank runs of every kind at the ends and inside lines (runs of
    /// eight bytes and more, so the word-at-a-time copy and its edges are taken), 8-bit bytes, with
    /// and without a final LF.
    @Test func sweptJoinedLinesIsTheJoinedLinesSwept() {
        let pieces = [" ", "  ", "\t", "\r", "\n", "\n\n", "word", "abcdefgh", "abcdefghijklmnop", "x y", "a  b", "ü", "é\t",
                      "Content-Type: text/plain", "--boundary", "This is a MIME", "*** x", "### y",
                      "--- The following", "x --- Transcript", "--- ", "Reporting-MTA: dns; x", "Final-Recipient: rfc822; a@b",
                      "       ", "\t\t\t\t\t\t\t\t\t", "550 5.1.1 <a@b.c>: Recipient address rejected", "\u{01}", "\u{7F}"]
        #expect(sweptAgreesOnGeneratedTexts(of: pieces, seed: 151) { _ in 24 } > 2_000)
        var empty = ""
        #expect(empty.withUTF8 { LeadText.sweptJoinedLines(of: $0) } == "")
    }

    /// The one pass stops its sixteen-byte copy only at a `-` that another follows (a transcript marker
    /// starts "---"): over generated lines of single dashes (hyphenated words, dates), runs of two to
    /// six, markers after runs of every length, at block edges (long words before them) and at the end.
    @Test func sweptJoinedLinesAcrossDashesIsTheJoinedLinesSwept() {
        let pieces = ["-", "--", "---", "----", "------", "a-b", "x-y-z", "2026-12-02", "mailer-daemon", " ", "  ", "\n", "\t",
                      "--- The following", "---- Transcript", "-- The follow", "--- ", "abcdefghijklmno", "abcdefghijklmnopq",
                      "-\n", "- ", " -", "ü-", "Final-Recipient: rfc822; a@b", "x --- Transcript of session"]
        #expect(sweptAgreesOnGeneratedTexts(of: pieces, seed: 353) { round in round % 2 == 0 ? 20 : 60 } > 2_000)
    }

    /// Expects the swept lead text made in one pass to be the joined lead text swept for 6,000 texts of
    /// up to `mostPieces(round)` of `pieces` (every third with a final LF), generated from `seed` so
    /// that every run reads the same inputs; returns how many swept texts were not empty.
    private func sweptAgreesOnGeneratedTexts(of pieces: [String], seed: UInt64, mostPieces: (Int) -> Int) -> Int {
        var generator = SplitMix64(seed: seed)
        var nonEmpty = 0
        for round in 0..<6_000 {
            var text = (0..<Int.random(in: 0...mostPieces(round), using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            if round % 3 == 0 { text += "\n" }
            let expected = Diagnostic.sweep(text.withUTF8 { LeadText.joinedLines(of: $0) })
            let swept = text.withUTF8 { LeadText.sweptJoinedLines(of: $0) }
            #expect(swept == expected, "\(text.debugDescription)")
            if !expected.isEmpty { nonEmpty += 1 }
        }
        return nonEmpty
    }

    /// An ASCII text swept into a scratch buffer and copied unvalidated (`isASCII`) gives the String
    /// swept into the String's own storage: over generated ASCII texts of kept, skipped and ending
    /// lines and blank runs, short ones and ones past the 1 KiB of the stack scratch.
    @Test func sweptJoinedLinesOfASCIIIsTheValidatedOne() {
        let pieces = [" ", "  ", "\t", "\r", "\n", "\n\n", "word", "abcdefgh", "abcdefghijklmnop", "x y", "a  b",
                      "Content-Type: text/plain", "--boundary", "*** x", "--- Transcript", "Final-Recipient: rfc822; a@b",
                      "\t\t\t\t\t\t\t\t\t", "550 5.1.1 <a@b.c>: Recipient address rejected", "\u{01}", "\u{7F}"]
        var generator = SplitMix64(seed: 163)  // seeded: every run reads the same inputs
        var long = 0
        for round in 0..<3_000 {
            let count = Int.random(in: 0...(round % 2 == 0 ? 24 : 160), using: &generator)
            var text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            if round % 3 == 0 { text += "\n" }
            let expected = text.withUTF8 { LeadText.sweptJoinedLines(of: $0) }
            let swept = text.withUTF8 { LeadText.sweptJoinedLines(of: $0, isASCII: true) }
            #expect(swept == expected && Array(swept.utf8) == Array(expected.utf8), "\(text.debugDescription)")
            if text.utf8.count > 1024 { long += 1 }
        }
        #expect(long > 300)
        var empty = ""
        #expect(empty.withUTF8 { LeadText.sweptJoinedLines(of: $0, isASCII: true) } == "")
    }

    /// `joinedLines` keeps, skips and ends at the lines a plain loop over the bytes' lines does, with
    /// `starts(with:)` of each prefix, and `sweptJoinedLines` gives that text swept: over generated lines of every prefix, each one byte short and
    /// one byte changed, blanks around them (indentation of eight spaces and more too) and 8-bit bytes.
    @Test func leadTextPrefixesAreTheBytesPrefixes() {
        let ends = ["Reporting-MTA:", "Final-Recipient:", "Original-Recipient:"]
        let skips = ["Content-", "This is a MIME", "This is a multi", "This is an auto", "This multi-part", "###", "***", "--"]
        let markers = ["--- The follow", "--- Transcript"]
        var pieces = ["", " ", "\t", "\r", "x", "é", "\u{301}", "a line", "--- ", "-- x",
                      String(repeating: " ", count: 8), String(repeating: " ", count: 13), "         \t", "       "]
        for p in ends + skips + markers {
            pieces += [p, String(p.dropLast()), String(p.dropLast()) + "X", "x" + p]
        }
        func trimmed(_ b: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            let blank: Set<UInt8> = [0x20, 0x09, 0x0D, 0x0A]
            return b.drop(while: { blank.contains($0) }).reversed().drop(while: { blank.contains($0) }).reversed()[...]
        }
        func plain(_ text: String) -> String {
            var kept: [ArraySlice<UInt8>] = []
            for line in Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false) {
                let t = Array(trimmed(line))
                if t.isEmpty { continue }
                if ends.contains(where: { t.starts(with: $0.utf8) }) { break }
                if skips.contains(where: { t.starts(with: $0.utf8) }) { continue }
                let hasMarker = markers.contains { m in
                    let m = Array(m.utf8)
                    return t.count >= m.count && (0...(t.count - m.count)).contains { Array(t[$0..<($0 + m.count)]) == m }
                }
                if hasMarker { continue }
                kept.append(line)
            }
            return String(decoding: Array(kept.joined(separator: [0x20])), as: UTF8.self)
        }
        var generator = SplitMix64(seed: 163)  // seeded: every run reads the same inputs
        for _ in 0..<4_000 {
            var text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)! + pieces.randomElement(using: &generator)!
            }.joined(separator: "\n")
            let expected = plain(text)
            #expect(text.withUTF8 { LeadText.joinedLines(of: $0) } == expected, "\(text.debugDescription)")
            // The one pass tests prefixes and markers on the text's bytes, across line ends.
            #expect(text.withUTF8 { LeadText.sweptJoinedLines(of: $0) } == Diagnostic.sweep(expected), "\(text.debugDescription)")
        }
    }

    /// The shortest lines with a transcript marker that no `--` prefix skips first (`x--- The follow`,
    /// 15 bytes) are skipped, and one byte short of the marker kept: `hasTranscriptMarker`'s length
    /// guard (14, the marker's length) turns none of them away.
    @Test func shortestTranscriptMarkersAreSkipped() {
        for (marker, cut) in [("x--- The follow", "x--- The follo"), ("x--- Transcript", "x--- Transcrip"),
                              ("\tx--- Transcript ", "x--- Transcrip")] {
            var text = "kept\n" + marker + "\nalso"
            #expect(text.withUTF8 { LeadText.joinedLines(of: $0) } == "kept also")
            #expect(text.withUTF8 { LeadText.sweptJoinedLines(of: $0) } == "kept also")
            var short = "kept\n" + cut + "\nalso"
            #expect(short.withUTF8 { LeadText.joinedLines(of: $0) } == "kept " + cut + " also")
            #expect(short.withUTF8 { LeadText.sweptJoinedLines(of: $0) } == "kept " + cut + " also")
        }
    }

    /// CRLF and lone CR made LF, as the plain loop it was written as; the runs between CRs are copied
    /// whole now.
    @Test func lineEndsNormalizedAsThePlainLoop() {
        func plain(_ s: String) -> String {
            var out: [UInt8] = []
            var previousCR = false
            for b in s.utf8 {
                if b == 13 { out.append(10); previousCR = true; continue }
                if b == 10 && previousCR { previousCR = false; continue }
                previousCR = false
                out.append(b)
            }
            return String(decoding: out, as: UTF8.self)
        }
        let pieces = ["\r", "\n", "\r\n", "\n\r", "a", "bc", "ü", "日本", "\r\r\n", " "]
        var generator = SplitMix64(seed: 104)  // seeded: every run reads the same inputs
        var texts = ["", "\r", "\n", "a\r", "\ra", "a\r\nb", "\r\n\r\n"]
        for _ in 0..<3_000 {
            texts.append((0..<Int.random(in: 0...16, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for text in texts { #expect(BounceContext.normalizeLineEnds(text) == plain(text), "\(text.debugDescription)") }
    }
}
