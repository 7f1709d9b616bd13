#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

extension TextDecoding {
    /// `decode(bytes, charset:)` with each CRLF and each lone CR made LF, as `kind` (`CharsetName.resolve`).
    ///
    /// UTF-8, US-ASCII, unlabelled and windows-1252 bytes are decoded byte-wise over ASCII (CR and LF
    /// are themselves, and no invalid sequence is cut short or made whole by the change, as both are
    /// ASCII): their line ends are made LF before decoding, so that one String is made, not a String
    /// decoded and then a second without its CRs (bsd.mbox x3: `BounceContext.text` 24.97M -> 24.53M
    /// instructions, 405 texts with CRs). Other charsets are decoded first.
    package static func decodeTurningCRIntoLF(_ bytes: ByteSlice, kind: CharsetKind) -> String {
        switch kind {
        case .utf8, .ascii, .unknown, .windows1252:
            let normalized: [UInt8]? = bytes.withUnsafeBufferPointer { input in
                guard let base = input.baseAddress, memchr(base, 13, input.count) != nil else { return nil }
                var out: [UInt8] = []
                appendTurningCRIntoLF(input, to: &out)
                return out
            }
            guard let normalized else { return CharsetDecoder.decode(bytes, kind: kind) }
            return CharsetDecoder.decode(normalized[...], kind: kind)
        case .utf16, .iso2022JP, .iconv:
            var text = CharsetDecoder.decode(bytes, kind: kind)
            let normalized: [UInt8]? = text.withUTF8 { input in
                guard let base = input.baseAddress, memchr(base, 13, input.count) != nil else { return nil }
                var out: [UInt8] = []
                appendTurningCRIntoLF(input, to: &out)
                return out
            }
            guard let normalized else { return text }
            return String(decoding: normalized, as: UTF8.self)
        }
    }

    /// Appends `bytes` to `out` with each CRLF and each lone CR made one LF.
    static func appendTurningCRIntoLF(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let base = bytes.baseAddress, memchr(base, 13, bytes.count) != nil else {
            out.append(contentsOf: bytes)
            return
        }
        // Room for every byte (the result is never longer), written in place, the unused tail dropped.
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bytes.count))
        let written = out.withUnsafeMutableBufferPointer { whole -> Int in
            guard let to = whole.baseAddress.map({ $0 + start }) else { return 0 }
            return turnCRIntoLF(bytes, into: to)
        }
        out.removeLast(bytes.count - written)
    }

    /// Writes `bytes` at `to` with each CRLF and each lone CR made one LF, and returns how many bytes
    /// it wrote (never more than `bytes.count`, the room `to` must have). The runs between CRs are
    /// copied whole (memchr finds each CR). Shared by the text decoders here and `BounceContext`'s
    /// `normalizeLineEnds`.
    package static func turnCRIntoLF(_ bytes: UnsafeBufferPointer<UInt8>, into to: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress, var cr = memchr(base, 13, bytes.count) else {
            if let base = bytes.baseAddress { to.update(from: base, count: bytes.count) }
            return bytes.count
        }
        var n = 0
        var i = 0
        while true {
            // The run before the CR whole, the CR as LF, an LF right after it skipped.
            let at = UnsafeRawPointer(cr).assumingMemoryBound(to: UInt8.self) - base
            (to + n).update(from: base + i, count: at - i)
            n += at - i
            to[n] = 10
            n += 1
            i = at + 1
            if i < bytes.count && base[i] == 10 { i += 1 }
            guard i < bytes.count, let next = memchr(base + i, 13, bytes.count - i) else { break }
            cr = next
        }
        (to + n).update(from: base + i, count: bytes.count - i)
        return n + bytes.count - i
    }
}
