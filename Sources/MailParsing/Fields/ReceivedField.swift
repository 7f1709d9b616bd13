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
    /// Limits: O(n); only the first `maxValueBytes` are read; words longer than 255 bytes are cut; no
    /// recursion. The value may be folded (line ends count as white space) or unfolded.
    /// - Parameter wanted: the clauses to read (default: all); the others stay nil, and cost nothing.
    public static func parse(_ whole: ByteSlice, reading wanted: Clauses = .all) -> ReceivedField {
        let value = whole.prefix(maxValueBytes)
        // The clauses are gathered in locals and the record made once at the end (filling a record in
        // place copied it whole twice a call).
        var by: String? = nil, via: String? = nil, id: String? = nil, recipient: MailAddress? = nil
        var date: MailDate? = nil
        // RFC 5322 §3.6.7: the date-time follows the last ";" (outside comments).
        var clauses = value
        if let semicolon = lastTopLevelSemicolon(value) {
            clauses = value[value.startIndex..<semicolon]
            if wanted.contains(.date) {
                // The date parser reads one line: unfold a folded date (RFC 5322 §2.2.3).
                let dateText = value[(semicolon + 1)...]
                let lineEnd = dateText.contains { $0 == ASCII.carriageReturn || $0 == ASCII.lineFeed }
                date = MailDate.parse(lineEnd ? dateText.filter { $0 != ASCII.carriageReturn && $0 != ASCII.lineFeed }[...] : dateText)
            }
        }
        // Items are index ranges into `value` (no reference counting per item), read one at a time; a
        // slice is made only of what is kept. Reading stops once every clause asked for is complete: a
        // hop's reader wants only `from` and the date, and a from clause ends at the next keyword,
        // usually `by` halfway through (backscatter-dev: ReceivedField.parse 26.6M -> 24.1M instructions).
        var tokens = ReceivedTokenizer.Cursor(clauses)
        var current: Keyword? = nil
        var fromWord: Range<Int>? = nil
        // The from clause's items, as the span from its first item to the end of its last one: read
        // again by `readFrom` (an array of them was an allocation a call).
        var fromSpan: Range<Int>? = nil
        var wordOpensFrom = false
        var withWords: [Range<Int>] = []
        var seen: UInt8 = 0  // Keyword bits
        // The word clauses asked for and not yet complete (Keyword bits).
        var open = wanted.rawValue & ~Clauses.date.rawValue

        while open != 0, let item = tokens.next() {
            let isWord = item.kind == .word
            if isWord, let keyword = Keyword(value, item.range), seen & keyword.bit == 0 {
                // The clause that was being read is over: the first of each kind wins.
                if let current { open &= ~current.bit }
                current = keyword
                seen |= keyword.bit
                continue
            }
            guard let clause = current, wanted.contains(clause.clause) else { continue }
            let w = item.range
            switch clause {
            case .from:
                // The clause's word is its first word; it is one of the items after it too when a comment
                // came first. All the items are read again by `readFrom`.
                if fromWord == nil, isWord {
                    fromWord = w
                    wordOpensFrom = fromSpan == nil
                }
                // A comment's range is its content: the span starts at its `(`. (A last comment's `)`
                // can stay out: read again, it ends at the span's end with the same content.)
                fromSpan = (fromSpan?.lowerBound ?? (isWord ? w.lowerBound : w.lowerBound - 1))..<w.upperBound
            case .by:
                if by == nil, isWord { by = text(value[w]); open &= ~clause.bit }
            case .via:
                if via == nil, isWord { via = text(value[w]); open &= ~clause.bit }
            case .with:
                if isWord, withWords.count < 4 {
                    withWords.append(w)
                    if withWords.count == 4 { open &= ~clause.bit }
                }
            case .id:
                if id == nil, isWord {
                    var range = w
                    if value[range.lowerBound] == ASCII.lessThan { range = (range.lowerBound + 1)..<range.upperBound }
                    if !range.isEmpty, value[range.upperBound - 1] == ASCII.greaterThan { range = range.lowerBound..<(range.upperBound - 1) }
                    id = text(value[range])
                    open &= ~clause.bit
                }
            case .for:
                // An address ("for <a@b>", "for a@b", "for <postmaster>"), not Sendmail's
                // "for multiple recipients".
                if recipient == nil, isWord, value[w.lowerBound] == ASCII.lessThan || value[w].contains(ASCII.at) {
                    recipient = AddressParser.parseSingle(value[w])
                    open &= ~clause.bit
                }
            }
        }
        let with = withWords.isEmpty ? nil : withWords.map { text(value[$0]) }.joined(separator: " ")
        var from: ReceivedFrom? = nil
        if seen & Keyword.from.bit != 0, wanted.contains(.from) {
            let items = ReceivedTokenizer.Cursor(fromSpan.map { value[$0] } ?? value[value.startIndex..<value.startIndex])
            from = readFrom(value, word: fromWord, items: items, skipping: wordOpensFrom ? fromWord : nil)
        }
        return ReceivedField(from: from, by: by, via: via, with: with, id: id, for: recipient, date: date)
    }

    /// Which parts of a Received field `parse` reads.
    public struct Clauses: OptionSet, Sendable {
        /// The raw bits.
        public let rawValue: UInt8
        /// A set from raw bits.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The `from` clause.
        public static let from = Clauses(rawValue: 1 << 0)
        /// The `by` clause.
        public static let by = Clauses(rawValue: 1 << 1)
        /// The `via` clause.
        public static let via = Clauses(rawValue: 1 << 2)
        /// The `with` clause.
        public static let with = Clauses(rawValue: 1 << 3)
        /// The `id` clause.
        public static let id = Clauses(rawValue: 1 << 4)
        /// The `for` clause.
        public static let `for` = Clauses(rawValue: 1 << 5)
        /// The date after the last `;`.
        public static let date = Clauses(rawValue: 1 << 6)
        /// Every clause and the date.
        public static let all: Clauses = [.from, .by, .via, .with, .id, .for, .date]
    }

    /// The longest Received value read (bytes); the rest of a longer one is ignored. Real stamps are a
    /// few hundred bytes; a header section may hold a field of up to `ParsingLimits.maxHeaderBytes`.
    public static let maxValueBytes = 16 * 1024

    static func text(_ bytes: ByteSlice) -> String { CharsetDecoder.utf8OrWindows1252(bytes) }

    enum Keyword: UInt8 {
        case from, by, via, with, id, `for`

        /// One bit per keyword, for a set without hashing.
        var bit: UInt8 { 1 << rawValue }

        /// The clause the keyword opens.
        var clause: Clauses { Clauses(rawValue: bit) }

        /// The keyword `value[range]` spells (any case), or nil.
        init?(_ value: ByteSlice, _ range: Range<Int>) {
            func spells(_ lower: StaticString) -> Bool {
                var i = range.lowerBound
                for b in UnsafeBufferPointer(start: lower.utf8Start, count: lower.utf8CodeUnitCount) {
                    guard ASCII.lowercased(value[i]) == b else { return false }
                    i += 1
                }
                return true
            }
            switch range.count {
            case 2:
                if spells("by") { self = .by; return }
                if spells("id") { self = .id; return }
            case 3:
                if spells("via") { self = .via; return }
                if spells("for") { self = .for; return }
            case 4:
                if spells("from") { self = .from; return }
                if spells("with") { self = .with; return }
            default:
                break
            }
            return nil
        }
    }

    static func lastTopLevelSemicolon(_ value: ByteSlice) -> Int? {
        value.withUnsafeBufferPointer { bytes -> Int? in
            var depth = 0
            var last: Int? = nil
            var i = 0
            let count = bytes.count
            let base = UnsafeRawPointer(bytes.baseAddress)
            while i < count {
                // Eight bytes holding none of `; ( ) \` are passed over at once. (Byte by byte this
                // took ~0.6 µs a field in `perf` on backscatter-dev, at half the scan's usual rate of
                // instructions: likely the branch on each byte's kind, which changes at every turn from
                // letters to digits, dots and blanks.)
                if i + 8 <= count, let base {
                    let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if !ByteWord.hasAnyByte(word, ASCII.semicolon, ASCII.openParen, ASCII.closeParen, ASCII.backslash) {
                        i += 8
                        continue
                    }
                }
                let b = bytes[i]
                // Letters and most punctuation are above `;` (0x3B); of those only `\` matters.
                if b > ASCII.semicolon && b != ASCII.backslash { i += 1; continue }
                if b == ASCII.backslash { i += 2; continue }
                if b == ASCII.openParen { depth += 1 }
                else if b == ASCII.closeParen { depth = max(0, depth - 1) }
                else if b == ASCII.semicolon, depth == 0 { last = i }
                i += 1
            }
            return last.map { value.startIndex + $0 }
        }
    }

    /// Words of a comment (`value[comment]`): split at whitespace and parentheses
    /// ("(x [ip] (may be forged))"); index ranges into `value`.
    static func words(of comment: Range<Int>, in value: ByteSlice) -> [Range<Int>] {
        var words: [Range<Int>] = []
        words.reserveCapacity(6)
        var i = comment.lowerBound
        let end = comment.upperBound
        while i < end {
            let b = value[i]
            if ASCII.isWhitespaceOrNewline(b) || b == ASCII.openParen || b == ASCII.closeParen { i += 1; continue }
            let start = i
            while i < end, !ASCII.isWhitespaceOrNewline(value[i]), value[i] != ASCII.openParen,
                  value[i] != ASCII.closeParen { i += 1 }
            words.append(start..<i)
        }
        return words
    }

    /// Reads the from clause's first word and the comments / words after it (ranges into `value`),
    /// passing over the word item at `skipping` (the clause's word, when it opened the clause).
    static func readFrom(_ value: ByteSlice, word: Range<Int>?, items: some Sequence<ReceivedTokenizer.Item>,
                         skipping: Range<Int>? = nil) -> ReceivedFrom {
        var result = ReceivedFrom()
        var heloInComment: ByteSlice? = nil
        var reverseDNS: ByteSlice? = nil
        var sawUnknown = false
        for item in items {
            if let skipping, item.kind == .word, item.range == skipping { continue }
            switch item.kind {
            case .comment:
                let comment = value[item.range]
                if comment.firstRange(ofCaseInsensitive: "may be forged") != nil { result.mayBeForged = true }
                let words = words(of: item.range, in: value)
                // A reverse-DNS name is the first word of a comment that also holds an IP, or a lone
                // dotted name ("(localhost)", Sendmail without IP): not "(uid 0)", "(authenticated ...)".
                var commentIP: IPAddress? = nil
                var ipWordIndex = -1
                for (index, w) in words.enumerated() {
                    if let ip = ipLiteral(value, w) { commentIP = ip; ipWordIndex = index; break }
                }
                var k = 0
                while k < words.count {
                    let w = value[words[k]]
                    if w.equalsCaseInsensitive("helo") || w.equalsCaseInsensitive("ehlo"), k + 1 < words.count {
                        heloInComment = heloInComment ?? value[words[k + 1]]  // qmail "(HELO name)"
                        k += 2
                        continue
                    }
                    if w.hasPrefixCaseInsensitive("helo=") || w.hasPrefixCaseInsensitive("ehlo=") {
                        heloInComment = heloInComment ?? w.dropFirst(5)  // Exim "helo=name"
                    } else if k == 0, k != ipWordIndex, reverseDNS == nil, !sawUnknown, let name = hostName(w),
                              commentIP != nil || (words.count == 1 && (name.contains(ASCII.dot) || name.equalsCaseInsensitive("localhost")))
                    {
                        if name.equalsCaseInsensitive("unknown") { sawUnknown = true } else { reverseDNS = name }
                    }
                    k += 1
                }
                if result.ip == nil { result.ip = commentIP }
            case .word:
                // fetchmail / Exim 3: "from NAME [IP] by ..."
                if result.ip == nil, let ip = ipLiteral(value, item.range) { result.ip = ip }
            }
        }
        let wordIP = word.flatMap { ipLiteral(value, $0) }
        let word = word.map { value[$0] }
        if let heloInComment {
            // qmail and Exim put the reverse-DNS name (or the IP) first and the HELO name in a comment.
            result.helo = text(heloInComment)
            if let wordIP {
                if result.ip == nil { result.ip = wordIP }
            } else if let word, !word.equalsCaseInsensitive("unknown") {
                reverseDNS = reverseDNS ?? word
            }
        } else {
            result.helo = word.map(text)
            if result.ip == nil { result.ip = wordIP }
        }
        result.reverseDNS = reverseDNS.map(text)
        return result
    }

    /// `ipLiteral(value[range])`, without making the slice when the first byte rules an IP out.
    static func ipLiteral(_ value: ByteSlice, _ range: Range<Int>) -> IPAddress? {
        guard let first = range.first.map({ value[$0] }),
              first == ASCII.openBracket || first == ASCII.colon || hexValue(first) != nil else { return nil }
        return ipLiteral(value[range])
    }

    /// An IP in any of the shapes Received fields use: `[192.0.2.1]`, `[IPv6:...]`, `192.0.2.1`,
    /// `[fe80::1%22]`, `[192.0.2.1]:2222`, `(192.0.2.1)` content.
    static func ipLiteral(_ word: ByteSlice) -> IPAddress? {
        var w = word
        while let last = w.last, last == ASCII.comma || last == ASCII.semicolon { w = w.dropLast() }
        guard let first = w.first, first == ASCII.openBracket || first == ASCII.colon
                || hexValue(first) != nil, w.count <= 64
        else { return nil }
        return IPAddress(bytes: w)
    }

    /// A reverse-DNS name from a comment's first word: `IDENT:user@` and `user@` prefixes and a trailing
    /// dot removed; nil for things that are not host names (8-bit bytes allowed: IDNs in UTF-8).
    static func hostName(_ word: ByteSlice) -> ByteSlice? {
        var w = word
        if let at = w.lastIndex(of: ASCII.at) { w = w[(at + 1)...] }
        if w.last == ASCII.dot { w = w.dropLast() }
        guard !w.isEmpty, w.allSatisfy({ ASCII.isAlpha($0) || ASCII.isDigit($0) || $0 == ASCII.dot
            || $0 == ASCII.hyphen || $0 == UInt8(ascii: "_") || $0 >= 0x80 })
        else { return nil }
        return w
    }
}

/// Splits a Received value into words and comments, as index ranges into the value (no copies, and no
/// reference counting per item).
enum ReceivedTokenizer {
    struct Item {
        enum Kind { case word, comment }
        var kind: Kind
        /// A word's bytes, or a comment's content between its outer parentheses (nested ones kept,
        /// unterminated: to the end).
        var range: Range<Int>
    }

    static let maxWordBytes = 255

    /// Reads the items of a value one at a time (index ranges into the value; no array of them).
    struct Cursor: Sequence, IteratorProtocol {
        private let value: ByteSlice
        private var i: Int

        init(_ value: ByteSlice) {
            self.value = value
            self.i = value.startIndex
        }

        /// The next word or comment, or nil at the end.
        mutating func next() -> Item? {
            let end = value.endIndex
            while i < end, ASCII.isWhitespaceOrNewline(value[i]) { i += 1 }
            guard i < end else { return nil }
            if value[i] == ASCII.openParen {
                let comment = Comment.scan(value, openingAt: i)
                i = comment.next
                return Item(kind: .comment, range: comment.content)
            }
            let start = i
            while i < end, !ASCII.isWhitespaceOrNewline(value[i]), value[i] != ASCII.openParen { i += 1 }
            return Item(kind: .word, range: start..<Swift.min(i, start + maxWordBytes))
        }
    }
}
