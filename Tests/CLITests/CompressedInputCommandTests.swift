import Foundation
import Testing
import TestSupport

/// Compressed inputs through the commands: a gzip mailbox is scanned, split and explained as the plain one,
/// every other format scanned so; damaged data is an input error (exit status 3) that names it, never a
/// quiet "nothing found".
@Suite struct CompressedInputCommandTests {
    /// A fresh folder with the example inbox, plain and gzip-compressed.
    static func exampleCopies() throws -> (folder: URL, plain: String, gzip: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compressed-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bytes = try [UInt8](Data(contentsOf: Corpus.repositoryRoot.appendingPathComponent("Fixtures/example/inbox.mbox")))
        let plain = folder.appendingPathComponent("inbox.mbox").path
        let gzip = folder.appendingPathComponent("inbox.mbox.gz").path
        try Data(bytes).write(to: URL(fileURLWithPath: plain))
        try Data(Gzip.compress(bytes)).write(to: URL(fileURLWithPath: gzip))
        return (folder, plain, gzip)
    }

    /// The JSON Lines with each record's `source` taken out.
    static func withoutSources(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            String(line).replacingOccurrences(of: #""source":"[^"]*","#, with: "", options: .regularExpression)
        }
    }

    @Test func aGzipMailboxScansAsThePlainOne() throws {
        let (folder, plain, gzip) = try Self.exampleCopies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = try CLI.run(["scan", "-f", "jsonl", "--quiet", "--profile", "Fixtures/example/profile.toml", plain])
        let read = try CLI.run(["scan", "-f", "jsonl", "--quiet", "--profile", "Fixtures/example/profile.toml", gzip])
        #expect(read.status == expected.status, "\(read.stderr)")
        #expect(read.stderr.isEmpty)
        #expect(Self.withoutSources(expected.text).count == 10)
        #expect(Self.withoutSources(read.text) == Self.withoutSources(expected.text))
        let explained = try CLI.run(["explain", gzip + "#2"])
        let explainedPlain = try CLI.run(["explain", plain + "#2"])
        #expect(explained.text.replacingOccurrences(of: gzip, with: plain) == explainedPlain.text)
    }

    @Test func aGzipMailboxSplitsByteExactly() throws {
        let (folder, _, gzip) = try Self.exampleCopies()
        defer { try? FileManager.default.removeItem(at: folder) }
        try SplitCommandTests.checkSplit(gzip)
    }

    @Test func aDamagedXzMailboxIsAnInputErrorNamingTheDamage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compressed-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("inbox.mbox.xz").path
        try Data([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] + Array("From a@b Thu Jul  2 12:05:05 2020\n".utf8))
            .write(to: URL(fileURLWithPath: path))
        let result = try CLI.run(["scan", "-f", "jsonl", "--quiet", path, "Fixtures/example/inbox.mbox"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("inbox.mbox.xz: message 0 at byte 12: corrupt-compressed-data (xz: compressed data is corrupt)"),
                "\(result.stderr)")
        // The other input is still read whole.
        #expect(result.text.split(separator: "\n").count == 10)
    }

    /// The mailbox fixture compressed in every format (Fixtures/mailbox/compressed) splits byte for byte,
    /// each message read back by its offset in the decompressed bytes.
    @Test(arguments: ["bz2", "xz", "zst", "lz4", "dovecot-lz4"])
    func everyFormatSplitsByteExactly(_ suffix: String) throws {
        try SplitCommandTests.checkSplit("Fixtures/mailbox/compressed/mboxrd-quoting.mbox." + suffix)
    }

    /// The mailbox fixture compressed in every format (Fixtures/mailbox/compressed) scans as the plain one.
    @Test(arguments: ["gz", "bz2", "xz", "zst", "lz4", "dovecot-lz4"])
    func everyFormatScansAsThePlainFile(_ suffix: String) throws {
        let plain = "Fixtures/mailbox/mboxrd-quoting.mbox"
        let compressed = "Fixtures/mailbox/compressed/mboxrd-quoting.mbox." + suffix
        let expected = try CLI.run(["scan", "-f", "jsonl", "--quiet", plain])
        let read = try CLI.run(["scan", "-f", "jsonl", "--quiet", compressed])
        #expect(read.status == expected.status, "\(read.stderr)")
        #expect(read.stderr.isEmpty)
        #expect(Self.withoutSources(expected.text).count == 2)
        #expect(Self.withoutSources(read.text) == Self.withoutSources(expected.text))
    }
}
