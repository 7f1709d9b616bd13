#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns bytes in a named charset into text. Never fails.
///
/// US-ASCII, UTF-8, ISO-8859-1/windows-1252 and UTF-16 are decoded here without iconv; ISO-2022-JP is
/// transcoded here to CP932 (`ISO2022JP`, for Microsoft's extensions); everything else goes through glibc
/// iconv (`IconvConverter`, converters pooled per charset). Labels are normalised by `CharsetName` (case, quotes,
/// `x-` prefixes, aliases such as `unicode-1-1-utf-7`, `ks_c_5601-1987`, `uft-8`).
///
/// Limits and fallbacks:
/// - Invalid sequences become U+FFFD; a truncated multibyte tail becomes one U+FFFD.
/// - An absent, unknown or unsupported label: the bytes as UTF-8 when valid, else as windows-1252
///   (the WHATWG reading of Latin-1, where 0x80-0x9F are printable).
/// - `us-ascii` text with 8-bit bytes (common in spam): UTF-8 when valid, else windows-1252; likewise a
///   7-bit charset (ISO-2022-*, UTF-7, HZ) label on 8-bit bytes that are valid UTF-8.
/// - Complexity: O(n) in the input; output at most about 3 bytes of UTF-8 per input byte.
public enum CharsetDecoder {
    /// Decodes `bytes` written in `charset` (a MIME / RFC 2047 label, any case, or nil if none was given).
    public static func decode(_ bytes: ByteSlice, charset: String?) -> String {
        decode(bytes, kind: CharsetName.resolve(charset))
    }

    /// Whether text in `charset` is really decoded (not just read through the UTF-8/Latin-1 fallback).
    package static func isSupported(_ charset: String) -> Bool {
        switch CharsetName.resolve(charset) {
        case .ascii, .utf8, .windows1252, .utf16, .iso2022JP: return true
        case .unknown: return false
        case .iconv(let name): return IconvPool.withConverter(name, { _ in true }) ?? false
        }
    }

    package static func decode(_ bytes: ByteSlice, kind: CharsetKind) -> String {
        if bytes.isEmpty { return "" }
        switch kind {
        case .utf8:
            return bytes.withUnsafeBufferPointer(UTF8Check.string)
        case .ascii, .unknown:
            return utf8OrWindows1252(bytes)
        case .windows1252:
            if ASCII.isASCII(bytes) { return bytes.withUnsafeBufferPointer(UncheckedUTF8.asciiString) }
            return windows1252(bytes)
        case .utf16(let bigEndian):
            return utf16(bytes, bigEndian: bigEndian)
        case .iso2022JP:
            // A 7-bit charset label on 8-bit bytes is a wrong label: valid UTF-8 is read as UTF-8
            // (sisimai maildir/dos lhost-notes-01, lhost-mfilter-01 were re-encoded but kept ISO-2022-JP).
            if !ASCII.isASCII(bytes), let text = validUTF8(bytes) { return text }
            return ISO2022JP.decode(bytes)
        case .iconv(let name):
            let ascii = ASCII.isASCII(bytes)
            if !ascii, sevenBit(name), let text = validUTF8(bytes) { return text }
            // ASCII-compatible charsets need no conversion for pure ASCII; stateful 7-bit ones
            // (ISO-2022-*, UTF-7, HZ) and the wide ones do.
            if ascii, asciiCompatible(name) { return bytes.withUnsafeBufferPointer(UncheckedUTF8.asciiString) }
            // UTF-7 of direct characters alone is those bytes (RFC 2152: a character is encoded only
            // after a `+`): Microsoft's delivery reports label their ASCII text `unicode-1-1-utf-7`
            // (sisimai bsd.mbox: 19 parts), which glibc converted at ~70 instructions a byte (bsd.mbox x3,
            // 57 texts: 0.70M instructions).
            if ascii, name == "UTF-7", bytes.withUnsafeBufferPointer(utf7DirectOnly) {
                return bytes.withUnsafeBufferPointer(UncheckedUTF8.asciiString)
            }
            var output = [UInt8]()
            output.reserveCapacity(bytes.count * 2)
            let converted: Void? = IconvPool.withConverter(name) { converter in
                converter.convert(bytes, into: &output)
            }
            if converted == nil { return utf8OrWindows1252(bytes) }
            return output.withUnsafeBufferPointer(UTF8Check.string)
        }
    }

    /// Raw bytes of unknown charset: UTF-8 if they are valid UTF-8, else windows-1252 (Latin-1).
    package static func utf8OrWindows1252(_ bytes: ByteSlice) -> String {
        if let text = validUTF8(bytes) { return text }
        return windows1252(bytes)
    }

    /// The bytes as a String when they are valid UTF-8, else nil (`UTF8Check.validString`: the answers of
    /// `String(validating:as:)`, whose generic validation cost ~1,000 instructions a call, and of the
    /// String decoded and compared with the input that replaced it, without the standard library's
    /// byte-by-byte check of mostly-ASCII text).
    package static func validUTF8(_ bytes: ByteSlice) -> String? {
        bytes.withUnsafeBufferPointer(UTF8Check.validString)
    }

    /// Whether every byte is one glibc's UTF-7 decoder passes on as it is outside a `+` run: tab, LF,
    /// CR and 0x20-0x7D but `+` and `\` (RFC 2152's direct and optionally direct characters, without
    /// `\` and `~`, which glibc refuses; each byte of 0-127 tried against glibc 2.36's converter). Such
    /// bytes are their own UTF-7 decoding: no shift starts, and the converter's flush at the end writes
    /// nothing.
    static func utf7DirectOnly(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes {
            guard byte < 0x7E else { return false }
            if byte >= 0x20 {
                if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "\\") { return false }
            } else if byte != ASCII.tab && byte != ASCII.lineFeed && byte != ASCII.carriageReturn {
                return false
            }
        }
        return true
    }

    /// Whether an iconv charset name is a 7-bit encoding, whose text never holds a byte over 0x7F.
    static func sevenBit(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("iso-2022-") || lower == "utf-7" || lower == "hz-gb-2312"
    }

    private static func asciiCompatible(_ iconvName: String) -> Bool {
        !(iconvName.hasPrefix("ISO-2022") || iconvName.hasPrefix("UTF-7") || iconvName == "HZ"
            || iconvName.hasPrefix("UTF-16") || iconvName.hasPrefix("UTF-32") || iconvName.hasPrefix("UCS"))
    }

    /// windows-1252 as WHATWG defines it: the five unassigned bytes map to the C1 controls.
    package static func windows1252(_ bytes: ByteSlice) -> String {
        // Written as UTF-8 straight into the String's storage (at most 3 bytes per byte: 0x80-0x9F map
        // to U+0152...U+2122), an ASCII byte by one store (bsd.mbox x3: 18 calls, 1.50M -> 1.06M
        // instructions, where every byte was appended to an array then copied into a String). ASCII
        // eight bytes at a time, a word with no high bit stored whole: the loop 0.51M -> 0.42M
        // (bsd.mbox x3; its 18 texts are dense in 8-bit bytes, so most words are not all ASCII).
        //
        // Written into a buffer of our own and made a String unchecked: the bytes are UTF-8 this loop
        // wrote, and the String's own check read them byte by byte (bsd.mbox x3, 18 calls: the String
        // made 0.97M instructions, the loop 0.42M of them).
        bytes.withUnsafeBufferPointer { input in
            let buffer = MallocBytes.allocate(input.count * 3)
            defer { MallocBytes.free(buffer) }
            let output = buffer.baseAddress!
            let n = windows1252(input, into: output)
            // Only an ASCII byte is written as one byte.
            return UncheckedUTF8.string(UnsafeBufferPointer(start: output, count: n), isASCII: n == input.count)
        }
    }

    /// Writes `input` read as windows-1252 at `o` as UTF-8 (room for three bytes a byte); returns how
    /// many bytes it wrote.
    private static func windows1252(_ input: UnsafeBufferPointer<UInt8>, into o: UnsafeMutablePointer<UInt8>) -> Int {
        guard let p = input.baseAddress else { return 0 }
        let count = input.count
        let raw = UnsafeRawPointer(p)
        let target = UnsafeMutableRawPointer(o)
        // Invariant: n <= 3 * i, and the room is 3 * count, so a word stored at `n` while
        // i + 8 <= count ends inside the output.
        var n = 0
        var i = 0
        while i < count {
            if i &+ 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if word & ByteWord.highs == 0 {
                    target.storeBytes(of: word, toByteOffset: n, as: UInt64.self)
                    n &+= 8
                    i &+= 8
                    continue
                }
            }
            let b = p[i]
            i &+= 1
            if b < 0x80 {
                o[n] = b
                n &+= 1
                continue
            }
            let scalar: UInt32 = b < 0xA0 ? cp1252High[Int(b) - 0x80] : UInt32(b)
            if scalar < 0x800 {
                o[n] = 0xC0 | UInt8(scalar >> 6)
                o[n &+ 1] = 0x80 | UInt8(scalar & 0x3F)
                n &+= 2
            } else {
                o[n] = 0xE0 | UInt8(scalar >> 12)
                o[n &+ 1] = 0x80 | UInt8((scalar >> 6) & 0x3F)
                o[n &+ 2] = 0x80 | UInt8(scalar & 0x3F)
                n &+= 3
            }
        }
        return n
    }

    /// windows-1252 0x80...0x9F (Unicode's CP1252.TXT; unassigned bytes keep their C1 value).
    private static let cp1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// UTF-16 (RFC 2781). Without a BOM and without a label's byte order, the order whose high bytes
    /// are more often zero wins (mail text is mostly Latin), ties go to big-endian (RFC 2781 §4.3).
    /// Unpaired surrogates and an odd final byte become U+FFFD.
    static func utf16(_ bytes: ByteSlice, bigEndian: Bool?) -> String {
        var start = bytes.startIndex
        var big = bigEndian
        if bytes.count >= 2 {
            let b0 = bytes[start], b1 = bytes[start + 1]
            if b0 == 0xFE && b1 == 0xFF && big != false { big = true; start += 2 }
            else if b0 == 0xFF && b1 == 0xFE && big != true { big = false; start += 2 }
        }
        if big == nil {
            var evenZeros = 0, oddZeros = 0
            var i = start
            while i + 1 < bytes.endIndex && i - start < 4096 {
                if bytes[i] == 0 { evenZeros += 1 }
                if bytes[i + 1] == 0 { oddZeros += 1 }
                i += 2
            }
            big = evenZeros >= oddZeros
        }
        let isBig = big ?? true
        var units = [UInt16]()
        units.reserveCapacity(bytes.count / 2)
        var i = start
        while i + 1 < bytes.endIndex {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(isBig ? (a << 8 | b) : (b << 8 | a))
            i += 2
        }
        var text = String(decoding: units, as: UTF16.self)
        if i < bytes.endIndex { text.unicodeScalars.append("\u{FFFD}") }
        return text
    }
}
