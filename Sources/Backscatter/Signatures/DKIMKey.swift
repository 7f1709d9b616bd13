import _CryptoExtras
import Crypto
import Foundation

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
        do {
            let key = try _RSA.Signing.PublicKey(unsafeDERRepresentation: der)
            algorithm = .rsa
            verifier = .rsa(key)
        } catch {
            throw DKIMKeyError(reason: "not an RSA (1024 bits or more) or Ed25519 public key")
        }
    }

    /// Keys are equal when domain, selector and key text are.
    public static func == (lhs: DKIMKey, rhs: DKIMKey) -> Bool {
        lhs.domain == rhs.domain && lhs.selector == rhs.selector && lhs.publicKey == rhs.publicKey
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(domain)
        hasher.combine(selector)
        hasher.combine(publicKey)
    }

    /// The DER bytes inside PEM armor, or the bytes of bare base64 (whitespace ignored).
    static func decodeKeyText(_ text: String) -> [UInt8]? {
        var body = ""
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            let trimmed = line.trimmingASCIIWhitespace()
            if trimmed.hasPrefix("-----") { continue }    // PEM armor lines (RFC 7468 §2)
            body += trimmed.filter { $0 != " " && $0 != "\t" }
        }
        guard !body.isEmpty, let data = Data(base64Encoded: body) else { return nil }
        return [UInt8](data)
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
    public var description: String { reason }
}
