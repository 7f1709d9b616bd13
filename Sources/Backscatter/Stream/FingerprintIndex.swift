/// 64-bit fingerprints (an original's subject or body key) numbered in the order first seen: the place of
/// each in an array kept beside, as a `[UInt64: Int32]` map would give it. Open addressing, linear probing,
/// at most half full.
///
/// Not a Dictionary: the stream pass's map of campaign groups was the run's only map keyed by UInt64,
/// and its storage type, made from its mangled name at run time, had the runtime look up UInt64's
/// Hashable conformance once a run, a scan of the binary's 5,119 conformance records (~0.2M
/// instructions, bsd.mbox); each lookup also hashed the key with SipHash.
///
/// The fingerprints come from hostile mail and their hash is not secret: a key's slot is its bits mixed
/// with a seed drawn once a process (`seed`), so that nobody can choose subjects whose keys crowd one run
/// of slots and make each probe walk it (linear probing, a Dictionary's randomly seeded SipHash did not
/// allow that either). The numbering, and so every output, does not depend on the seed.
struct FingerprintIndex: Sendable {
    /// Mixed into every key's slot; drawn from the system's generator once a process.
    private static let seed = UInt64.random(in: .min ... .max)
    /// The slots: a key and its place + 1 (0: empty), `mask + 1` of them.
    private var keys: [UInt64]
    private var places: [Int32]
    private var mask: Int
    /// How many keys are held.
    private(set) var count = 0

    /// An empty index holding `capacity` keys without growing.
    init(capacity: Int = 0) {
        var slots = 16
        while slots < 2 * capacity { slots <<= 1 }
        keys = [UInt64](repeating: 0, count: slots)
        places = [Int32](repeating: 0, count: slots)
        mask = slots - 1
    }

    /// The seed, read once for the index (a static's first-use check at each probe otherwise).
    private let seed = Self.seed

    /// The first slot of `key`'s probe: the key and the seed, every bit mixed into every other (the
    /// 64-bit finaliser of MurmurHash3; a fingerprint's low bits alone may be alike).
    @inline(__always) private func home(_ key: UInt64) -> Int {
        var k = key ^ seed
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return Int(truncatingIfNeeded: k) & mask
    }

    /// `key`'s place, nil when it is not held.
    func place(of key: UInt64) -> Int32? {
        var slot = home(key)
        while places[slot] != 0 {
            if keys[slot] == key { return places[slot] - 1 }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Holds `key` (not held yet) at `place`.
    mutating func insert(_ key: UInt64, place: Int32) {
        if 2 * (count + 1) > mask + 1 { grow() }
        var slot = home(key)
        while places[slot] != 0 { slot = (slot + 1) & mask }
        keys[slot] = key
        places[slot] = place + 1
        count += 1
    }

    /// Twice the slots, every key placed again.
    private mutating func grow() {
        let (oldKeys, oldPlaces) = (keys, places)
        let slots = 2 * (mask + 1)
        keys = [UInt64](repeating: 0, count: slots)
        places = [Int32](repeating: 0, count: slots)
        mask = slots - 1
        for k in oldKeys.indices where oldPlaces[k] != 0 {
            var slot = home(oldKeys[k])
            while places[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[k]
            places[slot] = oldPlaces[k]
        }
    }
}
