import Foundation
import MailParsing
import Testing
import TestSupport

/// A Postfix queue folder read directly (no `postcat`), through `audit`, `scan` and `split`: each queue
/// file judged as the same message in an mbox is.
@Suite struct PostfixQueueCommandTests {
    static func record(_ type: Character, _ data: some Collection<UInt8>) -> [UInt8] { PostfixRecords.record(type, data) }

    /// The addresses of `message`'s To, Cc and Bcc fields: the envelope recipients a queue holds for it
    /// (the audit reads the envelope's, so they must be the message's own for it to judge alike).
    static func headerRecipients(_ message: some Collection<UInt8>) -> [String] {
        let headers = ParsedMessage(parsing: ByteSlice(Array(message))).headers
        return ["to", "cc", "bcc"].flatMap { name in
            headers.all(name).flatMap { AddressParser.parseList($0.unfoldedValue).map(\.address) }
        }
    }

    /// `message` as Postfix queues it: its lines as `N` records (pieces of 2,048 bytes as `L` records
    /// first), between an envelope (its header recipients) and the extracted segment.
    static func queueFile(_ message: some Collection<UInt8>) -> [UInt8] {
        var out = record("C", Array("            100              80               1               0".utf8))
            + record("T", Array("1772445600 0".utf8)) + record("S", [UInt8]())
        for recipient in Self.headerRecipients(message) { out += record("R", Array(recipient.utf8)) }
        out += record("M", [UInt8]())
        var lines = Array(message).split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines {
            var rest = line.last == 0x0D ? line.dropLast() : line
            while rest.count > 2048 {
                out += record("L", rest.prefix(2048))
                rest = rest.dropFirst(2048)
            }
            out += record("N", rest)
        }
        return out + record("X", [UInt8]()) + record("E", [UInt8]())
    }

    /// The example inbox's messages, each as a queue file in a folder laid out as a queue is.
    static func exampleAsQueue() throws -> (folder: URL, count: Int) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("queue-cli-\(UUID().uuidString)")
        var reader = try MailboxReader(path: Corpus.repositoryRoot.appendingPathComponent("Fixtures/example/inbox.mbox").path)
        var n = 0
        while let message = try reader.next() {
            let file = folder.appendingPathComponent("deferred/A/A000\(n)")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(Self.queueFile(message.bytes)).write(to: file)
            n += 1
        }
        return (folder, n)
    }

    @Test(arguments: ["audit", "scan"])
    func aQueueFolderReadsAsItsMessages(_ command: String) throws {
        let (folder, count) = try Self.exampleAsQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.expectReadsAsTheExampleInbox(command, queue: folder.appendingPathComponent("deferred").path, count: count)
    }

    /// `command` (`audit` or `scan`) of the example inbox as queued at `queue` (`count` messages): the
    /// same exit status as of the inbox's mbox, and the same records (`expectSameRecords`).
    static func expectReadsAsTheExampleInbox(_ command: String, queue: String, count: Int) throws {
        let arguments = [command, "-f", "jsonl", "--quiet", "--profile", "Fixtures/example/profile.toml"]
        let expected = try CLI.run(arguments + ["Fixtures/example/inbox.mbox"])
        let read = try CLI.run(arguments + [queue])
        #expect(read.status == expected.status, "\(read.stderr)")
        try expectSameRecords(read.text, as: expected.text, count: count)
    }

    /// `text`'s records are `expected`'s, one a message of the example inbox (10), each read from a file
    /// of its own (`index` 0), the keys that differ named when any does.
    static func expectSameRecords(_ text: String, as expected: String, count: Int) throws {
        let records = try PostcatCommandTests.records(text)
        let expectedRecords = try PostcatCommandTests.records(expected)
        #expect(records.count == count && count == 10)
        #expect(records.map { $0["index"] as? Int } == Array(repeating: 0, count: records.count))
        for (index, (got, want)) in zip(records, expectedRecords).enumerated() {
            // `index` counts messages within a source: each queue file's one message is its 0.
            // `envelope` is the queue's, which an mbox message has none of.
            let differing = (want.allKeys as? [String] ?? []).filter {
                $0 != "index" && $0 != "envelope" && !((got[$0] as? NSObject)?.isEqual(want[$0]) ?? false)
            }
            #expect(differing.isEmpty, "message \(index): \(differing.map { "\($0): \(got[$0] ?? "nil") vs \(want[$0] ?? "nil")" })")
            #expect(want["envelope"] is NSNull, "message \(index)")
            let envelope = got["envelope"] as? [String: Any]
            #expect((envelope?["recipients"] as? [String])?.isEmpty == false, "message \(index): \(got["envelope"] ?? "nil")")
        }
    }

    @Test func splitWritesTheDecodedMessages() throws {
        let (folder, count) = try Self.exampleAsQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try Self.split(folder.appendingPathComponent("deferred").path, into: folder.appendingPathComponent("split"))
        #expect(written.count == count)
        #expect(Self.sorted(written) == Self.sorted(try Self.exampleMessages()))
    }

    /// The messages `split` writes for `input` into `into`'s four mboxes, read back.
    static func split(_ input: String, into: URL) throws -> [[UInt8]] {
        let result = try CLI.run(["split", "--quiet", "--profile", "Fixtures/example/profile.toml", input, "--into", into.path])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        var written: [[UInt8]] = []
        for name in ["backscatter", "legitimate", "uncertain", "not-bounce"] {
            var reader = try MailboxReader(path: into.appendingPathComponent(name + ".mbox").path)
            while let message = try reader.next() { written.append(Array(message.bytes)) }
        }
        return written
    }

    /// The example inbox's messages.
    static func exampleMessages() throws -> [[UInt8]] {
        var messages: [[UInt8]] = []
        var reader = try MailboxReader(path: Corpus.repositoryRoot.appendingPathComponent("Fixtures/example/inbox.mbox").path)
        while let message = try reader.next() { messages.append(Array(message.bytes)) }
        return messages
    }

    static func sorted(_ list: [[UInt8]]) -> [[UInt8]] { list.sorted { $0.lexicographicallyPrecedes($1) } }
}
