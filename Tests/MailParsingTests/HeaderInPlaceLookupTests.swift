@testable import MailParsing
import Testing
import TestSupport

/// The header lookups that read fields in place (`hasField`, `firstUnfoldedValue`,
/// `forEachFieldInPlace(named:)`, the subscript, `HeaderFieldInPlace.unfoldedValueString`) must answer
/// as the ones that copy each field out (`first`, `forEachField(named:)`, `valueString`), over random
/// sections: names that share lengths and first eight bytes, any case, folded values (CRLF, LF,
/// whitespace runs, a folded Received, a value folded before its first word), 8-bit bytes, repeated fields.
@Suite struct HeaderInPlaceLookupTests {
    @Test func inPlaceLookupsAgreeWithCopyingOnes() {
        var generator = SplitMix64(seed: 2_020)
        let names = ["Received", "received", "RECEIVED", "Received-SPF", "Message-ID", "message-id", "To", "tO",
                     "X-Original-To", "X-Original-Tx", "Subject", "Content-Type", "Content-Typf", "A", "Return-Path"]
        let values = ["", " plain", " two  words ", " folded\r\n  on two lines", " folded\n\tby LF", " caf\u{E9} 8-bit",
                      " \u{FF}\u{FE} junk", " trailing   ", " x\r\n y\r\n z",
                      " from a.example (a [192.0.2.1])\r\n\tby b.example with ESMTP id 42;\r\n\tTue, 1 Dec 2026 19:56:00 +0000 \r\n  ",
                      "\r\n \u{E9}t\u{E9} folded first\r\n\tcaf\u{E9}"]
        let asked = ["received", "received-spf", "message-id", "to", "x-original-to", "x-original-tx", "subject",
                     "content-type", "a", "return-path", "missing", ""]
        for _ in 0..<1_500 {
            var header = ""
            for _ in 0..<generator.below(10) { header += names[generator.below(names.count)] + ":" + values[generator.below(values.count)] + "\r\n" }
            header += "\r\nbody\r\n"
            let section = HeaderSection.parse(Array(header.utf8)[...])
            for name in asked {
                let first = section.first(name)
                #expect(section.hasField(named: name) == (first != nil), "\(name) in \(header)")
                #expect(section.firstUnfoldedValue(named: name).map { Array($0) } == first.map { Array($0.unfoldedValue) })
                #expect(section[name] == first?.valueString)
                var copied: [[UInt8]] = []
                var copiedStrings: [String] = []
                section.forEachField(named: name) {
                    copied.append(Array($0.unfoldedValue))
                    copiedStrings.append($0.valueString)
                }
                var inPlace: [[UInt8]] = []
                var appended: [[UInt8]] = []
                var strings: [String] = []
                section.forEachFieldInPlace(named: name) { field in
                    inPlace.append(Array(field.unfoldedValue))
                    strings.append(field.unfoldedValueString)
                    var out: [UInt8] = []
                    field.appendUnfoldedValue(to: &out)
                    appended.append(out)
                    return true
                }
                #expect(inPlace == copied && appended == copied, "\(name) in \(header)")
                #expect(strings == copiedStrings, "\(name) in \(header)")
            }
        }
    }
}
