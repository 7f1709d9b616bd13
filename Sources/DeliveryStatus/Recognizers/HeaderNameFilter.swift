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
        // Each name is read in place through the fields' buffer and the name's own (indexing
        // `section.fields[i].name` checked the array's bounds and the slice's at each byte read:
        // bsd.mbox x3, 1,887 sections: 2.04M -> 1.55M instructions).
        section.fields.withUnsafeBufferPointer { fields in
            for i in fields.indices {
                let bit = fields[i].name.withUnsafeBufferPointer { name -> Int? in
                    let count = name.count
                    guard count > 0 else { return nil }
                    return HeaderNameFilter.bit(count: count, ASCII.lowercased(name[0]), ASCII.lowercased(name[count / 2]),
                                                ASCII.lowercased(name[count - 1]))
                }
                if let bit { insert(bit) }
            }
        }
    }

    /// Whether a field named `lowercaseName` may be present (false: it is not).
    func mayContain(_ lowercaseName: String) -> Bool {
        guard let bit = HeaderNameFilter.bit(of: lowercaseName) else { return true }
        return bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// Whether a field of any of the names in `names` may be present (false: none is): one test of the
    /// filter where `mayContain` would be asked once a name.
    func mayContainAny(of names: Names) -> Bool {
        names.isEverything || any(bits & names.bits .!= .zero)
    }

    /// The filter bits of a fixed list of names, made once, for `mayContainAny(of:)`.
    struct Names: Sendable {
        /// One bit per name (`bit(of:)`).
        fileprivate var bits: SIMD4<UInt64> = .zero
        /// Whether a name has no bit (the empty name: it may be present whatever the filter holds).
        fileprivate var isEverything = false

        /// The bits of `lowercaseNames`.
        init(_ lowercaseNames: [String]) {
            for name in lowercaseNames {
                guard let bit = HeaderNameFilter.bit(of: name) else { isEverything = true; continue }
                bits[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
    }

    /// One lower-case header name with its filter bits, made once (a recogniser's static), for
    /// `BounceContext.header(_:)` asked without working the bit out from the String each time. The name
    /// and its bits are made together, so they cannot disagree.
    struct Name: Sendable {
        /// The lower-case field name.
        let lowercaseName: String
        /// The bits of `[lowercaseName]`.
        let bits: Names

        /// `lowercaseName` and its bits.
        init(_ lowercaseName: String) {
            self.lowercaseName = lowercaseName
            bits = Names([lowercaseName])
        }
    }

    /// The filter bit of a lower-case name, nil for the empty name (no field has it, but `hasName`
    /// would match an empty name: every question about it gets "may").
    ///
    /// (Read through `withUTF8` of a copy of the String instead, each question cost a retain and a
    /// release more: bsd.mbox x3 +0.7M instructions.)
    @inline(__always) private static func bit(of lowercaseName: String) -> Int? {
        lowercaseName.utf8.withContiguousStorageIfAvailable { name -> Int? in
            guard let first = name.first, let last = name.last else { return nil }
            return HeaderNameFilter.bit(count: name.count, first, name[name.count / 2], last)
        } ?? {
            let name = Array(lowercaseName.utf8)
            guard let first = name.first, let last = name.last else { return nil }
            return HeaderNameFilter.bit(count: name.count, first, name[name.count / 2], last)
        }()
    }

    private mutating func insert(_ bit: Int) {
        bits[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    /// The filter bit of a name: its length and its first, middle and last bytes (lower case), mixed
    /// by one multiplication (Fibonacci hashing); the top byte is the bit. Names that differ in none of
    /// these collide, which costs a scan, never a wrong answer.
    @inline(__always) private static func bit(count: Int, _ first: UInt8, _ middle: UInt8, _ last: UInt8) -> Int {
        let key = UInt64(truncatingIfNeeded: count) << 24 | UInt64(first) << 16 | UInt64(middle) << 8 | UInt64(last)
        return Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56)
    }
}
