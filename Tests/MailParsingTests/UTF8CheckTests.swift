import Testing
import TestSupport
@testable import MailParsing

/// `UTF8Check.classify` against the standard library's validation (`String(validating:as:)`) and an
/// all-below-0x80 test.
@Suite struct UTF8CheckTests {
    /// The standard library's answer for `bytes`.
    private static func expected(_ bytes: [UInt8]) -> UTF8Class {
        if bytes.allSatisfy({ $0 < 0x80 }) { return .ascii }
        return String(validating: bytes, as: UTF8.self) == nil ? .invalid : .utf8
    }

    private static func classify(_ bytes: [UInt8]) -> UTF8Class {
        bytes.withUnsafeBufferPointer { UTF8Check.classify($0) }
    }

    /// Every one- and two-byte sequence, every lead byte with every second byte and a continuation
    /// byte (or ASCII) third and fourth, each at every offset of a word and with ASCII around it.
    @Test func exhaustiveShortSequences() {
        var sequences: [[UInt8]] = (0...255).map { [UInt8($0)] }
        for a in 0...255 {
            for b in 0...255 {
                sequences.append([UInt8(a), UInt8(b)])
                if a >= 0xE0 {
                    for c: UInt8 in [0x41, 0x80, 0xBF, 0xC0] {
                        sequences.append([UInt8(a), UInt8(b), c])
                        if a >= 0xF0 { for d: UInt8 in [0x41, 0x80, 0xBF, 0xC0] { sequences.append([UInt8(a), UInt8(b), c, d]) } }
                    }
                }
            }
        }
        var failures = 0
        for sequence in sequences {
            for before in [0, 1, 7, 8] {
                for after in [0, 9] {
                    let bytes = [UInt8](repeating: 0x61, count: before) + sequence + [UInt8](repeating: 0x62, count: after)
                    if Self.classify(bytes) != Self.expected(bytes) { failures += 1 }
                }
            }
        }
        #expect(failures == 0)
    }

    /// Random texts of ASCII runs and valid characters, some with one byte changed or cut at the end.
    @Test func randomTextsAgree() {
        let pieces = ["a", "hello world ", "\u{E9}", "\u{7FF}", "\u{800}", "\u{65E5}\u{672C}", "\u{D7FF}", "\u{E000}",
                      "\u{FFFF}", "\u{10000}", "\u{1F600}", "\u{10FFFF}", "\r\n", String(repeating: "x", count: 20)]
        var generator = SplitMix64(seed: 27)
        var failures = 0
        for round in 0..<20_000 {
            var text = ""
            for _ in 0..<generator.below(12) { text += pieces[generator.below(pieces.count)] }
            var bytes = Array(text.utf8)
            if round % 3 == 1, !bytes.isEmpty { bytes[generator.below(bytes.count)] = UInt8(truncatingIfNeeded: generator.next()) }
            if round % 3 == 2, !bytes.isEmpty { bytes.removeLast(1 + generator.below(min(3, bytes.count))) }
            if Self.classify(bytes) != Self.expected(bytes) { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func edges() {
        #expect(Self.classify([]) == .ascii)
        #expect(Self.classify(Array("plain text that is longer than a word".utf8)) == .ascii)
        #expect(Self.classify([0xED, 0xA0, 0x80]) == .invalid)        // a surrogate
        #expect(Self.classify([0xE0, 0x9F, 0xBF]) == .invalid)        // overlong
        #expect(Self.classify([0xF4, 0x90, 0x80, 0x80]) == .invalid)  // above U+10FFFF
        #expect(Self.classify([0xC0, 0x80]) == .invalid)
        #expect(Self.classify([0xEF, 0xBB, 0xBF]) == .utf8)
        #expect(Self.classify(Array("abcdefg\u{E9}".utf8)) == .utf8)   // a sequence across a word's end
    }
}
