import MailParsing

/// Reads the body of a `message/delivery-status` (RFC 3464 §2.1) or `message/global-delivery-status`
/// (RFC 6533 §6) part: one per-message group, then one group per recipient, each a header-like block,
/// groups separated by blank lines. Parsed with the project's header parser.
enum DeliveryStatusFields {
    /// The field names the RFC 3464 reader looks at (§2.2 per-message, §2.3 per-recipient), recognised
    /// once per field from its bytes.
    enum Name: UInt8, Equatable {
        case finalRecipient, originalRecipient, xActualRecipient, action, status, remoteMTA, diagnosticCode
        case lastAttemptDate, finalLogID, willRetryUntil
        case reportingMTA, dsnGateway, receivedFromMTA, arrivalDate, originalEnvelopeID
        case other

        /// RFC 3464 §2.2: the per-message fields.
        var isPerMessage: Bool { rawValue >= Name.reportingMTA.rawValue && self != .other }

        /// RFC 3464 §2.3: the per-recipient fields (sendmail's X-Actual-Recipient among them).
        var isPerRecipient: Bool { rawValue < Name.reportingMTA.rawValue }

        /// The name of a field, compared ASCII case-insensitively. A name with a byte above 0x7F is
        /// `other`: the only non-ASCII characters whose lower case holds ASCII are U+0130 ("i̇", not
        /// ASCII as a whole) and U+212A KELVIN SIGN ("k"), and no name here has a "k".
        init(_ bytes: ArraySlice<UInt8>) {
            self = bytes.withUnsafeBufferPointer { Name.recognised($0) }
        }

        /// `init(_:)` over the name's bytes in place: the name's length picks the candidates, each
        /// compared a word at a time, lower-cased (`ByteWord.lowercased`: `A`...`Z` made `a`...`z`,
        /// every other byte as it is, so a byte equals a candidate's letter only as that letter or its
        /// upper case, and its other bytes only as themselves). Every load lies within the name: a
        /// six-byte name is read as four and two bytes, a longer one as the words at 0, at 8 (above
        /// 16 bytes) and at `count - 8`, overlapping. (Compared byte by byte, with bit 0x20 set on
        /// letters: bsd.mbox x3, 9,810 names, `Name.recognised` 0.71M -> 0.47M instructions.)
        static func recognised(_ name: UnsafeBufferPointer<UInt8>) -> Name {
            guard let b = name.baseAddress else { return .other }
            switch name.count {
            case 6:
                if Name.matches(b, "action") { return .action }
                if Name.matches(b, "status") { return .status }
            case 10:
                if Name.matches(b, "remote-mta") { return .remoteMTA }
            case 11:
                if Name.matches(b, "dsn-gateway") { return .dsnGateway }
            case 12:
                if Name.matches(b, "arrival-date") { return .arrivalDate }
                if Name.matches(b, "final-log-id") { return .finalLogID }
            case 13:
                if Name.matches(b, "reporting-mta") { return .reportingMTA }
            case 15:
                if Name.matches(b, "final-recipient") { return .finalRecipient }
                if Name.matches(b, "diagnostic-code") { return .diagnosticCode }
            case 16:
                if Name.matches(b, "will-retry-until") { return .willRetryUntil }
            case 17:
                if Name.matches(b, "received-from-mta") { return .receivedFromMTA }
                if Name.matches(b, "last-attempt-date") { return .lastAttemptDate }
            case 18:
                if Name.matches(b, "original-recipient") { return .originalRecipient }
                if Name.matches(b, "x-actual-recipient") { return .xActualRecipient }
            case 20:
                if Name.matches(b, "original-envelope-id") { return .originalEnvelopeID }
            default:
                break
            }
            return .other
        }

        /// Whether the bytes at `bytes`, as many as the lower-case `name` has (6, or 8 to 24),
        /// lower-cased equal it: compared as one six-byte word, or as the words at 0, at 8 (for more
        /// than 16 bytes) and at the last eight bytes. Inlined, so the literal's words are constants.
        @inline(__always)
        fileprivate static func matches(_ bytes: UnsafePointer<UInt8>, _ name: StaticString) -> Bool {
            let expected = name.utf8Start, count = name.utf8CodeUnitCount
            if count == 6 { return ByteWord.lowercased(Name.load6(bytes)) == Name.load6(expected) }
            guard ByteWord.lowercased(Name.load8(bytes)) == Name.load8(expected) else { return false }
            if count > 16, ByteWord.lowercased(Name.load8(bytes + 8)) != Name.load8(expected + 8) { return false }
            return ByteWord.lowercased(Name.load8(bytes + (count - 8))) == Name.load8(expected + (count - 8))
        }

        /// The eight bytes at `p` as a little-endian word.
        @inline(__always)
        private static func load8(_ p: UnsafePointer<UInt8>) -> UInt64 {
            UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        }

        /// The six bytes at `p` as the low bytes of a little-endian word.
        @inline(__always)
        private static func load6(_ p: UnsafePointer<UInt8>) -> UInt64 {
            let raw = UnsafeRawPointer(p)
            return UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
                | UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self))) << 32
        }
    }

    /// One field of a group, its name recognised and its value left as bytes until read: plain
    /// ranges into the body's bytes (a `HeaderField` held two slices, so every copy into the reader's
    /// arrays counted references).
    struct Field: Equatable {
        var name: Name
        /// Whether the field's bytes are all ASCII (its header section had no 8-bit byte).
        var isASCII: Bool
        var isFolded: Bool
        var nameRange: Range<Int>
        var rawValueRange: Range<Int>

        init(_ header: HeaderField, isASCII: Bool) {
            name = Name(header.name)
            self.isASCII = isASCII
            isFolded = header.isFolded
            nameRange = header.name.startIndex..<header.name.endIndex
            rawValueRange = header.rawValue.startIndex..<header.rawValue.endIndex
        }

        init(name: Name, isASCII: Bool, isFolded: Bool, nameRange: Range<Int>, rawValueRange: Range<Int>) {
            self.name = name
            self.isASCII = isASCII
            self.isFolded = isFolded
            self.nameRange = nameRange
            self.rawValueRange = rawValueRange
        }

        /// The field again, over `bytes` (the body it was read from), with the parser's default limit.
        func header(in bytes: ArraySlice<UInt8>) -> HeaderField {
            HeaderField(name: bytes[nameRange], rawValue: bytes[rawValueRange], offset: nameRange.lowerBound, isFolded: isFolded)
        }

        /// The unfolded, trimmed value (as a group's reader takes it): `header(in:).valueString`.
        func value(in bytes: ArraySlice<UInt8>) -> String { valueBytes(in: bytes).utf8String }

        /// `value(in:).trimmed`: the value's bytes without leading and trailing spaces, tabs, CR and LF
        /// (only a value cut at `maxUnfoldedBytes` can end in one), made a String once. The four are
        /// ASCII bytes, which decoding keeps as they are, so trimming before decoding is the same.
        func trimmedValue(in bytes: ArraySlice<UInt8>) -> String {
            let value = valueBytes(in: bytes)
            var start = value.startIndex, end = value.endIndex
            while start < end, ASCII.isWhitespaceOrNewline(value[start]) { start += 1 }
            while end > start, ASCII.isWhitespaceOrNewline(value[end - 1]) { end -= 1 }
            return value[start..<end].utf8String
        }

        /// `HeaderField(name:rawValue:...)`'s default `maxUnfoldedBytes`, which `header(in:)` uses.
        static let maxUnfoldedBytes = 100 * 1024

        /// The unfolded, trimmed value's bytes: `header(in:).unfoldedValue`. An unfolded value is
        /// trimmed and cut in place as `HeaderField.unfoldedValue(of:isFolded:maxUnfoldedBytes:)` does,
        /// without building the `HeaderField` (its two slices retained and released, its name key
        /// computed: bsd.mbox x3, 5,865 values, ~1.1M instructions in `header(in:)` alone); a folded
        /// value is unfolded by `unfolded(in:)`. A test holds the two together.
        func valueBytes(in bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var start = rawValueRange.lowerBound, end = rawValueRange.upperBound
            // ArraySlice subscripts are checked; the guard keeps a foreign range from trapping here
            // (`header(in:)` would trap on it as before).
            guard start >= bytes.startIndex, end <= bytes.endIndex, start <= end else { return header(in: bytes).unfoldedValue }
            guard !isFolded else { return Field.unfolded(bytes[start..<end]) }
            while start < end, ASCII.isWhitespaceOrNewline(bytes[start]) { start += 1 }
            while end > start, ASCII.isWhitespaceOrNewline(bytes[end - 1]) { end -= 1 }
            return bytes[start..<min(end, start + Field.maxUnfoldedBytes)]
        }
        /// `body(valueBytes(in: bytes))`, the value's bytes read in place from `buffer`, the buffer of
        /// `bytes`: an unfolded value trimmed there, a folded one unfolded into a temporary buffer
        /// (not into a new array). `valueBytes(in:)` made an `ArraySlice` of each value, retained and
        /// released, its bytes read through checked subscripts (bsd.mbox x3, 8,754 values).
        @inline(__always)
        func withValueBytes<R>(in bytes: ArraySlice<UInt8>, buffer: UnsafeBufferPointer<UInt8>,
                               _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            let base = bytes.startIndex
            var start = rawValueRange.lowerBound &- base, end = rawValueRange.upperBound &- base
            guard buffer.count == bytes.count, start >= 0, end <= buffer.count, start <= end else {
                return valueBytes(in: bytes).withUnsafeBufferPointer(body)
            }
            if isFolded { return Field.withUnfolded(UnsafeBufferPointer(rebasing: buffer[start..<end]), body) }
            while start < end, ASCII.isWhitespaceOrNewline(buffer[start]) { start &+= 1 }
            while end > start, ASCII.isWhitespaceOrNewline(buffer[end &- 1]) { end &-= 1 }
            return body(UnsafeBufferPointer(rebasing: buffer[start..<min(end, start &+ Field.maxUnfoldedBytes)]))
        }

        /// `value(in: bytes)` read through `withValueBytes(in:buffer:_:)`.
        func value(in bytes: ArraySlice<UInt8>, buffer: UnsafeBufferPointer<UInt8>) -> String {
            withValueBytes(in: bytes, buffer: buffer) { Field.string($0, isASCII: isASCII) }
        }

        /// The String of bytes of a field's value: an ASCII field's made without a UTF-8 check
        /// (`UncheckedUTF8.asciiString`; `String(decoding:as:)` checked them again: bsd.mbox x3, ~5,000
        /// values of the DSN reader).
        @inline(__always)
        static func string(_ bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String {
            isASCII ? UncheckedUTF8.asciiString(bytes) : String(decoding: bytes, as: UTF8.self)
        }

        /// `trimmedValue(in: bytes)` read through `withValueBytes(in:buffer:_:)`.
        func trimmedValue(in bytes: ArraySlice<UInt8>, buffer: UnsafeBufferPointer<UInt8>) -> String {
            withValueBytes(in: bytes, buffer: buffer) { value in
                var start = 0, end = value.count
                while start < end, ASCII.isWhitespaceOrNewline(value[start]) { start &+= 1 }
                while end > start, ASCII.isWhitespaceOrNewline(value[end &- 1]) { end &-= 1 }
                return Field.string(UnsafeBufferPointer(rebasing: value[start..<end]), isASCII: isASCII)
            }
        }

        /// A folded raw value unfolded as `HeaderField.unfoldedValue` does: every byte but CR and LF,
        /// at most `maxUnfoldedBytes` of them, trimmed of spaces, tabs, CR and LF, in a new array
        /// (indices from 0). Unfolded into a temporary buffer and trimmed there, without `header(in:)`:
        /// that joined the name and the value into one new buffer before unfolding (bsd.mbox x3, 375
        /// folded values, ~3,100 instructions each). The array is made from the buffer pointer:
        /// `[UInt8](repeating:count:)` allocated through the unspecialized
        /// `_allocateBufferUninitialized`, ~540 instructions a value.
        static func unfolded(_ rawValue: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            rawValue.withUnsafeBufferPointer { withUnfolded($0) { Array($0)[...] } }
        }

        /// `body` of the folded raw value `value` unfolded as `unfolded(_:)` makes it (every byte but CR
        /// and LF, at most `maxUnfoldedBytes`, trimmed), in a temporary buffer.
        @inline(__always)
        static func withUnfolded<R>(_ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: min(value.count, maxUnfoldedBytes)) { buffer in
                guard let base = buffer.baseAddress else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
                var start = 0, end = HeaderField.copyDroppingLineEnds(value, into: base, limit: maxUnfoldedBytes)
                while start < end, ASCII.isWhitespaceOrNewline(base[start]) { start &+= 1 }
                while end > start, ASCII.isWhitespaceOrNewline(base[end &- 1]) { end &-= 1 }
                return body(UnsafeBufferPointer(start: base + start, count: end &- start))
            }
        }

        /// The name, lower-cased (`String.lowercased()`).
        func lowercasedName(in bytes: ArraySlice<UInt8>) -> String { bytes[nameRange].utf8String.lowercased() }

        /// `ASCII.lowercasedString(bytes[nameRange])`, the name of an ASCII field lower-cased, but
        /// Postfix's two `x-` names given as literals, no String made (bsd.mbox x3: 636 of the 819
        /// `x-` names the per-message groups keep, ~520 instructions each made).
        func lowercasedASCIIName(in bytes: ArraySlice<UInt8>) -> String {
            bytes[nameRange].withUnsafeBufferPointer { Field.lowercasedASCIIName($0) }
        }

        /// `lowercasedASCIIName(in:)` of the name's bytes in place.
        static func lowercasedASCIIName(_ name: UnsafeBufferPointer<UInt8>) -> String {
            if let b = name.baseAddress {
                if name.count == 18, Name.matches(b, "x-postfix-queue-id") { return "x-postfix-queue-id" }
                if name.count == 16, Name.matches(b, "x-postfix-sender") { return "x-postfix-sender" }
            }
            return ASCII.lowercasedString(name)
        }
    }

    /// Calls `body` with the header section of each group that has a field, in order, at most
    /// `maxGroups` of them.
    static func forEachGroup(_ bytes: ArraySlice<UInt8>, maxGroups: Int = 1_000, _ body: (HeaderSection) -> Void) {
        var groups = Groups(bytes, maxGroups: maxGroups)
        while let section = groups.next() { body(section) }
    }

    /// The header section of each group that has a field, in order, at most `maxGroups` of them.
    /// Lines that are not fields end a group like a blank line does.
    struct Groups {
        let bytes: ArraySlice<UInt8>
        let maxGroups: Int
        var position: Int
        var count = 0

        init(_ bytes: ArraySlice<UInt8>, maxGroups: Int = 1_000) {
            self.bytes = bytes
            self.maxGroups = maxGroups
            position = bytes.startIndex
        }

        mutating func next() -> HeaderSection? {
            while skipBlankLines() {
                let section = HeaderSection.parse(bytes[position...])
                moveTo(section.bodyStart)
                if !section.fields.isEmpty {
                    count += 1
                    return section
                }
            }
            return nil
        }

        /// `next()` as fields (what `Field(_:isASCII:)` makes of the section's), appended to `fields`;
        /// false at the end. Parsed by `parseGroup`, without a `HeaderSection`.
        mutating func next<Sink: DeliveryStatusFieldSink>(into fields: inout Sink) -> Bool {
            while skipBlankLines() {
                let before = fields.count
                moveTo(DeliveryStatusFields.parseGroup(bytes, from: position, into: &fields))
                if fields.count > before {
                    count += 1
                    return true
                }
            }
            return false
        }

        /// Skips blank lines between groups; whether a group may start at `position`.
        private mutating func skipBlankLines() -> Bool {
            let end = bytes.endIndex
            guard position < end, count < maxGroups else { return false }
            while position < end, bytes[position] == 10 || bytes[position] == 32 || bytes[position] == 9 {
                // A line of only whitespace counts as blank.
                var p = position
                while p < end, bytes[p] == 32 || bytes[p] == 9 { p += 1 }
                if p < end, bytes[p] != 10 { break }
                position = min(p + 1, end)
            }
            return position < end
        }

        /// Moves past a group whose body starts at `bodyStart`.
        private mutating func moveTo(_ bodyStart: Int) {
            var next = bodyStart
            if next <= position {
                // Not a field line: skip it.
                next = position
                while next < bytes.endIndex, bytes[next] != 10 { next += 1 }
                next += 1
            }
            position = next
        }
    }

    /// The fields of the header section at `bytes[start...]`, appended to `fields` as
    /// `HeaderSection.parse(bytes[start...])` (default limits) finds them, read by that parser's own
    /// field walk without building `HeaderField`s and the section (~4,500 instructions a DSN group);
    /// returns its `bodyStart`.
    static func parseGroup<Sink: DeliveryStatusFieldSink>(_ all: ArraySlice<UInt8>, from start: Int, into fields: inout Sink) -> Int {
        let bytes = all[start...]
        let firstField = fields.count
        let base = all.startIndex
        // Each name recognised in the buffer of `all`, taken once a group: through a slice of `bytes`
        // (`Name(_:)`), each name's bounds were checked and its buffer taken again.
        // The staged fields' offsets are from `start`, read a run at a time (`forEachFieldRun`).
        let (sectionStart, end, mayHoldOddBytes) = all.withUnsafeBufferPointer { buffer in
            HeaderSection.forEachFieldRun(in: bytes) { staged in
                let from = start &- base
                for field in staged {
                    // Each offset lies within `bytes`, so within `all` and its buffer.
                    let nameStart = from &+ Int(field.nameStart), nameEnd = from &+ Int(field.nameEnd)
                    let valueStart = from &+ Int(field.valueStart)
                    let valueEnd = from &+ Int(field.valueEndAndFolding & 0x7FFF_FFFF)
                    let nameBytes = UnsafeBufferPointer(rebasing: buffer[nameStart..<nameEnd])
                    fields.append(Field(name: Name.recognised(nameBytes), isASCII: true, isFolded: field.valueEndAndFolding >> 31 != 0,
                                        nameRange: (base &+ nameStart)..<(base &+ nameEnd),
                                        rawValueRange: (base &+ valueStart)..<(base &+ valueEnd)))
                }
            }
        }
        // The section's bytes (what `HeaderSection.raw` spans) decide whether its fields are ASCII:
        // read again only where the scan saw a NUL or an 8-bit byte (bsd.mbox x3, 2,364 groups:
        // RFC3464Recognizer.read(bytes:) 11.52M -> 11.24M instructions).
        if fields.count > firstField, mayHoldOddBytes, !ASCII.isASCII(bytes[sectionStart..<end]) {
            fields.markNotASCII(from: firstField)
        }
        return end
    }

    /// A group's fields in a buffer of `capacity` (the RFC 3464 reader's, on the stack), which
    /// `parseGroup` appends to as to an array: a field past its room is dropped, and `overflowed` says so.
    struct FieldBuffer: DeliveryStatusFieldSink {
        /// Room for a group of 24 fields, 960 bytes: a usual report's groups hold 4 to 12.
        static let capacity = 24
        private let storage: UnsafeMutableBufferPointer<Field>
        private(set) var count = 0
        /// Whether a field found no room since the buffer was last emptied.
        private(set) var overflowed = false

        /// An empty buffer over `storage` (uninitialised; the fields are trivial values).
        init(_ storage: UnsafeMutableBufferPointer<Field>) { self.storage = storage }

        mutating func append(_ field: Field) {
            guard count < storage.count, let base = storage.baseAddress else { overflowed = true; return }
            (base + count).initialize(to: field)
            count &+= 1
        }

        mutating func markNotASCII(from start: Int) {
            for k in start..<count { storage[k].isASCII = false }
        }

        /// The fields appended since the buffer was last emptied.
        var fields: UnsafeBufferPointer<Field> { UnsafeBufferPointer(rebasing: storage[..<count]) }

        /// Empties the buffer for the next group.
        mutating func removeAll() {
            count = 0
            overflowed = false
        }
    }
}

/// Where `DeliveryStatusFields.parseGroup` appends a group's fields: an array, or the RFC 3464
/// reader's `FieldBuffer`.
protocol DeliveryStatusFieldSink {
    var count: Int { get }
    mutating func append(_ field: DeliveryStatusFields.Field)
    /// Marks the fields from `start` on as not all ASCII.
    mutating func markNotASCII(from start: Int)
}

extension Array: DeliveryStatusFieldSink where Element == DeliveryStatusFields.Field {
    mutating func markNotASCII(from start: Int) {
        for k in start..<count { self[k].isASCII = false }
    }
}
