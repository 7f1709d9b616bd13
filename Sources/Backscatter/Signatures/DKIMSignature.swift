import MailParsing

/// A parsed DKIM-Signature field (RFC 6376 §3.5): the tags the header-hash check needs.
public struct DKIMSignature: Sendable, Hashable {
    /// `a=`, lower case: `rsa-sha256`, `ed25519-sha256` (RFC 8463), `rsa-sha1` (obsolete, RFC 8301).
    public var algorithm: String
    /// `c=` header canonicalization, lower case: `simple` (the default) or `relaxed`.
    public var headerCanonicalization: String
    /// `c=` body canonicalization, lower case (not used: the body of a returned original is usually cut).
    public var bodyCanonicalization: String
    /// `d=`, lower case.
    public var domain: String
    /// `s=`, lower case.
    public var selector: String
    /// `h=`: the signed header field names, lower case, in order.
    public var signedHeaders: [String]
    /// `b=`: the signature bytes.
    public var signature: [UInt8]
    /// `bh=`: the body hash bytes.
    public var bodyHash: [UInt8]
    /// `t=`: signing time, seconds since 1970, when given.
    public var timestamp: Int?
    /// `x=`: expiry, seconds since 1970, when given.
    public var expiration: Int?

    /// Parses a DKIM-Signature field value (unfolded or not).
    /// - Throws: `DKIMSignatureError` when a required tag is missing or malformed (RFC 6376 §6.1.1).
    public init(parsing value: some Collection<UInt8>) throws(DKIMSignatureError) {
        let tags = try DKIMSignature.tagList(Array(value))
        func tag(_ name: String) -> String? { tags.first { $0.name == name }?.value }
        func required(_ name: String) throws(DKIMSignatureError) -> String {
            guard let v = tag(name), !v.isEmpty else { throw DKIMSignatureError("missing \(name)= tag") }
            return v
        }
        // §6.1.1: v= must be 1.
        guard tag("v") == "1" else { throw DKIMSignatureError("v= is not 1") }
        algorithm = try required("a").lowercased()
        domain = try required("d").lowercased()
        selector = try required("s").lowercased()
        let canonicalization = (tag("c") ?? "simple/simple").lowercased().split(separator: "/", maxSplits: 1)
        headerCanonicalization = canonicalization.first.map(String.init) ?? "simple"
        bodyCanonicalization = canonicalization.count > 1 ? String(canonicalization[1]) : "simple"
        guard ["simple", "relaxed"].contains(headerCanonicalization) else {
            throw DKIMSignatureError("unknown header canonicalization \(headerCanonicalization)")
        }
        // Split on the UTF-8 bytes: a Character-based split of the name list showed in `perf` next to the RSA check.
        signedHeaders = try required("h").utf8.split(separator: UInt8(ascii: ":")).compactMap { name in
            let trimmed = Array(name)[...].trimmingWhitespace()
            return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self).lowercased()
        }
        // §5.4: the From field must be signed.
        guard signedHeaders.contains("from") else { throw DKIMSignatureError("h= does not include from") }
        guard let b = DKIMSignature.base64(try required("b")) else { throw DKIMSignatureError("b= is not base64") }
        signature = b
        bodyHash = DKIMSignature.base64(tag("bh") ?? "") ?? []
        timestamp = tag("t").flatMap { Int($0) }
        expiration = tag("x").flatMap { Int($0) }
    }

    /// §3.2 tag-list: tag-spec *( ";" tag-spec ) [ ";" ], whitespace around names, '=' and values ignored,
    /// FWS inside values removed for the base64 tags later. Duplicate tags make the signature invalid.
    static func tagList(_ bytes: [UInt8]) throws(DKIMSignatureError) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        for spec in bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            let trimmed = spec.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: UInt8(ascii: "=")) else {
                throw DKIMSignatureError("tag without '=': \(String(decoding: trimmed, as: UTF8.self).prefix(40))")
            }
            let name = String(decoding: trimmed[..<eq].trimmingWhitespace(), as: UTF8.self)
            let value = String(decoding: trimmed[(eq + 1)...].trimmingWhitespace(), as: UTF8.self)
            guard !name.isEmpty else { throw DKIMSignatureError("empty tag name") }
            if out.contains(where: { $0.name == name }) { throw DKIMSignatureError("duplicate \(name)= tag") }
            out.append((name, value))
        }
        return out
    }

    /// Base64 with folding white space removed (§3.5: b= and bh= may be folded).
    static func base64(_ text: String) -> [UInt8]? {
        let cleaned = text.utf8.filter { !ASCII.isWhitespaceOrNewline($0) }
        return Base64.decode(cleaned)
    }
}

/// Why a DKIM-Signature field cannot be used.
public struct DKIMSignatureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    /// The reason.
    public var description: String { reason }
}

/// Strict standard-alphabet base64 (RFC 4648 §4), padding optional; nil on any other byte.
enum Base64 {
    static func decode(_ bytes: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for b in bytes {
            let v: UInt32
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(b - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(b - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(b - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            if padding > 0 { return nil }
            buffer = buffer << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return padding <= 2 ? out : nil
    }
}
