import Foundation
import MailParsing
import Testing
import TestSupport

/// MMDF mailboxes (`MMDFParser`): the fixtures written by Fixtures/mailbox/make-fixtures.py, in LF, CRLF
/// and CR, whatever the chunking; damage, hostile Control-A bytes and long messages bounded.
@Suite("MMDF mailboxes")
struct MMDFParserTests {
    static let fixtures = ["mmdf", "mmdf-damaged"]
    static let separator: [UInt8] = [1, 1, 1, 1, 0x0A]

    /// The parser over `chunks`, fed one after another.
    static func parse(_ chunks: [ArraySlice<UInt8>], limits: MailboxLimits = .init()) -> [MailboxMessage] {
        var parser = MMDFParser(limits: limits)
        return MailboxTesting.feed(&parser, chunks, next: { $0.next(&$1) }, finish: { $0.finish(&$1) })
    }

    static func parse(_ bytes: [UInt8], limits: MailboxLimits = .init()) -> [MailboxMessage] {
        parse([bytes[...]], limits: limits)
    }

    static func message(_ subject: String, _ body: String = "body\n") -> [UInt8] {
        Array("From: a@example.org\nTo: b@example.net\nSubject: \(subject)\n\n\(body)".utf8)
    }

    @Test("the reader gives each fixture's expected messages, kind mmdf, raw the bytes at offset", arguments: fixtures)
    func fixture(_ name: String) throws {
        let path = Corpus.fixture("mailbox/\(name).mmdf")
        var reader = try MailboxReader(path: path)
        var messages: [MailboxMessage] = []
        while let m = try reader.next() { messages.append(m) }
        #expect(reader.kind == .mmdf)
        #expect(MailboxFixtureTests.actual(messages) == (try MailboxFixtureTests.expected(name)))
        let file = try MailboxTesting.bytes(path)
        for m in messages {
            #expect(m.source == path)
            #expect(m.raw.map(Array.init) == Array(file[m.offset..<(m.offset + m.length)]))
            #expect(Array(m.bytes) == Array(file[m.offset..<(m.offset + m.length)]))
        }
    }

    @Test("LF, CRLF and CR copies agree, however they are chunked", arguments: fixtures)
    func lineEndsAndChunking(_ name: String) throws {
        let lf = try MailboxTesting.bytes(Corpus.fixture("mailbox/\(name).mmdf"))
        let expected = try MailboxFixtureTests.expected(name)
        for copy in [lf, lf.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }, lf.map { $0 == 0x0A ? 0x0D : $0 }] {
            let messages = Self.parse(copy)
            #expect(messages.count == expected.count)
            for (message, row) in zip(messages, expected) {
                #expect(SHA256.hex(MailboxTesting.toLF(message.bytes)) == row.sha256)
                #expect(message.defects.names == row.defects)
                #expect(message.envelopeLine.map { String(decoding: $0, as: UTF8.self) } ?? "" == row.envelope)
                #expect(message.raw.map(Array.init) == Array(copy[message.offset..<(message.offset + message.length)]))
            }
            let report = ChunkingVerifier.verify(copy, randomRuns: 6) { Self.parse($0).map(MessageSummary.init) }
            #expect(report.mismatches.isEmpty, "\(report.mismatches)")
        }
    }

    @Test("bytes before the first separator are a message of their own, leading garbage")
    func leadingGarbage() {
        let garbage = Array("not a separator\nsecond line\n".utf8)
        let first = Self.message("first")
        let input = garbage + Self.separator + first + Self.separator
        let messages = Self.parse(input)
        #expect(messages.map { Array($0.bytes) } == [garbage, first])
        #expect(messages.map(\.defects) == [.leadingGarbage, []])
        #expect(messages.map(\.offset) == [0, garbage.count + Self.separator.count])
        #expect(messages.map(\.index) == [0, 1])
    }

    @Test("only a line of exactly four Control-A bytes separates; its absence at the end is a defect")
    func separatorShapes() {
        let body = "\u{1}\u{1}\u{1}\u{1} trailing text\n\u{1}\u{1}\u{1}\n\u{1}\u{1}\u{1}\u{1}\u{1}\nx\u{1}\u{1}\u{1}\u{1}\n"
        let one = Self.message("one", body)
        // A separator at the very end without its line end still closes the message.
        let messages = Self.parse(Self.separator + one + [1, 1, 1, 1])
        #expect(messages.count == 1)
        #expect(messages.first.map { Array($0.bytes) } == one && messages.first?.defects == [])
        #expect(MMDFParser.isMMDF(Self.separator) && MMDFParser.isMMDF([1, 1, 1, 1, 0x0D, 0x0A]) && MMDFParser.isMMDF([1, 1, 1, 1, 0x0D]))
        #expect(!MMDFParser.isMMDF([1, 1, 1, 1, 0x20, 0x0A]) && !MMDFParser.isMMDF([1, 1, 1, 0x0A]) && !MMDFParser.isMMDF([1, 1, 1, 1]))
    }

    @Test("a message past the limit is cut, its length whole, the same for every chunking and line end")
    func limit() {
        let limits = MailboxLimits(maxMessageBytes: 64)
        let long = Self.message("long", String(repeating: "0123456789abcdef\n", count: 40))
        let short = Self.message("short")
        let envelope = Array("From MAILER-DAEMON Sat Dec  5 10:00:00 2026\n".utf8)
        for unterminated in [false, true] {
            var input = Self.separator + envelope + long + Self.separator + Self.separator + short + Self.separator
            input += Self.separator + long
            if !unterminated { input += Self.separator }
            let messages = Self.parse(input, limits: limits)
            #expect(messages.count == 3)
            #expect(messages.map { $0.bytes.count } == [64, short.count, 64])
            #expect(messages.map(\.length) == [long.count, short.count, long.count])
            #expect(messages[0].defects == .truncated && messages[0].raw == nil)
            #expect(messages[0].envelopeLine.map(Array.init) == Array(envelope.dropLast()))
            #expect(Array(messages[0].bytes) == Array(long.prefix(64)) && Array(messages[1].bytes) == short)
            #expect(messages[2].defects == (unterminated ? [.truncated, .missingSeparator] : .truncated))
            #expect(messages[1].offset == Self.separator.count + envelope.count + long.count + 2 * Self.separator.count)
            for copy in [input, input.map { $0 == 0x0A ? 0x0D : $0 }] {
                let report = ChunkingVerifier.verify(copy, randomRuns: 6) { Self.parse($0, limits: limits).map(MessageSummary.init) }
                #expect(report.mismatches.isEmpty, "\(report.mismatches)")
            }
        }
    }

    @Test("a message far past the limit is held no longer than the limit and a few bytes, fed in pieces")
    func boundedMemory() {
        let limits = MailboxLimits(maxMessageBytes: 1024)
        var parser = MMDFParser(limits: limits)
        var input = ByteSlice(Self.separator)
        var largest = 0
        let line = Array(String(repeating: "\u{1}x", count: 40).utf8) + [0x0A]  // Control-A everywhere, no separator
        var messages: [MailboxMessage] = []
        for _ in 0..<5_000 {
            input.append(contentsOf: line)
            while let m = parser.next(&input) { messages.append(m) }
            largest = max(largest, input.count)
        }
        input.append(contentsOf: Self.separator)
        while let m = parser.next(&input) { messages.append(m) }
        while let m = parser.finish(&input) { messages.append(m) }
        #expect(largest <= 1024 + 2 * line.count + 16, "held \(largest) bytes")
        #expect(messages.count == 1 && messages.first?.length == 5_000 * line.count && messages.first?.bytes.count == 1024)
    }

    @Test("random bytes with separators among them: never a crash, every message inside the input")
    func hostileBytes() {
        var generator = SplitMix64(seed: 0x4D4D_4446)
        let alphabet: [UInt8] = [1, 1, 1, 0x0A, 0x0D, 0x46, 0x72, 0x6F, 0x6D, 0x20, 0x3A, 0x61]
        for _ in 0..<200 {
            let count = Int(generator.next() % 400)
            let input = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let messages = Self.parse(input, limits: MailboxLimits(maxMessageBytes: 32))
            for m in messages {
                #expect(m.offset >= 0 && m.offset + m.length <= input.count)
                #expect(m.bytes.count <= 32)
            }
            let report = ChunkingVerifier.verify(input, randomRuns: 2) {
                Self.parse($0, limits: MailboxLimits(maxMessageBytes: 32)).map(MessageSummary.init)
            }
            #expect(report.mismatches.isEmpty, "\(input) \(report.mismatches)")
        }
    }

    @Test("a gzip-compressed MMDF mailbox reads as the plain one")
    func compressed() throws {
        let path = Corpus.fixture("mailbox/mmdf.mmdf")
        let plain = try MailboxTesting.read(path).map(MessageSummary.init)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mmdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let gz = folder.appendingPathComponent("mmdf.gz").path
        try Data(Gzip.compress(try MailboxTesting.bytes(path))).write(to: URL(fileURLWithPath: gz))
        var reader = try MailboxReader(path: gz)
        var read: [MessageSummary] = []
        while let m = try reader.next() { read.append(MessageSummary(m)) }
        #expect(reader.kind == .mmdf)
        #expect(read.map { [$0.offset, $0.length] } == plain.map { [$0.offset, $0.length] })
        #expect(read.map(\.digest) == plain.map(\.digest))
    }
}
