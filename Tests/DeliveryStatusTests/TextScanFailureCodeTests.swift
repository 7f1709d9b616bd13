import Testing
import TestSupport
@testable import DeliveryStatus
import BytePatterns

/// `TextScan.hasFailureCode(_:)` against the pattern set it replaced (`TextScan.failureCodes`).
@Suite struct TextScanFailureCodeTests {
    /// Texts of digits, dots, code-like runs, letters, `_`, blanks, line ends (LF, CR, CRLF, a final
    /// LF) and 8-bit bytes, so that codes sit at the start, the end, before a final LF and inside words.
    @Test func agreesWithThePatternSet() {
        let pieces = ["2", "4", "5", "3", "0", "9", ".", "..", "5.1.1", "4.7.0", "2.0.0", "5.1.10", "5.1.100", "5.1.1000",
                      "5.10.1", "5.1000.1", "550", "421", "4000", "250", "55", " ", "-", "\n", "\r", "\r\n", "\t", "a", "Z",
                      "_", "#", "(", ")", ":", "x550", "550x", "5.1.1a", "ü", "\u{FF}", "\u{212A}", "smtp", "said:"]
        expectAgreement(joining: pieces, seed: 3463, texts: 60_000, maxPieces: 8, minMatched: 10_000)
    }

    /// Longer texts (read sixteen bytes at a time, the last block overlapping the one before), mostly
    /// letters, with codes and digits at every offset from the start and the end.
    @Test func agreesOnLongTexts() {
        let pieces = ["mailbox ", "unknown", " user", "a", "Z", "_", ".", " ", "\n", "-", "5.1.1", "550", "550 ", "4.7.0", "421-",
                      "3", "6", "7", "0", "1", "8", "9", "2", "4", "5", "1550 ", "x550", "5.1.1000", "ü", "\u{FF}", "2026-12-01"]
        expectAgreement(joining: pieces, seed: 8081, texts: 20_000, maxPieces: 24, minMatched: 2_000)
    }

    /// `texts` texts of up to `maxPieces` of `pieces` drawn by a generator seeded with `seed` (every run
    /// reads the same inputs): `hasFailureCode` answers each as the pattern set does, and at least
    /// `minMatched` of them match (so the draw exercises both answers).
    private func expectAgreement(joining pieces: [String], seed: UInt64, texts: Int, maxPieces: Int, minMatched: Int) {
        var generator = SplitMix64(seed: seed)
        var matched = 0
        for _ in 0..<texts {
            let text = (0..<Int.random(in: 0...maxPieces, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let expected = TextScan.failureCodes.hasMatch(in: text)
            #expect(TextScan.hasFailureCode(text) == expected, "\(text.debugDescription)")
            if expected { matched += 1 }
        }
        #expect(matched > minMatched)
    }

    /// The edges of each alternative, one by one.
    @Test func edges() {
        for text in ["", "5", "55", "550", "550\n", "550\n\n", "550\r\n", "550 ", "550-", "550x", "x550 ", ".550 ", "1550 ",
                     "a550 ", "_550 ", "(550)", "5.1.1", "5.1.1\n", "a5.1.1", "_5.1.1", "5.1.1_", "5.1.1.", "5.1.", "5..1",
                     "3.1.1", "5.1.1234", "5.1234.1", ".5.1.1", "x 4.4.7 y", "250 ok", "450 ", "4.50"] {
            #expect(TextScan.hasFailureCode(text) == TextScan.failureCodes.hasMatch(in: text), "\(text.debugDescription)")
        }
    }
}
