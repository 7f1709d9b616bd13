import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport
@testable import Backscatter

/// The audit reads a queue file's envelope: the recipients the message really goes to, which its
/// headers need not name.
@Suite struct AuditEnvelopeTests {
    static func record(_ type: Character, _ text: String) -> [UInt8] { PostfixRecords.record(type, Array(text.utf8)) }

    /// A Postfix queue file of `message` (LF lines) with envelope `sender` and `recipients`.
    static func queueFile(_ message: String, sender: String, recipients: [String], arrival: Int) -> [UInt8] {
        var out = record("T", "\(arrival) 0") + record("S", sender)
        for r in recipients { out += record("R", r) }
        out += record("M", "")
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines { out += record("N", String(line)) }
        return out + record("X", "") + record("E", "")
    }

    /// Spam from outside, its real recipients (outside too) in the envelope only; no Date field.
    static let relayedSpam = """
        From: "Deals" <deals@spammer.example>
        To: undisclosed-recipients:;
        Subject: Cheap pills
        Message-ID: <relay-1@spammer.example>

        Buy now.

        """

    /// A fresh folder holding `files`.
    static func folder(_ files: [String: [UInt8]]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("audit-envelope-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: root.appendingPathComponent(name)) }
        return root.path
    }

    static func audit(_ path: String) throws -> AuditReport {
        var profile = SiteProfile()
        profile.site.domains = ["example.net"]
        return try QueueAudit(profile: profile).audit(paths: [path])
    }

    @Test("spam to undisclosed recipients, relayed: the envelope's outside recipients make it relayed")
    func relayedBehindUndisclosedRecipients() throws {
        let file = Self.queueFile(Self.relayedSpam, sender: "deals@spammer.example",
                                  recipients: ["one@victims.example", "two@victims.example"], arrival: 1_772_445_600)
        let root = try Self.folder(["A1B2C3": file, "plain.eml": Array(Self.relayedSpam.utf8)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try Self.audit(root + "/A1B2C3")
        #expect(report.totals[.relayed] == 1, "\(report.totals)")
        #expect(report.records.first?.evidence.first?.signal == "outside-to-outside")
        // The same message without its envelope names no recipient: nothing shows it was relayed.
        let plain = try Self.audit(root + "/plain.eml")
        #expect(plain.totals[.ordinary] == 1, "\(plain.totals)")
    }

    @Test("the envelope's sender and arrival time stand in for a missing From and Date")
    func senderAndTimeFromTheEnvelope() throws {
        let message = "To: someone@remote.example\nSubject: no From, no Date\n\nhi\n"
        let file = Self.queueFile(message, sender: "Alice@Example.NET", recipients: ["someone@remote.example"], arrival: 1_772_445_600)
        let root = try Self.folder(["A1B2C4": file])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root + "/A1B2C4")
        let entry = try #require(try reader.next())
        let parsed = ParsedMessage(parsing: entry.bytes)
        let item = QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed), envelope: entry.queueEnvelope)
        #expect(item.from == "alice@example.net")
        #expect(item.time == 1_772_445_600)
        #expect(item.recipients == ["someone@remote.example"])
        let bare = QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed))
        #expect(bare.from == nil && bare.time == nil)
    }
}
