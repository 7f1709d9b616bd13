import CryptoExtras
import Crypto
import FoundationEssentials

/// One of the site's DKIM signing keys, as the profile's `[[dkim]]` names it: the domain (`d=`), the
/// selector (`s=`) and the public key.
public struct DKIMKey: Sendable, Hashable {
    /// The key's algorithm (RFC 6376 §3.3 rsa-sha256, RFC 8463 ed25519-sha256).
    public enum Algorithm: String, Sendable, Hashable {
        case rsa, ed25519
    }

    /// The signing domain (`d=`), lower case.
    public let domain: String
    /// The selector (`s=`), lower case.
    public let selector: String
    /// The public key as written: PEM, or the base64 of a DNS `p=` tag.
    public let publicKey: String
    /// The key's algorithm, found from the key itself.
    public let algorithm: Algorithm
    /// The parsed key, for verification.
    package let verifier: DKIMVerifierKey

    /// A key from its domain, selector and public key text.
    ///
    /// The key may be PEM (`-----BEGIN PUBLIC KEY-----`, SubjectPublicKeyInfo, or `BEGIN RSA PUBLIC KEY`,
    /// PKCS#1) or bare base64 as published in DNS (RFC 6376 §3.6.1 `p=`: RSA SubjectPublicKeyInfo;
    /// RFC 8463 §4.2: the 32 raw bytes of an Ed25519 key). RSA keys of 1024 bits or more are accepted,
    /// as DKIM deployments still use 1024 (RFC 8301 §3.2 requires verifiers to accept them).
    /// - Throws: `DKIMKeyError` when the text is not such a key.
    public init(domain: String, selector: String, publicKey: String) throws(DKIMKeyError) {
        self.domain = domain.lowercased()
        self.selector = selector.lowercased()
        self.publicKey = publicKey
        guard let der = DKIMKey.decodeKeyText(publicKey) else {
            throw DKIMKeyError(reason: "not PEM or base64 text")
        }
        if let raw = DKIMKey.ed25519RawKey(der) {
            guard (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil else {
                throw DKIMKeyError(reason: "not a valid Ed25519 public key")
            }
            algorithm = .ed25519
            verifier = .ed25519(raw)
            return
        }
        // The key's DER is read here, and swift-crypto is only handed the modulus and exponent (or, under
        // 2048 bits, a DER written here from them): in swift-crypto 3.12.3 a DER that failed to parse made
        // `_RSA.Signing.PublicKey(derRepresentation:)` free its EVP_PKEY twice, which aborted the process
        // now and then. A profile, or a DNS record, must never be able to crash us, whatever the library.
        guard let (n, e) = DKIMKey.rsaModulusAndExponent(der) else {
            throw DKIMKeyError(reason: "not an RSA (SubjectPublicKeyInfo or PKCS#1) or Ed25519 public key")
        }
        let bits = DKIMKey.bitLength(n)
        // RFC 8301 §3.2: keys under 1024 bits are not valid; very large keys are refused as a cost limit.
        guard bits >= 1024, bits <= 16_384 else {
            throw DKIMKeyError(reason: "an RSA key of \(bits) bits (DKIM needs 1024 to 16384)")
        }
        do {
            // swift-crypto 4 builds keys under 2048 bits from their DER only, through its "unsafe" entry.
            verifier = .rsa(bits >= 2048 ? try _RSA.Signing.PublicKey(n: n, e: e)
                : try _RSA.Signing.PublicKey(unsafeDERRepresentation: DKIMKey.pkcs1DER(modulus: n, exponent: e)))
            algorithm = .rsa
        } catch {
            throw DKIMKeyError(reason: "not a usable RSA public key")
        }
    }

    /// n and e of an RSA public key in SubjectPublicKeyInfo (RFC 5280 §4.1, RFC 8017 A.1: rsaEncryption or
    /// RSASSA-PSS) or bare PKCS#1 RSAPublicKey DER; nil for anything else.
    static func rsaModulusAndExponent(_ der: [UInt8]) -> ([UInt8], [UInt8])? {
        var outer = DERReader(der[...])
        guard let top = outer.read(tag: 0x30), outer.isAtEnd else { return nil }
        var reader = DERReader(top)
        var rsaKey: ArraySlice<UInt8>
        if reader.peekTag == 0x30 {
            // SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }.
            guard let algorithm = reader.read(tag: 0x30), let bitString = reader.read(tag: 0x03), reader.isAtEnd
            else { return nil }
            var algorithmReader = DERReader(algorithm)
            guard let oid = algorithmReader.read(tag: 0x06) else { return nil }
            let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
            let rsassaPSS: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]
            guard oid.elementsEqual(rsaEncryption) || oid.elementsEqual(rsassaPSS) else { return nil }
            guard bitString.first == 0 else { return nil }        // no unused bits
            var keyReader = DERReader(bitString.dropFirst())
            guard let key = keyReader.read(tag: 0x30), keyReader.isAtEnd else { return nil }
            rsaKey = key
        } else {
            rsaKey = top                                          // PKCS#1 RSAPublicKey
        }
        var keyReader = DERReader(rsaKey)
        guard var n = keyReader.read(tag: 0x02), var e = keyReader.read(tag: 0x02), keyReader.isAtEnd else { return nil }
        // INTEGERs are two's complement: a leading zero keeps them positive; a negative one is no key.
        guard let nFirst = n.first, nFirst & 0x80 == 0, let eFirst = e.first, eFirst & 0x80 == 0 else { return nil }
        while n.first == 0 { n = n.dropFirst() }
        while e.first == 0 { e = e.dropFirst() }
        guard !n.isEmpty, !e.isEmpty, e.count <= 8 else { return nil }
        return (Array(n), Array(e))
    }

    /// The PKCS#1 RSAPublicKey DER (RFC 8017 A.1.1: SEQUENCE { modulus INTEGER, publicExponent INTEGER })
    /// of a modulus and exponent given as big-endian unsigned integers without leading zero bytes.
    static func pkcs1DER(modulus: [UInt8], exponent: [UInt8]) -> [UInt8] {
        // X.690 §8.1.3: a length under 128 in one byte, else 0x80 + the count of its big-endian bytes.
        func length(_ count: Int) -> [UInt8] {
            if count < 0x80 { return [UInt8(count)] }
            var bytes: [UInt8] = []
            var rest = count
            while rest > 0 { bytes.insert(UInt8(rest & 0xFF), at: 0); rest >>= 8 }
            return [0x80 | UInt8(bytes.count)] + bytes
        }
        // X.690 §8.3: two's complement, so a leading byte with its top bit set needs a zero byte before it.
        func integer(_ value: [UInt8]) -> [UInt8] {
            let content = (value.first ?? 0x80) >= 0x80 ? [0] + value : value
            return [0x02] + length(content.count) + content
        }
        let body = integer(modulus) + integer(exponent)
        return [0x30] + length(body.count) + body
    }

    /// The number of significant bits of a big-endian unsigned integer without leading zero bytes.
    static func bitLength(_ bytes: [UInt8]) -> Int {
        guard let first = bytes.first else { return 0 }
        return (bytes.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    /// Keys are equal when domain, selector and key text are.
    public static func == (lhs: DKIMKey, rhs: DKIMKey) -> Bool {
        lhs.domain == rhs.domain && lhs.selector == rhs.selector && lhs.publicKey == rhs.publicKey
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(domain)
        hasher.combine(selector)
        hasher.combine(publicKey)
    }

    /// The DER bytes inside PEM armor, or the bytes of bare base64 (whitespace ignored).
    static func decodeKeyText(_ text: String) -> [UInt8]? {
        var body = ""
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            let trimmed = line.trimmedSlice
            if trimmed.hasPrefix("-----") { continue }    // PEM armor lines (RFC 7468 §2)
            body += trimmed.filter { $0 != " " && $0 != "\t" }
        }
        guard !body.isEmpty else { return nil }
        return Base64.decode(body.utf8)
    }

    /// RFC 8410 §4 SubjectPublicKeyInfo prefix of an Ed25519 key (OID 1.3.101.112).
    private static let ed25519SPKIPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// The 32 raw key bytes when `der` is an Ed25519 key (raw, as RFC 8463 publishes it, or SPKI).
    static func ed25519RawKey(_ der: [UInt8]) -> [UInt8]? {
        if der.count == 32 { return der }
        if der.count == 44, der.starts(with: ed25519SPKIPrefix) { return Array(der[12...]) }
        return nil
    }
}

/// A parsed DKIM public key.
package enum DKIMVerifierKey: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    /// The 32 raw bytes (swift-crypto's `Curve25519.Signing.PublicKey` is not `Sendable`, so it is made at use).
    case ed25519([UInt8])
}

/// Why a text is not a usable DKIM public key.
public struct DKIMKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with it.
    public let reason: String
    /// The reason.
    public var description: String { reason }
}

/// Reads DER TLVs (X.690 §8.1) with definite lengths of up to four bytes; nil on anything malformed.
struct DERReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { bytes.isEmpty }
    var peekTag: UInt8? { bytes.first }

    /// The contents of the next element if its tag is `tag`.
    mutating func read(tag: UInt8) -> ArraySlice<UInt8>? {
        var rest = bytes
        guard rest.popFirst() == tag, let first = rest.popFirst() else { return nil }
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count >= 1, count <= 4 else { return nil }
            for _ in 0..<count {
                guard let b = rest.popFirst() else { return nil }
                length = length << 8 | Int(b)
            }
        }
        guard length <= rest.count else { return nil }
        let contents = rest.prefix(length)
        bytes = rest.dropFirst(length)
        return contents
    }
}
