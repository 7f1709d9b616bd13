@testable import Backscatter
import MailParsing
import Testing
import TestSupport

/// `ObservationReader.returnPathAddress` (the bytes written lower-cased into the String) against its
/// definition by filtering, on random values of brackets, white space, case and (invalid) UTF-8.
struct ReturnPathAddressTests {
    /// Bytes the values are made of: brackets, white space, case, "@", non-ASCII letters (É, Σ, ß,
    /// a CJK ideograph) and bytes that are not valid UTF-8 on their own.
    static let pieces: [[UInt8]] = [
        Array("<".utf8), Array(">".utf8), [ASCII.space], [ASCII.tab], [ASCII.carriageReturn], [ASCII.lineFeed],
        Array("a".utf8), Array("Z".utf8), Array("@".utf8), Array("Mail.Example.ORG".utf8), Array("=".utf8),
        Array("É".utf8), Array("Σ".utf8), Array("ß".utf8), Array("中".utf8), [0xC3], [0x80], [0xFF], [0xE2, 0x82],
    ]

    @Test func matchesTheFilteringDefinition() {
        var generator = SplitMix64(seed: 2_323)
        for _ in 0..<4_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(generator.next() % 12) { bytes += Self.pieces[Int(generator.next() % UInt64(Self.pieces.count))] }
            // A slice that does not start at 0, as the header's values are.
            let padded = [UInt8(ascii: "x")] + bytes
            let value = padded[1...]
            let fast = ObservationReader.returnPathAddress(value)
            let slow = ObservationReader.returnPathAddressByFilter(value)
            #expect(Array(fast.utf8) == Array(slow.utf8), "\(bytes)")
        }
        #expect(ObservationReader.returnPathAddress(ArraySlice(" <Bounce@Example.ORG>\r\n".utf8)) == "bounce@example.org")
        #expect(ObservationReader.returnPathAddress(ArraySlice("<>".utf8)) == "")
        #expect(ObservationReader.returnPathAddress(ArraySlice("".utf8)) == "")
        #expect(ObservationReader.returnPathAddress(ArraySlice("<ÉMILE@Example.fr>".utf8)) == "émile@example.fr")
    }
}
