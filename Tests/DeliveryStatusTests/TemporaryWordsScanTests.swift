import Testing
import BytePatterns
@testable import DeliveryStatus
import TestSupport

/// `DiagnosticWords.containsTemporaryWord` (a case-less byte search) against PCRE2's scan of
/// `temporaryWords`, which it replaced in `isTemporary(_:)`: the phrases at the start, after a
/// space, after a tab or a line end, in any case, cut short, repeated, next to 8-bit bytes.
@Suite struct TemporaryWordsScanTests {
    @Test func agreesWithThePatternSet() {
        let pieces = ["temporar", "Temporarily", " TEMPORARY", "persistent", " Persistent", " PERSISTENT", "persisten", " tempora",
                      "tempora", " ", "  ", "\n", "\r\n", "\t", "4.2.2", "550", "451 ", "x", "é", "\u{212A}", "\u{17F}", " per\u{17F}istent",
                      "-temporary", "\ttemporary", " temporar", " temp", "orar", " pers", "istent", "T", "\u{FF}", "\u{80}"]
        var generator = SplitMix64(seed: 211)  // seeded: every run reads the same inputs
        var texts = ["", " ", "temporar", " temporar", " temporaR", "x temporar", " persistent", "persistent", " temporatemporar",
                     "  temporar", "é temporar", "é\u{A0}temporar", " tempo\u{301}rar"]
        for _ in 0..<6_000 {
            let count = Int.random(in: 0...8, using: &generator)
            texts.append((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for text in texts {
            #expect(DiagnosticWords.containsTemporaryWord(text) == DiagnosticWords.temporaryWords.hasMatch(in: text),
                    "\(text.debugDescription)")
        }
    }

    /// Random bytes (letters of the phrases in both cases, blanks, 8-bit bytes), decoded as UTF-8.
    @Test func agreesWithThePatternSetOverRandomBytes() {
        let alphabet = Array(" temporarTEMPORARpersistentPERSISTENT\t\r\n".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xA9, 0xFF]
        var generator = SplitMix64(seed: 223)  // seeded: every run reads the same inputs
        for _ in 0..<6_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(DiagnosticWords.containsTemporaryWord(text) == DiagnosticWords.temporaryWords.hasMatch(in: text),
                    "\(text.debugDescription)")
        }
    }
}
