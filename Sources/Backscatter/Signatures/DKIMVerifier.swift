import CryptoExtras
import Crypto
import FoundationEssentials
import MailParsing

/// What the header-hash check of the site's DKIM signature found.
public enum DKIMResult: Sendable, Hashable {
    /// A signature of one of the site's domains verifies with the profile's key.
    case verified
    /// A signature of one of the site's domains is there but does not verify (the reason says why).
    case failed(String)
    /// A signature of one of the site's domains does not verify, and fields it signed are missing from the
    /// header section (named here, lower case): the returned header was cut short (sisimai's
    /// lhost-receivingses templates return the header only up to the signature), not necessarily forged.
    case incomplete(missing: [String])
    /// No DKIM-Signature of the site's key domains is in the header section.
    case noSignatureForDomain
    /// A signature of the site's domain that cannot be checked: unknown selector, obsolete or unknown
    /// algorithm, or malformed tags (the reason says which).
    case unsupported(String)
}

/// Checks the site's own DKIM signatures on a returned original's header section (RFC 6376 §6.1,
/// header hash only: a bounce usually returns the original's headers and cuts the body, so `bh=` is not
/// compared).
///
/// RSA-SHA256 (PKCS#1 v1.5, §3.3.1) and Ed25519-SHA256 (RFC 8463 §3: Ed25519 over the SHA-256 of the
/// data) are verified with swift-crypto. RSA-SHA1 is reported unsupported: RFC 8301 §3.1 forbids treating it
/// as valid.
public struct DKIMVerifier: Sendable {
    /// The site's keys.
    public var keys: [DKIMKey]

    /// A verifier for the given keys.
    public init(keys: [DKIMKey]) {
        self.keys = keys
    }

    /// A verifier for a profile's `[[dkim]]` keys.
    public init(_ profile: SiteProfile) {
        self.init(keys: profile.dkim)
    }

    /// Checks every DKIM-Signature of the site's domains in `headers`; the best result wins
    /// (verified, then failed, then unsupported).
    public func verify(_ headers: HeaderSection) -> DKIMResult {
        var failure: DKIMResult?
        var unsupported: DKIMResult?
        var sawOurs = false
        let domains = Set(keys.map(\.domain))
        for field in headers.fields where field.hasName("dkim-signature") {
            let signature: DKIMSignature
            do {
                signature = try DKIMSignature(parsing: field.unfoldedValue)
            } catch {
                // Only a malformed signature that names one of our domains concerns us.
                if let d = DKIMTags(field.unfoldedValue)["d"]?.lowercased(), domains.contains(d) {
                    sawOurs = true
                    unsupported = unsupported ?? .unsupported("malformed DKIM-Signature: \(error.reason)")
                }
                continue
            }
            guard domains.contains(signature.domain) else { continue }
            sawOurs = true
            let result = verify(signature, field: field, in: headers)
            switch result {
            case .verified: return .verified
            case .failed, .incomplete: failure = failure ?? result
            case .unsupported: unsupported = unsupported ?? result
            case .noSignatureForDomain: break
            }
        }
        if let failure { return failure }
        if let unsupported { return unsupported }
        return sawOurs ? .unsupported("no usable signature") : .noSignatureForDomain
    }

    /// Checks one DKIM-Signature field of `headers` (whatever its d=) with the keys of its d= and s=.
    public func verify(field: HeaderField, in headers: HeaderSection) -> DKIMResult {
        do {
            return verify(try DKIMSignature(parsing: field.unfoldedValue), field: field, in: headers)
        } catch {
            return .unsupported("malformed DKIM-Signature: \(error.reason)")
        }
    }

    /// Checks one parsed signature against the header section it was found in.
    public func verify(_ signature: DKIMSignature, field: HeaderField, in headers: HeaderSection) -> DKIMResult {
        // One selector names one key; should a profile list several, the one of the signature's algorithm is used.
        let candidates = keys.filter { $0.domain == signature.domain && $0.selector == signature.selector }
        let wanted: DKIMKey.Algorithm? = signature.algorithm.hasPrefix("ed25519") ? .ed25519
            : signature.algorithm.hasPrefix("rsa") ? .rsa : nil
        guard let key = candidates.first(where: { $0.algorithm == wanted }) ?? candidates.first else {
            return .unsupported("no key in the profile for selector \(signature.selector) of \(signature.domain)")
        }
        return Self.verify(signature, field: field, in: headers, key: key)
    }

    /// Checks one parsed signature with the given key (its d= and s= already matched).
    static func verify(_ signature: DKIMSignature, field: HeaderField, in headers: HeaderSection, key: DKIMKey) -> DKIMResult {
        let data = DKIMCanonicalization.headerHashInput(fields: headers.fields, in: headers.raw,
                                                        signatureField: field, signature: signature)
        let digest = SHA256.hash(data: data)
        let result = check(signature, digest: digest, key: key)
        guard case .failed = result else { return result }
        var missing: [String] = []
        for name in signature.signedHeaders where !missing.contains(name) {
            if !headers.fields.contains(where: { $0.hasName(name) }) { missing.append(name) }
        }
        return missing.isEmpty ? result : .incomplete(missing: missing)
    }

    private static func check(_ signature: DKIMSignature, digest: SHA256.Digest, key: DKIMKey) -> DKIMResult {
        switch (signature.algorithm, key.verifier) {
        case ("rsa-sha256", .rsa(let publicKey)):
            let valid = publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature.signature),
                                                   for: digest, padding: .insecurePKCS1v1_5)
            return valid ? .verified : .failed("the RSA-SHA256 signature does not match the signed header fields")
        case ("ed25519-sha256", .ed25519(let raw)):
            guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                return .unsupported("the Ed25519 key cannot be used")
            }
            let valid = publicKey.isValidSignature(signature.signature, for: Data(digest))
            return valid ? .verified : .failed("the Ed25519 signature does not match the signed header fields")
        case ("rsa-sha256", .ed25519), ("ed25519-sha256", .rsa):
            return .failed("a=\(signature.algorithm) does not fit the profile's \(key.algorithm.rawValue) key for \(signature.selector)")
        case ("rsa-sha1", _):
            return .unsupported("rsa-sha1 is not accepted (RFC 8301 §3.1)")
        default:
            return .unsupported("unknown algorithm a=\(signature.algorithm)")
        }
    }
}

extension DKIMVerifier {
    /// Checks the site's signatures in header sections found anywhere in `bytes`: for a bounce that returns
    /// the original inline (not as a message/rfc822 part). Around each `DKIM-Signature:` the header block is
    /// the run of field and continuation lines before and after it, which may all carry the same
    /// indentation or quoting (`  `, `> `, as in RFC 3462-style "header fields of the message you sent"
    /// reports); that prefix is removed before the block is parsed. The best result wins.
    /// - Complexity: O(size of each block); at most `maxSignatures` (default 16) signatures are tried.
    public func verify(embeddedIn bytes: ByteSlice, maxSignatures: Int = 16) -> DKIMResult {
        var results: [DKIMResult] = []
        var searchFrom = bytes.startIndex
        while results.count < maxSignatures, searchFrom < bytes.endIndex,
              let hit = bytes[searchFrom...].firstRange(ofCaseInsensitive: "dkim-signature:") {
            searchFrom = hit.upperBound
            guard let block = EmbeddedHeaderBlock.extract(bytes, around: hit.lowerBound) else { continue }
            results.append(verify(HeaderSection.parse(block[...])))
            if results.last == .verified { return .verified }
        }
        return results.first { if case .failed = $0 { true } else { false } }
            ?? results.first { if case .incomplete = $0 { true } else { false } }
            ?? results.first { if case .unsupported = $0 { true } else { false } }
            ?? .noSignatureForDomain
    }
}

/// Finds the header block around a field inside free text, and undoes its indentation.
enum EmbeddedHeaderBlock {
    /// Longest indentation or quoting prefix accepted.
    static let maxPrefix = 8

    /// The header block (prefix removed, LF line ends) containing the field that starts at `fieldStart`, or
    /// nil when the text before the field on its line is not a plain prefix of spaces, tabs and '>'.
    static func extract(_ bytes: ByteSlice, around fieldStart: Int) -> [UInt8]? {
        // The line holding the field, and its prefix.
        var lineStart = fieldStart
        while lineStart > bytes.startIndex, !isLineEnd(bytes[lineStart - 1]) { lineStart -= 1 }
        let prefix = bytes[lineStart..<fieldStart]
        guard prefix.count <= maxPrefix,
              prefix.allSatisfy({ $0 == ASCII.space || $0 == ASCII.tab || $0 == ASCII.greaterThan }) else { return nil }
        // Walk back over field and continuation lines with the same prefix.
        var first = lineStart
        while first > bytes.startIndex {
            let previous = lineRange(bytes, endingBefore: first)
            guard belongs(bytes[previous], prefix: prefix) else { break }
            first = previous.lowerBound
        }
        // Then forward from the first line to the end of the block.
        var out: [UInt8] = []
        var cursor = first
        while cursor < bytes.endIndex {
            var end = cursor
            while end < bytes.endIndex, !isLineEnd(bytes[end]) { end += 1 }
            let line = bytes[cursor..<end]
            guard cursor < lineStart || belongs(line, prefix: prefix) else { break }
            out += line.dropFirst(prefix.count)
            out.append(ASCII.lineFeed)
            // Step over the line end (CRLF, LF or CR).
            if end < bytes.endIndex, bytes[end] == ASCII.carriageReturn { end += 1 }
            if end < bytes.endIndex, bytes[end] == ASCII.lineFeed, end == cursor || bytes[end - 1] != ASCII.lineFeed {
                end += 1
            }
            cursor = end
            if out.count > 256 * 1024 { break }      // a header block is never this big: stop reading prose
        }
        out.append(ASCII.lineFeed)                     // the blank line that ends the section
        return out
    }

    /// Whether `line` is `prefix` followed by a header field (`name:`) or a continuation (WSP then text).
    private static func belongs(_ line: ByteSlice, prefix: ByteSlice) -> Bool {
        guard line.count > prefix.count, line.starts(with: prefix) else { return false }
        let rest = line.dropFirst(prefix.count)
        guard let first = rest.first else { return false }
        if ASCII.isWhitespace(first) { return !rest.trimmingWhitespace().isEmpty }
        // RFC 5322 §3.6.8: field-name = 1*ftext (printable US-ASCII except colon), then ":".
        guard let colon = rest.firstIndex(of: ASCII.colon), colon > rest.startIndex else { return false }
        return rest[rest.startIndex..<colon].allSatisfy { $0 > 32 && $0 < 127 }
    }

    /// The range of the line that ends just before `lineStart` (its line end excluded).
    private static func lineRange(_ bytes: ByteSlice, endingBefore lineStart: Int) -> Range<Int> {
        var end = lineStart - 1
        if end > bytes.startIndex, bytes[end] == ASCII.lineFeed, bytes[end - 1] == ASCII.carriageReturn { end -= 1 }
        var start = end
        while start > bytes.startIndex, !isLineEnd(bytes[start - 1]) { start -= 1 }
        return start..<end
    }

    private static func isLineEnd(_ b: UInt8) -> Bool { b == ASCII.lineFeed || b == ASCII.carriageReturn }
}
