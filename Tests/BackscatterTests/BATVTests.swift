@testable import Backscatter
import Foundation
import Testing
import TestSupport

@Suite struct BATVTests {
    /// (address, key number, DDD, signature, original, form) or nil original when not a tag.
    static let parses: [(String, Int, Int, String, String?)] = [
        ("prvs=3472951679=ivan.marino@acme.example", 3, 472, "951679", "ivan.marino@acme.example"),
        ("<PRVS=0123ABCDEF=Bob@Example.COM>", 0, 123, "abcdef", "Bob@Example.COM"),
        ("andrew+prvs=9352e50792@example.com", 9, 352, "e50792", "andrew@example.com"),
        ("andrew-prvs=9352e50792@example.com", 9, 352, "e50792", "andrew@example.com"),
        ("alice=prvs=1001abcdef@example.com", 1, 1, "abcdef", "alice@example.com"),
        ("prvs=alice/1001abcdef@example.com", 1, 1, "abcdef", "alice@example.com"),
        ("prvs=alice=x@example.com", 0, 0, "", nil),             // tag not K DDD SSSSSS
        ("prvs=12345abcdef=a@example.com", 0, 0, "", nil),       // 11 characters
        ("prvs=1234abcdeg=a@example.com", 0, 0, "", nil),        // 'g' is not hex
        ("prvs=1234abcdef=@example.com", 0, 0, "", nil),         // no local part
        ("+prvs=1234abcdef@example.com", 0, 0, "", nil),         // no local part before the delimiter
        ("alice@example.com", 0, 0, "", nil),
        ("prvs=1234abcdef=alice", 0, 0, "", nil),                // no domain
        ("", 0, 0, "", nil),
    ]

    @Test(arguments: parses)
    func parsesTags(_ text: String, _ k: Int, _ ddd: Int, _ sig: String, _ original: String?) {
        let tagged = BATVAddress(parsing: text)
        #expect(tagged?.originalAddress == original)
        if let tagged {
            #expect(tagged.keyNumber == k && tagged.expiryDay == ddd && tagged.signature == sig)
        }
    }

    @Test func signsAndChecksExpiry() throws {
        let verifier = BATVVerifier(keys: [5: [0x01, 0x02, 0x03]], validDays: 7)
        let sent = 1_768_176_000.0 + 3_600          // 2026-01-12T01:00:00Z, day 20465
        let address = try #require(verifier.sign(local: "Alice", domain: "Example.COM", keyNumber: 5, at: sent))
        #expect(address.hasPrefix("prvs=5472"))     // (20465 + 7) mod 1000
        #expect(verifier.verify(address, at: sent) == .valid)
        #expect(verifier.verify(address, at: sent + 7 * 86_400) == .valid)
        #expect(verifier.verify(address, at: sent + 8 * 86_400) == .expired(days: 1))
        #expect(verifier.verify(address, at: sent + 60 * 86_400) == .expired(days: 53))
        #expect(verifier.verify(address.uppercased(), at: sent) == .badSignature)  // "Alice" cannot be recovered
        let lower = try #require(verifier.sign(local: "bob", domain: "example.com", keyNumber: 5, at: sent))
        #expect(verifier.verify(lower.uppercased(), at: sent) == .valid)   // an MTA upper-cased the address
        var forged = address
        forged.replaceSubrange(forged.index(forged.startIndex, offsetBy: 9)..<forged.index(forged.startIndex, offsetBy: 10),
                               with: address.dropFirst(9).first == "0" ? "1" : "0")
        #expect(verifier.verify(forged, at: sent) == .badSignature)
        #expect(verifier.verify("prvs=4472abcdef=alice@example.com", at: sent) == .unknownKey)
        #expect(verifier.verify("alice@example.com", at: sent) == .notSigned)
        #expect(verifier.verify(address, at: .nan) == .badSignature)
        #expect(verifier.sign(local: "a", domain: "b", keyNumber: 4, at: sent) == nil)
        // The sub-address spelling signs the same data.
        let sub = address.replacingOccurrences(of: "prvs=", with: "").split(separator: "=")
        #expect(verifier.verify("Alice+prvs=\(sub[0])@Example.COM", at: sent) == .valid)
    }

    /// Day numbers wrap at 1000: a tag made on day 998 for 7 days expires on day 5 of the next cycle.
    @Test func expiryAcrossTheModuloWrap() throws {
        let verifier = BATVVerifier(keys: [0: [0xAA]], validDays: 7)
        let day998 = 998.0 * 86_400 + 20_000.0 * 86_400   // day 20998
        let address = try #require(verifier.sign(local: "x", domain: "y.example", keyNumber: 0, at: day998))
        #expect(address.hasPrefix("prvs=0005"))
        #expect(verifier.verify(address, at: day998 + 5 * 86_400) == .valid)
        #expect(verifier.verify(address, at: day998 + 9 * 86_400) == .expired(days: 2))
    }

    /// Every BATV sender in the dev corpus's sent.log is what `sign` makes at that send time.
    @Test(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
    func reproducesTheSentLogTags() throws {
        let profile = try SiteProfile.load(path: Corpus.path("backscatter-dev/profile.toml"))
        let verifier = BATVVerifier(try #require(profile.batv))
        let tagged = try #require(profile.sentLog).allEntries.filter { $0.sender?.hasPrefix("prvs=") == true }
        #expect(tagged.count > 1000)
        for entry in tagged {
            let sender = try #require(entry.sender), sentAt = try #require(entry.sentAt)
            let parsed = try #require(BATVAddress(parsing: sender))
            let made = verifier.sign(local: parsed.localPart, domain: parsed.domain, keyNumber: parsed.keyNumber, at: sentAt)
            #expect(made == sender)
            #expect(verifier.verify(sender, at: sentAt) == .valid)
        }
    }

    /// Bounces in the dev corpus delivered to a prvs address: legitimate ones verify, `bad-batv` backscatter
    /// is expired (20-200 days, README "BATV as implemented") or badly signed.
    @Test(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
    func judgesTheCorpusBounceRecipients() throws {
        let profile = try SiteProfile.load(path: Corpus.path("backscatter-dev/profile.toml"))
        let verifier = BATVVerifier(try #require(profile.batv))
        var checked = [String: Int]()
        for message in DevCorpus.messages {
            guard let to = message.header("X-Original-To"), to.lowercased().contains("prvs=") else { continue }
            let result = verifier.verify(to, at: message.deliveredAt)
            checked["\(message.label) \(result)", default: 0] += 1
            switch message.label {
            case "legitimate":
                #expect(result == .valid, "message \(message.index) \(to)")
                #expect(BATVAddress(parsing: to)?.originalAddress.lowercased() == message.victim?.lowercased())
            case "backscatter":
                #expect(message.hard.contains("bad-batv"), "message \(message.index)")
                switch result {
                case .badSignature: break
                case .expired(let days): #expect((20...200).contains(days), "message \(message.index)")
                default: Issue.record("message \(message.index) \(to): \(result)")
                }
            default:
                Issue.record("non-bounce \(message.index) addressed to a prvs tag")
            }
        }
        print("BATV on backscatter-dev bounce recipients: \(checked.sorted { $0.key < $1.key })")
        #expect(checked.values.reduce(0, +) == 188)
    }
}

@Suite struct BATVHostileInputTests {
    /// Random addresses built from tag-like pieces and non-ASCII text: parsing and checking never crash,
    /// and anything parsed keeps its pieces inside the input.
    @Test func randomAddressesNeverCrash() {
        var rng = SplitMix64(seed: 11)
        let pieces = ["prvs=", "PRVS=", "SRS0=", "SRS1=", "srs0+", "=", "+", "-", "/", "@", "1234abcdef", "0999ffffff",
                      "a", "İ", "ẞ", "ſ", "é", "😀", "\u{301}", "K", "x.example", "<", ">", " ", "==", "=7R="]
        let batv = BATVVerifier(keys: [1: [1], 0: [0]])
        let srs = SRSVerifier(secrets: ["k"])
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...9, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? "" }.joined()
            if let tagged = BATVAddress(parsing: text) {
                #expect(text.contains(tagged.domain))
            }
            _ = batv.verify(text, at: 1_768_176_000)
            _ = srs.verify(text, at: 1_768_176_000)
            _ = SRSAddress(parsing: text)
        }
    }

    @Test func nonASCIILocalPartsKeepTheirText() {
        #expect(BATVAddress(parsing: "İstanbul+prvs=1234abcdef@x.example")?.localPart == "İstanbul")
        #expect(BATVAddress(parsing: "PRVS=1234abcdef=ẞig@x.example")?.localPart == "ẞig")
    }

    /// The byte reading of ASCII addresses gives what the text reading gives, on random addresses made
    /// of tag-like pieces (both spellings of the marker, delimiters, digits, hex, brackets, spaces).
    @Test func byteReadingMatchesTheTextReading() {
        var generator = SplitMix64(seed: 25)
        let pieces = ["prvs=", "PRVS=", "prvs=", "1", "2", "3", "7", "a", "E", "f", "g", "/", "+", "-", "=", "@", "@",
                      "<", ">", " ", "\t", "x.y", "1234abcdef", "9352E50792", "é", "\r\n",
                      "prvs=1234abcdef=", "+prvs=9352E50792", "PRVS=bob/", "/1001abcdef", "bob@x.example", "@x.example"]
        var tagged = 0
        for _ in 0..<40_000 {
            let count = Int(generator.next() % 7)
            var text = ""
            for _ in 0..<count { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            let byBytes = BATVAddress(parsing: text)
            #expect(byBytes == BATVAddress(parsingText: Substring(text)), "\(text)")
            if byBytes != nil { tagged += 1 }
        }
        #expect(tagged > 100)
    }
}
