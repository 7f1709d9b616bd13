#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// A cache in front of a `[String: V]` map whose keys come back many times (the stream pass's victims,
/// inference's delivery domains): an ASCII key's bytes, looked up where they lie, give the number the
/// map gave that key, without a String hashed (SipHash) and compared for each lookup. (A lookup of a
/// victim by String cost ~600 instructions, sisimai bsd mbox x3; here ~100.)
///
/// Only a cache: a key not found (never put, not ASCII, or dropped) is asked of the map, which stays
/// the authority, then put here with the map's answer. Only ASCII keys are held: for ASCII text String
/// equality is byte equality, while other bytes can be canonically equal to an ASCII key (U+212A KELVIN
/// SIGN and `K`), and the map merges those. So a number found here is always the map's.
///
/// Hostile input: a lookup reads at most `maxProbes` slots, and a key that finds no free slot within
/// them is not held (its lookups go to the map, which resists flooding); the table stops growing at
/// `maxSlots`, the held bytes at `maxBytes`.
struct ASCIIKeyCache {
    /// At most this many slots are read for one lookup or insertion. Default: 16.
    static let maxProbes = 16
    /// The table grows to at most this many slots. Default: 2^19.
    static let maxSlots = 1 << 19
    /// At most this many bytes of keys are held. Default: 16 MiB.
    static let maxBytes = 16 << 20

    /// One slot: the key's hash, where its bytes lie in `bytes`, its length plus one (0: a free slot)
    /// and its value.
    private struct Slot {
        var hash: UInt64 = 0
        var start: UInt32 = 0
        var lengthPlusOne: UInt32 = 0
        var value: Int32 = 0
    }

    /// The held keys' bytes, one after another.
    private var bytes: [UInt8] = []
    /// A power of two of slots, or none before the first insertion.
    private var slots: [Slot] = []
    /// The slots in use.
    private(set) var count = 0

    /// An empty cache.
    init() {}

    /// The hash of `key`, and whether it is all ASCII: eight bytes a word, multiplied and folded (the
    /// last bytes as one word read from eight before the end, or byte by byte when fewer than eight).
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, isASCII: Bool) {
        let n = key.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        var any: UInt64 = 0
        if n >= 8, let base = UnsafeRawPointer(key.baseAddress) {
            var i = 0
            while i + 8 < n {
                let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                any |= w
                h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            let w = base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            any |= w
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
        } else {
            var w: UInt64 = 0
            for b in key { w = w << 8 | UInt64(b) }
            any = w
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
        }
        h ^= h >> 29
        return (h, any & ByteWord.highs == 0)
    }

    /// The value put for `key`; nil when it is not held (or not ASCII).
    func value(for key: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !slots.isEmpty else { return nil }
        let (hash, isASCII) = Self.hash(key)
        guard isASCII else { return nil }
        return value(for: key, hash: hash)
    }

    /// The value put for `key`, whose hash is `hash`; nil when it is not held.
    @inline(__always)
    private func value(for key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBufferPointer { held in
                let mask = slots.count - 1
                var i = Int(truncatingIfNeeded: hash) & mask
                for _ in 0..<Self.maxProbes {
                    let slot = slots[i]
                    if slot.lengthPlusOne == 0 { return nil }
                    if slot.hash == hash, Int(slot.lengthPlusOne) - 1 == key.count,
                       Self.equal(held, Int(slot.start), key) {
                        return slot.value
                    }
                    i = (i + 1) & mask
                }
                return nil
            }
        }
    }

    /// The value put for the String `key`; nil when it is not held (or not ASCII, or not contiguous).
    func value(for key: String) -> Int32? {
        key.utf8.withContiguousStorageIfAvailable { value(for: $0) } ?? nil
    }

    /// What `find` says of a key.
    enum Found {
        /// Held, with this value.
        case held(Int32)
        /// ASCII and not held.
        case absent
        /// Not ASCII (or not contiguous): never held.
        case notASCII
    }

    /// `value(for: key)`, telling an ASCII key not held from one that cannot be (`CountedNames`, whose
    /// map is made only for the latter).
    func find(_ key: String) -> Found {
        key.utf8.withContiguousStorageIfAvailable { key -> Found in
            let (hash, isASCII) = Self.hash(key)
            guard isASCII else { return .notASCII }
            guard !slots.isEmpty, let value = value(for: key, hash: hash) else { return .absent }
            return .held(value)
        } ?? .notASCII
    }

    /// Puts `value` for `key`, when it is ASCII, not held yet, and there is room (else nothing).
    /// - Returns: whether `key` is held now (put, or held already).
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, value: Int32) -> Bool {
        let (hash, isASCII) = Self.hash(key)
        guard isASCII, bytes.count + key.count <= Self.maxBytes else { return false }
        if slots.isEmpty {
            slots = [Slot](repeating: Slot(), count: 64)
        } else if (count + 1) * 2 > slots.count {
            guard slots.count < Self.maxSlots else { return self.value(for: key, hash: hash) != nil }
            grow()
        }
        let start = UInt32(truncatingIfNeeded: bytes.count)
        switch place(Slot(hash: hash, start: start, lengthPlusOne: UInt32(truncatingIfNeeded: key.count) + 1, value: value), key: key) {
        case .put:
            bytes.append(contentsOf: key)
            count += 1
            return true
        case .held: return true
        case .noRoom: return false
        }
    }

    /// Puts `value` for the String `key` (see `insert(_:value:)`).
    @discardableResult
    mutating func insert(_ key: String, value: Int32) -> Bool {
        var key = key
        return key.withUTF8 { insert($0, value: value) }
    }

    /// What `place` did with a slot.
    private enum Placing { case put, held, noRoom }

    /// Puts `slot` in the first free slot within `maxProbes` of its hash's, unless `key` (when given)
    /// is held already.
    private mutating func place(_ slot: Slot, key: UnsafeBufferPointer<UInt8>?) -> Placing {
        let held = bytes
        return slots.withUnsafeMutableBufferPointer { slots in
            held.withUnsafeBufferPointer { held in
                let mask = slots.count - 1
                var i = Int(truncatingIfNeeded: slot.hash) & mask
                for _ in 0..<Self.maxProbes {
                    if slots[i].lengthPlusOne == 0 {
                        slots[i] = slot
                        return .put
                    }
                    if let key, slots[i].hash == slot.hash, slots[i].lengthPlusOne == slot.lengthPlusOne,
                       Self.equal(held, Int(slots[i].start), key) {
                        return .held
                    }
                    i = (i + 1) & mask
                }
                return .noRoom
            }
        }
    }

    /// Twice the slots, every held key placed again by its hash (one that finds no free slot within
    /// `maxProbes` is dropped, its bytes left unused).
    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        count = 0
        for slot in old where slot.lengthPlusOne != 0 {
            if place(slot, key: nil) == .put { count += 1 }
        }
    }

    /// Whether `held[start ..< start + key.count]` is `key` (the caller checked the length).
    @inline(__always)
    private static func equal(_ held: UnsafeBufferPointer<UInt8>, _ start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard start >= 0, start + key.count <= held.count else { return false }
        guard let a = held.baseAddress, let b = key.baseAddress else { return key.isEmpty }
        return memcmp(a + start, b, key.count) == 0
    }
}
