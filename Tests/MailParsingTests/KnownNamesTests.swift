import Testing
import TestSupport
@testable import MailParsing

/// `KnownNames`: the two-word lookup of the common MIME names agrees with comparing the bytes one by one.
@Suite struct KnownNamesTests {
    static let names = ["text", "html", "plain", "mixed", "report", "rfc822", "message", "related", "multipart",
                        "alternative", "application", "rfc822-headers", "delivery-status", "a", "ab", "abc",
                        "sixteen-bytes-xx", "seventeen-bytes-x"]

    /// The name the bytes spell ASCII-case-insensitively, by bytes.
    static func bytewise(_ bytes: [UInt8]) -> String? {
        names.first { name in
            let expected = Array(name.utf8)
            return expected.count == bytes.count && expected.count <= 16
                && zip(bytes, expected).allSatisfy { ASCII.lowercased($0) == $1 }
        }
    }

    @Test func matchAgreesWithTheBytewiseComparison() {
        let known = KnownNames(Self.names)
        var generator = SplitMix64(seed: 21)
        var inputs: [[UInt8]] = [[], Array("TEXT".utf8), Array("Delivery-Status".utf8), Array("seventeen-bytes-x".utf8),
                                 Array("SIXTEEN-BYTES-XX".utf8), Array("texT ".utf8), [0x74, 0x65, 0x78, 0x00]]
        for _ in 0..<20000 {
            var name = Array(Self.names[generator.below(Self.names.count)].utf8)
            // Random case, and sometimes one byte changed (to a byte of any value) or one added.
            for i in name.indices where generator.below(2) == 0 { name[i] = name[i] >= 0x61 && name[i] <= 0x7A ? name[i] - 0x20 : name[i] }
            if generator.below(3) == 0, !name.isEmpty { name[generator.below(name.count)] = UInt8(generator.below(256)) }
            if generator.below(8) == 0 { name.append(UInt8(generator.below(256))) }
            inputs.append(name)
        }
        for input in inputs {
            // An offset slice of a longer buffer: nothing outside the slice may count.
            let padded = [0x74, 0x74] + input + [0x74, 0x74, 0x74, 0x74, 0x74, 0x74, 0x74, 0x74]
            let slice = padded[2..<(2 + input.count)]
            #expect(known.match(slice) == Self.bytewise(input), "\(input)")
            #expect(ContentType.lowercasedName(slice) == ASCII.lowercasedString(slice), "\(input)")
        }
    }
}
