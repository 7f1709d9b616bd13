import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport
@testable import Backscatter

/// The audit trusts the Authentication-Results field of our own server in the returned original (RFC
/// 8601 §5: a site's MTAs delete fields claiming its authserv-id that came from outside): SPF and DKIM
/// passes there mean the sender was not forged. A field naming another host counts for little.
@Suite struct AuditAuthenticationTests {
    /// The Postfix fixture's NDR (a made-up recipient of ours, reflected with this profile), its
    /// returned original given `fields` above its Return-Path.
    static func item(authenticationResults fields: [String]) throws -> QueueAudit.Item {
        var text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("mailbox/postfix-queue/bounce.eml"))), as: UTF8.self)
        let anchor = "Return-Path: <victim@innocent.example>\n"
        let at = try #require(text.range(of: anchor))
        text.replaceSubrange(at, with: fields.map { "Authentication-Results: \($0)\n" }.joined() + anchor)
        let parsed = ParsedMessage(parsing: ByteSlice(Array(text.utf8)))
        return QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed))
    }

    static func audit(_ item: QueueAudit.Item) -> AuditRecord {
        var profile = SiteProfile()
        profile.site.domains = ["example.net"]
        profile.site.users = ["alice@example.net"]
        return try! #require(QueueAudit(profile: profile).audit([item]).records.first)
    }

    static let pass = "spf=pass smtp.mailfrom=victim@innocent.example; dkim=pass header.d=innocent.example"

    @Test("no field: the NDR for a made-up recipient stays reflected")
    func noField() throws {
        let record = Self.audit(try Self.item(authenticationResults: []))
        #expect(record.verdict == .reflected)
        #expect(!record.evidence.contains { $0.signal.hasPrefix("sender-authentic") })
    }

    @Test("our server's passes: the sender was real, the NDR legitimate")
    func ourServerPasses() throws {
        let record = Self.audit(try Self.item(authenticationResults: ["MX.example.net; " + Self.pass]))
        #expect(record.verdict == .legitimateNDR)
        let evidence = try #require(record.evidence.first { $0.signal == "sender-authenticated" })
        #expect(evidence.weight == -3)
        #expect(evidence.detail.contains("mx.example.net"))
    }

    @Test("another host's claim weighs -1 only; under our own failing field it weighs nothing")
    func claimsOfOthers() throws {
        let claimed = Self.audit(try Self.item(authenticationResults: ["spammer.example; " + Self.pass]))
        #expect(claimed.evidence.contains { $0.signal == "sender-authentication-claimed" && $0.weight == -1 })
        #expect(!claimed.evidence.contains { $0.signal == "sender-authenticated" })
        // Our server's field first says the checks failed; a forged field naming our host below it
        // (one our MTA should have deleted) changes nothing.
        let forged = Self.audit(try Self.item(authenticationResults: [
            "mx.example.net; spf=fail smtp.mailfrom=victim@innocent.example; dkim=none", "mx.example.net; " + Self.pass]))
        #expect(forged.verdict == .reflected)
        #expect(!forged.evidence.contains { $0.signal.hasPrefix("sender-authentic") })
    }

    @Test("the authserv-id: the token or quoted string before the version and the first semicolon",
          arguments: [("mx.example.net; spf=pass", "mx.example.net"), ("  mx.example.net 1; spf=pass", "mx.example.net"),
                      ("\"mx.example.net\"; dkim=pass", "mx.example.net"), ("mx.example.net;", "mx.example.net"),
                      ("mx.example.net", "mx.example.net"), ("", ""), ("; spf=pass", "")])
    func authServID(_ value: String, _ expected: String) {
        #expect(QueueAudit.authServID(value) == expected)
    }
}
