import MailParsing

/// The tags of a DKIM-Signature value (RFC 6376 §3.2: `tag=value; ...`, whitespace ignored).
struct DKIMTags {
    private var tags: [String: String] = [:]

    init(_ value: ByteSlice) {
        for item in value.split(separator: ASCII.semicolon) {
            guard let eq = item.firstIndex(of: ASCII.equals) else { continue }
            let name = String(decoding: item[..<eq].trimmingWhitespace(), as: UTF8.self).lowercased()
            let v = String(decoding: item[(eq + 1)...].filter { !ASCII.isWhitespaceOrNewline($0) && $0 != ASCII.carriageReturn && $0 != ASCII.lineFeed }, as: UTF8.self)
            if tags[name] == nil { tags[name] = v }
        }
    }

    subscript(_ name: String) -> String? { tags[name] }
}

/// Checks a returned original's DKIM signature by its header hash alone (the body is usually cut off),
/// with the site branch's `DKIMVerifier`: true verified, false failed, nil when it cannot be told (a cut
/// header section, an unsupported algorithm, a malformed signature).
enum ClassifierDKIM {
    static func verify(signature field: HeaderField, headers: HeaderSection, key: DKIMKey) -> Bool? {
        guard let signature = try? DKIMSignature(parsing: field.unfoldedValue) else { return nil }
        switch DKIMVerifier(keys: [key]).verify(signature, field: field, in: headers) {
        case .verified: return true
        case .failed: return false
        case .incomplete, .unsupported, .noSignatureForDomain: return nil
        }
    }
}
