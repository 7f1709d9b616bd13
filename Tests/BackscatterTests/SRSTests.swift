@testable import Backscatter
import Testing
import TestSupport

@Suite struct SRSTests {
    /// 2026-01-12T01:00:00Z: day 20465, 20465 mod 1024 = 1009 = "7R".
    static let sent = 1_768_176_000.0 + 3_600

    /// Reference addresses made by Mail::SRS 0.31 (Shevek's Perl implementation, Debian libmail-srs-perl):
    /// `Mail::SRS->new(Secret => ["s3cr3t", "old"], HashLength => 4)`, `timestamp_create` at `sent`,
    /// `hash_create(TT, domain, local)` and, for SRS1, `hash_create("fwd1.example", "=HHHH=TT=domain=local")`.
    static let reference: [(String, SRSResult, String)] = [
        ("SRS0=/UHk=7R=Example.org=Alice@fwd1.example", .valid, "Alice@Example.org"),
        ("srs0=/uhk=7r=example.org=alice@FWD1.example", .valid, "alice@example.org"),   // case-insensitive
        ("SRS0=PESu=7R=example.net=bob.smith@fwd1.example", .valid, "bob.smith@example.net"),   // second secret
        ("SRS1=Pwg1=fwd1.example==/UHk=7R=Example.org=Alice@fwd2.example", .valid, "Alice@Example.org"),
        ("SRS0=/UHk=7R=Example.org=Mallory@fwd1.example", .badHash, "Mallory@Example.org"),
        ("SRS0=/UHk=7Q=Example.org=Alice@fwd1.example", .badHash, "Alice@Example.org"),
        ("SRS0=xxxx=7R=example.org=a=b@fwd1.example", .badHash, "a=b@example.org"),
    ]

    @Test(arguments: reference)
    func checksReferenceAddresses(_ address: String, _ expected: SRSResult, _ original: String) {
        let verifier = SRSVerifier(secrets: ["s3cr3t", "old"])
        #expect(verifier.verify(address, at: Self.sent) == expected)
        #expect(SRSAddress(parsing: address)?.originalAddress == original)
    }

    @Test func makesWhatMailSRSMakes() throws {
        let verifier = SRSVerifier(secrets: ["s3cr3t"])
        let srs0 = try #require(verifier.forward(local: "Alice", domain: "Example.org", forwarder: "fwd1.example", at: Self.sent))
        #expect(srs0 == "SRS0=/UHk=7R=Example.org=Alice@fwd1.example")
        #expect(verifier.forwardAgain(srs0, forwarder: "fwd2.example")
            == "SRS1=Pwg1=fwd1.example==/UHk=7R=Example.org=Alice@fwd2.example")
    }

    @Test func timestampAge() throws {
        let verifier = SRSVerifier(secrets: ["k"], maxAgeDays: 21)
        let address = try #require(verifier.forward(local: "a", domain: "b.example", forwarder: "f.example", at: Self.sent))
        #expect(verifier.verify(address, at: Self.sent + 21 * 86_400) == .valid)
        #expect(verifier.verify(address, at: Self.sent + 30 * 86_400) == .expired(days: 30))
        // Across the 1024-day wrap: day 1009 + 20 = day 5 of the next cycle.
        #expect(verifier.verify(address, at: Self.sent + 20 * 86_400) == .valid)
        let badStamp = address.replacingOccurrences(of: "=7R=", with: "=7!=")
        #expect(verifier.verify(badStamp, at: Self.sent) == .badHash)   // the hash covers TT
        #expect(SRSVerifier(secrets: []).verify(address, at: Self.sent) == .badHash)
    }

    static let notSRS = ["alice@example.com", "SRS0=abcd=7R=domain@f.example", "SRS2=a=b=c=d@f", "SRS0@f.example",
                         "SRS0=h=TTT=d=l@f.example", "SRS1=h=f1=x@f2", "SRS0=h=7R=d=l", ""]

    @Test(arguments: notSRS)
    func rejectsNonSRS(_ text: String) {
        #expect(SRSAddress(parsing: text) == nil)
        #expect(SRSVerifier(secrets: ["k"]).verify(text, at: Self.sent) == .notSRS)
    }

    /// The dev corpus's `forwarded-srs` bounces went to a forwarder's SRS0 address: the original recovered
    /// from it is the victim (the forwarder's secret is not ours, so only parsing is checked); when it is
    /// itself BATV-tagged (mail sent after signing began), the tag verifies.
    @Test(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
    func recoversTheOriginalSenderInTheCorpus() throws {
        let profile = try SiteProfile.load(path: Corpus.path("backscatter-dev/profile.toml"))
        let batv = BATVVerifier(try #require(profile.batv))
        var recovered = 0, tagged = 0
        for message in DevCorpus.messages where message.hard.contains("forwarded-srs") {
            guard let to = message.header("To") else { continue }
            let srs = try #require(SRSAddress(parsing: to), "message \(message.index): \(to)")
            var original = srs.originalAddress
            if let prvs = BATVAddress(parsing: original) {
                #expect(batv.verify(prvs, at: message.deliveredAt) == .valid)
                original = prvs.originalAddress
                tagged += 1
            }
            #expect(original.lowercased() == message.victim?.lowercased())
            #expect(SRSVerifier(secrets: ["not-the-forwarders"]).verify(srs, at: message.deliveredAt) == .badHash)
            recovered += 1
        }
        #expect(recovered == 10)
        #expect(tagged == 5)
    }
}
