// Helpers for the ASCII parts of Strings (addresses, ids, host names, profile values). The searches work
// on UTF-8 code units: a search by `Character` walks grapheme clusters, many times slower on the
// classifier's hot path.

extension String {
    /// The index of the last `byte` (an ASCII byte), found on the UTF-8 code units: a search by
    /// `Character` walks grapheme clusters, many times slower on addresses and ids.
    func lastIndex(ofASCII byte: UInt8) -> String.Index? { utf8.lastIndex(of: byte) }
    /// The index of the first `byte` (an ASCII byte), found on the UTF-8 code units.
    func firstIndex(ofASCII byte: UInt8) -> String.Index? { utf8.firstIndex(of: byte) }
}

extension Substring {
    /// The index of the last `byte` (an ASCII byte), found on the UTF-8 code units.
    func lastIndex(ofASCII byte: UInt8) -> String.Index? { utf8.lastIndex(of: byte) }
}
