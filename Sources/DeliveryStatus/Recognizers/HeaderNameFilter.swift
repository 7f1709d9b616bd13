import MailParsing

/// The field names of one header section as a 256-bit Bloom filter (one bit per hash of the
/// lower-cased name's length and first eight bytes, `HeaderSection.nameFilterBit`): `mayContain` is
/// false only for names the section certainly lacks.
///
/// The recognisers' `claims` ask for some forty different fields (`X-AHMailID`, `X-ZohoMail` ...),
/// nearly all absent; each question was a scan of every field. Built once per message, in one pass
/// over the names. With the usual 20–40 fields about one absent name in ten still needs the scan.
struct HeaderNameFilter {
    private var bits: SIMD4<UInt64> = .zero

    /// The filter of `section`'s field names. The section borrowed: an initializer owns its
    /// arguments, and `BounceContext.init` copied its section for this one and destroyed the copy.
    init(_ section: borrowing HeaderSection) {
        // Of the keys the fields keep (hashing each name's first, middle and last bytes read through
        // its slice cost ~35 instructions a field: bsd.mbox x3, 1,887 sections, 1.82M instructions).
        bits = section.nameFilterBits
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

    /// One lower-case header name with its filter bit, made once (a recogniser's static), for
    /// `BounceContext.header(_:)` asked without working the bit out from the String each time.
    struct Name: Sendable {
        /// The lower-case field name.
        let lowercaseName: String
        /// The name's filter bit (`bit(of:)`), -1 for the empty name (which may always be present).
        let bit: Int

        /// `lowercaseName` and its bit, worked out.
        init(_ lowercaseName: String) {
            self.lowercaseName = lowercaseName
            bit = HeaderNameFilter.bit(of: lowercaseName) ?? -1
        }

        /// `lowercaseName` and its bit written out (`bit(of:)`; checked in debug builds, where the corpus
        /// tests ask every recogniser's names): a `static let` of it is then a constant in the program's
        /// data, read without a `swift_once` call at each question, which the bit worked out at run time
        /// costs (~21 instructions; bsd.mbox x3, the `claims`' ~19,000 questions of Exchange2003,
        /// AmazonWorkMail, KDDI ...). Made where it is asked instead (a computed `static var` the
        /// compiler works out), the name's String was released at each question (Main.main 259.13M
        /// against 257.91M).
        init(_ lowercaseName: String, bit: Int) {
            assert(bit == HeaderNameFilter.bit(of: lowercaseName) ?? -1, "the filter bit of \(lowercaseName)")
            self.lowercaseName = lowercaseName
            self.bit = bit
        }
    }

    /// Whether a field named `name` may be present (false: it is not), by its bit (`Name`).
    @inline(__always)
    func mayContain(_ name: Name) -> Bool {
        let bit = name.bit
        guard bit >= 0 else { return true }
        return bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// The filter bit of a lower-case name, nil for the empty name (no field has it, but `hasName`
    /// would match an empty name: every question about it gets "may").
    ///
    /// (Read through `withUTF8` of a copy of the String instead, each question cost a retain and a
    /// release more: bsd.mbox x3 +0.7M instructions.)
    @inline(__always) private static func bit(of lowercaseName: String) -> Int? {
        lowercaseName.utf8.withContiguousStorageIfAvailable(HeaderSection.nameFilterBit(ofLowercase:))
            ?? Array(lowercaseName.utf8).withUnsafeBufferPointer(HeaderSection.nameFilterBit(ofLowercase:))
    }
}
