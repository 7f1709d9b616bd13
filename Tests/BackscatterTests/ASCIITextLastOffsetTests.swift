@testable import Backscatter
import MailParsing
import Testing
import TestSupport

/// `ASCIIText.lastOffset(of:in:)` reads eight bytes a word from the end: its answer is the byte loop's
/// wherever the byte falls against the words (lengths 0 to 40, none, one or many matches, the byte's
/// neighbours 0x00, 0xFF and bytes one bit away from it).
struct ASCIITextLastOffsetTests {
    @Test func wordSearchIsTheByteLoop() {
        var generator = SplitMix64(seed: 2_011)
        for byte: UInt8 in [ASCII.at, ASCII.dot, 0x00, 0x7F] {
            let others: [UInt8] = [0x00, 0xFF, byte ^ 0x01, byte ^ 0x80, byte &+ 1, UInt8(ascii: "a"), 0x20]
            for _ in 0..<3_000 {
                let count = generator.below(41)
                var bytes = (0..<count).map { _ in others[generator.below(others.count)] }
                for _ in 0..<generator.below(3) where count > 0 { bytes[generator.below(count)] = byte }
                let expected = bytes.lastIndex(of: byte)
                let found = bytes.withUnsafeBufferPointer { ASCIIText.lastOffset(of: byte, in: $0) }
                #expect(found == expected, "\(bytes) \(byte)")
            }
        }
    }
}
