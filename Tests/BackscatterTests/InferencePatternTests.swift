@testable import Backscatter
import Testing
import TestSupport

/// `ProfileInference.pattern(forShapes:domains:)` reads each place's classes as bits: the pattern it
/// makes is the one made with Sets of Characters (the definition, below), over made-up Message-ID shapes.
@Suite struct InferencePatternTests {
    /// The pattern as made with a Set of each place's Characters, compared with Set literals, over the
    /// same commonest layout (`commonestLayout`) and domains (`domainPattern`).
    static func bySets(_ shapes: [String: Int], domains: [String]) -> (String, Int)? {
        guard let (layout, count, members) = ProfileInference.commonestLayout(forShapes: shapes, domains: domains) else { return nil }
        var out = "^"
        for (i, c) in layout.enumerated() {
            guard c == "x" else { out += c.isLetter || c.isNumber ? String(c) : "\\" + String(c); continue }
            let classes = Set(members.compactMap { i < $0.count ? $0[i] : nil })
            out += classes == ["9"] ? "\\d+" : classes == ["A"] ? "[A-Z]+" : classes == ["a"] ? "[a-z]+"
                : classes.isSubset(of: ["9", "A"]) ? "[0-9A-Z]+" : "[A-Za-z0-9]+"
        }
        return (out + ProfileInference.domainPattern(domains), count)
    }

    @Test func sameAsBySets() {
        var generator = SplitMix64(seed: 3_119)
        let pieces = ["9", "A", "a", "x", ".", "-", "$", "9", "A", "a"]
        let domains = ["ex.org", "mail.ex.org"]
        for _ in 0..<500 {
            var shapes: [String: Int] = [:]
            // Shapes of one or two layouts (x and . places), so that members share places.
            let layoutLength = Int.random(in: 1...5, using: &generator)
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                let local = (0..<layoutLength).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
                let domain = domains[Int.random(in: 0..<domains.count, using: &generator)]
                shapes[local + "@" + domain, default: 0] += Int.random(in: 1...3, using: &generator)
            }
            let made = ProfileInference.pattern(forShapes: shapes, domains: domains), expected = Self.bySets(shapes, domains: domains)
            #expect(made?.0 == expected?.0 && made?.1 == expected?.1, "\(shapes)")
        }
    }
}
