import MailParsing

/// The field names of one header section as a 256-bit Bloom filter (one bit per hash of the
/// lower-cased name): `mayContain` is false only for names the section certainly lacks.
///
/// The recognisers' `claims` ask for some forty different fields (`X-AHMailID`, `X-ZohoMail` ...),
/// nearly all absent; each question was a scan of every field. Built once per message, in one pass
/// over the names. With the usual 20–40 fields about one absent name in ten still needs the scan.
struct HeaderNameFilter {
    private var bits: SIMD4<UInt64> = .zero

    /// The filter of `section`'s field names.
    init(_ section: HeaderSection) {
        for field in section.fields {
            var hash = HeaderNameFilter.offsetBasis
            for byte in field.name { hash = HeaderNameFilter.step(hash, ASCII.lowercased(byte)) }
            insert(hash)
        }
    }

    /// Whether a field named `lowercaseName` may be present (false: it is not).
    func mayContain(_ lowercaseName: String) -> Bool {
        var hash = HeaderNameFilter.offsetBasis
        for byte in lowercaseName.utf8 { hash = HeaderNameFilter.step(hash, byte) }
        let bit = Int(truncatingIfNeeded: hash >> 56)
        return bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    private mutating func insert(_ hash: UInt64) {
        let bit = Int(truncatingIfNeeded: hash >> 56)
        bits[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    // FNV-1a, 64-bit (http://www.isthe.com/chongo/tech/comp/fnv/); the bit is the top byte, where the
    // multiplications have mixed in every input byte (the low byte depends on low bytes only).
    private static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    @inline(__always) private static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
}
