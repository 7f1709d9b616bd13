import Testing
import TestSupport
@testable import MailParsing

/// `ContentType.parse` answers the common whole values from a prepared table (`commonValues`): it must
/// give what the full parser gives, for those values with blanks and line ends around them, for values
/// one byte away from them, and for anything else.
@Suite struct ContentTypeCommonValueTests {
    static func same(_ a: (ContentType, malformed: Bool)?, _ b: (ContentType, malformed: Bool)?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return x.0 == y.0 && x.malformed == y.malformed
        default: return false
        }
    }

    @Test func tableHoldsEveryCommonValue() {
        // None was dropped as malformed or unparsable when the table was made.
        #expect(ContentType.commonValues.types.count == 29)
        for (span, type) in zip(ContentType.commonValues.spans, ContentType.commonValues.types) {
            let entry = (bytes: Array(ContentType.commonValues.bytes[span]), type: type)
            #expect(ContentType.commonValue(entry.bytes[...]) == entry.type)
            #expect(!entry.type.isDefaulted)
        }
    }

    @Test func parseAgreesWithTheFullParser() {
        var values: [[UInt8]] = []
        let blanks: [[UInt8]] = [[], [0x20], [0x09], [0x0D, 0x0A], [0x0A], [0x0D], [0x20, 0x0D, 0x0A, 0x09]]
        for (span, type) in zip(ContentType.commonValues.spans, ContentType.commonValues.types) {
            let entry = (bytes: Array(ContentType.commonValues.bytes[span]), type: type)
            let bytes = entry.bytes
            for before in blanks { for after in blanks { values.append(before + bytes + after) } }
            // One byte changed, dropped or added anywhere: must not be taken for the common value.
            for index in bytes.indices {
                var changed = bytes
                changed[index] = changed[index] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
                values.append(changed)
                var upper = bytes
                upper[index] = ASCII.isAlpha(upper[index]) ? upper[index] ^ 0x20 : upper[index]
                values.append(upper)
                var dropped = bytes
                dropped.remove(at: index)
                values.append(dropped)
                var added = bytes
                added.insert(UInt8(ascii: ";"), at: index)
                values.append(added)
            }
            values.append(bytes + Array("; format=flowed".utf8))
            values.append(bytes + Array(";".utf8))
            values.append(Array(bytes.prefix(bytes.count - 1)))
        }
        var generator = SplitMix64(seed: 15)
        let alphabet = Array("tm/;= \"\r\nabc-".utf8) + [0xC3, 0xA9]
        for _ in 0..<3000 { values.append(generator.bytes(alphabet, count: generator.below(30))) }
        values.append([])
        for value in values {
            #expect(Self.same(ContentType.parse(value[...]), ContentType.parseInFull(value[...])),
                    "\(String(decoding: value, as: UTF8.self))")
            // Through a slice whose indices do not start at zero.
            let padded = [UInt8(ascii: "x")] + value
            #expect(Self.same(ContentType.parse(padded[1...]), ContentType.parseInFull(value[...])))
        }
    }
}

/// `HeaderParameters` makes the String of a plain 7-bit value itself (`isPlainASCII`): it must be what
/// `TextDecoding.decodeHeaderText` gives, and values with `=?`, line ends or 8-bit bytes must still go there.
@Suite struct HeaderParameterPlainValueTests {
    @Test func plainValuesDecodeAsTheHeaderTextDecoder() {
        var generator = SplitMix64(seed: 16)
        let alphabet = Array("ab=?Q_ -\"\\\r\n".utf8) + [0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0x00]
        var values: [[UInt8]] = [[], Array("=?utf-8?Q?a?=".utf8), Array("us-ascii".utf8), [0xC3, 0xA9], [0xFF], Array("a?b".utf8)]
        for _ in 0..<4000 { values.append(generator.bytes(alphabet, count: generator.below(24))) }
        for value in values {
            #expect(HeaderParameters.isPlainASCII(value[...])
                    == !value.contains { $0 >= 0x80 || $0 == UInt8(ascii: "?") || $0 == 0x0D || $0 == 0x0A }, "\(value)")
            if HeaderParameters.isPlainASCII(value[...]) {
                #expect(!value.contains { $0 >= 0x80 || $0 == UInt8(ascii: "?") || $0 == 0x0D || $0 == 0x0A })
                #expect(String(decoding: value, as: UTF8.self) == TextDecoding.decodeHeaderText(value[...]))
            }
            // Through the parser: a quoted value without quotes, backslashes or line ends is its bytes.
            let inner = value.filter { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != 0x0D && $0 != 0x0A }
            let field = Array("; name=\"".utf8) + inner + Array("\"".utf8)
            let (parameters, _) = HeaderParameters.parse(field[...])
            #expect(parameters["name"] == TextDecoding.decodeHeaderText(inner[...]), "\(inner)")
        }
    }
}
