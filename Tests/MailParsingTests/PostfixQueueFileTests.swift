import Foundation
import MailParsing
import Testing
import TestSupport

/// Postfix queue files: the real ones in Fixtures/mailbox/postfix-queue (written by Postfix, expected as
/// `postcat` prints them), and files built record by record for the damage a walk must survive.
@Suite("Postfix queue files")
struct PostfixQueueFileTests {
    static let names = ["plain", "bounce", "long-lines", "milter-edited", "maildrop"]

    static func fixture(_ name: String) -> String { Corpus.fixture("mailbox/postfix-queue/\(name)") }

    /// envelopes.tsv's row for `name`: sender (nil for `-`), recipients, arrival time.
    static func envelope(_ name: String) throws -> (sender: String?, recipients: [String], arrival: Int?) {
        let text = try String(contentsOfFile: fixture("envelopes.tsv"), encoding: .utf8)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 4, columns[0] == name else { continue }
            return (columns[1] == "-" ? nil : columns[1],
                    columns[2].split(separator: ",").map(String.init), Int(columns[3]))
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    /// The first offset where two byte strings differ (the shorter one's length when one is the other's
    /// start): a failure message shorter than both.
    static func firstDifference(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Int {
        zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    }

    static func record(_ type: Character, _ data: [UInt8]) -> [UInt8] { PostfixRecords.record(type, data) }

    static func record(_ type: Character, _ text: String) -> [UInt8] { record(type, Array(text.utf8)) }

    /// A pointer record to `offset`, `%15ld` as Postfix writes it (rec_type.h, `REC_TYPE_PTR_FORMAT`).
    static func pointer(_ offset: Int) -> [UInt8] {
        record("p", String(repeating: " ", count: 15 - String(offset).count) + String(offset))
    }

    /// The records of a small queue file: envelope, the given content records, `X`, `E`.
    static func queueFile(content: [UInt8]) -> [UInt8] {
        record("C", "            100              80               1               0             100")
            + record("T", "1796574000 123456") + record("S", "a@example.net") + record("R", "b@example.org")
            + record("M", "") + content + record("X", "") + record("E", "")
    }

    @Test("each real queue file reads as postcat prints it, with its envelope", arguments: names)
    func realQueueFiles(_ name: String) throws {
        let path = Self.fixture(name + ".queue")
        let expected = try MailboxTesting.bytes(Self.fixture(name + ".eml"))
        var reader = try MailboxReader(path: path)
        #expect(reader.kind == .postfixQueueFile)
        let message = try #require(try reader.next())
        #expect(try reader.next() == nil)
        #expect(Array(message.bytes) == expected, "differs from byte \(Self.firstDifference(message.bytes, expected))")
        #expect(message.offset == 0 && message.length == expected.count)
        #expect(message.defects.isEmpty)
        #expect(message.raw.map { Array($0) == expected } == true)

        let file = try MailboxTesting.bytes(path)
        #expect(PostfixQueueFile.isQueueFile(file))
        let decoded = PostfixQueueFile(decoding: file[...])
        let envelope = try Self.envelope(name)
        #expect(decoded.damage == nil)
        #expect(decoded.sender.map { String(decoding: $0, as: UTF8.self) } == envelope.sender)
        #expect(decoded.recipients.map { String(decoding: $0, as: UTF8.self) } == envelope.recipients)
        // postcat prints the time to the second; the fixtures' maildrop file arrived after 16:21:46.
        #expect(decoded.arrivalTime == envelope.arrival)
        // The reader hands the envelope on with the message.
        let handed = try #require(message.queueEnvelope)
        #expect(handed.sender.map { String(decoding: $0, as: UTF8.self) } == envelope.sender)
        #expect(handed.recipients.map { String(decoding: $0, as: UTF8.self) } == envelope.recipients)
        #expect(handed.arrivalTime == envelope.arrival)
        #expect(try MailboxReader.readRawEntry(path: path, offset: 0, length: expected.count) == expected)
    }

    @Test("the milter's edits are followed through their pointers, in Postfix's order")
    func pointersFollowed() throws {
        // Of the decoder's own output (realQueueFiles checks that it equals the .eml, postcat's).
        let file = try MailboxTesting.bytes(Self.fixture("milter-edited.queue"))
        let text = String(decoding: PostfixQueueFile(decoding: file[...]).message, as: UTF8.self)
        #expect(text.hasPrefix("X-First: inserted at the top\nReceived: "))
        #expect(text.contains("\nSubject: [scanned] edited subject\n"))
        #expect(!text.contains("original subject"))
        #expect(text.contains("\nX-Scanned-By: editmilter 1.0\n\nBody after milter edits.\n"))
        // The fixture holds pointers forward and back: its records hold more than the message.
        #expect(file.count > text.utf8.count)
    }

    @Test("a folder laid out as a queue (hashed sub-folders) reads every file, each decoded")
    func queueFolder() throws {
        var files: [String: [UInt8]] = [:]
        for name in Self.names {
            let queue = try MailboxTesting.bytes(Self.fixture(name + ".queue"))
            files["deferred/\(name.prefix(1).uppercased())/\(name.uppercased())"] = queue
        }
        let root = try MailboxTesting.folder(files, prefix: "postfix-queue")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root + "/deferred")
        #expect(reader.kind == .directory)
        var read: [String: [UInt8]] = [:]
        while let message = try reader.next() {
            read[(message.source as NSString).lastPathComponent] = Array(message.bytes)
        }
        #expect(read.count == Self.names.count)
        for name in Self.names {
            let same = read[name.uppercased()] == (try MailboxTesting.bytes(Self.fixture(name + ".eml")))
            #expect(same, "\(name)")
        }
    }

    @Test("a gzip-compressed queue file reads as the plain one, and reads back so")
    func gzipQueueFile() throws {
        let queue = try MailboxTesting.bytes(Self.fixture("bounce.queue"))
        let expected = try MailboxTesting.bytes(Self.fixture("bounce.eml"))
        let root = try MailboxTesting.folder(["bounce.queue.gz": Gzip.compress(queue)], prefix: "postfix-queue")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/bounce.queue.gz"
        var reader = try MailboxReader(path: path)
        #expect(reader.kind == .postfixQueueFile)
        let message = try #require(try reader.next())
        #expect(Array(message.bytes) == expected)
        #expect(try MailboxReader.readRawEntry(path: path, offset: 0, length: expected.count) == expected)
        #expect(try MailboxReader.readRawEntry(path: path, offset: 10, length: 20) == Array(expected[10..<30]))
        #expect(throws: MailboxError.self) { try MailboxReader.readRawEntry(path: path, offset: 0, length: expected.count + 1) }
    }

    @Test("detection: a queue file's first record, never a message's text")
    func detection() throws {
        for name in Self.names {
            #expect(PostfixQueueFile.isQueueFile(try MailboxTesting.bytes(Self.fixture(name + ".queue")).prefix(PostfixQueueFile.bytesToDetect)))
        }
        for text in ["To: someone@example.org\n\nhi\n", "Cc: x\n", "T", "C\u{05}12345", "C\u{05}12345x", "C\u{05}1234 X",
                     "T\u{02}  S", "From a@b Thu Jul  2 12:05:05 2020\n", ""] {
            #expect(!PostfixQueueFile.isQueueFile(Array(text.utf8)), "\(text.debugDescription)")
        }
        #expect(PostfixQueueFile.isQueueFile(Array("C\u{05}12345S".utf8)))
        #expect(PostfixQueueFile.isQueueFile(Array("T\u{05}12 34M".utf8)))
    }

    @Test("N, L, padding and placeholder pointers make the lines postcat prints")
    func contentRecords() {
        let content = Self.record("N", "Subject: pieces") + Self.record("N", "")
            + Self.record("L", "first half, ") + Self.record("w", "0000") + Self.record("L", "second half, ")
            + Self.pointer(0) + Self.record("N", "end") + Self.record("N", "")
        let decoded = PostfixQueueFile(decoding: Self.queueFile(content: content)[...])
        #expect(decoded.damage == nil)
        #expect(String(decoding: decoded.message, as: UTF8.self) == "Subject: pieces\n\nfirst half, second half, end\n\n")
        #expect(decoded.messageLength == decoded.message.count && !decoded.isTruncated)
        #expect(decoded.sender == Array("a@example.net".utf8) && decoded.recipients == [Array("b@example.org".utf8)])
        #expect(decoded.arrivalTime == 1_796_574_000)
    }

    @Test("a length of several bytes: a record longer than 127 and longer than 16,383 bytes")
    func longLengths() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 20_000)
        let decoded = PostfixQueueFile(decoding: Self.queueFile(content: Self.record("N", Array(long[..<200])) + Self.record("N", long))[...])
        #expect(decoded.damage == nil)
        #expect(decoded.message == Array(long[..<200]) + [0x0A] + long + [0x0A])
    }

    @Test("a file cut at any byte decodes to a prefix of the whole message, and says where it ended",
          arguments: names)
    func cutAnywhere(_ name: String) throws {
        let file = try MailboxTesting.bytes(Self.fixture(name + ".queue"))
        let whole = PostfixQueueFile(decoding: file[...]).message
        // Every byte of the first 3,000, every 11th after (long-lines.queue's 2,048-byte records).
        for cut in Array(0..<min(3000, file.count)) + Array(stride(from: 3000, to: file.count, by: 11)) {
            let decoded = PostfixQueueFile(decoding: file[..<cut])
            #expect(whole.starts(with: decoded.message), "cut at \(cut)")
            #expect(decoded.damage != nil, "cut at \(cut)")
            if decoded.damage == nil || !whole.starts(with: decoded.message) { return }
        }
    }

    @Test("damage: each fault stops the walk where it is, with what came before kept")
    func damage() {
        let head = Self.record("N", "Subject: kept")
        let headBytes = Self.queueFile(content: []).count - 4  // up to and with the M record
        // A pointer to itself, forever: the walk gives up after the file's size in record bytes.
        let loop = Self.queueFile(content: head + Self.pointer(headBytes + head.count))
        var decoded = PostfixQueueFile(decoding: loop[...])
        #expect(decoded.damage?.kind == .pointerLoop)
        #expect(decoded.message == Array("Subject: kept\n".utf8))
        // Pointers outside the file, or not numbers.
        decoded = PostfixQueueFile(decoding: Self.queueFile(content: head + Self.pointer(1_000_000))[...])
        #expect(decoded.damage == .init(.pointerOutOfRange, offset: headBytes + head.count))
        decoded = PostfixQueueFile(decoding: Self.queueFile(content: head + Self.record("p", "12x"))[...])
        #expect(decoded.damage?.kind == .malformedRecord)
        decoded = PostfixQueueFile(decoding: Self.queueFile(content: head + Self.record("p", String(repeating: "9", count: 30)))[...])
        #expect(decoded.damage?.kind == .malformedRecord)
        // A length of more than 32 bits (rec_get's limit).
        decoded = PostfixQueueFile(decoding: Self.queueFile(content: head + [UInt8(ascii: "N"), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])[...])
        #expect(decoded.damage == .init(.malformedRecord, offset: headBytes + head.count))
        #expect(decoded.message == Array("Subject: kept\n".utf8))
        // A record longer than the rest of the file.
        decoded = PostfixQueueFile(decoding: (Self.queueFile(content: []).dropLast(4) + head + [UInt8(ascii: "N"), 0x7F, 0x41])[...])
        #expect(decoded.damage == .init(.unexpectedEnd, offset: headBytes + head.count))
        // No E record.
        decoded = PostfixQueueFile(decoding: Self.queueFile(content: head).dropLast(2))
        #expect(decoded.damage?.kind == .unexpectedEnd)
        #expect(decoded.message == Array("Subject: kept\n".utf8))
        // An E without content.
        let noContent = Self.record("C", "1") + Self.record("S", "") + Self.record("E", "")
        decoded = PostfixQueueFile(decoding: noContent[...])
        #expect(decoded.damage == .init(.noContent, offset: noContent.count - 2))
        #expect(decoded.sender == [] && decoded.message.isEmpty)
    }

    @Test("a damaged queue file is one message with the defect, and a message too long is cut")
    func readerDefects() throws {
        let content = (0..<200).map { Self.record("N", "line \($0) of the body, long enough to matter") }.joined()
        let damaged = Array(Self.queueFile(content: Self.record("N", "Subject: s") + Self.record("N", "") + Array(content)).dropLast(3))
        let whole = Self.queueFile(content: Self.record("N", "Subject: s") + Self.record("N", "") + Array(content))
        let root = try MailboxTesting.folder(["damaged": damaged, "whole": whole], prefix: "postfix-queue")
        defer { try? FileManager.default.removeItem(atPath: root) }

        var reader = try MailboxReader(path: root + "/damaged")
        var message = try #require(try reader.next())
        #expect(message.defects == .damagedQueueFile)
        #expect(message.bytes.starts(with: Array("Subject: s\n\nline 0".utf8)))

        // Longer than the limit, the file read through a window smaller than a record: the message's
        // first 1,000 bytes, its whole length counted, no damage.
        let full = PostfixQueueFile(decoding: whole[...]).message
        reader = try MailboxReader(path: root + "/whole", limits: MailboxLimits(maxMessageBytes: 1000, readChunkBytes: 16))
        message = try #require(try reader.next())
        #expect(message.defects == .truncated)
        #expect(message.raw == nil)
        #expect(Array(message.bytes) == Array(full.prefix(1000)) && message.length == full.count)
        #expect(try reader.next() == nil)

        let decoded = PostfixQueueFile(decoding: whole[...], maxMessageBytes: 100)
        #expect(decoded.isTruncated && decoded.message.count == 100)
        #expect(decoded.messageLength == PostfixQueueFile(decoding: whole[...]).message.count)
    }

    /// A queue file whose pointers jump back and forth between its first records and records past a
    /// long padding record, a thousand times, as no Postfix writes but a hostile file may: read through
    /// a window that holds it whole, it decodes as in memory; through a window of 256 bytes, every jump
    /// is a new read, and the reads stop at four times the file's size, the message cut there as damaged.
    @Test("pointers jumping across windows: decoded whole, or cut as damaged once four times the file is read")
    func pointersAcrossWindows() throws {
        let jumps = 1000
        let head = Self.record("C", "            100              80               1               0             100")
            + Self.record("T", "1796574000 123456") + Self.record("S", "a@example.net") + Self.record("R", "b@example.org")
            + Self.record("M", "") + Self.record("N", "Subject: jumps") + Self.record("N", "")
        let pointerBytes = Self.pointer(0).count
        // The main run: one pointer a line, each to its line's record past the padding.
        let mainStart = head.count
        let mainEnd = mainStart + jumps * pointerBytes
        let tail = Self.record("X", "") + Self.record("E", "")
        let padding = Self.record("w", [UInt8](repeating: 0, count: 20_000))
        let appendixStart = mainEnd + tail.count + padding.count
        let line = { (n: Int) in Self.record("N", String(format: "line %05d", n)) }
        let entryBytes = line(0).count + pointerBytes
        var file = head
        for n in 0..<jumps { file += Self.pointer(appendixStart + n * entryBytes) }
        file += tail + padding
        for n in 0..<jumps { file += line(n) + Self.pointer(mainStart + (n + 1) * pointerBytes) }
        #expect(file.count == appendixStart + jumps * entryBytes)

        let inMemory = PostfixQueueFile(decoding: file[...])
        #expect(inMemory.damage == nil)
        #expect(inMemory.message.count == "Subject: jumps\n\n".utf8.count + jumps * "line 00000\n".utf8.count)
        let root = try MailboxTesting.folder(["jumps": file], prefix: "postfix-jumps")
        defer { try? FileManager.default.removeItem(atPath: root) }

        let whole = try MailboxTesting.read(root + "/jumps")
        #expect(whole.count == 1 && whole.first?.defects == [])
        #expect(whole.first.map { Array($0.bytes) } == inMemory.message)

        let windowed = try MailboxTesting.read(root + "/jumps", limits: MailboxLimits(readChunkBytes: 256))
        #expect(windowed.count == 1 && windowed.first?.defects == .damagedQueueFile)
        let cut = windowed.first.map { Array($0.bytes) } ?? []
        #expect(cut.count > 100 && cut.count < inMemory.message.count && inMemory.message.starts(with: cut))
    }

    /// The reader's window (`QueueFileBytesFromDescriptor`) changes how a queue file is read, never what:
    /// each real queue file, whole and damaged by cuts at eighty places or more, read through windows from
    /// one byte up gives what the in-memory decoder gives the same bytes (message, envelope, damage).
    @Test("every window size reads a queue file as memory does, damaged or not", arguments: names)
    func windowsReadAsMemoryDoes(_ name: String) throws {
        let file = try MailboxTesting.bytes(Self.fixture(name + ".queue"))
        var cases: [[UInt8]] = [file]
        for cut in stride(from: 10, to: file.count, by: max(10, file.count / 80)) { cases.append(Array(file.prefix(cut))) }
        let root = try MailboxTesting.folder(Dictionary(uniqueKeysWithValues: cases.enumerated().map { ("q\($0.offset)", $0.element) }),
                                             prefix: "postfix-windows")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (n, bytes) in cases.enumerated() {
            let memory = PostfixQueueFile(decoding: bytes[...])
            for window in [1, 2, 3, 7, 16, 64, 4096] {
                guard PostfixQueueFile.isQueueFile(bytes.prefix(PostfixQueueFile.bytesToDetect)) else { continue }
                let read = try MailboxTesting.read(root + "/q\(n)", limits: MailboxLimits(readChunkBytes: window))
                try #require(read.count == 1, "\(name) cut \(n), window \(window)")
                let message = read[0]
                #expect(Array(message.bytes) == memory.message, "\(name) cut \(n), window \(window)")
                #expect(message.defects.contains(.damagedQueueFile) == (memory.damage != nil), "\(name) cut \(n), window \(window)")
                #expect(message.queueEnvelope?.sender == memory.sender && message.queueEnvelope?.recipients == memory.recipients
                            && message.queueEnvelope?.arrivalTime == memory.arrivalTime, "\(name) cut \(n), window \(window)")
            }
        }
    }
}
