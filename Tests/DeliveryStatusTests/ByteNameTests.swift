import Testing
import TestSupport
@testable import DeliveryStatus
import MailParsing

/// `OriginalLocator.isKnownName` and `TextScan.isDaemonAddress`, tested on bytes, against the String
/// tests they replaced.
@Suite struct ByteNameTests {
    static let knownNames: Set<String> = [
        "received", "from", "to", "subject", "date", "message-id", "return-path", "mime-version", "content-type",
        "x-mailer", "dkim-signature", "reply-to", "cc",
    ]

    /// A name with some letters changed in case, or one byte changed, or cut short or made longer.
    static func variant(of name: String, _ random: inout SplitMix64) -> [UInt8] {
        var bytes = Array(name.utf8).map { random.below(2) == 0 ? $0 : ($0 &- 0x61 < 26 ? $0 & ~0x20 : $0) }
        switch random.below(6) {
        case 0: bytes[random.below(bytes.count)] = random.bytes(Array("aAzZ-@.:[`{\u{7F}".utf8) + [0x40, 0x5B, 0xC3], count: 1)[0]
        case 1: bytes.removeLast()
        case 2: bytes.append(random.bytes(Array("aZ-@".utf8), count: 1)[0])
        default: break
        }
        return bytes
    }

    @Test func knownNamesAgreeWithTheLowerCasedString() {
        var random = SplitMix64(seed: 23)
        let names = Array(Self.knownNames) + ["mailer-daemon@", "postmaster@"]
        for _ in 0..<20_000 {
            let bytes = Self.variant(of: names[random.below(names.count)], &random)
            let expected = Self.knownNames.contains(String(decoding: bytes, as: UTF8.self).lowercased())
            #expect(OriginalLocator.isKnownName(bytes[...]) == expected, "\(bytes)")
        }
        // Empty, and the Kelvin sign lower-casing to "k".
        #expect(!OriginalLocator.isKnownName([][...]))
        #expect(OriginalLocator.isKnownName(Array("d\u{212A}im-signature".utf8)[...]))
        #expect(OriginalLocator.isKnownName(Array("Content-TYPE".utf8)[...]))
    }

    @Test func daemonAddressesAgreeWithTheLowerCasedString() {
        var random = SplitMix64(seed: 5)
        let starts = ["mailer-daemon@", "postmaster@", "mailer-daemon", "postmaster", "mailer@", "p@", "m@", ""]
        for _ in 0..<20_000 {
            var bytes = Self.variant(of: starts[random.below(starts.count - 1)], &random)
            if random.below(4) == 0 { bytes = [] }
            bytes += random.bytes(Array("ab.-@Mm".utf8), count: random.below(6))
            let key = String(decoding: bytes, as: UTF8.self).lowercased()
            let expected = key.hasPrefix("mailer-daemon@") || key.hasPrefix("postmaster@")
            #expect(bytes.withUnsafeBufferPointer { TextScan.isDaemonAddress($0) } == expected, "\(bytes)")
        }
    }
}
