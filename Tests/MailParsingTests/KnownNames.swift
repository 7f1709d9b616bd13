@testable import MailParsing

/// The tests' reference for `ContentType.commonName` and `HeaderParameters.commonName` (which replaced it
/// in the library: a switch on the length, not a loop over a table): a short list of lower-case ASCII
/// names (MIME types and subtypes, parameter names), each recognised in
/// bytes of any case by two words: the bytes' first eight and next eight, lower-cased
/// (`HeaderField.nameKey(lowercasing:)`), compared with the names' own. A hit gives the name's String
/// literal, so no String is made for it.
///
/// Compared byte by byte (`equalsCaseInsensitive` with each candidate of the length) and made by
/// `ASCII.lowercasedString` otherwise, the types, subtypes and parameter names of bsd.mbox x3 (17,700)
/// cost 5.3M; by the two words, 4.5M. Loading the words byte by byte cost 0.4M more.
struct KnownNames: Sendable {
    /// Each name's length, its two words and the name itself.
    private let entries: [(count: Int, first: UInt64, second: UInt64, name: String)]

    /// A list of `names`, each lower-case ASCII of at most 16 bytes (longer ones are never matched).
    init(_ names: [String]) {
        entries = names.map { name in
            let bytes = Array(name.utf8)
            let (first, second) = bytes.withUnsafeBufferPointer(Self.words)
            return (bytes.count, first, second, name)
        }
    }

    /// The bytes' first eight and next eight as `HeaderField.nameKey(lowercasing:)` words (0 for none).
    @inline(__always)
    private static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        guard let base = bytes.baseAddress else { return (0, 0) }
        let count = bytes.count
        if count >= 8 {
            let first = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
            return (ByteWord.lowercased(first), count > 8 ? ByteWord.lowercased(word(base + 8, count: min(count, 16) - 8)) : 0)
        }
        return (ByteWord.lowercased(word(base, count: count)), 0)
    }

    /// `count` (at most 8) bytes at `base` as a little-endian word, zero bytes after them: whole loads
    /// that overlap, not a loop over the bytes (4 to 7 bytes are two 4-byte loads, the second shifted to
    /// its place; the bytes both hold are the same).
    @inline(__always)
    private static func word(_ base: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        let raw = UnsafeRawPointer(base)
        if count >= 8 { return UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) }
        if count >= 4 {
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            return low | high << UInt64(8 * (count - 4))
        }
        if count <= 0 { return 0 }
        let middle = count / 2
        return UInt64(base[0]) | UInt64(base[middle]) << UInt64(8 * middle) | UInt64(base[count - 1]) << UInt64(8 * (count - 1))
    }

    /// The name that `bytes` spell in any case (each byte `ASCII.lowercased` equals the name's), or nil.
    @inline(__always)
    func match(_ bytes: ByteSlice) -> String? {
        bytes.withUnsafeBufferPointer(match)
    }

    /// `match` of bytes in place.
    @inline(__always)
    func match(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let count = bytes.count
        guard count <= 16 else { return nil }
        let (first, second) = Self.words(bytes)
        for entry in entries where entry.count == count && entry.first == first && entry.second == second {
            return entry.name
        }
        return nil
    }
}
