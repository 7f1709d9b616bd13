import Testing
import TestSupport
@testable import MailParsing

/// `ASCIIText.string`, which copies ASCII bytes into a String unchecked, gives `String(decoding:as:)`'s String.
@Suite struct ASCIITextTests {
    @Test func agreesWithDecoding() {
        var generator = SplitMix64(seed: 25)
        // Lengths around the small-string limit (15 bytes) and a few longer, every ASCII byte possible.
        for length in Array(0...40) + [63, 64, 65, 200] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() & 0x7F) }
                let made = bytes.withUnsafeBufferPointer { ASCIIText.string($0) }
                let expected = String(decoding: bytes, as: UTF8.self)
                #expect(made == expected)
                #expect(Array(made.utf8) == bytes)
                #expect(made.count == length)
            }
        }
    }
}
