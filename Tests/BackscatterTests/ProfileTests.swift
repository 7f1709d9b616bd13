@testable import Backscatter
import Foundation
import Testing
import TestSupport

@Suite struct ProfileTests {
    @Test(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
    func loadsTheDevCorpusProfile() throws {
        let profile = try SiteProfile.load(path: Corpus.path("backscatter-dev/profile.toml"))
        #expect(profile.warnings.isEmpty, "\(profile.warnings)")
        #expect(profile.site.domains == ["acme.example", "acme-labs.example"])
        #expect(profile.site.users.count == 53)
        #expect(profile.knowsUser("Mark@acme.example") == true)
        #expect(profile.knowsUser("zq7xk@acme.example") == false)
        #expect(profile.relays.hosts == ["mx-out1.acme.example", "mx-out2.acme.example"])
        #expect(profile.relays.networks.contains("198.51.100.9"))
        #expect(!profile.relays.networks.contains("198.51.100.16"))
        #expect(profile.messageID.pattern == #"^20\d{12}\.[0-9A-F]{10}@mx-out[12]\.acme\.example$"#)
        #expect(profile.messageID.matchesPattern("<20260102005726.F5EE7B78E1@mx-out1.acme.example>") == true)
        #expect(profile.messageID.matchesPattern("20260102005726.F5EE7B78E1@mx-out3.acme.example") == false)
        #expect(profile.messageID.hasSiteDomain("<x@MX-OUT2.acme.example>") == true)
        #expect(profile.messageID.hasSiteDomain("<x@gmail.com>") == false)
        #expect(SiteProfile().messageID.matchesPattern("<a@b>") == nil)
        #expect(profile.dkim.count == 1)
        #expect(profile.dkim.first?.algorithm == .rsa)
        #expect(profile.dkim.first?.selector == "s2026")
        #expect(profile.batv?.keys[3] == ReaderHex.bytes("6a1f0c3d9e8b7a65f4e3d2c1b0a99887"))
        #expect(profile.batv?.validDays == 7)
        #expect(profile.batv?.since == 1_768_176_000)
        // sent.log: 3012 messages, each with its time, sender and recipients.
        let log = try #require(profile.sentLog)
        #expect(log.count == 3012)
        let first = log.entry(forMessageID: "<20260102005726.F5EE7B78E1@mx-out1.acme.example>")
        #expect(first?.sender == "plindqvist@acme.example")
        #expect(first?.recipients == ["olga@unionvi-media.net"])
        #expect(first?.sentAt == 1_767_315_446)
        #expect(profile.thresholds == SiteProfile.Thresholds())
    }

    /// A users_file is read the same with LF, CRLF or CR line ends (as a String split by the Characters
    /// "\n" and "\r", a CRLF file was one user, "\r\n" being a Character of its own: every victim was then
    /// unknown here). Blank lines, comments and blanks around a name are passed over.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func usersFileLineEnds(_ lineEnd: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("users-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = ["# users", "alice", "", "  Bob@Example.com\t", "carol", "#dave", "Émile"]
        try Data(lines.joined(separator: lineEnd).utf8).write(to: URL(fileURLWithPath: folder + "/users.txt"))
        let profile = try SiteProfile.parse("[site]\ndomains = [\"example.com\"]\nusers_file = \"users.txt\"\n",
                                            baseDirectory: folder)
        #expect(profile.site.fileUsers == ["alice", "Bob@Example.com", "carol", "Émile"])
        #expect(profile.knowsUser("alice@example.com") == true)
        #expect(profile.knowsUser("bob@example.com") == true)
        #expect(profile.knowsUser("carol@example.com") == true)
        #expect(profile.knowsUser("émile@example.com") == true)
        #expect(profile.knowsUser("dave@example.com") == false)
    }

    @Test func loadsTheExampleProfile() throws {
        let profile = try SiteProfile.load(path: Corpus.fixture("profile/example.toml"))
        #expect(profile.warnings.isEmpty, "\(profile.warnings)")
        #expect(profile.site.fileUsers == ["carol", "dave@lists.example.com"])
        #expect(profile.knowsUser("carol@example.com") == true)
        #expect(profile.knowsUser("alice@lists.example.com") == true)
        #expect(profile.knowsUser("bob@lists.example.com") == false)
        #expect(profile.knowsUser("alice@elsewhere.example") == false)
        #expect(profile.knowsUser("alice+news@example.com") == true)         // RFC 5233 sub-address
        #expect(profile.knowsUser("mallory+news@example.com") == false)
        #expect(profile.relays.networks.networks.map(\.description) == ["192.0.2.0/28", "2001:db8:5::/48", "198.51.100.25/32"])
        #expect(profile.dkim.map(\.algorithm) == [.rsa, .ed25519])
        #expect(profile.batv?.keys.keys.sorted() == [0, 1])
        #expect(profile.srs?.secrets == ["change-me-srs-secret"])
        #expect(profile.sentLog?.count == 3)
        #expect(profile.thresholds.backscatter == 0.8)
    }

    @Test func emptyProfileIsValid() throws {
        let profile = try SiteProfile.parse("# nothing\n")
        #expect(profile == SiteProfile())
        #expect(profile.knowsUser("a@b.example") == nil)
        #expect(profile.batv == nil && profile.sentLog == nil && profile.dkim.isEmpty)
    }

    /// (profile text, key path, line, column, words of the reason)
    static let errors: [(String, String, Int, Int, String)] = [
        ("[relays]\nnetworks = [\"198.51.100.0/28\",\n  \"198.51.100.0/33\"]\n", "relays.networks[1]", 3, 3,
         "not a CIDR network: \"198.51.100.0/33\""),
        ("[relays]\nnetworks = [\"mx.example\"]\n", "relays.networks[0]", 2, 13, "not a CIDR network"),
        ("[site]\ndomains = \"acme example\"\n", "site.domains", 2, 1, "not a domain name"),
        ("[site]\ndomains = 3\n", "site.domains", 2, 1, "expected an array of strings, found an integer"),
        ("[site]\nusers = [\"a@b@c\"]\n", "site.users[0]", 2, 10, "not a user"),
        ("[site]\nusers_file = \"no-such-file.txt\"\n", "site.users_file", 2, 1, "cannot read"),
        ("site = 1\n", "site", 1, 1, "expected a [site] table"),
        ("[[dkim]]\ndomain = \"a.example\"\nselector = \"s\"\npublic_key = \"bm90IGEga2V5\"\n", "dkim[0].public_key", 4, 1,
         "not an RSA"),
        ("[[dkim]]\ndomain = \"a.example\"\npublic_key = \"x\"\n", "dkim[0]", 1, 1, "missing selector"),
        ("[batv]\nkeys = { \"12\" = \"00\" }\n", "batv.keys.12", 2, 10, "one digit"),
        ("[batv]\nkeys = { \"1\" = \"xyz\" }\n", "batv.keys.1", 2, 10, "not a hex secret"),
        ("[batv]\nvalid_days = 1000\n", "batv.valid_days", 2, 1, "1-999"),
        ("[batv]\nsince = \"yesterday\"\n", "batv.since", 2, 1, "expected a date-time"),
        ("[sent_log]\npath = \"missing.log\"\n", "sent_log.path", 2, 1, "cannot read"),
        ("[sent_log]\n", "sent_log", 1, 1, "missing path"),
        ("[message_id]\npattern = '^(\\d+$'\n", "message_id.pattern", 2, 1, "not a PCRE2 pattern: missing closing parenthesis"),
        ("[thresholds]\nbackscatter = 1.5\n", "thresholds.backscatter", 2, 1, "between 0 and 1"),
        ("[thresholds]\nbackscatter = 0.3\nlegitimate = 0.5\n", "thresholds", 1, 1, "must not exceed"),
        ("[site]\ndomains = [\"a\"\n", "", 2, 11, "unterminated array"),
    ]

    @Test(arguments: errors)
    func reportsWhereAndWhy(_ text: String, _ keyPath: String, _ line: Int, _ column: Int, _ says: String) {
        #expect {
            _ = try SiteProfile.parse(text, file: "bad.toml", baseDirectory: Corpus.fixture("profile"))
        } throws: { error in
            guard let error = error as? ProfileError else { return false }
            let ok = error.file == "bad.toml" && error.keyPath == keyPath && error.line == line && error.column == column
                && error.reason.contains(says)
            if !ok { print("got: \(error)") }
            return ok
        }
    }

    @Test func errorDescriptionNamesEverything() {
        let error = ProfileError(file: "p.toml", keyPath: "relays.networks[1]", line: 3, column: 3,
                                 reason: "not a CIDR network: \"x\"")
        #expect(error.description == "p.toml:3:3: relays.networks[1]: not a CIDR network: \"x\"")
    }

    @Test func unknownKeysAreWarningsWithSuggestions() throws {
        let profile = try SiteProfile.parse("[site]\ndomain = [\"a.example\"]\n[relay]\nhosts = []\n[batv]\nkeys = {}\nvalid_day = 3\n",
                                            file: "typo.toml")
        let messages = profile.warnings.map(\.description)
        #expect(messages.contains("typo.toml:2:1: site.domain: unknown key domain (did you mean domains?); ignored"))
        #expect(messages.contains("typo.toml:3:1: relay: unknown section [relay] (did you mean relays?); ignored"))
        #expect(messages.contains("typo.toml:7:1: batv.valid_day: unknown key valid_day (did you mean valid_days?); ignored"))
        #expect(messages.contains { $0.contains("batv: no keys") })
        #expect(profile.site.domains.isEmpty)
    }

    @Test func hostBitsInANetworkAreAWarning() throws {
        let profile = try SiteProfile.parse("[relays]\nnetworks = [\"192.0.2.77/24\"]\n")
        #expect(profile.relays.networks.contains("192.0.2.1"))
        #expect(profile.warnings.count == 1)
        #expect(profile.warnings.first?.keyPath == "relays.networks[0]")
    }

    @Test func sinceAsDateOrString() throws {
        let date = try SiteProfile.parse("[batv]\nkeys = {0 = \"00\"}\nsince = 2026-01-12\n")
        #expect(date.batv?.since == 1_768_176_000)
        let string = try SiteProfile.parse("[batv]\nkeys = {0 = \"00\"}\nsince = \"2026-01-12T01:00:00+01:00\"\n")
        #expect(string.batv?.since == 1_768_176_000)
    }

    /// A profile written by `tomlText()` parses back to an equal profile.
    @Test func serializerRoundTrips() throws {
        let folder = Corpus.fixture("profile")
        let example = try SiteProfile.load(path: folder + "/example.toml")
        let text = example.tomlText()
        let again = try SiteProfile.parse(text, file: "written.toml", baseDirectory: folder)
        #expect(again == example, "written as:\n\(text)")
        #expect(again.warnings.isEmpty)

        var built = SiteProfile()
        built.site.domains = ["x.example"]
        built.messageID.pattern = #"it's \d+ 'quoted'"#
        built.relays.networks = try NetworkSet(parsing: ["2001:db8::/32"])
        built.batv = SiteProfile.BATV()
        built.batv?.keys = [7: [0x00, 0xff]]
        built.thresholds.legitimate = 0.15
        let rebuilt = try SiteProfile.parse(built.tomlText())
        #expect(rebuilt == built, "written as:\n\(built.tomlText())")
    }

    @Test(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
    func devProfileRoundTrips() throws {
        let path = Corpus.path("backscatter-dev/profile.toml")
        let profile = try SiteProfile.load(path: path)
        let again = try SiteProfile.parse(profile.tomlText(), baseDirectory: Corpus.path("backscatter-dev"))
        #expect(again == profile)
    }

    /// Each sent-log fixture beside its expected entries (`*.expected.tsv`).
    @Test(arguments: ["sent.log", "postfix-mail.log", "sendmail-mail.log", "exim-mainlog"])
    func readsSentLogFormats(_ name: String) throws {
        let path = Corpus.fixture("profile/\(name)")
        var log = SentLog(path: name, resolvedPath: path)
        log.read(try String(contentsOfFile: path, encoding: .utf8))
        let expectedPath = (path.hasSuffix(".log") ? String(path.dropLast(4)) : path) + ".expected.tsv"
        let rows = try String(contentsOfFile: expectedPath, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(log.count == rows.count)
        for row in rows {
            let c = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let entry = try #require(log.entry(forMessageID: "<\(c[0].uppercased())>"), "missing \(c[0])")
            #expect(entry.messageID == c[0])
            #expect(entry.sentAt == (c[1] == "-" ? nil : Double(c[1])))
            #expect(entry.sender == (c[2] == "-" ? nil : c[2]))
            #expect(entry.recipients == (c.count > 3 && !c[3].isEmpty ? c[3].split(separator: ",").map(String.init) : []))
            #expect(log.sending(ofMessageID: c[0])?.recipients == entry.recipients)
            // Past the limit, the time without the list; at it, both.
            if !entry.recipients.isEmpty {
                let limited = log.sending(ofMessageID: c[0], recipientLimit: entry.recipients.count - 1)
                #expect(limited?.sentAt == entry.sentAt)
                #expect(limited.map { $0.recipients == nil } == true)
            }
            #expect(log.sending(ofMessageID: c[0], recipientLimit: entry.recipients.count)?.recipients == entry.recipients)
        }
        #expect(log.sending(ofMessageID: "not-in-the-log@example.com") == nil)
    }
}

enum ReaderHex {
    static func bytes(_ hex: String) -> [UInt8]? { ProfileReader.hexBytes(hex) }
}

@Suite struct ProfileHostileInputTests {
    /// Mutated copies of the example profile (bytes flipped, deleted, duplicated, truncated) either parse
    /// or fail with a located error: never a crash, never a hang.
    @Test func mutatedProfilesNeverCrash() throws {
        let original = Array(try String(contentsOfFile: Corpus.fixture("profile/example.toml"), encoding: .utf8).utf8)
        var rng = SplitMix64(seed: 4)  // deterministic, so a failure can be replayed
        let interesting: [UInt8] = Array("[]{}\"'=.,#\\\n\r\t 0x_+-:eE".utf8) + [0x00, 0xFF, 0xC3]
        var parsed = 0, failed = 0
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &rng) where !bytes.isEmpty {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[i] = interesting.randomElement(using: &rng) ?? 0
                case 1: bytes.remove(at: i)
                case 2: bytes.insert(contentsOf: bytes[i..<min(bytes.count, i + 16)], at: i)
                default: bytes.removeSubrange(i...)
                }
            }
            do {
                _ = try SiteProfile.parse(bytes: bytes, file: "m.toml", baseDirectory: Corpus.fixture("profile"))
                parsed += 1
            } catch {
                #expect(error.line >= 0 && !error.reason.isEmpty)
                failed += 1
            }
        }
        #expect(parsed + failed == 400)
        #expect(failed > 0)
    }

    @Test func verifiersFromTheProfile() throws {
        let profile = try SiteProfile.load(path: Corpus.fixture("profile/example.toml"))
        #expect(profile.batvVerifier?.keys.count == 2)
        #expect(profile.srsVerifier?.secrets == ["change-me-srs-secret"])
        #expect(profile.dkimVerifier?.keys.count == 2)
        #expect(!profile.batvSigningWasOn(at: 1_767_830_399))     // 2026-01-07T23:59:59Z
        #expect(profile.batvSigningWasOn(at: 1_767_830_400))      // since = 2026-01-08T00:00:00Z
        #expect(SiteProfile().batvVerifier == nil && SiteProfile().dkimVerifier == nil)
    }
}
