import Testing
import TestSupport
@testable import MailParsing

/// `HeaderField.copyDroppingLineEnds`: its sixteen-byte blocks and eight-byte tail words held to the
/// byte loop of its definition (every byte but CR and LF, the first `limit` of them).
@Suite struct CopyDroppingLineEndsTests {
    /// The definition, a byte at a time.
    static func bytewise(_ source: [UInt8], limit: Int) -> [UInt8] {
        Array(source.filter { $0 != ASCII.carriageReturn && $0 != ASCII.lineFeed }.prefix(max(0, limit)))
    }

    @Test func agreesWithTheByteLoopOnRandomInput() {
        var generator = SplitMix64(seed: 2_027)
        // Line ends rare, common, or in runs (CRLF, LF LF, lone CR), next to the blocks' and words' edges.
        let alphabets: [[UInt8]] = [
            Array("abcdefgh ".utf8) + [13, 10],
            Array("a \t".utf8) + [13, 10, 13, 10, 10],
            Array("received: from mx.example.org (mx [192.0.2.1]) by host; ".utf8) + [13, 10, 0, 0xFF, 11, 12],
        ]
        for round in 0..<20_000 {
            let alphabet = alphabets[round % alphabets.count]
            let length = generator.below(90)
            let source = generator.bytes(alphabet, count: length)
            let limit = [length, length + 5, generator.below(length + 1), 0, 7, 8, 15, 16, 17, 24][generator.below(10)]
            let expected = Self.bytewise(source, limit: limit)
            // Room for `min(source.count, limit)` bytes, as the function asks, and a guard after it.
            let room = min(source.count, limit)
            var target = [UInt8](repeating: 0xA5, count: room + 16)
            let written = source.withUnsafeBufferPointer { source in
                target.withUnsafeMutableBufferPointer { target in
                    HeaderField.copyDroppingLineEnds(source, into: target.baseAddress!, limit: limit)
                }
            }
            #expect(written == expected.count, "round \(round)")
            #expect(Array(target[..<written]) == expected, "round \(round)")
            #expect(target[room...].allSatisfy { $0 == 0xA5 }, "round \(round): wrote past its room")
        }
    }
}
