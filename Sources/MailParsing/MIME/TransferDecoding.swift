#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CByteKernels

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
            [UInt8](uninitializedCapacity: source.count / 4 * 3 + 3) { out, written in
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
                // No bits pending: four alphabet bytes make three bytes out, quantum after quantum in a
                // loop of its own up to the line's end (a line of mail base64 is 19 of them). Tested
                // once a quantum in the outer loop, with overflow-checked offsets, a quantum cost ~53
                // instructions (bsd.mbox x3, 24 bodies: 0.52M). Invariant: written <= i / 4 * 3, so
                // the three bytes of a quantum read at `i` (i + 4 <= count) fit in the room
                // (count / 4 * 3 + 3), and the wrapping adds never wrap.
                if bits == 0 {
                    while i &+ 4 <= count {
                        let a = values[Int(source[i])], b = values[Int(source[i &+ 1])]
                        let c = values[Int(source[i &+ 2])], d = values[Int(source[i &+ 3])]
                        guard (a | b | c | d) < 64 else { break }
                        let quantum = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        out[written] = UInt8(truncatingIfNeeded: quantum >> 16)
                        out[written &+ 1] = UInt8(truncatingIfNeeded: quantum >> 8)
                        out[written &+ 2] = UInt8(truncatingIfNeeded: quantum)
                        written &+= 3
                        i &+= 4
                    }
                    guard i < count else { break }
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
            [UInt8](uninitializedCapacity: source.count) { out, written in
                written = quotedPrintableInOnePass(source, into: out)
            }
        }
    }

    /// `quotedPrintable` by the byte-at-a-time decoder (the tests compare the two).
    static func quotedPrintableByBytes(_ input: ByteSlice) -> [UInt8] {
        input.withUnsafeBufferPointer { source in
            [UInt8](uninitializedCapacity: source.count) { out, written in
                written = quotedPrintable(source, into: out)
            }
        }
    }

    /// The byte decoder's answers in one pass: sixteen bytes at a time (SIMD16 compares), a block that
    /// holds no `=`, CR or LF stored whole; white space is copied as it comes and taken back at a line
    /// end or the input's end (RFC 2045 §6.7 rule 3), down to no further than `kept`, the output after
    /// the last decoded `=XX` or soft line break (whose bytes are not the line's trailing white space).
    /// A line at a time, with a memchr for each line end and a memchr and a memcpy for each `=`, it took
    /// 3.44M instructions of its own and 2.46M in memchr and memcpy on 381 bodies (bsd.mbox x3,
    /// callgrind); 4.37M in one pass, 4.21M with escapes in a row read in their own loop. Then 4.16M ->
    /// 3.75M (callgrind, bsd.mbox x3): the offsets advanced with wrapping adds (their overflow traps were
    /// a third of the block loop's instructions; both stay below `end`), a block's two mask words tested
    /// at once, a CR's LF written with it (not found by a block of its own), an `=` before a line end
    /// taken for a soft break before its hex digits are tried (neither CR nor LF is one), hex digits by
    /// `hexDigit`.
    static func quotedPrintableInOnePass(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        quotedPrintableInOnePass(input, into: out, turningCRLFIntoLF: false)
    }

    /// `quotedPrintableInOnePass` with each CRLF of the decoded bytes made one LF, in the same pass
    /// (`TextDecoding.turnCRIntoLF` of its output), or nil when the input holds a CR not followed by an
    /// LF, or an escape of a CR (`=0D`): the caller then decodes it as before. Every CR of the output is
    /// otherwise the first of a CRLF, so an LF after its LF (`=0A` too) stays an LF, as there.
    /// For text whose line ends are made LF (`TextDecoding.decodeTurningCRIntoLF`): a memchr over the
    /// output and a second pass over the bodies with CRs cost 0.44M instructions (bsd.mbox x3, 114
    /// bodies, 21 with CRs; `Main.main` 252.95M -> 252.47M). Every CR turned here, with a CR and an LF
    /// that meet only once decoded (`\r=0A`, `\r \n`) told apart by the output's offset after the last
    /// CR kept in the loop, cost 0.28M more in the decoder's own steps (252.80M).
    static func quotedPrintableTurningCRLFIntoLF(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let n = quotedPrintableInOnePass(input, into: out, turningCRLFIntoLF: true)
        return n < 0 ? nil : n
    }

    /// `quotedPrintableTurningCRLFIntoLF`, telling too whether the bytes written are ASCII
    /// (`isASCII`, set unless it returns nil): an OR of each block copied and each byte escaped, one
    /// instruction a block, where a check of the output read it all again (`TextBuffer`; bsd.mbox x3,
    /// the text's quoted-printable bodies, ~1 MB, most of it ASCII HTML).
    static func quotedPrintableTurningCRLFIntoLF(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>,
                                                 isASCII: inout Bool) -> Int? {
        var high: UInt8 = 0
        let n = quotedPrintableInOnePass(input, into: out, turningCRLFIntoLF: true, tracksHighBits: true, highBits: &high)
        // Given up, it has read only some of the input: `isASCII` is left as it was.
        guard n >= 0 else { return nil }
        isASCII = high < 0x80
        return n
    }

    /// The one-pass decoder without `highBits`.
    @inline(__always)
    private static func quotedPrintableInOnePass(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>,
                                                 turningCRLFIntoLF: Bool) -> Int {
        var unused: UInt8 = 0
        return quotedPrintableInOnePass(input, into: out, turningCRLFIntoLF: turningCRLFIntoLF, tracksHighBits: false, highBits: &unused)
    }

    /// The one-pass decoder; `turningCRLFIntoLF` (a constant at each call, so each caller's copy keeps
    /// only its own steps) writes each CRLF line end as one LF, and gives up (returns -1) at a CR not
    /// followed by an LF, or at an escape of a CR. With `tracksHighBits` (a constant too), `highBits`
    /// gets the OR of every block copied and every byte copied or escaped: the bytes a block reads past
    /// its stop are copied later or are ASCII (a soft break, an escape's digits, white space taken
    /// back), so its high bit is set exactly when a byte written is not ASCII.
    @inline(__always)
    private static func quotedPrintableInOnePass(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>,
                                                 turningCRLFIntoLF: Bool, tracksHighBits: Bool, highBits: inout UInt8) -> Int {
        guard let source = input.baseAddress, let target = out.baseAddress, out.count >= input.count else {
            if input.isEmpty { return 0 }
            return turningCRLFIntoLF ? -1 : quotedPrintable(input, into: out)
        }
        let end = input.count
        let raw = UnsafeRawPointer(source)
        let targetRaw = UnsafeMutableRawPointer(target)
        // Invariants: 0 <= n <= i <= end (a step writes no more bytes than it reads), so a block stored
        // at `n` fits in `out`, and the wrapping adds below never wrap (`end` is a buffer's count).
        var n = 0        // bytes written
        var i = 0
        var kept = 0     // the trailing white space taken back at a line end starts no lower than this
        // A block starts at `i` while `i <= lastBlock` (negative for an input shorter than a block):
        // tested against `end` as `i &+ 16 <= end`, the loop kept both `i + 16` and `i + 32` at each
        // block, seven instructions where four do (bsd.mbox x3, 94,968 blocks: 3.75M -> 3.60M).
        let lastBlock = end &- 16
        // The blocks' OR, folded into `highBits` at the end (`tracksHighBits`).
        var seen = SIMD16<UInt8>()
        defer {
            if tracksHighBits {
                let halves = unsafeBitCast(seen, to: SIMD2<UInt64>.self)
                if (halves[0] | halves[1]) & ByteWord.highs != 0 { highBits |= 0x80 }
            }
        }
        while true {
            // The stretch up to the next `=`, CR or LF is copied as it is.
            var special = false
            while i <= lastBlock {
                let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                targetRaw.storeBytes(of: block, toByteOffset: n, as: SIMD16<UInt8>.self)
                if tracksHighBits { seen |= block }
                // `=`, CR and LF as the compare's bits (`pmovmskb`; its lanes read back as two halves
                // cost more a block).
                let marks = bs_mask16_equal3(source + i, ASCII.equals, ASCII.carriageReturn, ASCII.lineFeed)
                if marks == 0 {
                    n &+= 16
                    i &+= 16
                    continue
                }
                let lane = marks.trailingZeroBitCount
                n &+= lane
                i &+= lane
                special = true
                break
            }
            if !special {
                while i < end {
                    let byte = source[i]
                    if byte == ASCII.equals || byte == ASCII.carriageReturn || byte == ASCII.lineFeed { break }
                    if tracksHighBits { highBits |= byte }
                    target[n] = byte
                    n &+= 1
                    i &+= 1
                }
                if i >= end {
                    // The byte decoder drops white space still held back at the end.
                    while n > kept, ASCII.isWhitespace(target[n &- 1]) { n &-= 1 }
                    return n
                }
            }
            let byte = source[i]
            if byte != ASCII.equals {
                // CR or LF: the line's trailing white space goes, the line end stays (a CR's LF with it,
                // which takes back nothing, as a CR is no white space).
                while n > kept, ASCII.isWhitespace(target[n &- 1]) { n &-= 1 }
                i &+= 1
                if turningCRLFIntoLF {
                    // A CRLF as one LF; a CR without its LF given up.
                    if byte == ASCII.carriageReturn {
                        guard i < end, source[i] == ASCII.lineFeed else { return -1 }
                        i &+= 1
                    }
                    target[n] = ASCII.lineFeed
                    n &+= 1
                    continue
                }
                target[n] = byte
                n &+= 1
                if byte == ASCII.carriageReturn, i < end, source[i] == ASCII.lineFeed {
                    target[n] = ASCII.lineFeed
                    n &+= 1
                    i &+= 1
                }
                continue
            }
            // Soft line break right after the `=` (the common one): CRLF, CR or LF.
            let next = i &+ 1
            if next >= end { return n }
            let after = source[next]
            if after == ASCII.lineFeed {
                i = next &+ 1
                kept = n
                continue
            }
            if after == ASCII.carriageReturn {
                i = next &+ 1 < end && source[next &+ 1] == ASCII.lineFeed ? next &+ 2 : next &+ 1
                kept = n
                continue
            }
            // `=XX` escapes, read in a row (UTF-8 text escaped byte by byte comes in runs of them). A hex
            // digit is no white space or line end, so an escape is never a soft line break.
            if i &+ 2 < end, let high = hexDigit(after), let low = hexDigit(source[i &+ 2]) {
                var value = high << 4 | low
                if tracksHighBits { highBits |= value }
                target[n] = value
                n &+= 1
                i &+= 3
                if turningCRLFIntoLF, value == ASCII.carriageReturn { return -1 }
                while i &+ 2 < end, source[i] == ASCII.equals,
                      let high = hexDigit(source[i &+ 1]), let low = hexDigit(source[i &+ 2]) {
                    value = high << 4 | low
                    if tracksHighBits { highBits |= value }
                    target[n] = value
                    n &+= 1
                    i &+= 3
                    if turningCRLFIntoLF, value == ASCII.carriageReturn { return -1 }
                }
                kept = n
                continue
            }
            // Soft line break: `=`, white space, then a line end (CRLF, CR or LF) or the end.
            var j = next
            while j < end, ASCII.isWhitespace(source[j]) { j &+= 1 }
            if j >= end { return n }
            if source[j] == ASCII.carriageReturn {
                i = j &+ 1 < end && source[j &+ 1] == ASCII.lineFeed ? j &+ 2 : j &+ 1
                kept = n
                continue
            }
            if source[j] == ASCII.lineFeed {
                i = j &+ 1
                kept = n
                continue
            }
            // Not an escape: the `=` is kept as it is.
            target[n] = ASCII.equals
            n &+= 1
            i &+= 1
        }
    }

    /// `hexValue(byte)` by two range tests, not three: `byte | 0x20` makes `A`-`F` `a`-`f` and no other
    /// byte outside `a`-`f` one of them (the one-pass decoder's escapes are mostly upper case).
    @inline(__always) private static func hexDigit(_ byte: UInt8) -> UInt8? {
        let digit = byte &- ASCII.zero
        if digit < 10 { return digit }
        let letter = (byte | 0x20) &- UInt8(ascii: "a")
        return letter < 6 ? letter &+ 10 : nil
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
