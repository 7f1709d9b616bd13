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
}
