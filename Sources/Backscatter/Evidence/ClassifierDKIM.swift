import MailParsing

/// Checks a returned original's DKIM signature by its header hash alone (the body is usually cut off),
/// with the site branch's `DKIMVerifier`: true verified, false failed, nil when it cannot be told (a cut
/// header section, an unsupported algorithm, a malformed signature).
enum ClassifierDKIM {
    /// - Parameter value: the field's unfolded value (read once by the caller).
    static func verify(signature field: HeaderField, value: ByteSlice, headers: HeaderSection, key: DKIMKey) -> Bool? {
        guard let signature = try? DKIMSignature(parsing: value) else { return nil }
        // The key's domain and selector are those of the lenient tag read; the parsed ones must match too.
        guard signature.domain == key.domain, signature.selector == key.selector else { return nil }
        switch DKIMVerifier.verify(signature, field: field, in: headers, key: key) {
        case .verified: return true
        case .failed: return false
        case .incomplete, .unsupported, .noSignatureForDomain: return nil
        }
    }
}
