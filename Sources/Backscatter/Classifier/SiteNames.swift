import MailParsing

/// The site's own names as bytes, for telling whether a host or address domain is ours without making
/// a String: the site domains (a name equal to one or under it) and the other names that count as ours
/// (relay host names and Message-ID domains, lower case).
///
/// It answers only for an ASCII name, and only when the names it holds are ASCII: there a byte test is
/// exactly `SiteKnowledge`'s String test (String equality of ASCII is byte equality, a suffix that
/// starts with a dot ends on a Character boundary, and ASCII lower-casing is what `lowercasedIfNeeded`
/// does). Any other name is left to the String test. Measured on sisimai bsd x3 (zero-config):
/// `isOurDomain` lower-cased, compared and hashed Strings for ~1,000 instructions a call.
struct SiteNames: Sendable {
    /// What the byte test says of a name.
    enum Answer {
        /// A site domain, under one, or one of the other names.
        case ours
        /// None of them.
        case notOurs
        /// No site domain; the other names are too many for the byte list: look them up in the Set.
        case askOtherNames
        /// Not ASCII: the String test decides.
        case unanswered
    }

    /// At most this many other names are compared as bytes; more are looked up in a Set. Default: 32.
    static let maxListedNames = ByteNameList.maxNames

    /// The site domains, as written, one after another: domain k is `domains[domainBounds[k]..<domainBounds[k + 1]]`.
    private let domains: [UInt8]
    private let domainBounds: [Int]
    /// Each site domain's last eight bytes (fewer for a shorter one) as `lastWord` packs a name's, and
    /// the mask of the bytes it holds: a domain is passed over on one compare of the name's last word.
    private let domainTails: [(word: UInt64, mask: UInt64)]
    /// The other names (lower case, as given); nil when there are more than `maxListedNames` of them.
    private let names: ByteNameList?

    /// The table, or nil when a site domain or one of the other names is not ASCII.
    init?(siteDomains: [String], otherNames: Set<String>) {
        var domains: [UInt8] = [], domainBounds = [0]
        var domainTails: [(word: UInt64, mask: UInt64)] = []
        for domain in siteDomains {
            guard domain.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            let bytes = Array(domain.utf8)
            domains.append(contentsOf: bytes)
            domainBounds.append(domains.count)
            let word = bytes.withUnsafeBufferPointer { Self.lastWord($0) }
            domainTails.append((word, bytes.count >= 8 ? ~0 : ~(~0 >> UInt64(8 * bytes.count))))
        }
        for name in otherNames {
            guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        }
        self.domains = domains
        self.domainBounds = domainBounds
        self.domainTails = domainTails
        // All ASCII (above): nil only when there are too many.
        self.names = otherNames.count <= Self.maxListedNames ? ByteNameList(otherNames) : nil
    }

    /// Whether `name` (a host name or an address's domain, any case) is ours, by its bytes.
    func answer(_ name: UnsafeBufferPointer<UInt8>) -> Answer {
        guard Self.isASCII(name) else { return .unanswered }
        let n = name.count
        // The name's last eight bytes lower-cased, compared with each domain's last bytes first: most
        // domains differ there (`.com`, `.jp`), and the rest is compared only after they match. (Byte by
        // byte from the end, with the ASCII test byte by byte: ~325 instructions a name, 4,233 names of
        // the sisimai bsd mbox x3.)
        let last = ByteWord.lowercased(Self.lastWord(name))
        let isDomain = domains.withUnsafeBufferPointer { domains in
            domainBounds.withUnsafeBufferPointer { bounds in
                domainTails.withUnsafeBufferPointer { tails in
                    for k in 0..<tails.count {
                        let start = bounds[k], length = bounds[k + 1] - start
                        guard n >= length, last & tails[k].mask == tails[k].word,
                              n == length || name[n - length - 1] == ASCII.dot else { continue }
                        // The bytes before the last eight (none for a domain of eight or fewer).
                        if length <= 8 || Self.lowercased(name, from: n - length, equals: domains, start, length - 8) { return true }
                    }
                    return false
                }
            }
        }
        if isDomain { return .ours }
        guard let names else { return .askOtherNames }
        return names.containsASCII(name, lowercasing: true) ? .ours : .notOurs
    }

    /// The last eight bytes of `bytes` in one word, the last byte in its top byte (little-endian, as
    /// loaded from eight bytes before the end); fewer bytes fill its top bytes and leave the rest 0.
    @inline(__always)
    static func lastWord(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        if n >= 8, let base = UnsafeRawPointer(bytes.baseAddress) {
            return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        }
        var word: UInt64 = 0
        for b in bytes { word = word >> 8 | UInt64(b) << 56 }
        return word
    }

    /// Whether every byte is below 0x80: eight at a time, the last eight (overlapping the ones before)
    /// read as one word too; fewer than eight byte by byte.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        guard n >= 8, let base = UnsafeRawPointer(bytes.baseAddress) else { return ASCII.isASCII(bytes) }
        var any = base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        var i = 0
        while i + 8 < n {
            any |= base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        return any & ByteWord.highs == 0
    }

    /// Whether `name[from ..< from + length]`, ASCII lower-cased, is `table[start ..< start + length]`,
    /// compared from the end. The caller keeps both ranges within their buffers.
    @inline(__always)
    private static func lowercased(_ name: UnsafeBufferPointer<UInt8>, from: Int, equals table: UnsafeBufferPointer<UInt8>,
                                   _ start: Int, _ length: Int) -> Bool {
        var j = length
        while j > 0 {
            j -= 1
            if ASCII.lowercased(name[from + j]) != table[start + j] { return false }
        }
        return true
    }
}
