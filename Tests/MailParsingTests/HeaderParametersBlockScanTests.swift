import Testing
import TestSupport
@testable import MailParsing

/// `HeaderParameters.parse` skips to the end of a name, a token or a quoted run sixteen bytes at a time
/// (`firstMarkedOffset`), the last block overlapping the one before: the offset must be the first marked
/// byte at or after the start (or the end), and a list must read the same whether its bytes are read
/// in blocks or byte by byte.
@Suite struct HeaderParametersBlockScanTests {
    @Test func firstMarkedOffsetIsTheFirstMarkedByte() {
        var generator = SplitMix64(seed: 32)
        let alphabet = Array("ab=;\" \t\r\n".utf8) + [0x00, 0x7F, 0x80, 0xE9]
        let semicolons = SIMD16<UInt8>(repeating: ASCII.semicolon), spaces = SIMD16<UInt8>(repeating: ASCII.space)
        for _ in 0..<20_000 {
            let bytes = generator.bytes(alphabet, count: generator.below(48))
            let from = generator.below(bytes.count + 1)
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                let found = HeaderParameters.firstMarkedOffset(base, from: from, end: bytes.count) {
                    ($0 .== semicolons) .| ($0 .<= spaces)
                }
                let expected = bytes.count < 16
                    ? from : (bytes[from...].firstIndex { $0 == ASCII.semicolon || $0 <= ASCII.space } ?? bytes.count)
                #expect(found == expected, "\(bytes) from \(from)")
            }
        }
    }

    @Test func listsReadTheSameInBlocksAndByteByByte() {
        var generator = SplitMix64(seed: 33)
        let alphabet = Array("ab=;\"\\ \t\r\n?(*".utf8) + [0x01, 0x80, 0xE9]
        var lists = ["; charset=utf-8", "; boundary=\"----=_Part_1\"; report-type=delivery-status",
                     "; a = b ; c=\"d\\\"e\" x; f"].map { Array($0.utf8) }
        for _ in 0..<6000 { lists.append(generator.bytes(alphabet, count: generator.below(40))) }
        for list in lists {
            // Leading blanks are skipped before the first name: with sixteen of them every scan of the
            // list reads blocks, where a list under sixteen bytes is read byte by byte.
            let padded = Array(repeating: ASCII.space, count: 16) + list
            let (short, shortMalformed) = HeaderParameters.parse(list[...])
            let (long, longMalformed) = HeaderParameters.parse(padded[...])
            #expect(short == long && shortMalformed == longMalformed, "\(list)")
        }
    }
}

/// `HeaderParameters.commonValue` gives the literal a value spells byte for byte, and nothing for any
/// other value (one byte changed, case changed, shorter or longer).
@Suite struct HeaderParameterCommonValueTests {
    @Test func commonValuesAreTheirBytes() {
        let common = ["utf-8", "UTF-8", "flowed", "us-ascii", "US-ASCII", "iso-8859-1", "ISO-8859-1", "iso-2022-jp",
                      "ISO-2022-JP", "delivery-status"]
        var values = common.map { Array($0.utf8) }
        for text in common {
            let bytes = Array(text.utf8)
            for index in bytes.indices {
                var changed = bytes
                changed[index] ^= 0x20
                values.append(changed)
                changed[index] = UInt8(ascii: "x")
                values.append(changed)
            }
            values.append(Array(bytes.dropLast()))
            values.append(bytes + [UInt8(ascii: "x")])
        }
        var generator = SplitMix64(seed: 34)
        let alphabet = Array("utf-8UTF".utf8)
        for _ in 0..<5000 { values.append(generator.bytes(alphabet, count: generator.below(9))) }
        for value in values {
            let found = value.withUnsafeBufferPointer { HeaderParameters.commonValue($0) }
            let text = String(decoding: value, as: UTF8.self)
            #expect(found == (common.contains(text) ? text : nil), "\(text)")
        }
    }
}
