@testable import Backscatter
import Testing

/// `FingerprintIndex` numbers keys as the `[UInt64: Int32]` map it replaced in `StreamClassifier.prepare`
/// would: every key held is found at the place given, every other key is not, through the index's growth
/// from its smallest size, on random keys and on keys alike in their low or high bits (a fingerprint's
/// bits need not be spread).
struct FingerprintIndexTests {
    /// Inserts each new key of `keys` (its place the count so far, as `prepare` numbers its groups) and
    /// checks every answer against a Dictionary.
    static func check(_ keys: [UInt64], capacity: Int) {
        var index = FingerprintIndex(capacity: capacity)
        var map: [UInt64: Int32] = [:]
        for key in keys {
            #expect(index.place(of: key) == map[key], "before inserting \(key)")
            if map[key] == nil {
                let place = Int32(map.count)
                index.insert(key, place: place)
                map[key] = place
            }
            #expect(index.count == map.count)
        }
        for (key, place) in map { #expect(index.place(of: key) == place, "\(key)") }
        for key in keys where map[key &+ 1] == nil { #expect(index.place(of: key &+ 1) == nil) }
    }

    @Test(arguments: [0, 3, 1024])
    func randomKeysAreNumberedAsByAMap(capacity: Int) {
        var generator = SystemRandomNumberGenerator()
        let distinct = (0..<3000).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
        // Repeats, as a campaign's members share their original's key.
        let keys = (0..<6000).map { distinct[($0 * 7919) % (1 + $0 % distinct.count)] }
        Self.check(keys, capacity: capacity)
    }

    @Test func alikeKeysAreNumberedAsByAMap() {
        let lowBitsAlike = (0..<2000).map { UInt64($0) << 40 }
        let highBitsAlike = (0..<2000).map { UInt64($0) }
        let zeroAndMax: [UInt64] = [0, .max, 0, .max - 1, 1]
        Self.check(lowBitsAlike + highBitsAlike + zeroAndMax + lowBitsAlike, capacity: 0)
    }
}
