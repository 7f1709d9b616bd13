import Testing
import MailParsing
@testable import DeliveryStatus
import TestSupport

/// The sender as `BounceContext` keeps it: a plain ASCII From value placed for the claims from its
/// unfolded bytes and made a String only when `from` is read (`BounceContext.isPlainASCII`), any
/// other decoded by `EncodedWords.decode` in `init`, as every value was.
@Suite struct SenderTextTests {
    /// `isPlainASCII` against its definition, for every length 0-40 (byte by byte under eight, two
    /// words under sixteen, blocks with the last one overlapping above), the rejected bytes planted
    /// at every place now and then.
    @Test func plainASCIIKernel() {
        var random = SplitMix64(seed: 39)
        let alphabet: [UInt8] = Array("aZ =<@>.".utf8) + [0x3F, 0x0D, 0x0A, 0x80, 0xC3, 0xFF]
        let clean = Array("aZ =<@>.".utf8)
        for length in 0...40 {
            for round in 0..<60 {
                var bytes = random.bytes(round % 3 == 0 ? alphabet : clean, count: length)
                if round % 3 == 1, length > 0 { bytes[random.below(length)] = alphabet[8 + random.below(6)] }
                let expected = bytes.allSatisfy { $0 < 0x80 && $0 != 0x3F && $0 != 0x0D && $0 != 0x0A }
                #expect(bytes.withUnsafeBufferPointer(BounceContext.isPlainASCII) == expected, "\(bytes)")
            }
        }
    }

    /// `from` is `EncodedWords.decode` of the unfolded value, and `fromText` its bytes, for plain,
    /// encoded, 8-bit (UTF-8 and not) and folded senders, and none.
    @Test func senderIsTheDecodedValue() {
        var random = SplitMix64(seed: 7)
        let pieces = ["a", "Z", " ", "<", "@", ">", ".", "?", "=", "é", "\u{FF}", "=?utf-8?Q?J=C3=B6rg?=", "=?iso-8859-1?B?SvZyZw==?="]
        var values: [[UInt8]?] = [nil, [], Array("mailer-daemon@example.org".utf8), Array("\"Mail Delivery\"\n <md@example.org>".utf8)]
        for _ in 0..<300 {
            var value: [UInt8] = []
            for _ in 0..<random.below(12) {
                let piece = pieces[random.below(pieces.count)]
                value += piece == "\u{FF}" ? [0xFF] : Array(piece.utf8)
            }
            values.append(value)
        }
        for value in values {
            var message = Array("Subject: report\n".utf8)
            if let value { message += Array("From: ".utf8) + value + [0x0A] }
            message += Array("\nbody\n".utf8)
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(message)))
            let expected = context.headers.first("from").map { EncodedWords.decode($0.unfoldedValue) } ?? ""
            #expect(Array(context.fromText.bytes) == Array(expected.utf8), "\(value ?? [])")
            #expect(context.from == expected, "\(value ?? [])")
            #expect(context.lowercaseFrom == expected.lowercasedIfNeeded(), "\(value ?? [])")
        }
    }
}
