/// The seam between MIME and the charset layer: every conversion of bytes to text in the MIME code goes
/// through here, so the charset engine can change without touching MIME.
package enum TextDecoding {
    /// Bytes in `charset` to a String (see `CharsetDecoder`); never fails.
    package static func decode(_ bytes: ByteSlice, charset: String?) -> String {
        CharsetDecoder.decode(bytes, charset: charset)
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
