import Testing
import TestSupport
@testable import DeliveryStatus

/// `TextRun` (Exim's and qmail's line walks gather a record's lines as bytes) against String appends,
/// and the blocks `TextScan.blocks` joins from the text's bytes (consecutive lines read in place, lines
/// around a blank gap copied).
@Suite struct TextRunTests {
    /// Lines of generated texts (ASCII, 8-bit characters, combining marks, CR), appended as bytes with a
    /// space before or after each and taken at random places: every String taken is the one the appends
    /// to a String made.
    @Test func runsAreTheStringAppends() {
        let pieces = ["a", "Z", " ", "\t", "\r", "\u{E9}", "\u{301}", "\u{65E5}\u{672C}", "\u{1F600}", ":", "-", "\n", "\n"]
        var generator = SplitMix64(seed: 61)  // seeded: every run reads the same inputs
        for round in 0..<3_000 {
            let text = (0..<generator.below(40)).map { _ in pieces[generator.below(pieces.count)] }.joined()
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let spaceFirst = round % 2 == 0
            var expected: [String] = []
            var current = ""
            var taken: [String] = []
            // Room for every line and a byte each, as the walks allocate it.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.utf8.count + 1) { scratch in
                var run = TextRun(scratch)
                for line in lines {
                    var piece = String(line)
                    piece.withUTF8 { p in
                        if spaceFirst { run.append(UInt8(ascii: " "), then: p) } else { run.append(p, then: UInt8(ascii: " ")) }
                    }
                    current += spaceFirst ? " " + line : line + " "
                    if generator.below(4) == 0 {
                        taken.append(run.take())
                        expected.append(current)
                        current = ""
                        #expect(run.isEmpty)
                    }
                }
                taken.append(run.take())
                expected.append(current)
            }
            #expect(taken == expected, "\(text.debugDescription)")
            #expect(taken.map { Array($0.utf8) } == expected.map { Array($0.utf8) })
        }
    }

    /// A block read in place (consecutive lines, the last line of a text without an LF after it) and one
    /// joined across a blank gap, with 8-bit characters, are the lines joined with LF.
    @Test func blocksAreTheirLinesJoined() {
        let text = "Delivery failed:\n\n  caf\u{E9}@example.com\n\n  550 5.1.1 no such user \u{65E5}\u{672C}\n  (mailbox gone)\n\nbye\n"
            + "other@example.org: 550 5.1.1 unknown \u{E9}\n  second line"
        let blocks = TextScan.blocks(in: TextLines(text), excludingOwn: ("", ""))
        // No address holds an 8-bit byte (`AddressScanner`): "caf\u{E9}@" opens no block.
        #expect(blocks.map(\.key) == ["other@example.org"])
        #expect(blocks.first?.text == "other@example.org: 550 5.1.1 unknown \u{E9}\n  second line")
        let gap = "x\n  u@example.com\n\n  550 5.1.1 unknown \u{E9}\n  more\n\nnext"
        let gapBlocks = TextScan.blocks(in: TextLines(gap), excludingOwn: ("", ""))
        #expect(gapBlocks.map(\.text) == ["  u@example.com\n  550 5.1.1 unknown \u{E9}\n  more"])
        #expect(gapBlocks.first?.text.utf8.elementsEqual("  u@example.com\n  550 5.1.1 unknown \u{E9}\n  more".utf8) == true)
    }
}
