import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport
@testable import Backscatter

/// `audit` judges what the site's own server sent or queued. Run on an inbox (mail received) its verdicts
/// mean nothing (NDRs other servers made counted as ours, mail from outside to us counted as relayed),
/// so the report says first that the input looks like one (`AuditReport.looksLikeInboxOf`), and a real
/// queue or outbound mailbox is never taken for one.
@Suite struct AuditInboxTests {
    /// An mbox of `count` messages, the `n`th from `from(n)` to `to(n)`.
    static func mbox(_ count: Int, from: (Int) -> String, to: (Int) -> String) -> [UInt8] {
        var out = ""
        for n in 0..<count {
            out += "From \(from(n)) Mon Jan  5 10:00:00 2026\n"
            out += "From: \(from(n))\nTo: \(to(n))\nSubject: message \(n)\nMessage-ID: <m\(n)@host.example>\n"
            out += "Date: Mon, 5 Jan 2026 10:00:\(String(format: "%02d", n % 60)) +0000\n\nBody \(n).\n\n"
        }
        return Array(out.utf8)
    }

    /// The audit of `bytes` written to a file, zero-config or with `domains` as the site's.
    static func audit(_ bytes: [UInt8], domains: [String] = [], name: String = "box.mbox") throws -> AuditReport {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("audit-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var profile = SiteProfile()
        profile.site.domains = domains
        return try QueueAudit(profile: profile).audit(paths: [path])
    }

    static let inbox = mbox(30, from: { "sender\($0)@outside\($0).example" }, to: { "user\($0 % 5)@acme.example" })

    @Test("an inbox: mail from thirty domains to one is named as received mail, zero-config and with a profile")
    func anInboxIsNamed() throws {
        #expect(try Self.audit(Self.inbox).looksLikeInboxOf == "acme.example")
        #expect(try Self.audit(Self.inbox, domains: ["acme.example"]).looksLikeInboxOf == "acme.example")
        let report = try Self.audit(Self.inbox)
        #expect(report.remedies.first?.contains("backscatter scan") == true, "\(report.remedies)")
    }

    @Test("outbound mail, to many domains or to one, and too few messages are not taken for an inbox")
    func outboundMailIsNot() throws {
        let outbound = Self.mbox(30, from: { "user\($0 % 5)@acme.example" }, to: { "friend\($0)@outside\($0).example" })
        #expect(try Self.audit(outbound).looksLikeInboxOf == nil)
        #expect(try Self.audit(outbound, domains: ["acme.example"]).looksLikeInboxOf == nil)
        // Most of the site's mail to one big provider: its senders are still the site's few domains.
        let toOneProvider = Self.mbox(30, from: { "user\($0 % 5)@acme.example" }, to: { "friend\($0)@bigmail.example" })
        #expect(try Self.audit(toOneProvider).looksLikeInboxOf == nil)
        #expect(try Self.audit(toOneProvider, domains: ["acme.example"]).looksLikeInboxOf == nil)
        // A server's mixed mail (with a profile): a third in from outside, a third internal, a third
        // relayed from outside to outside. Only the first third is mail received.
        let mixed = Self.mbox(30, from: { $0 < 20 ? "s\($0)@outside\($0).example" : "user\($0 % 5)@acme.example" },
                              to: { $0 < 10 ? "user\($0 % 5)@acme.example" : $0 < 20 ? "x\($0)@elsewhere.example" : "user\($0 % 3)@acme.example" })
        #expect(try Self.audit(mixed, domains: ["acme.example"]).looksLikeInboxOf == nil)
        let few = Self.mbox(QueueAudit.InputShape.minimumMessages - 1, from: { "s\($0)@outside\($0).example" },
                            to: { _ in "user@acme.example" })
        #expect(try Self.audit(few).looksLikeInboxOf == nil)
        #expect(try Self.audit(Self.mbox(QueueAudit.InputShape.minimumMessages, from: { "s\($0)@outside\($0).example" },
                                         to: { _ in "user@acme.example" })).looksLikeInboxOf == "acme.example")
    }

    @Test("a queue is never an inbox: the same messages as Postfix queue files")
    func aQueueIsNot() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("audit-inbox-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for n in 0..<30 {
            let message = "From: sender\(n)@outside\(n).example\nTo: user\(n % 5)@acme.example\nSubject: message \(n)\n\nBody.\n"
            let file = AuditEnvelopeTests.queueFile(message, sender: "sender\(n)@outside\(n).example",
                                                    recipients: ["user\(n % 5)@acme.example"], arrival: 1_767_600_000 + n)
            try Data(file).write(to: root.appendingPathComponent(String(format: "4F1B2C3D%02X", n)))
        }
        #expect(try QueueAudit().audit(paths: [root.path]).records.count == 30)
        #expect(try QueueAudit().audit(paths: [root.path]).looksLikeInboxOf == nil)
    }

    /// backscatter-dev's inbox and its outbound queue (../shared/corpus/backscatter-dev).
    @Test("backscatter-dev: its inbox named as one, its outbound mail not",
          .enabled(if: Corpus.availableOrSkipVisibly("AuditInboxTests")))
    func theCorpus() throws {
        let inbox = Corpus.path("backscatter-dev/corpus.mbox"), outbound = Corpus.path("backscatter-dev/outbound.mbox")
        var profile = SiteProfile()
        profile.site.domains = ["acme.example", "acme-labs.example"]
        #expect(try QueueAudit().audit(paths: [inbox]).looksLikeInboxOf == "acme.example")
        #expect(try QueueAudit(profile: profile).audit(paths: [inbox]).looksLikeInboxOf == "acme.example")
        #expect(try QueueAudit().audit(paths: [outbound]).looksLikeInboxOf == nil)
        #expect(try QueueAudit(profile: profile).audit(paths: [outbound]).looksLikeInboxOf == nil)
    }

    /// An item held in the spill file comes back with every field the inbox test reads: a large queue
    /// is read back from it, and an item that forgot its envelope would make the queue look like an inbox.
    @Test("an item's queue envelope and addresses survive the spill file")
    func itemsRoundTrip() throws {
        let message = "From: sender@outside.example\nTo: user@acme.example\nDate: Mon, 5 Jan 2026 10:00:00 +0000\n\nBody.\n"
        let parsed = ParsedMessage(parsing: ArraySlice(message.utf8))
        let envelope = QueueEnvelope(sender: Array("sender@outside.example".utf8), recipients: [Array("user@acme.example".utf8)],
                                     arrivalTime: 1_767_600_000)
        for original in [QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed), envelope: envelope),
                         QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed))] {
            let back = try SpillCodingTests.roundTrip(original)
            #expect(back.isQueued == original.isQueued && back.from == original.from
                        && back.recipients == original.recipients && back.time == original.time)
        }
        #expect(QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed), envelope: envelope).isQueued)
    }
}
