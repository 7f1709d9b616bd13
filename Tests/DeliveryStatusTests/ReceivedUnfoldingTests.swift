import Testing
import TestSupport
@testable import DeliveryStatus
import MailParsing

/// `BounceContext.appendUnfolded` against `HeaderField.appendUnfoldedValue`, which it replaced for
/// fields within the field limit.
@Suite struct ReceivedUnfoldingTests {
    /// Header sections of Received fields folded with LF, CRLF or CR, blanks and line ends at either
    /// end of a value, tabs, 8-bit bytes and lone CRs inside a line.
    @Test func agreesWithAppendUnfoldedValue() {
        var generator = SplitMix64(seed: 15)
        func below(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
        let words: [[UInt8]] = ["from", "by", "mx.example.org", "(qmail 1234)", ";", "with", "ESMTP", "\t", " ", "  ",
                                "\r", "\u{e9}", "[192.0.2.1]", "id", "x"].map { Array($0.utf8) }
        var fieldsSeen = 0, foldedSeen = 0
        for _ in 0..<4_000 {
            let lineEnd: [UInt8] = [[10], [13, 10], [13]][below(3)]
            var header: [UInt8] = []
            for _ in 0..<(1 + below(4)) {
                header += Array("Received:".utf8)
                for _ in 0..<below(12) {
                    if below(5) == 0 { header += lineEnd + (below(2) == 0 ? [9] : [32]) }
                    header += words[below(words.count)]
                }
                if below(4) == 0 { header += [32, 9] }
                header += lineEnd
            }
            header += Array("Subject: x".utf8) + lineEnd + lineEnd + Array("body".utf8)
            let section = HeaderSection.parse(header[...])
            #expect(!section.defects.contains(.fieldTooLong))
            for field in section.fields where field.hasName("received") {
                var expected: [UInt8] = []
                field.appendUnfoldedValue(to: &expected)
                var unfolded: [UInt8] = []
                BounceContext.appendUnfolded(field.rawValue, isFolded: field.isFolded, to: &unfolded)
                #expect(unfolded == expected, "\(Array(field.rawValue))")
                fieldsSeen += 1
                if field.isFolded { foldedSeen += 1 }
            }
        }
        #expect(fieldsSeen > 5_000 && foldedSeen > 2_000)
    }
}
