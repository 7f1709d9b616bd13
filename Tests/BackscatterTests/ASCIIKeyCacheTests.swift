@testable import Backscatter
import Testing
import TestSupport

/// `ASCIIKeyCache` in front of a `[String: Int32]` map, as the stream pass numbers victims and inference
/// places domains: the numbers given with the cache asked first are the numbers the map alone gives, on
/// random keys of a few pieces (ASCII letters in both cases, "@", ".", non-ASCII letters, a combining
/// mark and U+212A KELVIN SIGN, canonically equal to `K`), and every number found in it is the map's.
struct ASCIIKeyCacheTests {
    static let pieces = ["a", "b", "K", "k", "9", "@", ".", "al", "ice", "\u{E9}", "e\u{301}", "\u{301}", "\u{212A}", "\u{4E2D}"]

    static func random(_ generator: inout SplitMix64, upTo count: Int) -> String {
        (0..<generator.below(count + 1)).map { _ in pieces[generator.below(pieces.count)] }.joined()
    }

    /// The number of `key` in `map` (the next one when new), as `StreamClassifier.prepare` gives it.
    static func numbered(_ key: String, in map: inout [String: Int32]) -> Int32 {
        if let n = map[key] { return n }
        let n = Int32(map.count)
        map[key] = n
        return n
    }

    @Test func numbersAsTheMapDoes() {
        var generator = SplitMix64(seed: 34_003)
        var found = 0
        for round in 0..<40 {
            var plain: [String: Int32] = [:]
            var cached: [String: Int32] = [:]
            var cache = ASCIIKeyCache()
            // Few keys (many repeats) in some rounds, many in others (the table grows).
            let length = round % 2 == 0 ? 3 : 8
            for _ in 0..<2_000 {
                let key = Self.random(&generator, upTo: length)
                let expected = Self.numbered(key, in: &plain)
                let got: Int32
                if let hit = cache.value(for: key) {
                    found += 1
                    got = hit
                } else {
                    got = Self.numbered(key, in: &cached)
                    cache.insert(key, value: got)
                }
                #expect(got == expected, "\(key.debugDescription)")
                if key.utf8.contains(where: { $0 >= 0x80 }) { #expect(cache.value(for: key) == nil) }
            }
        }
        #expect(found > 20_000)
    }

    @Test func holdsManyKeysAndNoOthers() {
        var cache = ASCIIKeyCache()
        for i in 0..<20_000 { cache.insert("victim\(i)@example.org", value: Int32(i)) }
        #expect(cache.count > 19_000)
        var held = 0
        for i in 0..<20_000 {
            if let v = cache.value(for: "victim\(i)@example.org") {
                #expect(v == Int32(i))
                held += 1
            }
            #expect(cache.value(for: "victim\(i)@example.net") == nil)
            #expect(cache.value(for: "Victim\(i)@example.org") == nil)
        }
        #expect(held == cache.count)
        // Keys of every length up to 40 (below and above a word), the empty one included.
        var lengths = ASCIIKeyCache()
        let text = String(repeating: "abcdefghij", count: 4)
        for n in 0...40 { lengths.insert(String(text.prefix(n)), value: Int32(n)) }
        for n in 0...40 { #expect(lengths.value(for: String(text.prefix(n))) == Int32(n)) }
        #expect(lengths.value(for: "x") == nil)
        // A key put twice keeps its first value.
        lengths.insert("abc", value: 99)
        #expect(lengths.value(for: "abc") == 3)
        // Not ASCII: never held.
        var other = ASCIIKeyCache()
        other.insert("\u{212A}", value: 1)
        #expect(other.value(for: "\u{212A}") == nil)
        #expect(other.value(for: "K") == nil)
        #expect(other.count == 0)
    }

    /// `CountedNames.add` against a `[String: Int]` map counted as `StreamJudge` counted its reflectors
    /// (a new name only while the map holds fewer than the limit): the same names, counts and first
    /// spellings, on random names with canonically equal spellings among them.
    @Test func countsAsTheMapDoes() {
        var generator = SplitMix64(seed: 34_017)
        for round in 0..<30 {
            let limit = round % 3 == 0 ? 5 : 1_000
            var map: [String: Int] = [:]
            var counted = CountedNames()
            for _ in 0..<1_500 {
                let name = Self.random(&generator, upTo: round % 2 == 0 ? 2 : 5)
                let new = map[name] == nil && map.count < limit
                if map.count < limit { map[name, default: 0] += 1 } else { map[name]? += 1 }
                let added = counted.add(name, limit: limit)
                #expect((added?.isNew ?? false) == new, "\(name.debugDescription)")
                #expect(added == nil ? map[name] == nil : true)
            }
            #expect(counted.count == map.count)
            for (place, name) in counted.names.enumerated() {
                // Held as first spelled: the map's key for it is the same spelling.
                #expect(map[name] == counted.counts[place])
                #expect(map.keys.contains { $0 == name && Array($0.utf8) == Array(name.utf8) })
            }
        }
    }

    /// `add(asciiBytes:limit:)`, as inference counts Message-ID shapes and domains, mixed with `add(_:limit:)`
    /// of other names (ASCII or not): the same names, counts and places as the map counted by String.
    @Test func countsASCIIBytesAsTheMapDoes() {
        var generator = SplitMix64(seed: 34_029)
        for round in 0..<30 {
            let limit = round % 3 == 0 ? 5 : 1_000
            var map: [String: Int] = [:]
            var counted = CountedNames()
            for _ in 0..<1_500 {
                var name = Self.random(&generator, upTo: round % 2 == 0 ? 2 : 5)
                let new = map[name] == nil && map.count < limit
                if map.count < limit { map[name, default: 0] += 1 } else { map[name]? += 1 }
                let ascii = !name.utf8.contains { $0 >= 0x80 }
                let added = ascii && generator.below(3) != 0
                    ? name.withUTF8 { counted.add(asciiBytes: $0, limit: limit) }
                    : counted.add(name, limit: limit)
                #expect((added?.isNew ?? false) == new, "\(name.debugDescription)")
                #expect(added == nil ? map[name] == nil : true)
            }
            #expect(counted.count == map.count)
            for (place, name) in counted.names.enumerated() { #expect(map[name] == counted.counts[place]) }
        }
    }

    /// `number`, `add(_:at:)`, `place(of:)` and `cachedPlace(ofBytes:)`, as the stream pass numbers its
    /// victims and inference counts its domains' runs: against a map of places and an array of counts
    /// (the places the map gives, in the order first numbered; a cached place is always the map's).
    @Test func numbersAndLooksUpAsTheMapDoes() {
        var generator = SplitMix64(seed: 34_021)
        for round in 0..<30 {
            let limit = round % 3 == 0 ? 5 : 1_000
            var places: [String: Int] = [:]
            var counts: [Int] = []
            var counted = CountedNames(capacity: round % 2 == 0 ? 0 : 64)
            for _ in 0..<1_500 {
                let name = Self.random(&generator, upTo: round % 2 == 0 ? 2 : 5)
                let asked = Self.random(&generator, upTo: round % 2 == 0 ? 2 : 5)
                #expect(counted.place(of: asked) == places[asked], "\(asked.debugDescription)")
                var bytes = asked
                if let cached = bytes.withUTF8({ counted.cachedPlace(ofBytes: $0) }) {
                    #expect(cached == places[asked], "\(asked.debugDescription)")
                }
                let new = places[name] == nil && places.count < limit
                if new { places[name] = counts.count; counts.append(0) }
                let numbered = counted.number(name, limit: limit)
                #expect(numbered?.place == places[name] && (numbered?.isNew ?? false) == new, "\(name.debugDescription)")
                let runs = Int(generator.below(4))
                if let place = numbered?.place {
                    counted.add(runs, at: place)
                    counts[place] += runs
                }
            }
            #expect(counted.counts == counts)
        }
    }

    /// `CountedNames` before and after its map is made (at the first name that is not ASCII): names
    /// of ASCII pieces alone for a while, then of all pieces, asked by `number` and `place(of:)`, against
    /// a map of places. The ASCII names numbered before the map must be found after it, by canonically
    /// equal spellings too (U+212A KELVIN SIGN for `K`).
    @Test func numbersAsTheMapDoesBeforeAndAfterItsMap() {
        let asciiPieces = Self.pieces.filter { !$0.utf8.contains { $0 >= 0x80 } }
        var generator = SplitMix64(seed: 34_041)
        for round in 0..<30 {
            let limit = round % 3 == 0 ? 40 : 1_000
            var places: [String: Int] = [:]
            var counted = CountedNames(capacity: round % 2 == 0 ? 0 : 64)
            let asciiOnly = 50 + Int(generator.below(400))
            for step in 0..<1_500 {
                let pieces = step < asciiOnly ? asciiPieces : Self.pieces
                func random() -> String {
                    (0..<generator.below(6)).map { _ in pieces[generator.below(pieces.count)] }.joined()
                }
                let name = random(), asked = random()
                #expect(counted.place(of: asked) == places[asked], "\(asked.debugDescription)")
                let new = places[name] == nil && places.count < limit
                if new { places[name] = places.count }
                let numbered = counted.number(name, limit: limit)
                #expect(numbered?.place == places[name] && (numbered?.isNew ?? false) == new, "\(name.debugDescription)")
            }
            #expect(counted.count == places.count)
            #expect(counted.place(of: "\u{212A}") == places["K"])
        }
    }
}
