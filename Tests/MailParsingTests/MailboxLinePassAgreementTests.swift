import Testing
import TestSupport
@testable import MailParsing

/// `MboxParser` with its bulk passes over plain lines (`passPlainHeaderLines`, sixteen bytes a step;
/// `passPlainBodyLines`) against the same parser classifying every line itself (`passesPlainLines`
/// off): the same messages, boundaries, envelopes, bytes and defects on random and hostile mboxes,
/// whole and cut anywhere (at `From ` lines especially), in LF, CRLF and CR-only.
@Suite struct MailboxLinePassAgreementTests {
    /// Feeds `chunks` to a parser with the passes on or off and summarises what it returns.
    static func summaries(_ chunks: [ArraySlice<UInt8>], passes: Bool, limits: MailboxLimits) -> [MessageSummary] {
        var parser = MboxParser(limits: limits)
        parser.passesPlainLines = passes
        var input = ByteSlice()
        var out: [MessageSummary] = []
        for chunk in chunks {
            input.append(contentsOf: chunk)
            while let message = parser.next(&input) { out.append(MessageSummary(message)) }
        }
        while let message = parser.finish(&input) { out.append(MessageSummary(message)) }
        return out
    }

    /// Lines an mbox may hold, ordinary and hostile: envelopes well formed or not, `From ` and `>+From `
    /// lines in headers and bodies, `Content-Length:` right or wrong, near misses, long lines.
    static let lines: [String] = [
        "From a@b Thu Jul  2 12:05:05 2020", "From  Thu Apr 29 10:00:00 2004", "From me to you", "From x",
        ">From quoted", ">>From twice", String(repeating: ">", count: 16) + "From deep", "From:", "From: a@b",
        "Content-Length: 0", "Content-Length: 5", "Content-Length: 12", "content-length:3", "Content-Type: text/plain",
        "Cc: c", "c", "C", "Subject: s", " folded", "\tfolded", "", "", "", "F", "Fr", ">", ">x", "X-Long: "
            + String(repeating: "y", count: 70), String(repeating: "a", count: 300), String(repeating: "b", count: 17),
        String(repeating: "z", count: 2000),
    ]

    /// A random mbox of `lines`, with the given line end, maybe without its final line end, maybe with
    /// bytes before the first envelope.
    static func randomMbox(_ generator: inout SplitMix64, lineEnd: String) -> [UInt8] {
        var text: [String] = generator.below(8) == 0 ? ["garbage"] : []
        for _ in 0..<(1 + generator.below(4)) {
            text.append("From a@b Thu Jul  2 12:05:05 2020")
            for _ in 0..<generator.below(12) { text.append(lines[generator.below(lines.count)]) }
            text.append("")
            for _ in 0..<generator.below(12) { text.append(lines[generator.below(lines.count)]) }
            if generator.below(2) == 0 { text.append("") }
        }
        var bytes = Array(text.joined(separator: lineEnd).utf8)
        if generator.below(3) != 0 { bytes += Array(lineEnd.utf8) }
        return bytes
    }

    /// Cuts at every `From ` line start and a few bytes around it (a separator split at the chunk border).
    static func cutsAtFromLines(_ bytes: [UInt8], shift: Int) -> [ArraySlice<UInt8>] {
        var cuts: [Int] = []
        var i = 0
        while i + 5 <= bytes.count {
            if bytes[i] == UInt8(ascii: "F"), Array(bytes[i..<(i + 5)]) == Array("From ".utf8) {
                cuts.append(min(bytes.count, max(0, i + shift)))
            }
            i += 1
        }
        var chunks: [ArraySlice<UInt8>] = []
        var start = 0
        for cut in cuts where cut > start {
            chunks.append(bytes[start..<cut])
            start = cut
        }
        chunks.append(bytes[start...])
        return chunks
    }

    @Test func passesAgreeWithALineByLineScanOnRandomMboxes() {
        var generator = SplitMix64(seed: 35)
        let limitChoices = [MailboxLimits(), MailboxLimits(maxMessageBytes: 400), MailboxLimits(maxMessageBytes: 3000)]
        for round in 0..<400 {
            let lineEnd = ["\n", "\r\n", "\r"][round % 3]
            let bytes = Self.randomMbox(&generator, lineEnd: lineEnd)
            let limits = limitChoices[generator.below(limitChoices.count)]
            var chunkings = ChunkingVerifier.chunkings(of: bytes, randomRuns: 4, byteByByteLimit: 600).map(\.chunks)
            for shift in [-1, 0, 1, 3, 5] { chunkings.append(Self.cutsAtFromLines(bytes, shift: shift)) }
            let expected = Self.summaries([bytes[...]], passes: false, limits: limits)
            for chunks in chunkings {
                let found = Self.summaries(chunks, passes: true, limits: limits)
                #expect(found == expected, "round \(round): \(chunks.map(\.count))")
                if found != expected { return }
            }
        }
    }

    /// Header lines of every length from 1 to 40 bytes (so that line ends fall at every place of the
    /// sixteen-byte blocks), the header's end, a `Content-Length:` and a `>From ` line among them.
    @Test func headerLinesAtEveryAlignment() {
        for lineEnd in ["\n", "\r\n", "\r"] {
            for length in 1...40 {
                var header: [String] = []
                for k in 0..<12 { header.append("X" + String(repeating: "h", count: (length + k) % 40)) }
                header.insert(length % 2 == 0 ? "Content-Length: 2" : ">From x", at: length % 12)
                let text = (["From a@b Thu Jul  2 12:05:05 2020"] + header + ["", "ab", "From c@d Thu Jul  2 12:05:05 2020"]
                            + header.filter { !$0.hasPrefix("Content-Length") } + ["", "b", ""]).joined(separator: lineEnd)
                let bytes = Array(text.utf8)
                let expected = Self.summaries([bytes[...]], passes: false, limits: .init())
                #expect(expected.count == 2)
                for chunks in ChunkingVerifier.chunkings(of: bytes, randomRuns: 2, byteByByteLimit: 0).map(\.chunks) {
                    #expect(Self.summaries(chunks, passes: true, limits: .init()) == expected, "\(length)")
                }
            }
        }
    }
}

extension MailboxLinePassAgreementTests {
    /// Header lines of up to a few hundred bytes (running over many sixteen-byte blocks, unlike the
    /// short ones of `MailboxBodyLineScanTests.headerLinesAgreeWithALineByLineWalk`): `passPlainHeaderLines`
    /// leaves the cursor the line-by-line `headerWalk` leaves.
    @Test func longHeaderLinesAgreeWithALineByLineWalk() {
        var generator = SplitMix64(seed: 36)
        let alphabet = Array((String(repeating: "a", count: 60) + "FromClL >\n\r").utf8)
        for _ in 0..<3000 {
            let bytes = generator.bytes(alphabet, count: generator.below(400))
            let lineEnd: UInt8 = generator.below(3) == 0 ? 0x0D : 0x0A
            let cursor = MailboxBodyLineScanTests.randomCursor(in: bytes, lineEnd: lineEnd, generator: &generator)
            var expected = cursor
            MailboxBodyLineScanTests.headerWalk(&expected, bytes, lineEnd: lineEnd)
            for atEnd in [true, false] {
                var found = cursor
                ByteSubstringTests.withGuardedBytes(bytes, atEnd: atEnd) { buffer in
                    guard let base = buffer.baseAddress else { return }
                    MboxParser.passPlainHeaderLines(&found, base, buffer.count, lineEnd: lineEnd)
                }
                #expect(MailboxBodyLineScanTests.describe(found) == MailboxBodyLineScanTests.describe(expected))
            }
        }
    }
}
