import Testing
import TestSupport
@testable import MailParsing

/// The header scan's line-end search reads two sixteen-byte blocks a step (`HeaderSection.lineEnd`):
/// a stop (a CR or LF, or a NUL, tab or other control byte it steps over) in either block, at every
/// place of the 32 bytes, on lines long enough for several steps, gives what the line walk
/// (`parseByLineScanner`) gives: the same fields, defects (NUL and 8-bit bytes among them) and body start.
@Suite struct HeaderLineEndPairTests {
    @Test func pairedBlocksAgreeWithTheLineWalk() {
        var generator = SplitMix64(seed: 3_240)
        let letters = Array("abcdefghij-XYZ:;<>@.0123456789 ".utf8)
        let stops: [UInt8] = [ASCII.tab, 0x00, 0x01, 0x0B, 0x80, 0xE9]
        let ends = [[ASCII.lineFeed], [ASCII.carriageReturn, ASCII.lineFeed], [ASCII.carriageReturn]]
        var checked = 0
        for _ in 0..<3000 {
            let end = ends[generator.below(ends.count)]
            var value: [UInt8] = []
            for line in 0..<(1 + generator.below(5)) {
                var text = line > 0 && generator.below(4) == 0 ? [ASCII.tab]
                    : generator.bytes(Array("abcXY-".utf8), count: 1 + generator.below(12)) + Array(": ".utf8)
                // 0 to 4 steps of 32 bytes, then a stop or the end at any place of the next.
                text += generator.bytes(letters, count: 32 * generator.below(5) + generator.below(32))
                for _ in 0..<generator.below(3) where text.count > 1 {
                    text[1 + generator.below(text.count - 1)] = stops[generator.below(stops.count)]
                }
                value += text + end
            }
            if generator.below(2) == 0 { value += end }   // the blank line
            // The body just after: an 8-bit byte or NUL the second block of a pair may read.
            value += generator.bytes(letters + [0x00, 0xE9], count: generator.below(40))
            let padded = [0x78, 0x78] + value
            let input = padded[2...]
            let scanned = HeaderSection.parse(input), walked = HeaderSection.parseByLineScanner(input)
            #expect(FastPathAgreementTests.describe(scanned) == FastPathAgreementTests.describe(walked), "\(value)")
            if scanned.defects.contains(.nulBytes) || scanned.defects.contains(.eightBitBytes) { checked += 1 }
        }
        // The odd bytes were met often enough for the test to tell.
        #expect(checked > 500)
    }
}
