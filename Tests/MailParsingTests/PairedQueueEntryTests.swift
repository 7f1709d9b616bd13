import Foundation
import MailParsing
import Testing
import TestSupport

/// A two-file queue entry whose head file is longer than `maxMessageBytes`: the head is read that far,
/// and the message is truncated, not damaged (the damage its decoder meets at the cut is the cut's).
@Suite struct PairedQueueEntryTests {
    @Test("a Sendmail control file cut by the limit: truncated, not damaged")
    func headCutByTheLimit() throws {
        let id = "6B6Jb7NR017961"
        var control = Array("V8\nT1796574000\nK0\nN0\nP30000\nMDeferred\nFs\nS<alice@example.net>\nRPF:bob@remote.example\n".utf8)
        for n in 0..<100 { control += Array("H?D?X-Filler-\(n): \(String(repeating: "x", count: 40))\n".utf8) }
        control += Array(".\n".utf8)
        let root = try MailboxTesting.folder(["qf" + id: control, "df" + id: Array("body\n".utf8)], prefix: "paired-cut")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try MailboxTesting.read(root + "/qf" + id)
        #expect(whole.count == 1 && whole.first?.defects == [])
        let cut = try MailboxTesting.read(root + "/qf" + id, limits: MailboxLimits(maxMessageBytes: 1000, readChunkBytes: 64))
        #expect(cut.count == 1)
        #expect(cut.first?.defects == .truncated, "\(cut.first?.defects.names ?? [])")
    }

    /// Every real queue entry of `Fixtures/mailbox` (Exim's, Sendmail's, Postfix's, whose pointers lead
    /// past the limit) read under a limit shorter than its message, whether its head file fits one read
    /// chunk or takes several: the message's first `maxMessageBytes` bytes, its whole length, and only
    /// the truncation recorded, whatever the read size.
    @Test("a queue entry longer than the limit: its message's head, its whole length, truncated")
    func entriesCutAtTheLimit() throws {
        let folders = ["exim-spool", "sendmail-queue", "postfix-queue"]
        var heads: [String] = []
        for folder in folders {
            let names = try FileManager.default.contentsOfDirectory(atPath: Corpus.fixture("mailbox/" + folder))
            heads += names.filter { $0.hasSuffix("-H") || $0.hasPrefix("qf") || $0.hasSuffix(".queue") }.sorted()
                .map { Corpus.fixture("mailbox/" + folder + "/" + $0) }
        }
        #expect(heads.count >= 15)
        for head in heads {
            let whole = try MailboxTesting.read(head)
            try #require(whole.count == 1, "\(head)")
            let message = Array(whole[0].bytes)
            let limit = min(300, message.count / 2)
            for chunk in [16, 64, 128, 4 * 1024 * 1024] {
                let cut = try MailboxTesting.read(head, limits: MailboxLimits(maxMessageBytes: limit, readChunkBytes: chunk))
                try #require(cut.count == 1, "\(head), chunk \(chunk)")
                #expect(Array(cut[0].bytes) == Array(message.prefix(limit)), "\(head), chunk \(chunk)")
                #expect(cut[0].length == message.count, "\(head), chunk \(chunk)")
                #expect(cut[0].defects == .truncated, "\(head), chunk \(chunk): \(cut[0].defects.names)")
            }
        }
    }
}
