import MailParsing

/// Checks a returned original's DKIM signature by its header hash alone (the body is usually cut off),
/// with the site branch's `DKIMVerifier`: true verified, false failed, nil when it cannot be told (a cut
/// header section, an unsupported algorithm, a malformed signature).
enum ClassifierDKIM {
    /// What a check says: `verified` true or false, or nil when it cannot be told; and the parsed
    /// signature's `t=` (`DKIMFinding.signedAt`).
    struct Check {
        var verified: Bool?
        var signedAt: Int64? = nil
    }

    /// - Parameter value: the field's unfolded value (read once by the caller).
    static func verify(signature field: HeaderField, value: ByteSlice, headers: HeaderSection, key: DKIMKey) -> Check {
        guard let signature = try? DKIMSignature(parsing: value) else { return Check(verified: nil) }
        // The key's domain and selector are those of the lenient tag read; the parsed ones must match too.
        guard signature.domain == key.domain, signature.selector == key.selector else { return Check(verified: nil) }
        let verified: Bool?
        switch DKIMVerifier.verify(signature, field: field, in: headers, key: key) {
        case .verified: verified = true
        case .failed: verified = false
        case .incomplete, .unsupported, .noSignatureForDomain: verified = nil
        }
        return Check(verified: verified, signedAt: signature.timestamp.map(Int64.init))
    }
}
