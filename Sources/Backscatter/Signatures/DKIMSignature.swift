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
        let bytes: ByteSlice = value as? ByteSlice ?? Array(value)[...]
        let tags = try DKIMSignature.tagList(bytes)
        // Tags are read as byte slices of the one value; only the short ones become Strings.
        func tag(_ name: StaticString) -> ByteSlice? {
            tags.first { $0.name.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)) }?.value
        }
        func required(_ name: StaticString) throws(DKIMSignatureError) -> ByteSlice {
            guard let v = tag(name), !v.isEmpty else { throw DKIMSignatureError("missing \(name)= tag") }
            return v
        }
        // §6.1.1: v= must be 1.
        guard let version = tag("v"), version.count == 1, version.first == UInt8(ascii: "1") else {
            throw DKIMSignatureError("v= is not 1")
        }
        algorithm = ASCII.lowercasedString(try required("a"))
        domain = ASCII.lowercasedString(try required("d"))
        selector = ASCII.lowercasedString(try required("s"))
        let canonicalization = tag("c").map { ASCII.lowercasedString($0) } ?? "simple/simple"
        let halves = canonicalization.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 1)
        headerCanonicalization = halves.first.map { String(decoding: $0, as: UTF8.self) } ?? "simple"
        bodyCanonicalization = halves.count > 1 ? String(decoding: halves[1], as: UTF8.self) : "simple"
        guard ["simple", "relaxed"].contains(headerCanonicalization) else {
            throw DKIMSignatureError("unknown header canonicalization \(headerCanonicalization)")
        }
        var signed: [String] = []
        try required("h").forEachPiece(separatedBy: ASCII.colon) { name in
            let trimmed = name.trimmingWhitespace()
            if !trimmed.isEmpty { signed.append(ASCII.lowercasedString(trimmed)) }
        }
        signedHeaders = signed
        // §5.4: the From field must be signed.
        guard signedHeaders.contains("from") else { throw DKIMSignatureError("h= does not include from") }
        guard let b = DKIMSignature.base64(try required("b")) else { throw DKIMSignatureError("b= is not base64") }
        signature = b
        bodyHash = tag("bh").flatMap(DKIMSignature.base64) ?? []
        timestamp = tag("t").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
        expiration = tag("x").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
    }

    /// §3.2 tag-list: tag-spec *( ";" tag-spec ) [ ";" ], whitespace around names, '=' and values ignored,
    /// FWS inside values removed for the base64 tags later. Duplicate tags make the signature invalid.
    /// Tag names are compared as written (§3.2: they are case-sensitive).
    static func tagList(_ bytes: ByteSlice) throws(DKIMSignatureError) -> [(name: ByteSlice, value: ByteSlice)] {
        var out: [(name: ByteSlice, value: ByteSlice)] = []
        out.reserveCapacity(12)
        try bytes.forEachPiece(separatedBy: ASCII.semicolon) { (spec) throws(DKIMSignatureError) in
            let trimmed = spec.trimmingWhitespace()
            if trimmed.isEmpty { return }
            guard let eq = trimmed.firstIndex(of: UInt8(ascii: "=")) else {
                throw DKIMSignatureError("tag without '=': \(String(decoding: trimmed, as: UTF8.self).prefix(40))")
            }
            let name = trimmed[..<eq].trimmingWhitespace()
            let value = trimmed[(eq + 1)...].trimmingWhitespace()
            guard !name.isEmpty else { throw DKIMSignatureError("empty tag name") }
            if out.contains(where: { $0.name.elementsEqual(name) }) {
                throw DKIMSignatureError("duplicate \(String(decoding: name, as: UTF8.self))= tag")
            }
            out.append((name, value))
        }
        return out
    }

    /// Base64 with folding white space skipped (§3.5: b= and bh= may be folded).
    static func base64(_ bytes: ByteSlice) -> [UInt8]? {
        Base64.decode(bytes, skippingWhitespace: true)
    }
}

/// The tags of a DKIM-Signature value (RFC 6376 §3.2: `tag=value; ...`, whitespace ignored), read leniently:
/// a malformed item is skipped, where `DKIMSignature` refuses the whole signature. For d= and s= of any
/// signature, and of one too broken to parse.
struct DKIMTags {
    /// Each tag's name and raw value, slices of the field, in order.
    private var items: [(name: ByteSlice, value: ByteSlice)] = []

    init(_ value: ByteSlice) {
        value.forEachPiece(separatedBy: ASCII.semicolon) { item in
            guard let eq = item.firstIndex(of: ASCII.equals) else { return }
            items.append((item[..<eq].trimmingWhitespace(), item[(eq + 1)...]))
        }
    }

    /// The first value of the tag `name` (lower case), white space removed; built only when asked
    /// (the b= value is long and the classifier wants d= and s=).
    subscript(_ name: String) -> String? {
        guard let item = items.first(where: { $0.name.count == name.utf8.count && $0.name.lazy.map(ASCII.lowercased).elementsEqual(name.utf8) })
        else { return nil }
        return String(decoding: item.value.filter { !ASCII.isWhitespaceOrNewline($0) }, as: UTF8.self)
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

/// Strict standard-alphabet base64 (RFC 4648 §4), padding optional; nil on any other byte: for DKIM's b=,
/// bh= and keys, where such a byte means a malformed value. (MIME bodies use the tolerant
/// `TransferDecoding.base64`, which skips it, as RFC 2045 §6.8 asks.)
enum Base64 {
    /// Each byte's 6-bit value; 64 for '=', 65 for white space and line ends, 255 for anything else.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = UInt8(i)
        }
        table[Int(UInt8(ascii: "="))] = 64
        for c in [ASCII.space, ASCII.tab, ASCII.carriageReturn, ASCII.lineFeed] { table[Int(c)] = 65 }
        return table
    }()

    /// Decodes `bytes`; with `skippingWhitespace`, WSP, CR and LF anywhere are ignored.
    static func decode(_ bytes: some Collection<UInt8>, skippingWhitespace: Bool = false) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        let table = values
        for b in bytes {
            let v = table[Int(b)]
            if v < 64 {
                if padding > 0 { return nil }
                buffer = buffer << 6 | UInt32(v)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                }
            } else if v == 64 {
                padding += 1
            } else if v == 65, skippingWhitespace {
                continue
            } else {
                return nil
            }
        }
        return padding <= 2 ? out : nil
    }
}
