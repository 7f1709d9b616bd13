#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// A few ASCII names as bytes, for asking whether some bytes are one of them without making a String:
/// `SiteKnowledge`'s known local parts (a `Set<String>` lookup of the local part hashed a String made
/// for it: ~550 instructions a victim, where the bytes are compared here for ~200: sisimai bsd x3) and
/// `SiteNames`' other names (held in lower case, asked with the query lower-cased).
///
/// It answers only for ASCII bytes, and holds only ASCII names: there byte equality is String
/// equality. Bytes that are not ASCII may be canonically equal to an ASCII name (U+212A KELVIN SIGN
/// and `K`), so the String test decides for them.
struct ByteNameList: Sendable {
    /// At most this many names are held (a longer list is left to its Set). Default: 32.
    static let maxNames = 32

    /// The names one after another: name k is `bytes[bounds[k]..<bounds[k + 1]]`.
    private let bytes: [UInt8]
    private let bounds: [Int]
    /// Bit n: some name is n bytes long (n < 63); bit 63 stands for every longer length.
    private let lengths: UInt64

    /// The list, or nil when there are more than `maxNames` names or one is not ASCII.
    init?(_ names: some Collection<String>) {
        guard names.count <= Self.maxNames else { return nil }
        var bytes: [UInt8] = [], bounds = [0]
        var lengths: UInt64 = 0
        for name in names {
            guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            bytes.append(contentsOf: name.utf8)
            bounds.append(bytes.count)
            lengths |= Self.lengthBit(name.utf8.count)
        }
        (self.bytes, self.bounds, self.lengths) = (bytes, bounds, lengths)
    }

    /// Whether `name` is one of the names, byte for byte; nil when `name` is not ASCII.
    func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool? {
        var any: UInt8 = 0
        for b in name { any |= b }
        guard any < 0x80 else { return nil }
        return containsASCII(name, lowercasing: false)
    }

    /// Whether `name`, which the caller knows to be ASCII, is one of the names: byte for byte, or with
    /// `name`'s letters lower-cased first when `lowercasing` (for names held in lower case).
    func containsASCII(_ name: UnsafeBufferPointer<UInt8>, lowercasing: Bool) -> Bool {
        // Most names are passed over on their length alone.
        guard lengths & Self.lengthBit(name.count) != 0 else { return false }
        // Empty: a name of its length (0) is there.
        guard !name.isEmpty, let query = name.baseAddress else { return true }
        let n = name.count
        return bytes.withUnsafeBufferPointer { bytes in
            bounds.withUnsafeBufferPointer { bounds in
                guard let base = bytes.baseAddress else { return false }
                for k in 0..<(bounds.count - 1) where bounds[k + 1] - bounds[k] == n {
                    if lowercasing {
                        // From the end, where names differ most (`.com`, `.jp`).
                        var j = n
                        while j > 0, ASCII.lowercased(query[j - 1]) == base[bounds[k] + j - 1] { j -= 1 }
                        if j == 0 { return true }
                    } else if memcmp(base + bounds[k], query, n) == 0 {
                        // (`elementsEqual` cost ~60 instructions more a comparison.)
                        return true
                    }
                }
                return false
            }
        }
    }

    /// The bit of `lengths` for a length.
    private static func lengthBit(_ length: Int) -> UInt64 { 1 << UInt64(min(length, 63)) }
}
