import Foundation
import Testing
import TestSupport
@testable import BytePatterns
@testable import DeliveryStatus

/// The address pattern `AddressScanner` reads by hand, as a regex: the reference its ranges and
/// `TextScan.addresses(in:)` are held to.
private let addressPattern = try! BytePattern(
    #"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"#)

/// The generic scan's address blocks: where each block ends, found in one pass, and reports that name
/// one address on thousands of lines (spam's bounces) read in time linear in their length.
@Suite struct TextScanBlocksTests {
    typealias Hit = (line: Int, address: String, key: String)

    /// The definition: for each hit, the first later hit (in order) on a later line with another key.
    static func byForwardSearch(_ hits: [Hit]) -> [Int?] {
        hits.indices.map { n in hits[(n + 1)...].first { $0.line > hits[n].line && $0.key != hits[n].key }?.line }
    }

    @Test func blockEndsAreTheForwardSearches() {
        var rng = SplitMix64(seed: 23)
        for _ in 0..<3_000 {
            var line = 0
            var hits: [Hit] = []
            for _ in 0..<Int.random(in: 0...30, using: &rng) {
                line += Int.random(in: 0...2, using: &rng)   // several hits on a line, gaps between lines
                let key = "u\(Int.random(in: 1...3, using: &rng))@example.com"
                hits.append((line, key.uppercased(), key))
            }
            #expect(TextScan.linesNamingAnotherAddress(hits) == Self.byForwardSearch(hits), "\(hits.map { "\($0.line):\($0.key)" })")
        }
    }

    /// 40,000 lines naming the same address (the forward search took 27 s on such a report): every block
    /// is read, and each ends where its 20 lines do.
    @Test func oneAddressOnManyLines() {
        let lines = (0..<40_000).map { _ in Substring("<u@example.com>: host mx[192.0.2.1] said: 550 5.1.1 unknown") }
        let blocks = TextScan.blocks(in: TextLines(lines.joined(separator: "\n")), excludingOwn: ("", ""))
        #expect(blocks.count == 40_000)
        #expect(blocks.first?.text.split(separator: "\n").count == 20)
        #expect(blocks.last?.text.split(separator: "\n").count == 1)
        #expect(blocks.allSatisfy { $0.key == "u@example.com" })
    }

    /// A delivery-status part's recipient fields name the address without explaining it: no block starts
    /// on them (a pipe recipient's sendmail report, whose DSN gives no Diagnostic-Code, read
    /// "Final-Recipient: RFC822; greta@example.edu" as its diagnostic), in any case of the field name;
    /// the explanation on a line of its own still makes one.
    @Test func recipientFieldsStartNoBlock() {
        let text = """
            Reporting-MTA: dns; mail.example.edu

            Final-Recipient: RFC822; greta@example.edu
            original-recipient: rfc822; Greta@Example.edu
            X-ACTUAL-RECIPIENT: RFC822; greta@example.edu
            Action: failed
            Status: 5.5.0
            """
        #expect(TextScan.blocks(in: TextLines(text), excludingOwn: ("", "")).isEmpty)
        #expect(TextScan.blocks(in: TextLines(text), excludingOwn: ("", ""), only: "greta@example.edu").isEmpty)
        // Blanks before the colon, as Mimecast writes the fields.
        let spaced = "Final-Recipient : rfc/822;greta@example.edu\nAction : failed\n"
        #expect(TextScan.blocks(in: TextLines(spaced), excludingOwn: ("", "")).isEmpty)
        let explained = "<greta@example.edu>: mailbox unavailable\n\n" + text
        #expect(TextScan.blocks(in: TextLines(explained), excludingOwn: ("", "")).map(\.line) == [0])
    }

    /// A delivery-status part's fields end a block (RFC 3464 §2.2): "Reporting-MTA: ..." after the
    /// transcript's last line is no explanation of the address above it (sisimai lhost-sendmail-*
    /// diagnostics carried it, and those of Gmail's and Outlook.com's reports).
    @Test func deliveryStatusFieldsEndABlock() {
        let text = "<kim@example.net>... Deferred: Connection refused by mx.example.net.\nReporting-MTA: dns; mx.example.org\nArrival-Date: Tue, 3 Mar 2026 09:14:01 +0100\n"
        let blocks = TextScan.blocks(in: TextLines(text), excludingOwn: ("", ""))
        #expect(blocks.map(\.text) == ["<kim@example.net>... Deferred: Connection refused by mx.example.net."])
        func fieldName(_ line: String) -> DeliveryStatusFields.Name {
            Array(line.utf8).withUnsafeBufferPointer { TextScan.deliveryStatusFieldName($0) }
        }
        #expect(fieldName("Will-Retry-Until : Wed, 4 Mar 2026") == .willRetryUntil)
        #expect(fieldName("Subject: hello") == .other)
    }

    /// Sendmail lists the failed addresses, then quotes each one's reply in the transcript: with several
    /// addresses, the last of the list does not take the transcript (which speaks of the others too) for
    /// its explanation; with one, the transcript after the gap is its explanation as before.
    @Test func aSectionHeadingEndsTheListsLastBlockWhenSeveralAreNamed() {
        let several = """
               ----- The following addresses had permanent fatal errors -----
            <bob@example.net>
            <dave@example.net>

               ----- Transcript of session follows -----
            mail.local: unknown user: bob
            554 <bob@example.net>... Service unavailable
            """
        let blocks = TextScan.blocks(in: TextLines(several), excludingOwn: ("", ""))
        #expect(blocks.map(\.text) == ["<bob@example.net>", "<dave@example.net>", "554 <bob@example.net>... Service unavailable"])
        let one = """
               ----- The following addresses had permanent fatal errors -----
            <dave@example.net>

               ----- Transcript of session follows -----
            Message could not be delivered for too long
            """
        let only = TextScan.blocks(in: TextLines(one), excludingOwn: ("", ""))
        #expect(only.count == 1)
        #expect(only.first?.text.hasSuffix("Message could not be delivered for too long") == true)
        func isHeading(_ line: String) -> Bool { Array(line.utf8).withUnsafeBufferPointer { TextScan.isSectionHeading($0) } }
        #expect(isHeading("   ----- Transcript of session follows -----  "))
        #expect(!isHeading("-------server message"))   // mFILTER's label before the reply (sisimai lhost-mfilter-*)
        #expect(!isHeading("----------"))
    }

    /// The address scanner finds what `addressPattern` finds (PCRE2), over generated texts of
    /// local-part bytes, `@`, dots, hyphens, labels, blanks, line ends and 8-bit bytes, and at every
    /// cap on the number of matches.
    @Test func addressScannerFindsThePatternsMatches() {
        let pieces = ["a", "Z", "9", "x.y", "@", "@", "@@", ".", "..", "-", "--", "_", "+", "!#$%&'*/=?^`{|}~", " ", "\n", "\t",
                      "<", ">", "(", ")", ",", ":", ";", "ü", "\u{FF}", "mx-1", "example", "co.jp", "a-b.c-d", "u@example.com",
                      "-@a.b", "x@-a.b", "x@a-.b", "x@a.b-", "x@a..b", "x@.a.b", "x@a.b.", "x@a.b-c.d-", "x@ab", "@a.b"]
        var generator = SplitMix64(seed: 229)  // seeded: every run reads the same inputs
        var found = 0
        for round in 0..<20_000 {
            let text = (0..<Int.random(in: 0...16, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Array(text.utf8)
            let cap = round % 7 == 0 ? Int.random(in: 1...3, using: &generator) : 10_000
            let expected = bytes.withUnsafeBytes { addressPattern.matches(in: $0, maxMatches: cap).map(\.range) }
            let scanned = bytes.withUnsafeBufferPointer { AddressScanner.matches(in: $0, maxMatches: cap) }
            #expect(scanned == expected, "\(text.debugDescription)")
            found += expected.count
        }
        #expect(found > 5_000)
        #expect([UInt8]().withUnsafeBufferPointer { AddressScanner.matches(in: $0, maxMatches: 10) }.isEmpty)
    }

    /// `TextScan.addresses(in:)` (the scanner's matches, trimmed as bytes, read in place) gives what it
    /// gave before: the line copied into a String and an array, PCRE2's first 50 matches, each made a
    /// String and `trimmedAddress`ed; for lines that are slices of a longer text too, and with more
    /// than 50 addresses.
    @Test func addressesAsWithThePattern() {
        func asBefore(_ line: Substring) -> [String] {
            let bytes = Array(String(line).utf8)
            return bytes.withUnsafeBytes { raw in
                addressPattern.matches(in: raw, maxMatches: 50).map { String(decoding: bytes[$0.range], as: UTF8.self) }
            }.map(TextScan.trimmedAddress)
        }
        let pieces = ["a", "Z", "9", "x.y", "@", ".", "..", "-", "--", "_", "+", " ", "\t", "\r\n", "<", ">", "(", ")", ",", ":",
                      "ü", "\u{FF}", "example", "co.jp", "u@example.com", "U@Example.COM.", ".u@example.com-", "x@a.b-c.d-",
                      "-@a.b", "x@a..b", "x@ab", "@a.b", "..a@b.c..", "a@b.c-."]
        var generator = SplitMix64(seed: 348)  // seeded: every run reads the same inputs
        var found = 0
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let whole = Substring(text)
            #expect(TextScan.addresses(in: whole) == asBefore(whole), "\(text.debugDescription)")
            // A slice from a later Character on.
            let slice = whole.dropFirst(Int.random(in: 0...3, using: &generator))
            #expect(TextScan.addresses(in: slice) == asBefore(slice), "\(String(slice).debugDescription)")
            found += asBefore(whole).count
        }
        #expect(found > 5_000)
        let many = Substring((0..<60).map { "u\($0)@example.com" }.joined(separator: ", "))
        #expect(TextScan.addresses(in: many) == asBefore(many))
        #expect(TextScan.addresses(in: many).count == 50)
        #expect(TextScan.addresses(in: "").isEmpty)
    }

    /// The line without leading and trailing spaces, tabs, CRs and LFs, a Character at a time.
    static func trimmedAsBefore(_ line: Substring) -> Substring {
        let blanks: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        var t = line
        while let c = t.first, blanks.contains(c) { t.removeFirst() }
        while let c = t.last, blanks.contains(c) { t.removeLast() }
        return t
    }

    /// The blocks as they were made before (the lines copied one by one into a buffer, PCRE2's matches,
    /// each block's lines joined as Substrings): the reference for `blocks(in:text:excluding:)`.
    static func blocksAsBefore(in lines: [Substring], excluding own: Set<String>) -> [TextScan.Block] {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for line in lines {
            starts.append(bytes.count)
            bytes.append(contentsOf: line.utf8)
            bytes.append(10)
        }
        starts.append(bytes.count)
        func lineIndex(at offset: Int) -> Int {
            var lo = 0, hi = lines.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
        var end = lines.count
        if let markerStart = bytes.withUnsafeBufferPointer({ OriginalLocator.firstMarkerStart(in: $0) }) { end = lineIndex(at: markerStart) }
        for i in 0..<end where Self.startsWithHeaderName(lines[i]) { end = i; break }
        var hits: [(line: Int, address: String, key: String)] = []
        var perLine = 0
        var previousLine = -1
        for m in addressPattern.matches(in: bytes[..<starts[end]], maxMatches: 50 * max(1, end)) {
            let i = lineIndex(at: m.range.lowerBound)
            perLine = i == previousLine ? perLine + 1 : 1
            previousLine = i
            guard perLine <= 50 else { continue }
            let a = TextScan.trimmedAddress(String(decoding: bytes[m.range], as: UTF8.self))
            let key = a.lowercased()
            if own.contains(key) || key.hasPrefix("mailer-daemon@") || key.hasPrefix("postmaster@") { continue }
            hits.append((i, a, key))
        }
        let nextOther = Self.byForwardSearch(hits)
        var out: [TextScan.Block] = []
        for (n, hit) in hits.enumerated() {
            let stop = min(end, hit.line + 20, nextOther[n] ?? Int.max)
            var taken: [Substring] = []
            var nonBlank = 0
            var pendingBlank = false
            var j = hit.line
            while j < stop {
                if Self.trimmedAsBefore(lines[j]).isEmpty {
                    if nonBlank > 0 { pendingBlank = true }
                    j += 1
                    continue
                }
                if pendingBlank {
                    if nonBlank > 1 && !(taken.last.map { String(Self.trimmedAsBefore($0)).hasSuffix(":") } ?? false) { break }
                    pendingBlank = false
                }
                taken.append(lines[j])
                nonBlank += 1
                j += 1
            }
            out.append(TextScan.Block(address: hit.address, key: hit.key, line: hit.line, text: taken.joined(separator: "\n")))
        }
        return out
    }

    /// The blocks made from the text's bytes are those made as before, over generated reports: address
    /// lines, blank and blank-looking lines (spaces, tabs, CRs), labels ending with `:` (also after a
    /// non-ASCII letter), returned-original markers and headers, 8-bit text, the bounce's own address.
    @Test func blocksAreThoseMadeAsBefore() {
        let pieces = ["<u@example.com>:", "U@Example.COM", "v@example.net said:", "550 5.1.1 unknown user", "because:", "ü:", "é :",
                      "", "", " ", "\t", " \r", "x", "mailer-daemon@example.org", "own@example.jp", "a.b@c.d.", "-- ",
                      "Received: from mx", "received:", "RETURN-PATH: <a@b>", "Return-Path", "R", "r", "Receivedx:", "Re\u{00E9}:", "------ This is a copy of the message, including all the headers. ------",
                      "--- Below this line is a copy of the message.", "w@x.y w@x.y z@x.y", "Content-Type: text/plain"]
        var generator = SplitMix64(seed: 314)  // seeded: every run reads the same inputs
        var blocks = 0
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in
                (0..<Int.random(in: 1...3, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: " ")
            }.joined(separator: "\n") + (Bool.random(using: &generator) ? "\n" : "")
            let lines = text.lineSlices
            let own: Set<String> = ["own@example.jp"]
            let expected = Self.blocksAsBefore(in: lines, excluding: own)
            let made = TextScan.blocks(in: TextLines(text), excludingOwn: ("own@example.jp", ""))
            #expect(made.map(\.address) == expected.map(\.address), "\(text.debugDescription)")
            #expect(made.map(\.key) == expected.map(\.key))
            #expect(made.map(\.line) == expected.map(\.line))
            #expect(made.map(\.text) == expected.map(\.text), "\(text.debugDescription)")
            // The same from the lines joined again as the text.
            #expect(TextScan.blocks(in: TextLines(lines.joined(separator: "\n")), excludingOwn: ("own@example.jp", "")).map(\.text)
                == expected.map(\.text))
            // The context's way (line starts read from `TextLines`' line ends, the own keys as a pair),
            // with CR LF and CR-only line ends kept in the lines too.
            let paired = TextScan.blocks(in: TextLines(text), excludingOwn: ("own@example.jp", "mailer-daemon@example.org"))
            #expect(paired.map(\.address) == expected.map(\.address), "\(text.debugDescription)")
            // The first marker's start handed in, as the context does (`originalMarkerStart`).
            var copy = text
            let marker = copy.withUTF8 { OriginalLocator.firstMarkerStart(in: $0) }
            let handed = TextScan.blocks(in: TextLines(text), excludingOwn: ("own@example.jp", "mailer-daemon@example.org"),
                                         markerStart: marker)
            #expect(handed.map(\.text) == paired.map(\.text), "\(text.debugDescription)")
            #expect(handed.map(\.line) == paired.map(\.line))
            #expect(paired.map(\.line) == expected.map(\.line))
            #expect(paired.map(\.text) == expected.map(\.text), "\(text.debugDescription)")
            // One key's block alone is the first of the key's among all blocks (none for a key without one).
            for key in Set(paired.map(\.key)).union(["nobody@example.net"]) {
                let alone = TextScan.blocks(in: TextLines(text), excludingOwn: ("own@example.jp", "mailer-daemon@example.org"), only: key)
                let first = paired.first { $0.key == key }
                #expect(alone.map(\.text) == (first.map { [$0.text] } ?? []), "\(text.debugDescription) \(key)")
                #expect(alone.map(\.line) == (first.map { [$0.line] } ?? []))
                #expect(alone.map(\.address) == (first.map { [$0.address] } ?? []))
            }
            for variant in [text.replacingOccurrences(of: "\n", with: "\r\n"), text.replacingOccurrences(of: "\n", with: "\r"), ""] {
                let variantLines = variant.lineSlices
                #expect(TextScan.blocks(in: TextLines(variant), excludingOwn: ("own@example.jp", "")).map(\.text)
                    == Self.blocksAsBefore(in: variantLines, excluding: own).map(\.text), "\(variant.debugDescription)")
            }
            for line in lines {
                var copy = String(line)
                let byBytes = copy.withUTF8 { TextScan.startsWithHeaderName($0) }
                #expect(byBytes == Self.startsWithHeaderName(line), "\(line.debugDescription)")
            }
            blocks += expected.count
        }
        #expect(blocks > 3_000)
    }

    /// Whether a line starts with `Received:` or `Return-Path:` (any case), on the Substring: the
    /// reference `TextScan.startsWithHeaderName` (on the line's bytes) is held to.
    static func startsWithHeaderName(_ line: Substring) -> Bool {
        guard let f = line.utf8.first, f == UInt8(ascii: "R") || f == UInt8(ascii: "r") else { return false }
        return line.hasPrefix(ignoringCase: "received:") || line.hasPrefix(ignoringCase: "return-path:")
    }

    /// `paragraph(above:in:)` as it was written: each line a Substring, trimmed to tell a blank one,
    /// the lines taken inserted in an array and joined with LF.
    static func paragraphAsBefore(above index: Int, in lines: TextLines) -> String {
        var j = index - 1
        while j >= 0, lines[j].trimmedSlice.isEmpty { j -= 1 }
        var out: [Substring] = []
        while j >= 0, !lines[j].trimmedSlice.isEmpty, out.count < 4 { out.insert(lines[j], at: 0); j -= 1 }
        return out.joined(separator: "\n")
    }

    /// The paragraph read on the text's bytes is the one joined from its lines, above every line of
    /// texts of blank lines (spaces, tabs, CRs), prose, non-ASCII lines and runs of up to six lines.
    @Test func paragraphAboveIsTheJoinedLines() {
        let pieces = ["", " ", "\t", "\r", " \t\r ", "550 5.1.1 unknown", "x", "ü é", "日本", "\u{85}", "<u@example.com>", " a "]
        var generator = SplitMix64(seed: 53)  // seeded: every run reads the same inputs
        var nonEmpty = 0
        for _ in 0..<5_000 {
            let count = generator.below(12)
            let text = (0..<count).map { _ in pieces[generator.below(pieces.count)] }.joined(separator: "\n")
            let lines = TextLines(text)
            for index in 0...lines.count {
                let expected = Self.paragraphAsBefore(above: index, in: lines)
                #expect(TextScan.paragraph(above: index, in: lines) == expected, "\(text.debugDescription) \(index)")
                if !expected.isEmpty { nonEmpty += 1 }
            }
        }
        #expect(nonEmpty > 10_000)
    }

    /// A section heading is no part of what a block says: the heading between a listed address and its
    /// reply is left out of the block (sisimai lhost-sendmail-11, -21, -42), also when nothing follows it;
    /// a line that only looks like one (a MIME delimiter) and a block without one stay as they are.
    @Test func aSectionHeadingIsNoPartOfABlock() {
        func blocks(_ text: String) -> [String] { TextScan.blocks(in: TextLines(text), excludingOwn: ("", "")).map(\.text) }
        let list = "   ----- The following addresses had permanent fatal errors -----\n<b@example.org>\n\n"
        #expect(blocks(list + "   ----- Transcript of session follows -----\n<b@example.org>... Deferred\n").first
                == "<b@example.org>\n<b@example.org>... Deferred")
        #expect(blocks(list + "   ----- Transcript of session follows -----\n550 5.1.1 unknown\n") == ["<b@example.org>\n550 5.1.1 unknown"])
        #expect(blocks(list + "   ----- Transcript of session follows -----\n") == ["<b@example.org>"])
        #expect(blocks("<b@example.org>\n-----fff000\nContent-Type: text/plain ---\n")
                == ["<b@example.org>\n-----fff000\nContent-Type: text/plain ---"])
        #expect(blocks("<b@example.org> x\n") == ["<b@example.org> x"])
    }
}
