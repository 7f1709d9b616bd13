import Testing
@testable import MailParsing

/// Quoted strings that never close (RFC 5322 §3.2.4): the lone quote is dropped and the rest read on, as
/// before, but every quote after the first such one is dropped unscanned (`quotesUnterminated`). The
/// expectations are the tokens the tokenizer gave before that change (which scanned each such quote to the
/// end: `"\"\"\"...` in a From field was quadratic, 40 KB 1.5 s).
@Suite struct FieldTokenizerQuoteTests {
    /// Each token as `kind:text@start`.
    static func describe(_ value: String) -> [String] {
        FieldTokenizer.tokenize(Array(value.utf8)[...]).map { token in
            let kind: String
            switch token.kind {
            case .atom: kind = "atom"
            case .quoted: kind = "quoted"
            case .comment: kind = "comment"
            case .domainLiteral: kind = "literal"
            case .special(let b): kind = "special" + String(UnicodeScalar(b))
            case .space: kind = "space"
            default: kind = "other"
            }
            return "\(kind):\(String(decoding: token.text, as: UTF8.self))@\(token.start)"
        }
    }

    @Test(arguments: [
        (#""\"\"\""#, [#"atom:\@1"#, #"atom:\@3"#, #"atom:\@5"#]),
        (#"a "\"b" c"#, ["atom:a@0", "space:@1", #"quoted:"b@2"#, "space:@7", "atom:c@8"]),
        (#""x\"y" "\"z"#, [#"quoted:x"y@0"#, "space:@6", #"atom:\@8"#, "atom:z@10"]),
        (#"<a@b> "\"\"\" <c@d>"#, ["special<:<@0", "atom:a@1", "special@:@@2", "atom:b@3", "special>:>@4", "space:@5",
                                   #"atom:\@7"#, #"atom:\@9"#, #"atom:\@11"#, "space:@13", "special<:<@14", "atom:c@15",
                                   "special@:@@16", "atom:d@17", "special>:>@18"]),
        (#""\\" "\""#, [#"quoted:\@0"#, "space:@4", #"atom:\@6"#]),
        (#"x"\"y"\""#, ["atom:x@0", #"quoted:"y@1"#, #"atom:\@6"#]),
        (#"Jo "\"Al\" <j@x>"#, ["atom:Jo@0", "space:@2", #"atom:\@4"#, #"atom:Al\@6"#, "space:@10", "special<:<@11",
                                "atom:j@12", "special@:@@13", "atom:x@14", "special>:>@15"]),
        (#"a"b"c"d"#, ["atom:a@0", "quoted:b@1", "atom:c@4", "atom:d@6"]),
        (#"\"a"b"#, [#"atom:\@0"#, "quoted:a@1", "atom:b@4"]),
    ])
    func unterminatedQuotesAreDropped(_ input: String, _ expected: [String]) {
        #expect(Self.describe(input) == expected)
    }

    /// `"\` repeated: each pair one atom `\`, as 5,000 of them gave before (at 50,000 the old scans were
    /// ~1.25 billion byte steps).
    @Test func runsOfEscapedQuotesAreOneAtomEach() {
        let short = String(repeating: #""\"#, count: 5_000)
        #expect(FieldTokenizer.tokenize(Array(short.utf8)[...]).count == 5_000)
        #expect(Self.describe(short).suffix(3) == [#"atom:\@9995"#, #"atom:\@9997"#, #"atom:\@9999"#])
        let long = String(repeating: #""\"#, count: 50_000)
        #expect(FieldTokenizer.tokenize(Array(long.utf8)[...]).count == 50_000)
    }
}
