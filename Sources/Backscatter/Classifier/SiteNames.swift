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
    /// The other names (lower case, as given); nil when there are more than `maxListedNames` of them.
    private let names: ByteNameList?

    /// The table, or nil when a site domain or one of the other names is not ASCII.
    init?(siteDomains: [String], otherNames: Set<String>) {
        var domains: [UInt8] = [], domainBounds = [0]
        for domain in siteDomains {
            guard domain.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            domains.append(contentsOf: domain.utf8)
            domainBounds.append(domains.count)
        }
        for name in otherNames {
            guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        }
        self.domains = domains
        self.domainBounds = domainBounds
        // All ASCII (above): nil only when there are too many.
        self.names = otherNames.count <= Self.maxListedNames ? ByteNameList(otherNames) : nil
    }

    /// Whether `name` (a host name or an address's domain, any case) is ours, by its bytes.
    func answer(_ name: UnsafeBufferPointer<UInt8>) -> Answer {
        var any: UInt8 = 0
        for b in name { any |= b }
        guard any < 0x80 else { return .unanswered }
        let n = name.count
        let isDomain = domains.withUnsafeBufferPointer { domains in
            domainBounds.withUnsafeBufferPointer { bounds in
                for k in 0..<(bounds.count - 1) {
                    // The name itself, or a name that ends with "." and the domain: its last bytes
                    // compared first, where domains differ most (`.com`, `.jp`).
                    let start = bounds[k], length = bounds[k + 1] - start
                    guard n >= length, n == length || name[n - length - 1] == ASCII.dot else { continue }
                    if Self.lowercased(name, from: n - length, equals: domains, start, length) { return true }
                }
                return false
            }
        }
        if isDomain { return .ours }
        guard let names else { return .askOtherNames }
        return names.containsASCII(name, lowercasing: true) ? .ours : .notOurs
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
