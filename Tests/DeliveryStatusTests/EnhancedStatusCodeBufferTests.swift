import Testing
import TestSupport
@testable import DeliveryStatus

/// `EnhancedStatusCode(tokenBytes:)`, the code read in place, against `init(token:)` of an ArraySlice.
@Suite struct EnhancedStatusCodeBufferTests {
    /// Generated tokens of digits, dots, the separators trimmed at either end and other bytes, every
    /// part length to four digits (one past the three allowed), and fixed edge cases.
    @Test func tokenBytesIsTokenOfSlice() {
        let pieces = ["0", "1", "2", "4", "5", "9", "10", "99", "999", "1000", ".", ".", ",", ")", "(", "#", " ", "\t", "x", "é", "5.1.1", "4.", "2.0.0"]
        var generator = SplitMix64(seed: 327)  // seeded: every run reads the same inputs
        var tokens = ["", "5", "5.", "5.1", "5.1.", "5.1.1", "#5.1.1", "(5.7.1)", "5.1.10,", "5.1.1000", "6.1.1", "55.1.1", "5..1",
                      " \t#(5.0.0). ,", "5.1.1x", "5.1.1 x", "4.999.999", "2.0.0)))"]
        for _ in 0..<20_000 {
            tokens.append((0..<Int.random(in: 1...7, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        var codes = 0
        for token in tokens {
            let bytes = Array(token.utf8)
            let expected = EnhancedStatusCode(token: bytes[...])
            let read = bytes.withUnsafeBufferPointer { EnhancedStatusCode(tokenBytes: $0) }
            #expect(read == expected, "\(token.debugDescription)")
            if expected != nil { codes += 1 }
        }
        #expect(codes > 500)
    }
}
