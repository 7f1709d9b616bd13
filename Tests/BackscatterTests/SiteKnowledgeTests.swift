@testable import Backscatter
import MailParsing
import TestSupport
import Testing

/// The site-name tests (`SiteKnowledge.isOurDomain`, `isOurAddress`, `hasOurFormat`): the byte test of
/// ASCII names (`SiteNames`) gives the String test's answer for every name, case, subdomain, near miss
/// and non-ASCII name, with few other names (compared as bytes) and many (looked up in the Set), and
/// when a site name is not ASCII (no byte test at all).
struct SiteKnowledgeTests {
    /// Profiles: a few other names; more than `SiteNames.maxListedNames`; a site domain not ASCII; none.
    static func profiles() -> [(String, SiteProfile)] {
        var few = SiteProfile()
        few.site.domains = ["example.co.jp", "example.com", "example.jp", "neko.example.com", "Upper.Example"]
        few.relays.hosts = ["relay13.example.co.jp", "cat2.example.com", "out.mailhost.test", "MX.Partner.Test"]
        few.messageID.domains = ["ids.example.net", "x"]
        var many = few
        many.relays.hosts += (0..<40).map { "relay\($0).hosted.test" }
        var foreign = few
        foreign.site.domains.append("пример.рф")
        var kelvin = few
        kelvin.relays.hosts.append("\u{212A}elvin.test")   // KELVIN SIGN: lower-cased, it is ASCII "k"
        var bare = SiteProfile()
        bare.site.domains = [""]
        // Site domains shorter than, as long as and longer than the eight bytes `SiteNames` compares first.
        var lengths = SiteProfile()
        lengths.site.domains = ["jp", "a.jp", "ab.co.jp", "x.example", "mail.example.org"]
        return [("few", few), ("many", many), ("foreign", foreign), ("kelvin", kelvin), ("bare", bare), ("none", SiteProfile()),
                ("lengths", lengths)]
    }

    /// Names: each site and other name, in other cases, under a subdomain, with a letter added or
    /// removed, a trailing dot, non-ASCII, empty.
    static func names() -> [String] {
        var names = ["", ".", "..", "com", "jp", "example", "co.jp", "xexample.com", "example.comx", "example.com.",
                     ".example.com", "a..example.com", "mail.example.com", "MAIL.EXAMPLE.COM", "Example.Jp",
                     "neko.example.com", "x.neko.example.com", "eko.example.com", "upper.example", "a.upper.example",
                     "relay13.example.co.jp", "RELAY13.example.co.jp", "x.relay13.example.co.jp", "cat2.example.com",
                     "out.mailhost.test", "x.out.mailhost.test", "mx.partner.test", "MX.Partner.Test", "ids.example.net",
                     "x.ids.example.net", "x", "X", "y", "relay7.hosted.test", "RELAY39.hosted.test", "relay40.hosted.test",
                     "пример.рф", "почта.пример.рф", "example.cöm", "exämple.com", "example.com\u{301}", "kelvin.test",
                     "\u{212A}elvin.test", "x.example.jp\r\n", "example.jp\n", "\u{600}.example.com"]
        for site in ["example.co.jp", "example.com", "example.jp"] {
            names += [site.uppercased(), "a.b." + site, String(site.dropFirst()), String(site.dropLast()), "-" + site]
        }
        // Every tail of a few names, each in upper case too: the last eight bytes equal, the bytes before
        // them not, and names shorter than eight bytes.
        for long in ["x.mail.example.org", "y.ab.co.jp", "x.a.jp", "a.x.example"] {
            for k in 0..<long.count {
                let tail = String(long.dropFirst(k))
                names += [tail, tail.uppercased(), "z" + tail]
            }
        }
        return names
    }

    @Test func bytesAnswerAsStringsDo() {
        for (label, profile) in Self.profiles() {
            let site = SiteKnowledge(profile)
            for name in Self.names() {
                #expect(site.isOurDomain(name) == site.isOurDomainByStrings(name), "\(label): \(name)")
                for local in ["alice", "a@b", ""] {
                    let address = local + "@" + name
                    #expect(site.isOurAddress(address) == site.isOurAddressByStrings(address), "\(label): \(address)")
                    #expect(site.hasOurFormat(address) == site.hasOurFormatByStrings(address), "\(label): <\(address)>")
                    // Held bracketed, as the scan record's Message-ID (`OriginalFacts.messageIDText`).
                    #expect(site.hasOurFormat(idText: "<" + address + ">", bracketed: true) == site.hasOurFormatByStrings(address),
                            "\(label): <\(address)> bracketed")
                }
                #expect(site.isOurAddress(name) == site.isOurAddressByStrings(name), "\(label): \(name) without @")
                #expect(site.hasOurFormat(name) == site.hasOurFormatByStrings(name), "\(label): <\(name)> without @")
            }
        }
    }

    /// `standing(ofVictim:)`, asked once a message by the stream pass, is `userExists` with its nil split
    /// by `isOurAddress`: for every profile (with listed users, with known local parts, with neither),
    /// every address of every name, and no victim at all.
    @Test func victimStandingIsUserExists() {
        var sites: [(String, SiteKnowledge)] = []
        for (label, profile) in Self.profiles() {
            var listed = profile
            listed.site.users = ["alice", "bob@example.com", "Carol@Example.JP"]
            sites += [(label, SiteKnowledge(profile)), (label + "+users", SiteKnowledge(listed)),
                      (label + "+local", SiteKnowledge(profile, knownLocalParts: ["alice", "dave"]))]
        }
        for (label, site) in sites {
            #expect(site.standing(ofVictim: nil) == .notOurs, "\(label): no victim")
            for name in Self.names() {
                for local in ["alice", "ALICE", "alice+news", "bob", "carol", "dave", "qcqmikdgrb", "a@b", ""] {
                    let address = local + "@" + name
                    let expected: VictimStanding = switch site.userExists(address) {
                    case .some(true): .exists
                    case .some(false): .doesNotExist
                    case .none: site.isOurAddress(address) ? .unknown : .notOurs
                    }
                    #expect(site.standing(ofVictim: address) == expected, "\(label): \(address)")
                }
            }
        }
        // Each of the four answers is given somewhere (the agreement above is not all one answer).
        let few = SiteKnowledge(Self.profiles()[0].1, knownLocalParts: ["alice"])
        #expect(few.standing(ofVictim: "alice@example.com") == .exists)
        #expect(few.standing(ofVictim: "zed@example.com") == .doesNotExist)
        #expect(SiteKnowledge(Self.profiles()[0].1).standing(ofVictim: "zed@example.com") == .unknown)
        #expect(few.standing(ofVictim: "alice@elsewhere.test") == .notOurs)
    }

    /// `isOurHost` (the relay-host Set asked only without the byte table) answers as the Set and
    /// `isOurDomain` both asked do, and `userExists(ourAddress:)` (the local part read in place) as the
    /// local part before the last "@" made a String of a Substring does.
    @Test func hostsAndLocalPartsAnswerAsDefined() {
        for (label, profile) in Self.profiles() {
            let site = SiteKnowledge(profile, knownLocalParts: ["alice", "a@b", "", "é"])
            for name in Self.names() + profile.relays.hosts + site.relayHosts.sorted() {
                #expect(site.isOurHost(name) == (site.relayHosts.contains(name) || site.isOurDomain(name)), "\(label): \(name)")
                for local in ["alice", "ALICE", "a@b", "", "é", "e\u{301}", "dave"] {
                    let address = local + "@" + name
                    let expected: Bool? = site.profile.knowsUser(address) ?? address.lastIndex(ofASCII: ASCII.at).map {
                        site.knownLocalParts.contains(String(address[..<$0]))
                    }
                    #expect(site.userExists(ourAddress: address) == expected, "\(label): \(address)")
                }
                #expect(site.userExists(ourAddress: name) == site.profile.knowsUser(name), "\(label): \(name) without @")
            }
        }
    }

    /// `isRelayAddress` (single addresses looked up in a Set, wider networks tested in turn) answers as
    /// the profile's `NetworkSet` does: for single, wider and no networks of both families, their own
    /// addresses, their neighbours and random addresses.
    @Test func relayAddressesAsTheNetworkSet() throws {
        let lists: [[String]] = [[], ["192.0.2.153/32", "203.0.113.4"], ["198.51.100.0/24", "2001:db8::1/128"],
                                 ["192.0.2.153/32", "10.0.0.0/8", "2001:db8:5::/48", "::1", "0.0.0.0/0"], ["::/0"]]
        var generator = SplitMix64(seed: 31)
        var addresses = ["192.0.2.153", "192.0.2.152", "192.0.2.154", "203.0.113.4", "198.51.100.7", "198.51.101.7",
                         "2001:db8::1", "2001:db8::2", "2001:db8:5::9", "2001:db8:6::9", "::1", "::ffff:192.0.2.153",
                         "10.1.2.3", "0.0.0.0"].compactMap(IPAddress.init)
        for _ in 0..<200 {
            addresses.append(IPAddress(ipv4: UInt32(truncatingIfNeeded: generator.next())))
            let groups = (0..<8).map { _ in String(UInt16(truncatingIfNeeded: generator.next()), radix: 16) }
            addresses.append(try #require(IPAddress(groups.joined(separator: ":"))))
        }
        for list in lists {
            var profile = SiteProfile()
            profile.relays.networks = try NetworkSet(parsing: list)
            let site = SiteKnowledge(profile)
            for address in addresses {
                #expect(site.isRelayAddress(address) == profile.relays.networks.contains(address), "\(list): \(address)")
            }
        }
    }

    /// A few answers spelled out, so that both tests agreeing on a wrong answer shows too.
    @Test func answers() throws {
        let site = SiteKnowledge(try #require(Self.profiles().first).1)
        #expect(site.isOurDomain("MAIL.Example.COM"))
        #expect(site.isOurDomain("relay13.example.co.jp"))
        #expect(site.isOurDomain("mx.partner.test"))
        #expect(!site.isOurDomain("MX.Partner.Test.x"))
        #expect(!site.isOurDomain("xexample.com"))
        #expect(!site.isOurDomain("a.upper.example"))   // a site domain is compared as written
        #expect(site.isOurAddress("alice@Neko.Example.Com"))
        #expect(!site.isOurAddress("alice@example.com@evil.test"))
        #expect(!site.isOurAddress("example.com"))
        #expect(site.hasOurFormat("1234.5678@IDS.example.net") == true)
        #expect(site.hasOurFormat("1234.5678") == false)
        #expect(SiteKnowledge(SiteProfile()).hasOurFormat("1234@example.com") == nil)
        #expect(site.userExists("alice@example.org") == nil)
    }
}
