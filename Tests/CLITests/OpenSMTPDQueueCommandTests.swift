import Foundation
import MailParsing
import Testing
import TestSupport

/// An OpenSMTPD queue (`/var/spool/smtpd/queue`) read directly, through `audit`, `scan` and `split`: each
/// message folder judged as the same message in an mbox is, its envelope files no messages, and the real
/// bounce to a forged sender in Fixtures/mailbox/opensmtpd-queue recognised as OpenSMTPD's.
@Suite struct OpenSMTPDQueueCommandTests {
    /// The example inbox's messages as an OpenSMTPD queue: each in `queue/XX/MSGID/message` (message IDs
    /// in the inbox's order), with an envelope file for each of its header recipients; gzip, both kinds of
    /// file, as `queue compression` writes them, when `compressed`.
    static func exampleAsQueue(compressed: Bool) throws -> (folder: URL, count: Int) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("smtpd-cli-\(UUID().uuidString)")
        let messages = try PostfixQueueCommandTests.exampleMessages()
        let write: ([UInt8], URL) throws -> Void = { bytes, url in
            try Data(compressed ? Gzip.compress(bytes) : bytes).write(to: url)
        }
        for (n, message) in messages.enumerated() {
            let id = String(0xa000_0000 + n, radix: 16)
            let folder = root.appendingPathComponent("queue/\(id.prefix(2))/\(id)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try write(message, folder.appendingPathComponent("message"))
            for (r, recipient) in PostfixQueueCommandTests.headerRecipients(message).enumerated() {
                let envelope = "version: 3\ndispatcher: outbound\ntype: mta\nsender: @\nrcpt: \(recipient)\ndest: \(recipient)\n"
                    + "ctime: 1772445600\nlast-try: 0\nretry: 0\n"
                try write(Array(envelope.utf8), folder.appendingPathComponent(id + String(format: "%08x", r)))
            }
        }
        return (root, messages.count)
    }

    @Test(arguments: ["audit", "scan"], [false, true])
    func aQueueFolderReadsAsItsMessages(_ command: String, compressed: Bool) throws {
        let (folder, count) = try Self.exampleAsQueue(compressed: compressed)
        defer { try? FileManager.default.removeItem(at: folder) }
        try PostfixQueueCommandTests.expectReadsAsTheExampleInbox(command, queue: folder.appendingPathComponent("queue").path, count: count)
    }

    @Test func splitWritesTheMessages() throws {
        let (folder, count) = try Self.exampleAsQueue(compressed: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try PostfixQueueCommandTests.split(folder.appendingPathComponent("queue").path,
                                                         into: folder.appendingPathComponent("split"))
        #expect(written.count == count)
        #expect(PostfixQueueCommandTests.sorted(written) == PostfixQueueCommandTests.sorted(try PostfixQueueCommandTests.exampleMessages()))
    }

    @Test("the real queue: OpenSMTPD's bounce to a forged sender is an OpenSMTPD bounce, reflected for the example site",
          arguments: ["plain", "compressed"])
    func realQueueBounce(_ queue: String) throws {
        let path = Corpus.fixture("mailbox/opensmtpd-queue/\(queue)/queue")
        let scan = try CLI.run(["scan", "-f", "jsonl", "--quiet", "--no-classify", path])
        let records = try SendmailQueueCommandTests.records(scan.text)
        #expect(records.count == 3, "\(scan.stderr)")
        let bounces = records.filter { $0["kind"] as? String == "bounce" }
        #expect(bounces.count == 1)
        let bounce = try #require(bounces.first)
        #expect(bounce["format"] as? String == "opensmtpd")
        let recipient = (bounce["recipients"] as? [[String: Any]])?.first
        #expect(recipient?["recipient"] as? String == "nosuch@example.net")
        #expect((bounce["original"] as? [String: Any])?["subject"] as? String == "Cheap meds now")
        let envelope = bounce["envelope"] as? [String: Any]
        #expect(envelope?["sender"] as? String == "" && envelope?["recipients"] as? [String] == ["victim@example.org"])
        // The audit: with the example site's profile (example.net has no user nosuch) the bounce is one
        // the server reflected; the other two messages are ordinary mail.
        let audit = try CLI.run(["audit", "-f", "jsonl", "--quiet", "--profile", "Fixtures/example/profile.toml", path])
        #expect(audit.status == 1, "\(audit.stderr)")
        let verdicts = try SendmailQueueCommandTests.records(audit.text).map { $0["verdict"] as? String ?? "" }
        #expect(verdicts.sorted() == ["ordinary", "ordinary", "reflected"])
    }

    @Test("the encrypted queue: exit 3, each message named with what to do, no record")
    func encryptedQueue() throws {
        let result = try CLI.run(["scan", "-f", "jsonl", "--quiet", Corpus.fixture("mailbox/opensmtpd-queue/encrypted/queue")])
        #expect(result.status == 3)
        #expect(result.text.isEmpty)
        let lines = result.stderr.split(separator: "\n").filter { $0.contains("unsupported-file-type") }
        #expect(lines.count == 3 && lines.allSatisfy { $0.contains("/message") && $0.contains("smtpctl show message") }, "\(result.stderr)")
    }
}
