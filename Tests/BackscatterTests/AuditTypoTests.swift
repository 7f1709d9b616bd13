import DeliveryStatus
import MailParsing
import Testing
import TestSupport
@testable import Backscatter

/// The audit's typo test (a failed recipient one or two edits from a real mailbox), on bytes and by
/// length buckets, against its plain definitions.
@Suite struct AuditTypoTests {
    /// The typo test of the audit: `withinTwoEdits` against the full Levenshtein table, and the near-miss
    /// search over local parts bucketed by length against comparing with every known local part (as it
    /// did), on random local parts over a small alphabet (so that near misses are common).
    @Test func auditTypoTestIsTheLinearOne() throws {
        /// The Levenshtein distance, by the whole table.
        func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
            var previous = Array(0...b.count)
            for i in a.indices {
                var current = [i + 1] + Array(repeating: 0, count: b.count)
                for j in b.indices {
                    current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a[i] == b[j] ? 0 : 1))
                }
                previous = current
            }
            return previous[b.count]
        }
        var random = SplitMix64(seed: 0x7A_90)
        let alphabet = Array("abc".utf8)
        for _ in 0..<3_000 {
            let a = random.bytes(alphabet, count: random.below(9)), b = random.bytes(alphabet, count: random.below(9))
            let near = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in QueueAudit.withinTwoEdits(x, y) } }
            #expect(near == (distance(a, b) <= 2), "\(a) \(b)")
        }
        // The context's length buckets against every known local part.
        let locals = (0..<300).map { _ in String(decoding: random.bytes(alphabet, count: 3 + random.below(6)), as: UTF8.self) }
        var context = QueueAudit.Context(domains: ["example.com"], knownUsers: [], knownLocals: Set(locals))
        context.indexLocals()
        /// The typo test as it was: two local parts, both at least 3 long, different, within two edits.
        func closeTo(_ a: String, _ b: String) -> Bool {
            let x = Array(a.utf8), y = Array(b.utf8)
            return x.count >= 3 && y.count >= 3 && x != y && distance(x, y) <= 2
        }
        for _ in 0..<500 {
            let probe = String(decoding: random.bytes(alphabet, count: random.below(10)), as: UTF8.self)
            let linear = context.knownLocals.contains { closeTo(probe, $0) }
            #expect(context.hasNearMiss(probe) == linear, "\(probe)")
        }
    }

    /// A non-delivery report for `recipient` with the given status and diagnostic.
    static func report(to recipient: String, status: String, diagnostic: String, index: Int) -> [UInt8] {
        Array("""
        From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r
        To: sender\(index)@outside.example\r
        Subject: Undelivered Mail Returned to Sender\r
        Date: Mon, 30 Nov 2026 00:00:0\(index) +0000\r
        Message-ID: <ndr\(index)@mx.example.com>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r
        \r
        --b\r
        Content-Type: text/plain\r
        \r
        Your message could not be delivered.\r
        \r
        --b\r
        Content-Type: message/delivery-status\r
        \r
        Reporting-MTA: dns; mx.example.com\r
        \r
        Final-Recipient: rfc822; \(recipient)\r
        Action: failed\r
        Status: \(status)\r
        Diagnostic-Code: smtp; \(diagnostic)\r
        \r
        --b--\r

        """.utf8)
    }

    /// Without a user list the audit learns the mailboxes that were reported full: such a mailbox is a
    /// real one even when another known mailbox is one edit away (it was told a typo of it before);
    /// an unknown address one edit from a known mailbox is the typo.
    @Test func aKnownMailboxIsNoTypoOfAnother() {
        let messages = [Self.report(to: "mark@example.com", status: "5.2.2", diagnostic: "552 5.2.2 Mailbox full", index: 1),
                        Self.report(to: "mary@example.com", status: "5.2.2", diagnostic: "552 5.2.2 Mailbox full", index: 2),
                        Self.report(to: "marx@example.com", status: "5.1.1", diagnostic: "550 5.1.1 User unknown", index: 3)]
        let items = messages.map { bytes -> QueueAudit.Item in
            let parsed = ParsedMessage(parsing: bytes[...])
            return QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed))
        }
        let records = QueueAudit(profile: SiteProfile()).audit(items).records
        let signals = records.map { Set($0.evidence.map(\.signal)) }
        #expect(signals.count == 3)
        guard signals.count == 3 else { return }
        #expect(signals[0].contains("recipient-exists") && !signals[0].contains("typo-of-real-user"), "\(signals[0])")
        #expect(signals[1].contains("recipient-exists") && !signals[1].contains("typo-of-real-user"), "\(signals[1])")
        #expect(signals[2].contains("typo-of-real-user"), "\(signals[2])")
    }

    /// Ordinary mail from `sender` to an outside recipient, as a queue holds it.
    static func outbound(from sender: String, index: Int) -> [UInt8] {
        Array("From: \(sender)\r\nTo: friend@outside.example\r\nSubject: lunch\r\nDate: Mon, 30 Nov 2026 00:00:0\(index) +0000\r\nMessage-ID: <out\(index)@example.com>\r\n\r\nsee you\r\n".utf8)
    }

    /// Without a user list the audit also learns the mailboxes of ours that sent ordinary mail: an
    /// unknown address one edit from one is a typo, and an NDR for the sender itself is a real failure.
    @Test func aSenderOfOursIsARealMailbox() {
        func records(_ messages: [[UInt8]]) -> [Set<String>] {
            let items = messages.map { bytes -> QueueAudit.Item in
                let parsed = ParsedMessage(parsing: bytes[...])
                return QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed))
            }
            var profile = SiteProfile()
            profile.site.domains = ["example.com"]
            return QueueAudit(profile: profile).audit(items).records.map { Set($0.evidence.map(\.signal)) }
        }
        let ndrs = [Self.report(to: "leeo@example.com", status: "5.1.1", diagnostic: "550 5.1.1 User unknown", index: 1),
                    Self.report(to: "noreply@example.com", status: "5.1.1", diagnostic: "550 5.1.1 User unknown", index: 2)]
        let learned = records([Self.outbound(from: "Leo@example.com", index: 3), Self.outbound(from: "noreply@example.com", index: 4)] + ndrs)
        #expect(learned.count == 4)
        guard learned.count == 4 else { return }
        #expect(learned[2].contains("typo-of-real-user"), "\(learned[2])")
        #expect(learned[3].contains("recipient-exists"), "\(learned[3])")
        // The same NDRs alone: nothing tells that either mailbox exists.
        let alone = records(ndrs)
        #expect(alone.allSatisfy { !$0.contains("typo-of-real-user") && !$0.contains("recipient-exists") }, "\(alone)")
    }
}
