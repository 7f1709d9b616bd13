import Foundation
import MailParsing
import Testing
import TestSupport

/// An MMDF mailbox through `scan`, `audit` and `split`: each message judged as the same message in an mbox
/// is, where before the whole file was one message with a broken header.
@Suite struct MMDFCommandTests {
    /// The example inbox's messages written as Mutt writes an MMDF mailbox: each between separator
    /// lines, its From_ line first.
    static func exampleAsMMDF() throws -> [UInt8] {
        var reader = try MailboxReader(path: Corpus.repositoryRoot.appendingPathComponent("Fixtures/example/inbox.mbox").path)
        var out: [UInt8] = []
        while let message = try reader.next() {
            out += [1, 1, 1, 1, 0x0A]
            if let envelope = message.envelopeLine { out += envelope + [0x0A] }
            out += message.bytes
            if message.bytes.last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }
            out += [1, 1, 1, 1, 0x0A]
        }
        return out
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mmdf-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test(arguments: ["audit", "scan"])
    func anMMDFMailboxReadsAsItsMessages(_ command: String) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("inbox.mmdf").path
        let mmdf = try Self.exampleAsMMDF()
        try Data(mmdf).write(to: URL(fileURLWithPath: path))
        let arguments = [command, "-f", "jsonl", "--quiet", "--profile", "Fixtures/example/profile.toml"]
        let expected = try CLI.run(arguments + ["Fixtures/example/inbox.mbox"])
        for read in [try CLI.run(arguments + [path]), try CLI.run(arguments + ["-"], stdin: Data(mmdf))] {
            #expect(read.status == expected.status, "\(read.stderr)")
            let records = try PostcatCommandTests.records(read.text)
            #expect(records.count == 10)
            #expect(records == (try PostcatCommandTests.records(expected.text)))
        }
    }

    /// `explain FILE#N` numbers an MMDF mailbox's messages as `scan` does.
    @Test func explainFindsAnMMDFMessageByItsPosition() throws {
        let result = try CLI.run(["explain", Corpus.fixture("mailbox/mmdf.mmdf") + "#1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("(message 1, byte 171, 123 bytes)") && result.text.contains("Subject:    classic"), "\(result.text)")
    }

    @Test("split writes each MMDF message into an mbox that reads back as the same message")
    func splitReadsBack() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A message whose own first line starts `From ` after its envelope, and with a `From ` line in its
        // body: its text is no mbox entry, and copied as one it would read back as two messages.
        let fromFirst = folder.appendingPathComponent("from-first.mmdf").path
        try Data(("\u{1}\u{1}\u{1}\u{1}\nFrom MAILER-DAEMON Sat Dec  5 10:00:00 2026\nFrom nobody in particular\n"
                  + "Subject: odd\n\nFrom here on, a body line.\n\u{1}\u{1}\u{1}\u{1}\n").utf8).write(to: URL(fileURLWithPath: fromFirst))
        for path in [Corpus.fixture("mailbox/mmdf.mmdf"), Corpus.fixture("mailbox/mmdf-damaged.mmdf"), fromFirst] {
            let fixture = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let into = folder.appendingPathComponent(fixture).path
            let result = try CLI.run(["split", path, "--into", into, "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
            var original: [[UInt8]] = []
            var reader = try MailboxReader(path: path)
            while let message = try reader.next() { original.append(Array(message.bytes)) }
            var written: [[UInt8]] = []
            for name in ["backscatter", "legitimate", "uncertain", "not-bounce"] {
                var mbox = try MailboxReader(path: into + "/\(name).mbox")
                while let message = try mbox.next() { written.append(Array(message.bytes)) }
            }
            // Each message as it was, its last line ended where it had no line end (an mbox entry ends with one).
            let lineEnded = original.map { $0.last == 0x0A ? $0 : $0 + [0x0A] }
            #expect(written.sorted { $0.lexicographicallyPrecedes($1) } == lineEnded.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }
}
