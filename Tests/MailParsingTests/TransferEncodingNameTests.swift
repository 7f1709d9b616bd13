import Testing
import TestSupport
@testable import MailParsing

/// `MIMEParser.knownTransferEncoding` gives the five mechanisms as literals: for any token, it and the
/// lower-casing it spares agree (nil only where the token is none of them).
@Suite struct TransferEncodingNameTests {
    @Test func knownNamesAgreeWithLowerCasing() {
        let names = ["7bit", "8bit", "base64", "binary", "quoted-printable"]
        var tokens = names + names.map { $0.uppercased() } + ["Quoted-Printable", "BASE64", "7BIT", "", "7bi", "8bitx",
                                                             "quoted-printabl", "quoted_printable", "x-uuencode", "base46"]
        var generator = SplitMix64(seed: 2045)
        for _ in 0..<2000 {
            // A known name with bytes swapped for others of the same length, or its case flipped at random.
            var bytes = Array(names[generator.below(names.count)].utf8)
            for i in bytes.indices where generator.below(4) == 0 {
                bytes[i] = generator.below(2) == 0 ? (bytes[i] >= 97 && bytes[i] <= 122 ? bytes[i] - 32 : bytes[i]) : UInt8(33 + generator.below(94))
            }
            tokens.append(String(decoding: bytes, as: UTF8.self))
        }
        for token in tokens {
            let bytes = Array(token.utf8)[...]
            let lowered = ASCII.lowercasedString(bytes)
            if let known = MIMEParser.knownTransferEncoding(bytes) {
                #expect(known == lowered, "\(token)")
                #expect(names.contains(known), "\(token)")
            } else {
                #expect(!names.contains(lowered), "\(token)")
            }
        }
    }
}
