@testable import Backscatter
import MailParsing
import Testing

@Suite struct NetworkSetTests {
    /// (address text, canonical form or nil when invalid)
    static let addresses: [(String, String?)] = [
        ("192.0.2.1", "192.0.2.1"),
        ("[198.51.100.7]", "198.51.100.7"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("[IPv6:2001:db8:5::17]", "2001:db8:5::17"),
        ("::", "::"),
        ("::1", "::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("256.1.1.1", nil), ("1.2.3", nil), ("1.2.3.4.5", nil), ("1..2.3", nil), ("1234.1.1.1", nil),
        ("2001:db8::1::2", nil), ("2001:db8:::1", nil), ("1:2:3:4:5:6:7:8:9", nil), (":1:2", nil), ("1:", nil),
        ("12345::", nil), ("g::1", nil), ("", nil), ("mx-out1.acme.example", nil),
    ]

    /// Public unicast or not (`IPAddress.isPublic`, read from the bits): each reserved range at its edges.
    static let publicness: [(String, Bool)] = [
        ("192.0.2.1", true), ("8.8.8.8", true), ("11.0.0.1", true),
        ("10.0.0.1", false), ("10.255.255.255", false), ("127.0.0.1", false), ("0.0.0.0", false),
        ("172.15.255.255", true), ("172.16.0.1", false), ("172.31.255.255", false), ("172.32.0.1", true),
        ("192.168.1.1", false), ("192.169.0.1", true), ("169.254.3.4", false), ("169.253.0.1", true),
        ("100.63.255.255", true), ("100.64.0.1", false), ("100.127.255.255", false), ("100.128.0.1", true),
        ("2001:db8::1", true), ("2a00:1450::1", true), ("::", false), ("::1", false), ("::ff", false), ("::1:0", true),
        ("fe80::1", false), ("febf::1", false), ("fec0::1", true), ("fc00::1", false), ("fdff::1", false), ("fe00::1", true),
        ("::ffff:10.1.2.3", false), ("::ffff:192.0.2.1", true),
    ]

    @Test(arguments: publicness)
    func tellsPublicAddresses(_ text: String, _ isPublic: Bool) throws {
        #expect(try #require(IPAddress(text)).isPublic == isPublic)
        #expect(HostShape.isPublicAddress(text) == isPublic)
    }

    /// The address forms a profile or a Received field gives NetworkSet, through MailParsing's `IPAddress`.
    @Test(arguments: addresses)
    func parsesAddress(_ text: String, _ canonical: String?) {
        #expect(IPAddress(text)?.description == canonical)
    }

    @Test func membership() throws {
        let set = try NetworkSet(parsing: ["198.51.100.0/28", "2001:db8:5::/48", "203.0.113.9"])
        #expect(set.contains("198.51.100.0"))
        #expect(set.contains("198.51.100.15"))
        #expect(!set.contains("198.51.100.16"))
        #expect(set.contains("[IPv6:2001:db8:5:ffff::1]"))
        #expect(!set.contains("2001:db8:6::1"))
        #expect(set.contains("203.0.113.9"))
        #expect(!set.contains("203.0.113.10"))
        #expect(set.contains("::ffff:198.51.100.3"))
        #expect(!set.contains("not an address"))
        #expect(try NetworkSet(parsing: ["0.0.0.0/0"]).contains("8.8.8.8"))
        #expect(try !NetworkSet(parsing: ["0.0.0.0/0"]).contains("::1"))
        #expect(try NetworkSet(parsing: ["::/0"]).contains("2001:db8::1"))
    }

    @Test func hostBitsAreMaskedAndFlagged() throws {
        let network = try IPNetwork(parsing: "192.0.2.77/24")
        #expect(network.description == "192.0.2.0/24")
        #expect(network.hadHostBits)
        #expect(try !IPNetwork(parsing: "192.0.2.0/24").hadHostBits)
        #expect(try IPNetwork(parsing: "2001:db8:5::/48").description == "2001:db8:5::/48")
    }

    @Test(arguments: ["198.51.100.0/33", "2001:db8::/129", "198.51.100.0/", "/24", "198.51.100.0/x", "300.1.1.1/8",
                      "mx-out1.acme.example"])
    func rejectsBadNetwork(_ text: String) {
        #expect(throws: NetworkParseError.self) { try IPNetwork(parsing: text) }
    }
}
