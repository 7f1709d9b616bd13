@testable import Backscatter
import MailParsing
import Testing
import TestSupport

/// `IPAddressList.contains` against `Set<IPAddress>.contains`, on random IPv4 and IPv6 addresses drawn
/// from a few values (so that lists and queries share many, and IPv4 and IPv6 addresses with the same
/// low bits meet), repeats in the lists included.
struct IPAddressListTests {
    static let texts = ["192.0.2.1", "192.0.2.2", "10.0.0.1", "0.0.0.0", "255.255.255.255", "::c000:201", "::1", "::",
                        "2001:db8::1", "2001:db8::2", "::ffff:192.0.2.1", "fe80::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]
    static let addresses = texts.compactMap { IPAddress($0) }

    @Test func containsAsTheSetDoes() {
        #expect(Self.addresses.count == Self.texts.count)
        var generator = SplitMix64(seed: 34_029)
        for _ in 0..<400 {
            let held = (0..<generator.below(10)).map { _ in Self.addresses[generator.below(Self.addresses.count)] }
            let list = IPAddressList(held)
            let set = Set(held)
            #expect(list.isEmpty == set.isEmpty)
            #expect(list.count == set.count)
            for query in Self.addresses { #expect(list.contains(query) == set.contains(query), "\(held) \(query)") }
        }
        // Random IPv4 addresses against a list of random ones.
        let held = (0..<50).map { _ in IPAddress(ipv4: UInt32(truncatingIfNeeded: generator.next() % 64)) }
        let list = IPAddressList(held), set = Set(held)
        for value in 0..<80 {
            let query = IPAddress(ipv4: UInt32(value))
            #expect(list.contains(query) == set.contains(query))
        }
        #expect(!IPAddressList([]).contains(Self.addresses[0]))
    }
}
