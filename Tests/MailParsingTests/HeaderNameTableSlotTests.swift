import Testing
@testable import MailParsing
import TestSupport

/// The table walk (`HeaderSection.forEachField(in:_:)`, names found by their slots) held to one walk
/// by name for each of the table's names.
@Suite struct HeaderNameTableSlotTests {
    /// Random sections and tables of up to 64 names (names sharing their first eight bytes, of one
    /// length or not, the same name twice, the empty name): for each name, the first field of a
    /// `firstOf` name and every field of an `allOf` name, in the section's order, as `forEachField(named:)`
    /// finds them.
    @Test func agreesWithOneWalkByNameEach() {
        var generator = SplitMix64(seed: 64)
        let pool = ["to", "t", "from", "date", "message-id", "message-ix", "message-identifier", "received",
                    "reply-to", "x-a", "x-b", "content-type", "content-transfer-encoding", "cc", "subject", ""]
        for round in 0..<1_500 {
            var lines: [String] = []
            for f in 0..<generator.below(14) {
                var name = pool[generator.below(pool.count - 1)]
                if generator.below(3) == 0 { name = name.uppercased() }
                lines.append("\(name): v\(f)" + (generator.below(5) == 0 ? "\n\tmore" : ""))
            }
            let section = HeaderSection.parse(Array((lines.joined(separator: "\n") + "\n\nbody").utf8)[...])
            let names = (0..<(round == 0 ? 64 : 1 + generator.below(12))).map { _ in pool[generator.below(pool.count)] }
            let firstCount = generator.below(names.count + 1)
            let table = HeaderNameTable(firstOf: Array(names[..<firstCount]), allOf: Array(names[firstCount...]))
            var walked: [String] = []
            section.forEachField(in: table) { k, field in walked.append("\(k):\(field.offset)") }
            var expected: [(Int, Int)] = []
            for (k, name) in names.enumerated() where !name.isEmpty {
                var offsets: [Int] = []
                section.forEachField(named: name) { offsets.append($0.offset) }
                for offset in (k < firstCount ? Array(offsets.prefix(1)) : offsets) { expected.append((offset, k)) }
            }
            // The section's order, and the table's within one field.
            let ordered = expected.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { "\($0.1):\($0.0)" }
            #expect(walked == ordered, "round \(round): \(names) \(lines)")
        }
    }
}
