import MailParsing
import Testing
import TestSupport

/// Edge cases of `MboxParser` that the corpus does not reach.
@Suite("mbox parser")
struct MailboxParserTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func text(_ bytes: ByteSlice) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("empty input gives no message")
    func empty() {
        #expect(MailboxTesting.parse([UInt8]()).isEmpty)
    }

    @Test("bytes before the first From_ line are a message of their own, flagged")
    func leadingGarbage() {
        let input = Self.bytes("junk line\n\nFrom a@b Thu Jul  2 12:05:05 2020\nSubject: x\n\nbody\n")
        let messages = MailboxTesting.parse(input)
        #expect(messages.count == 2)
        #expect(messages.first?.defects == .leadingGarbage)
        #expect(messages.first?.envelopeLine == nil)
        #expect(messages.first.map { Self.text($0.bytes) } == "junk line\n")
        #expect(messages.last.map { Self.text($0.bytes) } == "Subject: x\n\nbody\n")
        #expect(MailboxTesting.tiles(messages, input))
    }

    @Test("a From line in the body after a non-blank line does not split unless it is a dated envelope")
    func fromInBody() {
        let input = Self.bytes("""
            From a@b Thu Jul  2 12:05:05 2020
            Subject: x

            text
            From here on, nothing splits
            From c@d Fri Jul  3 12:05:05 2020
            Subject: y

            """)
        let messages = MailboxTesting.parse(input)
        #expect(messages.map { Self.text($0.bytes) } == ["Subject: x\n\ntext\nFrom here on, nothing splits\n", "Subject: y\n"])
    }

    @Test("messages longer than maxMessageBytes are cut, flagged, and still accounted", arguments: [1, 7, 100_000])
    func truncation(chunk: Int) {
        var text = "From a@b Thu Jul  2 12:05:05 2020\nSubject: big\n\n"
        for i in 0..<200 { text += "line \(i) of a long body that goes on and on\n" }
        text += "\nFrom c@d Fri Jul  3 12:05:05 2020\nSubject: small\n\nok\n"
        let input = Self.bytes(text)
        let limits = MailboxLimits(maxMessageBytes: 1_000)
        let chunks = stride(from: 0, to: input.count, by: chunk).map { input[$0..<min(input.count, $0 + chunk)] }
        let messages = MailboxTesting.parse(chunks, limits: limits)
        #expect(messages.count == 2)
        #expect(messages.first?.defects.contains(.truncated) == true)
        #expect(messages.first?.bytes.count == 1_000)
        #expect(messages.first?.raw == nil)
        #expect(messages.first.map { Self.text($0.bytes).hasPrefix("Subject: big\n") } == true)
        #expect(messages.last.map { Self.text($0.bytes) } == "Subject: small\n\nok\n")
        #expect(MailboxTesting.tiles(messages, input))
    }

    @Test("a huge line without any line end is bounded and accounted")
    func hugeLine() {
        let input = Self.bytes("From a@b Thu Jul  2 12:05:05 2020\n") + [UInt8](repeating: 0x41, count: 50_000)
        let limits = MailboxLimits(maxMessageBytes: 4_096)
        let chunks = stride(from: 0, to: input.count, by: 1_000).map { input[$0..<min(input.count, $0 + 1_000)] }
        var parser = MboxParser(limits: limits)
        var buffer = ByteSlice()
        var messages: [MailboxMessage] = []
        var largestBuffer = 0
        for chunk in chunks {
            buffer.append(contentsOf: chunk)
            largestBuffer = max(largestBuffer, buffer.count)
            while let message = parser.next(&buffer) { messages.append(message) }
        }
        while let message = parser.finish(&buffer) { messages.append(message) }
        #expect(largestBuffer < 3 * 4_096)
        #expect(messages.count == 1)
        #expect(messages.first?.length == input.count)
        #expect(messages.first?.defects.contains(.truncated) == true)
        #expect(messages.first?.defects.contains(.missingFinalNewline) == true)
    }

    @Test("a Content-Length above the limit is not trusted")
    func contentLengthAboveLimit() {
        let input = Self.bytes("From a@b Thu Jul  2 12:05:05 2020\nContent-Length: 99999999\n\nshort\n\nFrom c@d Fri Jul  3 12:05:05 2020\n\nx\n")
        let messages = MailboxTesting.parse([input[...]], limits: MailboxLimits(maxMessageBytes: 1_000))
        #expect(messages.count == 2)
        #expect(messages.first?.defects.contains(.badContentLength) == true)
    }

    @Test("a Content-Length that ends exactly at end of input is trusted")
    func contentLengthAtEnd() {
        let input = Self.bytes("From a@b Thu Jul  2 12:05:05 2020\nContent-Length: 13\n\nbody\n\nFrom x\n")
        let messages = MailboxTesting.parse(input)
        #expect(messages.count == 1)
        #expect(messages.first.map { Self.text($0.bytes) } == "Content-Length: 13\n\nbody\n\nFrom x\n")
        #expect(messages.first?.defects == [])
    }

    @Test("a CR at a chunk edge is read as CR-only or CRLF correctly")
    func lineEndingAtChunkEdge() {
        for input in [Self.bytes("From a@b Thu Jul  2 12:05:05 2020\r\nS: 1\r\n\r\nb\r\n\r\nFrom c@d Thu Jul  2 12:05:05 2020\r\nS: 2\r\n\r\nb\r\n"),
                      Self.bytes("From a@b Thu Jul  2 12:05:05 2020\rS: 1\r\rb\r\rFrom c@d Thu Jul  2 12:05:05 2020\rS: 2\r\rb\r")] {
            let report = ChunkingVerifier.verify(input, randomRuns: 8) { MailboxTesting.parse($0).map(MessageSummary.init) }
            #expect(report.mismatches.isEmpty)
            #expect(report.whole.count == 2)
            #expect(MailboxTesting.tiles(MailboxTesting.parse(input), input))
        }
    }

    @Test("feeding one byte at a time does not rescan: work grows linearly")
    func noQuadraticRescan() {
        // A 200 KB message with one line: byte-by-byte feeding must finish quickly and agree with whole.
        let input = Self.bytes("From a@b Thu Jul  2 12:05:05 2020\nSubject: x\n\n") + [UInt8](repeating: 0x61, count: 200_000) + [0x0A]
        let report = ChunkingVerifier.verify(input, randomRuns: 1) { MailboxTesting.parse($0).map(MessageSummary.init) }
        #expect(report.mismatches.isEmpty)
        #expect(report.whole.count == 1)
    }
}
