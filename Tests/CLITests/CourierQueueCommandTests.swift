import Foundation
import MailParsing
import Testing
import TestSupport

/// A Courier queue (`/var/lib/courier/msgs`) read directly, through `audit`, `scan` and `split`: each
/// control and data file pair judged as the same message in an mbox is, and the real bounce to a forged
/// sender in Fixtures/mailbox/courier-queue recognised as Courier's.
@Suite struct CourierQueueCommandTests {
    /// The example inbox's messages as a Courier queue: each a control file (the null sender, its queue
    /// ID, a recipient record for each of its header recipients) and a data file (the message), in a
    /// folder named by the inode number's last two digits, inode numbers in the inbox's order.
    static func exampleAsQueue() throws -> (folder: URL, count: Int) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("courier-cli-\(UUID().uuidString)")
        let messages = try PostfixQueueCommandTests.exampleMessages()
        for (n, message) in messages.enumerated() {
            let inode = 1_041_800 + n
            let folder = root.appendingPathComponent(String(format: "msgs/%02d", inode % 100))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var control = "s\nfdns; localhost (localhost [127.0.0.1])\ne\nt\n"
                + String(format: "M%016X.000000006B164AB9.%08X\n", inode, 17_000 + n)
            for recipient in PostfixQueueCommandTests.headerRecipients(message) { control += "r\(recipient)\nR\nN\n" }
            control += "E1797227833\nA1796623033\n"
            try Data(control.utf8).write(to: folder.appendingPathComponent("C\(inode)"))
            try Data(message).write(to: folder.appendingPathComponent("D\(inode)"))
        }
        return (root, messages.count)
    }

    @Test(arguments: ["audit", "scan"])
    func aQueueFolderReadsAsItsMessages(_ command: String) throws {
        let (folder, count) = try Self.exampleAsQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        try PostfixQueueCommandTests.expectReadsAsTheExampleInbox(command, queue: folder.appendingPathComponent("msgs").path, count: count)
    }

    @Test func splitWritesTheMessages() throws {
        let (folder, count) = try Self.exampleAsQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try PostfixQueueCommandTests.split(folder.appendingPathComponent("msgs").path,
                                                         into: folder.appendingPathComponent("split"))
        #expect(written.count == count)
        #expect(PostfixQueueCommandTests.sorted(written) == PostfixQueueCommandTests.sorted(try PostfixQueueCommandTests.exampleMessages()))
    }

    @Test("the real queue: Courier's bounce to a forged sender is a Courier bounce, queued from <>")
    func realQueueBounce() throws {
        let scan = try CLI.run(["scan", "-f", "jsonl", "--quiet", "--no-classify", Corpus.fixture("mailbox/courier-queue/msgs")])
        let records = try SendmailQueueCommandTests.records(scan.text)
        #expect(records.count == 3, "\(scan.stderr)")
        let bounces = records.filter { $0["kind"] as? String == "bounce" }
        let bounce = try #require(bounces.first)
        #expect(bounces.count == 1 && bounce["format"] as? String == "courier")
        let recipient = (bounce["recipients"] as? [[String: Any]])?.first
        #expect(recipient?["recipient"] as? String == "nosuch@remote.example" && recipient?["status"] as? String == "5.1.1")
        #expect((bounce["original"] as? [String: Any])?["subject"] as? String == "Cheap meds now")
        let envelope = bounce["envelope"] as? [String: Any]
        #expect(envelope?["sender"] as? String == "" && envelope?["recipients"] as? [String] == ["victim@example.org"])
        #expect(records.allSatisfy { ($0["source"] as? String).map { ($0 as NSString).lastPathComponent.hasPrefix("C") } == true })
    }
}
