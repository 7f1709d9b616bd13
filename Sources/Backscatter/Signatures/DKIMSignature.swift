#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
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
        let parsed = try bytes.withUnsafeBufferPointer { (buffer) throws(DKIMSignatureError) -> DKIMSignature in
            try DKIMSignature(tags: try DKIMSignature.TagScan(buffer), in: buffer)
        }
        self = parsed
    }

    /// Reads the tags the scan found, in the order (and with the errors) RFC 6376 §6.1.1 checks them.
    private init(tags: TagScan, in text: UnsafeBufferPointer<UInt8>) throws(DKIMSignatureError) {
        func required(_ range: Range<Int>?, _ name: StaticString) throws(DKIMSignatureError) -> UnsafeBufferPointer<UInt8> {
            guard let range, !range.isEmpty else { throw DKIMSignatureError("missing \(name)= tag") }
            return UnsafeBufferPointer(rebasing: text[range])
        }
        // §6.1.1: v= must be 1.
        guard let version = tags.v, version.count == 1, text[version.lowerBound] == UInt8(ascii: "1") else {
            throw DKIMSignatureError("v= is not 1")
        }
        algorithm = ASCII.lowercasedString(try required(tags.a, "a"))
        domain = ASCII.lowercasedString(try required(tags.d, "d"))
        selector = ASCII.lowercasedString(try required(tags.s, "s"))
        (headerCanonicalization, bodyCanonicalization) = DKIMSignature.canonicalization(tags.c.map { UnsafeBufferPointer(rebasing: text[$0]) })
        guard headerCanonicalization == "simple" || headerCanonicalization == "relaxed" else {
            throw DKIMSignatureError("unknown header canonicalization \(headerCanonicalization)")
        }
        let h = try required(tags.h, "h")
        var signed: [String] = []
        signed.reserveCapacity(16)
        var sawFrom = false
        var start = 0
        while start <= h.count {
            var end = start
            while end < h.count, h[end] != ASCII.colon { end += 1 }
            // Each name trimmed of WSP, CR and LF; empty names (a doubled or trailing colon) skipped.
            var s = start, e = end
            while s < e, ASCII.isWhitespaceOrNewline(h[s]) { s += 1 }
            while e > s, ASCII.isWhitespaceOrNewline(h[e - 1]) { e -= 1 }
            if s < e {
                let name = UnsafeBufferPointer(rebasing: h[s..<e])
                if !sawFrom, name.count == 4, DKIMSignature.isFrom(name) { sawFrom = true }
                signed.append(ASCII.lowercasedString(name))
            }
            start = end + 1
        }
        signedHeaders = signed
        // §5.4: the From field must be signed.
        guard sawFrom else { throw DKIMSignatureError("h= does not include from") }
        guard let b = Base64.decode(try required(tags.b, "b"), skippingWhitespace: true) else {
            throw DKIMSignatureError("b= is not base64")
        }
        signature = b
        bodyHash = tags.bh.flatMap { Base64.decode(UnsafeBufferPointer(rebasing: text[$0]), skippingWhitespace: true) } ?? []
        timestamp = tags.t.flatMap { DKIMSignature.integer(UnsafeBufferPointer(rebasing: text[$0])) }
        expiration = tags.x.flatMap { DKIMSignature.integer(UnsafeBufferPointer(rebasing: text[$0])) }
    }

    /// Whether a signed-header name is `from`, any case (it is lower-cased when kept).
    private static func isFrom(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        ASCII.lowercased(name[0]) == UInt8(ascii: "f") && ASCII.lowercased(name[1]) == UInt8(ascii: "r")
            && ASCII.lowercased(name[2]) == UInt8(ascii: "o") && ASCII.lowercased(name[3]) == UInt8(ascii: "m")
    }

    /// `c=` as (header, body), lower case; `simple/simple` when absent (§3.5). The common forms are read on
    /// bytes; anything else (non-ASCII, several or outer slashes) as the String split always read it.
    static func canonicalization(_ value: UnsafeBufferPointer<UInt8>?) -> (header: String, body: String) {
        guard let value else { return ("simple", "simple") }
        var slashes = 0, slash = 0, ascii = true
        for i in 0..<value.count {
            if value[i] == UInt8(ascii: "/") { slashes += 1; slash = i }
            if value[i] >= 0x80 { ascii = false }
        }
        if ascii, slashes == 0, !value.isEmpty { return (ASCII.lowercasedString(value), "simple") }
        if ascii, slashes == 1, slash > 0, slash < value.count - 1 {
            return (ASCII.lowercasedString(UnsafeBufferPointer(rebasing: value[..<slash])),
                    ASCII.lowercasedString(UnsafeBufferPointer(rebasing: value[(slash + 1)...])))
        }
        let canonicalization = ASCII.lowercasedString(value)
        let halves = canonicalization.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 1)
        return (halves.first.map { String(decoding: $0, as: UTF8.self) } ?? "simple",
                halves.count > 1 ? String(decoding: halves[1], as: UTF8.self) : "simple")
    }

    /// `t=` / `x=` as `Int(String)` reads it: plain digits on bytes, anything else through the String.
    static func integer(_ value: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !value.isEmpty, value.count <= 18 else { return Int(String(decoding: value, as: UTF8.self)) }
        var n = 0
        for b in value {
            guard ASCII.isDigit(b) else { return Int(String(decoding: value, as: UTF8.self)) }
            n = n * 10 + Int(b - ASCII.zero)
        }
        return n
    }

    /// One pass over a tag-list (§3.2: tag-spec *( ";" tag-spec ) [ ";" ], whitespace around names, '='
    /// and values ignored, a spec without '=' or with an empty name an error): the known tags' value
    /// ranges (trimmed), the first error met. Names are case-sensitive; a duplicate of any name is an error.
    struct TagScan {
        var v, a, b, bh, c, d, h, s, t, x: Range<Int>?
        /// The names of the other tags, kept only to find duplicates.
        private var others: [Range<Int>] = []

        init(_ text: UnsafeBufferPointer<UInt8>) throws(DKIMSignatureError) {
            var start = 0
            while start <= text.count {
                var end = start
                if let base = text.baseAddress, start < text.count,
                   let hit = memchr(base + start, Int32(ASCII.semicolon), text.count - start) {
                    end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                } else {
                    end = text.count
                }
                try take(text, start, end)
                start = end + 1
            }
        }

        /// One tag-spec, `text[start..<end]`.
        private mutating func take(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws(DKIMSignatureError) {
            var lo = start, hi = end
            while lo < hi, ASCII.isWhitespaceOrNewline(text[lo]) { lo += 1 }
            while hi > lo, ASCII.isWhitespaceOrNewline(text[hi - 1]) { hi -= 1 }
            if lo == hi { return }
            var eq = lo
            while eq < hi, text[eq] != ASCII.equals { eq += 1 }
            guard eq < hi else {
                let trimmed = UnsafeBufferPointer(rebasing: text[lo..<hi])
                throw DKIMSignatureError("tag without '=': \(String(decoding: trimmed, as: UTF8.self).prefix(40))")
            }
            var nameEnd = eq
            while nameEnd > lo, ASCII.isWhitespaceOrNewline(text[nameEnd - 1]) { nameEnd -= 1 }
            var valueStart = eq + 1
            while valueStart < hi, ASCII.isWhitespaceOrNewline(text[valueStart]) { valueStart += 1 }
            guard nameEnd > lo else { throw DKIMSignatureError("empty tag name") }
            let value = valueStart..<hi
            func set(_ slot: inout Range<Int>?) throws(DKIMSignatureError) {
                guard slot == nil else { throw DKIMSignatureError("duplicate \(String(decoding: UnsafeBufferPointer(rebasing: text[lo..<nameEnd]), as: UTF8.self))= tag") }
                slot = value
            }
            let first = text[lo]
            if nameEnd - lo == 1 {
                switch first {
                case UInt8(ascii: "v"): return try set(&v)
                case UInt8(ascii: "a"): return try set(&a)
                case UInt8(ascii: "b"): return try set(&b)
                case UInt8(ascii: "c"): return try set(&c)
                case UInt8(ascii: "d"): return try set(&d)
                case UInt8(ascii: "h"): return try set(&h)
                case UInt8(ascii: "s"): return try set(&s)
                case UInt8(ascii: "t"): return try set(&t)
                case UInt8(ascii: "x"): return try set(&x)
                default: break
                }
            } else if nameEnd - lo == 2, first == UInt8(ascii: "b"), text[lo + 1] == UInt8(ascii: "h") {
                return try set(&bh)
            }
            let name = UnsafeBufferPointer(rebasing: text[lo..<nameEnd])
            for other in others where other.count == name.count
                && UnsafeBufferPointer(rebasing: text[other]).elementsEqual(name) {
                throw DKIMSignatureError("duplicate \(String(decoding: name, as: UTF8.self))= tag")
            }
            others.append(lo..<nameEnd)
        }
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

extension DKIMTags {
    /// `DKIMTags(value)["d"]?.lowercasedIfNeeded()` and the same of `s`, read in one pass over the bytes
    /// without the item list (the classifier's look-up of the key a signature names).
    static func domainAndSelector(_ value: ByteSlice) -> (domain: String?, selector: String?) {
        value.withUnsafeBufferPointer { text in
            var domain: String?, selector: String?
            var start = 0
            while start < text.count, domain == nil || selector == nil {
                var end = start
                while end < text.count, text[end] != ASCII.semicolon { end += 1 }
                var eq = start
                while eq < end, text[eq] != ASCII.equals { eq += 1 }
                if eq < end {
                    // The name, trimmed of WSP, CR and LF, compared ignoring ASCII case.
                    var lo = start, hi = eq
                    while lo < hi, ASCII.isWhitespaceOrNewline(text[lo]) { lo += 1 }
                    while hi > lo, ASCII.isWhitespaceOrNewline(text[hi - 1]) { hi -= 1 }
                    if hi - lo == 1 {
                        let name = ASCII.lowercased(text[lo])
                        if name == UInt8(ascii: "d"), domain == nil {
                            domain = lowercasedValue(UnsafeBufferPointer(rebasing: text[(eq + 1)..<end]))
                        } else if name == UInt8(ascii: "s"), selector == nil {
                            selector = lowercasedValue(UnsafeBufferPointer(rebasing: text[(eq + 1)..<end]))
                        }
                    }
                }
                start = end + 1
            }
            return (domain, selector)
        }
    }

    /// A value with all WSP, CR and LF removed, lower case (`lowercasedIfNeeded`: ASCII on bytes).
    private static func lowercasedValue(_ value: UnsafeBufferPointer<UInt8>) -> String {
        var ascii = true
        var kept = 0
        for b in value where !ASCII.isWhitespaceOrNewline(b) {
            kept += 1
            if b >= 0x80 { ascii = false }
        }
        guard ascii else {
            return String(decoding: value.filter { !ASCII.isWhitespaceOrNewline($0) }, as: UTF8.self).lowercasedIfNeeded()
        }
        return String(unsafeUninitializedCapacity: kept) { buffer in
            var n = 0
            for b in value where !ASCII.isWhitespaceOrNewline(b) {
                buffer[n] = ASCII.lowercased(b)
                n += 1
            }
            return n
        }
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
        var table = TransferDecoding.base64Sextets
        table[Int(UInt8(ascii: "="))] = 64
        for c in [ASCII.space, ASCII.tab, ASCII.carriageReturn, ASCII.lineFeed] { table[Int(c)] = 65 }
        return table
    }()

    /// Decodes `bytes`; with `skippingWhitespace`, WSP, CR and LF anywhere are ignored.
    static func decode(_ bytes: some Collection<UInt8>, skippingWhitespace: Bool = false) -> [UInt8]? {
        if let done = bytes.withContiguousStorageIfAvailable({ decode($0, skippingWhitespace: skippingWhitespace) }) {
            return done
        }
        return Array(bytes).withUnsafeBufferPointer { decode($0, skippingWhitespace: skippingWhitespace) }
    }

    /// `decode` on contiguous bytes, written straight into the result's storage.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, skippingWhitespace: Bool) -> [UInt8]? {
        var valid = true
        var padding = 0
        let out = values.withUnsafeBufferPointer { table in
            [UInt8](uninitializedCapacity: bytes.count * 3 / 4 + 1) { buffer, count in
                var n = 0
                var accumulator: UInt32 = 0
                var bits = 0
                var i = 0
                let total = bytes.count
                while i < total {
                    // Four alphabet bytes (no padding yet) add 24 bits: three bytes out, `bits` unchanged.
                    if i + 4 <= total, padding == 0 {
                        let v0 = table[Int(bytes[i])], v1 = table[Int(bytes[i + 1])]
                        let v2 = table[Int(bytes[i + 2])], v3 = table[Int(bytes[i + 3])]
                        if v0 | v1 | v2 | v3 < 64 {
                            accumulator = accumulator << 24 | UInt32(v0) << 18 | UInt32(v1) << 12 | UInt32(v2) << 6 | UInt32(v3)
                            buffer[n] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits + 16))
                            buffer[n + 1] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits + 8))
                            buffer[n + 2] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                            n += 3
                            i += 4
                            continue
                        }
                    }
                    let b = bytes[i]
                    i += 1
                    let v = table[Int(b)]
                    if v < 64 {
                        if padding > 0 { valid = false; break }
                        accumulator = accumulator << 6 | UInt32(v)
                        bits += 6
                        if bits >= 8 {
                            bits -= 8
                            buffer[n] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                            n += 1
                        }
                    } else if v == 64 {
                        padding += 1
                    } else if v == 65, skippingWhitespace {
                        continue
                    } else {
                        valid = false
                        break
                    }
                }
                count = n
            }
        }
        return valid && padding <= 2 ? out : nil
    }
}
