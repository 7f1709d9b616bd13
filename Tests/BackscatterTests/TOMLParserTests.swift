@testable import Backscatter
import Testing

/// A compact, order-independent rendering of a value, tagged by type as toml-test's JSON is.
func render(_ value: TOMLValue) -> String {
    switch value {
    case .string(let s): return "s:\(s.debugDescription)"
    case .integer(let i): return "i:\(i)"
    case .float(let d): return "f:\(d)"
    case .boolean(let b): return "b:\(b)"
    case .dateTime(let dt): return "d:\(dt.text)"
    case .array(let a): return "[" + a.elements.map(render).joined(separator: ",") + "]"
    case .table(let t): return render(t)
    }
}

func render(_ table: TOMLTable) -> String {
    "{" + table.keys.sorted().compactMap { k in table[k].map { "\(k)=\(render($0))" } }.joined(separator: ",") + "}"
}

/// A valid document and its expected tree.
struct ValidCase: CustomTestStringConvertible, Sendable {
    var name: String
    var toml: String
    var expected: String
    var testDescription: String { name }
}

/// An invalid document, where its error is, and words its message must contain.
struct InvalidCase: CustomTestStringConvertible, Sendable {
    var name: String
    var toml: String
    var line: Int
    var column: Int
    var says: String
    var testDescription: String { name }
}

let validCases: [ValidCase] = [
    .init(name: "empty", toml: "", expected: "{}"),
    .init(name: "comments and blank lines", toml: "# c\n\n  # d\na = 1 # e\n", expected: "{a=i:1}"),
    .init(name: "bare, quoted and dotted keys", toml: "bare_key-1 = 1\n\"quoted key\" = 2\n'lit.key' = 3\nx . y = 4\n",
          expected: "{bare_key-1=i:1,lit.key=i:3,quoted key=i:2,x={y=i:4}}"),
    .init(name: "digit keys", toml: "1234 = 'a'\n[batv]\nkeys = { \"0\" = \"ab\", 1 = \"cd\" }\n",
          expected: "{1234=s:\"a\",batv={keys={0=s:\"ab\",1=s:\"cd\"}}}"),
    .init(name: "tables and sub-tables", toml: "[a]\nx = 1\n[a.b]\ny = 2\n[c . \"d e\"]\n",
          expected: "{a={b={y=i:2},x=i:1},c={d e={}}}"),
    .init(name: "implicit super-table defined later", toml: "[x.y.z]\na=1\n[x]\nb=2\n",
          expected: "{x={b=i:2,y={z={a=i:1}}}}"),
    .init(name: "dotted sub-table under header", toml: "[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true\n",
          expected: "{fruit={apple={color=s:\"red\",texture={smooth=b:true}}}}"),
    .init(name: "array of tables", toml: "[[dkim]]\ndomain = 'a'\n[[dkim]]\ndomain = 'b'\n[dkim.extra]\nk = 1\n",
          expected: "{dkim=[{domain=s:\"a\"},{domain=s:\"b\",extra={k=i:1}}]}"),
    .init(name: "basic string escapes", toml: #"s = "a\tb\n\"q\" \\ \u00e9 \U0001F600 \b\f\r""# + "\n",
          expected: "{s=s:\("a\tb\n\"q\" \\ é 😀 \u{08}\u{0C}\r".debugDescription)}"),
    .init(name: "literal string keeps backslashes", toml: #"p = '^\d{14}\.[0-9A-F]{10}@mx$'"#,
          expected: "{p=s:\(#"^\d{14}\.[0-9A-F]{10}@mx$"#.debugDescription)}"),
    .init(name: "multi-line basic: first newline trimmed", toml: "s = \"\"\"\nline1\nline2\n\"\"\"\n",
          expected: "{s=s:\("line1\nline2\n".debugDescription)}"),
    .init(name: "multi-line basic: line-ending backslash", toml: "s = \"\"\"\\\n   The quick \\\n\n   fox.\"\"\"\n",
          expected: "{s=s:\"The quick fox.\"}"),
    .init(name: "multi-line basic: quotes before closing", toml: "s = \"\"\"a \"b\" \"\"\"\"\"\n",
          expected: "{s=s:\("a \"b\" \"\"".debugDescription)}"),
    .init(name: "multi-line basic CRLF", toml: "s = \"\"\"\r\nx\r\ny\"\"\"\r\nt = 1\r\n",
          expected: "{s=s:\("x\ny".debugDescription),t=i:1}"),
    .init(name: "multi-line literal", toml: "s = '''\nC:\\x\n'quoted' ''''\n",
          expected: "{s=s:\("C:\\x\n'quoted' '".debugDescription)}"),
    .init(name: "integers", toml: "a = +99\nb = -17\nc = 0\nd = 1_000_000\ne = 0xDEAD_beef\nf = 0o755\ng = 0b1101\nh = 9223372036854775807\n",
          expected: "{a=i:99,b=i:-17,c=i:0,d=i:1000000,e=i:3735928559,f=i:493,g=i:13,h=i:9223372036854775807}"),
    .init(name: "floats", toml: "a = 0.8\nb = -3.1415\nc = 5e+22\nd = 1e06\ne = -2E-2\nf = 6.626e-34\ng = 224_617.445_991\nh = inf\ni = -inf\nj = 0.0\n",
          expected: "{a=f:0.8,b=f:-3.1415,c=f:5e+22,d=f:1000000.0,e=f:-0.02,f=f:6.626e-34,g=f:224617.445991,h=f:inf,i=f:-inf,j=f:0.0}"),
    .init(name: "booleans", toml: "t = true\nf = false\n", expected: "{f=b:false,t=b:true}"),
    .init(name: "date-times", toml: "a = 2026-01-12T00:00:00Z\nb = 1979-05-27 07:32:00-07:00\nc = 1979-05-27T00:32:00.999999\nd = 1979-05-27\ne = 07:32:00\n",
          expected: "{a=d:2026-01-12T00:00:00Z,b=d:1979-05-27 07:32:00-07:00,c=d:1979-05-27T00:32:00.999999,d=d:1979-05-27,e=d:07:32:00}"),
    .init(name: "arrays: multi-line, trailing comma, comments, nesting",
          toml: "a = [\n  1, # one\n  2,\n  # between\n  3,\n]\nb = [ [1, 2], ['x'], [] ]\nc = []\n",
          expected: "{a=[i:1,i:2,i:3],b=[[i:1,i:2],[s:\"x\"],[]],c=[]}"),
    .init(name: "inline tables", toml: "p = { x = 1, y.z = 'w', q = { r = [1] } }\ne = {}\n",
          expected: "{e={},p={q={r=[i:1]},x=i:1,y={z=s:\"w\"}}}"),
    .init(name: "array of inline tables", toml: "a = [ { k = 1 }, { k = 2 } ]\n", expected: "{a=[{k=i:1},{k=i:2}]}"),
    .init(name: "byte order mark", toml: "\u{FEFF}a = 1\n", expected: "{a=i:1}"),
    .init(name: "whitespace around everything", toml: "  [ t ]  \n\ta\t=\t1\t\n", expected: "{t={a=i:1}}"),
]

let invalidCases: [InvalidCase] = [
    .init(name: "missing equals", toml: "a = 1\nb 2\n", line: 2, column: 3, says: "expected '='"),
    .init(name: "missing value", toml: "a =\n", line: 1, column: 4, says: "expected a value"),
    .init(name: "bare word value", toml: "a = hello\n", line: 1, column: 5, says: "expected a value"),
    .init(name: "unterminated string", toml: "\n\na = \"abc\n", line: 3, column: 5, says: "unterminated string"),
    .init(name: "bad escape", toml: "a = \"x\\qy\"\n", line: 1, column: 7, says: "unknown escape"),
    .init(name: "duplicate key", toml: "a = 1\na = 2\n", line: 2, column: 1, says: "duplicate key a (first set at line 1)"),
    .init(name: "table defined twice", toml: "[a]\nx=1\n[a]\n", line: 3, column: 1, says: "defined twice"),
    .init(name: "dotted key into header table", toml: "[a.b]\nx=1\n[a]\nb.y = 2\n", line: 4, column: 1, says: "dotted key cannot add"),
    .init(name: "header over dotted table", toml: "[f]\napple.color = 1\n[f.apple]\n", line: 3, column: 1, says: "defined twice"),
    .init(name: "extend inline table", toml: "a = { b = 1 }\n[a.c]\n", line: 2, column: 2, says: "already holds a table"),
    .init(name: "append to static array", toml: "a = [1]\n[[a]]\n", line: 2, column: 1, says: "cannot append"),
    .init(name: "two values on a line", toml: "a = 1 b = 2\n", line: 1, column: 7, says: "expected a new line"),
    .init(name: "array missing comma", toml: "a = [1 2]\n", line: 1, column: 8, says: "expected ',' or ']'"),
    .init(name: "unterminated array", toml: "a = [1,\n2,\n", line: 1, column: 5, says: "unterminated array"),
    .init(name: "inline table over lines", toml: "a = { b = 1,\nc = 2 }\n", line: 1, column: 13, says: "one line"),
    .init(name: "inline table trailing comma", toml: "a = { b = 1, }\n", line: 1, column: 14, says: "trailing comma"),
    .init(name: "leading zero", toml: "a = 012\n", line: 1, column: 5, says: "leading zeros"),
    .init(name: "double underscore", toml: "a = 1__0\n", line: 1, column: 5, says: "underscore"),
    .init(name: "integer overflow", toml: "a = 9223372036854775808\n", line: 1, column: 5, says: "out of the 64-bit range"),
    .init(name: "float without fraction digits", toml: "a = 1.\n", line: 1, column: 5, says: "followed by digits"),
    .init(name: "bad date", toml: "a = 2026-02-30T00:00:00Z\n", line: 1, column: 5, says: "day out of range"),
    .init(name: "bad offset", toml: "a = 2026-01-01T00:00:00+25:00\n", line: 1, column: 5, says: "offset out of range"),
    .init(name: "unclosed header", toml: "[a\n", line: 1, column: 3, says: "expected ']'"),
    .init(name: "empty key", toml: "= 1\n", line: 1, column: 1, says: "expected a key"),
    .init(name: "lone carriage return", toml: "a = 1\rb = 2\n", line: 1, column: 6, says: "carriage return"),
    .init(name: "multi-line key", toml: "\"\"\"k\"\"\" = 1\n", line: 1, column: 1, says: "multi-line"),
    .init(name: "nesting bomb", toml: "a = " + String(repeating: "[", count: 10_000), line: 1, column: 69, says: "nested too deeply"),
]

@Suite struct TOMLParserTests {
    @Test(arguments: validCases)
    func parsesValidDocument(_ c: ValidCase) throws {
        let table = try TOMLParser.parse(c.toml)
        #expect(render(table) == c.expected)
    }

    @Test(arguments: invalidCases)
    func rejectsInvalidDocument(_ c: InvalidCase) {
        #expect {
            _ = try TOMLParser.parse(c.toml)
        } throws: { error in
            guard let error = error as? TOMLError else { return false }
            let ok = error.line == c.line && error.column == c.column && error.reason.contains(c.says)
            if !ok { print("\(c.name): got \(error)") }
            return ok
        }
    }

    @Test func positionsOfKeysAndArrayElements() throws {
        let table = try TOMLParser.parse("[relays]\nnetworks = [\n  \"a\",\n    \"b\",\n]\n")
        guard case .table(let relays)? = table["relays"], case .array(let networks)? = relays["networks"] else {
            Issue.record("no relays.networks")
            return
        }
        #expect(relays.position(of: "networks") == TOMLPosition(line: 2, column: 1))
        #expect(networks.positions == [TOMLPosition(line: 3, column: 3), TOMLPosition(line: 4, column: 5)])
        #expect(table.position(of: "relays") == TOMLPosition(line: 1, column: 1))
    }

    @Test func offsetDateTimeGivesTheInstant() throws {
        let table = try TOMLParser.parse("a = 2026-01-12T00:00:00Z\nb = 2026-01-12T01:30:00+01:30\nc = 2026-01-12\n")
        guard case .dateTime(let a)? = table["a"], case .dateTime(let b)? = table["b"], case .dateTime(let c)? = table["c"]
        else {
            Issue.record("not date-times")
            return
        }
        #expect(a.secondsSince1970 == 1_768_176_000)
        #expect(b.secondsSince1970 == 1_768_176_000)
        #expect(a.kind == .offsetDateTime && c.kind == .localDate)
        #expect(c.secondsSince1970 == nil)
    }

    /// Every valid case written back out by `TOMLWriter` parses to the same tree.
    @Test(arguments: validCases)
    func writerRoundTrips(_ c: ValidCase) throws {
        let table = try TOMLParser.parse(c.toml)
        let text = TOMLWriter.document(table)
        let again = try TOMLParser.parse(text)
        #expect(render(again) == render(table), "written as:\n\(text)")
    }

    @Test func writerEscapesAwkwardStrings() throws {
        var table = TOMLTable()
        let awkward = "quote \" backslash \\ tab \t nul \u{0} del \u{7F} \"\"\" end\n\"\""
        table.set("weird key.with dot", .string(awkward))
        table.set("pem", .string("-----BEGIN-----\nabc\n-----END-----\n"))
        let again = try TOMLParser.parse(TOMLWriter.document(table))
        #expect(again == table)
    }
}

@Suite struct TOMLEncodingTests {
    @Test func invalidUTF8IsLocated() {
        #expect {
            _ = try TOMLParser.parse(bytes: Array("a = 1\nb = \"x".utf8) + [0xC3, 0x28] + Array("\"\n".utf8))
        } throws: { error in
            guard let error = error as? TOMLError else { return false }
            return error.line == 2 && error.column == 7 && error.reason.contains("UTF-8")
        }
    }

    @Test(arguments: [[0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]] as [[UInt8]])
    func rejectsMalformedSequences(_ bad: [UInt8]) {
        #expect(TOMLParser.firstInvalidUTF8(Array("s = '".utf8) + bad + Array("'".utf8)) == 5)
    }

    @Test func acceptsWellFormedUTF8() {
        #expect(TOMLParser.firstInvalidUTF8(Array("é € 😀 \u{10FFFF}".utf8)) == nil)
    }
}
