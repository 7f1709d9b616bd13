@testable import Backscatter
import Testing

/// Evidence sentences made in one piece (`EvidenceText`) are the concatenation of their pieces: empty,
/// small (stored inline), long, non-ASCII and literal pieces, in every position of the nine.
struct EvidenceTextTests {
    static let pieces = ["", "a", "<", "The original's Message-ID <", "20260105032415.4009812558@mx-out1.acme.example",
                         "héllo wörld ✉︎", "> is not in the format our relays write.", String(repeating: "x", count: 300),
                         "e\u{301}", "\r\n"]

    @Test func joinedIsTheConcatenation() {
        for a in Self.pieces {
            for b in Self.pieces {
                #expect(EvidenceText.joined(a, b) == a + b)
                #expect(EvidenceText.joined([a, b]) == a + b)
                for (k, c) in Self.pieces.enumerated() {
                    var nine = ["", "", "", "", "", "", ""]
                    nine[k % 7] = c
                    let expected = a + b + nine.joined()
                    #expect(EvidenceText.joined(a, b, nine[0], nine[1], nine[2], nine[3], nine[4], nine[5], nine[6]) == expected)
                    #expect(Array(EvidenceText.joined(a, b, nine[0], nine[1], nine[2], nine[3], nine[4], nine[5], nine[6]).utf8) == Array(expected.utf8))
                }
            }
        }
        #expect(EvidenceText.joined([]) == "")
        #expect(EvidenceText.joined(Self.pieces) == Self.pieces.joined())
        let substring = Self.pieces[4].dropFirst(3)
        #expect(EvidenceText.joined(String(substring), "!") == substring + "!")
    }

    /// The pieces handed over by a function (`joined(_:)` with a closure, which the array's form now
    /// calls): the concatenation, its characters and its bytes; long pieces whole.
    @Test func joinedByFunctionIsTheConcatenation() {
        for a in Self.pieces {
            for b in Self.pieces {
                let joined = EvidenceText.joined { piece in piece(a); piece(b); piece(a) }
                #expect(joined == a + b + a)
                #expect(joined.count == (a + b + a).count)
                #expect(Array(joined.utf8) == Array((a + b + a).utf8))
            }
        }
        #expect(EvidenceText.joined { _ in } == "")
        let long = String(repeating: "é", count: 3_000)
        #expect(EvidenceText.joined(long, "x") == long + "x")
        #expect(EvidenceText.joined([long, "x", long]) == long + "x" + long)
        #expect(EvidenceText.joined(long, "x").utf8.count == 6_001)
    }
}
