import Foundation
import MailParsing
import Testing
import TestSupport

/// Dovecot's dbox files (`DboxParser`): the fixtures Dovecot itself wrote (Fixtures/mailbox/dbox/make-dbox.sh:
/// mdbox plain, gzip and zstd, with a message expunged, sdbox), whatever the chunking; damage, the limit and
/// hostile bytes.
@Suite("Dovecot dbox files")
struct DboxParserTests {
    /// Each fixture and its expectation's name.
    static let fixtures: [(file: String, expected: String)] = [
        ("mdbox-m.1", "mdbox-m.1"), ("mdbox-gz-m.1", "mdbox-gz-m.1"), ("mdbox-zstd-m.1", "mdbox-zstd-m.1"),
        // Its second message expunged (`doveadm expunge`, not purged): still in the file, still read.
        ("mdbox-expunged-m.1", "mdbox-expunged-m.1"),
        ("sdbox/u.1", "sdbox-u.1"), ("sdbox/u.2", "sdbox-u.2"),
    ]

    static func path(_ name: String) -> String { Corpus.fixture("mailbox/dbox/" + name) }

    /// The rows of NAME.expected.tsv: sha256 of each message as given to Dovecot, and its defects.
    static func expected(_ name: String) throws -> [(sha256: String, defects: [String])] {
        let text = try String(contentsOfFile: path(name + ".expected.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst(2).map { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return (c[1], c[2] == "-" ? [] : c[2].split(separator: ",").map(String.init))
        }
    }

    /// The parser over `chunks`, fed one after another; its messages and its failure.
    static func parse(_ chunks: [ArraySlice<UInt8>], limits: MailboxLimits = .init()) -> (messages: [MailboxMessage], failure: MailboxError?) {
        var parser = DboxParser(limits: limits)
        let messages = MailboxTesting.feed(&parser, chunks, next: { $0.next(&$1) }, finish: { $0.finish(&$1) })
        return (messages, parser.failure)
    }

    static func parse(_ bytes: [UInt8], limits: MailboxLimits = .init()) -> (messages: [MailboxMessage], failure: MailboxError?) {
        parse([bytes[...]], limits: limits)
    }

    /// What a chunking must not change: every message's summary, and the failure's code and offset.
    struct Outcome: Equatable, Sendable {
        var messages: [MessageSummary]
        var failure: String?
        init(_ parsed: (messages: [MailboxMessage], failure: MailboxError?)) {
            messages = parsed.messages.map(MessageSummary.init)
            failure = parsed.failure.map { "\($0.code) \($0.byteOffset)" }
        }
    }

    @Test("the reader gives the messages Dovecot was given, kind dboxFile, each read back by its offset",
          arguments: fixtures.map(\.file))
    func fixture(_ file: String) throws {
        let name = try #require(Self.fixtures.first { $0.file == file }).expected
        var reader = try MailboxReader(path: Self.path(file))
        var messages: [MailboxMessage] = []
        while let m = try reader.next() { messages.append(m) }
        #expect(reader.kind == .dboxFile)
        let rows = try Self.expected(name)
        #expect(messages.map { SHA256.hex($0.bytes) } == rows.map(\.sha256))
        #expect(messages.map(\.defects.names) == rows.map(\.defects))
        let bytes = try MailboxTesting.bytes(Self.path(file))
        let raw = try RawEntryReader(path: Self.path(file))
        for m in messages {
            // Stored plain, `raw` is the file's bytes there; compressed, the reader gives them back decompressed.
            let stored = Array(bytes[m.offset..<(m.offset + m.length)])
            if file.contains("gz") || file.contains("zstd") {
                #expect(m.raw == nil && CompressionFormat.detect(stored[...]) != nil)
            } else {
                #expect(m.raw.map(Array.init) == stored && Array(m.bytes) == stored)
            }
            #expect(try raw.read(offset: m.offset, length: m.length) == Array(m.bytes))
            #expect(m.envelopeLine == nil && m.queueEnvelope == nil && m.source == Self.path(file))
        }
    }

    @Test("every chunking gives the same messages", arguments: fixtures.map(\.file))
    func chunking(_ file: String) throws {
        let bytes = try MailboxTesting.bytes(Self.path(file))
        let report = ChunkingVerifier.verify(bytes, randomRuns: 6) { Outcome(Self.parse($0)) }
        #expect(report.mismatches.isEmpty, "\(report.mismatches)")
        #expect(report.whole.failure == nil && !report.whole.messages.isEmpty)
    }

    @Test("an sdbox folder reads its files in the order of their numbers, past u.9")
    func sdboxFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sdbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let one = try MailboxTesting.bytes(Self.path("sdbox/u.1")), two = try MailboxTesting.bytes(Self.path("sdbox/u.2"))
        for n in [1, 2, 9, 10, 11] {
            try Data(n % 2 == 1 ? one : two).write(to: folder.appendingPathComponent("u.\(n)"))
        }
        try Data("index".utf8).write(to: folder.appendingPathComponent("dovecot.index"))
        let messages = try MailboxTesting.read(folder.path)
        #expect(messages.map { URL(fileURLWithPath: $0.source).lastPathComponent } == ["u.1", "u.2", "u.9", "u.10", "u.11"])
    }

    @Test("a file cut inside a message gives it as far as it goes, damaged; cut in its metadata, whole")
    func cutShort() throws {
        let file = try MailboxTesting.bytes(Self.path("mdbox-m.1"))
        let whole = Self.parse(file).messages
        let second = whole[1]
        // Inside the second message's stored bytes.
        let inside = Self.parse(Array(file[..<(second.offset + 10)]))
        #expect(inside.messages.count == 2 && inside.failure == nil)
        #expect(Array(inside.messages[1].bytes) == Array(second.bytes.prefix(10)))
        #expect(inside.messages[1].defects == .damagedFile && inside.messages[1].length == 10 && inside.messages[1].raw == nil)
        // Inside its metadata, inside the metadata's magic, and right after its stored bytes: the message is whole.
        for end in [second.offset + second.length + 6, second.offset + second.length + 2, second.offset + second.length] {
            let cut = Self.parse(Array(file[..<end]))
            #expect(cut.messages.count == 2 && cut.failure == nil && cut.messages[1].defects == [])
        }
    }

    @Test("a message header or metadata missing where the sizes lead stops the file there, after what came before")
    func damagedStructure() throws {
        let file = try MailboxTesting.bytes(Self.path("mdbox-m.1"))
        let whole = Self.parse(file).messages
        let headerOfSecond = whole[1].offset - 30
        var badHeader = file
        badHeader[headerOfSecond] = UInt8(ascii: "X")
        var badMetadata = file
        badMetadata[whole[0].offset + whole[0].length + 1] = 0x04
        var badSize = file
        for k in 0..<16 { badSize[headerOfSecond + 13 + k] = UInt8(ascii: "f") }
        for (damaged, at) in [(badHeader, headerOfSecond), (badMetadata, whole[0].offset + whole[0].length), (badSize, headerOfSecond)] {
            let parsed = Self.parse(damaged)
            #expect(parsed.messages.count == 1 && parsed.messages.first.map { Array($0.bytes) } == Array(whole[0].bytes))
            #expect(parsed.failure?.code == .damagedMailboxFile && parsed.failure?.byteOffset == at, "\(String(describing: parsed.failure))")
        }
        // Through the reader: the first message, then the error naming the file and the byte.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("m.1").path
        try Data(badHeader).write(to: URL(fileURLWithPath: path))
        var reader = try MailboxReader(path: path)
        #expect(try reader.next() != nil)
        do {
            _ = try reader.next()
            Issue.record("the damage was not reported")
        } catch {
            #expect(error.code == .damagedMailboxFile && error.path == path && error.byteOffset == headerOfSecond)
            #expect(error.detail?.contains("dbox") == true)
        }
        #expect(try reader.next() == nil)
        // A file header without its message header size, or with one too small for the fields or past
        // `maxMessageHeaderBytes`, is no dbox file to read.
        for header in ["2 C6566a3f0\n", "2 M1d C6566a3f0\n", "2 M1001 C6566a3f0\n", "2 Mzz C6566a3f0\n"] {
            let parsed = Self.parse(Array(header.utf8) + file.dropFirst(16))
            #expect(parsed.messages.isEmpty && parsed.failure?.code == .damagedMailboxFile && parsed.failure?.byteOffset == 0, "\(header)")
        }
    }

    @Test("past the limit a message is cut, plain or compressed, its length every stored byte, however chunked")
    func limit() throws {
        let limits = MailboxLimits(maxMessageBytes: 64)
        for file in ["mdbox-m.1", "mdbox-gz-m.1"] {
            let bytes = try MailboxTesting.bytes(Self.path(file))
            let whole = Self.parse(bytes).messages
            let cut = Self.parse(bytes, limits: limits)
            #expect(cut.failure == nil && cut.messages.count == whole.count)
            for (m, w) in zip(cut.messages, whole) {
                #expect(m.offset == w.offset && m.length == w.length)
                if file == "mdbox-m.1" {
                    #expect(Array(m.bytes) == Array(w.bytes.prefix(64)))
                    #expect(m.defects.contains(.truncated) == (w.bytes.count > 64))
                } else {
                    // Compressed: the first 64 stored bytes are kept, and decompressed as far as they go.
                    #expect(w.bytes.starts(with: m.bytes) && m.bytes.count <= 64 && !m.bytes.isEmpty)
                    #expect(m.defects == .truncated && w.length > 64)
                }
            }
            let report = ChunkingVerifier.verify(bytes, randomRuns: 6) { Outcome(Self.parse($0, limits: limits)) }
            #expect(report.mismatches.isEmpty, "\(file) \(report.mismatches)")
        }
    }

    @Test("a message that says it is a terabyte long is dropped as it comes, the parser holding little")
    func boundedMemory() {
        var parser = DboxParser(limits: MailboxLimits(maxMessageBytes: 1024))
        var input = ByteSlice(Array("2 M1e C6566a3f0\n\u{1}\u{2}N          0000010000000000\n".utf8))
        var largest = 0
        var messages: [MailboxMessage] = []
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 4096)
        for _ in 0..<500 {
            input.append(contentsOf: chunk)
            while let m = parser.next(&input) { messages.append(m) }
            largest = max(largest, input.count)
        }
        while let m = parser.finish(&input) { messages.append(m) }
        #expect(largest <= 1024 + 2 * chunk.count, "held \(largest) bytes")
        #expect(messages.count == 1 && messages.first?.length == 500 * chunk.count && messages.first?.bytes.count == 1024)
        #expect(messages.first?.defects == [.truncated, .damagedFile])
    }

    @Test("the fixtures with bytes changed at random: never a crash, every message inside the file, chunking alike")
    func hostileBytes() throws {
        var generator = SplitMix64(seed: 0xD0_B0C5)
        for file in ["mdbox-m.1", "mdbox-gz-m.1", "mdbox-zstd-m.1"] {
            let original = try MailboxTesting.bytes(Self.path(file))
            for _ in 0..<60 {
                var bytes = original
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let at = Int(generator.next() % UInt64(bytes.count))
                    bytes[at] = [0x01, 0x02, 0x03, 0x0A, 0x30, 0x66, UInt8(generator.next() & 0xFF)][Int(generator.next() % 7)]
                }
                if generator.next() % 3 == 0 { bytes.removeLast(Int(generator.next() % UInt64(bytes.count / 2))) }
                let parsed = Self.parse(bytes, limits: MailboxLimits(maxMessageBytes: 128))
                for m in parsed.messages { #expect(m.offset >= 0 && m.offset + m.length <= bytes.count && m.bytes.count <= 128) }
                let report = ChunkingVerifier.verify(bytes, randomRuns: 2) { Outcome(Self.parse($0, limits: MailboxLimits(maxMessageBytes: 128))) }
                #expect(report.mismatches.isEmpty, "\(file) \(report.mismatches)")
            }
        }
    }
}
