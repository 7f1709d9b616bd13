import Crypto
import MailParsing

/// An address rewritten by the Sender Rewriting Scheme (Shevek's scheme, libsrs2, as postsrsd uses it).
///
/// - `SRS0=HHHH=TT=domain=local@forwarder`: one forwarder rewrote `local@domain`.
/// - `SRS1=HHHH=forwarder1==HHHH=TT=domain=local@forwarder2`: a second forwarder rewrote an SRS0 address;
///   the part after `forwarder1=` is the SRS0 address's own text after "SRS0".
/// The separator after `SRS0`/`SRS1` may be `=`, `+` or `-` (libsrs2 `srs_set_separator`); the tag is read
/// ignoring case.
public struct SRSAddress: Sendable, Hashable {
    /// Which rewriting this is.
    public enum Kind: Sendable, Hashable { case srs0, srs1 }

    /// SRS0 or SRS1.
    public var kind: Kind
    /// The hash written in the address (for SRS1: the outer hash, over `forwarder1` and the SRS0 part).
    public var hash: String
    /// The SRS0 timestamp TT (two base32 characters: days mod 1024).
    public var timestamp: String
    /// The SRS0 hash (for SRS0 the same as `hash`).
    public var innerHash: String
    /// The original sender's domain.
    public var originalDomain: String
    /// The original sender's local part.
    public var originalLocalPart: String
    /// The domain that received the bounce (the last forwarder).
    public var forwarderDomain: String
    /// For SRS1, the first forwarder (the host of the SRS0 address).
    public var firstForwarder: String?
    /// For SRS1, the SRS0 part after "SRS0" including its leading separator (what the SRS1 hash covers).
    var srs1User: String?

    /// The address before rewriting, `local@domain`.
    public var originalAddress: String { "\(originalLocalPart)@\(originalDomain)" }

    /// Reads an SRS0 or SRS1 address; nil when it is not one. Angle brackets are ignored.
    public init?(parsing address: some StringProtocol) {
        // The local part starts "SRS0"/"SRS1" (any case), after blanks and a "<": a byte test first,
        // without an array of the three bytes (making one cost ~500 instructions an address: 1.7M for
        // the ~3,500 addresses of the sisimai bsd mbox x3).
        guard let first = address.utf8.firstIndex(where: { !ASCII.isWhitespaceOrNewline($0) && $0 != ASCII.lessThan }),
              address.utf8[first...].prefix(3).lazy.map(ASCII.lowercased).elementsEqual("srs".utf8) else { return nil }
        var text = Substring(address).trimmedSlice
        if text.hasPrefix("<"), text.hasSuffix(">"), text.count >= 2 { text = text.dropFirst().dropLast() }
        guard let at = text.lastIndex(ofASCII: ASCII.at) else { return nil }
        let local = text[..<at]
        forwarderDomain = String(text[text.index(after: at)...])
        guard !forwarderDomain.isEmpty, local.count > 5 else { return nil }
        let prefix = local.prefix(4).uppercased()
        let separator = local[local.index(local.startIndex, offsetBy: 4)]
        guard separator == "=" || separator == "+" || separator == "-" else { return nil }
        let rest = local.dropFirst(5)
        switch prefix {
        case "SRS0":
            // HHHH=TT=domain=local (the local part may itself contain '=').
            let f = rest.split(separator: "=", maxSplits: 3, omittingEmptySubsequences: false)
            guard f.count == 4, !f[0].isEmpty, f[1].count == 2, !f[2].isEmpty, !f[3].isEmpty else { return nil }
            kind = .srs0
            hash = String(f[0])
            innerHash = hash
            timestamp = String(f[1])
            originalDomain = String(f[2])
            originalLocalPart = String(f[3])
            firstForwarder = nil
            srs1User = nil
        case "SRS1":
            // HHHH=forwarder1=<SRS0 part with its own leading separator>
            let f = rest.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
            guard f.count == 3, !f[0].isEmpty, !f[1].isEmpty, let sep0 = f[2].first,
                  sep0 == "=" || sep0 == "+" || sep0 == "-" else { return nil }
            let inner = f[2].dropFirst().split(separator: "=", maxSplits: 3, omittingEmptySubsequences: false)
            guard inner.count == 4, !inner[0].isEmpty, inner[1].count == 2, !inner[2].isEmpty, !inner[3].isEmpty else {
                return nil
            }
            kind = .srs1
            hash = String(f[0])
            firstForwarder = String(f[1])
            srs1User = String(f[2])
            innerHash = String(inner[0])
            timestamp = String(inner[1])
            originalDomain = String(inner[2])
            originalLocalPart = String(inner[3])
        default:
            return nil
        }
    }
}

/// What an SRS check found.
public enum SRSResult: Sendable, Hashable {
    /// The hash verifies with one of the secrets and the timestamp is within the maximum age.
    case valid
    /// The hash verifies but the timestamp is older than the maximum age, by this many days in all.
    case expired(days: Int)
    /// No secret gives the hash.
    case badHash
    /// The timestamp is not two base32 characters.
    case badTimestamp
    /// The address is not an SRS address.
    case notSRS
}

/// Checks and makes SRS addresses with the site's secrets (`[srs]` in the profile).
///
/// The algorithm is libsrs2's (postsrsd): hash = base64(HMAC-SHA1(secret, lower-cased data)) cut to 4
/// characters and compared ignoring case; SRS0 data = TT, domain, local; SRS1 data = forwarder1, the SRS0
/// part. TT = days since 1970 mod 1024 in two characters of `ABCDEFGHIJKLMNOPQRSTUVWXYZ234567`, high first.
public struct SRSVerifier: Sendable {
    /// The secrets; the first signs, all verify.
    public var secrets: [String]
    /// Days an SRS0 address stays valid. Default: 21 (libsrs2's default maximum age).
    public var maxAgeDays: Int
    /// Characters of hash kept. Default: 4 (libsrs2's default hash length).
    public var hashLength: Int

    /// A verifier.
    public init(secrets: [String], maxAgeDays: Int = 21, hashLength: Int = 4) {
        self.secrets = secrets
        self.maxAgeDays = maxAgeDays
        self.hashLength = hashLength
    }

    /// A verifier from a profile's `[srs]` section.
    public init(_ settings: SiteProfile.SRS) {
        self.init(secrets: settings.secrets)
    }

    private static let timeCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Checks `address` as of `time` (seconds since 1970 UTC).
    ///
    /// For SRS1 only the outer hash is ours to check (the SRS0 part was made by the first forwarder, with its
    /// own secret); the timestamp is the SRS0 one.
    public func verify(_ address: some StringProtocol, at time: Double) -> SRSResult {
        guard let srs = SRSAddress(parsing: address) else { return .notSRS }
        return verify(srs, at: time)
    }

    /// Checks a parsed address as of `time` (seconds since 1970 UTC).
    public func verify(_ srs: SRSAddress, at time: Double) -> SRSResult {
        let data: [String]
        switch srs.kind {
        case .srs0: data = [srs.timestamp, srs.originalDomain, srs.originalLocalPart]
        case .srs1: data = [srs.firstForwarder ?? "", srs.srs1User ?? ""]
        }
        let given = srs.hash.prefix(hashLength).lowercased()
        guard given.count >= min(hashLength, 1),
              secrets.contains(where: { hash(data, secret: $0).prefix(given.count).lowercased() == given }) else {
            return .badHash
        }
        // libsrs2 srs_timestamp_check: decode TT (case-insensitive), then age = (today - then) mod 1024.
        var then = 0
        for b in srs.timestamp.utf8 {
            let upper = b >= 0x61 && b <= 0x7A ? b - 0x20 : b
            guard let v = Self.timeCharacters.firstIndex(of: upper) else { return .badTimestamp }
            then = then << 5 | v
        }
        guard srs.timestamp.utf8.count == 2, time.isFinite else { return .badTimestamp }
        let today = ((Int((time / 86_400).rounded(.down)) % 1024) + 1024) % 1024
        let age = ((today - then) % 1024 + 1024) % 1024
        return age <= maxAgeDays ? .valid : .expired(days: age)
    }

    /// Rewrites `local@domain` as an SRS0 address at `forwarder`, sent at `time` (for tests and tools).
    /// Returns nil when there is no secret.
    public func forward(local: String, domain: String, forwarder: String, at time: Double) -> String? {
        guard let secret = secrets.first, time.isFinite else { return nil }
        let day = ((Int((time / 86_400).rounded(.down)) % 1024) + 1024) % 1024
        let tt = String(decoding: [Self.timeCharacters[day >> 5 & 31], Self.timeCharacters[day & 31]], as: UTF8.self)
        let h = hash([tt, domain, local], secret: secret)
        return "SRS0=\(h)=\(tt)=\(domain)=\(local)@\(forwarder)"
    }

    /// Rewrites an SRS0 address (made by `srs0Host`) again as SRS1 at `forwarder` (libsrs2 srs_compile_guarded).
    public func forwardAgain(_ srs0Address: String, forwarder: String) -> String? {
        guard let secret = secrets.first, let at = srs0Address.lastIndex(ofASCII: ASCII.at) else { return nil }
        let local = srs0Address[..<at]
        let host = String(srs0Address[srs0Address.index(after: at)...])
        guard local.uppercased().hasPrefix("SRS0"), local.count > 4 else { return nil }
        let user = String(local.dropFirst(4))
        return "SRS1=\(hash([host, user], secret: secret))=\(host)=\(user)@\(forwarder)"
    }

    /// libsrs2 srs_hash_create_v: HMAC-SHA1 over the lower-cased data, base64, first `hashLength` characters.
    func hash(_ data: [String], secret: String) -> String {
        var hmac = HMAC<Insecure.SHA1>(key: SymmetricKey(data: Array(secret.utf8)))
        for part in data {
            hmac.update(data: part.utf8.map(ASCII.lowercased))
        }
        let mac = Array(hmac.finalize())
        return String(Self.base64(mac).prefix(hashLength))
    }

    private static let base64Characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(base64Characters[Int(n >> UInt32(shift) & 63)]) }
            i += 3
        }
        if i < bytes.count {
            var n = UInt32(bytes[i]) << 16
            if i + 1 < bytes.count { n |= UInt32(bytes[i + 1]) << 8 }
            out.append(base64Characters[Int(n >> 18 & 63)])
            out.append(base64Characters[Int(n >> 12 & 63)])
            if i + 1 < bytes.count { out.append(base64Characters[Int(n >> 6 & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
