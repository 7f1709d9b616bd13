import Testing
import TestSupport
@testable import MailParsing

/// `TextDecoding.decodeTurningCRIntoLF` (line ends made LF before decoding, for the byte-wise charsets)
/// must give what decoding and then making the line ends LF gives.
@Suite struct LineFeedTextDecodingTests {
    /// The plain reading: decode, then each CRLF and lone CR made LF, scalar by scalar.
    static func plain(_ bytes: [UInt8], _ kind: CharsetKind) -> String {
        let text = CharsetDecoder.decode(bytes[...], kind: kind)
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" { out.append("\n"); afterCR = true; continue }
            if scalar == "\n" && afterCR { afterCR = false; continue }
            afterCR = false
            out.append(scalar)
        }
        return String(out)
    }

    static let kinds: [CharsetKind] = [.utf8, .ascii, .unknown, .windows1252, .utf16(bigEndian: nil), .iso2022JP,
                                       .iconv("ISO-8859-2")]

    /// Pieces whose joins make CR, LF and CRLF line ends, invalid and truncated UTF-8 next to CR and
    /// LF, 8-bit windows-1252 bytes and valid multi-byte UTF-8.
    static let pieces: [[UInt8]] = [
        Array("text".utf8), [13], [10], [13, 10], [0xE2, 0x82, 0xAC], [0xE2, 0x82], [0xE2], [0x80], [0xC3, 0xA9],
        [0xE9], [0xF0, 0x9F, 0x92, 0x90], [0xF0, 0x90, 0x80], [0xED, 0xA0, 0x80], [0x1B, 0x24, 0x42], [0x30, 0x42],
        [0x1B, 0x28, 0x42], [0x00], [0xFF, 0xFE],
    ]

    @Test func agreesWithDecodingThenNormalising() {
        var rng = SplitMix64(seed: 17)
        var inputs: [[UInt8]] = [[], [13], [10], [13, 10], [13, 13], [10, 13], Array("a\r\nb\rc\n".utf8), [0xE2, 13, 10]]
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<rng.below(9) { bytes += Self.pieces[rng.below(Self.pieces.count)] }
            inputs.append(bytes)
        }
        for bytes in inputs {
            for kind in Self.kinds {
                #expect(TextDecoding.decodeTurningCRIntoLF(bytes[...], kind: kind) == Self.plain(bytes, kind),
                        "\(bytes) as \(kind)")
                // Byte for byte, not only canonically equal.
                #expect(Array(TextDecoding.decodeTurningCRIntoLF(bytes[...], kind: kind).utf8) == Array(Self.plain(bytes, kind).utf8))
            }
        }
    }

    /// The byte runs between CRs copied whole, each CR written as LF and an LF right after it skipped:
    /// the reading `copyTurningCRIntoLF` replaced.
    static func turnCRIntoLF(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let cr = bytes[i...].firstIndex(of: 13) else {
                out += bytes[i...]
                break
            }
            out += bytes[i..<cr]
            out.append(10)
            i = cr + 1
            if i < bytes.count && bytes[i] == 10 { i += 1 }
        }
        return out
    }

    /// `copyTurningCRIntoLF` (sixteen bytes a step) and `TextDecoding.turnCRIntoLF` (in place) write
    /// what `turnCRIntoLF` (byte runs) writes,
    /// for inputs of every length up to three blocks and longer, CRs, LFs and CRLFs at every place
    /// (at a block's end, a CRLF across two blocks, a CR last), and writes nothing past its room.
    @Test func copyTurningCRIntoLFAgreesWithByteRuns() {
        var rng = SplitMix64(seed: 41)
        let alphabet: [UInt8] = [13, 13, 10, 10, 0x41, 0x20, 0xE2, 0x00]
        var inputs: [[UInt8]] = [[], [13], [10], [13, 10], [13, 13], [10, 13]]
        for count in 0..<50 {
            inputs.append([UInt8](repeating: 13, count: count))
            inputs.append((0..<count).map { $0 % 2 == 0 ? 13 : 10 })
            inputs.append([UInt8](repeating: 0x61, count: count) + [13])
            inputs.append([UInt8](repeating: 0x61, count: count) + [13, 10] + [UInt8](repeating: 0x62, count: count))
        }
        for _ in 0..<20_000 {
            let count = rng.below(3) == 0 ? rng.below(300) : rng.below(48)
            let density = 1 + rng.below(40)
            inputs.append((0..<count).map { _ in rng.below(density) == 0 ? alphabet[rng.below(alphabet.count)] : UInt8(0x61 + rng.below(26)) })
        }
        for bytes in inputs {
            let expected = Self.turnCRIntoLF(bytes)
            // Room for the input and a guard of sixteen bytes after it, which must stay as they were.
            var out = [UInt8](repeating: 0xA5, count: bytes.count + 16)
            let written = bytes.withUnsafeBufferPointer { source in
                out.withUnsafeMutableBufferPointer { TextDecoding.copyTurningCRIntoLF(source, into: $0.baseAddress!) }
            }
            #expect(Array(out[..<written]) == expected, "\(bytes)")
            #expect(out[bytes.count...].allSatisfy { $0 == 0xA5 }, "\(bytes) written past its room")
            // The memchr reading, in place, for the transfer-decoded text.
            var inPlace = bytes
            let kept = inPlace.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.map { TextDecoding.turnCRIntoLF(UnsafeBufferPointer(buffer), into: $0) } ?? 0
            }
            #expect(Array(inPlace[..<kept]) == expected, "\(bytes) in place")
        }
    }

    /// The transfer encoding undone into the String's storage gives what undoing it into an array and
    /// decoding that gives, byte for byte, for every transfer encoding and charset kind: bodies of
    /// escapes (CR, LF, 8-bit, `=` itself), soft line breaks, trailing white space, base64 quanta and
    /// pads, and the raw pieces above.
    @Test func transferDecodedInPlaceAgreesWithDecodingAnArray() {
        var rng = SplitMix64(seed: 23)
        let encoded: [[UInt8]] = Self.pieces + [
            Array("=0D".utf8), Array("=0A".utf8), Array("=0D=0A".utf8), Array("=E9".utf8), Array("=E2=82=AC".utf8),
            Array("=3D".utf8), Array("=\r\n".utf8), Array("=\n".utf8), Array("= \r\n".utf8), Array("  ".utf8),
            Array("\t".utf8), Array("=".utf8), Array("=4".utf8), Array("QUJD".utf8), Array("4oKs".utf8), Array("DQo=".utf8),
            Array("6Q==".utf8), Array("w6k".utf8), Array("DQ".utf8),
        ]
        var inputs: [[UInt8]] = [[], [13], Array("=0D".utf8), Array("DQo=".utf8), Array("6Q==".utf8)]
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<rng.below(12) { bytes += encoded[rng.below(encoded.count)] }
            inputs.append(bytes)
        }
        for bytes in inputs {
            for kind in Self.kinds {
                let identity = TextDecoding.decodeTurningCRIntoLF(bytes[...], kind: kind)
                let base64 = TextDecoding.decodeTurningCRIntoLF(TransferDecoding.base64(bytes[...])[...], kind: kind)
                let quoted = TextDecoding.decodeTurningCRIntoLF(TransferDecoding.quotedPrintable(bytes[...])[...], kind: kind)
                // Sliced out of a longer array too, so that the slice's start is not the array's.
                let sliced = ([0x41] + bytes)[1...]
                for body in [bytes[...], sliced] {
                    #expect(Array(TextDecoding.decodeTurningCRIntoLF(body, transfer: .identity, kind: kind).utf8) == Array(identity.utf8),
                            "\(bytes) as \(kind)")
                    #expect(Array(TextDecoding.decodeTurningCRIntoLF(body, transfer: .base64, kind: kind).utf8) == Array(base64.utf8),
                            "\(bytes) base64 as \(kind)")
                    #expect(Array(TextDecoding.decodeTurningCRIntoLF(body, transfer: .quotedPrintable, kind: kind).utf8) == Array(quoted.utf8),
                            "\(bytes) quoted-printable as \(kind)")
                }
            }
        }
    }

    /// `decodedBody` and `decodedTextWithLFLineEnds` compare the encoding's name by length first:
    /// base64 and quoted-printable (any case in the header) are undone, every other name, of the same
    /// length as one of them or not, leaves the body as it is.
    @Test(arguments: [
        ("base64", "aGk9M0Q=\r\n", "hi=3D", "hi=3D"), ("BASE64", "aGk9M0Q=\r\n", "hi=3D", "hi=3D"),
        ("quoted-printable", "hi=3D\r\n", "hi=\r\n", "hi=\n"), ("Quoted-Printable", "hi=3D\r\n", "hi=\r\n", "hi=\n"),
        ("7bit", "hi=3D\r\n", "hi=3D\r\n", "hi=3D\n"), ("8bit", "hi=3D\r\n", "hi=3D\r\n", "hi=3D\n"),
        ("binary", "hi=3D\r\n", "hi=3D\r\n", "hi=3D\n"), ("base65", "aGk9M0Q=\r\n", "aGk9M0Q=\r\n", "aGk9M0Q=\n"),
        ("quoted-printablx", "hi=3D\r\n", "hi=3D\r\n", "hi=3D\n"), ("x-uuencode", "hi=3D\r\n", "hi=3D\r\n", "hi=3D\n"),
    ])
    func transferEncodingIsUndoneOnlyForItsTwoNames(encoding: String, body: String, decoded: String, text: String) {
        let message = Array("Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: \(encoding)\r\n\r\n\(body)".utf8)
        let part = ParsedMessage(parsing: message[...]).root
        #expect(part.decodedBody() == Array(decoded.utf8))
        #expect(part.decodedTextWithLFLineEnds() == text)
    }

    @Test func partReadsItsTransferEncodingAndCharset() {
        let message = Array("Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9\r\nline=0D=0Atwo\r\n".utf8)
        let parsed = ParsedMessage(parsing: message[...])
        #expect(parsed.root.decodedTextWithLFLineEnds() == "café\nline\ntwo\n")
    }
}
