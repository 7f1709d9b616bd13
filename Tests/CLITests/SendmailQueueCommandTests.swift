import Foundation
import MailParsing
import Testing
import TestSupport

/// A Sendmail queue folder (`/var/spool/mqueue`) read directly, through `audit`, `scan` and `split`: each
/// `qf`/`df` entry judged as the same message in an mbox is, and the real bounce to a forged sender in
/// Fixtures/mailbox/sendmail-queue recognised as Sendmail's.
@Suite struct SendmailQueueCommandTests {
    /// The real entries' queue IDs (Fixtures/mailbox/sendmail-queue; `SendmailQueueMessageTests` reads them
    /// one by one).
    static let ids = ["6B6Jb7BL018012", "6B6Jb7Ix017963", "6B6Jb7NR017961", "6B6Jb7dg018010", "6B6Jb7k4018008",
                      "6B6Jb7kG017965"]

    /// `message` as Sendmail queues it: the control file (records, its recipients the message's header
    /// recipients, then each header field as an `H??` record, its folding its continuation lines) and the
    /// data file (the body).
    static func queueEntry(_ message: [UInt8]) -> (control: [UInt8], data: [UInt8]) {
        var control = Array("V8\nT1772445600\nK0\nN0\nP30000\nFbs\n$_localhost\nS<>\n".utf8)
        for recipient in PostfixQueueCommandTests.headerRecipients(message) {
            control += Array("rRFC822; \(recipient)\nRPFD:\(recipient)\n".utf8)
        }
        // Sendmail's Return-Path, its value the macro byte 0x81 and `g`: never sent over SMTP.
        control += [UInt8]("H?P?Return-Path: <".utf8) + [0x81] + Array("g>\n".utf8)
        let text = String(decoding: message, as: UTF8.self)
        let split = text.range(of: "\n\n")
        let headerText = split.map { String(text[..<$0.lowerBound]) + "\n" } ?? text
        for line in headerText.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if let first = line.first, first == " " || first == "\t" {
                control += Array((line + "\n").utf8)
            } else {
                control += Array(("H??" + line + "\n").utf8)
            }
        }
        control += Array(".\n".utf8)
        let body = split.map { String(text[$0.upperBound...]) } ?? ""
        return (control, Array(body.utf8))
    }

    /// The example inbox's messages as a Sendmail queue folder, flat or with `qf/` and `df/` sub-folders.
    static func exampleAsQueue(subfolders: Bool) throws -> (folder: URL, count: Int) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mqueue-cli-\(UUID().uuidString)")
        for sub in subfolders ? ["mqueue/qf", "mqueue/df"] : ["mqueue"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let messages = try PostfixQueueCommandTests.exampleMessages()
        for (n, message) in messages.enumerated() {
            let id = "6B6Jb7A\(n)01796\(n)"
            let (control, data) = Self.queueEntry(message)
            try Data(control).write(to: folder.appendingPathComponent(subfolders ? "mqueue/qf/qf\(id)" : "mqueue/qf\(id)"))
            try Data(data).write(to: folder.appendingPathComponent(subfolders ? "mqueue/df/df\(id)" : "mqueue/df\(id)"))
        }
        return (folder, messages.count)
    }

    @Test(arguments: ["audit", "scan"], [false, true])
    func aQueueFolderReadsAsItsMessages(_ command: String, subfolders: Bool) throws {
        let (folder, count) = try Self.exampleAsQueue(subfolders: subfolders)
        defer { try? FileManager.default.removeItem(at: folder) }
        try PostfixQueueCommandTests.expectReadsAsTheExampleInbox(command, queue: folder.appendingPathComponent("mqueue").path, count: count)
    }

    @Test func splitWritesThePutTogetherMessages() throws {
        let (folder, count) = try Self.exampleAsQueue(subfolders: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try PostfixQueueCommandTests.split(folder.appendingPathComponent("mqueue").path,
                                                         into: folder.appendingPathComponent("split"))
        #expect(written.count == count)
        #expect(PostfixQueueCommandTests.sorted(written) == PostfixQueueCommandTests.sorted(try PostfixQueueCommandTests.exampleMessages()))
    }

    /// The real queue's entries (qf and df files only) in a folder of their own.
    static func realQueue() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mqueue-real-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for id in Self.ids {
            for name in ["qf" + id, "df" + id] {
                try FileManager.default.copyItem(atPath: Corpus.fixture("mailbox/sendmail-queue/" + name), toPath: folder.appendingPathComponent(name).path)
            }
        }
        return folder
    }

    /// The JSON Lines records of `text`, whole.
    static func records(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test("the real queue: Sendmail's bounce to a forged sender is a Sendmail bounce, reflected for the example site")
    func realQueueBounce() throws {
        let folder = try Self.realQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scan = try CLI.run(["scan", "-f", "jsonl", "--quiet", "--no-classify", folder.path])
        let records = try Self.records(scan.text)
        #expect(records.count == Self.ids.count, "\(scan.stderr)")
        let bounces = records.filter { $0["kind"] as? String == "bounce" }
        #expect(bounces.count == 1)
        let bounce = try #require(bounces.first)
        #expect(bounce["source"] as? String == folder.appendingPathComponent("qf6B6Jb7Ix017963").path)
        #expect(bounce["format"] as? String == "sendmail")
        let recipient = (bounce["recipients"] as? [[String: Any]])?.first
        #expect(recipient?["recipient"] as? String == "nosuchuser@example.net" && recipient?["status"] as? String == "5.1.1")
        #expect((bounce["original"] as? [String: Any])?["subject"] as? String == "Cheap pills")
        // The audit: with the example site's profile (example.net has no user nosuchuser) the bounce is
        // one the server reflected; the other entries are ordinary outbound mail.
        let audit = try CLI.run(["audit", "-f", "jsonl", "--quiet", "--profile", "Fixtures/example/profile.toml", folder.path])
        #expect(audit.status == 1, "\(audit.stderr)")
        let verdicts = try Self.records(audit.text).map { (($0["source"] as? String ?? "") as NSString).lastPathComponent + " " + ($0["verdict"] as? String ?? "") }
        #expect(verdicts == Self.ids.sorted().map { "qf\($0) " + ($0 == "6B6Jb7Ix017963" ? "reflected" : "ordinary") })
    }
}
