import Testing
import TestSupport
@testable import MailParsing

/// `UncheckedUTF8`, which copies bytes known to be valid UTF-8 into a String unchecked, gives
/// `String(decoding:as:)`'s String.
@Suite struct UncheckedUTF8Tests {
    @Test func asciiAgreesWithDecoding() {
        var generator = SplitMix64(seed: 25)
        // Lengths around the small-string limit (15 bytes) and a few longer, every ASCII byte possible.
        for length in Array(0...40) + [63, 64, 65, 200] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() & 0x7F) }
                let made = bytes.withUnsafeBufferPointer { UncheckedUTF8.asciiString($0) }
                let expected = String(decoding: bytes, as: UTF8.self)
                #expect(made == expected)
                #expect(Array(made.utf8) == bytes)
                #expect(made.count == length)
            }
        }
    }

    /// Valid UTF-8 that is not ASCII (`isASCII: false`), and ASCII said not to be: the same Strings.
    @Test func validUTF8AgreesWithDecoding() {
        let pieces = ["a", " ", "\u{E9}", "\u{65E5}", "\u{1F600}", "e\u{301}", "\r\n", String(repeating: "x", count: 20)]
        var generator = SplitMix64(seed: 26)
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<generator.below(10) { text += pieces[generator.below(pieces.count)] }
            let bytes = Array(text.utf8)
            let made = bytes.withUnsafeBufferPointer { UncheckedUTF8.string($0, isASCII: false) }
            #expect(made == text)
            #expect(Array(made.utf8) == bytes)
            #expect(made.count == text.count)
        }
    }
}
