import Testing
import TestSupport
@testable import MailParsing

/// `MIMEParser.hasContentNameTail`: the words that tell Content-Type and Content-Transfer-Encoding
/// apart, checked against `equalsCaseInsensitive` of the whole name.
@Suite struct ContentNameTailTests {
    @Test func agreesWithTheBytewiseComparison() {
        var generator = SplitMix64(seed: 23)
        let names = [Array("content-type".utf8), Array("content-transfer-encoding".utf8)]
        var cases: [[UInt8]] = [Array("CONTENT-TYPE".utf8), Array("Content-Transfer-Encoding".utf8),
                                Array("content-typf".utf8), Array("content-transfer-encodinG".utf8)]
        // Every byte value at every place after `content-` of both names, with a value after the name.
        for name in names {
            for place in 8..<name.count {
                for byte in 0...255 {
                    var changed = name
                    changed[place] = UInt8(byte)
                    cases.append(changed)
                }
            }
            for _ in 0..<200 {
                cases.append(name.map { generator.next() % 2 == 0 || $0 < 97 || $0 > 122 ? $0 : $0 - 32 })
            }
        }
        for name in cases {
            let slice = name[...]
            let expected = name.count == 12 ? slice.equalsCaseInsensitive("content-type")
                : slice.equalsCaseInsensitive("content-transfer-encoding")
            let field = name + Array(": x".utf8)
            let answer = field.withUnsafeBufferPointer { MIMEParser.hasContentNameTail($0, length: name.count) }
            #expect(answer == expected, "\(name)")
        }
    }
}
