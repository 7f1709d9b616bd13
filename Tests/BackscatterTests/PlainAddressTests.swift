@testable import Backscatter
import Testing
import TestSupport

/// `ObservationReader.plainAddress` and the envelope evidence ask the BATV and SRS parsers only about
/// an address with an "=" (`mayHoldTag`): neither parser takes an address without one, here over
/// thousands of made-up addresses in the tags' own pieces, and the plain address is the one both
/// parsers give.
struct PlainAddressTests {
    static let pieces = ["prvs", "PRVS", "srs0", "SRS1", "srs", "+", "-", "/", "@", "@", ".", "<", ">", " ", "0123456789",
                         "12", "ab", "hhhh", "tt", "example.org", "forwarder.example", "alice", "é", "=",
                         "prvs=1234567890=", "SRS0=hhhh=tt=example.org=", "srs1=hhhh=forwarder.example==hhhh=tt=example.org="]

    @Test func tagsNeedAnEqualsSign() {
        var generator = SplitMix64(seed: 2_203)
        var tagged = 0
        for _ in 0..<6_000 {
            let address = HostShapeTests.randomText(&generator, pieces: Self.pieces, upTo: 14)
            let lower = address.lowercased()
            let byParsers: String = {
                if let batv = BATVAddress(parsing: lower) { return batv.originalAddress }
                if let srs = SRSAddress(parsing: lower) { return srs.originalAddress.lowercased() }
                return lower
            }()
            if !ObservationReader.mayHoldTag(address) {
                #expect(BATVAddress(parsing: address) == nil && SRSAddress(parsing: address) == nil, "\(address)")
            } else if byParsers != lower {
                tagged += 1
            }
            #expect(ObservationReader.plainAddress(address) == byParsers, "\(address)")
        }
        #expect(ObservationReader.plainAddress("prvs=1234567890=alice@example.org") == "alice@example.org")
        #expect(ObservationReader.plainAddress("SRS0=HHHH=TT=example.org=Alice@forwarder.example") == "alice@example.org")
        #expect(tagged > 0)
    }

    /// `mayHoldTag`'s word-at-a-time test is `contains("=")` at every length and place (the last,
    /// overlapping word included), for Strings small and large.
    @Test func equalsSignFoundWordAtATime() {
        var generator = SplitMix64(seed: 3_301)
        for length in 0...40 {
            let plain = String(repeating: "a", count: length)
            #expect(!ObservationReader.mayHoldTag(plain))
            for place in 0..<length {
                var bytes = Array(plain.utf8)
                bytes[place] = UInt8(ascii: "=")
                #expect(ObservationReader.mayHoldTag(String(decoding: bytes, as: UTF8.self)), "\(length) \(place)")
            }
        }
        for _ in 0..<2_000 {
            let address = HostShapeTests.randomText(&generator, pieces: Self.pieces, upTo: 14)
            #expect(ObservationReader.mayHoldTag(address) == address.utf8.contains(UInt8(ascii: "=")), "\(address)")
        }
    }
}
