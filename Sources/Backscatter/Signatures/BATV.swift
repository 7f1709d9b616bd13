import MailParsing
import Crypto

/// A BATV-tagged address (draft-levine-smtp-batv-01, "prvs" Simple Private Signature).
///
/// Three spellings are read:
/// - the draft's, `prvs=KDDDSSSSSS=local@domain` (§4: tag-type "=" tag-val "=" orig-local-part);
/// - sub-addressing, `local+prvs=KDDDSSSSSS@domain` (also `-` or `=` as the delimiter), as batv-tools writes it
///   ("SUB-ADDRESS META-SYNTAX", AGWA/batv-tools README) so that MTAs without BATV route it;
/// - older Exim, `prvs=local/KDDDSSSSSS@domain`.
/// The tag-type is matched ignoring case (`PRVS=` is seen after MTAs that upper-case local parts).
public struct BATVAddress: Sendable, Hashable {
    /// How the tag was written into the address.
    public enum Form: Sendable, Hashable {
        /// `prvs=KDDDSSSSSS=local@domain`.
        case standard
        /// `local+prvs=KDDDSSSSSS@domain` (the delimiter is kept).
        case subaddress(delimiter: Character)
        /// `prvs=local/KDDDSSSSSS@domain`.
        case exim
    }

    /// The key number K (one digit).
    public var keyNumber: Int
    /// DDD: the expiry day, days since 1970 modulo 1000.
    public var expiryDay: Int
    /// SSSSSS: six hex digits, lower case.
    public var signature: String
    /// The original local part, as written.
    public var localPart: String
    /// The domain, as written.
    public var domain: String
    /// How the tag was written.
    public var form: Form

    /// The untagged address, `local@domain`.
    public var originalAddress: String { "\(localPart)@\(domain)" }

    /// Whether `bytes` hold "prvs=" in any case.
    private static func holdsMarker(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let marker: StaticString = "prvs="
        return ASCIICaseInsensitive.firstOffset(of: UnsafeBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount),
                                                in: bytes) != nil
    }

    /// Reads a tagged address; nil when `address` carries no prvs tag (or a malformed one).
    /// Angle brackets and surrounding spaces are ignored.
    public init?(parsing address: some StringProtocol) {
        // Both forms hold "prvs=" (any case): most addresses are turned away by this one search, eight
        // bytes at a time where the text is contiguous (a loop over the UTF-8 view cost ~1,100
        // instructions an address). An ASCII address is then read on its bytes (`ByteParse`); only
        // other text goes through the Substring reading below, whose Character steps it must keep.
        let parsed = address.utf8.withContiguousStorageIfAvailable(BATVAddress.parse)
            ?? { var copy = String(address); return copy.withUTF8(BATVAddress.parse) }()
        switch parsed {
        case .notTagged: return nil
        case .tagged(let tagged): self = tagged; return
        case .notASCII: self.init(parsingText: Substring(address))
        }
    }

    /// `init(parsing:)` read as text: the definition, and the reading of non-ASCII addresses.
    init?(parsingText address: Substring) {
        guard address.utf8.withContiguousStorageIfAvailable(BATVAddress.holdsMarker)
            ?? { var copy = String(address); return copy.withUTF8(BATVAddress.holdsMarker) }() else { return nil }
        var text = address.trimmedSlice
        if text.utf8.count >= 2, text.utf8.first == ASCII.lessThan, text.utf8.last == ASCII.greaterThan {
            text = text.dropFirst().dropLast()
        }
        guard let at = text.lastIndex(ofASCII: ASCII.at) else { return nil }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        guard !domain.isEmpty else { return nil }
        if local.utf8.prefix(5).map(ASCII.lowercased).elementsEqual("prvs=".utf8),
           let rest = Substring(local.utf8.dropFirst(5)) as Substring? {
            if let eq = rest.utf8.firstIndex(of: ASCII.equals), let tag = BATVAddress.tag(rest[..<eq]) {
                let original = rest[rest.index(after: eq)...]
                guard !original.isEmpty else { return nil }
                self.init(tag: tag, local: original, domain: domain, form: .standard)
                return
            }
            if let slash = rest.lastIndex(of: "/"), let tag = BATVAddress.tag(rest[rest.index(after: slash)...]) {
                let original = rest[..<slash]
                guard !original.isEmpty else { return nil }
                self.init(tag: tag, local: original, domain: domain, form: .exim)
                return
            }
            return nil
        }
        // Sub-address form: the last "<delim>prvs=" in the local part, followed by exactly the tag. Searched
        // in the UTF-8 bytes with ASCII case folding only, so non-ASCII local parts cannot shift offsets.
        let bytes = Array(local.utf8)
        let needle = Array("prvs=".utf8)
        guard bytes.count >= needle.count + 1 + 10 else { return nil }
        var found: Int?
        var i = bytes.count - needle.count
        while i >= 1 {
            if (0..<needle.count).allSatisfy({ ASCII.lowercased(bytes[i + $0]) == needle[$0] }) { found = i; break }
            i -= 1
        }
        guard let at5 = found else { return nil }
        let delimiter = bytes[at5 - 1]
        guard delimiter == UInt8(ascii: "+") || delimiter == UInt8(ascii: "-") || delimiter == UInt8(ascii: "="),
              at5 - 1 > 0,
              let tag = BATVAddress.tag(Substring(String(decoding: bytes[(at5 + needle.count)...], as: UTF8.self)))
        else { return nil }
        let original = String(decoding: bytes[..<(at5 - 1)], as: UTF8.self)
        self.init(tag: tag, local: Substring(original), domain: domain,
                  form: .subaddress(delimiter: Character(Unicode.Scalar(delimiter))))
    }

    private init(tag: (Int, Int, String), local: Substring, domain: Substring, form: Form) {
        keyNumber = tag.0
        expiryDay = tag.1
        signature = tag.2
        localPart = String(local)
        self.domain = String(domain)
        self.form = form
    }

    /// What the byte reading of an address found.
    private enum ByteParse {
        /// No prvs tag (or a malformed one).
        case notTagged
        /// A tagged address.
        case tagged(BATVAddress)
        /// The address holds a non-ASCII byte: read as text, where Character steps can differ from bytes.
        case notASCII
    }

    /// `init(parsing:)` on the address's UTF-8 bytes, the same steps for ASCII text (the Substring
    /// reading cost ~6,400 instructions a tagged address, backscatter-dev: 512 of them).
    private static func parse(_ all: UnsafeBufferPointer<UInt8>) -> ByteParse {
        guard holdsMarker(all) else { return .notTagged }
        guard ASCII.isASCII(all) else { return .notASCII }
        var (lo, hi) = all.trimmedBounds
        if hi - lo >= 2, all[lo] == ASCII.lessThan, all[hi - 1] == ASCII.greaterThan {
            lo += 1
            hi -= 1
        }
        var at = hi - 1
        while at >= lo, all[at] != ASCII.at { at -= 1 }
        guard at >= lo, at + 1 < hi else { return .notTagged }
        let domain = text(all, at + 1, hi)
        let marker: StaticString = "prvs="
        let needle = UnsafeBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount)
        /// Whether "prvs=" (any case) starts at `i`.
        func marked(_ i: Int) -> Bool {
            for j in 0..<5 where ASCII.lowercased(all[i + j]) != needle[j] { return false }
            return true
        }
        if at - lo >= 5, marked(lo) {
            let rest = lo + 5
            var eq = rest
            while eq < at, all[eq] != ASCII.equals { eq += 1 }
            if eq < at, let tag = tag(all, rest, eq) {
                guard eq + 1 < at else { return .notTagged }
                return .tagged(BATVAddress(tag: tag, local: text(all, eq + 1, at), domain: domain, form: .standard))
            }
            var slash = at - 1
            while slash >= rest, all[slash] != UInt8(ascii: "/") { slash -= 1 }
            if slash >= rest, let tag = tag(all, slash + 1, at) {
                guard slash > rest else { return .notTagged }
                return .tagged(BATVAddress(tag: tag, local: text(all, rest, slash), domain: domain, form: .exim))
            }
            return .notTagged
        }
        // Sub-address form: the last "<delim>prvs=" in the local part, followed by exactly the tag.
        guard at - lo >= 5 + 1 + 10 else { return .notTagged }
        var found = at - 5
        while found >= lo + 1, !marked(found) { found -= 1 }
        guard found >= lo + 1 else { return .notTagged }
        let delimiter = all[found - 1]
        guard delimiter == UInt8(ascii: "+") || delimiter == UInt8(ascii: "-") || delimiter == UInt8(ascii: "="),
              found - 1 > lo, let tag = tag(all, found + 5, at) else { return .notTagged }
        return .tagged(BATVAddress(tag: tag, local: text(all, lo, found - 1), domain: domain,
                                   form: .subaddress(delimiter: Character(Unicode.Scalar(delimiter)))))
    }

    /// The text of `bytes[start..<end]`, ASCII (`parse` checked the address): made without checking it again.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        UncheckedUTF8.asciiString(UnsafeBufferPointer(rebasing: bytes[start..<end]))
    }

    /// The tag `bytes[start..<end]` (K DDD SSSSSS, see `tag(_:)`): K, DDD and the signature lower-cased;
    /// nil unless four digits and six hex digits.
    private static func tag(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int, String)? {
        guard end - start == 10 else { return nil }
        for i in start..<start + 4 where !(bytes[i] >= 0x30 && bytes[i] <= 0x39) { return nil }
        for i in start + 4..<end where !isHexDigit(bytes[i]) { return nil }
        let k = Int(bytes[start] - 0x30)
        let ddd = Int(bytes[start + 1] - 0x30) * 100 + Int(bytes[start + 2] - 0x30) * 10 + Int(bytes[start + 3] - 0x30)
        let signature = String(unsafeUninitializedCapacity: 6) { out in
            for j in 0..<6 { out[j] = ASCII.lowercased(bytes[start + 4 + j]) }
            return 6
        }
        return (k, ddd, signature)
    }

    private init(tag: (Int, Int, String), local: String, domain: String, form: Form) {
        keyNumber = tag.0
        expiryDay = tag.1
        signature = tag.2
        localPart = local
        self.domain = domain
        self.form = form
    }

    /// draft-levine-smtp-batv-01 §4.1: tag-val = K DDD SSSSSS (1 digit, 3 digits, 6 hex digits).
    private static func tag(_ text: Substring) -> (Int, Int, String)? {
        // The byte reading's: a tag is ASCII (digits and hex digits), so `lowercased()` of its
        // signature is the ASCII lower-casing that reading does.
        Array(text.utf8).withUnsafeBufferPointer { tag($0, 0, $0.count) }
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66)
    }
}

/// What a BATV check found about a bounce's recipient address.
public enum BATVResult: Sendable, Hashable {
    /// The tag's signature verifies and it has not expired.
    case valid
    /// The signature verifies but the tag expired this many days ago (1 or more).
    case expired(days: Int)
    /// The tag is well formed but its signature does not verify with the key it names.
    case badSignature
    /// The tag names a key number the profile has no secret for.
    case unknownKey
    /// The address carries no prvs tag.
    case notSigned
}

/// Checks and makes prvs tags with the site's keys (the `[batv]` profile section).
public struct BATVVerifier: Sendable {
    /// Secrets by key number.
    public var keys: [Int: [UInt8]] {
        didSet { keyed = Self.keyed(keys) }
    }
    /// Days a tag stays valid. Default: 7.
    public var validDays: Int
    /// An HMAC already keyed with each secret: keying hashes the padded key (RFC 2104 §2), half the
    /// work of checking a tag, so it is done once per key and each check starts from a copy.
    private var keyed: [Int: KeyedHMAC]

    /// An HMAC keyed once and only ever copied, never updated in place. `@unchecked Sendable`:
    /// swift-crypto's digests are copy-on-write, so a copy updated on one thread never touches the
    /// state another thread's copy reads.
    private struct KeyedHMAC: @unchecked Sendable {
        let start: HMAC<Insecure.SHA1>
    }

    /// A verifier with the given keys.
    public init(keys: [Int: [UInt8]], validDays: Int = 7) {
        self.keys = keys
        self.validDays = validDays
        keyed = Self.keyed(keys)
    }

    private static func keyed(_ keys: [Int: [UInt8]]) -> [Int: KeyedHMAC] {
        keys.mapValues { KeyedHMAC(start: HMAC<Insecure.SHA1>(key: SymmetricKey(data: $0))) }
    }

    /// A verifier from a profile's `[batv]` section.
    public init(_ settings: SiteProfile.BATV) {
        self.init(keys: settings.keys, validDays: settings.validDays)
    }

    /// Checks the prvs tag of `address` as of `time`.
    /// - Parameters:
    ///   - address: the bounce's recipient (envelope or header), e.g. `prvs=3472951679=ivan@acme.example`.
    ///   - time: when the bounce arrived, seconds since 1970 UTC.
    public func verify(_ address: some StringProtocol, at time: Double) -> BATVResult {
        guard let tagged = BATVAddress(parsing: address) else { return .notSigned }
        return verify(tagged, at: time)
    }

    /// Checks a parsed tag as of `time` (seconds since 1970 UTC).
    public func verify(_ tagged: BATVAddress, at time: Double) -> BATVResult {
        guard let start = keyed[tagged.keyNumber]?.start else { return .unknownKey }
        let ddd = String(format3: tagged.expiryDay)
        // The draft signs "K DDD orig-mailfrom"; the corpus (backscatter-dev README, "BATV as implemented")
        // keeps the local part as written and lower-cases the domain. Signers differ in case handling,
        // so the local part is also tried lower-cased, and the domain as written.
        var locals = [tagged.localPart]
        if tagged.localPart.lowercased() != tagged.localPart { locals.append(tagged.localPart.lowercased()) }
        var domains = [tagged.domain.lowercased()]
        if tagged.domain != domains[0] { domains.append(tagged.domain) }
        // The tag's six hex digits as the three bytes of the HMAC they are the start of (`signature`
        // writes them lower case; the tag is lower-cased when read).
        let wanted: [UInt8] = stride(from: 0, to: 6, by: 2).compactMap { i in
            let digits = tagged.signature.utf8.dropFirst(i).prefix(2)
            return UInt8(String(decoding: digits, as: UTF8.self), radix: 16)
        }
        var verified = false
        outer: for local in locals {
            for domain in domains {
                var hmac = start
                hmac.update(data: Array("\(tagged.keyNumber)\(ddd)\(local)@\(domain)".utf8))
                let mac = hmac.finalize()
                if wanted.count == 3, mac.prefix(3).elementsEqual(wanted) {
                    verified = true
                    break outer
                }
            }
        }
        guard verified else { return .badSignature }
        // §4.1: DDD is the expiry day mod 1000. Days left = (DDD - today) mod 1000; a tag is good while that
        // is within the validity window. Anything else has expired: by (today - DDD) mod 1000 days.
        guard time.isFinite else { return .badSignature }
        let today = Int((time / 86_400).rounded(.down))
        let todayMod = ((today % 1000) + 1000) % 1000
        let daysLeft = ((tagged.expiryDay - todayMod) % 1000 + 1000) % 1000
        if daysLeft <= validDays { return .valid }
        return .expired(days: ((todayMod - tagged.expiryDay) % 1000 + 1000) % 1000)
    }

    /// Makes the prvs address for `local@domain` sent at `time` with key `keyNumber` (for tests and tools).
    /// Returns nil when the profile has no secret for that key number, or it is not one digit.
    public func sign(local: String, domain: String, keyNumber: Int, at time: Double) -> String? {
        guard (0...9).contains(keyNumber), let secret = keys[keyNumber], time.isFinite else { return nil }
        let day = Int((time / 86_400).rounded(.down)) + validDays
        let ddd = String(format3: ((day % 1000) + 1000) % 1000)
        let sig = BATVVerifier.signature(keyNumber: keyNumber, ddd: ddd, address: "\(local)@\(domain.lowercased())",
                                         secret: secret)
        return "prvs=\(keyNumber)\(ddd)\(sig)=\(local)@\(domain)"
    }

    /// The first three bytes of HMAC-SHA1(secret, K DDD address) as six lower-case hex digits.
    static func signature(keyNumber: Int, ddd: String, address: String, secret: [UInt8]) -> String {
        let message = Array("\(keyNumber)\(ddd)\(address)".utf8)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return mac.prefix(3).map { b in
            let h = String(b, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined()
    }
}

extension String {
    /// A number 0-999 as three digits.
    init(format3 value: Int) {
        let digits = String(value)
        self = String(repeating: "0", count: Swift.max(0, 3 - digits.count)) + digits
    }
}
