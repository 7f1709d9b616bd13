/// What a Received field says about the client that handed the message over.
public struct ReceivedFrom: Sendable, Hashable {
    /// The name (or address literal) the client gave in HELO/EHLO, e.g. `helo.name`, `[192.0.2.1]`.
    public var helo: String?
    /// The client's reverse-DNS name as the receiver looked it up; nil when "unknown" or not given.
    public var reverseDNS: String?
    /// The client's IP address.
    public var ip: IPAddress?
    /// Whether the receiver marked the reverse-DNS name as doubtful (Sendmail's "(may be forged)").
    public var mayBeForged: Bool

    /// Creates a from-clause record.
    public init(helo: String? = nil, reverseDNS: String? = nil, ip: IPAddress? = nil, mayBeForged: Bool = false) {
        self.helo = helo
        self.reverseDNS = reverseDNS
        self.ip = ip
        self.mayBeForged = mayBeForged
    }
}

/// One Received trace field (RFC 5321 §4.4, RFC 5322 §3.6.7), split into its clauses.
public struct ReceivedField: Sendable {
    /// The `from` clause: the client, with HELO name, reverse DNS and IP told apart.
    public var from: ReceivedFrom?
    /// The receiving host (`by` clause), first word.
    public var by: String?
    /// The `via` clause (link type), first word.
    public var via: String?
    /// The `with` clause (protocol, e.g. `ESMTPS`, `local`, `Microsoft SMTP Server`).
    public var with: String?
    /// The `id` clause (queue id), angle brackets removed.
    public var id: String?
    /// The `for` clause: the envelope recipient.
    public var `for`: MailAddress?
    /// The date after the last `;`.
    public var date: MailDate?

    /// Creates an empty record.
    public init(from: ReceivedFrom? = nil, by: String? = nil, via: String? = nil, with: String? = nil,
                id: String? = nil, for recipient: MailAddress? = nil, date: MailDate? = nil)
    {
        self.from = from
        self.by = by
        self.via = via
        self.with = with
        self.id = id
        self.for = recipient
        self.date = date
    }

    /// Parses a Received field value.
    ///
    /// Clauses are found by keyword (`from`, `by`, `via`, `with`, `id`, `for`) outside comments, in any
    /// order; the first of each kind wins. The `from` clause is read in the shapes the corpora show:
    /// - Postfix / Sendmail: `from HELO (RDNS [IP])`, `(unknown [IP])`, `(IDENT:user@RDNS [IP])`,
    ///   `(RDNS [IP] (may be forged))`, `([IP])`;
    /// - Exim: `from RDNS ([IP] helo=HELO)`, `from [IP] (helo=HELO)`, `([IP]:port helo=...)`;
    /// - qmail: `from RDNS (HELO name) (IP)`, `from unknown (EHLO name) ([IP])`;
    /// - Microsoft: `from HELO (IP)`, `from HELO ([IPv6%zone])`; fetchmail: `from NAME [IP]`;
    /// - `from [IP]` alone, `from 192.0.2.1`.
    /// Limits: O(n); words longer than 255 bytes are cut; no recursion.
    public static func parse(_ value: ByteSlice) -> ReceivedField {
        var field = ReceivedField()
        // RFC 5322 §3.6.7: the date-time follows the last ";" (outside comments).
        var clauses = value
        if let semicolon = lastTopLevelSemicolon(value) {
            clauses = value[value.startIndex..<semicolon]
            field.date = MailDate.parse(value[(semicolon + 1)...])
        }
        let items = ReceivedTokenizer.tokenize(clauses)
        var current: Keyword? = nil
        var fromWord: String? = nil
        var fromItems: [ReceivedTokenizer.Item] = []
        var withWords: [String] = []
        var seen = Set<Keyword>()

        for item in items {
            if case .word(let word) = item, let keyword = Keyword(word), !seen.contains(keyword) {
                current = keyword
                seen.insert(keyword)
                continue
            }
            guard let clause = current else { continue }
            switch clause {
            case .from:
                if fromWord == nil, case .word(let w) = item { fromWord = w } else { fromItems.append(item) }
            case .by:
                if field.by == nil, case .word(let w) = item { field.by = w }
            case .via:
                if field.via == nil, case .word(let w) = item { field.via = w }
            case .with:
                if case .word(let w) = item, withWords.count < 4 { withWords.append(w) }
            case .id:
                if field.id == nil, case .word(let w) = item {
                    var id = Substring(w)
                    if id.hasPrefix("<") { id = id.dropFirst() }
                    if id.hasSuffix(">") { id = id.dropLast() }
                    field.id = String(id)
                }
            case .for:
                if field.for == nil, case .word(let w) = item {
                    field.for = AddressParser.parseSingle(Array(w.utf8)[...])
                }
            }
        }
        if !withWords.isEmpty { field.with = withWords.joined(separator: " ") }
        if seen.contains(.from) { field.from = readFrom(word: fromWord, items: fromItems) }
        return field
    }

    enum Keyword: Hashable {
        case from, by, via, with, id, `for`

        init?(_ word: String) {
            switch word.lowercased() {
            case "from": self = .from
            case "by": self = .by
            case "via": self = .via
            case "with": self = .with
            case "id": self = .id
            case "for": self = .for
            default: return nil
            }
        }
    }

    static func lastTopLevelSemicolon(_ value: ByteSlice) -> Int? {
        var depth = 0
        var last: Int? = nil
        var i = value.startIndex
        while i < value.endIndex {
            let b = value[i]
            if b == ASCII.backslash { i += 2; continue }
            if b == ASCII.openParen { depth += 1 }
            else if b == ASCII.closeParen { depth = max(0, depth - 1) }
            else if b == ASCII.semicolon, depth == 0 { last = i }
            i += 1
        }
        return last
    }

    /// Reads the from clause's first word and the comments / words after it.
    static func readFrom(word: String?, items: [ReceivedTokenizer.Item]) -> ReceivedFrom {
        var result = ReceivedFrom()
        var heloInComment: String? = nil
        var reverseDNS: String? = nil
        var sawUnknown = false
        for item in items {
            switch item {
            case .comment(let text):
                let lower = text.lowercased()
                if lower.contains("may be forged") { result.mayBeForged = true }
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                // A reverse-DNS name is the first word of a comment that also holds an IP, or a lone
                // dotted name ("(localhost)", Sendmail without IP): not "(uid 0)", "(authenticated ...)".
                let commentHasIP = words.contains { ipLiteral($0) != nil }
                var k = 0
                while k < words.count {
                    let w = words[k]
                    let lw = w.lowercased()
                    if (lw == "helo" || lw == "ehlo"), k + 1 < words.count {
                        heloInComment = heloInComment ?? words[k + 1]  // qmail "(HELO name)"
                        k += 2
                        continue
                    }
                    if lw.hasPrefix("helo=") || lw.hasPrefix("ehlo=") {
                        heloInComment = heloInComment ?? String(w.dropFirst(5))  // Exim "helo=name"
                    } else if result.ip == nil, let ip = ipLiteral(w) {
                        result.ip = ip
                    } else if k == 0, reverseDNS == nil, !sawUnknown, let name = hostName(w),
                              commentHasIP || (words.count == 1 && (name.contains(".") || name.lowercased() == "localhost"))
                    {
                        if name.lowercased() == "unknown" { sawUnknown = true } else { reverseDNS = name }
                    }
                    k += 1
                }
            case .word(let w):
                // fetchmail / Exim 3: "from NAME [IP] by ..."
                if result.ip == nil, let ip = ipLiteral(w) { result.ip = ip }
            }
        }
        let wordIP = word.flatMap(ipLiteral)
        if let heloInComment {
            // qmail and Exim put the reverse-DNS name (or the IP) first and the HELO name in a comment.
            result.helo = heloInComment
            if let wordIP {
                if result.ip == nil { result.ip = wordIP }
            } else if let word, word.lowercased() != "unknown" {
                reverseDNS = reverseDNS ?? word
            }
        } else {
            result.helo = word
            if result.ip == nil { result.ip = wordIP }
        }
        result.reverseDNS = reverseDNS
        return result
    }

    /// An IP in any of the shapes Received fields use: `[192.0.2.1]`, `[IPv6:...]`, `192.0.2.1`,
    /// `[fe80::1%22]`, `[192.0.2.1]:2222`, `(192.0.2.1)` content.
    static func ipLiteral(_ word: String) -> IPAddress? {
        var w = Substring(word)
        while let last = w.last, last == "," || last == ";" { w = w.dropLast() }
        return IPAddress(String(w))
    }

    /// A reverse-DNS name from a comment's first word: `IDENT:user@` and `user@` prefixes and a trailing
    /// dot removed; nil for things that are not host names.
    static func hostName(_ word: String) -> String? {
        var w = Substring(word)
        if let at = w.lastIndex(of: "@") { w = w[w.index(after: at)...] }
        if w.hasSuffix(".") { w = w.dropLast() }
        guard !w.isEmpty, !w.contains("="), !w.contains("["), !w.contains(":"),
              w.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" })
        else { return nil }
        return String(w)
    }
}

/// Splits a Received value into words and comments (comment text flattened, nesting kept as text).
enum ReceivedTokenizer {
    enum Item {
        case word(String)
        case comment(String)
    }

    static let maxWordBytes = 255

    static func tokenize(_ value: ByteSlice) -> [Item] {
        var items: [Item] = []
        var i = value.startIndex
        let end = value.endIndex
        while i < end {
            let b = value[i]
            if ASCII.isWhitespaceOrNewline(b) { i += 1; continue }
            if b == ASCII.openParen {
                var depth = 0
                var text: [UInt8] = []
                while i < end {
                    let c = value[i]
                    if c == ASCII.backslash, i + 1 < end {
                        if text.count < 4096 { text.append(value[i + 1]) }
                        i += 2
                        continue
                    }
                    if c == ASCII.openParen {
                        depth += 1
                        if depth > 1, text.count < 4096 { text.append(c) }
                    } else if c == ASCII.closeParen {
                        depth -= 1
                        if depth == 0 { i += 1; break }
                        if text.count < 4096 { text.append(c) }
                    } else if text.count < 4096 {
                        text.append(ASCII.isWhitespaceOrNewline(c) ? ASCII.space : c)
                    }
                    i += 1
                }
                // Inner parentheses become spaces for word splitting: "(x [ip] (may be forged))".
                let flat = text.map { $0 == ASCII.openParen || $0 == ASCII.closeParen ? ASCII.space : $0 }
                items.append(.comment(CharsetDecoder.utf8OrWindows1252(flat[...])))
                continue
            }
            let start = i
            while i < end, !ASCII.isWhitespaceOrNewline(value[i]), value[i] != ASCII.openParen { i += 1 }
            let word = value[start..<min(i, start + maxWordBytes)]
            items.append(.word(CharsetDecoder.utf8OrWindows1252(word)))
        }
        return items
    }
}
