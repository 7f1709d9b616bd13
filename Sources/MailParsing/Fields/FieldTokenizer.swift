/// Lexical tokens of RFC 5322 structured fields (§3.2: atoms, quoted strings, comments, domain literals,
/// specials), produced in one pass without recursion, so hostile nesting cannot overflow the stack.
///
/// Tolerance: an unterminated comment or domain literal runs to the end of the value, a quote that is
/// never closed is dropped;
/// comments nest to any depth (a counter, not recursion); CR and LF count as whitespace (folded input);
/// 8-bit bytes (RFC 6532 UTF-8 or junk) are atom bytes; NUL is an atom byte too.
struct FieldToken {
    enum Kind: Equatable {
        /// A run of atext and dots (RFC 5322 dot-atom / obs-local-part pieces).
        case atom
        /// A quoted string; `text` holds the content with quoted-pairs undone.
        case quoted
        /// A comment; `text` holds the outermost comment's content (inner parentheses kept).
        case comment
        /// `[...]`, brackets included in `text`.
        case domainLiteral
        /// One of `< > @ , : ;`.
        case special(UInt8)
        /// One or more whitespace bytes between tokens.
        case space
    }

    var kind: Kind
    /// The token's bytes: a slice of the input for atoms and specials (no copy), new bytes for quoted
    /// strings, comments and domain literals (quoting and folding undone).
    var text: ByteSlice
    /// Where the token starts in the input.
    var start: Int

    var isWord: Bool { kind == .atom || kind == .quoted }
}

enum FieldTokenizer {
    /// RFC 5322 §3.2.3 specials that structure address lists (`.` stays inside atoms, `[`/`]` and
    /// `"` and `(` start their own tokens, `\` outside quotes is taken as an atom byte).
    @inline(__always) static func isStructuralSpecial(_ b: UInt8) -> Bool {
        b == ASCII.lessThan || b == ASCII.greaterThan || b == ASCII.at || b == ASCII.comma
            || b == ASCII.colon || b == ASCII.semicolon
    }

    /// Splits `value` into tokens. Complexity O(n); at most one token per input byte.
    static func tokenize(_ value: ByteSlice, keepComments: Bool = true) -> [FieldToken] {
        var tokens: [FieldToken] = []
        tokens.reserveCapacity(min(value.count / 2 + 4, 4096))
        var i = value.startIndex
        let end = value.endIndex
        // Whether a quoted-string ran to the end unterminated. Every quote after it is then unterminated
        // too: each one the scan reached was the second byte of a quoted-pair (`\"`), so a scan opened
        // there reads the rest in the same pairs and reaches the end again. Such a quote is dropped
        // without the scan, which made `"\"\"\"...` quadratic (40 KB of it in a From field: 1.5 s).
        var quotesUnterminated = false
        while i < end {
            let b = value[i]
            if ASCII.isWhitespaceOrNewline(b) {
                let start = i
                while i < end, ASCII.isWhitespaceOrNewline(value[i]) { i += 1 }
                if tokens.last?.kind != .space { tokens.append(FieldToken(kind: .space, text: [], start: start)) }
                continue
            }
            switch b {
            case ASCII.quote:
                // RFC 5322 §3.2.4 quoted-string; quoted-pair §3.2.1.
                if quotesUnterminated {
                    i += 1
                    continue
                }
                let start = i
                var text: [UInt8] = []
                var closed = false
                i += 1
                while i < end {
                    let c = value[i]
                    if c == ASCII.quote { i += 1; closed = true; break }
                    if c == ASCII.backslash, i + 1 < end {
                        text.append(value[i + 1])
                        i += 2
                        continue
                    }
                    if c != ASCII.carriageReturn && c != ASCII.lineFeed { text.append(c) }
                    i += 1
                }
                if !closed {
                    // Unterminated: drop the lone quote and read on as if it were not there; the quotes
                    // after it are dropped the same way, unscanned (`quotesUnterminated`).
                    quotesUnterminated = true
                    i = start + 1
                    continue
                }
                tokens.append(FieldToken(kind: .quoted, text: text[...], start: start))
            case ASCII.openParen:
                // RFC 5322 §3.2.2 comment, nesting by counter.
                let start = i
                var depth = 0
                var text: [UInt8] = []
                while i < end {
                    let c = value[i]
                    if c == ASCII.backslash, i + 1 < end {
                        if keepComments { text.append(value[i + 1]) }
                        i += 2
                        continue
                    }
                    if c == ASCII.openParen {
                        depth += 1
                        if depth > 1, keepComments { text.append(c) }
                    } else if c == ASCII.closeParen {
                        depth -= 1
                        if depth == 0 { i += 1; break }
                        if keepComments { text.append(c) }
                    } else if keepComments {
                        text.append(c)
                    }
                    i += 1
                }
                tokens.append(FieldToken(kind: .comment, text: text[...], start: start))
            case ASCII.openBracket:
                // RFC 5322 §3.4.1 domain-literal.
                let start = i
                var text: [UInt8] = [b]
                i += 1
                while i < end {
                    let c = value[i]
                    i += 1
                    if ASCII.isWhitespaceOrNewline(c) { continue }
                    text.append(c)
                    if c == ASCII.closeBracket { break }
                }
                tokens.append(FieldToken(kind: .domainLiteral, text: text[...], start: start))
            default:
                if isStructuralSpecial(b) {
                    tokens.append(FieldToken(kind: .special(b), text: value[i..<(i + 1)], start: i))
                    i += 1
                } else if b == ASCII.closeParen || b == ASCII.closeBracket {
                    i += 1  // stray closer: junk
                } else {
                    let start = i
                    while i < end {
                        let c = value[i]
                        if ASCII.isWhitespaceOrNewline(c) || isStructuralSpecial(c) || c == ASCII.quote
                            || c == ASCII.openParen || c == ASCII.openBracket || c == ASCII.closeParen
                        { break }
                        i += 1
                    }
                    tokens.append(FieldToken(kind: .atom, text: value[start..<i], start: start))
                }
            }
        }
        return tokens
    }
}
