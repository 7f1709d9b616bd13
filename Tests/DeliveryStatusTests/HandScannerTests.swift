import BytePatterns
import Testing
@testable import DeliveryStatus

/// Scanners written by hand for speed must find exactly what the PCRE2 patterns they replace find.
@Suite struct HandScannerTests {
    /// `Hosts.names` as the pattern finds them: every match, left to right, at most 20, lower-cased.
    static func hostNamesByPattern(_ text: String) throws -> [String] {
        let pattern = try BytePattern(Hosts.definition)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            pattern.matches(in: raw, maxMatches: 20).map { String(decoding: bytes[$0.range], as: UTF8.self).lowercased() }
        }
    }

    static let hostTexts: [String] = [
        "", "a", "a.b", "A.B.", ".a.b", "-a.b", "x-a.b", "_a.b", "@a.b", "user@mx.example.jp", "mx1.Example.COM said: 550",
        "host mx.example.jp[192.0.2.1] said: 550 5.1.1 <kijitora@example.jp>: Recipient address rejected",
        "a..b c.-d e-.f g.h-", "(mx.example.net) [mail.example.org]; smtp.example.com:25", "ü.example.com é-x.y",
        "1.2.3.4 and 192.0.2.1.", "foo_bar.com bar.foo_com", "a.b.c.d.e.f.g.h",
        String(repeating: "a", count: 62) + ".b " + String(repeating: "c", count: 63) + ".d " + String(repeating: "e", count: 64) + ".f",
        "x." + String(repeating: "g", count: 63) + ".h x." + String(repeating: "i", count: 64) + ".j x." + String(repeating: "k", count: 130),
        String(repeating: "a.b ", count: 30),
    ]

    @Test func hostNamesAreThePatternsMatches() throws {
        for text in Self.hostTexts {
            #expect(Hosts.names(in: text) == (try Self.hostNamesByPattern(text)), "\(text.debugDescription)")
        }
    }

    /// Random texts over the bytes that matter to the pattern (labels, dots, the lookbehind's bytes,
    /// blanks, a two-byte letter), with runs long enough to cross the 63-byte label limit.
    @Test func hostNamesAreThePatternsMatchesOnRandomText() throws {
        let pieces = ["a", "Z", "7", "-", ".", "@", "_", " ", "é", "[", "mx", String(repeating: "q", count: 60), "."]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...40, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(Hosts.names(in: text) == (try Self.hostNamesByPattern(text)), "\(text.debugDescription)")
        }
    }
}
