import MailParsing

/// A TOML 1.0 parser (https://toml.io/en/v1.0.0), written for site profiles: standard library only
/// (and MailParsing's UTF-8 check), reading bytes, with every error located by line and column and
/// saying what was expected.
///
/// Follows the spec's ABNF (toml.abnf) section by section; the section is named in a comment. Table
/// definition rules (a table defined twice, a dotted key reaching into a `[header]` table, extending an
/// inline table or a static array) are enforced as the spec's "Table" and "Array of Tables" sections say.
package struct TOMLParser {
    /// Deepest nesting of arrays and inline tables accepted (hostile input must not exhaust the stack).
    package static let maxNestingDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses a whole TOML document.
    /// - Throws: `TOMLError` with the line and column of the first error.
    package static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses a whole TOML document given as UTF-8 bytes.
    /// - Throws: `TOMLError` with the line and column of the first error.
    package static func parse(bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(bytes: bytes)
        return try parser.parseDocument()
    }

    // MARK: Named bytes

    private static let tab = UInt8(ascii: "\t"), space = UInt8(ascii: " ")
    private static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    private static let hash = UInt8(ascii: "#"), equals = UInt8(ascii: "="), dot = UInt8(ascii: ".")
    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'")
    private static let backslash = UInt8(ascii: "\\")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let plus = UInt8(ascii: "+"), minus = UInt8(ascii: "-"), underscore = UInt8(ascii: "_")
    private static let colon = UInt8(ascii: ":")

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "f"))
    }
    /// toml.abnf: unquoted-key = 1*( ALPHA / DIGIT / %x2D / %x5F ).
    private static func isBareKeyByte(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b == minus || b == underscore
    }

    // MARK: Cursor

    private var atEnd: Bool { index >= bytes.count }
    private var position: TOMLPosition { TOMLPosition(line: line, column: index - lineStart + 1) }
    private func peek(_ offset: Int = 0) -> UInt8? {
        let i = index + offset
        return i < bytes.count ? bytes[i] : nil
    }

    private func describeHere() -> String {
        guard let b = peek() else { return "end of file" }
        switch b {
        case Self.lf, Self.cr: return "end of line"
        case 0x20...0x7E: return "'\(Character(Unicode.Scalar(b)))'"
        default: return "byte 0x\(String(b, radix: 16, uppercase: true))"
        }
    }

    private func error(_ reason: String) -> TOMLError { TOMLError(reason, at: position) }
    private func expected(_ what: String) -> TOMLError { TOMLError("expected \(what), found \(describeHere())", at: position) }

    /// Consumes a newline (LF or CRLF) if one is here; toml.abnf: newline = %x0A / %x0D.0A.
    private mutating func consumeNewline() throws(TOMLError) -> Bool {
        guard let b = peek() else { return false }
        if b == Self.lf {
            index += 1
        } else if b == Self.cr {
            guard peek(1) == Self.lf else { throw error("a carriage return must be followed by a line feed") }
            index += 2
        } else {
            return false
        }
        line += 1
        lineStart = index
        return true
    }

    /// toml.abnf: ws = *wschar; wschar = %x20 / %x09.
    private mutating func skipWhitespace() {
        while let b = peek(), b == Self.space || b == Self.tab { index += 1 }
    }

    /// toml.abnf: comment = "#" *non-eol; control characters other than tab are not allowed.
    private mutating func skipComment() throws(TOMLError) {
        guard peek() == Self.hash else { return }
        while let b = peek(), b != Self.lf {
            if b == Self.cr, peek(1) == Self.lf { break }
            if (b < 0x20 && b != Self.tab) || b == 0x7F { throw error("control character in a comment") }
            index += 1
        }
    }

    /// Skips whitespace, comments and newlines (inside arrays: ws-comment-newline).
    private mutating func skipWhitespaceCommentsNewlines() throws(TOMLError) {
        while true {
            skipWhitespace()
            try skipComment()
            if try !consumeNewline() { return }
        }
    }

    /// After a key/value pair or a table header: only whitespace, a comment, then a newline or the end.
    private mutating func expectLineEnd(after what: String) throws(TOMLError) {
        skipWhitespace()
        try skipComment()
        if atEnd { return }
        if try !consumeNewline() { throw expected("a new line after \(what)") }
    }

    /// The index of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629 §4:
    /// no overlong forms, no surrogates, nothing above U+10FFFF), or nil: `UTF8Check`'s reading, the one
    /// the message texts are checked by.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer(UTF8Check.firstInvalidOffset)
    }

    // MARK: Document (toml.abnf: toml = expression *( newline expression ))

    private mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        // A UTF-8 byte order mark is not part of the grammar, but editors write one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 }
        // TOML 1.0 "Spec": a TOML file must be a valid UTF-8 encoded Unicode document.
        if let bad = Self.firstInvalidUTF8(bytes) {
            var line = 1, lineStart = 0
            for (i, b) in bytes[..<bad].enumerated() where b == Self.lf { line += 1; lineStart = i + 1 }
            throw TOMLError("not valid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)))",
                            at: TOMLPosition(line: line, column: bad - lineStart + 1))
        }
        let root = TableBuilder(kind: .header, position: TOMLPosition(line: 1, column: 1))
        var current = root
        while true {
            skipWhitespace()
            try skipComment()
            if atEnd { break }
            if try consumeNewline() { continue }
            guard let b = peek() else { break }
            if b == Self.openBracket {
                let start = position
                if peek(1) == Self.openBracket {
                    index += 2
                    let keys = try parseKey()
                    guard peek() == Self.closeBracket, peek(1) == Self.closeBracket else {
                        throw expected("']]' to close the array-of-tables header")
                    }
                    index += 2
                    current = try root.appendArrayElement(keys, at: start)
                    try expectLineEnd(after: "the array-of-tables header")
                } else {
                    index += 1
                    let keys = try parseKey()
                    guard peek() == Self.closeBracket else { throw expected("']' to close the table header") }
                    index += 1
                    current = try root.defineTable(keys, at: start)
                    try expectLineEnd(after: "the table header")
                }
            } else {
                try parseKeyValue(into: current)
                try expectLineEnd(after: "the value")
            }
        }
        return root.build()
    }

    /// toml.abnf: keyval = key keyval-sep val.
    private mutating func parseKeyValue(into table: TableBuilder) throws(TOMLError) {
        let keys = try parseKey()
        guard peek() == Self.equals else {
            throw expected("'=' after the key \"\(keys.map(\.name).joined(separator: "."))\"")
        }
        index += 1
        skipWhitespace()
        let value = try parseValue()
        try table.setDotted(keys, value: value)
    }

    // MARK: Keys (toml.abnf: key = simple-key / dotted-key)

    private mutating func parseKey() throws(TOMLError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            skipWhitespace()
            let start = position
            let name: String
            switch peek() {
            case Self.quote?:
                if peek(1) == Self.quote, peek(2) == Self.quote { throw error("a key cannot be a multi-line string") }
                name = try parseBasicString()
            case Self.apostrophe?:
                if peek(1) == Self.apostrophe, peek(2) == Self.apostrophe {
                    throw error("a key cannot be a multi-line string")
                }
                name = try parseLiteralString()
            default:
                let begin = index
                while let b = peek(), Self.isBareKeyByte(b) { index += 1 }
                guard index > begin else {
                    throw expected("a key (letters, digits, '-', '_', or a quoted string)")
                }
                name = String(decoding: bytes[begin..<index], as: UTF8.self)
            }
            parts.append(KeyPart(name: name, position: start))
            skipWhitespace()
            guard peek() == Self.dot else { return parts }
            index += 1
        }
    }

    // MARK: Values (toml.abnf: val = string / boolean / array / inline-table / date-time / float / integer)

    private mutating func parseValue() throws(TOMLError) -> TOMLValue {
        guard let b = peek() else { throw expected("a value") }
        switch b {
        case Self.quote:
            if peek(1) == Self.quote, peek(2) == Self.quote { return .string(try parseMultilineBasicString()) }
            return .string(try parseBasicString())
        case Self.apostrophe:
            if peek(1) == Self.apostrophe, peek(2) == Self.apostrophe {
                return .string(try parseMultilineLiteralString())
            }
            return .string(try parseLiteralString())
        case Self.openBracket:
            return .array(try parseArray())
        case Self.openBrace:
            return .table(try parseInlineTable())
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            if matchWord("true") { return .boolean(true) }
            if matchWord("false") { return .boolean(false) }
            throw expected("a value (did you mean true or false? strings need quotes)")
        case UInt8(ascii: "i"), UInt8(ascii: "n"), Self.plus, Self.minus, 0x30...0x39:
            return try parseNumberOrDate()
        default:
            throw expected("a value (a quoted string, number, true/false, date-time, [array] or {inline table})")
        }
    }

    private mutating func matchWord(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { w in bytes[index..<(index + n)].elementsEqual(w) }
        guard matches else { return false }
        if let next = peek(n), Self.isBareKeyByte(next) { return false }
        index += n
        return true
    }

    // MARK: Strings (toml.abnf: basic-string, ml-basic-string, literal-string, ml-literal-string)

    private func isControl(_ b: UInt8) -> Bool { (b < 0x20 && b != Self.tab) || b == 0x7F }

    private mutating func parseBasicString() throws(TOMLError) -> String {
        let start = position
        index += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw TOMLError("unterminated string (no closing '\"')", at: start) }
            if b == Self.quote { index += 1; break }
            if b == Self.lf || b == Self.cr {
                throw TOMLError("unterminated string: a \"...\" string must end on its line (use \"\"\" for several lines)",
                                at: start)
            }
            if b == Self.backslash {
                try parseEscape(into: &out)
                continue
            }
            if isControl(b) { throw error("control character in a string (write it as an escape)") }
            out.append(b)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// toml.abnf: escaped = escape escape-seq-char (\" \\ \b \f \n \r \t \uXXXX \UXXXXXXXX).
    private mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
        let start = position
        index += 1
        guard let c = peek() else { throw expected("an escape character after '\\'") }
        index += 1
        switch c {
        case Self.quote: out.append(Self.quote)
        case Self.backslash: out.append(Self.backslash)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(Self.lf)
        case UInt8(ascii: "r"): out.append(Self.cr)
        case UInt8(ascii: "t"): out.append(Self.tab)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let h = peek(), Self.isHexDigit(h) else {
                    throw TOMLError("\\\(Character(Unicode.Scalar(c))) needs \(count) hex digits", at: start)
                }
                value = value << 4 | UInt32(Self.hexValue(h))
                index += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw TOMLError("\\\(Character(Unicode.Scalar(c))) escape is not a Unicode scalar value", at: start)
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw TOMLError("unknown escape '\\\(Character(Unicode.Scalar(c)))' (valid: \\\" \\\\ \\b \\f \\n \\r \\t \\uXXXX \\UXXXXXXXX)",
                            at: start)
        }
    }

    private static func hexValue(_ b: UInt8) -> UInt8 {
        isDigit(b) ? b - 0x30 : (b | 0x20) - UInt8(ascii: "a") + 10
    }

    private mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        let start = position
        index += 3
        // toml.abnf: a newline immediately following the opening delimiter is trimmed.
        _ = try consumeNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw TOMLError("unterminated multi-line string (no closing '\"\"\"')", at: start) }
            if b == Self.quote, peek(1) == Self.quote, peek(2) == Self.quote {
                // Up to two quotes may sit right before the closing delimiter (mlb-quotes).
                var run = 3
                while peek(run) == Self.quote { run += 1 }
                if run > 5 { throw error("too many quotes at the end of a multi-line string") }
                out.append(contentsOf: repeatElement(Self.quote, count: run - 3))
                index += run
                break
            }
            if b == Self.backslash {
                // mlb-escaped-nl: a line-ending backslash trims the newline and all whitespace after it.
                var j = 1
                while let w = peek(j), w == Self.space || w == Self.tab { j += 1 }
                if peek(j) == Self.lf || (peek(j) == Self.cr && peek(j + 1) == Self.lf) {
                    index += j
                    while true {
                        skipWhitespace()
                        if try !consumeNewline() { break }
                    }
                    continue
                }
                try parseEscape(into: &out)
                continue
            }
            if try consumeNewline() { out.append(Self.lf); continue }
            if isControl(b) { throw error("control character in a string (write it as an escape)") }
            out.append(b)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func parseLiteralString() throws(TOMLError) -> String {
        let start = position
        index += 1
        let begin = index
        while true {
            guard let b = peek() else { throw TOMLError("unterminated literal string (no closing \"'\")", at: start) }
            if b == Self.apostrophe { break }
            if b == Self.lf || b == Self.cr {
                throw TOMLError("unterminated literal string: a '...' string must end on its line (use ''' for several lines)",
                                at: start)
            }
            if isControl(b) { throw error("control character in a literal string") }
            index += 1
        }
        let text = String(decoding: bytes[begin..<index], as: UTF8.self)
        index += 1
        return text
    }

    private mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        let start = position
        index += 3
        _ = try consumeNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw TOMLError("unterminated multi-line literal string (no closing \"'''\")", at: start) }
            if b == Self.apostrophe, peek(1) == Self.apostrophe, peek(2) == Self.apostrophe {
                var run = 3
                while peek(run) == Self.apostrophe { run += 1 }
                if run > 5 { throw error("too many apostrophes at the end of a multi-line literal string") }
                out.append(contentsOf: repeatElement(Self.apostrophe, count: run - 3))
                index += run
                break
            }
            if try consumeNewline() { out.append(Self.lf); continue }
            if isControl(b) { throw error("control character in a literal string") }
            out.append(b)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Arrays and inline tables

    /// toml.abnf: array = "[" [ array-values ] ws-comment-newline "]"; a trailing comma is allowed.
    private mutating func parseArray() throws(TOMLError) -> TOMLArray {
        let start = position
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxNestingDepth else { throw error("arrays and inline tables nested too deeply") }
        index += 1
        var array = TOMLArray()
        while true {
            try skipWhitespaceCommentsNewlines()
            if atEnd { throw TOMLError("unterminated array (no closing ']')", at: start) }
            if peek() == Self.closeBracket { index += 1; return array }
            let elementPosition = position
            let value = try parseValue()
            array.append(value, at: elementPosition)
            try skipWhitespaceCommentsNewlines()
            if peek() == Self.comma { index += 1; continue }
            if peek() == Self.closeBracket { index += 1; return array }
            if atEnd { throw TOMLError("unterminated array (no closing ']')", at: start) }
            throw expected("',' or ']' in the array")
        }
    }

    /// toml.abnf: inline-table = "{" ws [ inline-table-keyvals ] ws "}"; one line, no trailing comma.
    private mutating func parseInlineTable() throws(TOMLError) -> TOMLTable {
        let start = position
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxNestingDepth else { throw error("arrays and inline tables nested too deeply") }
        index += 1
        let table = TableBuilder(kind: .inline, position: start)
        skipWhitespace()
        if peek() == Self.closeBrace { index += 1; return table.build() }
        while true {
            skipWhitespace()
            if peek() == Self.closeBrace { throw error("trailing comma in an inline table (TOML 1.0 does not allow one)") }
            if peek() == Self.lf || peek() == Self.cr {
                throw error("an inline table must stay on one line (use a [table] for several lines)")
            }
            try parseKeyValue(into: table)
            skipWhitespace()
            if peek() == Self.comma { index += 1; continue }
            if peek() == Self.closeBrace { index += 1; return table.build() }
            if atEnd { throw TOMLError("unterminated inline table (no closing '}')", at: start) }
            throw expected("',' or '}' in the inline table")
        }
    }

    // MARK: Numbers and dates (toml.abnf: integer, float, date-time)

    private mutating func parseNumberOrDate() throws(TOMLError) -> TOMLValue {
        let start = position
        let begin = index
        func isTokenByte(_ b: UInt8) -> Bool {
            Self.isBareKeyByte(b) || b == Self.plus || b == Self.dot || b == Self.colon
        }
        while let b = peek(), isTokenByte(b) { index += 1 }
        // RFC 3339 allows a space instead of "T" between date and time (TOML 1.0 "Offset Date-Time").
        if index - begin == 10, bytes[begin + 4] == Self.minus, peek() == Self.space,
           let h1 = peek(1), let h2 = peek(2), Self.isDigit(h1), Self.isDigit(h2), peek(3) == Self.colon {
            index += 1
            while let b = peek(), isTokenByte(b) { index += 1 }
        }
        let token = Array(bytes[begin..<index])
        if token.count >= 10, token[4] == Self.minus, token[7] == Self.minus, Self.isDigit(token[0]) {
            return .dateTime(try Self.parseDateTime(token, at: start))
        }
        if token.count >= 8, token[2] == Self.colon, Self.isDigit(token[0]) {
            return .dateTime(try Self.parseDateTime(token, at: start))
        }
        return try Self.parseNumber(token, at: start)
    }

    private static func parseNumber(_ token: [UInt8], at start: TOMLPosition) throws(TOMLError) -> TOMLValue {
        let text = String(decoding: token, as: UTF8.self)
        func fail(_ why: String) -> TOMLError { TOMLError("\(why): \(text)", at: start) }
        var body = token[...]
        var negative = false
        if let first = body.first, first == plus || first == minus {
            negative = first == minus
            body = body.dropFirst()
        }
        // toml.abnf: special-float = inf / nan.
        if body.elementsEqual("inf".utf8) { return .float(negative ? -.infinity : .infinity) }
        if body.elementsEqual("nan".utf8) { return .float(.nan) }
        // toml.abnf: hex-int / oct-int / bin-int, prefixed, unsigned.
        if body.count > 2, body.first == UInt8(ascii: "0"),
           let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][body[body.startIndex + 1]] {
            if token.first == plus || token.first == minus { throw fail("a sign is not allowed on a prefixed integer") }
            let digits = try stripUnderscores(body.dropFirst(2), text: text, at: start)
            guard let value = Int64(String(decoding: digits, as: UTF8.self), radix: radix) else {
                throw fail(digits.isEmpty ? "missing digits" : "not a base-\(radix) integer or out of range")
            }
            return .integer(value)
        }
        guard let first = body.first, isDigit(first) else {
            throw fail("expected a value: a number must start with a digit (strings need quotes)")
        }
        let isFloat = body.contains(dot) || body.contains(UInt8(ascii: "e")) || body.contains(UInt8(ascii: "E"))
        // Split integer part / fraction / exponent to check each (toml.abnf: float = float-int-part ( exp / frac [ exp ] )).
        var intEnd = body.startIndex
        while intEnd < body.endIndex, isDigit(body[intEnd]) || body[intEnd] == underscore { intEnd += 1 }
        let intPart = try stripUnderscores(body[body.startIndex..<intEnd], text: text, at: start)
        if intPart.count > 1, intPart.first == UInt8(ascii: "0") { throw fail("leading zeros are not allowed") }
        if !isFloat {
            guard intEnd == body.endIndex else { throw fail("not a number") }
            guard let value = Int64((negative ? "-" : "") + String(decoding: intPart, as: UTF8.self)) else {
                throw fail("integer out of the 64-bit range")
            }
            return .integer(value)
        }
        var normalized = (negative ? "-" : "") + String(decoding: intPart, as: UTF8.self)
        var rest = body[intEnd...]
        if rest.first == dot {
            rest = rest.dropFirst()
            var end = rest.startIndex
            while end < rest.endIndex, isDigit(rest[end]) || rest[end] == underscore { end += 1 }
            let frac = try stripUnderscores(rest[rest.startIndex..<end], text: text, at: start)
            guard !frac.isEmpty else { throw fail("a decimal point must be followed by digits") }
            normalized += "." + String(decoding: frac, as: UTF8.self)
            rest = rest[end...]
        }
        if let e = rest.first, e | 0x20 == UInt8(ascii: "e") {
            rest = rest.dropFirst()
            var sign = ""
            if let s = rest.first, s == plus || s == minus { sign = s == minus ? "-" : "+"; rest = rest.dropFirst() }
            let exp = try stripUnderscores(rest, text: text, at: start)
            guard !exp.isEmpty, exp.allSatisfy(isDigit) else { throw fail("an exponent needs digits") }
            normalized += "e" + sign + String(decoding: exp, as: UTF8.self)
            rest = rest[rest.endIndex...]
        }
        guard rest.isEmpty, let value = Double(normalized) else { throw fail("not a number") }
        return .float(value)
    }

    /// Removes underscores, each of which must sit between two digits (toml.abnf: DIGIT / "_" DIGIT).
    private static func stripUnderscores(_ digits: ArraySlice<UInt8>, text: String,
                                         at start: TOMLPosition) throws(TOMLError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(digits.count)
        var previousWasDigit = false
        for b in digits {
            if b == underscore {
                guard previousWasDigit else { throw TOMLError("an underscore must sit between digits: \(text)", at: start) }
                previousWasDigit = false
            } else {
                out.append(b)
                previousWasDigit = true
            }
        }
        if !digits.isEmpty, !previousWasDigit { throw TOMLError("an underscore must sit between digits: \(text)", at: start) }
        return out
    }

    /// Parses RFC 3339 text (as TOML 1.0 profiles it) outside a document, e.g. a time column of a sent log.
    package static func dateTime(_ text: some StringProtocol) -> TOMLDateTime? {
        try? parseDateTime(Array(text.utf8), at: TOMLPosition(line: 1, column: 1))
    }

    /// RFC 3339 as profiled by TOML 1.0: full-date, partial-time, or both with an optional offset.
    private static func parseDateTime(_ token: [UInt8], at start: TOMLPosition) throws(TOMLError) -> TOMLDateTime {
        let text = String(decoding: token, as: UTF8.self)
        func fail(_ why: String) -> TOMLError { TOMLError("not a valid date-time (\(why)): \(text)", at: start) }
        var i = 0
        func number(_ count: Int) throws(TOMLError) -> Int {
            guard i + count <= token.count else { throw fail("too short") }
            var value = 0
            for k in i..<(i + count) {
                guard isDigit(token[k]) else { throw fail("expected a digit at position \(k + 1)") }
                value = value * 10 + Int(token[k] - 0x30)
            }
            i += count
            return value
        }
        func expect(_ byte: UInt8, _ what: String) throws(TOMLError) {
            guard i < token.count, token[i] == byte else { throw fail("expected \(what)") }
            i += 1
        }
        var result = TOMLDateTime(text: text, kind: .localTime)
        var hasDate = false
        if token.count >= 10, token[4] == minus {
            result.year = try number(4)
            try expect(minus, "'-'")
            result.month = try number(2)
            try expect(minus, "'-'")
            result.day = try number(2)
            guard (1...12).contains(result.month) else { throw fail("month out of range") }
            let leap = result.year % 4 == 0 && (result.year % 100 != 0 || result.year % 400 == 0)
            let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard result.day >= 1, result.day <= monthDays[result.month - 1] else { throw fail("day out of range") }
            hasDate = true
            result.kind = .localDate
            if i == token.count { return result }
            guard token[i] | 0x20 == UInt8(ascii: "t") || token[i] == space else { throw fail("expected 'T' after the date") }
            i += 1
        }
        result.hour = try number(2)
        try expect(colon, "':'")
        result.minute = try number(2)
        try expect(colon, "':' (seconds are required)")
        result.second = try number(2)
        guard result.hour < 24, result.minute < 60, result.second <= 60 else { throw fail("time out of range") }
        if i < token.count, token[i] == dot {
            i += 1
            var digits = 0
            var nanos = 0
            while i < token.count, isDigit(token[i]) {
                if digits < 9 { nanos = nanos * 10 + Int(token[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw fail("a fraction needs digits") }
            for _ in min(digits, 9)..<9 { nanos *= 10 }
            result.nanosecond = nanos
        }
        result.kind = hasDate ? .localDateTime : .localTime
        guard i < token.count else { return result }
        guard hasDate else { throw fail("a time without a date cannot have an offset") }
        if token[i] | 0x20 == UInt8(ascii: "z") {
            i += 1
            result.utcOffsetSeconds = 0
        } else if token[i] == plus || token[i] == minus {
            let sign = token[i] == minus ? -1 : 1
            i += 1
            let h = try number(2)
            try expect(colon, "':' in the offset")
            let m = try number(2)
            guard h < 24, m < 60 else { throw fail("offset out of range") }
            result.utcOffsetSeconds = sign * (h * 3_600 + m * 60)
        } else {
            throw fail("unexpected text after the time")
        }
        guard i == token.count else { throw fail("unexpected text after the offset") }
        result.kind = .offsetDateTime
        return result
    }
}

/// One part of a dotted key, with where it was written.
private struct KeyPart {
    var name: String
    var position: TOMLPosition
}

/// The mutable tree the parser fills; turned into `TOMLTable` values at the end.
private final class TableBuilder {
    /// How a table came to exist: TOML's definition rules depend on it.
    enum Kind {
        /// Created on the way to a deeper `[a.b.c]` header; may still be defined by its own header once.
        case implicit
        /// Defined by a `[header]` (or the root, or an `[[array]]` element).
        case header
        /// Created by a dotted key (`a.b = 1`); may be extended by more dotted keys in the same table.
        case dotted
        /// An inline table `{ ... }`: closed once written.
        case inline
    }

    enum Child {
        case value(TOMLValue, TOMLPosition)
        case table(TableBuilder, TOMLPosition)
        case tableArray([TableBuilder], [TOMLPosition])
    }

    var kind: Kind
    let position: TOMLPosition
    private var order: [String] = []
    private var children: [String: Child] = [:]

    init(kind: Kind, position: TOMLPosition) {
        self.kind = kind
        self.position = position
    }

    private func set(_ key: String, _ child: Child) {
        if children.updateValue(child, forKey: key) == nil { order.append(key) }
    }

    private static func pathText(_ keys: [KeyPart], upTo end: Int) -> String {
        keys[0...end].map(\.name).joined(separator: ".")
    }

    /// Walks the header path's prefix, creating implicit tables (spec: "Table", super-tables).
    private func walkPrefix(_ keys: [KeyPart]) throws(TOMLError) -> TableBuilder {
        var table = self
        for (n, part) in keys.dropLast().enumerated() {
            switch table.children[part.name] {
            case nil:
                let created = TableBuilder(kind: .implicit, position: part.position)
                table.set(part.name, .table(created, part.position))
                table = created
            case .table(let next, _)?:
                if next.kind == .inline {
                    throw TOMLError("\(Self.pathText(keys, upTo: n)) is an inline table and cannot be extended",
                                    at: part.position)
                }
                table = next
            case .tableArray(let elements, _)?:
                guard let last = elements.last else { throw TOMLError("empty array of tables", at: part.position) }
                table = last
            case .value(let value, let where_)?:
                throw TOMLError("\(Self.pathText(keys, upTo: n)) already holds \(value.typeName) (line \(where_.line)), not a table",
                                at: part.position)
            }
        }
        return table
    }

    /// `[a.b.c]`: defines a table (spec: "Tables": defining a table more than once is invalid).
    func defineTable(_ keys: [KeyPart], at position: TOMLPosition) throws(TOMLError) -> TableBuilder {
        let parent = try walkPrefix(keys)
        guard let last = keys.last else { throw TOMLError("expected a table name", at: position) }
        let name = Self.pathText(keys, upTo: keys.count - 1)
        switch parent.children[last.name] {
        case nil:
            let table = TableBuilder(kind: .header, position: position)
            parent.set(last.name, .table(table, position))
            return table
        case .table(let table, _)?:
            guard table.kind == .implicit else {
                throw TOMLError("table [\(name)] is defined twice (first at line \(table.position.line))", at: position)
            }
            table.kind = .header
            return table
        case .tableArray(_, let positions)?:
            throw TOMLError("[\(name)] is already an array of tables (line \(positions.first?.line ?? 0)); use [[\(name)]]",
                            at: position)
        case .value(let value, let where_)?:
            throw TOMLError("\(name) already holds \(value.typeName) (line \(where_.line)), not a table", at: position)
        }
    }

    /// `[[a.b]]`: appends a table to an array of tables (spec: "Array of Tables").
    func appendArrayElement(_ keys: [KeyPart], at position: TOMLPosition) throws(TOMLError) -> TableBuilder {
        let parent = try walkPrefix(keys)
        guard let last = keys.last else { throw TOMLError("expected a table name", at: position) }
        let name = Self.pathText(keys, upTo: keys.count - 1)
        let table = TableBuilder(kind: .header, position: position)
        switch parent.children[last.name] {
        case nil:
            parent.set(last.name, .tableArray([table], [position]))
        case .tableArray(let elements, let positions)?:
            parent.set(last.name, .tableArray(elements + [table], positions + [position]))
        case .table(let existing, _)?:
            throw TOMLError("[[\(name)]] conflicts with the table [\(name)] (line \(existing.position.line))", at: position)
        case .value(let value, let where_)?:
            throw TOMLError("\(name) already holds \(value.typeName) (line \(where_.line)); [[\(name)]] cannot append to it",
                            at: position)
        }
        return table
    }

    /// `a.b.c = value` in this table (spec: "Keys", dotted keys create and extend tables).
    func setDotted(_ keys: [KeyPart], value: TOMLValue) throws(TOMLError) {
        var table = self
        for (n, part) in keys.dropLast().enumerated() {
            switch table.children[part.name] {
            case nil:
                let created = TableBuilder(kind: .dotted, position: part.position)
                table.set(part.name, .table(created, part.position))
                table = created
            case .table(let next, _)?:
                guard next.kind == .dotted else {
                    throw TOMLError("\(Self.pathText(keys, upTo: n)) is a table defined elsewhere (line \(next.position.line)); a dotted key cannot add to it",
                                    at: part.position)
                }
                table = next
            case .tableArray(_, let positions)?:
                throw TOMLError("\(Self.pathText(keys, upTo: n)) is an array of tables (line \(positions.first?.line ?? 0)); a dotted key cannot add to it",
                                at: part.position)
            case .value(let existing, let where_)?:
                throw TOMLError("\(Self.pathText(keys, upTo: n)) already holds \(existing.typeName) (line \(where_.line)), not a table",
                                at: part.position)
            }
        }
        guard let last = keys.last else { return }
        if let existing = table.children[last.name] {
            let line: Int
            switch existing {
            case .value(_, let p): line = p.line
            case .table(let t, _): line = t.position.line
            case .tableArray(_, let ps): line = ps.first?.line ?? 0
            }
            throw TOMLError("duplicate key \(Self.pathText(keys, upTo: keys.count - 1)) (first set at line \(line))",
                            at: last.position)
        }
        table.set(last.name, .value(value, last.position))
    }

    /// The finished, immutable table.
    func build() -> TOMLTable {
        var result = TOMLTable(position: position)
        for key in order {
            guard let child = children[key] else { continue }
            switch child {
            case .value(let value, let p):
                result.set(key, value, at: p)
            case .table(let table, let p):
                result.set(key, .table(table.build()), at: p)
            case .tableArray(let tables, let positions):
                let array = TOMLArray(elements: tables.map { .table($0.build()) }, positions: positions)
                result.set(key, .array(array), at: positions.first)
            }
        }
        return result
    }
}
