/// What a run of bytes is as UTF-8 (`UTF8Check.classify`).
package enum UTF8Class: Equatable {
    /// Every byte below 0x80.
    case ascii
    /// Valid UTF-8 with at least one multi-byte sequence.
    case utf8
    /// Not valid UTF-8.
    case invalid
}

/// A UTF-8 check that crosses ASCII 32 bytes at a time (four words or-ed; a word at a time it was 2.20M
/// instructions on bsd.mbox x3's 2,271 identity bodies, 1.14M so; 64 bytes in SIMD16 vectors: 1.08M, not
/// kept), for text decoded from mail bodies and made a String without the standard library checking it
/// again (`UncheckedUTF8.string`).
///
/// The standard library's check tests the whole text for ASCII a word at a time, but once it finds one
/// 8-bit byte it reads the text again from the start byte by byte (bsd.mbox x3: its `validateUTF8` was
/// 3.3M instructions of its own, most of them over the ASCII of mostly-ASCII UTF-8 bodies).
package enum UTF8Check {
    /// `.ascii`, `.utf8` or `.invalid`: valid exactly as the standard library validates (Unicode's
    /// well-formed sequences, table 3-7: no overlong form, no surrogate, nothing above U+10FFFF, no
    /// sequence cut short by the end).
    package static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> UTF8Class {
        // Most text is ASCII: told so first by an OR of every byte (`ASCII.isASCII`, a loop the compiler
        // vectorises, ~0.25 instructions a byte where `read`'s words take ~0.4), `read` only for the rest.
        if ASCII.isASCII(bytes) { return .ascii }
        let (ascii, invalidAt) = read(bytes)
        return invalidAt != nil ? .invalid : ascii ? .ascii : .utf8
    }

    /// The offset of the first byte that does not begin a well-formed sequence (the lead of a broken or
    /// cut one, or a stray continuation byte), or nil when `bytes` are valid UTF-8: for an error that
    /// names the place (`TOMLParser`).
    package static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        read(bytes).invalidAt
    }

    /// `bytes` read to their end or their first invalid sequence: whether all were below 0x80, and where
    /// the invalid sequence starts.
    @inline(__always)
    private static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> (ascii: Bool, invalidAt: Int?) {
        guard let p = bytes.baseAddress else { return (true, nil) }
        let raw = UnsafeRawPointer(p)
        let count = bytes.count
        var ascii = true
        var i = 0
        while i < count {
            // ASCII 32 bytes a step, then a word, then byte by byte at the end.
            while i &+ 32 <= count {
                let any = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self)
                if any & ByteWord.highs != 0 { break }
                i &+= 32
            }
            if i &+ 8 <= count {
                let high = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & ByteWord.highs
                if high == 0 { i &+= 8; continue }
                // To the first 8-bit byte of the word (its lowest byte in memory first).
                i &+= high.trailingZeroBitCount &>> 3
            } else if i == count {
                break
            } else if p[i] < 0x80 {
                i &+= 1
                continue
            }
            ascii = false
            // The sequences from here while each begins right after the one before.
            repeat {
                let lead = p[i]
                if lead < 0xE0 {
                    guard lead >= 0xC2, i &+ 1 < count, p[i &+ 1] & 0xC0 == 0x80 else { return (false, i) }
                    i &+= 2
                } else if lead < 0xF0 {
                    guard i &+ 2 < count else { return (false, i) }
                    let second = p[i &+ 1]
                    // E0 needs A0-BF (no overlong form), ED 80-9F (no surrogate).
                    let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
                    let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
                    guard second >= low, second <= high, p[i &+ 2] & 0xC0 == 0x80 else { return (false, i) }
                    i &+= 3
                } else {
                    guard lead <= 0xF4, i &+ 3 < count else { return (false, i) }
                    let second = p[i &+ 1]
                    // F0 needs 90-BF (no overlong form), F4 80-8F (nothing above U+10FFFF).
                    let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
                    let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
                    guard second >= low, second <= high, p[i &+ 2] & 0xC0 == 0x80, p[i &+ 3] & 0xC0 == 0x80 else {
                        return (false, i)
                    }
                    i &+= 4
                }
            } while i < count && p[i] >= 0x80
        }
        return (ascii, nil)
    }
}

extension UTF8Check {
    /// `String(decoding: bytes, as: UTF8.self)`, checked by `classify`: valid bytes copied into the
    /// String unchecked, invalid ones repaired by the String as before.
    package static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        validString(bytes) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// The String of `bytes` when they are valid UTF-8 (checked by `classify`), else nil.
    package static func validString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        switch classify(bytes) {
        case .ascii: return UncheckedUTF8.string(bytes, isASCII: true)
        case .utf8: return UncheckedUTF8.string(bytes, isASCII: false)
        case .invalid: return nil
        }
    }
}
