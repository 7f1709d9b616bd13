/// What a Received field says about the client that handed the message over.
/// Optional fields here and in `ReceivedFromRanges` and `ReceivedField` are spelled `Optional<T>`: a stored
/// `var x: T?` is set to nil before an initializer runs, and an initializer setting every field then built
/// the value in a temporary, copied and destroyed it (measured with DeliveryStatus's `BounceReport`).
public struct ReceivedFrom: Sendable, Hashable {
    /// The name (or address literal) the client gave in HELO/EHLO, e.g. `helo.name`, `[192.0.2.1]`.
    public var helo: Optional<String>
    /// The client's reverse-DNS name as the receiver looked it up; nil when "unknown" or not given.
    public var reverseDNS: Optional<String>
    /// The client's IP address.
    public var ip: Optional<IPAddress>
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

/// A from clause as `ReceivedFrom` tells it, its names left as index ranges of the value read (see
/// `ReceivedField.readFromAndDate`).
package struct ReceivedFromRanges {
    /// Where the HELO/EHLO name is.
    package var helo: Optional<Range<Int>>
    /// Where the reverse-DNS name is; nil when "unknown" or not given.
    package var reverseDNS: Optional<Range<Int>>
    /// The client's IP address.
    package var ip: Optional<IPAddress>
    /// Whether the receiver marked the reverse-DNS name as doubtful.
    package var mayBeForged: Bool
}

/// One Received trace field (RFC 5321 §4.4, RFC 5322 §3.6.7), split into its clauses.
public struct ReceivedField: Sendable {
    /// The `from` clause: the client, with HELO name, reverse DNS and IP told apart.
    public var from: Optional<ReceivedFrom>
    /// The receiving host (`by` clause), first word.
    public var by: Optional<String>
    /// The `via` clause (link type), first word.
    public var via: Optional<String>
    /// The `with` clause (protocol, e.g. `ESMTPS`, `local`, `Microsoft SMTP Server`).
    public var with: Optional<String>
    /// The `id` clause (queue id), angle brackets removed.
    public var id: Optional<String>
    /// The `for` clause: the envelope recipient.
    public var `for`: MailAddress?
    /// The date after the last `;`.
    public var date: Optional<MailDate>

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
        // Read through a buffer pointer: indexing the slice checked its bounds at every byte. Every index
        // below is an offset into `bytes` (`value.startIndex` is offset 0), guarded by `bytes.count` or
        // by a range the tokenizer made within it.
        return value.withUnsafeBufferPointer { bytes in
            var found = ClauseRanges()
            var recipient: MailAddress? = nil
            readClauses(of: bytes, in: value, reading: wanted, into: &found, recipient: &recipient)
            let from = found.from.map {
                ReceivedFrom(helo: $0.helo.map { text(value, bytes, $0) }, reverseDNS: $0.reverseDNS.map { text(value, bytes, $0) },
                             ip: $0.ip, mayBeForged: $0.mayBeForged)
            }
            var with: String? = nil
            if found.withWordCount > 0 {
                let withWords = [found.withWords.0, found.withWords.1, found.withWords.2, found.withWords.3]
                with = withWords.prefix(found.withWordCount).map { text(value, bytes, $0) }.joined(separator: " ")
            }
            return ReceivedField(from: from, by: found.by.map { text(value, bytes, $0) }, via: found.via.map { text(value, bytes, $0) },
                                 with: with, id: found.id.map { text(value, bytes, $0) },
                                 for: recipient, date: found.date)
        }
    }

    /// The from clause and the date, as `parse(whole, reading: [.from, .date])` reads them, the names
    /// left as index ranges of `whole`: for a reader that makes its own Strings of them (a hop's,
    /// lower-cased: without the `ReceivedField` record, copied and destroyed whole, the Strings it would
    /// remake, or a slice to retain and release for each name).
    package static func readFromAndDate(_ whole: ByteSlice) -> (from: ReceivedFromRanges?, date: MailDate?) {
        whole.withUnsafeBufferPointer { bytes in
            let (from, date) = readFromAndDate(bytes, in: whole)
            let base = whole.startIndex
            func indices(_ range: Range<Int>) -> Range<Int> { (base + range.lowerBound)..<(base + range.upperBound) }
            return (from.map {
                ReceivedFromRanges(helo: $0.helo.map(indices), reverseDNS: $0.reverseDNS.map(indices), ip: $0.ip,
                                   mayBeForged: $0.mayBeForged)
            }, date)
        }
    }

    /// `readFromAndDate(whole)` through the buffer of `whole`'s bytes its reader holds already, the names
    /// left as offset ranges into `bytes` (not indices of `whole`): the hop's reader opened the buffer a
    /// second time, a retain and a release a field. Sendmail's "may be forged" is looked for only when
    /// `readingForgedPhrase` (`mayBeForged` is false otherwise): a hop has no use for it, and following
    /// the phrase through each comment word was 0.20M instructions on the sisimai bsd mbox x3
    /// (readFromAndDate 10.77M -> 10.57M).
    package static func readFromAndDate(_ bytes: UnsafeBufferPointer<UInt8>, in whole: ByteSlice,
                                        readingForgedPhrase: Bool = true) -> (from: ReceivedFromRanges?, date: MailDate?) {
        let bytes = UnsafeBufferPointer(rebasing: bytes.prefix(maxValueBytes))
        // A value that starts with its from clause (most do): the clause read first, and the date's `;`
        // looked for only after it (`readFromAndDateStart`).
        if !readingForgedPhrase, let early = leadingFromClause(bytes, addressOnly: false) {
            let from = early.from
            return (ReceivedFromRanges(helo: from.helo, reverseDNS: from.reverseDNS, ip: from.ip, mayBeForged: from.mayBeForged),
                    date(bytes, searchingFrom: early.dateStart))
        }
        var found = ClauseRanges()
        var recipient: MailAddress? = nil  // not read: no `.for` wanted
        // `whole`, not its prefix of `bytes.count` bytes: only the `for` clause, not read here, slices it,
        // and `whole.prefix` was a slice made, retained and released for each field.
        readClauses(of: bytes, in: whole, reading: [.from, .date], into: &found, recipient: &recipient,
                    readingForgedPhrase: readingForgedPhrase)
        let from = found.from.map {
            ReceivedFromRanges(helo: $0.helo, reverseDNS: $0.reverseDNS, ip: $0.ip, mayBeForged: $0.mayBeForged)
        }
        return (from, found.date)
    }

    /// The from clause as `readFromAndDate(bytes, in: whole, readingForgedPhrase: false)` reads it, the
    /// date left unread, for `date(_:)` to read only when it is wanted. (A returned original's hops
    /// after the one the classifier judges are judged by their addresses alone.)
    package static func readFrom(_ bytes: UnsafeBufferPointer<UInt8>, in whole: ByteSlice) -> ReceivedFromRanges? {
        readFromAndDateStart(bytes, in: whole).from
    }

    /// `readFrom(bytes, in: whole)`, and an offset of `bytes` from which `date(bytes, searchingFrom:)`
    /// finds the date `date(bytes)` finds: where the reading of a leading from clause stopped
    /// (`leadingFromClause`), when no `;` and no `\` lie before it; else 0.
    ///
    /// Up to there the tokenizer read the bytes as `lastTopLevelSemicolonFromStart` reads them: its
    /// comments are read by `Comment.scan` (the same nesting and quoted pairs, and outside a comment
    /// again after each), and its words hold no `(`; a `)` outside comments changes no depth. Only a `\`
    /// in a word outside comments is read otherwise (the byte after it escaped), so none may be there.
    /// With no `;` before it either, the last `;` outside comments is the one after it. (The date's `;`
    /// was looked for by reading every byte before it for `( ) \`, the from clause's too: ~70
    /// instructions of a hop's ~250 in `lastTopLevelSemicolon`, sisimai bsd x3.)
    package static func readFromAndDateStart(_ bytes: UnsafeBufferPointer<UInt8>, in whole: ByteSlice)
        -> (from: ReceivedFromRanges?, dateStart: Int)
    {
        let (from, rest) = readFromAndRest(bytes, in: whole)
        return (from, rest.start)
    }

    /// Where the clauses after a from clause are read on from (`dateAndProtocol(_:after:)`): the offset
    /// `readFromAndDateStart` gives, and the keywords read before it.
    package struct ClausesAfterFrom: Sendable {
        /// The offset (`readFromAndDateStart`'s `dateStart`).
        package let start: Int
        /// The keywords read before `start` (`Keyword` bits): none, or `from` and the one that ended its clause.
        let seen: UInt8
        /// Whether that keyword was `with`: the next word is the protocol.
        let inWith: Bool
    }

    /// `readFromAndDateStart(bytes, in: whole)`, with where the clauses after the from clause are read on from.
    package static func readFromAndRest(_ bytes: UnsafeBufferPointer<UInt8>, in whole: ByteSlice)
        -> (from: ReceivedFromRanges?, rest: ClausesAfterFrom)
    {
        let bytes = UnsafeBufferPointer(rebasing: bytes.prefix(maxValueBytes))
        var from: FromRanges?
        var rest = ClausesAfterFrom(start: 0, seen: 0, inWith: false)
        if let early = leadingFromClause(bytes, addressOnly: false) {
            from = early.from
            if early.dateStart > 0 {
                rest = ClausesAfterFrom(start: early.dateStart, seen: Keyword.from.bit | (early.endedBy?.bit ?? 0),
                                        inWith: early.endedBy == .with)
            }
        } else {
            var found = ClauseRanges()
            var recipient: MailAddress? = nil  // not read: no `.for` wanted
            readClauses(of: bytes, in: whole, reading: .from, into: &found, recipient: &recipient, readingForgedPhrase: false)
            from = found.from
        }
        return (from.map { ReceivedFromRanges(helo: $0.helo, reverseDNS: $0.reverseDNS, ip: $0.ip, mayBeForged: $0.mayBeForged) },
                rest)
    }

    /// The date of the value whose bytes are `bytes`, as `readFromAndDate` reads it.
    package static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> MailDate? {
        date(bytes, searchingFrom: 0)
    }

    /// `date(bytes)`, its `;` looked for from offset `start` on: 0, or the `dateStart` that
    /// `readFromAndDateStart(bytes, in:)` gave (nothing before it can be, or change, the date's `;`).
    package static func date(_ bytes: UnsafeBufferPointer<UInt8>, searchingFrom start: Int) -> MailDate? {
        let bytes = UnsafeBufferPointer(rebasing: bytes.prefix(maxValueBytes))
        guard start >= 0, start <= bytes.count else { return nil }
        return clausesEndAndDate(bytes, searchingFrom: start).date
    }

    /// Where the clauses of `bytes` (already cut to `maxValueBytes`) end, at the date's `;` (the last
    /// outside comments, looked for from `start` on) or the end, and the date after that `;`.
    private static func clausesEndAndDate(_ bytes: UnsafeBufferPointer<UInt8>, searchingFrom start: Int) -> (end: Int, date: MailDate?) {
        guard let found = lastTopLevelSemicolon(UnsafeBufferPointer(rebasing: bytes[start...])) else { return (bytes.count, nil) }
        return (start + found, readDate(UnsafeBufferPointer(rebasing: bytes[(start + found + 1)...])))
    }

    /// `date(bytes, searchingFrom: rest.start)`, and where the with clause's first word lies (its
    /// protocol, RFC 5321 §4.4 `With`: `ESMTPS`, `LMTP`, fetchmail's `POP3`), as `parse` finds it: the
    /// words read on from `rest` (`readFromAndRest`), the first of each keyword opening its clause, up to
    /// the date's `;`. The protocol is nil when there is no with clause, or no word in it.
    package static func dateAndProtocol(_ bytes: UnsafeBufferPointer<UInt8>, after rest: ClausesAfterFrom)
        -> (date: MailDate?, protocol: Range<Int>?)
    {
        let bytes = UnsafeBufferPointer(rebasing: bytes.prefix(maxValueBytes))
        let start = rest.start
        guard start >= 0, start <= bytes.count else { return (nil, nil) }
        let (clausesEnd, date) = clausesEndAndDate(bytes, searchingFrom: start)
        // Few words are left after the from clause (`NAME (Postfix) with PROTOCOL id X for <A>`).
        let clauses = UnsafeBufferPointer(rebasing: bytes[..<clausesEnd])
        var tokens = ReceivedTokenizer(clauses, from: start)
        var seen = rest.seen, inWith = rest.inWith
        while let item = tokens.next() {
            guard item.kind == .word else { continue }
            if let keyword = Keyword(clauses, item.range), seen & keyword.bit == 0 {
                seen |= keyword.bit
                inWith = keyword == .with
                continue
            }
            if inWith { return (date, item.range) }
        }
        return (date, nil)
    }

    /// Whether a with clause's protocol word (`word`) names a mailbox-access protocol, in any case: POP
    /// and IMAP and their variants (`POP3`, `POP3S`, `APOP`, `KPOP`, `RPOP`, `SDPS`, `IMAP4rev1`,
    /// `IMAPS`). A mail fetcher writes it when it takes a message out of a mailbox and passes it on
    /// (fetchmail: `from pop.example.net [192.0.2.9] by host with POP3 (fetchmail-6.4.37)`; a provider's
    /// fetcher of other accounts: `by mx.google.com with POP3 id ...`): no transfer protocol of the IANA
    /// registry of `with` values (RFC 3848), but the end of a wait in a mailbox, as long as its owner left
    /// the message there.
    package static func isMailboxAccessProtocol(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard word.count >= 3, word.count <= 9 else { return false }
        for byte in word where !(ASCII.isAlpha(byte) || ASCII.isDigit(byte)) { return false }
        func starts(_ prefix: StaticString) -> Bool {
            guard prefix.utf8CodeUnitCount <= word.count else { return false }
            for k in 0..<prefix.utf8CodeUnitCount where word[k] | 0x20 != prefix.utf8Start[k] { return false }
            return true
        }
        // (`| 0x20` lower-cases a letter; a digit is never compared with one.)
        if starts("pop") || starts("imap") { return true }
        return word.count == 4 && (starts("apop") || starts("kpop") || starts("rpop") || starts("sdps"))
    }

    /// The from clause `readClauses(of: bytes, ..., reading: .from, ..., readingForgedPhrase: false)`
    /// finds in a value that starts with it (as most do), read without first looking for the date's `;`
    /// (`lastTopLevelSemicolon`) where that cannot change it; with `addressOnly`, `readAddress`'s
    /// reading (it stops at the item that gives the address, and no name is read). Nil for another
    /// value, or when a `;` lies before where the reading stopped (`readClauses` must read the value
    /// then). With the clause, where the reading stopped when no `\` lies before it either, else 0
    /// (`readFromAndDateStart`).
    ///
    /// The clauses end at the last `;` outside comments, or at the end. When no `;` at all lies before
    /// the end of the keyword after the from clause (or before the end of the value, when the clause
    /// runs to it), the clauses' end is past every item read, each of which the tokenizer reads the
    /// same in `bytes` and in the clauses' bytes alone. (Nearly every stamp's first `;` is its date's.
    /// The search was ~280 instructions a value: sisimai bsd x3, 2,292 hops.)
    @inline(__always)
    private static func leadingFromClause(_ bytes: UnsafeBufferPointer<UInt8>, addressOnly: Bool)
        -> (from: FromRanges, dateStart: Int, endedBy: Keyword?)?
    {
        guard startsWithFrom(bytes) else { return nil }
        var tokens = ReceivedTokenizer(bytes)
        // The first word is the from keyword unless it only starts with `from` ("fromage").
        guard let first = tokens.next(), first.kind == .word, Keyword(bytes, first.range) == .from else { return nil }
        var from = FromReader(readingForgedPhrase: false, readsAddressOnly: addressOnly)
        // Where the reading stopped: after the keyword that ends the from clause (any but a second
        // `from`: the first of each kind wins), after the item that gives the address when that is
        // all that is asked, or at the end.
        var stop = bytes.count
        var endedBy: Keyword? = nil
        while let item = tokens.next() {
            if item.kind == .word, let keyword = Keyword(bytes, item.range), keyword != .from {
                stop = item.range.upperBound
                endedBy = keyword
                break
            }
            from.read(item, in: bytes)
            if addressOnly && from.hasAddress {
                stop = item.range.upperBound
                break
            }
        }
        let (semicolon, backslash) = semicolonAndBackslash(UnsafeBufferPointer(rebasing: bytes[..<stop]))
        guard !semicolon else { return nil }
        return (from.finish(in: bytes), backslash ? 0 : stop, endedBy)
    }

    /// The address `readFrom(bytes, in:)` finds (its `ip`), read only up to the item that gives it, and
    /// no name read: for a hop judged by its address alone. An item's address is never replaced by a
    /// later one's, so the rest of the clause cannot change it; where the reading stopped, the clauses'
    /// end is past every item read when no `;` lies before it (see `leadingFromClause`).
    package static func readAddress(_ bytes: UnsafeBufferPointer<UInt8>, in whole: ByteSlice) -> IPAddress? {
        let bytes = UnsafeBufferPointer(rebasing: bytes.prefix(maxValueBytes))
        guard let clause = leadingFromClause(bytes, addressOnly: true) else { return readFrom(bytes, in: whole)?.ip }
        return clause.from.ip
    }

    /// Whether `bytes` hold a `;`, and whether they hold a `\`: sixteen bytes a step (the `;` was
    /// looked for alone: the two compares share the loads), the last block the sixteen before the end.
    @inline(__always)
    static func semicolonAndBackslash(_ bytes: UnsafeBufferPointer<UInt8>) -> (semicolon: Bool, backslash: Bool) {
        guard let base = UnsafeRawPointer(bytes.baseAddress), bytes.count >= 16 else {
            return (bytes.contains(ASCII.semicolon), bytes.contains(ASCII.backslash))
        }
        let semicolonLanes = SIMD16<UInt8>(repeating: ASCII.semicolon), backslashLanes = SIMD16<UInt8>(repeating: ASCII.backslash)
        // Each compare's lanes (0xFF where the byte is) gathered as bytes, tested once at the end
        // (gathered as two words each, the lanes were shuffled between registers at every block).
        var semicolons = SIMD16<UInt8>(repeating: 0), backslashes = SIMD16<UInt8>(repeating: 0)
        var i = 0
        while true {
            let block = base.loadUnaligned(fromByteOffset: min(i, bytes.count - 16), as: SIMD16<UInt8>.self)
            semicolons |= unsafeBitCast(block .== semicolonLanes, to: SIMD16<UInt8>.self)
            backslashes |= unsafeBitCast(block .== backslashLanes, to: SIMD16<UInt8>.self)
            i += 16
            if i >= bytes.count { break }
        }
        let semicolonWords = unsafeBitCast(semicolons, to: SIMD2<UInt64>.self)
        let backslashWords = unsafeBitCast(backslashes, to: SIMD2<UInt64>.self)
        return (semicolonWords[0] | semicolonWords[1] != 0, backslashWords[0] | backslashWords[1] != 0)
    }

    /// The clauses of a value, as offset ranges into its bytes: no String is made here. Nothing in it
    /// is counted or allocated (the `with` words in a tuple, the address kept apart by `readClauses`):
    /// the record with an array and a `MailAddress` in it was made and destroyed for each of the 4,050
    /// fields `readFromAndDate` read on the sisimai bsd mbox x3, which wants neither.
    struct ClauseRanges {
        var from: FromRanges? = nil
        var by: Range<Int>? = nil
        var via: Range<Int>? = nil
        /// The first four words of the `with` clause: the first `withWordCount` of these.
        var withWords: (Range<Int>, Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0, 0..<0)
        /// How many `with` words there are (at most 4).
        var withWordCount = 0
        /// The `id` clause's word, angle brackets removed.
        var id: Range<Int>? = nil
        var date: MailDate? = nil
    }

    /// The from clause, as offset ranges into the value's bytes.
    struct FromRanges {
        var helo: Range<Int>?
        var reverseDNS: Range<Int>?
        var ip: IPAddress?
        var mayBeForged: Bool
    }

    /// Finds the clauses asked for in `bytes`, the contents of `value`, and fills `found` with them (an
    /// empty record), and `recipient` (nil) with the `for` clause's address: filled in place, the record
    /// is not copied to be returned. The from clause's "may be forged" is looked for only when
    /// `readingForgedPhrase`.
    static func readClauses(of bytes: UnsafeBufferPointer<UInt8>, in value: ByteSlice, reading wanted: Clauses,
                            into found: inout ClauseRanges, recipient: inout MailAddress?,
                            readingForgedPhrase: Bool = true) {
        // RFC 5322 §3.6.7: the date-time follows the last ";" (outside comments).
        var clausesEnd = bytes.count
        if let semicolon = lastTopLevelSemicolon(bytes) {
            clausesEnd = semicolon
            if wanted.contains(.date) { found.date = readDate(UnsafeBufferPointer(rebasing: bytes[(semicolon + 1)...])) }
        }
        // Items are offset ranges into `bytes`, read one at a time. Reading stops once every clause
        // asked for is complete: a hop's reader wants only `from` and the date, and a from clause ends
        // at the next keyword, usually `by` halfway through (backscatter-dev: ReceivedField.parse
        // 26.6M -> 24.1M instructions).
        var tokens = ReceivedTokenizer(UnsafeBufferPointer(rebasing: bytes[..<clausesEnd]))
        var current: Keyword? = nil
        // The from clause is read item by item as they come (reading its span again after the clause
        // was ~300 instructions a field on the sisimai bsd mbox x3).
        var from = FromReader(readingForgedPhrase: readingForgedPhrase)
        var seen: UInt8 = 0  // Keyword bits
        // The word clauses asked for and not yet complete (Keyword bits).
        var open = wanted.rawValue & ~Clauses.date.rawValue
        // Only the from clause wanted (a hop's reader), and no `from` in any case among the clauses'
        // bytes: there is no from keyword, and nothing else to read. (A stamp without a from clause,
        // `by mx (Postfix, from userid 0) id X; ...`, was read item by item to its end, looking for one:
        // 840 of the 4,050 fields of the sisimai bsd mbox x3, 576 of them without `from`; with the test,
        // readClauses 2.41M -> 2.21M.)
        // (Most stamps start with `from`: that is tested here, without a call.)
        if open == Keyword.from.bit {
            let clauses = UnsafeBufferPointer(rebasing: bytes[..<clausesEnd])
            if !startsWithFrom(clauses), !mayHoldFrom(clauses) { return }
        }

        while open != 0, let item = tokens.next() {
            let isWord = item.kind == .word
            if isWord, let keyword = Keyword(bytes, item.range), seen & keyword.bit == 0 {
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
                from.read(item, in: bytes)
            case .by:
                if found.by == nil, isWord { found.by = w; open &= ~clause.bit }
            case .via:
                if found.via == nil, isWord { found.via = w; open &= ~clause.bit }
            case .with:
                if isWord, found.withWordCount < 4 {
                    switch found.withWordCount {
                    case 0: found.withWords.0 = w
                    case 1: found.withWords.1 = w
                    case 2: found.withWords.2 = w
                    default: found.withWords.3 = w
                    }
                    found.withWordCount += 1
                    if found.withWordCount == 4 { open &= ~clause.bit }
                }
            case .id:
                if found.id == nil, isWord {
                    // A word is never empty: its first byte is neither white space nor `(`.
                    var range = w
                    if bytes[range.lowerBound] == ASCII.lessThan { range = (range.lowerBound + 1)..<range.upperBound }
                    if !range.isEmpty, bytes[range.upperBound - 1] == ASCII.greaterThan { range = range.lowerBound..<(range.upperBound - 1) }
                    found.id = range
                    open &= ~clause.bit
                }
            case .for:
                // An address ("for <a@b>", "for a@b", "for <postmaster>"), not Sendmail's
                // "for multiple recipients". (One that does not parse leaves the next word a chance.)
                if recipient == nil, isWord,
                   bytes[w.lowerBound] == ASCII.lessThan || UnsafeBufferPointer(rebasing: bytes[w]).contains(ASCII.at)
                {
                    recipient = AddressParser.parseSingle(slice(value, w))
                    open &= ~clause.bit
                }
            }
        }
        if seen & Keyword.from.bit != 0, wanted.contains(.from) { found.from = from.finish(in: bytes) }
    }

    /// Whether the four bytes at `base + k` are `from` in any case: setting 0x20 makes exactly `F` and `f`
    /// an `f`, and so for `r`, `o`, `m` (as `Keyword` reads a word).
    @inline(__always)
    static func isFromKeyword(_ base: UnsafeRawPointer, _ k: Int) -> Bool {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: k, as: UInt32.self)) | 0x2020_2020 == Keyword.pack("f", "r", "o", "m")
    }

    /// Whether `bytes` start with `from` in any case after their blanks and line ends (most stamps do).
    @inline(__always)
    static func startsWithFrom(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return false }
        var i = 0
        while i < bytes.count, ASCII.isWhitespaceOrNewline(bytes[i]) { i += 1 }
        return i + 4 <= bytes.count && isFromKeyword(base, i)
    }

    /// Whether `bytes` hold `from` in any case (four bytes `Keyword` would read as the from keyword):
    /// sixteen bytes a step for an `f` in either case, each found tested with one four-byte load; false
    /// means no word of them is the from keyword.
    static func mayHoldFrom(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return false }
        let count = bytes.count
        @inline(__always) func isFrom(_ k: Int) -> Bool { isFromKeyword(base, k) }
        guard count >= 16 else {
            var i = 0
            while i + 4 <= count {
                if bytes[i] | 0x20 == UInt8(ascii: "f"), isFrom(i) { return true }
                i += 1
            }
            return false
        }
        let fLanes = SIMD16<UInt8>(repeating: UInt8(ascii: "f")), caseLanes = SIMD16<UInt8>(repeating: 0x20)
        /// Whether one of the marked bytes (0x80 on each) of the eight from `start` starts a `from`.
        @inline(__always) func anyFrom(_ marks: UInt64, from start: Int) -> Bool {
            var marks = marks
            while marks != 0 {
                let k = start + marks.trailingZeroBitCount >> 3
                marks &= marks &- 1
                if k + 4 <= count, isFrom(k) { return true }
            }
            return false
        }
        // Sixteen bytes a step; the last block is the sixteen bytes before the end, overlapping the one
        // before it (its bytes read again give the same answers).
        var blockStart = 0
        while true {
            let block = base.loadUnaligned(fromByteOffset: blockStart, as: SIMD16<UInt8>.self)
            let halves = unsafeBitCast((block | caseLanes) .== fLanes, to: SIMD2<UInt64>.self)
            if anyFrom(UInt64(littleEndian: halves[0]) & ByteWord.highs, from: blockStart)
                || anyFrom(UInt64(littleEndian: halves[1]) & ByteWord.highs, from: blockStart + 8) { return true }
            if blockStart == count - 16 { return false }
            blockStart = min(blockStart + 16, count - 16)
        }
    }

    /// The date after the `;`, read as one line: a folded date unfolded (RFC 5322 §2.2.3) by leaving out
    /// its CR and LF bytes, copied to the stack between them (a filtered array was an allocation a
    /// field: ~3.0M instructions for the 3,990 dates of the sisimai bsd mbox x3).
    static func readDate(_ text: UnsafeBufferPointer<UInt8>) -> MailDate? {
        guard let base = text.baseAddress else { return nil }
        // The canonical form read in place first, without looking for line ends: it reads a CR or LF
        // nowhere but inside its trailing comment, which it passes over, and that comment unfolded
        // reads the same. When it fails it has set nothing. (Each date searched for a line end first:
        // readDate 4.06M -> 3.80M for the 3,990 dates of the sisimai bsd mbox x3.)
        // The white space before the date passed over first, line ends too: a folded stamp's date most
        // often starts a line of its own (`...;\r\n\tMon, 1 ...`), and its blanks are all the unfolded
        // one has there, which the canonical reader passes over. (Those dates were copied without
        // their line ends and read again: readDate 3.80M -> 3.54M for the 3,990 dates of the
        // sisimai bsd mbox x3, 1,146 of them folded so.)
        var lead = 0
        while lead < text.count, ASCII.isWhitespaceOrNewline(text[lead]) { lead += 1 }
        if let fields = DateScanner.readCanonical(UnsafeBufferPointer(rebasing: text[lead...])) { return DateScanner.date(fields) }
        var scanner = DateScanner()
        // Most other date parts hold no line end (the value was unfolded): read in place.
        if nextLineEnd(text, from: 0) == text.count {
            scanner.scan(text)
            return scanner.result()
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.count) { line in
            guard let out = line.baseAddress else { return }
            // Each run of bytes up to the next CR or LF is copied whole: the runs together are at most
            // `text.count` bytes, the capacity.
            let count = text.count
            var kept = 0
            var i = 0
            while i < count {
                let end = nextLineEnd(text, from: i)
                (out + kept).update(from: base + i, count: end - i)
                kept += end - i
                i = end + 1
            }
            scanner.scan(UnsafeBufferPointer(start: out, count: kept))
        }
        return scanner.result()
    }

    /// The offset of the first CR or LF in `bytes` at or after `start`, or `bytes.count`; eight bytes at
    /// a time, from exact per-byte marks (`ByteWord.zeroBytes`).
    static func nextLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        let count = bytes.count
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            let returns = ByteWord.broadcast(ASCII.carriageReturn), feeds = ByteWord.broadcast(ASCII.lineFeed)
            while i + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let marks = ByteWord.zeroBytes(word ^ returns) | ByteWord.zeroBytes(word ^ feeds)
                if marks != 0 { return i + marks.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        while i < count, bytes[i] != ASCII.carriageReturn, bytes[i] != ASCII.lineFeed { i += 1 }
        return i
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

    /// `value[range]`, `range` an offset range into its bytes.
    static func slice(_ value: ByteSlice, _ range: Range<Int>) -> ByteSlice {
        value[(value.startIndex + range.lowerBound)..<(value.startIndex + range.upperBound)]
    }

    /// The text of `bytes[range]` (`value`'s bytes): UTF-8, else windows-1252. ASCII, as nearly every
    /// Received word is, becomes a String directly (the same String `CharsetDecoder.validUTF8` makes,
    /// without decoding it a second time to compare).
    static func text(_ value: ByteSlice, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let word = UnsafeBufferPointer(rebasing: bytes[range])
        if ASCII.isASCII(word) { return String(decoding: word, as: UTF8.self) }
        return CharsetDecoder.utf8OrWindows1252(slice(value, range))
    }

    enum Keyword: UInt8 {
        case from, by, via, with, id, `for`

        /// One bit per keyword, for a set without hashing.
        var bit: UInt8 { 1 << rawValue }

        /// The clause the keyword opens.
        var clause: Clauses { Clauses(rawValue: bit) }

        /// The keyword `bytes[range]` spells (any case), or nil.
        @inline(__always)
        init?(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
            let count = range.count
            guard count >= 2, count <= 4 else { return nil }
            // The bytes with bit 0x20 set, packed little-endian: for a letter that is its lower case, and
            // only a letter's two cases give a lower-case letter, so this is ASCII case folding for
            // comparing with the keywords (all letters). The range lies within `bytes` (a tokenizer word).
            var packed: UInt32 = 0
            if range.lowerBound + 4 <= bytes.count, let base = UnsafeRawPointer(bytes.baseAddress) {
                // The four bytes from the word's start in one load (all within `bytes`), those past the
                // word cleared: the value the loop below makes, a shift and an or a byte (that loop was
                // 0.50M instructions for the 4,050 Received fields of the sisimai bsd mbox x3: with the
                // load, ReceivedField.readFromAndDate 12.64M -> 12.26M).
                let four = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt32.self))
                let kept: UInt32 = count == 4 ? 0xFFFF_FFFF : (1 << UInt32(8 * count)) &- 1
                packed = (four | 0x2020_2020) & kept
            } else {
                for k in 0..<count { packed |= UInt32(bytes[range.lowerBound + k] | 0x20) << UInt32(8 * k) }
            }
            switch packed {
            case Self.pack("b", "y"): self = .by
            case Self.pack("i", "d"): self = .id
            case Self.pack("v", "i", "a"): self = .via
            case Self.pack("f", "o", "r"): self = .for
            case Self.pack("f", "r", "o", "m"): self = .from
            case Self.pack("w", "i", "t", "h"): self = .with
            default: return nil
            }
        }

        /// Lower-case letters packed as `init` packs a word (no byte is zero, so lengths cannot collide).
        @inline(__always)
        static func pack(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar? = nil, _ d: Unicode.Scalar? = nil) -> UInt32 {
            a.value | b.value << 8 | (c?.value ?? 0) << 16 | (d?.value ?? 0) << 24
        }
    }

    /// The index in `value` of its last `;` outside comments, or nil.
    static func lastTopLevelSemicolon(_ value: ByteSlice) -> Int? {
        value.withUnsafeBufferPointer { bytes in lastTopLevelSemicolon(bytes).map { value.startIndex + $0 } }
    }

    /// The offset of the last `;` in `bytes` outside comments (a `\` escapes the byte after it), or nil.
    ///
    /// The last `;` of all is found from the end first: a stamp's is nearly always the date's, ~37 bytes
    /// before the end on the sisimai bsd mbox x3, with nothing after it but the date and its zone's
    /// comment. When the bytes before it leave it outside comments and unescaped, it is the answer; only
    /// otherwise are all of them read for the last one that is (`lastTopLevelSemicolonFromStart`). The
    /// bytes before it are read for `( ) \` alone: the date's bytes, its `(UTC)` and the `;` itself are
    /// not read forwards (lastTopLevelSemicolon 1.86M -> 1.14M for the 4,050 fields).
    static func lastTopLevelSemicolon(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let last = lastSemicolon(bytes) else { return nil }
        return isTopLevel(bytes, last) ? last : lastTopLevelSemicolonFromStart(bytes)
    }

    /// The offset of the last `;` in `bytes`, or nil: sixteen bytes a step from the end (SSE2 compares of
    /// a concrete vector type, as in `lastTopLevelSemicolonFromStart`), the first few one at a time.
    @inline(__always)
    static func lastSemicolon(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var end = bytes.count
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            let semicolonLanes = SIMD16<UInt8>(repeating: ASCII.semicolon)
            while end >= 16 {
                let block = base.loadUnaligned(fromByteOffset: end - 16, as: SIMD16<UInt8>.self)
                let halves = unsafeBitCast(block .== semicolonLanes, to: SIMD2<UInt64>.self)
                let low = UInt64(littleEndian: halves[0]), high = UInt64(littleEndian: halves[1])
                // Lane k is bits 8k to 8k + 7 of its half: the last marked lane from the highest set bit.
                if high != 0 { return end - 1 - high.leadingZeroBitCount >> 3 }
                if low != 0 { return end - 9 - low.leadingZeroBitCount >> 3 }
                end -= 16
            }
        }
        while end > 0 {
            end -= 1
            if bytes[end] == ASCII.semicolon { return end }
        }
        return nil
    }

    /// Whether the byte at `offset` lies outside comments and is not escaped, as the reading of
    /// `lastTopLevelSemicolonFromStart` finds it: the bytes before it read for `( ) \` only, sixteen a
    /// step, only the marked ones one by one.
    @inline(__always)
    static func isTopLevel(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Bool {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return false }
        var depth = 0
        var i = 0
        let parenLanes = SIMD16<UInt8>(repeating: ASCII.closeParen), backslashLanes = SIMD16<UInt8>(repeating: ASCII.backslash)
        let oneLanes = SIMD16<UInt8>(repeating: 1)
        /// Reads the marked bytes (0x80 on each) of the eight from `wordStart`, lowest first; false when one
        /// is a backslash, with `i` then past the byte it escapes, for the caller to read on from there.
        @inline(__always) func readMarked(_ marks: UInt64, from wordStart: Int) -> Bool {
            var marks = marks
            while marks != 0 {
                let k = wordStart &+ marks.trailingZeroBitCount &>> 3
                marks &= marks &- 1
                let b = bytes[k]
                if b == ASCII.backslash {
                    i = k &+ 2
                    return false
                }
                // `(` and `)` only are marked besides `\`.
                depth = b == ASCII.openParen ? depth &+ 1 : max(0, depth &- 1)
            }
            return true
        }
        /// The marks (0x80 on each) of `( ) \` among the sixteen bytes at `blockStart`, as two halves.
        @inline(__always) func marks(_ blockStart: Int) -> (UInt64, UInt64) {
            let block = base.loadUnaligned(fromByteOffset: blockStart, as: SIMD16<UInt8>.self)
            // `(` and `)` differ only in their lowest bit: setting it in every byte leaves `)` for both.
            let marked = ((block | oneLanes) .== parenLanes) .| (block .== backslashLanes)
            let halves = unsafeBitCast(marked, to: SIMD2<UInt64>.self)
            return (UInt64(littleEndian: halves[0]) & ByteWord.highs, UInt64(littleEndian: halves[1]) & ByteWord.highs)
        }
        reading: while true {
            // Sixteen bytes a step (a backslash read starts the next step after the byte it escapes).
            while offset &- i >= 16 {
                let (low, high) = marks(i)
                guard readMarked(low, from: i), readMarked(high, from: i &+ 8) else { continue reading }
                i &+= 16
            }
            guard i < offset else { break }
            if offset >= 16 {
                // Fewer than sixteen left: the sixteen before `offset`, the lanes before `i` (read
                // already, 1 to 15 of them) cleared.
                let blockStart = offset &- 16
                let skipped = UInt64(truncatingIfNeeded: i &- blockStart)
                var (low, high) = marks(blockStart)
                if skipped >= 8 {
                    low = 0
                    high &= ~0 &<< (8 &* (skipped &- 8))
                } else {
                    low &= ~0 &<< (8 &* skipped)
                }
                guard readMarked(low, from: blockStart), readMarked(high, from: blockStart &+ 8) else { continue reading }
                i = offset
                break
            }
            // Fewer than sixteen bytes in all: one at a time.
            while i < offset {
                let b = bytes[i]
                if b == ASCII.backslash { i &+= 2; continue }
                if b == ASCII.openParen { depth &+= 1 } else if b == ASCII.closeParen { depth = max(0, depth &- 1) }
                i &+= 1
            }
            break
        }
        return i == offset && depth == 0
    }

    /// `lastTopLevelSemicolon` reading every byte from the start: for a value whose last `;` is inside a
    /// comment or escaped.
    static func lastTopLevelSemicolonFromStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var depth = 0
        var last: Int? = nil
        var i = 0
        let count = bytes.count
        /// Reads the byte at `i` (one of `; ( ) \`, or any) and moves `i` past it.
        @inline(__always) func step() {
            let b = bytes[i]
            if b == ASCII.backslash { i += 2; return }
            if b == ASCII.openParen { depth += 1 }
            else if b == ASCII.closeParen { depth = max(0, depth - 1) }
            else if b == ASCII.semicolon, depth == 0 { last = i }
            i += 1
        }
        // Eight bytes at a time: a mark (0x80) on each byte that is one of `; ( ) \` (exact per byte,
        // `ByteWord.zeroBytes`), then only the marked bytes are read, lowest first. (Retrying the word
        // one byte further after each such byte was 1,345 instructions a field on the sisimai bsd mbox
        // x3, a Received value holding a dozen of them; this is ~750.)
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            // Sixteen bytes at a time first, the same marks made by SSE2 compares of vectors of a
            // concrete type (see `JSONWriter.escapeMarks`), 0xFF on each marked byte, kept as 0x80
            // (bsd.mbox x3: 3.04M -> 2.22M for the 4,050 fields, ~550 instructions a field).
            let semicolonLanes = SIMD16<UInt8>(repeating: ASCII.semicolon), parenLanes = SIMD16<UInt8>(repeating: ASCII.closeParen)
            let backslashLanes = SIMD16<UInt8>(repeating: ASCII.backslash), oneLanes = SIMD16<UInt8>(repeating: 1)
            /// Reads the marked bytes (0x80 on each) of the eight from `wordStart`, lowest first; false
            /// when one is a backslash, with `i` then past the byte it escapes (which may be marked too,
            /// or lie in the next word), for the caller to read on from there.
            @inline(__always) func readMarked(_ marks: UInt64, from wordStart: Int) -> Bool {
                var marks = marks
                while marks != 0 {
                    i = wordStart + marks.trailingZeroBitCount >> 3
                    marks &= marks &- 1
                    if bytes[i] == ASCII.backslash {
                        i += 2
                        return false
                    }
                    step()
                }
                return true
            }
            while i + 16 <= count {
                let block = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let marked = (block .== semicolonLanes) .| ((block | oneLanes) .== parenLanes) .| (block .== backslashLanes)
                let halves = unsafeBitCast(marked, to: SIMD2<UInt64>.self)
                let blockStart = i
                guard readMarked(UInt64(littleEndian: halves[0]) & ByteWord.highs, from: blockStart),
                      readMarked(UInt64(littleEndian: halves[1]) & ByteWord.highs, from: blockStart + 8) else { continue }
                i = blockStart + 16
            }
            let semicolons = ByteWord.broadcast(ASCII.semicolon), parens = ByteWord.broadcast(ASCII.closeParen)
            let backslashes = ByteWord.broadcast(ASCII.backslash)
            while i + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                // `(` and `)` differ only in their lowest bit: setting it in every byte leaves `)` for both.
                let marks = ByteWord.zeroBytes(word ^ semicolons) | ByteWord.zeroBytes((word | ByteWord.ones) ^ parens)
                    | ByteWord.zeroBytes(word ^ backslashes)
                let wordStart = i
                guard readMarked(marks, from: wordStart) else { continue }
                i = wordStart + 8
            }
        }
        while i < count { step() }
        return last
    }

    /// The next word of a comment from offset `i` up to `end` (`end` at most `bytes.count`): words are
    /// split at white space and parentheses ("(x [ip] (may be forged))"); `i` moves past it.
    @inline(__always)
    static func nextCommentWord(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) -> Range<Int>? {
        @inline(__always) func splits(_ b: UInt8) -> Bool {
            // All four white-space bytes and both parentheses are at most `)` (0x29).
            b <= ASCII.closeParen && (ASCII.isWhitespaceOrNewline(b) || b == ASCII.openParen || b == ASCII.closeParen)
        }
        while i < end, splits(bytes[i]) { i += 1 }
        guard i < end else { return nil }
        let start = i
        // Only a byte at most `)` may split: the next one is found eight bytes a step
        // (`firstByte(below:in:from:to:)`), and only it is tested. (Byte by byte this loop was 0.44M
        // instructions of the sisimai bsd mbox x3's Received comments: with the words, FromReader.read
        // 3.40M -> 3.21M; the bytes after the last word that had none, ~4 a word, were still read one
        // at a time.)
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return nil }
        while true {
            i = firstByte(below: ASCII.closeParen + 1, in: base, from: i, to: end)
            guard i < end, !splits(bytes[i]) else { break }
            i += 1
        }
        return start..<i
    }

    /// The offset of the first byte below `limit` (at most 0x80) among the bytes at `base + start`
    /// up to `base + end`, or `end`: eight bytes a step, each byte marked exactly (the low seven bits
    /// of each added without a carry out of it, as in `ByteWord.zeroBytes`), and the last few bytes
    /// read as the eight that end at `end` (those before `start` dropped) when there are eight.
    /// Reads no byte before `base` or at or after `base + end`.
    @inline(__always)
    static func firstByte(below limit: UInt8, in base: UnsafeRawPointer, from start: Int, to end: Int) -> Int {
        /// 0x80 in each byte of `word` below `limit`, 0 in every other byte.
        @inline(__always) func marks(_ word: UInt64) -> UInt64 {
            let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            return ~(((word & low7) &+ ByteWord.broadcast(0x80 &- limit)) | word) & ByteWord.highs
        }
        var i = start
        while i &+ 8 <= end {
            let found = marks(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            if found != 0 { return i &+ found.trailingZeroBitCount &>> 3 }
            i &+= 8
        }
        guard i < end else { return end }
        if end >= 8 {
            // 1 to 7 bytes left: the eight ending at `end`, the lanes before `i` shifted out.
            let skipped = i &- (end &- 8)
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self))
            let found = marks(word) &>> UInt64(truncatingIfNeeded: 8 &* skipped)
            return found != 0 ? i &+ found.trailingZeroBitCount &>> 3 : end
        }
        while i < end, base.load(fromByteOffset: i, as: UInt8.self) >= limit { i &+= 1 }
        return i
    }

    /// Whether `bytes[range]` is `lowercase` in any case (`lowercase` lower-case ASCII).
    static func equalsCaseInsensitive(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        range.count == lowercase.utf8CodeUnitCount
            && UnsafeBufferPointer(rebasing: bytes[range]).hasPrefixCaseInsensitive(lowercase)
    }

    /// How much of "may be forged" the words of a comment have shown so far.
    enum ForgedPhraseStep { case none, may, be }

    /// Reads a from clause item by item, in the order the tokenizer gives them: its word (the first word
    /// item), and every item after the `from` keyword except that word when it came first.
    struct FromReader {
        /// The clause's word.
        private var word: Range<Int>? = nil
        private var sawItem = false
        private var ip: IPAddress? = nil
        private var mayBeForged = false
        private var heloInComment: Range<Int>? = nil
        private var reverseDNS: Range<Int>? = nil
        private var sawUnknown = false
        /// Whether "may be forged" is looked for (`mayBeForged` stays false otherwise).
        private let readingForgedPhrase: Bool

        /// Whether only the address is read: a comment's words only up to the first IP, no name.
        private let readsAddressOnly: Bool

        init(readingForgedPhrase: Bool = true, readsAddressOnly: Bool = false) {
            self.readingForgedPhrase = readingForgedPhrase
            self.readsAddressOnly = readsAddressOnly
        }

        /// Whether an item has given the address (`finish` then gives it whatever follows).
        var hasAddress: Bool { ip != nil }

        /// Reads the next item of the clause (offset ranges into `bytes`).
        mutating func read(_ item: ReceivedTokenizer.Item, in bytes: UnsafeBufferPointer<UInt8>) {
            defer { sawItem = true }
            if word == nil, item.kind == .word {
                word = item.range
                // The word is read by `finish`; as an item only when a comment came before it.
                if !sawItem { return }
            }
            switch item.kind {
            case .comment:
                // The comment's words in one pass, without an array of them (one was an allocation a
                // comment): the IP is the first word that reads as one; `helo=NAME` (Exim) or
                // `HELO NAME` (qmail) gives the HELO name, the first one seen; a reverse-DNS name is the
                // first word of a comment that also holds an IP, or a lone dotted name ("(localhost)",
                // Sendmail without IP): not "(uid 0)", "(authenticated ...)". That first word is judged
                // once the whole comment is read.
                var commentIP: IPAddress? = nil
                var ipWordIndex = -1
                var firstWord: Range<Int>? = nil
                var firstMayNameHost = false
                var heloArgumentPending = false
                var count = 0
                // Sendmail's "may be forged", ASCII case aside, anywhere in the comment, is told from its
                // words: one ending in "may", one space, "be", one space, one starting with "forged"
                // (the words split at white space and parentheses, so the phrase's bytes are exactly
                // these). A search of the comment for it was ~200 instructions a comment.
                var forgedStep = ForgedPhraseStep.none
                var previousEnd = -1
                var i = item.range.lowerBound
                while let w = nextCommentWord(bytes, &i, item.range.upperBound) {
                    if readsAddressOnly {
                        // The first IP is the comment's; the names are not read.
                        if let found = ipLiteral(bytes, w) { commentIP = found; break }
                        continue
                    }
                    if readingForgedPhrase, !mayBeForged {
                        // (`previousEnd` is a word's end, inside the comment, when it is not -1.)
                        let oneSpace = previousEnd >= 0 && w.lowerBound == previousEnd + 1 && bytes[previousEnd] == ASCII.space
                        if forgedStep == .may, oneSpace, equalsCaseInsensitive(bytes, w, "be") {
                            forgedStep = .be
                        } else if forgedStep == .be, oneSpace, UnsafeBufferPointer(rebasing: bytes[w]).hasPrefixCaseInsensitive("forged") {
                            mayBeForged = true
                        } else {
                            forgedStep = w.count >= 3 && UnsafeBufferPointer(rebasing: bytes[(w.upperBound - 3)..<w.upperBound])
                                .hasPrefixCaseInsensitive("may") ? .may : .none
                        }
                        previousEnd = w.upperBound
                    }
                    if commentIP == nil, let found = ipLiteral(bytes, w) { commentIP = found; ipWordIndex = count }
                    if heloArgumentPending {
                        heloInComment = heloInComment ?? w  // qmail "(HELO name)"
                        heloArgumentPending = false
                    } else if let helo = Self.heloWord(bytes, w) {
                        // "helo" or "ehlo", any case: the name follows as the next word; "helo=name" (Exim)
                        if w.count == 4 { heloArgumentPending = true } else { heloInComment = heloInComment ?? helo }
                    } else if count == 0 {
                        firstMayNameHost = true
                    }
                    if count == 0 { firstWord = w }
                    count += 1
                }
                // (A lone "HELO" with no name after it would be judged as a first word, and never
                // names a host: no dot, no IP beside it.)
                // (The host name is read only when the comment holds an IP or one word: `hostName` is pure,
                // and reading it for every other comment, "(authenticated bits=0)", was wasted.)
                if firstMayNameHost, ipWordIndex != 0, reverseDNS == nil, !sawUnknown, let first = firstWord,
                   commentIP != nil || count == 1,
                   let name = hostName(bytes, first),
                   commentIP != nil || (UnsafeBufferPointer(rebasing: bytes[name]).contains(ASCII.dot)
                                        || equalsCaseInsensitive(bytes, name, "localhost"))
                {
                    if equalsCaseInsensitive(bytes, name, "unknown") { sawUnknown = true } else { reverseDNS = name }
                }
                if ip == nil { ip = commentIP }
            case .word:
                // fetchmail / Exim 3: "from NAME [IP] by ..."
                if ip == nil, let found = ipLiteral(bytes, item.range) { ip = found }
            }
        }

        /// For a word that is `helo` or `ehlo` in any case, the range after it (empty), or when it goes on
        /// with `=`, the range after the `=`; nil for any other word. The word's first four bytes in one
        /// load (the word lies within `bytes`), ASCII case folded by setting 0x20, which makes a lower-case
        /// letter only of a letter's two cases (byte by byte, the four tests of each comment word were
        /// 0.05M instructions more on the sisimai bsd mbox x3).
        @inline(__always)
        static func heloWord(_ bytes: UnsafeBufferPointer<UInt8>, _ w: Range<Int>) -> Range<Int>? {
            guard w.count >= 4, let base = UnsafeRawPointer(bytes.baseAddress) else { return nil }
            let four = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: w.lowerBound, as: UInt32.self)) | 0x2020_2020
            guard four == Keyword.pack("h", "e", "l", "o") || four == Keyword.pack("e", "h", "l", "o") else { return nil }
            if w.count == 4 { return w.upperBound..<w.upperBound }
            return bytes[w.lowerBound + 4] == ASCII.equals ? (w.lowerBound + 5)..<w.upperBound : nil
        }

        /// The clause read: HELO name, reverse-DNS name and IP told apart.
        func finish(in bytes: UnsafeBufferPointer<UInt8>) -> FromRanges {
            var ip = ip, reverseDNS = reverseDNS
            let helo: Range<Int>?
            if let heloInComment {
                // qmail and Exim put the reverse-DNS name (or the IP) first and the HELO name in a comment.
                helo = heloInComment
                if let wordIP = word.flatMap({ ipLiteral(bytes, $0) }) {
                    if ip == nil { ip = wordIP }
                } else if let word, !equalsCaseInsensitive(bytes, word, "unknown") {
                    reverseDNS = reverseDNS ?? word
                }
            } else {
                helo = word
                // The word is read as an IP only when no comment gave one (Postfix's `from HELO (RDNS
                // [IP])` has): it was read for every clause, 3,192 times on the sisimai bsd mbox x3.
                if ip == nil { ip = word.flatMap { ipLiteral(bytes, $0) } }
            }
            return FromRanges(helo: helo, reverseDNS: reverseDNS, ip: ip, mayBeForged: mayBeForged)
        }
    }

    /// An IP in any of the shapes Received fields use: `[192.0.2.1]`, `[IPv6:...]`, `192.0.2.1`,
    /// `[fe80::1%22]`, `[192.0.2.1]:2222`, `(192.0.2.1)` content; `range` an offset range into `bytes`.
    static func ipLiteral(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> IPAddress? {
        var end = range.upperBound
        while end > range.lowerBound, bytes[end - 1] == ASCII.comma || bytes[end - 1] == ASCII.semicolon { end -= 1 }
        guard end > range.lowerBound, end - range.lowerBound <= 64 else { return nil }
        let first = bytes[range.lowerBound]
        guard first == ASCII.openBracket || first == ASCII.colon || hexValue(first) != nil else { return nil }
        return IPAddress(bytes: UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<end]))
    }

    /// A reverse-DNS name from a comment's first word (`range`, an offset range into `bytes`):
    /// `IDENT:user@` and `user@` prefixes and a trailing dot removed; nil for things that are not host
    /// names (8-bit bytes allowed: IDNs in UTF-8).
    static func hostName(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        // One pass from the end: the name is what follows the last `@`, and each of its bytes must be
        // allowed (a search for the `@`, then a test of each byte by six comparisons, were ~335
        // instructions a name).
        var start = range.lowerBound
        // Most names hold no `@` and only allowed bytes: passed over eight bytes at a time from the front
        // (`hostNameBytes`), then one at a time; only a name that stops this reads from the end
        // (byte by byte ~278 instructions a name, 1,797 names of the sisimai bsd mbox x3: hostName
        // 0.50M -> 0.34M).
        var k = range.lowerBound
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while k + 8 <= range.upperBound, hostNameBytes(base.loadUnaligned(fromByteOffset: k, as: UInt64.self)) { k += 8 }
        }
        while k < range.upperBound, bytes[k] != ASCII.at, isHostNameByte(bytes[k]) { k += 1 }
        var i = k == range.upperBound ? range.lowerBound : range.upperBound
        while i > range.lowerBound {
            i -= 1
            let b = bytes[i]
            if b == ASCII.at { start = i + 1; break }
            guard isHostNameByte(b) else { return nil }
        }
        var end = range.upperBound
        if end > start, bytes[end - 1] == ASCII.dot { end -= 1 }
        guard end > start else { return nil }
        return start..<end
    }

    /// Whether every byte of the word is `isHostNameByte` (no `@` then): bytes of 0x80 and above
    /// marked apart, the others' ranges tested on their low seven bits, where a sum of at most 0x80
    /// carries into no neighbour (x + (0x80 - lo) has 0x80 set exactly when x >= lo).
    @inline(__always)
    static func hostNameBytes(_ word: UInt64) -> Bool {
        let low = word & 0x7F7F_7F7F_7F7F_7F7F
        let folded = low | ByteWord.broadcast(0x20)
        @inline(__always) func atLeast(_ x: UInt64, _ lo: UInt8) -> UInt64 { (x &+ ByteWord.broadcast(0x80 &- lo)) & ByteWord.highs }
        let letters = atLeast(folded, UInt8(ascii: "a")) & ~atLeast(folded, UInt8(ascii: "z") + 1)
        let digits = atLeast(low, ASCII.zero) & ~atLeast(low, ASCII.zero + 10)
        let marks = ByteWord.zeroBytes(word ^ ByteWord.broadcast(ASCII.dot)) | ByteWord.zeroBytes(word ^ ByteWord.broadcast(ASCII.hyphen))
            | ByteWord.zeroBytes(word ^ ByteWord.broadcast(UInt8(ascii: "_")))
        return (word & ByteWord.highs) | letters | digits | marks == ByteWord.highs
    }

    /// Letters, digits, `.`, `-`, `_` and 8-bit bytes; letters first, the usual.
    @inline(__always)
    static func isHostNameByte(_ b: UInt8) -> Bool {
        if (b | 0x20) &- UInt8(ascii: "a") < 26 { return true }  // setting 0x20 makes only letters letters
        return b &- ASCII.zero < 10 || b == ASCII.dot || b == ASCII.hyphen || b == UInt8(ascii: "_") || b >= 0x80
    }
}

/// Splits a Received value into words and comments, as offset ranges into its bytes (no copies, and no
/// reference counting per item), one at a time (no array of them).
struct ReceivedTokenizer {
    struct Item {
        enum Kind { case word, comment }
        var kind: Kind
        /// A word's bytes, or a comment's content between its outer parentheses (nested ones kept,
        /// unterminated: to the end).
        var range: Range<Int>
    }

    static let maxWordBytes = 255

    /// The bytes read: everything after `bytes.count` is out of reach.
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i: Int

    /// Reads `bytes` from offset `start`.
    init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) {
        self.bytes = bytes
        self.i = start
    }

    /// The next word or comment, or nil at the end.
    mutating func next() -> Item? {
        let end = bytes.count
        while i < end, ASCII.isWhitespaceOrNewline(bytes[i]) { i += 1 }
        guard i < end else { return nil }
        if bytes[i] == ASCII.openParen {
            let comment = Comment.scan(bytes, openingAt: i)
            i = comment.next
            return Item(kind: .comment, range: comment.content)
        }
        let start = i
        // White space and `(` end a word; all five bytes are at most `(` (0x28), as few others are:
        // the next byte at most 0x28 is found eight bytes a step (`ReceivedField.firstByte`), and
        // only it is tested. (Eight bytes without one were passed over at once, then the rest read
        // one at a time: ~4 bytes a word.) `bytes` is not empty here (`i < end`).
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while true {
                i = ReceivedField.firstByte(below: ASCII.openParen + 1, in: base, from: i, to: end)
                guard i < end else { break }
                let b = bytes[i]
                if ASCII.isWhitespaceOrNewline(b) || b == ASCII.openParen { break }
                i += 1
            }
        }
        return Item(kind: .word, range: start..<Swift.min(i, start + Self.maxWordBytes))
    }
}
