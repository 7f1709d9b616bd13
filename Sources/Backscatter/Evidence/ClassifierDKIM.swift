import MailParsing

/// The tags of a DKIM-Signature value (RFC 6376 §3.2: `tag=value; ...`, whitespace ignored).
struct DKIMTags {
    /// Each tag's name and raw value, slices of the field, in order.
    private var items: [(name: ByteSlice, value: ByteSlice)] = []

    init(_ value: ByteSlice) {
        var start = value.startIndex
        while start < value.endIndex {
            let end = value[start...].firstIndex(of: ASCII.semicolon) ?? value.endIndex
            let item = value[start..<end]
            if let eq = item.firstIndex(of: ASCII.equals) {
                items.append((item[..<eq].trimmingWhitespace(), item[(eq + 1)...]))
            }
            start = end + 1
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

/// Checks a returned original's DKIM signature by its header hash alone (the body is usually cut off),
/// with the site branch's `DKIMVerifier`: true verified, false failed, nil when it cannot be told (a cut
/// header section, an unsupported algorithm, a malformed signature).
enum ClassifierDKIM {
    /// - Parameter value: the field's unfolded value (read once by the caller).
    static func verify(signature field: HeaderField, value: ByteSlice, headers: HeaderSection, key: DKIMKey) -> Bool? {
        guard let signature = try? DKIMSignature(parsing: value) else { return nil }
        switch DKIMVerifier(keys: [key]).verify(signature, field: field, in: headers) {
        case .verified: return true
        case .failed: return false
        case .incomplete, .unsupported, .noSignatureForDomain: return nil
        }
    }
}
