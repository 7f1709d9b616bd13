import Testing
@testable import MailParsing
import TestSupport

/// Address field values and the mailboxes expected, written "display name|address" (empty name: no name).
/// Shapes come from RFC 5322 §A.1-A.6 and from the sisimai / backscatter-dev corpora.
let addressTable: [(input: String, expected: [String])] = [
    // RFC 5322 §A.1.1 - A.1.3
    ("John Doe <jdoe@machine.example>", ["John Doe|jdoe@machine.example"]),
    ("Mary Smith <mary@example.net>, jdoe@example.org, Who? <one@y.test>",
     ["Mary Smith|mary@example.net", "|jdoe@example.org", "Who?|one@y.test"]),
    (#"<boss@nil.test>, "Giant; \"Big\" Box" <sysservices@example.net>"#,
     ["|boss@nil.test", #"Giant; "Big" Box|sysservices@example.net"#]),
    ("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
     ["Ed Jones|c@a.test", "|joe@where.test", "John|jdoe@one.test"]),
    ("Undisclosed recipients:;", []),
    ("undisclosed-recipients:;", []),
    // RFC 5322 §A.5: comments and white space
    ("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", ["Pete|pete@silly.test"]),
    ("A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
     ["Chris Jones|c@public.example", "|joe@example.org", "John|jdoe@one.test"]),
    // RFC 5322 §A.6.1 obsolete forms, obs-route
    ("Joe Q. Public <john.q.public@example.com>", ["Joe Q. Public|john.q.public@example.com"]),
    ("Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example", ["Mary Smith|mary@example.net", "|jdoe@test"]),
    ("<@a.example,@b.example:user@c.example>", ["|user@c.example"]),
    // Comments as display names
    ("user@example.com (Real Name)", ["Real Name|user@example.com"]),
    ("user@example.com (Real (nested) Name)", ["Real (nested) Name|user@example.com"]),
    // Quoted local parts and names
    (#""john doe"@example.com"#, [#"|"john doe"@example.com"#]),
    (#""john"@example.com"#, ["|john@example.com"]),
    (#""Doe, John" <john@example.com>"#, ["Doe, John|john@example.com"]),
    (#""=?utf-8?Q?Jos=C3=A9?=" <j@example.com>"#, ["José|j@example.com"]),
    ("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>", ["Keld Jørn Simonsen|keld@dkuug.dk"]),
    ("=?iso-8859-1*sv?Q?D=F6rte_=C5._S=F6rensen=2C_Jr.?= <d@example.se>", ["Dörte Å. Sörensen, Jr.|d@example.se"]),
    // RFC 6532 UTF-8
    ("Jörg Müller <jörg@bücher.example>", ["Jörg Müller|jörg@bücher.example"]),
    ("用户 <用户@例子.广告>", ["用户|用户@例子.广告"]),
    // Domain literals
    ("user@[192.0.2.1]", ["|user@[192.0.2.1]"]),
    ("Admin <root@[IPv6:2001:db8::1]>", ["Admin|root@[IPv6:2001:db8::1]"]),
    // Null reverse-path and bare local parts
    ("<>", ["|"]),                                   // the null reverse-path is kept (isNull)
    ("MAILER-DAEMON <>", ["MAILER-DAEMON|"]),
    ("MAILER-DAEMON", ["|MAILER-DAEMON"]),
    ("<Undisclosed Recipients>", [#"|"Undisclosed Recipients""#]),     // sisimai
    ("postmaster (Mail Delivery System)", ["Mail Delivery System|postmaster"]),
    // Junk recovery
    ("John Smith john@example.com", ["John Smith|john@example.com"]),
    ("John <john@example.com", ["John|john@example.com"]),
    ("John <john@example.com, Mary <mary@example.com>", ["John|john@example.com", "Mary|mary@example.com"]),
    ("<<john@example.com>>", ["|john@example.com"]),
    ("john@example.com>", ["|john@example.com"]),
    ("a@b@example.com", [#"|"a@b"@example.com"#]),
    ("user @ example.com", ["|user@example.com"]),
    ("\"unterminated <a@example.com>", ["unterminated|a@example.com"]),
    ("(unterminated comment a@example.com", []),
    ("Some Name", []),
    ("a@example.com,,, ,b@example.com", ["|a@example.com", "|b@example.com"]),
    ("a@example.com; b@example.com", ["|a@example.com", "|b@example.com"]),
    ("\"a@example.com\" <a@example.com>", ["a@example.com|a@example.com"]),
    ("< a@example.com >", ["|a@example.com"]),
    ("Name <a@example.com> trailing junk", ["Name|a@example.com"]),
    ("", []),
    // backscatter-dev / sisimai shapes
    ("Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>", ["Mail Delivery Subsystem|MAILER-DAEMON@mx.example.jp"]),
    ("MAILER-DAEMON@example.com (Mail Delivery System)", ["Mail Delivery System|MAILER-DAEMON@example.com"]),
    ("\"Mail Delivery System\" <MAILER-DAEMON@relay.example.net>", ["Mail Delivery System|MAILER-DAEMON@relay.example.net"]),
]

func render(_ a: MailAddress) -> String { (a.displayName ?? "") + "|" + a.address }

@Suite struct AddressParserTests {
    @Test(arguments: addressTable.indices)
    func parsesList(_ index: Int) {
        let row = addressTable[index]
        let parsed = AddressParser.parseList(Array(row.input.utf8)[...]).map(render)
        #expect(parsed == row.expected, "\(row.input)")
    }

    @Test func parseSingleKeepsTheNullReversePath() {
        let null = AddressParser.parseSingle(Array("<>".utf8)[...])
        #expect(null?.isNull == true)
        #expect(null?.address == "")
        let bounce = AddressParser.parseSingle(Array("<bounce+123@Example.COM>".utf8)[...])
        #expect(bounce?.localPart == "bounce+123")
        #expect(bounce?.lowercasedDomain == "example.com")
        #expect(AddressParser.parseSingle(Array("   ".utf8)[...]) == nil)
    }

    @Test func latin1BytesInANameAreReadAsLatin1() {
        let input: [UInt8] = Array("J".utf8) + [0xF6] + Array("rg <j@example.com>".utf8)
        #expect(AddressParser.parseList(input[...]).map(render) == ["Jörg|j@example.com"])
    }

    @Test func hostileInputsTerminate() {
        let nested = [UInt8](repeating: ASCII.openParen, count: 100_000) + Array("a@b.example".utf8)
        #expect(AddressParser.parseList(nested[...]).isEmpty)
        let balanced = [UInt8](repeating: ASCII.openParen, count: 100_000) + [UInt8](repeating: ASCII.closeParen, count: 100_000)
            + Array(" a@b.example".utf8)
        #expect(AddressParser.parseList(balanced[...]).map(\.address) == ["a@b.example"])
        let nul: [UInt8] = Array("a".utf8) + [0] + Array("b@example.com".utf8)
        #expect(AddressParser.parseList(nul[...]).map(\.localPart) == ["a\u{0}b"])
        let many = Array(String(repeating: "a@b.example, ", count: 20_000).utf8)
        #expect(AddressParser.parseList(many[...]).count == 20_000)
        let angles = [UInt8](repeating: ASCII.lessThan, count: 50_000) + [UInt8](repeating: ASCII.at, count: 50_000)
        _ = AddressParser.parseList(angles[...])
        // Many words, then an "@", then many ":" (each ":" must not rescan the words).
        let colons = Array(String(repeating: "a ", count: 30_000).utf8) + [ASCII.at] + [UInt8](repeating: ASCII.colon, count: 30_000)
        #expect(AddressParser.parseList(colons[...]).count == 1)
        let quotes = [UInt8](repeating: ASCII.quote, count: 100_001)
        #expect(AddressParser.parseList(quotes[...]).isEmpty)
        var generator = SplitMix64(seed: 301)  // seeded: every run reads the same inputs
        let alphabet = Array("<>@,;:()\"\\[] a.\u{0}\r\n".utf8) + [0xC3, 0xFF]
        for _ in 0..<300 {
            let input = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
            }
            let parsed = AddressParser.parseList(input[...])
            #expect(parsed.count <= input.count)
        }
    }
}

/// The fast path for `local@domain` and `Plain Name <local@domain>` must give exactly what the
/// tokenising parser gives, wherever it accepts a value.
@Suite struct AddressFastPathTests {
    static let shapes = [
        "jdoe@machine.example", "  jdoe@machine.example  ", "John Doe <jdoe@machine.example>", "<jdoe@x.example>",
        "John   Q.  Public <john.q.public@example.com>", "J.\tSmith <j@x.test>", "=?utf-8?q?J=C3=B6rg?= <j@x.test>",
        "Name=?x <a@b.c>", "a@b@c", "@x", "x@", "<>", "John <a@b> (c)", "John <a@b>, Mary <m@b>", "\"Q\" <a@b>",
        "a@[192.0.2.1]", "Müller <m@x.test>", "<a@b", "a@b>", "MAILER-DAEMON <>", "postmaster", "  ", "",
    ]

    @Test func fastPathAgreesOnShapes() {
        for shape in Self.shapes {
            let value = Array(shape.utf8)[...]
            if let simple = AddressParser.simpleAddress(value) {
                #expect([simple] == AddressParser.parseItemsByTokens(value), "\(shape)")
            }
            #expect(AddressParser.parseItems(value) == AddressParser.parseItemsByTokens(value), "\(shape)")
        }
        #expect(AddressParser.simpleAddress(Array("John Doe <jdoe@machine.example>".utf8)[...]) != nil)
        #expect(AddressParser.simpleAddress(Array("jdoe@machine.example".utf8)[...]) != nil)
    }

    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()))
    func fastPathAgreesOnEveryCorpusField() throws {
        var accepted = 0, values = 0
        var paths = FieldCorpusTests.files(under: "sisimai/maildir/bsd") + FieldCorpusTests.files(under: "parsers")
        paths.append(Corpus.path("backscatter-dev/corpus.mbox"))
        for path in paths {
            var reader = try MailboxReader(path: path)
            while let entry = try reader.next() {
                let message = ParsedMessage(parsing: entry.bytes)
                for part in message.root.allParts() {
                    for field in part.headers.fields {
                        let value = field.unfoldedValue
                        values += 1
                        guard let simple = AddressParser.simpleAddress(value) else { continue }
                        accepted += 1
                        #expect([simple] == AddressParser.parseItemsByTokens(value), "\(path): \(field.valueString)")
                    }
                }
            }
        }
        print("address fast path: \(accepted) of \(values) field values taken, all equal to the full parser")
        #expect(accepted > 10_000)
    }
}
