@testable import BackscatterCLI
import Testing
import TestSupport

/// The JSON writer's strings (`JSONWriter.string`, sixteen bytes at a time, escapes written from the
/// end pointer each write returns) read as a plain escaper a byte at a time writes them, in blocks of
/// every size from too small to ample (`withDocument`: the line written again when it did not fit).
struct JSONWriterStringTests {
    /// `text` quoted and escaped a byte at a time.
    static func reference(_ text: String) -> String {
        var out = Array("\"".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// The document of `texts` as an array of strings, written into a block of `capacity` bytes.
    static func written(_ texts: [String], capacity: Int) -> String {
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { block.deallocate() }
        return JSONWriter.withDocument(in: block, capacity: capacity, { $0.strings(texts) }) {
            String(decoding: $0, as: UTF8.self)
        }
    }

    @Test func stringsReadAsAByteAtATimeEscaperWritesThem() {
        // Mostly plain bytes, some that need an escape, some beyond ASCII.
        let alphabet: [String] = ["a", "b", "Z", " ", "0", "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{C}",
                                  "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}"]
        var generator = SplitMix64(seed: 41)
        for _ in 0..<400 {
            var texts: [String] = []
            for _ in 0..<generator.below(4) &+ 1 {
                let length = generator.below(70)
                let escapes = generator.below(3) == 0
                texts.append((0..<length).map { _ in
                    escapes ? alphabet[generator.below(alphabet.count)] : alphabet[generator.below(5)]
                }.joined())
            }
            let expected = "[" + texts.map(Self.reference).joined(separator: ",") + "]"
            for capacity in [1, 8, 16, 24, 40, 64, 100, expected.utf8.count, expected.utf8.count + 8, 4096] {
                #expect(Self.written(texts, capacity: capacity) == expected, "\(texts) in \(capacity)")
            }
        }
    }

    /// A plain string with one byte to escape at each place, of every length up to five blocks: the
    /// plain blocks before it written by the sixteen-byte loop, the rest from that block or the last
    /// sixteen bytes on by the escaping one (`writeContentEscaping`).
    @Test func oneEscapeAtEachPlaceAfterPlainBlocks() {
        for length in 1...80 {
            for place in 0..<length {
                for escaped in ["\"", "\n", "\u{1}", "\u{7F}"] {
                    let text = String(repeating: "a", count: place) + escaped
                        + String(repeating: "é", count: (length &- place &- 1) / 2) + String(repeating: "b", count: (length &- place &- 1) % 2)
                    let expected = "[" + Self.reference(text) + "]"
                    for capacity in [16, expected.utf8.count, 4096] {
                        #expect(Self.written([text], capacity: capacity) == expected, "\(text) in \(capacity)")
                    }
                }
            }
        }
    }

    /// Every ASCII byte at each place of strings of the lengths where the paths change: escaped
    /// exactly where the byte-at-a-time escaper escapes it (`escapeMarks`' flipped-bit compare
    /// takes in `"` and no neighbour of it or of 0x20).
    @Test func everyASCIIByteAtEachPlace() {
        for length in [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 64, 65] {
            for place in 0..<length {
                for byte in UInt8(0)..<0x80 {
                    let text = String(repeating: "a", count: place) + String(UnicodeScalar(byte))
                        + String(repeating: "z", count: length &- place &- 1)
                    #expect(Self.written([text], capacity: 4096) == "[" + Self.reference(text) + "]", "\(text)")
                }
            }
        }
    }

    /// The byte-at-a-time path for a string whose UTF-8 is not contiguous (`appendQuoted(bytes:)`, never
    /// taken on Linux, where every String is) writes what the sixteen-byte path writes, in every block size.
    @Test func bytesOneAtATimeReadAsTheStringPathWritesThem() {
        let alphabet: [String] = ["a", "Z", " ", "\"", "\\", "\n", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1F}", "\u{7F}",
                                  "é", "😀"]
        var generator = SplitMix64(seed: 43)
        for _ in 0..<200 {
            let text = (0..<generator.below(40)).map { _ in alphabet[generator.below(alphabet.count)] }.joined()
            let expected = Self.reference(text)
            for capacity in [1, 8, 16, 24, expected.utf8.count, expected.utf8.count + 8, 4096] {
                let block = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                defer { block.deallocate() }
                let written = JSONWriter.withDocument(in: block, capacity: capacity, {
                    $0.appendQuoted(bytes: text.utf8)
                }) { String(decoding: $0, as: UTF8.self) }
                #expect(written == expected, "\(text) in \(capacity)")
            }
        }
    }
}
