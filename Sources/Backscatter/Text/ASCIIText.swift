// Helpers for the ASCII parts of Strings (addresses, ids, host names, profile values). The searches work
// on UTF-8 code units: a search by `Character` walks grapheme clusters, many times slower on the
// classifier's hot path.

extension String {
    /// The index of the last `byte` (an ASCII byte), found on the UTF-8 code units: a search by
    /// `Character` walks grapheme clusters, many times slower on addresses and ids; so does the
    /// generic `utf8.lastIndex(of:)` (~500 instructions on an address), which the contiguous bytes
    /// are searched in place of.
    /// (Not forwarded to the Substring twin: a String's UTF-8 is reached without a Slice, which
    /// measured 1.3M instructions fewer on the dev inbox.)
    func lastIndex(ofASCII byte: UInt8) -> String.Index? {
        let found: Int?? = utf8.withContiguousStorageIfAvailable { ASCIIText.lastOffset(of: byte, in: $0) }
        guard let found else { return utf8.lastIndex(of: byte) }
        return found.map { utf8.index(utf8.startIndex, offsetBy: $0) }
    }
    /// The index of the first `byte` (an ASCII byte), found on the UTF-8 code units.
    func firstIndex(ofASCII byte: UInt8) -> String.Index? { utf8.firstIndex(of: byte) }
}

extension Substring {
    /// The index of the last `byte` (an ASCII byte), found on the UTF-8 code units.
    func lastIndex(ofASCII byte: UInt8) -> String.Index? {
        let found: Int?? = utf8.withContiguousStorageIfAvailable { ASCIIText.lastOffset(of: byte, in: $0) }
        guard let found else { return utf8.lastIndex(of: byte) }
        return found.map { utf8.index(utf8.startIndex, offsetBy: $0) }
    }
}

extension String {
    /// What follows the last `byte` (an ASCII byte), stepped over as one byte (`index(after:)` would
    /// walk a whole Character, ~300 instructions, and take a combining mark after it along); nil when
    /// there is none. An address's domain: `after(lastASCII: ASCII.at)`.
    func after(lastASCII byte: UInt8) -> Substring? {
        lastIndex(ofASCII: byte).map { self[utf8.index(after: $0)...] }
    }
}

enum ASCIIText {
    /// The offset of the last `byte` in `bytes`, or nil.
    static func lastOffset(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = bytes.count
        while i > 0 {
            i -= 1
            if bytes[i] == byte { return i }
        }
        return nil
    }
}
