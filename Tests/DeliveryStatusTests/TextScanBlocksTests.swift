import Testing
import TestSupport
@testable import DeliveryStatus

/// The generic scan's address blocks: where each block ends, found in one pass, and reports that name
/// one address on thousands of lines (spam's bounces) read in time linear in their length.
@Suite struct TextScanBlocksTests {
    typealias Hit = (line: Int, address: String, key: String)

    /// The definition: for each hit, the first later hit (in order) on a later line with another key.
    static func byForwardSearch(_ hits: [Hit]) -> [Int?] {
        hits.indices.map { n in hits[(n + 1)...].first { $0.line > hits[n].line && $0.key != hits[n].key }?.line }
    }

    @Test func blockEndsAreTheForwardSearches() {
        var rng = SplitMix64(seed: 23)
        for _ in 0..<3_000 {
            var line = 0
            var hits: [Hit] = []
            for _ in 0..<Int.random(in: 0...30, using: &rng) {
                line += Int.random(in: 0...2, using: &rng)   // several hits on a line, gaps between lines
                let key = "u\(Int.random(in: 1...3, using: &rng))@example.com"
                hits.append((line, key.uppercased(), key))
            }
            #expect(TextScan.linesNamingAnotherAddress(hits) == Self.byForwardSearch(hits), "\(hits.map { "\($0.line):\($0.key)" })")
        }
    }

    /// 40,000 lines naming the same address (the forward search took 27 s on such a report): every block
    /// is read, and each ends where its 20 lines do.
    @Test func oneAddressOnManyLines() {
        let lines = (0..<40_000).map { _ in Substring("<u@example.com>: host mx[192.0.2.1] said: 550 5.1.1 unknown") }
        let blocks = TextScan.blocks(in: lines, excluding: [])
        #expect(blocks.count == 40_000)
        #expect(blocks.first?.text.split(separator: "\n").count == 20)
        #expect(blocks.last?.text.split(separator: "\n").count == 1)
        #expect(blocks.allSatisfy { $0.key == "u@example.com" })
    }
}
