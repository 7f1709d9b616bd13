import Testing
import TestSupport
@testable import MailParsing

/// `TextBuffer`, which `BounceContext.text` is written into: a body decoded straight into it
/// (`appendDecodingTurningCRIntoLF`) must give the bytes of the String `decodeTurningCRIntoLF` makes,
/// after whatever came before, and the text's String its ASCII flag.
@Suite struct TextBufferTests {
    /// `prefix`, then each of `pieces` on lines of its own, as `BounceContext.collect` joined the Strings.
    static func joined(_ prefix: String, _ pieces: [String]) -> String {
        var out = prefix
        for piece in pieces {
            out += piece
            if out.utf8.last != 10 { out += "\n" }
        }
        return out
    }

    @Test func decodedPiecesAreTheStringsDecoded() {
        var rng = SplitMix64(seed: 29)
        let encoded: [[UInt8]] = LineFeedTextDecodingTests.pieces + [
            Array("=0D".utf8), Array("=0A".utf8), Array("=E9".utf8), Array("=E2=82=AC".utf8), Array("=\r\n".utf8),
            Array("  ".utf8), Array("QUJD".utf8), Array("4oKs".utf8), Array("DQo=".utf8), Array("6Q==".utf8),
        ]
        var inputs: [[UInt8]] = [[], [13], [0xE2], Array("a\r\nb".utf8)]
        for _ in 0..<1500 {
            var bytes: [UInt8] = []
            for _ in 0..<rng.below(12) { bytes += encoded[rng.below(encoded.count)] }
            inputs.append(bytes)
        }
        let transfers: [TransferCoding] = [.identity, .base64, .quotedPrintable]
        for bytes in inputs {
            for kind in LineFeedTextDecodingTests.kinds {
                for transfer in transfers {
                    // After an ASCII text and after one that is not; from a small room, which must grow.
                    for prefix in ["", "ab\n", "\u{E9}\n"] {
                        var buffer = TextBuffer(capacity: 1)
                        buffer.append(prefix)
                        buffer.appendDecodingTurningCRIntoLF(bytes[...], transfer: transfer, kind: kind)
                        buffer.endLine()
                        buffer.appendDecodingTurningCRIntoLF(bytes[...], transfer: transfer, kind: kind)
                        let piece = TextDecoding.decodeTurningCRIntoLF(bytes[...], transfer: transfer, kind: kind)
                        let expected = Self.joined(prefix, [piece]) + piece
                        // (Read into values: `#expect` cannot take a noncopyable value's property.)
                        let (text, count, isASCII) = (buffer.makeString(), buffer.count, buffer.isASCII)
                        let flag = text.utf8Span.isKnownASCII
                        #expect(Array(text.utf8) == Array(expected.utf8), "\(bytes) \(transfer) as \(kind) after \(prefix.debugDescription)")
                        #expect(count == expected.utf8.count)
                        #expect(isASCII == expected.utf8.allSatisfy { $0 < 0x80 })
                        #expect(flag == isASCII)
                    }
                }
            }
        }
    }

    /// Quoted-printable's decoder telling whether what it wrote is ASCII (`TextBuffer` skips the check
    /// of those bytes): the same bytes as without, and the flag set only when it does not give up.
    @Test func quotedPrintableTellsWhetherItWroteASCII() {
        var rng = SplitMix64(seed: 37)
        let encoded: [[UInt8]] = [Array("ab".utf8), Array("=E9".utf8), Array("=41".utf8), Array("=0D".utf8), [13], [10], [13, 10],
                                  [0xC3, 0xA9], Array("=\r\n".utf8), Array(" \t".utf8), Array("0123456789abcdef".utf8), [0x80]]
        for _ in 0..<5000 {
            var bytes: [UInt8] = []
            for _ in 0..<rng.below(24) { bytes += encoded[rng.below(encoded.count)] }
            bytes.withUnsafeBufferPointer { source in
                var plain = [UInt8](repeating: 0, count: source.count), tracked = plain
                let expected = plain.withUnsafeMutableBufferPointer { TransferDecoding.quotedPrintableTurningCRLFIntoLF(source, into: $0) }
                var isASCII = false
                let n = tracked.withUnsafeMutableBufferPointer {
                    TransferDecoding.quotedPrintableTurningCRLFIntoLF(source, into: $0, isASCII: &isASCII)
                }
                #expect(n == expected, "\(bytes)")
                if let n {
                    #expect(tracked[..<n] == plain[..<n], "\(bytes)")
                    #expect(isASCII == tracked[..<n].allSatisfy { $0 < 0x80 }, "\(bytes)")
                } else {
                    #expect(!isASCII, "\(bytes): left as it was")
                }
            }
        }
    }

    /// `endLine` puts an LF after a text that does not end in one, and into an empty one; `rewrite`
    /// keeps what is before its start, and finds the text ASCII again when the bytes it took out were
    /// the only others.
    @Test func linesAndRewrites() {
        var empty = TextBuffer(capacity: 0)
        empty.endLine()
        #expect(empty.makeString() == "\n")
        var buffer = TextBuffer(capacity: 4)
        buffer.append("one")
        buffer.endLine()
        buffer.endLine()
        #expect(buffer.makeString() == "one\n")
        let start = buffer.count
        buffer.append("x\u{E9}y")
        let mixed = buffer.isASCII
        #expect(!mixed)
        buffer.rewrite(from: start, asciiBefore: true) { bytes in
            bytes[1] = bytes[bytes.count - 1]
            return 2
        }
        let (rewritten, ascii) = (buffer.makeString(), buffer.isASCII)
        let flag = rewritten.utf8Span.isKnownASCII
        #expect(rewritten == "one\nxy")
        #expect(ascii)
        #expect(flag)
        buffer.append("\u{E9}")
        buffer.rewrite(from: buffer.count, asciiBefore: false) { _ in 0 }
        let stillMixed = buffer.isASCII
        #expect(!stillMixed)
    }
}
