import Testing
import TestSupport
import MailParsing

/// `HeaderField.appendUnfoldedValue`, which appends a folded value's runs between line ends straight
/// into the report's Received buffer (`BounceContext`), against `HeaderField.unfoldedValue`; within the
/// field limit and cut at a limit inside the value.
@Suite struct ReceivedUnfoldingTests {
    /// Header sections of Received fields folded with LF, CRLF or CR, blanks and line ends at either
    /// end of a value, tabs, 8-bit bytes and lone CRs inside a line.
    @Test func appendedRunsAgreeWithUnfoldedValue() {
        var generator = SplitMix64(seed: 15)
        let words: [[UInt8]] = ["from", "by", "mx.example.org", "(qmail 1234)", ";", "with", "ESMTP", "\t", " ", "  ",
                                "\r", "\u{e9}", "[192.0.2.1]", "id", "x"].map { Array($0.utf8) }
        var fieldsSeen = 0, foldedSeen = 0
        for _ in 0..<4_000 {
            let lineEnd: [UInt8] = [[10], [13, 10], [13]][generator.below(3)]
            var header: [UInt8] = []
            for _ in 0..<(1 + generator.below(4)) {
                header += Array("Received:".utf8)
                for _ in 0..<generator.below(12) {
                    if generator.below(5) == 0 { header += lineEnd + (generator.below(2) == 0 ? [9] : [32]) }
                    header += words[generator.below(words.count)]
                }
                if generator.below(4) == 0 { header += [32, 9] }
                header += lineEnd
            }
            header += Array("Subject: x".utf8) + lineEnd + lineEnd + Array("body".utf8)
            let section = HeaderSection.parse(header[...])
            #expect(!section.defects.contains(.fieldTooLong))
            for field in section.fields where field.hasName("received") {
                let expected = Array(field.unfoldedValue)
                var unfolded: [UInt8] = [0x41]  // appended after what is there
                field.appendUnfoldedValue(to: &unfolded)
                #expect(unfolded == [0x41] + expected, "\(Array(field.rawValue))")
                // The same field cut at a limit anywhere in it (`ParsingLimits.maxFieldBytes`).
                let cut = HeaderField(name: field.name, rawValue: field.rawValue, offset: field.offset,
                                      isFolded: field.isFolded, maxUnfoldedBytes: generator.below(field.rawValue.count + 2))
                var cutUnfolded: [UInt8] = []
                cut.appendUnfoldedValue(to: &cutUnfolded)
                #expect(cutUnfolded == Array(cut.unfoldedValue), "\(Array(field.rawValue)) cut")
                fieldsSeen += 1
                if field.isFolded { foldedSeen += 1 }
            }
        }
        #expect(fieldsSeen > 5_000 && foldedSeen > 2_000)
    }
}
