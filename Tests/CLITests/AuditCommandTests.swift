import Foundation
import Testing
import TestSupport

/// `backscatter audit --summary FILE`: the audit's report as one JSON object beside its records.
@Suite struct AuditCommandTests {
    static func summary(_ arguments: [String]) throws -> (status: Int32, object: [String: Any]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-summary-\(getpid())-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try CLI.run(["audit", "--quiet", "--summary", path.path] + arguments)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        return (result.status, object)
    }

    @Test("a queue with a legitimate NDR for an unknown recipient of ours: counted, with its remedies")
    func legitimateNDRForUnknownRecipient() throws {
        let (status, object) = try Self.summary(["-f", "jsonl", "Fixtures/mailbox/postfix-queue/bounce.queue"])
        #expect(status == 0)
        #expect(object["messages"] as? Int == 1)
        let verdicts = try #require(object["verdicts"] as? [String: Int])
        #expect(verdicts == ["reflected": 0, "legitimate-ndr": 1, "relayed": 0, "internal-bulk": 0, "ordinary": 0])
        #expect(object["ndrShare"] as? Double == 1)
        #expect(object["legitimateNDRsForUnknownRecipients"] as? Int == 1)
        #expect((object["forgedSenders"] as? [Any])?.isEmpty == true)
        let remedies = try #require(object["remedies"] as? [String])
        #expect(remedies.count == 2)
        #expect(remedies.last?.hasPrefix("These NDRs were written by Postfix.") == true)
        #expect((object["errors"] as? [Any])?.isEmpty == true)
    }

    @Test("the example inbox with its profile: the totals, top lists and remedies the text report shows")
    func exampleWithProfile() throws {
        let arguments = ["--profile", "Fixtures/example/profile.toml", "Fixtures/example/inbox.mbox"]
        let (status, object) = try Self.summary(["-f", "text", "--color", "never"] + arguments)
        #expect(status == 1)
        let text = try CLI.run(["audit", "--quiet", "-f", "text", "--color", "never"] + arguments).text
        let verdicts = try #require(object["verdicts"] as? [String: Int])
        #expect(verdicts.values.reduce(0, +) == 10)
        for (verdict, count) in verdicts {
            // The text report's table row: the verdict, then its count.
            let row = text.split(separator: "\n").first { $0.split(separator: " ").first.map(String.init) == verdict }
            #expect(row?.split(separator: " ").dropFirst().first.map(String.init) == String(count), "\(verdict)")
        }
        let forged = try #require(object["forgedSenders"] as? [[String: Any]])
        #expect(!forged.isEmpty)
        for entry in forged { #expect(text.contains(try #require(entry["address"] as? String))) }
        let remedies = try #require(object["remedies"] as? [String])
        #expect(!remedies.isEmpty)
        #expect(remedies.first?.hasPrefix("Your server accepts mail for mailboxes that do not exist") == true)
    }

    /// An inbox given to `audit`: the summary names the domain it is addressed to, `-f jsonl` warns on
    /// standard error, the text report says so on its second line; a queue's summary has null.
    @Test("an inbox given to audit: named in the summary, on standard error and in the text report")
    func anInboxIsNamed() throws {
        var mbox = ""
        for n in 0..<30 {
            mbox += "From s\(n)@outside\(n).example Mon Jan  5 10:00:00 2026\nFrom: s\(n)@outside\(n).example\n"
            mbox += "To: user\(n % 5)@acme.example\nSubject: hello \(n)\nMessage-ID: <m\(n)@outside\(n).example>\n\nHello.\n\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-inbox-\(UUID().uuidString).mbox")
        try Data(mbox.utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let (_, object) = try Self.summary(["-f", "jsonl", path.path])
        #expect(object["looksLikeInboxOf"] as? String == "acme.example")
        let jsonl = try CLI.run(["audit", "--quiet", "-f", "jsonl", path.path])
        #expect(jsonl.stderr.contains("warning: this looks like an inbox (mail received at acme.example)"), "\(jsonl.stderr)")
        let text = try CLI.run(["audit", "--quiet", "-f", "text", "--color", "never", path.path]).text
        #expect(text.split(separator: "\n").dropFirst(2).first?.contains("This looks like an inbox: mail received at acme.example") == true,
                "\(text.prefix(300))")
        let queue = try Self.summary(["-f", "jsonl", "Fixtures/mailbox/postfix-queue/bounce.queue"]).object
        #expect(queue["looksLikeInboxOf"] is NSNull)
    }

    @Test func summaryNamingAnInputIsBadUsage() throws {
        let result = try CLI.run(["audit", "--summary", "Fixtures/example/inbox.mbox", "Fixtures/example/inbox.mbox"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is also an input"))
    }
}
