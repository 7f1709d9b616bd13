import Testing
@testable import DeliveryStatus
import TestSupport

/// `ScreenedText` must answer as `String.contains` and the table loops it replaced in Exim and qmail.
@Suite struct ScreenedPhrasesTests {
    static let texts: [String] = [
        "", "a", "550 5.1.1 Unrouteable address", "Sorry, no mailbox here by that name. (#5.1.1)", "Unable to",
        "LMTP error after RCPT", "Too many \"Received\" headers", "mailbox is full: retry timeout exceeded",
        "Ärger: Mailbox voll", "配信できませんでした user not found", "\u{0C}\u{0A}\u{2C}", "Delay reason: x",
    ]

    @Test func containsIsStringContains() {
        let phrases = Self.texts + ["user not found", "mailbox is full", "Unable to", "\"", ",", "\u{0C}", "L", "ä", "配信", "retry timeout exceeded"]
        for text in Self.texts {
            let screened = ScreenedText(text)
            for phrase in phrases {
                #expect(screened.firstMeaning(in: ScreenedTable([(1, [phrase])])) == (text.contains(phrase) ? 1 : nil),
                        "\(text.debugDescription) / \(phrase.debugDescription)")
            }
        }
    }

    /// Random texts over an alphabet where bytes 64 apart (which share a bit) meet: the screen may only
    /// ever let a search through, never answer yes or hide a match.
    @Test func randomTextsAgreeWithTheTableLoop() {
        var generator = SplitMix64(seed: 24)
        let alphabet = Array("aAbB!\u{01}Ll,.n0p :\"".utf8)
        let table: [(Int, [String])] = (0..<6).map { row in
            (row, (0..<3).map { _ in String(decoding: generator.bytes(alphabet, count: 1 + generator.below(3)), as: UTF8.self) })
        }
        let screenedTable = ScreenedTable(table)
        for _ in 0..<400 {
            let text = String(decoding: generator.bytes(alphabet, count: generator.below(24)), as: UTF8.self)
            var expected: Int?
            for (row, phrases) in table where phrases.contains(where: { text.contains($0) }) { expected = row; break }
            #expect(ScreenedText(text).firstMeaning(in: screenedTable) == expected, "\(text.debugDescription)")
        }
    }
}

/// `EximRecognizer.hasEximMessageID` against the reading it replaced (the first `-` at 8 and the first
/// `@` at 18 by `firstIndex(of:)`), on random ids dense in the bytes it tests.
@Suite struct EximMessageIDTests {
    static func reference(_ id: String) -> Bool {
        let u = Array(id.utf8)
        var start = 0, end = u.count
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        while start < end, blank(u[start]) { start += 1 }
        while end > start, blank(u[end - 1]) { end -= 1 }
        let t = Array(u[start..<end])
        guard t.count > 19, t[0] == UInt8(ascii: "<") else { return false }
        return t.firstIndex(of: UInt8(ascii: "-")) == 8 && t.firstIndex(of: UInt8(ascii: "@")) == 18
    }

    @Test func matchesTheFirstIndexReading() {
        var generator = SplitMix64(seed: 28)
        var ids = ["<E1aBcDe-2FgHiJ-3K@mail.example>", " <E1aBcDe-2FgHiJ-3K@x.y>\r\n", "<E1aBcDe-2FgHiJ-3K@>", "", "<"]
        for _ in 0..<20_000 {
            // Mostly an id of the shape, a byte or two replaced by one of the bytes tested.
            var bytes = Array("<E1aBcDe-2FgHiJ-3K@host.example>".utf8)
            for _ in 0..<generator.below(3) { bytes[generator.below(bytes.count)] = Array("<-@ a\t".utf8)[generator.below(6)] }
            bytes = Array(bytes.prefix(generator.below(4) == 0 ? generator.below(bytes.count + 1) : bytes.count))
            ids.append(String(decoding: bytes, as: UTF8.self))
        }
        for id in ids { #expect(EximRecognizer.hasEximMessageID(id) == Self.reference(id), "\(id.debugDescription)") }
    }
}
