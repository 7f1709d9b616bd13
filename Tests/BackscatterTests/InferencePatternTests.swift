@testable import Backscatter
import Testing
import TestSupport

/// `ProfileInference.pattern(forShapes:domains:)` reads each place's classes as bits: the pattern it
/// makes is the one made with Sets of Characters (the definition, below), over made-up Message-ID shapes.
@Suite struct InferencePatternTests {
    /// The pattern as made with a Set of each place's Characters, compared with Set literals.
    static func bySets(_ shapes: [String: Int], domains: [String]) -> (String, Int)? {
        guard !domains.isEmpty else { return nil }
        var layouts: [String: (count: Int, members: [String])] = [:]
        for (shape, count) in shapes {
            guard let at = shape.lastIndex(of: "@"), domains.contains(String(shape[shape.index(after: at)...])) else { continue }
            let local = String(shape[..<at])
            let layout = String(local.map { "9Aax".contains($0) ? "x" : $0 })
            layouts[layout, default: (0, [])].count += count
            layouts[layout, default: (0, [])].members.append(local)
        }
        guard let (layout, value) = layouts.max(by: { $0.value.count != $1.value.count ? $0.value.count < $1.value.count : $0.key > $1.key }) else { return nil }
        var out = "^"
        let members = value.members.map(Array.init)
        for (i, c) in layout.enumerated() {
            guard c == "x" else { out += c.isLetter || c.isNumber ? String(c) : "\\" + String(c); continue }
            let classes = Set(members.compactMap { i < $0.count ? $0[i] : nil })
            out += classes == ["9"] ? "\\d+" : classes == ["A"] ? "[A-Z]+" : classes == ["a"] ? "[a-z]+"
                : classes.isSubset(of: ["9", "A"]) ? "[0-9A-Z]+" : "[A-Za-z0-9]+"
        }
        let escaped = domains.map { $0.map { $0.isLetter || $0.isNumber ? String($0) : "\\" + String($0) }.joined() }
        out += "@" + (escaped.count == 1 ? escaped[0] : "(?:" + escaped.joined(separator: "|") + ")") + "$"
        return (out, value.count)
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
