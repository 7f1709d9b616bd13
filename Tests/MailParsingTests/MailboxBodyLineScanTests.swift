import Testing
import TestSupport
@testable import MailParsing

/// `MboxParser.passPlainBodyLines` looks for the `F` of `From ` lines and `>+From ` lines by memchr,
/// passes every other whole line, and reads only the last line it
/// passes again: its cursor must be the one a line-by-line walk leaves, wherever the lines fall against
/// the blocks and the end of the bytes, and the messages must be the same however they are fed.
@Suite struct MailboxBodyLineScanTests {
    /// The line-by-line walk `passPlainBodyLines` replaced: one memchr a line, stopping before a line
    /// that has no line end, or is a `From ` or `>+From ` line, or is the first line, starts with `F` or
    /// `>` and may be such a line for all the bytes say (fewer than five bytes after its `>`s), or
    /// starts with more than 15 `>`.
    static func walk(_ cursor: inout MboxParser.LineCursor, _ bytes: [UInt8], lineEnd: UInt8, stripCR: Bool) {
        var lineStart = cursor.lineStart
        var passed = false
        while lineStart < bytes.count {
            let first = bytes[lineStart]
            if first == UInt8(ascii: "F") || first == UInt8(ascii: ">") {
                let quotes = bytes[lineStart...].prefix(while: { $0 == UInt8(ascii: ">") }).count
                let rest = bytes[(lineStart + quotes)...]
                // The first line is judged on its first bytes; the others only by what they are.
                if rest.starts(with: "From ".utf8) || (!passed && (quotes > 15 || rest.count < 5)) { break }
            }
            guard let end = bytes[lineStart...].firstIndex(of: lineEnd) else { break }
            cursor.previousLineBlank = end == lineStart || (stripCR && end == lineStart + 1 && first == 0x0D)
            cursor.previousLineStart = lineStart
            lineStart = end + 1
            passed = true
        }
        guard passed else { return }
        cursor.lineStart = lineStart
        cursor.searchedTo = lineStart
    }

    static func describe(_ c: MboxParser.LineCursor) -> String {
        "\(c.lineStart) \(c.searchedTo) \(c.previousLineBlank) \(c.previousLineStart)"
    }

    @Test func agreesWithALineByLineWalk() {
        var generator = SplitMix64(seed: 13)
        // Line ends, the two marks, CR (blank CRLF lines) and filler; some inputs mostly filler, so that
        // lines run across several blocks.
        let alphabets: [[UInt8]] = [Array("aF>\n\r ".utf8), Array("aaaaaaaaaaaaaaaF>\n\r".utf8),
                                    Array("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n".utf8)]
        for round in 0..<6000 {
            let bytes = generator.bytes(alphabets[round % alphabets.count], count: generator.below(200))
            let lineEnd: UInt8 = generator.below(3) == 0 ? 0x0D : 0x0A
            Self.expectSkipAgreesWithWalk(bytes, lineEnd: lineEnd, generator: &generator)
        }
    }

    /// A cursor at a random line start of `bytes`, `searchedTo` anywhere up to that line's end (no line
    /// end before it), the previous line's state random.
    static func randomCursor(in bytes: [UInt8], lineEnd: UInt8, generator: inout SplitMix64) -> MboxParser.LineCursor {
        let starts = [0] + bytes.indices.filter { bytes[$0] == lineEnd }.map { $0 + 1 }
        var cursor = MboxParser.LineCursor()
        cursor.lineStart = starts[generator.below(starts.count)]
        let lineEndIndex = bytes[min(cursor.lineStart, bytes.count)...].firstIndex(of: lineEnd) ?? bytes.count
        cursor.searchedTo = cursor.lineStart + generator.below(lineEndIndex - cursor.lineStart + 1)
        cursor.previousLineBlank = generator.below(2) == 0
        cursor.previousLineStart = generator.below(5)
        return cursor
    }

    /// `passPlainBodyLines` from a random cursor in `bytes` (at a line start, `searchedTo` anywhere up to
    /// that line's end, no line end before it) leaves the cursor the line-by-line `walk` leaves, with the
    /// bytes at the end of a guarded page and not.
    static func expectSkipAgreesWithWalk(_ bytes: [UInt8], lineEnd: UInt8, generator: inout SplitMix64) {
        let stripCR = lineEnd == 0x0A
        let cursor = randomCursor(in: bytes, lineEnd: lineEnd, generator: &generator)
        var expected = cursor
        walk(&expected, bytes, lineEnd: lineEnd, stripCR: stripCR)
        for atEnd in [true, false] {
            var found = cursor
            ByteSubstringTests.withGuardedBytes(bytes, atEnd: atEnd) { buffer in
                guard let base = buffer.baseAddress else { return }
                MboxParser.passPlainBodyLines(&found, base, buffer.count, lineEnd: lineEnd, stripCR: stripCR)
            }
            #expect(describe(found) == describe(expected), "\(bytes) from \(describe(cursor))")
        }
    }

    /// Lines made of `From `, `>From `, `>>From `, near misses (`Fro`, `From` at the end of a line, 15
    /// and 16 `>`), filler and every line end, cut at any byte (so that a line starting with `F` or `>`
    /// is often split before its fifth byte): `passPlainBodyLines` stops exactly where the walk does.
    @Test func fromAndQuotedFromLinesAgreeWithALineByLineWalk() {
        var generator = SplitMix64(seed: 21)
        let pieces = ["From ", ">From ", ">>From ", "Fro", "From", "F", ">", ">>", "Fr om", ">F",
                      String(repeating: ">", count: 15) + "From ", String(repeating: ">", count: 16) + "From ",
                      String(repeating: ">", count: 15) + "x", String(repeating: ">", count: 16) + "x",
                      "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", " ", "\n", "\n", "\n", "\r", "\r\n", "\r\n"]
        for round in 0..<8000 {
            var bytes: [UInt8] = []
            for _ in 0..<generator.below(40) { bytes += Array(pieces[generator.below(pieces.count)].utf8) }
            bytes = Array(bytes.prefix(generator.below(bytes.count + 1)))  // cut anywhere
            let lineEnd: UInt8 = round % 3 == 0 ? 0x0D : 0x0A
            Self.expectSkipAgreesWithWalk(bytes, lineEnd: lineEnd, generator: &generator)
        }
    }

    /// Bodies of `From ` and `>+From ` lines among plain lines starting with `F` and `>`, after a blank
    /// line or not, fed whole and in every chunking: split where the rules say, `>From ` lines unquoted.
    @Test func bodiesWithFromLinesCutAnywhere() {
        var generator = SplitMix64(seed: 34)
        let lines = ["From me to you", ">From quoted", ">>From twice", "Fine", "Fr", "F", ">", ">x", "", "text",
                     String(repeating: ">", count: 16) + "From deep", "From a@b Thu Jul  2 12:05:05 2020"]
        for round in 0..<60 {
            let lineEnd = ["\n", "\r\n", "\r"][round % 3]
            var text = ["From a@b Thu Jul  2 12:05:05 2020", "Subject: x", ""]
            for _ in 0..<generator.below(30) { text.append(lines[generator.below(lines.count)]) }
            let input = Array((text + ["end", ""]).joined(separator: lineEnd).utf8)
            let messages = MailboxTesting.parse(input)
            #expect(MailboxTesting.tiles(messages, input), "\(round)")
            let report = ChunkingVerifier.verify(input, randomRuns: 3) { MailboxTesting.parse($0).map(MessageSummary.init) }
            #expect(report.mismatches.isEmpty, "\(round)")
        }
    }

    @Test func linesStartingWithFAndGreaterThanAtEveryAlignment() {
        for (name, lineEnd) in [("LF", "\n"), ("CRLF", "\r\n"), ("CR", "\r")] {
            for fill in 1...48 {
                let filler = String(repeating: "a", count: fill)
                // Not separators: "From me" follows a non-blank line and is no dated envelope.
                let body = [filler, "From me to you", ">From quoted", "Fine", ">x", "", "F", ">", "Fr", ">>From twice",
                            String(repeating: ">", count: 16) + "From deep", filler, ""]
                let text = (["From a@b Thu Jul  2 12:05:05 2020", "Subject: x", ""] + body
                            + ["From c@d Thu Jul  2 12:05:05 2020", "Subject: y", "", "b", ""]).joined(separator: lineEnd)
                let input = Array(text.utf8)
                let messages = MailboxTesting.parse(input)
                #expect(messages.count == 2, "\(name) \(fill)")
                guard messages.count == 2 else { continue }
                // One `>` taken from the quoted From line (mboxrd).
                let first = (["Subject: x", ""] + body.dropLast().map { $0.hasPrefix(">") && $0.drop(while: { $0 == ">" }).hasPrefix("From ") ? String($0.dropFirst()) : $0 } + [""])
                    .joined(separator: lineEnd)
                #expect(String(decoding: messages[0].bytes, as: UTF8.self) == first, "\(name) \(fill)")
                #expect(String(decoding: messages[1].bytes, as: UTF8.self) == ["Subject: y", "", "b", ""].joined(separator: lineEnd))
                #expect(MailboxTesting.tiles(messages, input), "\(name) \(fill)")
                let report = ChunkingVerifier.verify(input, randomRuns: 2) { MailboxTesting.parse($0).map(MessageSummary.init) }
                #expect(report.mismatches.isEmpty, "\(name) \(fill)")
            }
        }
    }
    /// The line-by-line walk `passPlainHeaderLines` stands for: step over each whole header line whose
    /// handling in `scanLines` is only to step over it (not blank, not `>`-first, no `From ` line, no
    /// `Content-Length:`), stopping also where the bytes that decide are not all there, or where a CR or
    /// a `c` with an `l` ninth comes first (left to `scanLines`).
    static func headerWalk(_ cursor: inout MboxParser.LineCursor, _ bytes: [UInt8], lineEnd: UInt8) {
        var lineStart = cursor.lineStart
        var passedStart: Int?
        while lineStart < bytes.count {
            let line = Array(bytes[lineStart...].prefix(9))
            let first = line[0]
            if first == lineEnd || first == 0x0D || first == UInt8(ascii: ">") { break }
            if first == UInt8(ascii: "F"), line.count < 5 || line.prefix(5) == Array("From ".utf8)[...] { break }
            if first == UInt8(ascii: "c") || first == UInt8(ascii: "C"),
               line.count < 9 || line[8] == UInt8(ascii: "l") || line[8] == UInt8(ascii: "L") { break }
            guard let end = bytes[lineStart...].firstIndex(of: lineEnd) else { break }
            passedStart = lineStart
            lineStart = end + 1
        }
        guard let passedStart else { return }
        cursor.lineStart = lineStart
        cursor.searchedTo = lineStart
        cursor.previousLineBlank = false
        cursor.previousLineStart = passedStart
    }

    @Test func headerLinesAgreeWithALineByLineWalk() {
        var generator = SplitMix64(seed: 55)
        let alphabets: [[UInt8]] = [Array("FromClL >\n\r a".utf8), Array("Content-Length: 12\nFrom x\n>\r\naaaaaa".utf8)]
        for round in 0..<6000 {
            let bytes = generator.bytes(alphabets[round % alphabets.count], count: generator.below(120))
            let lineEnd: UInt8 = generator.below(3) == 0 ? 0x0D : 0x0A
            let cursor = Self.randomCursor(in: bytes, lineEnd: lineEnd, generator: &generator)
            var expected = cursor
            Self.headerWalk(&expected, bytes, lineEnd: lineEnd)
            for atEnd in [true, false] {
                var found = cursor
                ByteSubstringTests.withGuardedBytes(bytes, atEnd: atEnd) { buffer in
                    guard let base = buffer.baseAddress else { return }
                    MboxParser.passPlainHeaderLines(&found, base, buffer.count, lineEnd: lineEnd)
                }
                #expect(Self.describe(found) == Self.describe(expected), "\(bytes) from \(Self.describe(cursor))")
            }
        }
    }

    /// Headers of `From:`, `Cc:`, `Content-Type:`, `Content-Length:` and `>From` lines, cut anywhere:
    /// the same messages however the input is fed.
    @Test func headersCutAnywhere() {
        for lineEnd in ["\n", "\r\n", "\r"] {
            let header = ["From: a@b", "Cc: c", "Content-Type: text/plain", "content-length: 2", "Content-Length: 3",
                          ">From x", "Fro", "F", "c", "Subject: s", ""]
            let text = (["From a@b Thu Jul  2 12:05:05 2020"] + header + ["ab", "", "From c@d Thu Jul  2 12:05:05 2020"]
                        + header.filter { !$0.lowercased().hasPrefix("content-length") } + ["b", ""]).joined(separator: lineEnd)
            let input = Array(text.utf8)
            let messages = MailboxTesting.parse(input)
            #expect(messages.count == 2 && MailboxTesting.tiles(messages, input), "\(lineEnd.utf8.count)")
            let report = ChunkingVerifier.verify(input, randomRuns: 20) { MailboxTesting.parse($0).map(MessageSummary.init) }
            #expect(report.mismatches.isEmpty, "\(lineEnd.utf8.count)")
        }
    }
}
