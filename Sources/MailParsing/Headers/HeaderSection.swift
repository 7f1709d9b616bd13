/// An RFC 5322 header section: the fields in order, the faults tolerated, and where the body begins.
///
/// Parsing never fails. A section is read up to its blank line (RFC 5322 §2.1), or up to the first line that
/// cannot be a field (recorded as `.missingBlankLine`), or to the end of input (`.truncatedHeaderSection`).
/// LF, CRLF and lone CR line ends are accepted alike.
public struct HeaderSection: Sendable {
    /// The fields, in the order they appear.
    public var fields: [HeaderField]
    /// What was tolerated while reading.
    public var defects: HeaderDefects
    /// Index in the parsed buffer where the body begins (after the blank line), `raw.endIndex` if none.
    public var bodyStart: Int
    /// The header section's bytes, from the first field to the end of the blank line.
    public var raw: ByteSlice

    /// An empty header section.
    public init() {
        fields = []
        defects = []
        bodyStart = 0
        raw = []
    }

    /// Reads the header section at the start of `bytes`.
    /// - Parameters:
    ///   - bytes: a message, or anything that starts with a header section.
    ///   - limits: bounds on header bytes, field count and unfolded field size.
    /// - Complexity: O(n) in the header section's length.
    public static func parse(_ bytes: ByteSlice, limits: ParsingLimits = .init()) -> HeaderSection {
        var section = HeaderSection()
        section.parseFields(bytes, limits: limits)
        return section
    }

    private mutating func parseFields(_ bytes: ByteSlice, limits: ParsingLimits) {
        var scanner = LineScanner(bytes)
        // A mbox envelope line left in front of the header (seen in sisimai maildir/bsd files that start
        // with "From MAILER-DAEMON ..."): skip it.
        if bytes.hasPrefixCaseInsensitive("from "), let first = scanner.next() {
            if Self.isEnvelopeLine(bytes[first.content]) {
                defects.insert(.envelopeLineInHeader)
            } else {
                scanner = LineScanner(bytes)
            }
        }
        let sectionStart = scanner.position
        // Most sections hold a handful of fields (a DSN group 3 to 6, a message's header 10 to 40):
        // growing from empty cost ~3 reallocations a section.
        fields.reserveCapacity(8)
        var current: (nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int, folded: Bool)?
        var end = bytes.endIndex
        var reachedBody = false
        let byteLimit = bytes.startIndex + limits.maxHeaderBytes

        func finish(_ section: inout HeaderSection) {
            guard let field = current else { return }
            current = nil
            if section.fields.count >= limits.maxHeaderFields {
                section.defects.insert(.tooManyFields)
                return
            }
            if field.valueEnd - field.valueStart > limits.maxFieldBytes { section.defects.insert(.fieldTooLong) }
            section.fields.append(HeaderField(
                name: bytes[field.nameStart..<field.nameEnd],
                rawValue: bytes[field.valueStart..<field.valueEnd],
                offset: field.nameStart, isFolded: field.folded, maxUnfoldedBytes: limits.maxFieldBytes))
        }

        while let line = scanner.next() {
            if line.end > byteLimit {
                defects.insert(.headerTooLong)
                finish(&self)
                end = line.content.lowerBound
                reachedBody = true
                break
            }
            let content = line.content
            if content.isEmpty {
                finish(&self)
                end = line.end
                reachedBody = true
                break
            }
            let first = bytes[content.lowerBound]
            if ASCII.isWhitespace(first) {
                if current != nil {
                    current!.valueEnd = content.upperBound
                    current!.folded = true
                } else if bytes[content].trimmingWhitespace().isEmpty {
                    // A line of only white space before any field: treat as the blank line.
                    end = line.end
                    reachedBody = true
                    break
                } else {
                    defects.insert(.leadingContinuation)
                }
                continue
            }
            guard let colon = bytes.firstIndex(ofByte: ASCII.colon, from: content.lowerBound),
                  colon < content.upperBound
            else {
                // RFC 5322 §2.1: the body follows the blank line; a line that is no field starts the body.
                finish(&self)
                defects.insert(.missingBlankLine)
                end = content.lowerBound
                reachedBody = true
                break
            }
            var nameEnd = colon
            while nameEnd > content.lowerBound, ASCII.isWhitespace(bytes[nameEnd - 1]) { nameEnd -= 1 }
            if nameEnd < colon { defects.insert(.spaceBeforeColon) }
            var nameIsField = true
            var i = content.lowerBound
            while i < nameEnd {
                let byte = bytes[i]
                // RFC 5322 §3.6.8: ftext is printable US-ASCII except colon. A space inside the name means
                // this is prose, not a field.
                if byte == ASCII.space || byte == ASCII.tab { nameIsField = false; break }
                if byte < 33 || byte > 126 { defects.insert(.invalidFieldName) }
                i += 1
            }
            if !nameIsField {
                finish(&self)
                defects.insert(.missingBlankLine)
                end = content.lowerBound
                reachedBody = true
                break
            }
            if nameEnd == content.lowerBound { defects.insert(.emptyFieldName) }
            finish(&self)
            current = (content.lowerBound, nameEnd, colon + 1, content.upperBound, false)
        }
        if !reachedBody {
            finish(&self)
            defects.insert(.truncatedHeaderSection)
            end = bytes.endIndex
        }
        bodyStart = end
        raw = bytes[sectionStart..<end]
        scanForOddBytes(raw)
    }

    /// Records 8-bit and NUL bytes in the section (one pass, eight bytes at a time).
    private mutating func scanForOddBytes(_ raw: ByteSlice) {
        raw.withUnsafeBytes { buffer in
            var sawHigh = false
            var sawNul = false
            var index = 0
            let count = buffer.count
            while index + 8 <= count {
                let word = buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & ByteWord.highs != 0 { sawHigh = true }
                if ByteWord.hasZeroByte(word) { sawNul = true }
                if sawHigh && sawNul { break }
                index += 8
            }
            while index < count {
                let byte = buffer[index]
                if byte & 0x80 != 0 { sawHigh = true }
                if byte == 0 { sawNul = true }
                index += 1
            }
            if sawHigh { defects.insert(.eightBitBytes) }
            if sawNul { defects.insert(.nulBytes) }
        }
    }

    /// Whether a line that starts with `From ` is a mbox From_ line rather than an obsolete-syntax
    /// `From : name` field (RFC 5322 §4.5.2 allows white space before the colon).
    private static func isEnvelopeLine(_ line: ByteSlice) -> Bool {
        var i = line.startIndex + 4
        while i < line.endIndex, ASCII.isWhitespace(line[i]) { i += 1 }
        return i < line.endIndex && line[i] != ASCII.colon
    }

    /// The first field named `lowercaseName`, or nil.
    public func first(_ lowercaseName: String) -> HeaderField? {
        // Each field's name is compared in place; only a match is copied out (copying every field
        // retains and releases its two slices, the larger part of a lookup).
        var name = lowercaseName
        return name.withUTF8 { expected in
            for i in fields.indices where fields[i].hasName(bytes: expected) { return fields[i] }
            return nil
        }
    }

    /// Every field named `lowercaseName`, in order.
    public func all(_ lowercaseName: String) -> [HeaderField] {
        var name = lowercaseName
        return name.withUTF8 { expected in
            var matching: [HeaderField] = []
            for i in fields.indices where fields[i].hasName(bytes: expected) { matching.append(fields[i]) }
            return matching
        }
    }

    /// Several lookups in one walk over the fields: the first field of each name in `firstOf`, and
    /// every field of each name in `allOf`, in order. Where a reader asks a dozen names of one header
    /// section, `first` and `all` would walk it a dozen times.
    /// - Parameters:
    ///   - firstOf: lower-case names; the result has one entry per name, nil when absent.
    ///   - allOf: lower-case names; the result has one array per name.
    public func fields(firstOf: [String], allOf: [String] = []) -> (first: [HeaderField?], all: [[HeaderField]]) {
        var first = [HeaderField?](repeating: nil, count: firstOf.count)
        var all = [[HeaderField]](repeating: [], count: allOf.count)
        // The lengths asked for, as bits: most fields are passed over on their name's length alone.
        var lengths: UInt64 = 0
        var longNames = false   // 64 bytes or more: never passed over
        for names in [firstOf, allOf] {
            for name in names {
                let length = name.utf8.count
                if length < 64 { lengths |= 1 << UInt64(length) } else { longNames = true }
            }
        }
        for i in fields.indices {
            let length = fields[i].name.count
            guard length < 64 ? lengths & (1 << UInt64(length)) != 0 : longNames else { continue }
            for k in firstOf.indices where first[k] == nil && firstOf[k].utf8.count == length && fields[i].hasName(firstOf[k]) {
                first[k] = fields[i]
            }
            for k in allOf.indices where allOf[k].utf8.count == length && fields[i].hasName(allOf[k]) {
                all[k].append(fields[i])
            }
        }
        return (first, all)
    }

    /// The first field named `lowercaseName` as an unfolded, undecoded String.
    public subscript(_ lowercaseName: String) -> String? {
        first(lowercaseName)?.valueString
    }
}
