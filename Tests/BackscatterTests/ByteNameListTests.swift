@testable import Backscatter
import Testing
import TestSupport

/// `ByteNameList.contains` against `Set<String>.contains` of the bytes made a String, on random names
/// and queries of a few pieces (ASCII letters in both cases, digits, "+", ".", non-ASCII letters and
/// U+212A KELVIN SIGN, canonically equal to `K`): the list answers every ASCII query as the Set does,
/// and leaves every other to it.
struct ByteNameListTests {
    static let pieces = ["a", "b", "K", "k", "9", "+", ".", "al", "ice", "é", "e\u{301}", "\u{212A}", "中"]

    static func random(_ generator: inout SplitMix64, upTo count: Int) -> String {
        (0..<generator.below(count + 1)).map { _ in pieces[generator.below(pieces.count)] }.joined()
    }

    @Test func answersAsTheSetDoes() {
        var generator = SplitMix64(seed: 3_041)
        var answered = 0
        for _ in 0..<300 {
            let names = Set((0..<generator.below(8)).map { _ in Self.random(&generator, upTo: 4) })
            guard let list = ByteNameList(names) else {
                #expect(names.contains { $0.utf8.contains { $0 >= 0x80 } })
                continue
            }
            for _ in 0..<40 {
                let query = Self.random(&generator, upTo: 4)
                var bytes = query
                let answer = bytes.withUTF8 { list.contains($0) }
                if let answer {
                    answered += 1
                    #expect(answer == names.contains(query), "\(names) \(query.debugDescription)")
                } else {
                    #expect(query.utf8.contains { $0 >= 0x80 }, "\(query.debugDescription)")
                }
            }
        }
        #expect(answered > 1_000)
        // More than `maxNames` names: no list.
        #expect(ByteNameList((0...ByteNameList.maxNames).map { "n\($0)" }) == nil)
        var kelvin = "\u{212A}"
        #expect(kelvin.withUTF8 { ByteNameList(["K"])!.contains($0) } == nil)
        var empty = ""
        #expect(empty.withUTF8 { ByteNameList([""])!.contains($0) } == true)
        #expect(empty.withUTF8 { ByteNameList(["a"])!.contains($0) } == false)
    }
}
