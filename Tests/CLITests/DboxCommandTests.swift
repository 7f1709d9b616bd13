import Foundation
import MailParsing
import Testing
import TestSupport

/// Dovecot's dbox files through `scan` and `split`: the messages Dovecot stored, plain or compressed by its
/// zlib plugin, judged and written out as any message file's are; a damaged file is an input error that
/// names the byte, after the messages before it.
@Suite struct DboxCommandTests {
    static let fixtures = ["mdbox-m.1", "mdbox-gz-m.1", "mdbox-zstd-m.1", "sdbox"]

    @Test(arguments: fixtures)
    func aDboxFileSplitsIntoMboxesOfItsMessages(_ name: String) throws {
        try SplitCommandTests.checkSplit(Corpus.fixture("mailbox/dbox/" + name))
    }

    @Test func aDboxFileScansAsItsMessages() throws {
        let result = try CLI.run(["scan", "-f", "jsonl", "--quiet", "--no-classify", Corpus.fixture("mailbox/dbox/mdbox-gz-m.1"),
                                  Corpus.fixture("mailbox/dbox/mdbox-m.1")])
        #expect(result.status == 0, "\(result.stderr)")
        let kinds = try result.text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["kind"] as? String
        }
        #expect(kinds == ["bounce", "not-bounce", "bounce", "auto-reply", "not-bounce", "not-bounce"])
    }

    /// `explain FILE#N` numbers a dbox file's messages as `scan` does, and shows a compressed one decompressed.
    @Test func explainFindsADboxMessageByItsPosition() throws {
        let result = try CLI.run(["explain", Corpus.fixture("mailbox/dbox/mdbox-gz-m.1") + "#1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("(message 1, byte 347, 93 bytes)") && result.text.contains("Subject:    plain"), "\(result.text)")
    }

    @Test func aDamagedDboxFileIsAnInputErrorNamingTheByte() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbox-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("mailbox/dbox/mdbox-m.1"))))
        // The second message's header (stored bytes from 399, its 30-byte header before them).
        bytes[399 - 30] = UInt8(ascii: "X")
        let path = folder.appendingPathComponent("m.1").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try CLI.run(["scan", "-f", "jsonl", "--quiet", path])
        #expect(result.status == 3)
        #expect(result.stderr.contains("m.1: message 1 at byte 369: damaged-mailbox-file (dbox: "), "\(result.stderr)")
        #expect(result.text.split(separator: "\n").count == 1)
    }
}
