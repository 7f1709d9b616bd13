import Testing
@testable import MailParsing

/// Message-ID / In-Reply-To / References values and the ids expected (parseList), shapes from RFC 5322
/// §A.2-A.6 and the corpora.
let messageIDTable: [(input: String, expected: [String])] = [
    ("<1234@local.machine.example>", ["1234@local.machine.example"]),
    ("<1234@local.machine.example> <3456@example.net>", ["1234@local.machine.example", "3456@example.net"]),
    ("<1234@local.machine.example>\r\n <3456@example.net>\r\n\t<abcd.1234@local.machine.test>",
     ["1234@local.machine.example", "3456@example.net", "abcd.1234@local.machine.test"]),
    ("<testabcd.1234@silly.test> (the original)", ["testabcd.1234@silly.test"]),
    ("(comment) <a@b.example> (another (nested) comment)", ["a@b.example"]),
    ("<abc @ example.com>", ["abc@example.com"]),
    ("<abc@\r\n example.com>", ["abc@example.com"]),
    ("<(obs)abc@example.com>", ["abc@example.com"]),
    ("abc@example.com", ["abc@example.com"]),
    ("abc@example.com, def@example.com", ["abc@example.com", "def@example.com"]),
    ("<a@example.com>,<b@example.com>", ["a@example.com", "b@example.com"]),
    ("<a@example.com><b@example.com>", ["a@example.com", "b@example.com"]),
    ("<a@example.com <b@example.com>", ["a@example.com", "b@example.com"]),
    ("<unclosed@example.com", ["unclosed@example.com"]),
    ("Your message of Mon, 1 Jan 2024 <x@example.com>", ["x@example.com"]),
    ("<>", []),
    ("", []),
    ("   \r\n  ", []),
    ("<\"quoted local\"@example.com>", ["\"quotedlocal\"@example.com"]),
    ("<201801010000.ABC123@mx.example.jp>", ["201801010000.ABC123@mx.example.jp"]),
    ("<CAF=+xyz_Q@mail.gmail.com>", ["CAF=+xyz_Q@mail.gmail.com"]),
    ("<0.0.0.0.1D3F7A2B4C5E6F7.ABCDEF@mx.example.com>", ["0.0.0.0.1D3F7A2B4C5E6F7.ABCDEF@mx.example.com"]),
    ("<ids-without-at>", ["ids-without-at"]),
    ("(unterminated comment <a@example.com>", []),
]

@Suite struct MessageIDParserTests {
    @Test(arguments: messageIDTable.indices)
    func parsesList(_ index: Int) {
        let row = messageIDTable[index]
        #expect(MessageIDParser.parseList(Array(row.input.utf8)[...]) == row.expected, "\(row.input)")
    }

    @Test func parseTakesTheFirstOrAnyWord() {
        #expect(MessageIDParser.parse(Array("<a@x> <b@y>".utf8)[...]) == "a@x")
        #expect(MessageIDParser.parse(Array("  1234567890  ".utf8)[...]) == "1234567890")
        #expect(MessageIDParser.parse(Array(" (only a comment) ".utf8)[...]) == nil)
        #expect(MessageIDParser.parse(Array("".utf8)[...]) == nil)
    }

    @Test func hostileInputsTerminate() {
        let opens = [UInt8](repeating: ASCII.lessThan, count: 100_000)
        #expect(MessageIDParser.parseList(opens[...]).isEmpty)
        let parens = [UInt8](repeating: ASCII.openParen, count: 100_000) + Array("<a@b>".utf8)
        #expect(MessageIDParser.parseList(parens[...]).isEmpty)
        let long = [ASCII.lessThan] + [UInt8](repeating: UInt8(ascii: "a"), count: 200_000) + [ASCII.greaterThan]
        #expect(MessageIDParser.parse(long[...])?.utf8.count == MessageIDParser.maxIDBytes)
        let nul: [UInt8] = Array("<a".utf8) + [0] + Array("b@c>".utf8)
        #expect(MessageIDParser.parse(nul[...]) == "a\u{0}b@c")
        let many = Array(String(repeating: "<a@b> ", count: 30_000).utf8)
        #expect(MessageIDParser.parseList(many[...]).count == 30_000)
        let backslashEnd: [UInt8] = Array("(\\".utf8)
        #expect(MessageIDParser.parseList(backslashEnd[...]).isEmpty)
    }
}
