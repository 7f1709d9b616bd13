#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Content-Transfer-Encoding decoders (RFC 2045 §6), tolerant of what real mail does to them.
package enum TransferDecoding {
    /// Base64 (RFC 2045 §6.8), skipping every byte outside the alphabet (line ends, junk), and keeping
    /// whole bytes of an incomplete quantum. An `=` pad ends the quantum, its leftover bits dropped;
    /// decoding goes on after it (concatenated base64 is common). `-` and `_` are read as `+` and `/`
    /// (the URL-safe alphabet, seen in spam).
    /// - Complexity: O(n), into one buffer of three quarters of the input's size: four alphabet bytes
    ///   at a time through a table while no quantum is pending (byte by byte, with a switch and an
    ///   array append for each byte out, it took 13.4M instructions on the backscatter-dev inbox; 5.3M
    ///   now, callgrind).
    package static func base64(_ input: ByteSlice) -> [UInt8] {
        input.withUnsafeBufferPointer { source in
            // Six bits a sextet, at most three quarters of a byte out per byte in.
            [UInt8](unsafeUninitializedCapacity: source.count / 4 * 3 + 3) { out, written in
                written = base64(source, into: out)
            }
        }
    }

    /// `base64` into `out` (room for three quarters of `source`'s count, plus three); returns the
    /// bytes written.
    static func base64(_ source: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        base64Values.withUnsafeBufferPointer { values in
            var written = 0
            var accumulator: UInt32 = 0
            var bits = 0
            var i = 0
            let count = source.count
            while i < count {
                // No bits pending: four alphabet bytes make three bytes out.
                if bits == 0, i + 4 <= count {
                    let a = values[Int(source[i])], b = values[Int(source[i + 1])]
                    let c = values[Int(source[i + 2])], d = values[Int(source[i + 3])]
                    if (a | b | c | d) < 64 {
                        let quantum = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        out[written] = UInt8(truncatingIfNeeded: quantum >> 16)
                        out[written + 1] = UInt8(truncatingIfNeeded: quantum >> 8)
                        out[written + 2] = UInt8(truncatingIfNeeded: quantum)
                        written += 3
                        i += 4
                        continue
                    }
                }
                let value = values[Int(source[i])]
                i += 1
                if value == base64Pad {
                    accumulator = 0
                    bits = 0
                    continue
                }
                if value == base64Skip { continue }
                accumulator = (accumulator << 6) | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                    written += 1
                    accumulator &= (1 << UInt32(bits)) - 1
                }
            }
            return written
        }
    }

    /// Each byte's sextet in the standard base64 alphabet (RFC 4648 §4), 0xFF for any other byte: the
    /// table both base64 decoders start from (this tolerant one, and DKIM's strict one).
    package static let base64Sextets: [UInt8] = {
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (sextet, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            values[Int(byte)] = UInt8(sextet)
        }
        return values
    }()

    /// Each byte's sextet (0-63, the URL-safe `-` and `_` too), or `base64Pad` for `=`, or
    /// `base64Skip` for a byte outside the alphabet.
    private static let base64Values: [UInt8] = {
        var values = base64Sextets
        values[Int(UInt8(ascii: "-"))] = 62
        values[Int(UInt8(ascii: "_"))] = 63
        values[Int(UInt8(ascii: "="))] = base64Pad
        return values
    }()
    private static let base64Pad: UInt8 = 0xFE
    private static let base64Skip: UInt8 = 0xFF

    /// Quoted-printable (RFC 2045 §6.7): `=XX` escapes, soft line breaks (`=` at line end), trailing
    /// white space on a line dropped; an `=` not followed by two hex digits is kept as it is.
    /// - Complexity: O(n); the output is never longer than the input, so it is written into one
    ///   buffer of the input's size.
    package static func quotedPrintable(_ input: ByteSlice) -> [UInt8] {
        input.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: source.count) { out, written in
                written = quotedPrintableByLines(source, into: out)
            }
        }
    }

    /// `quotedPrintable` by the byte-at-a-time decoder (the tests compare the two).
    static func quotedPrintableByBytes(_ input: ByteSlice) -> [UInt8] {
        input.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: source.count) { out, written in
                written = quotedPrintable(source, into: out)
            }
        }
    }

    /// The byte decoder's answers a line at a time: each stretch between line ends (every CR and every
    /// LF ends one, as in the byte decoder) loses its trailing white space (RFC 2045 §6.7 rule 3); a
    /// stretch whose last byte left is `=` is a soft line break, which also takes the line end after
    /// it (CRLF, CR or LF); the rest is copied with memcpy between the `=` that memchr finds, each
    /// `=XX` decoded. Line ends are found with memchr, the next CR and LF cached.
    private static func quotedPrintableByLines(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let source = input.baseAddress, let target = out.baseAddress else { return 0 }
        let end = input.count
        var n = 0
        var i = 0
        var nextLF = -2   // -2 not searched yet, -1 none left
        var nextCR = -2
        /// Copies `input[from..<to]`, decoding `=XX` (the hex digits may lie past `to`: as in the
        /// byte decoder, where they are never hex).
        func copy(_ from: Int, _ to: Int) {
            var k = from
            while k < to {
                guard let found = memchr(source + k, Int32(ASCII.equals), to - k) else {
                    memcpy(target + n, source + k, to - k)
                    n += to - k
                    return
                }
                let equals = UnsafeRawPointer(found) - UnsafeRawPointer(source)
                memcpy(target + n, source + k, equals - k)
                n += equals - k
                if equals + 2 < end, let high = hexValue(source[equals + 1]), let low = hexValue(source[equals + 2]) {
                    target[n] = high << 4 | low
                    k = equals + 3
                } else {
                    target[n] = ASCII.equals
                    k = equals + 1
                }
                n += 1
            }
        }
        while i < end {
            if nextLF != -1, nextLF < i {
                nextLF = memchr(source + i, Int32(ASCII.lineFeed), end - i).map { UnsafeRawPointer($0) - UnsafeRawPointer(source) } ?? -1
            }
            if nextCR != -1, nextCR < i {
                nextCR = memchr(source + i, Int32(ASCII.carriageReturn), end - i).map { UnsafeRawPointer($0) - UnsafeRawPointer(source) } ?? -1
            }
            var lineEnd = end
            if nextLF >= 0 { lineEnd = nextLF }
            if nextCR >= 0, nextCR < lineEnd { lineEnd = nextCR }
            var trimmed = lineEnd
            while trimmed > i, ASCII.isWhitespace(source[trimmed - 1]) { trimmed -= 1 }
            if trimmed > i, source[trimmed - 1] == ASCII.equals {
                // Soft line break: the `=`, the white space after it and one line end go.
                copy(i, trimmed - 1)
                if lineEnd >= end { return n }
                i = source[lineEnd] == ASCII.carriageReturn && lineEnd + 1 < end && source[lineEnd + 1] == ASCII.lineFeed
                    ? lineEnd + 2 : lineEnd + 1
                continue
            }
            copy(i, trimmed)
            if lineEnd >= end { return n }
            target[n] = source[lineEnd]
            n += 1
            i = lineEnd + 1
        }
        return n
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
