/// Content-Transfer-Encoding decoders (RFC 2045 §6), tolerant of what real mail does to them.
package enum TransferDecoding {
    /// Base64 (RFC 2045 §6.8), skipping every byte outside the alphabet (line ends, junk), stopping at
    /// the first `=` pad, and keeping whole bytes of a final incomplete quantum.
    package static func base64(_ input: ByteSlice) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62   // '-' : URL-safe alphabet seen in spam
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                // Padding ends this quantum; a later block may follow (concatenated base64 is common).
                accumulator = 0
                bits = 0
                continue
            default: continue
            }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }

    /// Quoted-printable (RFC 2045 §6.7): `=XX` escapes, soft line breaks (`=` at line end), trailing
    /// white space on a line dropped; an `=` not followed by two hex digits is kept as it is.
    /// - Complexity: O(n); the output is never longer than the input, so it is written into one
    ///   buffer of the input's size.
    package static func quotedPrintable(_ input: ByteSlice) -> [UInt8] {
        input.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: source.count) { out, written in
                written = quotedPrintable(source, into: out)
            }
        }
    }

    /// Decodes `input` into `out` (at least `input.count` bytes) and returns the bytes written.
    /// Every step writes no more bytes than it has read.
    private static func quotedPrintable(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var n = 0
        var i = 0
        let end = input.count
        var pendingWhitespace = 0   // count of WSP bytes held back until we know the line goes on
        var whitespaceStart = 0
        while i < end {
            let byte = input[i]
            if byte == ASCII.space || byte == ASCII.tab {
                if pendingWhitespace == 0 { whitespaceStart = i }
                pendingWhitespace += 1
                i += 1
                continue
            }
            if byte == ASCII.carriageReturn || byte == ASCII.lineFeed {
                pendingWhitespace = 0   // RFC 2045 §6.7 rule 3: trailing white space is removed
                out[n] = byte
                n += 1
                i += 1
                continue
            }
            if pendingWhitespace > 0 {
                for k in whitespaceStart..<(whitespaceStart + pendingWhitespace) {
                    out[n] = input[k]
                    n += 1
                }
                pendingWhitespace = 0
            }
            if byte == ASCII.equals {
                // Soft line break: '=' then optional WSP then a line end.
                var j = i + 1
                while j < end, ASCII.isWhitespace(input[j]) { j += 1 }
                if j >= end { i = j; continue }
                if input[j] == ASCII.carriageReturn {
                    i = (j + 1 < end && input[j + 1] == ASCII.lineFeed) ? j + 2 : j + 1
                    continue
                }
                if input[j] == ASCII.lineFeed { i = j + 1; continue }
                if i + 2 < end, let high = hexValue(input[i + 1]), let low = hexValue(input[i + 2]) {
                    out[n] = high << 4 | low
                    n += 1
                    i += 3
                    continue
                }
            }
            out[n] = byte
            n += 1
            i += 1
        }
        return n
    }
}
