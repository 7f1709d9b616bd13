/// Parses address fields (From, To, Cc, Reply-To, Sender, Return-Path, ...) per RFC 5322 §3.4 and the
/// obsolete syntax of §4.4, plus the breakage real mail has.
///
/// Handled: name-addr and bare addr-spec; groups (`Friends: a@x, b@y;`, `undisclosed-recipients:;`,
/// members returned, group names dropped); nested comments; quoted display names and local parts;
/// obs-route (`<@a,@b:user@c>`, route dropped); UTF-8 everywhere (RFC 6532), other 8-bit bytes as
/// windows-1252; RFC 2047 display names (also inside quotes); `user@[192.0.2.1]`.
/// Junk recovery: missing angle brackets (`John Smith john@x`), an unclosed `<` (ends at the next comma),
/// stray `>`, `<<a@x>>`, a bare local part (`postmaster`), `a@b@c` (split at the last `@`), a trailing
/// comment taken as display name. A phrase alone (`From: Some Name`) gives no mailbox; an explicit `<>`
/// (`From: MAILER-DAEMON <>`, 53 times in backscatter-dev) gives one whose `isNull` is true.
///
/// Limits: O(n) time and tokens; no recursion, so 100k nested comments are fine.
public enum AddressParser {
    /// All mailboxes in an address-list field value (group members flattened, in order).
    public static func parseList(_ value: ByteSlice) -> [MailAddress] {
        parseItems(value)
    }

    /// The first mailbox in the value, or nil. The null reverse-path `<>` (Return-Path of a bounce)
    /// gives an address whose `isNull` is true.
    public static func parseSingle(_ value: ByteSlice) -> MailAddress? {
        let items = parseItems(value)
        return items.first(where: { !$0.localPart.isEmpty }) ?? items.first(where: \.isNull)
    }

    /// Every mailbox, including `<>` (null) ones; phrase-only items are dropped here.
    static func parseItems(_ value: ByteSlice) -> [MailAddress] {
        if let simple = simpleAddress(value) { return [simple] }
        return parseItemsByTokens(value)
    }

    /// `parseItems` without the fast path for the common shapes (the tests compare the two).
    /// - Parameter names: false to leave every display name nil (for callers that want addresses only).
    static func parseItemsByTokens(_ value: ByteSlice, names: Bool = true) -> [MailAddress] {
        let tokens = FieldTokenizer.tokenize(value)
        var results: [MailAddress] = []
        var current: [FieldToken] = []
        current.reserveCapacity(min(tokens.count, 256))
        var inAngle = false
        var angleTokenCount = 0
        var inRoute = false
        var currentHasAt = false  // kept, not searched, so a run of ":" stays O(n)

        func finish() {
            if let address = address(from: current, names: names) { results.append(address) }
            current.removeAll(keepingCapacity: true)
            inAngle = false
            inRoute = false
            currentHasAt = false
        }

        for token in tokens {
            switch token.kind {
            case .special(ASCII.lessThan):
                if inAngle { continue }  // "<<a@x>>"
                inAngle = true
                angleTokenCount = 0
                current.append(token)
            case .special(ASCII.greaterThan):
                if !inAngle { continue }  // stray ">"
                inAngle = false
                current.append(token)
            case .special(ASCII.comma), .special(ASCII.semicolon):
                if inAngle, inRoute {  // RFC 5322 §4.4 obs-route: "<@a,@b:user@c>"
                    current.append(token)
                    continue
                }
                finish()
            case .special(ASCII.colon):
                if inAngle {
                    inRoute = false
                    current.append(token)
                } else if !currentHasAt {
                    // RFC 5322 §3.4 group: "display-name:" starts the member list; the name is dropped.
                    current.removeAll(keepingCapacity: true)
                }
            case .special(ASCII.at):
                currentHasAt = true
                if inAngle && angleTokenCount == 0 { inRoute = true }
                if inAngle { angleTokenCount += 1 }
                current.append(token)
            case .space, .comment:
                current.append(token)
            default:
                if inAngle { angleTokenCount += 1 }
                current.append(token)
            }
        }
        finish()
        return results
    }

    /// The addr-specs (`MailAddress.address`) of every mailbox in an address-list value, in order, the
    /// null path `<>` left out: `parseList(value).filter { !$0.isNull }.map(\.address)` without the
    /// display names, which cost most of a field's reading and which a record of addresses never shows.
    package static func addressStrings(_ value: ByteSlice) -> [String] {
        if let address = shapedAddressString(value) { return [address] }
        if let items = unnamedShapeAddresses(value) { return items.addresses }
        var out: [String] = []
        for address in parseItemsByTokens(value, names: false) where !address.isNull { out.append(address.address) }
        return out
    }

    /// The first of `addressStrings(value)`: `parseList(value).first { !$0.isNull }?.address` without the
    /// display names, the whole list or its `MailAddress` records (the classifier reads the first
    /// address of X-Original-To, Delivered-To or To: sisimai bsd mbox x3, `parseList` and `address`
    /// 4.8M instructions over 1,818 values).
    package static func firstAddressString(_ value: ByteSlice) -> String? {
        if let address = shapedAddressString(value) { return address }
        if let items = unnamedShapeAddresses(value) { return items.addresses.first }
        for address in parseItemsByTokens(value, names: false) where !address.isNull { return address.address }
        return nil
    }

    /// `parseList(value).count`, `<>` included: one for a value of a shape `addressShape` knows (one
    /// mailbox), else the full parser's count without the display names (the classifier counts the
    /// returned original's recipients: sisimai bsd mbox x3, `parseList` 4.3M over 1,491 values).
    package static func addressCount(_ value: ByteSlice) -> Int {
        if addressShape(value) != nil { return 1 }
        if let items = unnamedShapeAddresses(value) { return items.count }
        return parseItemsByTokens(value, names: false).count
    }

    /// `firstAddressString(value)`, and whether the value was of a shape `addressShape` knows, where
    /// `singleAddressString(value)` is the same address: a caller that needs both (the scan's record and
    /// the observation read the returned original's first From) reads the value once.
    package static func firstAddressStringAndShape(_ value: ByteSlice) -> (address: String?, shaped: Bool) {
        if let address = shapedAddressString(value) { return (address, true) }
        if let items = unnamedShapeAddresses(value) { return (items.addresses.first, false) }
        for address in parseItemsByTokens(value, names: false) where !address.isNull { return (address.address, false) }
        return (nil, false)
    }

    /// `addressStrings(value)` and `addressCount(value)` from one reading of the value (the scan's
    /// record lists the returned original's To addresses, the observation counts them).
    package static func addressStringsAndCount(_ value: ByteSlice) -> (addresses: [String], count: Int) {
        if let address = shapedAddressString(value) { return ([address], 1) }
        if let items = unnamedShapeAddresses(value) { return items }
        let items = parseItemsByTokens(value, names: false)
        var out: [String] = []
        for address in items where !address.isNull { out.append(address.address) }
        return (out, items.count)
    }

    /// `parseSingle(value)?.address`, without reading a display name: the shapes `addressShape`
    /// knows are read in place (a quoted display name sends `parseSingle` to the
    /// tokeniser, ~12,000 instructions a field).
    /// Any other shape is read as `parseSingle` reads it, without the display names (`names: false`
    /// changes no address) and without `simpleAddress`, which reads only the shapes `addressShape`
    /// knows, just turned away.
    package static func singleAddressString(_ value: ByteSlice) -> String? {
        if let address = shapedAddressString(value) { return address }
        if let items = unnamedShapeAddresses(value) {
            // The first mailbox with a local part, else a null one (`<>`, the only item of a shape
            // `unnamedShapeAddresses` knows that gives no address), else none.
            return items.addresses.first ?? (items.count > 0 ? "" : nil)
        }
        let items = parseItemsByTokens(value, names: false)
        return (items.first(where: { !$0.localPart.isEmpty }) ?? items.first(where: \.isNull))?.address
    }

    /// The address of a value in one of the shapes `addressShape` knows, as `MailAddress.address`
    /// writes it; nil for any other shape.
    private static func shapedAddressString(_ value: ByteSlice) -> String? {
        // local, "@" and domain lie side by side in the value: one String, unless the local part
        // has to be quoted (its bytes are atext, so only for a dot at either end or two in a row:
        // `MailAddress.needsQuoting`, whose own pass cost ~240 instructions an address).
        // The shape's local part and domain are ASCII atext (`addrSpecShape` passes only atext, "."
        // and one "@"): made Strings unchecked (`UncheckedUTF8.asciiString`; bsd.mbox x3, 8,325 addresses:
        // shapedAddressString 5.25M -> 5.05M instructions).
        // The shape read in the same opening of the value's buffer as the String is made in (opened
        // twice, with a closure each: bsd.mbox x3, 7,566 values, shapedAddressString 4.70M -> 3.87M
        // instructions).
        return value.withUnsafeBufferPointer { buffer -> String? in
            guard let shape = addressShape(buffer), let p = buffer.baseAddress else { return nil }
            if !shape.localNeedsQuoting {
                return UncheckedUTF8.asciiString(UnsafeBufferPointer(start: p + shape.localStart, count: shape.domainEnd &- shape.localStart))
            }
            return MailAddress(localPart: UncheckedUTF8.asciiString(UnsafeBufferPointer(start: p + shape.localStart, count: shape.at &- shape.localStart)),
                               domain: UncheckedUTF8.asciiString(UnsafeBufferPointer(start: p + (shape.at &+ 1), count: shape.domainEnd &- shape.at &- 1))).address
        }
    }

    /// `addressStrings(value)` and `addressCount(value)` of a value in one of the shapes below, whose
    /// items the token parser reads without `@` or with several addresses, each as it is written; nil for
    /// any other shape. Read in place, without tokenising (these went to the tokeniser, ~5,000-10,000
    /// instructions a value: sisimai bsd mbox x3, 474 values, 430 of them of these shapes; the most
    /// frequent, in the notices' From and the originals' To, are listed).
    /// - a phrase (`addressShape`'s: atext, blanks, quoted strings without quoted-pairs) and `<>`, or
    ///   `<>` alone (`MAILER-DAEMON <>`, 183 values): one null mailbox, no address;
    /// - a phrase and `<local>`, the local part atext without `.` and `?` (`Mail Delivery Subsystem
    ///   <MAILER-DAEMON>`, 78): that local part (the parser reads it as a phrase, RFC 2047-decoded, which
    ///   changes no such bytes; it needs no quoting);
    /// - items apart by commas, each blank or of atext without `.` (`postmaster`, 42) or an addr-spec of
    ///   `addressShape`'s (`neko@example.jp, daemon@example.jp`, 45): one mailbox each, blank items none.
    /// The empty (or blank) value gives no mailbox.
    static func unnamedShapeAddresses(_ value: ByteSlice) -> (addresses: [String], count: Int)? {
        let classes = byteClasses
        return value.withUnsafeBufferPointer { buffer -> (addresses: [String], count: Int)? in
            guard let p = buffer.baseAddress else { return ([], 0) }
            var start = 0
            var end = buffer.count
            while start < end, ASCII.isWhitespaceOrNewline(p[start]) { start &+= 1 }
            while end > start, ASCII.isWhitespaceOrNewline(p[end &- 1]) { end &-= 1 }
            guard start < end else { return ([], 0) }
            if p[end &- 1] == ASCII.greaterThan {
                // The phrase, up to the first `<` outside quotes (any other byte: not this shape).
                var i = start
                while i < end {
                    let b = p[i]
                    if classes[Int(b)] & phrasePlain != 0 || b == UInt8(ascii: "?") { i &+= 1; continue }
                    if b == ASCII.lessThan { break }
                    guard b == ASCII.quote, let close = plainQuoteEnd(p, after: i, end: end) else { return nil }
                    i = close &+ 1
                }
                // `i < end`: the last byte, `>`, is none of those the loop goes on over.
                let localStart = i &+ 1, localEnd = end &- 1
                guard i < end, localStart <= localEnd else { return nil }
                if localStart == localEnd { return ([], 1) }   // `<>`
                for k in localStart..<localEnd where classes[Int(p[k])] & localPlain != localPlain { return nil }
                let local = UnsafeBufferPointer(start: p + localStart, count: localEnd &- localStart)
                return ([UncheckedUTF8.asciiString(local)], 1)   // atext, checked above
            }
            var addresses: [String] = []
            var itemStart = start
            while itemStart < end {
                var itemEnd = itemStart
                while itemEnd < end, p[itemEnd] != ASCII.comma { itemEnd &+= 1 }
                let next = itemEnd &+ 1
                var first = itemStart
                while first < itemEnd, ASCII.isWhitespaceOrNewline(p[first]) { first &+= 1 }
                while itemEnd > first, ASCII.isWhitespaceOrNewline(p[itemEnd &- 1]) { itemEnd &-= 1 }
                itemStart = next
                guard first < itemEnd else { continue }   // a blank item: no mailbox
                if let shape = addrSpecShape(p, first, itemEnd, classes) {
                    let spec = UnsafeBufferPointer(start: p + first, count: itemEnd &- first)
                    addresses.append(addressString(spec, shape, offset: first))
                    continue
                }
                for k in first..<itemEnd where classes[Int(p[k])] & specPlain == 0 { return nil }
                // atext, checked just above.
                addresses.append(UncheckedUTF8.asciiString(UnsafeBufferPointer(start: p + first, count: itemEnd &- first)))
            }
            return (addresses, addresses.count)
        }
    }

    /// `MailAddress.address` of the addr-spec `spec` of shape `shape`, whose offsets are `offset` more
    /// than `spec`'s (`shapedAddressString`'s reading).
    private static func addressString(_ spec: UnsafeBufferPointer<UInt8>, _ shape: AddressShape, offset: Int) -> String {
        if !shape.localNeedsQuoting { return String(decoding: spec, as: UTF8.self) }
        let at = shape.at &- offset
        return MailAddress(localPart: String(decoding: UnsafeBufferPointer(rebasing: spec[..<at]), as: UTF8.self),
                           domain: String(decoding: UnsafeBufferPointer(rebasing: spec[(at &+ 1)...]), as: UTF8.self)).address
    }

    /// The common shapes, `local@domain` and `Plain Name <local@domain>`, in ASCII atext only, read
    /// without tokenising (most From/To fields; the tokeniser's slices and filters cost ~5 µs a field).
    /// Nil for anything else (quotes, comments, encoded words, lists, groups, 8-bit bytes, junk), which
    /// the full parser reads; for the shapes it accepts, the result is the full parser's.
    static func simpleAddress(_ value: ByteSlice) -> MailAddress? {
        guard let shape = addressShape(value), let phraseEnd = shape.phraseEnd else { return nil }
        let base = value.startIndex
        let local = String(decoding: value[(base + shape.localStart)..<(base + shape.at)], as: UTF8.self)
        let domain = String(decoding: value[(base + shape.at + 1)..<(base + shape.domainEnd)], as: UTF8.self)
        var name: [UInt8] = []
        var pendingSpace = false
        for b in value[(base + shape.phraseStart)..<(base + phraseEnd)] {
            if b == ASCII.space || b == ASCII.tab {
                pendingSpace = !name.isEmpty
            } else {
                if pendingSpace { name.append(ASCII.space) }
                pendingSpace = false
                name.append(b)
            }
        }
        return MailAddress(displayName: name.isEmpty ? nil : String(decoding: name, as: UTF8.self), localPart: local, domain: domain)
    }

    /// Where an address of a known shape lies, in offsets from the value's first byte.
    struct AddressShape: Equatable {
        /// First byte of the local part.
        var localStart: Int
        /// The one "@" (the local part ends here, the domain begins after it).
        var at: Int
        /// Just past the domain.
        var domainEnd: Int
        /// Start of the phrase before `<` (where the trimmed value starts).
        var phraseStart: Int
        /// End of the phrase of a simple shape (`phraseStart` for a bare addr-spec); nil for the shapes
        /// whose display name needs the full parser (a quoted string or an encoded word in the phrase,
        /// a comment after the address).
        var phraseEnd: Int?
        /// Whether `MailAddress.needsQuoting` holds for the local part: atext with a dot at either end
        /// or two dots in a row.
        var localNeedsQuoting: Bool
    }

    /// Where the address lies in a value of one of the shapes whose address the token parser reads as it
    /// is written, local part and domain ASCII atext: the simple shapes `local@domain` and
    /// `Plain Name <local@domain>` (atext words and blanks, no encoded word), whose display name is read
    /// here too (`phraseEnd`), and, for the address alone, `"Quoted Name" <local@domain>` (quoted strings
    /// without quoted-pairs among the phrase's words, encoded words allowed) and `local@domain (Comment)`
    /// (one comment without nested parentheses or quoted-pairs). Nil for any other shape.
    ///
    /// One pass over the value's buffer finds both kinds (bsd.mbox x3: the former `simpleShape`,
    /// `addressOnlyShape` and `needsQuoting` cost 10.8M instructions over 10,068 values, indexing the
    /// slice with bounds checks and reading a value up to three times).
    static func addressShape(_ value: ByteSlice) -> AddressShape? {
        value.withUnsafeBufferPointer { addressShape($0) }
    }

    /// `addressShape` of a value's bytes.
    ///
    /// Sixteen bytes at a time, the bytes a phrase or an addr-spec stops at found by SSE2 compares and
    /// read one by one, was slower: ~75 instructions a block against ~6 a byte here, and the values
    /// are short (20-50 bytes) with a stop every few bytes in the domain (bsd.mbox x3, 7,566 values:
    /// 2.11M -> 2.99M instructions).
    @inline(__always)
    static func addressShape(_ buffer: UnsafeBufferPointer<UInt8>) -> AddressShape? {
        let classes = byteClasses
        guard let p = buffer.baseAddress else { return nil }
        var start = 0
        var end = buffer.count
        while start < end, ASCII.isWhitespaceOrNewline(p[start]) { start &+= 1 }
        while end > start, ASCII.isWhitespaceOrNewline(p[end &- 1]) { end &-= 1 }
        guard start < end else { return nil }
        let last = p[end &- 1]
        if last == ASCII.greaterThan {
            // The phrase: atext words and blanks (simple), or with quoted strings without
            // quoted-pairs and encoded words among them, up to the first `<` outside quotes. A
            // quote before the first `<` makes the shape not simple, so the first `<` outside
            // quotes is where either kind's phrase ends.
            var i = start
            var simple = true
            while i < end {
                let b = p[i]
                // atext (but "?") and blanks: the one look-up most bytes need.
                if classes[Int(b)] & phrasePlain != 0 { i &+= 1; continue }
                if b == ASCII.lessThan { break }
                if b == ASCII.quote {
                    simple = false
                    guard let close = plainQuoteEnd(p, after: i, end: end) else { return nil }
                    i = close &+ 1
                    continue
                }
                // Of the atext, only "?" is left: after "=" it opens an encoded word (RFC 2047 §2).
                // The byte before is the phrase's own (a quoted string ends in a quote).
                guard b == UInt8(ascii: "?") else { return nil }
                if i > start && p[i &- 1] == ASCII.equals { simple = false }
                i &+= 1
            }
            guard i < end, var shape = addrSpecShape(p, i &+ 1, end &- 1, classes) else { return nil }
            shape.phraseStart = start
            shape.phraseEnd = simple ? i : nil
            return shape
        }
        if last == ASCII.closeParen {
            // `local@domain (Comment)`: one comment without nested parentheses or quoted-pairs.
            var open = start
            while open < end, p[open] != ASCII.openParen { open &+= 1 }
            guard open < end else { return nil }
            var k = open &+ 1
            while k < end &- 1 {
                let b = p[k]
                if b == ASCII.openParen || b == ASCII.closeParen || b == ASCII.backslash { return nil }
                k &+= 1
            }
            var specEnd = open
            while specEnd > start, ASCII.isWhitespaceOrNewline(p[specEnd &- 1]) { specEnd &-= 1 }
            guard var shape = addrSpecShape(p, start, specEnd, classes) else { return nil }
            shape.phraseStart = start
            shape.phraseEnd = nil
            return shape
        }
        guard var shape = addrSpecShape(p, start, end, classes) else { return nil }
        shape.phraseStart = start
        shape.phraseEnd = start
        return shape
    }

    /// RFC 5322 §3.2.3 atext, and the dot of dot-atoms: a bit per byte in two 64-bit masks (bytes
    /// 0-63, 64-127), where a switch over the specials cost ~15 instructions a byte. The mask is chosen
    /// by a compare, not a branch (the address loops cost ~20 instructions a byte with two branches here).
    @inline(__always) static func isAtext(_ b: UInt8) -> Bool {
        let mask: UInt64 = b < 64 ? 0xA3FF_ECFA_0000_0000 : 0x7FFF_FFFF_C7FF_FFFE
        return b < 128 && (mask >> UInt64(b & 63)) & 1 != 0
    }

    /// `byteClasses` bit: atext but "?", or a blank (a byte a simple phrase goes on over).
    private static let phrasePlain: UInt8 = 1
    /// `byteClasses` bit: atext but "." (a byte an addr-spec goes on over).
    private static let specPlain: UInt8 = 2
    /// Both bits: atext but "?" and "." (a local part in brackets that reads alike as a phrase).
    private static let localPlain: UInt8 = phrasePlain | specPlain

    /// The two classes of each of the 256 byte values, one look-up a byte in the loops of
    /// `addressShape` (`isAtext`'s two masks, and the compares around it, cost ~7 instructions a byte
    /// more). Made once and never freed.
    nonisolated(unsafe) private static let byteClasses: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for value in 0..<256 {
            let b = UInt8(value)
            var classes: UInt8 = 0
            if (isAtext(b) && b != UInt8(ascii: "?")) || b == ASCII.space || b == ASCII.tab { classes |= phrasePlain }
            if isAtext(b) && b != ASCII.dot { classes |= specPlain }
            table[value] = classes
        }
        return UnsafePointer(table)
    }()

    /// Where the quoted string opened by the `"` at `open` closes (the index of its closing `"`), for
    /// the in-place readers: nil when it holds a backslash (a quoted-pair, RFC 5322 §3.2.4: left to the
    /// tokeniser) or does not close before `end`.
    @inline(__always)
    private static func plainQuoteEnd(_ p: UnsafePointer<UInt8>, after open: Int, end: Int) -> Int? {
        var k = open &+ 1
        while k < end, p[k] != ASCII.quote {
            if p[k] == ASCII.backslash { return nil }
            k &+= 1
        }
        return k < end ? k : nil
    }

    /// An addr-spec of atext, one "@", atext in `p[from..<to]` (offsets; `from...to` may be empty or
    /// reversed, giving nil): its local part and domain, phrase fields left for the caller.
    ///
    /// Only the bytes that are not atext, or are dots, are looked at again (two dots in a row are
    /// found by the byte before, not by keeping the previous byte on every step).
    @inline(__always)
    private static func addrSpecShape(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int,
                                      _ classes: UnsafePointer<UInt8>) -> AddressShape? {
        var at = -1
        var doubleDot = false
        var i = from
        while i < to {
            let b = p[i]
            if classes[Int(b)] & specPlain != 0 { i &+= 1; continue }   // atext but "."
            if b == ASCII.dot {
                if at < 0, i > from, p[i &- 1] == ASCII.dot { doubleDot = true }
            } else {
                guard b == ASCII.at, at < 0 else { return nil }
                at = i
            }
            i &+= 1
        }
        guard at > from, at &+ 1 < to else { return nil }
        let needsQuoting = doubleDot || p[from] == ASCII.dot || p[at &- 1] == ASCII.dot
        return AddressShape(localStart: from, at: at, domainEnd: to, phraseStart: from, phraseEnd: nil,
                            localNeedsQuoting: needsQuoting)
    }

    /// One mailbox from the tokens between separators.
    private static func address(from tokens: [FieldToken], names: Bool) -> MailAddress? {
        guard tokens.contains(where: { $0.kind != .space }) else { return nil }
        if let open = tokens.firstIndex(where: { $0.kind == .special(ASCII.lessThan) }) {
            let close = tokens[(open + 1)...].firstIndex(where: { $0.kind == .special(ASCII.greaterThan) })
                ?? tokens.endIndex
            var inner = tokens[(open + 1)..<close].filter { $0.kind != .space && $0.kind != .comment }
            // RFC 5322 §4.4 obs-route: drop "@a,@b:".
            if inner.first?.kind == .special(ASCII.at),
               let colon = inner.firstIndex(where: { $0.kind == .special(ASCII.colon) })
            {
                inner.removeSubrange(...colon)
            }
            var (local, domain) = splitAddrSpec(inner[...])
            if !inner.contains(where: { $0.kind == .special(ASCII.at) }) {
                // "<Undisclosed Recipients>" (sisimai): a phrase in brackets; keep its words apart.
                let words = tokens[(open + 1)..<close].filter { $0.kind != .comment }
                local = phraseText(words[...]).map { $0 } ?? local
                domain = ""
            }
            let after = close < tokens.endIndex ? tokens[(close + 1)...] : []
            let name = names ? phraseText(tokens[..<open]) ?? phraseText(after) ?? commentText(tokens[...]) : nil
            return MailAddress(displayName: name, localPart: local, domain: domain)
        }
        // No angle brackets: "local@domain (comment)", or "Name local@domain" (brackets missing).
        guard let at = tokens.lastIndex(where: { $0.kind == .special(ASCII.at) }) else {
            let words = tokens.filter(\.isWord)
            guard words.count == 1, let word = words.first else { return nil }  // a phrase alone: no mailbox
            return MailAddress(displayName: names ? commentText(tokens[...]) : nil, localPart: text(of: word), domain: "")
        }
        // The local part is the run of adjacent non-space tokens before the last "@" (it may hold
        // earlier "@"s: "a@b@c"); one space around the "@" is tolerated ("user @ example.com").
        var localStart = at
        var k = at - 1
        if k >= 0, tokens[k].kind == .space { k -= 1 }
        while k >= 0, tokens[k].kind != .space, tokens[k].kind != .comment {
            localStart = k
            k -= 1
        }
        var domainEnd = at + 1
        var d = at + 1
        if d < tokens.count, tokens[d].kind == .space { d += 1 }
        while d < tokens.count, tokens[d].kind == .atom || tokens[d].kind == .domainLiteral {
            d += 1
            domainEnd = d
        }
        let spec = tokens[localStart..<domainEnd].filter { $0.kind != .space }
        let (local, domain) = splitAddrSpec(spec[...])
        let name = names ? phraseText(tokens[..<localStart]) ?? commentText(tokens[...]) : nil
        return MailAddress(displayName: name, localPart: local, domain: domain)
    }

    /// Splits addr-spec tokens at the last "@": local part text and domain text.
    private static func splitAddrSpec(_ tokens: ArraySlice<FieldToken>) -> (String, String) {
        let spec = tokens.filter { $0.kind != .space && $0.kind != .comment }
        guard let at = spec.lastIndex(where: { $0.kind == .special(ASCII.at) }) else {
            return (join(spec[...]), "")
        }
        return (join(spec[..<at]), join(spec[(at + 1)...]))
    }

    private static func join(_ tokens: ArraySlice<FieldToken>) -> String {
        var bytes: [UInt8] = []
        for token in tokens { bytes.append(contentsOf: token.text) }
        return CharsetDecoder.utf8OrWindows1252(bytes[...])
    }

    private static func text(of token: FieldToken) -> String {
        CharsetDecoder.utf8OrWindows1252(token.text)
    }

    /// A display-name phrase (RFC 5322 §3.2.5): words joined by single spaces, comments dropped, then
    /// RFC 2047-decoded (encoded words inside quotes too, as mail readers do). Nil when empty.
    private static func phraseText(_ tokens: ArraySlice<FieldToken>) -> String? {
        var bytes: [UInt8] = []
        var pendingSpace = false
        for token in tokens {
            switch token.kind {
            case .space, .comment:
                pendingSpace = !bytes.isEmpty
            default:
                if pendingSpace { bytes.append(ASCII.space) }
                pendingSpace = false
                bytes.append(contentsOf: token.text)
            }
        }
        return decodedName(bytes[...])
    }

    /// The first non-empty comment, decoded, as a display name.
    private static func commentText(_ tokens: ArraySlice<FieldToken>) -> String? {
        for token in tokens where token.kind == .comment {
            if let name = decodedName(token.text) { return name }
        }
        return nil
    }

    private static func decodedName(_ bytes: ByteSlice) -> String? {
        let trimmed = bytes.trimmingWhitespace()
        if trimmed.isEmpty { return nil }
        let name = EncodedWords.decode(trimmed)
        let clean = name.trimmingSpaces()
        return clean.isEmpty ? nil : clean
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
