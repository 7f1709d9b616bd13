/// ISO-2022-JP (RFC 1468) as Japanese mail really writes it: with the NEC special characters (①, ㈱,
/// row 13) and NEC-selected IBM extensions of Microsoft's CP50220/CP50221, which glibc's ISO-2022-JP
/// converters reject, and often with raw Shift_JIS bytes mixed in by broken mailers.
///
/// Method: the JIS X 0208 pairs are turned into Shift_JIS pairs arithmetically (JIS X 0208 Annex 1),
/// half-width katakana (`ESC ( I`, SO/SI) into their single CP932 bytes, 8-bit bytes are passed through,
/// and the result is decoded as CP932. Escapes of ISO-2022-JP-1/-2 (JIS X 0212, GB 2312, KS C 5601, G2
/// sets) are left to glibc's ISO-2022-JP-2 converter, which knows them.
enum ISO2022JP {
    static let escape: UInt8 = 0x1B
    static let shiftOut: UInt8 = 0x0E
    static let shiftIn: UInt8 = 0x0F

    enum Mode { case ascii, jis0208, katakana }

    ///
    /// The Shift_JIS bytes are written into one array sized for the input (no byte of input gives more
    /// than one byte of output), the ASCII runs copied at once, and decoded after the loop, run by run
    /// between the places where a broken pair gives U+FFFD (bsd.mbox x3: 168 calls, `decode` 6.45M ->
    /// 6.19M instructions, its loop ~1.6M -> 1.10M, where it appended to an array byte by byte and
    /// indexed the slice with bounds checks).
    static func decode(_ bytes: ByteSlice) -> String {
        if usesISO2022JP2Extensions(bytes) {
            return CharsetDecoder.decode(bytes, kind: .iconv("ISO-2022-JP-2"))
        }
        var replacements: [Int] = []  // offsets in `sjis` where a U+FFFD goes
        // Left uninitialised: only the bytes written are counted (a zeroed array's memset cost 0.08M
        // on bsd.mbox x3, 147 texts).
        let sjis = [UInt8](uninitializedCapacity: bytes.count) { output, initialized in
            initialized = bytes.withUnsafeBufferPointer { input -> Int in
                guard let p = input.baseAddress, let o = output.baseAddress else { return 0 }
                // Invariant: n <= i (each step writes at most as many bytes as it reads), so every write
                // below lands inside `output`, which is as long as `input`.
                var n = 0
                var mode = Mode.ascii
                var shifted = false  // SO ... SI: JIS X 0201 katakana (seen in old Japanese mail)
                var i = 0
                let end = input.count
                let raw = UnsafeRawPointer(p), rawOut = UnsafeMutableRawPointer(o)
                // The last place a sixteen-byte block starts (negative for a shorter input).
                let lastBlock = end &- 16
                let escapes = SIMD16<UInt8>(repeating: escape)
                let shiftOuts = SIMD16<UInt8>(repeating: shiftOut), shiftIns = SIMD16<UInt8>(repeating: shiftIn)
                while i < end {
                    // Checked in debug builds (the tests): a step that wrote more than it read would
                    // write past `output` in a release build, whose pointer writes are unchecked.
                    assert(n <= i, "ISO2022JP.decode wrote ahead of its input")
                    if mode == .ascii && !shifted {
                        // In ASCII mode every byte but ESC, SO and SI is passed on as it is (8-bit bytes
                        // and line ends too): the run up to the next of those is copied at once.
                        var k = i
                        // Sixteen bytes at a time, each block stored as it is read, at `n + (k - i)`: at
                        // or before `k`, so within the output (the bytes stored past the run's end are
                        // written over later, or lie beyond what is read). Tested eight bytes at a time
                        // (`ByteWord.hasAnyByte`) and copied after, a run cost ~27 instructions a word
                        // (bsd.mbox x3, 147 texts: this loop, with the pairs' below, 0.81M -> 0.32M).
                        var found = false
                        while k <= lastBlock {
                            let block = raw.loadUnaligned(fromByteOffset: k, as: SIMD16<UInt8>.self)
                            rawOut.storeBytes(of: block, toByteOffset: n &+ (k &- i), as: SIMD16<UInt8>.self)
                            let marks = unsafeBitCast((block .== escapes) .| (block .== shiftOuts) .| (block .== shiftIns),
                                                      to: SIMD2<UInt64>.self)
                            let low = UInt64(littleEndian: marks[0]), high = UInt64(littleEndian: marks[1])
                            if low | high == 0 {
                                k &+= 16
                                continue
                            }
                            k &+= low != 0 ? low.trailingZeroBitCount &>> 3 : 8 &+ high.trailingZeroBitCount &>> 3
                            found = true
                            break
                        }
                        if !found {
                            // Fewer than sixteen bytes left: byte by byte, copied after.
                            let stored = k
                            while k < end {
                                let c = p[k]
                                if c == escape || c == shiftOut || c == shiftIn { break }
                                k &+= 1
                            }
                            (o + (n &+ (stored &- i))).update(from: p + stored, count: k &- stored)
                        }
                        if k > i {
                            n &+= k &- i
                            i = k
                            continue
                        }
                    }
                    let b = p[i]
                    if b == escape, i + 2 < end {
                        let e1 = p[i + 1], e2 = p[i + 2]
                        switch (e1, e2) {
                        case (UInt8(ascii: "("), UInt8(ascii: "B")), (UInt8(ascii: "("), UInt8(ascii: "J")):
                            mode = .ascii; i += 3; continue
                        case (UInt8(ascii: "("), UInt8(ascii: "I")):
                            mode = .katakana; i += 3; continue
                        case (UInt8(ascii: "$"), UInt8(ascii: "@")), (UInt8(ascii: "$"), UInt8(ascii: "B")):
                            mode = .jis0208; i += 3; continue
                        case (UInt8(ascii: "&"), UInt8(ascii: "@")):
                            i += 3; continue  // JIS X 0208-1990 announcer; ESC $ B follows
                        default:
                            break
                        }
                    }
                    if b == shiftOut { shifted = true; i += 1; continue }
                    if b == shiftIn { shifted = false; i += 1; continue }
                    if b >= 0x80 {
                        o[n] = b  // raw Shift_JIS or half-width katakana in a mislabelled message
                        n &+= 1
                        i += 1
                        continue
                    }
                    if b == ASCII.carriageReturn || b == ASCII.lineFeed {
                        // RFC 1468: lines end in ASCII; a line end in 2-byte mode means the escape was lost.
                        mode = .ascii
                        o[n] = b
                        n &+= 1
                        i += 1
                        continue
                    }
                    if shifted || mode == .katakana {
                        o[n] = (0x21...0x5F).contains(b) ? b | 0x80 : b
                        n &+= 1
                        i += 1
                        continue
                    }
                    switch mode {
                    case .ascii, .katakana:
                        o[n] = b
                        n &+= 1
                        i += 1
                    case .jis0208:
                        guard i + 1 < end else {
                            replacements.append(n)
                            i += 1
                            continue
                        }
                        var j1 = b, j2 = p[i + 1]
                        guard j1 &- 0x21 < 94, j2 &- 0x21 < 94 else {
                            // A broken pair: one U+FFFD. Its second byte is skipped with it unless it is
                            // a control byte (a line end, ESC, SO, SI), which the next step reads: a pair
                            // cut by a line end lost the line end, so LF text joined two lines where CRLF
                            // text kept one (found by the `line-ends` fuzz target).
                            replacements.append(n)
                            i += j2 < 0x20 ? 1 : 2
                            continue
                        }
                        // The pairs in a row converted here, not each through the tests above, which
                        // a pair's bytes (0x21-0x7E, not shifted) all pass (~51 instructions a pair:
                        // bsd.mbox x3, 4,386 pairs). The sums stay below 0x100 (0x21-0x7E in).
                        repeat {
                            // JIS X 0208 Annex 1: row/cell to Shift_JIS.
                            o[n] = (j1 &+ 1) &>> 1 &+ (j1 <= 0x5E ? 0x70 : 0xB0)
                            o[n &+ 1] = j1 & 1 == 1 ? j2 &+ (j2 < 0x60 ? 0x1F : 0x20) : j2 &+ 0x7E
                            n &+= 2
                            i &+= 2
                            guard i &+ 1 < end else { break }
                            j1 = p[i]
                            j2 = p[i &+ 1]
                        } while j1 &- 0x21 < 94 && j2 &- 0x21 < 94
                    }
                }
                return n
            }
        }
        let written = sjis.count
        // The runs between replacements decoded as CP932, each U+FFFD where its broken pair stood.
        var text = ""
        var from = 0
        for mark in replacements {
            if mark > from { text += decodeCP932(sjis[from..<mark]) }
            text.unicodeScalars.append("\u{FFFD}")
            from = mark
        }
        if written > from { text += decodeCP932(sjis[from..<written]) }
        return text
    }

    /// `CharsetDecoder.decode(bytes, kind: .iconv("CP932"))`, with only the stretches that hold 8-bit
    /// bytes given to iconv: the ASCII between them is copied as it is, which glibc's CP932 does too
    /// (all 128 ASCII bytes map to themselves), one iconv call per stretch and one output chunk for all.
    ///
    /// A stretch starts at an 8-bit byte and ends before the first pair of ASCII bytes that follows:
    /// the second byte of that pair starts a character in iconv's own reading of the whole text (the
    /// first either started one, ASCII, or ended a two-byte one, or followed a byte skipped as invalid;
    /// CP932 characters are at most two bytes and no ASCII byte is a lead byte), and no stretch ends in
    /// a lead byte unless the text does, so each stretch converts as it does within the whole.
    /// Most of an ISO-2022-JP report is ASCII (sisimai bsd.mbox: 94% of the bytes of its ISO-2022-JP
    /// parts), which glibc converted at ~14 instructions a byte (bsd.mbox x3, 147 texts: glibc's
    /// gconv 2.09M less, this loop 0.65M; `ISO2022JP.decode` 6.01M -> 4.70M, `MIMEPart.decodedText`
    /// 20.07M -> 18.77M). The runs and stretches found a word at a time and the chunk left unzeroed:
    /// `ISO2022JP.decode` 4.70M -> 3.81M.
    static func decodeCP932(_ bytes: ByteSlice) -> String {
        if bytes.isEmpty { return "" }
        if ASCII.isASCII(bytes) { return bytes.withUnsafeBufferPointer(UncheckedUTF8.asciiString) }
        var output = [UInt8]()
        output.reserveCapacity(bytes.count * 2)
        let converted: Void? = IconvPool.withConverter("CP932") { converter in
            bytes.withUnsafeBufferPointer { input in
                // The chunk iconv writes into is only read where written: left uninitialised, not
                // zeroed (its memset cost 0.29M on bsd.mbox x3).
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: IconvConverter.chunkSize(forInputCount: input.count)) { chunk in
                    guard let base = input.baseAddress else { return }
                    // CP932 has no shift state: reset once here, not before and after each stretch.
                    converter.reset()
                    let raw = UnsafeRawPointer(base)
                    let count = input.count
                    var i = 0
                    while i < count {
                        // The ASCII run, eight bytes at a time while none has its high bit set.
                        var k = i
                        while k + 8 <= count, raw.loadUnaligned(fromByteOffset: k, as: UInt64.self) & ByteWord.highs == 0 { k += 8 }
                        while k < count, input[k] < 0x80 { k += 1 }
                        if k > i { output.append(contentsOf: UnsafeBufferPointer(rebasing: input[i..<k])) }
                        guard k < count else { break }
                        // input[k] is 8-bit: the stretch runs to the second byte of the next ASCII pair,
                        // looked for seven places at a time: the word from `end - 1` marks each ASCII
                        // byte (its high bit clear), and each one after an ASCII byte ends the stretch.
                        var end = k + 1
                        while end + 7 <= count {
                            let ascii = ~raw.loadUnaligned(fromByteOffset: end - 1, as: UInt64.self) & ByteWord.highs
                            let pairEnds = ascii & (ascii << 8)
                            if pairEnds != 0 {
                                end += pairEnds.trailingZeroBitCount >> 3 - 1
                                break
                            }
                            end += 7
                        }
                        while end < count, input[end - 1] >= 0x80 || input[end] >= 0x80 { end += 1 }
                        converter.convert(UnsafeBufferPointer(rebasing: input[k..<end]), into: &output, chunk: chunk, stateless: true)
                        i = end
                    }
                }
            }
        }
        if converted == nil { return CharsetDecoder.utf8OrWindows1252(bytes) }
        return output.withUnsafeBufferPointer(UTF8Check.string)
    }

    /// Whether the text uses designations beyond ISO-2022-JP and CP5022x (RFC 1554 ISO-2022-JP-2).
    static func usesISO2022JP2Extensions(_ bytes: ByteSlice) -> Bool {
        var from = bytes.startIndex
        while let i = bytes.firstIndex(ofByte: escape, from: from) {
            guard i + 2 < bytes.endIndex else { return false }
            let e1 = bytes[i + 1], e2 = bytes[i + 2]
            switch (e1, e2) {
            case (UInt8(ascii: "("), UInt8(ascii: "B")), (UInt8(ascii: "("), UInt8(ascii: "J")),
                 (UInt8(ascii: "("), UInt8(ascii: "I")), (UInt8(ascii: "$"), UInt8(ascii: "@")),
                 (UInt8(ascii: "$"), UInt8(ascii: "B")), (UInt8(ascii: "&"), UInt8(ascii: "@")):
                from = i + 3
            default:
                return true
            }
        }
        return false
    }
}
