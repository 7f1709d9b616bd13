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

    static func decode(_ bytes: ByteSlice) -> String {
        if usesISO2022JP2Extensions(bytes) {
            return CharsetDecoder.decode(bytes, kind: .iconv("ISO-2022-JP-2"))
        }
        var text = ""
        var sjis: [UInt8] = []
        sjis.reserveCapacity(bytes.count)
        func flush() {
            if !sjis.isEmpty { text += CharsetDecoder.decode(sjis[...], kind: .iconv("CP932")) }
            sjis.removeAll(keepingCapacity: true)
        }
        var mode = Mode.ascii
        var shifted = false  // SO ... SI: JIS X 0201 katakana (seen in old Japanese mail)
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            if mode == .ascii && !shifted {
                // In ASCII mode every byte but ESC, SO and SI is passed on as it is (8-bit bytes and
                // line ends too): the run up to the next of those is copied at once.
                var k = i
                while k < end {
                    let c = bytes[k]
                    if c == escape || c == shiftOut || c == shiftIn { break }
                    k += 1
                }
                if k > i {
                    sjis.append(contentsOf: bytes[i..<k])
                    i = k
                    continue
                }
            }
            let b = bytes[i]
            if b == escape, i + 2 < end {
                let e1 = bytes[i + 1], e2 = bytes[i + 2]
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
                sjis.append(b)  // raw Shift_JIS or half-width katakana in a mislabelled message
                i += 1
                continue
            }
            if b == ASCII.carriageReturn || b == ASCII.lineFeed {
                // RFC 1468: lines end in ASCII; a line end in 2-byte mode means the escape was lost.
                mode = .ascii
                sjis.append(b)
                i += 1
                continue
            }
            if shifted || mode == .katakana {
                if (0x21...0x5F).contains(b) { sjis.append(b | 0x80) } else { sjis.append(b) }
                i += 1
                continue
            }
            switch mode {
            case .ascii, .katakana:
                sjis.append(b)
                i += 1
            case .jis0208:
                guard i + 1 < end else {
                    flush(); text.unicodeScalars.append("\u{FFFD}")
                    i += 1
                    continue
                }
                let j1 = b, j2 = bytes[i + 1]
                if (0x21...0x7E).contains(j1), (0x21...0x7E).contains(j2) {
                    // JIS X 0208 Annex 1: row/cell to Shift_JIS.
                    let s1 = (j1 + 1) / 2 + (j1 <= 0x5E ? 0x70 : 0xB0)
                    let s2 = j1 % 2 == 1 ? j2 + (j2 < 0x60 ? 0x1F : 0x20) : j2 + 0x7E
                    sjis.append(s1)
                    sjis.append(s2)
                } else {
                    flush(); text.unicodeScalars.append("\u{FFFD}")
                }
                i += 2
            }
        }
        flush()
        return text
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
