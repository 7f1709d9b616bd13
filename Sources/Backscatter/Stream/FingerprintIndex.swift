/// 64-bit fingerprints (an original's subject or body key) numbered in the order first seen: the place of
/// each in an array kept beside, as a `[UInt64: Int32]` map would give it. Open addressing, linear probing,
/// at most half full.
///
/// Not a Dictionary: the stream pass's map of campaign groups was the run's only map keyed by UInt64,
/// and its storage type, made from its mangled name at run time, had the runtime look up UInt64's
/// Hashable conformance once a run, a scan of the binary's 5,119 conformance records (~0.2M
/// instructions, bsd.mbox); each lookup also hashed the key with SipHash.
struct FingerprintIndex: Sendable {
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

    /// The first slot of `key`'s probe: its bits mixed (a fingerprint's low bits alone may be alike).
    @inline(__always) private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
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
