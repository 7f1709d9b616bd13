import Testing
import TestSupport
@testable import MailParsing

/// `ISO2022JP.decode` reads its input through the slice's buffer: the text must be the one the former
/// loop over the slice gave, on input dense in escapes (known, unknown, cut short), SO/SI, JIS X 0208
/// pairs, line ends and 8-bit bytes, through a slice whose indices do not start at zero.
@Suite struct ISO2022JPLoopTests {
    /// The former loop, kept as it was (indices of the slice itself), but for a broken pair's second
    /// byte, which since 2026-12-07 is not skipped when it is a control byte (`ISO2022JP.decode`).
    static func formerDecode(_ bytes: ByteSlice) -> String {
        if ISO2022JP.usesISO2022JP2Extensions(bytes) {
            return CharsetDecoder.decode(bytes, kind: .iconv("ISO-2022-JP-2"))
        }
        var text = ""
        var sjis: [UInt8] = []
        sjis.reserveCapacity(bytes.count)
        func flush() {
            if !sjis.isEmpty { text += CharsetDecoder.decode(sjis[...], kind: .iconv("CP932")) }
            sjis.removeAll(keepingCapacity: true)
        }
        var mode = ISO2022JP.Mode.ascii
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
                    if c == ISO2022JP.escape || c == ISO2022JP.shiftOut || c == ISO2022JP.shiftIn { break }
                    k += 1
                }
                if k > i {
                    sjis.append(contentsOf: bytes[i..<k])
                    i = k
                    continue
                }
            }
            let b = bytes[i]
            if b == ISO2022JP.escape, i + 2 < end {
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
            if b == ISO2022JP.shiftOut { shifted = true; i += 1; continue }
            if b == ISO2022JP.shiftIn { shifted = false; i += 1; continue }
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
                    i += 2
                } else {
                    flush(); text.unicodeScalars.append("\u{FFFD}")
                    // A control byte second (a line end, ESC, SO, SI) is read next, not skipped.
                    i += j2 < 0x20 ? 1 : 2
                }
            }
        }
        flush()
        return text
    }

    @Test func decodeAgreesWithTheFormerLoop() {
        let pieces: [[UInt8]] = [[0x1B, 0x24, 0x42], [0x1B, 0x28, 0x42], [0x1B, 0x28, 0x4A], [0x1B, 0x28, 0x49],
                                 [0x1B, 0x24, 0x40], [0x1B, 0x26, 0x40], [0x1B], [0x1B, 0x24], [0x0E], [0x0F],
                                 [0x30, 0x21], [0x46, 0x7C], [0x24, 0x33], [0x7F, 0x21], [0x21], [0x0D, 0x0A], [0x0A],
                                 [0x0D], [0x41, 0x42], [0x20], [0x82, 0xA0], [0xB1], [0x5F], [0x60]]
        var generator = SplitMix64(seed: 41)
        var inputs: [[UInt8]] = [[], [0x1B], [0x1B, 0x24, 0x42, 0x30], [0x1B, 0x24, 0x42, 0x30, 0x21, 0x1B, 0x28, 0x42]]
        for _ in 0..<3000 { inputs.append((0..<generator.below(14)).flatMap { _ in pieces[generator.below(pieces.count)] }) }
        // Longer ASCII runs, for the eight-byte search for ESC, SO and SI in ASCII mode.
        let longPieces = pieces + [Array("ABCDEFGHIJK".utf8), Array("0123456 89".utf8), [0x82, 0xA0, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46]]
        for _ in 0..<2000 { inputs.append((0..<generator.below(30)).flatMap { _ in longPieces[generator.below(longPieces.count)] }) }
        for input in inputs {
            let padded = [0x41, 0x41] + input
            let slice = padded[2...]
            #expect(ISO2022JP.decode(slice) == Self.formerDecode(slice), "\(input)")
        }
    }

    /// `decodeCP932` gives iconv only the stretches around 8-bit bytes: its text must be the one of the
    /// whole run through iconv, on bytes dense in lead bytes (0x81-0x9F, 0xE0-0xFC), ASCII trail bytes
    /// (0x40-0x7E, backslash, tilde), invalid and unassigned bytes, line ends, lead bytes before a line end or
    /// at the very end, through a slice whose indices do not start at zero.
    @Test func cp932StretchesAgreeWithTheWholeRun() {
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x20, 0x41, 0x40, 0x5C, 0x7E, 0x7F, 0x00, 0x81, 0x82, 0x87, 0x88, 0x9F,
                                 0xE0, 0xEA, 0xED, 0xFA, 0xFC, 0x80, 0xA0, 0xA1, 0xB1, 0xDF, 0xFD, 0xFE, 0xFF, 0x9E, 0x40, 0x41]
        var generator = SplitMix64(seed: 932)
        var inputs: [[UInt8]] = [[], [0x41], [0x82], [0x82, 0xA0], [0x82, 0x0A], [0x82, 0x0A, 0x0A], [0x41, 0x82],
                                 [0x82, 0x40, 0x41], [0x82, 0xA0, 0x41, 0x82], [0x88, 0x9F, 0x0A, 0x0A, 0x88, 0x9F]]
        for _ in 0..<4000 { inputs.append(generator.bytes(alphabet, count: generator.below(24))) }
        // Longer ones, for the eight-byte runs and the seven-place stretch search.
        for _ in 0..<2000 { inputs.append(generator.bytes(alphabet, count: 8 + generator.below(64))) }
        for _ in 0..<1000 { inputs.append(generator.bytes([0x82, 0xA0, 0x88, 0x9F, 0xE0, 0x40, 0x41, 0x0A], count: 8 + generator.below(64))) }
        for _ in 0..<500 { inputs.append(generator.bytes([0x41, 0x0A, 0x20, 0x40], count: generator.below(40)) + generator.bytes(alphabet, count: generator.below(40))) }
        for input in inputs {
            let padded = [0x41, 0x41] + input
            let slice = padded[2...]
            #expect(ISO2022JP.decodeCP932(slice) == CharsetDecoder.decode(slice, kind: .iconv("CP932")), "\(input)")
        }
    }
}
