import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport
@testable import Backscatter

/// The audit's remedies name the settings of the MTA that wrote the reflected NDRs: the site's own.
@Suite struct AuditRemedyTests {
    /// An audit that knows the site's domain and one real user, so that the fixtures' made-up recipients
    /// are recipients unknown here and their NDRs reflected.
    static func audit(domain: String = "example.net") -> QueueAudit {
        var profile = SiteProfile()
        profile.site.domains = [domain]
        profile.site.users = ["alice@\(domain)"]
        return QueueAudit(profile: profile)
    }

    /// Courier's fixture NDR is about `nosuch@remote.example`, where make-queue.sh's Courier relayed
    /// `remote.example` to the next server, which refused it: audited as the site of `remote.example`, the
    /// domain a gateway takes mail for and relays to an inner server.
    @Test("an NDR in its own MTA's queue file: that MTA's settings", arguments: [
        ("mailbox/postfix-queue/bounce.queue", "example.net", "These NDRs were written by Postfix."),
        ("mailbox/exim-spool/1xaFIx-0004Np-25-H", "example.net", "These NDRs were written by Exim."),
        ("mailbox/opensmtpd-queue/plain/queue/e9/e963f7c0/message", "example.net", "These NDRs were written by OpenSMTPD."),
        ("mailbox/courier-queue/msgs/42/C1041842", "remote.example", "These NDRs were written by Courier."),
    ])
    func remedyNamesTheMTA(_ fixture: String, _ domain: String, _ advice: String) throws {
        let report = try Self.audit(domain: domain).audit(paths: [Corpus.fixture(fixture)])
        #expect(report.totals[.reflected] == 1)
        #expect(report.remedies.count == 3)
        #expect(report.remedies.dropFirst().first?.hasPrefix(advice) == true, "\(report.remedies)")
    }

    @Test("no reflected NDR, or one of an MTA without advice: the general remedy only")
    func noSpecificRemedy() throws {
        let plain = try Self.audit().audit(paths: [Corpus.fixture("mailbox/postfix-queue/plain.queue")])
        #expect(plain.remedies.isEmpty)
        var item = try #require(try Self.items(Corpus.fixture("mailbox/postfix-queue/bounce.queue")).first)
        item.format = "gmail"
        let report = Self.audit().audit([item])
        #expect(report.totals[.reflected] == 1)
        #expect(report.remedies.count == 2)
        #expect(!report.remedies.contains { $0.contains("were written by") })
    }

    @Test("the MTA of most reflected NDRs is the one named")
    func mostCommonFormatWins() throws {
        let postfix = try #require(try Self.items(Corpus.fixture("mailbox/postfix-queue/bounce.queue")).first)
        var exim = postfix
        exim.format = "exim"
        let report = Self.audit().audit([postfix, exim, exim])
        #expect(report.remedies.contains { $0.hasPrefix("These NDRs were written by Exim.") })
        #expect(!report.remedies.contains { $0.hasPrefix("These NDRs were written by Postfix.") })
    }

    /// Zero-config, nothing proves the Postfix fixture's NDR reflected spam (its recipients are plain
    /// names, its original short): `legitimate-ndr`. But the NDR says our own recipients do not exist,
    /// so the server accepted mail for them and bounced it afterwards: the audit says so, counts it and
    /// gives the recipient-filtering remedy with Postfix's settings, without asking to clear the queue.
    @Test("a legitimate NDR for a recipient of ours that does not exist: the recipient-filtering remedy")
    func acceptedUnknownRecipient() throws {
        let report = try QueueAudit().audit(paths: [Corpus.fixture("mailbox/postfix-queue/bounce.queue")])
        #expect(report.totals[.legitimateNDR] == 1)
        #expect(report.legitimateNDRsForUnknownRecipients == 1)
        let signals = report.records.first?.evidence.map(\.signal)
        #expect(signals == ["accepted-unknown-recipient"])
        #expect(report.records.first?.evidence.first?.detail.contains("nobodyhere@example.net") == true)
        #expect(report.remedies.count == 2, "\(report.remedies)")
        #expect(report.remedies.first?.hasPrefix("1 NDR here says that a recipient at your domains does not exist") == true)
        #expect(report.remedies.last?.hasPrefix("These NDRs were written by Postfix.") == true)
    }

    @Test("a legitimate NDR of another reason, for an outside recipient or to our own user: no such remedy")
    func otherLegitimateNDRs() throws {
        let bounce = try #require(try Self.items(Corpus.fixture("mailbox/postfix-queue/bounce.queue")).first)
        var full = bounce
        full.reasons = full.reasons.map { _ in .mailboxFull }
        var outside = bounce
        outside.failed = ["someone@elsewhere.example"]
        var toOurOwnUser = bounce
        toOurOwnUser.recipients = ["alice@example.net"]
        var profile = SiteProfile()
        profile.site.domains = ["example.net"]
        for item in [full, outside, toOurOwnUser] {
            let report = QueueAudit(profile: profile).audit([item])
            #expect(report.totals[.legitimateNDR] == 1)
            #expect(report.legitimateNDRsForUnknownRecipients == 0)
            #expect(report.remedies.isEmpty, "\(report.remedies)")
            #expect(report.records.first?.evidence.contains { $0.signal == "accepted-unknown-recipient" } == false)
        }
    }

    /// The audit's items of every message at `path`.
    static func items(_ path: String) throws -> [QueueAudit.Item] {
        var reader = try MailboxReader(path: path)
        var items: [QueueAudit.Item] = []
        while let message = try reader.next() {
            let parsed = ParsedMessage(parsing: message.bytes)
            items.append(QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed)))
        }
        return items
    }
}
