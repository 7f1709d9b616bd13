/// The seam between MIME and the charset layer: every conversion of bytes to text in the MIME code goes
/// through here, so the charset engine can change without touching MIME.
package enum TextDecoding {
    /// Bytes in `charset` to a String (see `CharsetDecoder`); never fails.
    ///
    /// A 7-bit charset label (ISO-2022-*, US-ASCII, UTF-7) on bytes with the high bit set is a wrong label:
    /// when such bytes are valid UTF-8 they are read as UTF-8 (sisimai `maildir/dos/lhost-notes-01.eml` and
    /// `lhost-mfilter-01.eml` were re-encoded to UTF-8 but kept `charset=ISO-2022-JP`).
    package static func decode(_ bytes: ByteSlice, charset: String?) -> String {
        if let charset, isSevenBitCharset(charset), !isASCII(bytes), isValidUTF8(bytes) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return CharsetDecoder.decode(bytes, charset: charset)
    }

    private static func isSevenBitCharset(_ charset: String) -> Bool {
        let lower = charset.lowercased()
        return lower.hasPrefix("iso-2022-") || lower == "us-ascii" || lower == "ascii" || lower == "utf-7"
            || lower == "unicode-1-1-utf-7"
    }

    private static func isASCII(_ bytes: ByteSlice) -> Bool {
        !bytes.contains { $0 >= 0x80 }
    }

    /// An unstructured header value (may hold RFC 2047 encoded words or raw 8-bit bytes) to display text.
    package static func decodeHeaderText(_ bytes: ByteSlice) -> String {
        EncodedWords.decode(bytes)
    }

    /// Whether `bytes` is valid UTF-8.
    package static func isValidUTF8(_ bytes: ByteSlice) -> Bool {
        var allASCII = true
        for byte in bytes where byte >= 0x80 { allASCII = false; break }
        if allASCII { return true }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
