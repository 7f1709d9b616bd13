import MailParsing

/// A hash index of byte strings kept as ranges of one buffer, hashed and compared with ASCII letters
/// folded to lower case: a sent log's Message-IDs and recipients, read where they are in the log's
/// bytes, without a String (and a hash of it) for each. A log of a million lines holds a million ids
/// and about as many addresses.
///
/// Open addressing, linear probing, a power-of-two table at most half full; FNV-1a over the folded
/// bytes. The keys come from the site's own log: mail only ever looks keys up, it never adds any, so
/// it cannot crowd the table.
struct FoldedByteIndex: Sendable, Hashable {
    /// Each entry's key, as a range of the buffer the index was built over.
    private(set) var keys: [Range<Int>] = []
    /// Entry number + 1 at the slot its hash picks, or the next free one; 0 is a free slot.
    private var table: [Int32] = []

    /// The number of entries (distinct keys).
    var count: Int { keys.count }

    /// The entry whose key equals `key` with ASCII case folded, or nil.
    /// - Parameter buffer: the buffer the keys are ranges of.
    func find(_ key: UnsafeBufferPointer<UInt8>, in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        probe(key, hash: Self.hash(key), in: buffer).entry
    }

    /// Adds `range` of `buffer` as a key: a new entry, or the entry of an equal key already there.
    mutating func insert(_ range: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) -> (entry: Int, inserted: Bool) {
        let key = UnsafeBufferPointer(rebasing: buffer[range])
        let hash = Self.hash(key)
        if (keys.count + 1) * 2 > table.count { grow(in: buffer) }
        let (found, free) = probe(key, hash: hash, in: buffer)
        if let found { return (found, false) }
        keys.append(range)
        table[free] = Int32(truncatingIfNeeded: keys.count)
        return (keys.count - 1, true)
    }

    /// The entry of `key` if there, and the free slot its probe ended at.
    private func probe(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, in buffer: UnsafeBufferPointer<UInt8>) -> (entry: Int?, free: Int) {
        guard !table.isEmpty else { return (nil, 0) }
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while table[slot] != 0 {
            let entry = Int(table[slot] - 1)
            if Self.equalFolded(UnsafeBufferPointer(rebasing: buffer[keys[entry]]), key) { return (entry, slot) }
            slot = (slot + 1) & mask
        }
        return (nil, slot)
    }

    /// Makes room for at least `count` entries without growing.
    mutating func reserveCapacity(_ count: Int) {
        guard count * 2 > table.count, keys.isEmpty else { return }
        keys.reserveCapacity(count)
        table = [Int32](repeating: 0, count: Self.tableSize(for: count))
    }

    private mutating func grow(in buffer: UnsafeBufferPointer<UInt8>) {
        table = [Int32](repeating: 0, count: Self.tableSize(for: max(8, keys.count * 2)))
        for entry in keys.indices { place(entry, in: buffer) }
    }

    private mutating func place(_ entry: Int, in buffer: UnsafeBufferPointer<UInt8>) {
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(UnsafeBufferPointer(rebasing: buffer[keys[entry]]))) & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = Int32(truncatingIfNeeded: entry + 1)
    }

    /// A power of two at least twice `count`.
    private static func tableSize(for count: Int) -> Int {
        var size = 16
        while size < count * 2 { size <<= 1 }
        return size
    }

    /// A 64-bit hash of the bytes with ASCII letters folded to lower case: eight bytes at a time (each
    /// word's letters folded at once), mixed by a multiply and a shift; the tail byte by byte.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        var i = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= bytes.count {
                h = (h ^ ByteWord.lowercased(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 29
                i += 8
            }
        }
        while i < bytes.count {
            h = (h ^ UInt64(ASCII.lowercased(bytes[i]))) &* 0x100_0000_01b3
            i += 1
        }
        return h
    }

    static func equalFolded(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where ASCII.lowercased(a[i]) != ASCII.lowercased(b[i]) { return false }
        return true
    }
}
