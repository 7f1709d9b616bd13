import Testing
import TestSupport
@testable import DeliveryStatus

/// `TextReport.firstLine(in:from:beginningWithAnyOf:trimmingLeading:)`, the marker lines of
/// `TextReport.section` read on the lines' bytes, finds the line the Characters' `hasPrefix` found.
@Suite struct TextReportSectionTests {
    /// The line search as it was: each line a Substring, its leading blanks dropped by Characters.
    static func firstLineAsBefore(in lines: TextLines, from: Int, markers: [String], trimmingLeading: Bool) -> Int? {
        guard from < lines.endIndex else { return nil }
        return lines[from...].firstIndex { line in
            let l = trimmingLeading ? line.drop(while: { $0 == " " || $0 == "\t" }) : line
            return markers.contains { l.hasPrefix($0) }
        }
    }

    /// Lines of markers, their near misses, blanks, combining marks after a marker and after a blank,
    /// characters canonically equal to ASCII ones (U+212A KELVIN SIGN, U+037E GREEK QUESTION MARK),
    /// CRs, and markers of each kind, ASCII or not.
    @Test func markerLinesAreTheCharactersAnswer() {
        let pieces = ["Kelvin", "\u{212A}elvin", "Kel", "Delivery to", "Delivery", "De", " ", "\t", "\u{301}", "\u{308}", "x", "é",
                      "e\u{301}", "\r", ";", "\u{37E}", "Ärger", "A\u{308}rger", "日本", "--", "-- end", ""]
        let markerSets = [["Kelvin", "Delivery to"], ["Ärger"], ["A\u{308}rger", ";"], ["De", "-- end"], ["e"], ["Delivery to", "x"]]
        var generator = SplitMix64(seed: 67)  // seeded: every run reads the same inputs
        var found = 0
        for _ in 0..<1_500 {
            let text = (0..<generator.below(8)).map { _ in
                (0..<generator.below(4)).map { _ in pieces[generator.below(pieces.count)] }.joined()
            }.joined(separator: "\n")
            let lines = TextLines(text)
            let markers = markerSets[generator.below(markerSets.count)]
            for trimming in [false, true] {
                for from in Set([0, 1, lines.count / 2, lines.count]) {
                    let expected = Self.firstLineAsBefore(in: lines, from: from, markers: markers, trimmingLeading: trimming)
                    let byBytes = TextReport.firstLine(in: lines, from: from, beginningWithAnyOf: markers, trimmingLeading: trimming)
                    #expect(byBytes == expected, "\(text.debugDescription) \(markers) \(trimming) \(from)")
                    if expected != nil { found += 1 }
                }
            }
        }
        #expect(found > 1_000)
    }
}
