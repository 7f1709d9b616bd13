#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the MIME structure of a message in one pass over its bytes (RFC 2045, RFC 2046), in the manner of
/// Postfix's `mime_state.c`: bounded depth and part count, defects recorded, never a failure.
package struct MIMEParser {
    package let limits: ParsingLimits
    private var partCount = 0
    /// Whether multipart delimiters are found by searching the body (else by walking its lines, as
    /// for boundaries the search cannot take); the tests compare the two.
    var searchesDelimiters = true

    package init(limits: ParsingLimits) { self.limits = limits }

    /// `HeaderField.nameKey` of `content-`, the first eight bytes of Content-Type and
    /// Content-Transfer-Encoding (a literal: a `static let` computed from the string costs a `swift_once`
    /// check at each use; `HeaderFieldNameKeyTests` computes it again).
    static var contentKey: UInt64 { 0x2D74_6E65_746E_6F63 }

    /// The tree being made: its records so far, the root first, `nodeCount` reserved (a record is
    /// initialized when its part is parsed) of room for `nodeCapacity`.
    private var tree: MIMETree? = nil
    private var nodeCount = 0
    private var nodeCapacity = 0
    /// The bodies decoded to be parsed (`.encodedCompositeType`): buffers 1, 2, ... of the records.
    private var decoded: [ByteSlice] = []
    /// The body parts found in the multiparts being split, each multipart's above its parent's: a
    /// multipart's children are parsed once all its delimiters are found, into records reserved
    /// together (children contiguous), so their places wait here.
    private var pending = RangeStack()
    /// While a multipart is split: `pending`'s count past which its body parts are not kept (the part
    /// limit's room left, `ParsingLimits.maxParts`), and whether any were passed over. Splits do not
    /// nest (a multipart's children, and their splits, are read after its own split ends).
    private var pendingLimit = Int.max
    private var partsPassedOver = false

    /// Room for records a tree is made with (a bounce has four to six parts).
    static var initialNodeCapacity: Int { 8 }

    /// Parses `bytes` (a header section and a body) as an entity at `depth`: the root of a new tree.
    package mutating func parseEntity(_ bytes: ByteSlice, depth: Int, defaultType: ContentType) -> MIMEPart {
        parseEntity(bytes, depth: depth, default: .given(defaultType))
    }

    /// `parseEntity(_:depth:defaultType:)` with the default type as `DefaultContentType`: a message's
    /// own `.textPlain` (`ParsedMessage`), with no copy of the type made unless the root lacks a
    /// Content-Type field.
    mutating func parseEntity(_ bytes: ByteSlice, depth: Int, default defaultType: DefaultContentType) -> MIMEPart {
        tree = MIMETree.make(capacity: Self.initialNodeCapacity, message: bytes)
        nodeCount = 0
        nodeCapacity = Self.initialNodeCapacity
        decoded = []
        let root = reserveNodes(1)
        parseNode(bytes, buffer: 0, depth: depth, defaultType: defaultType, into: root)
        let made = tree.unsafelyUnwrapped
        made.head.pointee.count = nodeCount
        made.head.pointee.decoded = decoded
        tree = nil
        decoded = []
        return MIMEPart(tree: made, index: root)
    }

    /// The records of the tree being made.
    private var records: UnsafeMutablePointer<MIMETree.Node> {
        @inline(__always) get { tree.unsafelyUnwrapped.nodes }
    }

    /// Reserves `count` records after the others (uninitialized): the index of the first.
    @inline(__always)
    private mutating func reserveNodes(_ count: Int) -> Int {
        let first = nodeCount
        if first + count > nodeCapacity { growNodes(toHold: first + count) }
        nodeCount = first + count
        return first
    }

    /// Room for at least `needed` records: a tree twice as large, the records moved into it bitwise
    /// (Swift values are bitwise movable; a reserved record not yet initialized moves as bits no one
    /// reads). The old tree's header counts no record, so it destroys none.
    @inline(never)
    private mutating func growNodes(toHold needed: Int) {
        let old = tree.unsafelyUnwrapped
        let capacity = max(needed, nodeCapacity * 2)
        let grown = MIMETree.make(capacity: capacity, message: old.head.pointee.message)
        UnsafeMutableRawPointer(grown.nodes).copyMemory(from: old.nodes, byteCount: nodeCount * MemoryLayout<MIMETree.Node>.stride)
        tree = grown
        nodeCapacity = capacity
    }

    /// A record for a part reserved but not read (past the part limit), where records follow it.
    private static var unreadNode: MIMETree.Node {
        MIMETree.Node(headers: HeaderSection(), contentType: .textPlain, transferEncoding: "7bit", buffer: 0,
                      body: 0..<0, preamble: nil, epilogue: nil, defects: [], depth: 0, firstChild: 0, childCount: 0)
    }

    /// Parses `bytes`, which lie in buffer `buffer` (`MIMETree.Node.buffer`), as an entity at `depth`
    /// into the reserved record `slot`; its children go after the records there are.
    private mutating func parseNode(_ bytes: ByteSlice, buffer: Int, depth: Int, defaultType: DefaultContentType, into slot: Int) {
        partCount += 1
        let headers = HeaderSection.parse(bytes, limits: limits)
        let (contentType, transferEncoding, defects) = Self.contentFields(of: headers, defaultType: defaultType)
        let body = headers.bodyStart..<bytes.endIndex
        let composite = Self.isComposite(contentType)
        (records + slot).initialize(to: MIMETree.Node(headers: consume headers, contentType: contentType, transferEncoding: transferEncoding,
                                    buffer: buffer, body: body, preamble: nil, epilogue: nil, defects: defects,
                                    depth: depth, firstChild: 0, childCount: 0))
        if composite { parseComposite(slot, body: bytes[body], buffer: buffer) }
    }

    /// The rest of `parseNode` for a composite part, record `slot`: its children read.
    private mutating func parseComposite(_ slot: Int, body: ByteSlice, buffer: Int) {
        let depth = records[slot].depth
        if depth >= limits.maxNestingDepth {
            records[slot].defects.insert(.nestingTooDeep)
            return
        }
        if partCount >= limits.maxParts {
            records[slot].defects.insert(.tooManyParts)
            return
        }
        if MIMEPart.isName(records[slot].contentType.type, "multipart") {
            parseMultipart(slot, body: body, buffer: buffer)
            return
        }
        var inner = body
        var innerBuffer = buffer
        if let bytes = MIMEPart.decoded(body, transferEncoding: records[slot].transferEncoding) {
            records[slot].defects.insert(.encodedCompositeType)
            inner = bytes[...]
            decoded.append(inner)
            innerBuffer = decoded.count
        }
        let child = reserveNodes(1)
        if MIMEPart.isHeadersOnlyType(records[slot].contentType) {
            // RFC 6522 §4 text/rfc822-headers, RFC 6533 §6.3 message/global-headers: a header section only.
            partCount += 1
            var innerHeaders = HeaderSection.parse(inner, limits: limits)
            // A header section alone needs no blank line after it.
            innerHeaders.defects.remove(.truncatedHeaderSection)
            let innerBody = innerHeaders.bodyStart..<inner.endIndex
            (records + child).initialize(to: MIMETree.Node(
                headers: innerHeaders, contentType: .textPlain, transferEncoding: "7bit", buffer: innerBuffer,
                body: innerBody, preamble: nil, epilogue: nil, defects: [], depth: depth + 1, firstChild: 0, childCount: 0))
        } else {
            parseNode(inner, buffer: innerBuffer, depth: depth + 1, defaultType: .textPlain, into: child)
            // Text that has no header field at all is no message (stalwart eml/malformed/022): keep the
            // body, open no child (its record, with whatever followed it, dropped).
            if records[child].headers.fields.isEmpty {
                records[slot].defects.insert(.invalidEncapsulatedMessage)
                (records + child).deinitialize(count: nodeCount - child)
                nodeCount = child
                return
            }
        }
        records[slot].firstChild = child
        records[slot].childCount = 1
    }

    /// The content type (`defaultType` without a Content-Type field), the transfer encoding and the
    /// defects of a part's header section. A function of its own, the section a parameter: read in
    /// `parseEntity`, where the section is a local value consumed at the end, each read of its fields
    /// (the walk below, `contentType(of:at:defects:)`, `transferEncoding(of:at:)`) copied the whole
    /// section into a temporary first (bsd.mbox x3: 11,676 copies, ~2.2M instructions).
    @inline(never)
    private static func contentFields(of headers: HeaderSection, defaultType: DefaultContentType)
        -> (contentType: ContentType, transferEncoding: String, defects: MIMEDefects) {
        var defects: MIMEDefects = []
        // Two Content-Type fields are ambiguous (MIME-tools testmsgs/double-content-type.msg): the last one
        // is used, as stalwart-mail-parser does (eml/malformed/020, 021), and the ambiguity is recorded.
        // One walk for both fields; most parts have at most these two, so no array of matches is built.
        var contentTypeIndex: Int? = nil
        var contentTypeCount = 0
        var transferEncodingIndex: Int? = nil
        // Both names start `content-`: one compare of each field's key (`HeaderField.nameKey`) passes
        // over the others (most fields), the length and the rest of the name tell the two apart.
        // The records and the section's bytes read in place, their pointers taken out of
        // `withUnsafeRecords` (the storage they lie in is held by `headers`, held for the call): the two
        // values are read in the walk's place too (`contentType(_:at:of:bytes:limit:defects:)`,
        // `transferEncoding(inPlace:in:limit:)`), and inside its closure, with those calls, the
        // section's bytes were retained and released around it. Each read in a walk of its own
        // (`contentType(of:at:defects:)`, `transferEncoding(of:at:)`) fetched the record again and
        // retained and released the section's storage (bsd.mbox x3: 7,026 + 2,016 walks; contentFields
        // 7.89M -> 7.42M, Main.main 232.21M -> 231.74M). Read inside the closure, as a `var` it set, the
        // type's optional was copied and destroyed out of line (Main.main +1.0M).
        let (records, bytes) = headers.fields.withUnsafeRecords { ($0, $1) }
        for i in records.indices where records[i].key == Self.contentKey {
            let length = Int(records[i].nameCount)
            guard length == 12 || (length == 25 && transferEncodingIndex == nil),
                  Self.hasContentNameTail(records[i].name(in: bytes), length: length)
            else { continue }
            if length == 12 {
                contentTypeIndex = i
                contentTypeCount += 1
            } else {
                transferEncodingIndex = i
            }
        }
        let limit = headers.fields.maxFieldBytes
        if contentTypeCount > 1 { defects.insert(.duplicateContentType) }
        // Set once: a `var` holding the default until a field replaced it retained the default's three
        // references and released them again for each part with a Content-Type. The parsed type is
        // returned by `contentType(of:defects:)`, moved out of `parse`'s optional: taken from it by
        // `if let` here, it was copied and the optional destroyed (three retains and three releases a
        // part: bsd.mbox x3, `ParsedMessage.init` 42.74M -> 41.96M).
        let contentType: ContentType
        if let index = contentTypeIndex {
            contentType = Self.contentType(records[index], at: index, of: headers.fields, bytes: bytes, limit: limit, defects: &defects)
        } else {
            contentType = defaultType.contentType
        }
        var transferEncoding = "7bit"
        if let index = transferEncodingIndex {
            // A value not folded read in place, else unfolded first.
            let read = records[index].isFolded ? Self.transferEncoding(of: headers.fields, at: index)
                : Self.transferEncoding(inPlace: records[index], in: bytes, limit: limit)
            if let (name, isKnown) = read {
                transferEncoding = name
                if !isKnown { defects.insert(.unknownTransferEncoding) }
            }
        }
        return (contentType, transferEncoding, defects)
    }

    /// The content type the Content-Type field `fields[index]` gives (`contentType(of:defects:)` of its
    /// value, `contentTypeValue(of:at:)`): the one-field entry that `InPlaceFieldValueTests` holds to
    /// `ContentType.parse`, reading as `contentFields` does (`contentType(_:at:of:bytes:limit:defects:)`).
    static func contentType(of fields: HeaderSection.Fields, at index: Int, defects: inout MIMEDefects) -> ContentType {
        // Read inside `withUnsafeRecords` (a test's entry, off the hot path: no pointer leaves the closure).
        fields.withUnsafeRecords { records, bytes in
            contentType(records[index], at: index, of: fields, bytes: bytes, limit: fields.maxFieldBytes, defects: &defects)
        }
    }

    /// The content type of the Content-Type field `record`, `fields[index]`, whose section's bytes are
    /// `bytes`: read in place (`contentType(inPlace:in:limit:)`), else its value unfolded first. With the
    /// record and the bytes given, `contentFields` reads it in its walk's place: a walk of its own fetched
    /// the record again and retained the section's storage.
    @inline(__always)
    static func contentType(_ record: HeaderSection.FieldRecord, at index: Int, of fields: HeaderSection.Fields,
                            bytes: UnsafeBufferPointer<UInt8>, limit: Int, defects: inout MIMEDefects) -> ContentType {
        if let parsed = contentType(inPlace: record, in: bytes, limit: limit) { return contentType(parsed, defects: &defects) }
        return contentType(of: contentTypeValue(of: fields, at: index), defects: &defects)
    }

    /// What `ContentType.parse` gives for the unfolded value of the Content-Type field `record`, read
    /// where its raw value lies in `bytes` (the section's) within `limit` bytes (`maxFieldBytes`); nil
    /// when the value must be unfolded first (`contentTypeValue(of:at:)`). A common value
    /// (`ContentType.commonValue`, 3,804 of bsd.mbox x3's 6,300) that is not folded is looked up in
    /// place, where its value was made a slice (retained and released) and trimmed twice (bsd.mbox x3:
    /// `ParsedMessage.init` 40.17M -> 39.95M).
    @inline(__always)
    static func contentType(inPlace record: HeaderSection.FieldRecord, in bytes: UnsafeBufferPointer<UInt8>,
                            limit: Int) -> (ContentType, malformed: Bool)?? {
        let value = record.rawValue(in: bytes)
        guard value.count <= limit else { return nil }
        // Not folded (and within the limit), the unfolded value is the raw one trimmed, which
        // `commonValue` trims.
        if !record.isFolded, let common = ContentType.commonValue(value) { return .some((common, false)) }
        // A value not folded, or folded only between parameters (`foldsOnlyBetweenParameters`), is read
        // raw and trimmed, as `contentTypeValue` gives it: here in place, without the slice it made
        // (bsd.mbox x3: 2,241 values parsed in full, nearly all multipart types with a boundary).
        guard !record.isFolded || Self.foldsOnlyBetweenParameters(value) else { return nil }
        let (start, end) = value.trimmedBounds
        return .some(ContentType.parseInFull(UnsafeBufferPointer(rebasing: value[start..<end])))
    }

    /// The content type a Content-Type `value` gives (`ContentType.parse`), the defects of a malformed
    /// one noted in `defects`. Read by `parseInFull`, without `parse`'s table of common values: an
    /// unfolded value was looked up there in place already, and a folded one (its line ends read raw,
    /// or unfolded with the blank the fold leaves) is hardly ever one; the two give the same type
    /// (`ContentTypeCommonValueTests`). (bsd.mbox x3: 2,496 lookups, 0.20M.)
    private static func contentType(of value: ByteSlice, defects: inout MIMEDefects) -> ContentType {
        contentType(ContentType.parseInFull(value), defects: &defects)
    }

    /// The content type `parseInFull` read (`parsed`), the defects of a malformed one noted in `defects`.
    @inline(__always)
    private static func contentType(_ parsed: (ContentType, malformed: Bool)?, defects: inout MIMEDefects) -> ContentType {
        guard let (parsed, malformed) = parsed else {
            defects.insert(.malformedContentType)
            return .textPlain
        }
        if malformed { defects.insert(.malformedParameters) }
        return parsed
    }

    /// Whether a part of `contentType` has children to read: a multipart, or a type that carries a
    /// message or a header section (`MIMEPart.isEncapsulatingType`), told apart first by the lengths
    /// of the names (`text` 4 with `rfc822-headers` 14, `message` 7 with 6 or 14, `multipart` 9): most parts are
    /// leaves (text/plain) that the call to `isEncapsulatingType` and its compares answered.
    @inline(__always)
    static func isComposite(_ contentType: ContentType) -> Bool {
        switch contentType.type.utf8.count {
        case 4: return contentType.subtype.utf8.count == 14 && MIMEPart.isEncapsulatingType(contentType)
        // `message/` with a subtype of 6 (`rfc822`, `global`) or 14 (`global-headers`, `rfc822-headers`)
        // bytes: `delivery-status` and `disposition-notification` were answered by the compares (bsd.mbox
        // x3, 2,232 calls: `Main.main` -0.07M).
        case 7:
            let subtype = contentType.subtype.utf8.count
            return (subtype == 6 || subtype == 14) && MIMEPart.isEncapsulatingType(contentType)
        case 9: return MIMEPart.isName(contentType.type, "multipart")
        default: return false
        }
    }

    /// Whether a field whose name's first eight bytes are `content-` in any case (its key is
    /// `contentKey`) is Content-Type (`length` 12) or Content-Transfer-Encoding (`length` 25), `name`
    /// being the name's bytes (`HeaderSection.FieldRecord.name(in:)`): the bytes after `content-`
    /// compared as lower-cased words (`ByteWord.lowercased`), where `equalsCaseInsensitive` compared
    /// every byte of the name one by one (bsd.mbox x3, 10,383 fields).
    @inline(__always)
    static func hasContentNameTail(_ name: UnsafeBufferPointer<UInt8>, length: Int) -> Bool {
        guard let base = name.baseAddress, length <= name.count else { return false }
        let raw = UnsafeRawPointer(base)
        if length == 12 {
            let tail = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            return ByteWord.lowercased(tail) == 0x6570_7974   // "type"
        }
        guard length == 25 else { return false }
        // "transfer", "-encodin" and "encoding": bytes 8 to 24, the last two words overlapping.
        func word(_ offset: Int) -> UInt64 {
            ByteWord.lowercased(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
        return word(8) == 0x7265_6673_6E61_7274 && word(16) == 0x6E69_646F_636E_652D
            && word(17) == 0x676E_6964_6F63_6E65
    }

    /// The Content-Type value of `fields[index]` for `ContentType.parse`: the raw value, trimmed, when
    /// its folds read the same unfolded (`foldsOnlyBetweenParameters`), else its unfolded value.
    /// Most folded Content-Type values fold after a `;` (`multipart/report; report-type=...;` then
    /// `boundary=...` on the next line), where the parser skips a line end as it skips the blank that
    /// unfolding leaves: unfolding them copied the value into an array of its own (bsd.mbox x3, 1,275 of
    /// the 1,395 folded values read raw: `ParsedMessage.init` 41.24M -> 40.96M).
    private static func contentTypeValue(of fields: HeaderSection.Fields, at index: Int) -> ByteSlice {
        let record = fields.record(at: index)
        let raw = fields.rawValue(record)
        let isFolded = record.isFolded, limit = fields.maxFieldBytes
        // Within the limit, the raw value is the unfolded one's bytes plus line ends.
        let readsSameRaw = isFolded && raw.count <= limit && raw.withUnsafeBufferPointer { Self.foldsOnlyBetweenParameters($0) }
        return HeaderField.unfoldedValue(of: raw, isFolded: isFolded && !readsSameRaw, maxUnfoldedBytes: limit)
    }

    /// Whether every line end (CR or LF) of the Content-Type value `raw` follows a `;` with at most
    /// spaces and tabs (and other line ends) between, and comes before any `"`, `(` or `\`: there
    /// `ContentType.parse` and `HeaderParameters.parse` skip it as white space, so the raw value gives
    /// what the unfolded one gives (`ContentTypeFoldTests` holds the two to each other). A line end
    /// anywhere else (in a token, a quoted string or a comment) would be read differently.
    /// Line ends found by memchr, and the three bytes looked for before the last one only: a switch on
    /// every byte cost ~990 instructions a value (bsd.mbox x3, 1,020 values).
    static func foldsOnlyBetweenParameters(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = raw.baseAddress else { return true }
        let count = raw.count
        /// The offset of `byte`'s first place in `from ..< end`, or `end`.
        func find(_ byte: UInt8, from: Int, to end: Int) -> Int {
            memchr(base + from, Int32(byte), end - from).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? end
        }
        var from = 0
        var lastLineEnd = 0
        while from < count {
            let lineFeed = find(ASCII.lineFeed, from: from, to: count)
            let lineEnd = lineFeed > from ? find(ASCII.carriageReturn, from: from, to: lineFeed) : lineFeed
            guard lineEnd < count else { break }
            var k = lineEnd - 1
            while k >= 0, ASCII.isWhitespaceOrNewline(base[k]) { k -= 1 }
            guard k >= 0, base[k] == ASCII.semicolon else { return false }
            lastLineEnd = lineEnd
            from = lineEnd + 1
            while from < count, base[from] == ASCII.carriageReturn || base[from] == ASCII.lineFeed { from += 1 }
        }
        return find(ASCII.quote, from: 0, to: lastLineEnd) == lastLineEnd
            && find(ASCII.openParen, from: 0, to: lastLineEnd) == lastLineEnd
            && find(ASCII.backslash, from: 0, to: lastLineEnd) == lastLineEnd
    }

    /// The mechanism the Content-Transfer-Encoding field `fields[index]` names: the first token of its
    /// unfolded value (`HeaderField.unfoldedValue`), up to a blank, line end, `;` or `(`, as the literal
    /// `knownTransferEncoding` gives (`isKnown`), else lower-cased; nil when there is none. An unfolded
    /// value (nearly all) is read in place in the field's bytes, the token found and compared there:
    /// unfolding the value to a slice, cutting the token by `prefix` and comparing it byte by byte with
    /// each name cost ~330 instructions a field (bsd.mbox x3, 1,671 fields: `ParsedMessage.init` 40.34M
    /// -> 40.17M).
    static func transferEncoding(of fields: HeaderSection.Fields, at index: Int) -> (name: String, isKnown: Bool)? {
        // The record and the limit read before the closure, which then captures no copy of `fields`.
        let record = fields.record(at: index), limit = fields.maxFieldBytes
        guard !record.isFolded else {
            let value = HeaderField.unfoldedValue(of: fields.rawValue(record), isFolded: true, maxUnfoldedBytes: limit)
            return value.withUnsafeBufferPointer { Self.transferEncoding(token: $0, from: 0, limit: $0.count) }
        }
        return fields.withUnsafeRecords { _, bytes in Self.transferEncoding(inPlace: record, in: bytes, limit: limit) }
    }

    /// `transferEncoding(of:at:)` of the Content-Transfer-Encoding field `record`, not folded, read where
    /// its raw value lies in `bytes` (the section's) within `limit` bytes (`maxFieldBytes`).
    @inline(__always)
    static func transferEncoding(inPlace record: HeaderSection.FieldRecord, in bytes: UnsafeBufferPointer<UInt8>,
                                 limit: Int) -> (name: String, isKnown: Bool)? {
        // The raw value's leading blanks and line ends are trimmed, and the token ends before any
        // trailing ones, so only the limit on the unfolded value's length is left to apply.
        let value = record.rawValue(in: bytes)
        var start = 0
        while start < value.count, ASCII.isWhitespaceOrNewline(value[start]) { start &+= 1 }
        return Self.transferEncoding(token: value, from: start, limit: max(0, limit))
    }

    /// `transferEncoding(of:at:)` of the token that starts at `start` in `bytes` (at most `limit` bytes).
    @inline(__always)
    private static func transferEncoding(token bytes: UnsafeBufferPointer<UInt8>, from start: Int,
                                          limit: Int) -> (name: String, isKnown: Bool)? {
        let cap = start + min(limit, bytes.count - start)
        var stop = start
        while stop < cap {
            let byte = bytes[stop]
            if ASCII.isWhitespaceOrNewline(byte) || byte == ASCII.semicolon || byte == ASCII.openParen { break }
            stop &+= 1
        }
        guard stop > start else { return nil }
        let token = UnsafeBufferPointer(rebasing: bytes[start..<stop])
        // A known mechanism is its literal; any other token (none lower-cases to a known one:
        // `knownTransferEncoding` compares in any case) is unknown. A `switch` on the String compared it
        // with the five names (`_stringCompareWithSmolCheck`).
        if let known = knownTransferEncoding(token) { return (known, true) }
        return (ASCII.lowercasedString(token), false)
    }

    /// The RFC 2045 §6.1 mechanism `token` names in any case, as a literal (`quoted-printable` is too
    /// long for a small String: lower-casing it allocated a String a part), or nil for any other token.
    static func knownTransferEncoding(_ token: ByteSlice) -> String? {
        token.withUnsafeBufferPointer { knownTransferEncoding($0) }
    }

    /// `knownTransferEncoding(_:)` of `token`'s bytes, compared as lower-cased words
    /// (`ByteWord.lowercased`: only `A`...`Z` change), not byte by byte.
    @inline(__always)
    static func knownTransferEncoding(_ token: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = token.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        switch token.count {
        case 4:
            let word = ByteWord.lowercased(UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self))))
            if word == 0x7469_6237 { return "7bit" }
            if word == 0x7469_6238 { return "8bit" }
        case 6:
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self)))
            let word = ByteWord.lowercased(low | high &<< 32)
            if word == 0x3436_6573_6162 { return "base64" }
            if word == 0x7972_616E_6962 { return "binary" }
        case 16:
            let first = ByteWord.lowercased(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)))
            let second = ByteWord.lowercased(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            if first == 0x702D_6465_746F_7571 && second == 0x656C_6261_746E_6972 { return "quoted-printable" }
        default:
            break
        }
        return nil
    }

    /// Splits a multipart body at its delimiters (RFC 2046 §5.1.1): a delimiter is a line that starts with
    /// `--boundary` followed by nothing but white space (`--boundary--` closes); the line end before it
    /// belongs to the delimiter.
    private mutating func parseMultipart(_ slot: Int, body: ByteSlice, buffer: Int) {
        guard let boundaryString = records[slot].contentType.boundary, !boundaryString.isEmpty else {
            records[slot].defects.insert(.missingBoundaryParameter)
            return
        }
        // The boundary's bytes are read in place in its String, the two hyphens before it tested apart: a
        // `--boundary` array made for each multipart cost ~300 instructions (its room, the two hyphens and
        // the boundary appended) and a release.
        var boundaryText = boundaryString
        boundaryText.withUTF8 { boundary in
            splitMultipart(slot, body: body, buffer: buffer, boundary: boundary)
        }
    }

    /// `parseMultipart` once the boundary is known: `boundary`, not empty, is its bytes (without the
    /// delimiter's leading `--`).
    private mutating func splitMultipart(_ slot: Int, body: ByteSlice, buffer: Int, boundary: UnsafeBufferPointer<UInt8>) {
        let delimiterCount = boundary.count + 2
        let childDefault: DefaultContentType = MIMEPart.isName(records[slot].contentType.subtype, "digest") ? .messageRFC822 : .textPlain
        var currentStart: Int? = nil         // start of the current body part, after its delimiter line
        var sawDelimiter = false
        var closed = false
        // The body parts' places go on `pending` from here, parsed by `finishMultipart`.
        let base = pending.count
        // A body part past the part limit is never read (`finishMultipart`: each part read counts one
        // or more), so its place is not kept: a hostile multipart of a million delimiters reserves no
        // more records than the limit lets be read.
        pendingLimit = base + max(0, limits.maxParts - partCount)
        partsPassedOver = false

        // A delimiter line starts with `--boundary`: the body is searched for that string (a shift
        // search, `firstLineStart`) rather than walked line by line, and a hit counts where a line starts
        // (after LF, CR or CRLF, as `LineScanner` cuts lines). A boundary that holds a line end (decoded
        // from an RFC 2047 word) can never match inside a line: the line walk reads it. So does a
        // boundary longer than RFC 2046 §5.1.1's 70 bytes allows by far, which would make the search
        // O(n·m) on hostile input.
        if searchesDelimiters, boundary.count <= 256, !Self.holdsLineEnd(boundary) {
            // The shift table, made once for all the multipart's searches, on the stack.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { table in
                Self.fillDelimiterShifts(table, boundary: boundary)
                // The last byte's shift kept apart and its entry made 0 (`firstLineStart(ofDelimiterOf:stoppingShifts:lastShift:in:from:)`).
                let lastShift = Self.makeStoppingShifts(table, boundary: boundary)
                let shifts = UnsafeBufferPointer(table)
                // The body's bytes read in place for all the searches and the delimiter lines: offsets
                // from its start (`origin`), made indices for the places kept. (Each search opened the
                // body itself, ~21 instructions, and each delimiter line was read through the slice's
                // checked subscript: bsd.mbox x3, 5,922 searches, 5,748 delimiter lines, ~0.1M.)
                let origin = body.startIndex
                body.withUnsafeBufferPointer { hay in
                    let end = hay.count
                    var from = 0
                    while let at = Self.firstLineStart(ofDelimiterOf: boundary, stoppingShifts: shifts, lastShift: lastShift,
                                                       in: hay, from: from) {
                        // The line's content ends at its first CR or LF; the previous line's content ends
                        // before the line end that precedes the hit.
                        var contentEnd = at &+ delimiterCount
                        while contentEnd < end, hay[contentEnd] != ASCII.carriageReturn,
                              hay[contentEnd] != ASCII.lineFeed { contentEnd &+= 1 }
                        var lineEnd = contentEnd
                        if lineEnd < end {
                            lineEnd &+= hay[lineEnd] == ASCII.carriageReturn && lineEnd &+ 1 < end
                                && hay[lineEnd &+ 1] == ASCII.lineFeed ? 2 : 1
                        }
                        var partEnd = at
                        if at > 0 {
                            partEnd = at &- 1
                            if hay[partEnd] == ASCII.lineFeed, partEnd > 0, hay[partEnd &- 1] == ASCII.carriageReturn { partEnd &-= 1 }
                        }
                        let k = at &+ delimiterCount
                        let isClose = k &+ 1 < contentEnd && hay[k] == ASCII.hyphen && hay[k &+ 1] == ASCII.hyphen
                        endPart(before: origin &+ at, contentEnd: origin &+ partEnd, start: currentStart, of: slot, body: body)
                        sawDelimiter = true
                        if isClose {
                            closed = true
                            records[slot].epilogue = (origin &+ lineEnd)..<body.endIndex
                            break
                        }
                        currentStart = origin &+ lineEnd
                        from = lineEnd
                    }
                }
            }
            finishMultipart(slot, body: body, buffer: buffer, pendingFrom: base, currentStart: currentStart,
                            sawDelimiter: sawDelimiter, closed: closed, childDefault: childDefault)
            return
        }

        var scanner = LineScanner(body)
        var previousContentEnd: Int? = nil   // end of the previous line's content (before its line end)
        while let line = scanner.next() {
            defer { previousContentEnd = line.content.upperBound }
            let content = line.content
            guard content.count >= boundary.count + 2,
                  body[content.lowerBound] == ASCII.hyphen, body[content.lowerBound + 1] == ASCII.hyphen
            else { continue }
            var matches = true
            var k = content.lowerBound + 2
            for b in boundary {
                if body[k] != b { matches = false; break }
                k += 1
            }
            guard matches else { continue }
            // RFC 2046 §5.1.1, note to implementors: "it is sufficient that the boundary appear in its
            // entirety following the CRLF" — what follows `--boundary` does not matter, except that `--`
            // makes it the close delimiter. Enclosing boundaries win because the enclosing multipart was
            // split first: its delimiters never reach this body.
            let isClose = k + 1 < content.upperBound && body[k] == ASCII.hyphen && body[k + 1] == ASCII.hyphen
            let partEnd = previousContentEnd ?? content.lowerBound
            endPart(before: content.lowerBound, contentEnd: partEnd, start: currentStart, of: slot, body: body)
            sawDelimiter = true
            if isClose {
                closed = true
                records[slot].epilogue = line.end..<body.endIndex
                break
            }
            currentStart = line.end
        }
        finishMultipart(slot, body: body, buffer: buffer, pendingFrom: base, currentStart: currentStart,
                        sawDelimiter: sawDelimiter, closed: closed, childDefault: childDefault)
    }

    /// What a delimiter line at `delimiter` ends: the body part that began at `start` (its place put on
    /// `pending`), or, before the first delimiter, the preamble of the multipart `slot`. The part's
    /// content ends at `contentEnd`, before the line end that precedes the delimiter (RFC 2046
    /// §5.1.1: that line end belongs to the delimiter).
    private mutating func endPart(before delimiter: Int, contentEnd: Int, start: Int?, of slot: Int, body: ByteSlice) {
        guard let start else {
            records[slot].preamble = body.startIndex..<max(body.startIndex, min(contentEnd, delimiter))
            return
        }
        guard pending.count < pendingLimit else {
            partsPassedOver = true
            return
        }
        pending.append(start..<max(start, min(contentEnd, delimiter)))
    }

    /// Whether `boundary` holds a CR or an LF, by memchr: `contains` twice on the boundary walked it
    /// byte by byte, each test a compare and a branch a byte (bsd.mbox x3, 1,683 boundaries:
    /// the two loops 0.64M instructions; `parseMultipart` with its children 33.77M -> 33.25M).
    static func holdsLineEnd(_ boundary: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = boundary.baseAddress else { return false }
        return memchr(base, Int32(ASCII.carriageReturn), boundary.count) != nil
            || memchr(base, Int32(ASCII.lineFeed), boundary.count) != nil
    }

    /// Fills `shifts` (256 entries) with the shift search's table for the delimiter `--boundary`: for each
    /// byte, how far a window of the delimiter's length may move on when that byte lies under its last
    /// place: the distance from the byte's last place in the delimiter (its last byte left out) to the
    /// delimiter's end, or the delimiter's whole length for a byte not in it; never more than 255, never
    /// less than one (Horspool 1980, "Practical fast searching in strings").
    static func fillDelimiterShifts(_ shifts: UnsafeMutableBufferPointer<UInt8>, boundary: UnsafeBufferPointer<UInt8>) {
        guard let table = shifts.baseAddress, shifts.count >= 256 else { return }
        let length = boundary.count + 2
        // memset: the table's 256 bytes set one by one cost ~260 instructions a multipart.
        memset(table, Int32(min(length, 255)), 256)
        // Each byte's last place is the one that counts: the second hyphen, then the boundary's bytes
        // in order (the delimiter's byte k moves the window length - 1 - k).
        table[Int(ASCII.hyphen)] = UInt8(min(length - 2, 255))
        guard let bytes = boundary.baseAddress else { return }
        let last = boundary.count - 1   // the delimiter's last byte is left out
        var k = 0
        // A shift past 255 (a boundary longer than 253 bytes) is cut to 255, then one less a byte.
        while k < last, length - 3 - k > 255 {
            table[Int(bytes[k])] = 255
            k += 1
        }
        var shift = UInt8(truncatingIfNeeded: length - 3 - k)
        // Four bytes a step (the loop's test and counts once for four): a boundary has ~36 bytes, at
        // 6 instructions a byte one by one, ~4.25 so (bsd.mbox x3, 60,510 bytes: the table 0.47M -> 0.39M).
        while k &+ 4 <= last {
            table[Int(bytes[k])] = shift
            table[Int(bytes[k &+ 1])] = shift &- 1
            table[Int(bytes[k &+ 2])] = shift &- 2
            table[Int(bytes[k &+ 3])] = shift &- 3
            shift &-= 4
            k &+= 4
        }
        while k < last {
            table[Int(bytes[k])] = shift
            shift &-= 1
            k &+= 1
        }
    }

    /// The first place at or after `from` where the delimiter `--boundary` starts a line of `body` (at
    /// the body's start, or after a CR or LF), by a shift search (`fillDelimiterShifts`, Horspool): a
    /// window of the delimiter's length is tested by the body byte under its last place, and moved on
    /// by that byte's shift; where it is the delimiter's last byte, the line start is checked, then the
    /// two hyphens and the boundary compared. No place where the delimiter starts is passed over: a
    /// shift never moves the window past the byte's last place in the delimiter.
    /// memchr for the delimiter's rarest byte before (by a table of how common each byte is in
    /// bodies) stopped ~8 times a search, at ~63 instructions a stop with the call; the windows move
    /// ~28 bytes a step here, at ~8 instructions a step (sisimai bsd.mbox x3, 5,922 searches of 6.9 MB:
    /// 46,971 memchr stops, ~242K steps; `splitMultipart` with its search and table 4.70M -> 3.48M).
    /// The windows are moved by `firstLineStart(ofDelimiterOf:stoppingShifts:lastShift:in:from:)`, on a
    /// copy of `shifts` made to stop on the last byte; the parser makes its table that way once a multipart.
    static func firstLineStart(ofDelimiterOf boundary: UnsafeBufferPointer<UInt8>, shifts: UnsafeBufferPointer<UInt8>,
                               in body: ByteSlice, from: Int) -> Int? {
        guard shifts.count >= 256, !boundary.isEmpty else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { table -> Int? in
            _ = table.initialize(from: shifts.prefix(256))
            let lastShift = makeStoppingShifts(table, boundary: boundary)
            return firstLineStart(ofDelimiterOf: boundary, stoppingShifts: UnsafeBufferPointer(table), lastShift: lastShift,
                                  in: body, from: from)
        }
    }

    /// Makes the shift table `shifts` (`fillDelimiterShifts`) of `--boundary` one that stops on the
    /// delimiter's last byte (its entry 0), for `firstLineStart(ofDelimiterOf:stoppingShifts:lastShift:in:from:)`:
    /// the entry it had, the shift past a window that ends in that byte but is no delimiter.
    static func makeStoppingShifts(_ shifts: UnsafeMutableBufferPointer<UInt8>, boundary: UnsafeBufferPointer<UInt8>) -> Int {
        guard let last = boundary.last, shifts.count >= 256 else { return 1 }
        let lastShift = Int(shifts[Int(last)])
        shifts[Int(last)] = 0
        return lastShift
    }

    /// `firstLineStart(ofDelimiterOf:shifts:in:from:)` by a table whose entry for the delimiter's last
    /// byte is 0 (`makeStoppingShifts`; that entry's shift is `lastShift`), over the body's bytes `hay`:
    /// the offset in `hay` of the first place at or after offset `from`, or nil.
    /// The windows move without a test of the byte, three steps at a time (Hume and Sunday 1991, "Fast
    /// string searching", the "tuned" skip loop): a window that ends in the last byte adds 0 and stays,
    /// and is tested once the three steps are made. The windows are the shift search's, in the same
    /// order, so the first that holds the delimiter at a line start is the same. The loop tested each
    /// byte against the last one and the window's place against the end at each step, 8 instructions a
    /// step, where this takes ~4.3 (bsd.mbox x3, ~234K steps; Main.main 247.27M -> 246.68M). Six steps
    /// a round made more steps past the window that ends in the last byte than it saved (the loop's
    /// 0.90M as before).
    @inline(__always)
    static func firstLineStart(ofDelimiterOf boundary: UnsafeBufferPointer<UInt8>, stoppingShifts shifts: UnsafeBufferPointer<UInt8>,
                               lastShift: Int, in hay: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = hay.baseAddress, let first = boundary.baseAddress, let shift = shifts.baseAddress,
              shifts.count >= 256, !boundary.isEmpty else { return nil }
        let m = boundary.count
        let lastByte = first[m &- 1]
        // The delimiter can start at 0...last, its last byte then at at + m + 1, inside the buffer.
        let last = hay.count - (m + 2)
        // `probe[at]`: the byte under the window's last place.
        let probe = base + (m &+ 1)
        var at = max(0, from)
        // A step moves at most `maxShift` (the delimiter's length, 255 at most): from at or before
        // `fastLast`, the three windows a round reads lie at or before `last`.
        let maxShift = min(m + 2, 255)
        let fastLast = last - 2 * maxShift
        // Invariant: at <= last + 255, so the wrapping adds never wrap.
        while true {
            while at <= fastLast {
                at &+= Int(shift[Int(probe[at])])
                at &+= Int(shift[Int(probe[at])])
                let third = shift[Int(probe[at])]
                at &+= Int(third)
                if third == 0 { break }
            }
            // A window past `fastLast` (or one that ends in the last byte) is tested one by one.
            guard at <= last else { return nil }
            if probe[at] == lastByte {
                if at == 0 || base[at &- 1] == ASCII.lineFeed || base[at &- 1] == ASCII.carriageReturn,
                   base[at] == ASCII.hyphen, base[at &+ 1] == ASCII.hyphen, memcmp(base + (at &+ 2), first, m) == 0 {
                    return at
                }
                at &+= lastShift
            } else {
                at &+= Int(shift[Int(probe[at])])
            }
        }
    }

    /// `firstLineStart(ofDelimiterOf:stoppingShifts:lastShift:in:from:)` over `body`: an index of it.
    static func firstLineStart(ofDelimiterOf boundary: UnsafeBufferPointer<UInt8>, stoppingShifts shifts: UnsafeBufferPointer<UInt8>,
                               lastShift: Int, in body: ByteSlice, from: Int) -> Int? {
        body.withUnsafeBufferPointer { hay -> Int? in
            firstLineStart(ofDelimiterOf: boundary, stoppingShifts: shifts, lastShift: lastShift, in: hay,
                           from: from - body.startIndex).map { body.startIndex &+ $0 }
        }
    }

    /// The end of `parseMultipart`: the defects of a missing or unclosed delimiter, a last part that
    /// was never closed, and the children: the body parts on `pending` from `base`, parsed in order
    /// into records reserved after the tree's (the too-many-parts defect past the limit).
    private mutating func finishMultipart(_ slot: Int, body: ByteSlice, buffer: Int, pendingFrom base: Int,
                                          currentStart: Int?, sawDelimiter: Bool, closed: Bool, childDefault: DefaultContentType) {
        if !sawDelimiter {
            records[slot].defects.insert(.boundaryNotFound)
        } else if !closed {
            records[slot].defects.insert(.missingClosingBoundary)
            // A last delimiter followed by nothing but white space opens no part (seen in Dovecot's
            // malformed tests, stalwart-mail-parser eml/malformed/014).
            if let start = currentStart, start <= body.endIndex, !body[start...].trimmingWhitespace().isEmpty {
                if pending.count < pendingLimit { pending.append(start..<body.endIndex) } else { partsPassedOver = true }
            }
        }
        if partsPassedOver { records[slot].defects.insert(.tooManyParts) }
        let count = pending.count - base
        guard count > 0 else { return }
        let depth = records[slot].depth
        let first = reserveNodes(count)
        var parsed = 0
        while parsed < count {
            // Past the limit no later part is read either (the count only grows).
            guard partCount < limits.maxParts else {
                records[slot].defects.insert(.tooManyParts)
                break
            }
            parseNode(body[pending[base + parsed]], buffer: buffer, depth: depth + 1, defaultType: childDefault,
                      into: first + parsed)
            parsed += 1
        }
        pending.removeLast(pending.count - base)
        // Records reserved for parts not read are dropped when nothing follows them, else made (they
        // stay, unreachable: a hostile message's only).
        if parsed < count {
            if nodeCount == first + count {
                nodeCount = first + parsed
            } else {
                (records + first + parsed).initialize(repeating: Self.unreadNode, count: count - parsed)
            }
        }
        records[slot].firstChild = first
        records[slot].childCount = parsed
    }
}

/// The content type of a part without a Content-Type field (RFC 2045 §5.2; RFC 2046 §5.1.5 in a
/// multipart/digest), made only for such a part: a `ContentType` passed down for every part was a
/// `swift_once` and a copy (three retains, three releases) a multipart and a message/rfc822 part, where
/// most parts have the field (bsd.mbox x3: 807 parts of 7,275 without one).
enum DefaultContentType {
    /// `ContentType.textPlain`.
    case textPlain
    /// `ContentType.messageRFC822`.
    case messageRFC822
    /// The type `MIMEParser.parseEntity(_:depth:defaultType:)` was given.
    case given(ContentType)

    /// The content type this stands for.
    var contentType: ContentType {
        switch self {
        case .textPlain: return .textPlain
        case .messageRFC822: return .messageRFC822
        case .given(let type): return type
        }
    }
}

/// A stack of ranges (`MIMEParser.pending`), its first eight kept in the value, the rest in an array: a
/// bounce's multiparts hold two to four parts, and an array grown from empty for them reallocated
/// three times a message (bsd.mbox x3: 3,354 reallocations, 1.04M instructions).
struct RangeStack {
    /// The first `inlineCount` entries.
    private var first: (Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>)
        = (0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0)
    /// The entries after the first `inlineCount`.
    private var rest: [Range<Int>] = []
    /// How many entries there are.
    private(set) var count = 0

    /// How many entries `first` holds.
    static var inlineCount: Int { 8 }

    /// Puts `range` on top.
    mutating func append(_ range: Range<Int>) {
        if count < Self.inlineCount {
            let offset = count * MemoryLayout<Range<Int>>.stride
            withUnsafeMutableBytes(of: &first) { $0.storeBytes(of: range, toByteOffset: offset, as: Range<Int>.self) }
        } else {
            rest.append(range)
        }
        count += 1
    }

    /// The entry `index` from the bottom.
    subscript(index: Int) -> Range<Int> {
        precondition(index >= 0 && index < count, "RangeStack: index out of range")
        if index < Self.inlineCount {
            return withUnsafeBytes(of: first) {
                $0.load(fromByteOffset: index * MemoryLayout<Range<Int>>.stride, as: Range<Int>.self)
            }
        }
        return rest[index - Self.inlineCount]
    }

    /// Removes the top `n` entries.
    mutating func removeLast(_ n: Int) {
        precondition(n >= 0 && n <= count, "RangeStack: removing more than there is")
        count -= n
        let kept = max(0, count - Self.inlineCount)
        if rest.count > kept { rest.removeLast(rest.count - kept) }
    }
}
