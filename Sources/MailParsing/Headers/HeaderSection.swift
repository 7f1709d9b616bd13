#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CByteKernels

/// An RFC 5322 header section: the fields in order, the faults tolerated, and where the body begins.
///
/// Parsing never fails. A section is read up to its blank line (RFC 5322 §2.1), or up to the first line that
/// cannot be a field (recorded as `.missingBlankLine`), or to the end of input (`.truncatedHeaderSection`).
/// LF, CRLF and lone CR line ends are accepted alike.
public struct HeaderSection: Sendable {
    /// The fields, in the order they appear: a view of `raw` (`Fields`), each field made when read.
    public let fields: Fields
    /// What was tolerated while reading.
    public var defects: HeaderDefects
    /// Index in the parsed buffer where the body begins (after the blank line), `raw.endIndex` if none.
    public var bodyStart: Int
    /// The header section's bytes, from the first field to the end of the blank line; every field
    /// lies inside them (get-only: the fields are kept as places in them).
    public var raw: ByteSlice { fields.raw }

    /// The most bytes a section holds (2^31 - 1): its fields' places are kept in 31 bits
    /// (`FieldRecord`). A larger `ParsingLimits.maxHeaderBytes` reads as this one.
    static var maxSectionBytes: Int { Int(Int32.max) }

    /// An empty header section.
    public init() {
        self.init(fields: Fields(raw: [], records: [], maxFieldBytes: ParsingLimits().maxFieldBytes),
                  defects: [], bodyStart: 0)
    }

    /// A section holding `given`, in order, each unfolded within `maxFieldBytes` (a section keeps one
    /// limit for all its fields; a field's own `maxUnfoldedBytes` is not kept).
    ///
    /// The fields' bytes are copied into one new buffer, `raw`: each field's name, a colon, its raw
    /// value and CRLF, then CRLF (the blank line; `bodyStart` is its end). The fields read back have
    /// the same names, raw values and folding, but their indices (and `offset`) are the new
    /// buffer's, from 0. No defects are recorded.
    /// - Precondition: the copy holds at most 2^31 - 1 bytes (`maxSectionBytes`).
    public init(fields given: [HeaderField], maxFieldBytes: Int = ParsingLimits().maxFieldBytes) {
        var bytes: [UInt8] = []
        var records: [FieldRecord] = []
        records.reserveCapacity(given.count)
        for field in given {
            let nameStart = bytes.count
            bytes += field.name
            let nameEnd = bytes.count
            bytes.append(ASCII.colon)
            let valueStart = bytes.count
            bytes += field.rawValue
            let valueEnd = bytes.count
            bytes += [ASCII.carriageReturn, ASCII.lineFeed]
            precondition(bytes.count + 2 <= Self.maxSectionBytes, "HeaderSection: fields of more than 2^31 - 1 bytes")
            records.append(FieldRecord(key: field.nameKey, nameStart: nameStart, nameEnd: nameEnd,
                                       valueStart: valueStart, valueEnd: valueEnd, isFolded: field.isFolded))
        }
        bytes += [ASCII.carriageReturn, ASCII.lineFeed]
        self.init(fields: Fields(raw: bytes[...], records: records, maxFieldBytes: maxFieldBytes),
                  defects: [], bodyStart: bytes.count)
    }

    /// A section of these parts.
    private init(fields: Fields, defects: HeaderDefects, bodyStart: Int) {
        self.fields = fields
        self.defects = defects
        self.bodyStart = bodyStart
    }

    /// Reads the header section at the start of `bytes`.
    /// - Parameters:
    ///   - bytes: a message, or anything that starts with a header section.
    ///   - limits: bounds on header bytes, field count and unfolded field size.
    /// - Complexity: O(n) in the header section's length.
    public static func parse(_ bytes: ByteSlice, limits: ParsingLimits = .init()) -> HeaderSection {
        HeaderSection(fieldsOf: bytes, limits: limits)
    }

    /// Reads the fields in one pass over the buffer: each line's end found sixteen bytes at a time
    /// (`lineEnd(from:in:_:_:)`), after its name's colon where the name is plain ftext.
    /// The answers are those of the line walk `parseByLineScanner` (LF, CRLF and lone CR ends).
    /// An initializer, each stored property set once: made empty and then filled, a section released
    /// the empty array and slice it replaced, and retained and released on the way (bsd.mbox x3, 7,866
    /// sections: the parse less its closure 3.90M -> 2.95M instructions, its 23,598 releases and 15,732
    /// retains gone).
    private init(fieldsOf bytes: ByteSlice, limits given: ParsingLimits) {
        let base = bytes.startIndex
        var limits = given
        limits.maxHeaderBytes = min(given.maxHeaderBytes, Self.maxSectionBytes)
        // Every offset is at most `maxHeaderBytes` (the scan stops at a line that ends past it), so it
        // fits 31 bits: the first `stagedCapacity` fields' offsets are kept on the stack and the
        // records' storage is made once at their count, not grown from a reserve of 8 while scanning
        // (a message's header holds 10 to 40 fields: 3,501 regrowths, 2.83M instructions on bsd.mbox x3).
        let (scanned, storage) = withUnsafeTemporaryAllocation(
            of: StagedField.self, capacity: Self.stagedCapacity
        ) { staged -> (ScannedSection, FieldStorage) in
            bytes.withUnsafeBufferPointer { buffer in
                var overflow: [StagedField] = []
                let scanned = Self.scanFields(buffer, limits: limits, into: staged, overflow: &overflow)
                // The records written straight into the storage, made at their count.
                let sectionStart = scanned.sectionStart
                let onStack = scanned.count - overflow.count
                let made = FieldStorage.make(raw: bytes[(base + sectionStart)..<(base + scanned.end)],
                                             count: scanned.count, maxFieldBytes: limits.maxFieldBytes) { records in
                    // Two fields a step: their names' words lower-cased together by lanes
                    // (`StagedField.lowercased(_:_:)`), where each word's carries took ~15 instructions.
                    // The fields lie in the buffer in order: where eight bytes lie from the last staged
                    // name's start, they do from every one's, and each name's word is one load with no
                    // test of its place (`nameWord(at:)`). (Two loops: one loop choosing the load a pair cost
                    // +0.58M, bsd.mbox x3 Main.main 247.40M -> 247.98M.)
                    var k = 0
                    if onStack > 0, let pointer = buffer.baseAddress,
                       Int(staged[onStack &- 1].nameStart) &+ 8 <= buffer.count {
                        let raw = UnsafeRawPointer(pointer)
                        while k &+ 2 <= onStack {
                            let first = staged[k], second = staged[k &+ 1]
                            let keys = StagedField.lowercased(first.nameWord(at: raw), second.nameWord(at: raw))
                            (records + k).initialize(to: first.record(key: keys.0, sectionStart: sectionStart))
                            (records + (k &+ 1)).initialize(to: second.record(key: keys.1, sectionStart: sectionStart))
                            k &+= 2
                        }
                    }
                    while k &+ 2 <= onStack {
                        let first = staged[k], second = staged[k &+ 1]
                        let keys = StagedField.lowercased(first.nameWord(in: buffer), second.nameWord(in: buffer))
                        (records + k).initialize(to: first.record(key: keys.0, sectionStart: sectionStart))
                        (records + (k &+ 1)).initialize(to: second.record(key: keys.1, sectionStart: sectionStart))
                        k &+= 2
                    }
                    if k < onStack { (records + k).initialize(to: staged[k].record(sectionStart: sectionStart, in: buffer)) }
                    for (k, field) in overflow.enumerated() {
                        (records + onStack + k).initialize(to: field.record(sectionStart: sectionStart, in: buffer))
                    }
                }
                return (scanned, made)
            }
        }
        self.init(fields: Fields(storage: storage), defects: scanned.defects, bodyStart: base + scanned.end)
        if scanned.mayHoldOddBytes { scanForOddBytes() }
    }

    /// What `scanFields` found of a section besides its fields: where its bytes (`raw`) start and end
    /// (offsets from the scanned buffer's start; the end is `bodyStart`), the defects, how many
    /// fields it staged, and whether the bytes its line-end search read held a NUL or 8-bit byte
    /// (`ReadBytes`): when not, neither does the section.
    private struct ScannedSection {
        let sectionStart: Int
        let end: Int
        let defects: HeaderDefects
        let count: Int
        let mayHoldOddBytes: Bool
    }

    /// A field's offsets from the start of the parsed buffer as `scanFields` reports them, in 32 bits
    /// each (`init(fieldsOf:limits:)` reads at most `maxSectionBytes`, 31 bits); the folding is the
    /// value end's high bit. Package: `forEachFieldRun(in:limits:_:)` hands them over as they are.
    package struct StagedField {
        package let nameStart: UInt32
        package let nameEnd: UInt32
        package let valueStart: UInt32
        package let valueEndAndFolding: UInt32

        @inline(__always)
        init(nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int, isFolded: Bool) {
            self.nameStart = UInt32(truncatingIfNeeded: nameStart)
            self.nameEnd = UInt32(truncatingIfNeeded: nameEnd)
            self.valueStart = UInt32(truncatingIfNeeded: valueStart)
            valueEndAndFolding = UInt32(truncatingIfNeeded: valueEnd) | (isFolded ? 1 << 31 : 0)
        }

        /// The field's record (`FieldRecord`) in a section that starts at `sectionStart` of the buffer
        /// that was scanned (`buffer`), with the name's key (`HeaderField.nameKey(lowercasing:)`) read
        /// by one masked load where eight bytes lie from the name's start (a name is followed by its
        /// colon at least, so nearly always), not byte by byte (bsd.mbox x3: 13,992 of 52,437 names are
        /// shorter than eight bytes, ~40 instructions each in the byte loop; `parseFields` 29.74M ->
        /// 29.50M instructions).
        @inline(__always)
        func record(sectionStart: Int, in buffer: UnsafeBufferPointer<UInt8>) -> FieldRecord {
            record(key: ByteWord.lowercased(nameWord(in: buffer)), sectionStart: sectionStart)
        }

        /// The name's first eight bytes as a word (`HeaderField.nameKey(_:)`: zero bytes past a
        /// shorter name), not lower-cased: one masked load where eight bytes lie from its start.
        @inline(__always)
        func nameWord(in buffer: UnsafeBufferPointer<UInt8>) -> UInt64 {
            let start = Int(nameStart), length = Int(nameEnd) &- Int(nameStart)
            if let pointer = buffer.baseAddress, length >= 0, start &+ 8 <= buffer.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(pointer + start).loadUnaligned(as: UInt64.self))
                return length >= 8 ? word : word & ((1 << UInt64(8 * length)) &- 1)
            }
            return HeaderField.nameKey(UnsafeBufferPointer(rebasing: buffer[start..<Int(nameEnd)]))
        }

        /// `nameWord(in:)` where eight bytes lie from the name's start of the buffer at `raw`: one
        /// load, the bytes past a shorter name cleared (the staged name ends at or after its start).
        @inline(__always)
        func nameWord(at raw: UnsafeRawPointer) -> UInt64 {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: Int(nameStart), as: UInt64.self))
            let length = nameEnd &- nameStart
            return length >= 8 ? word : word & ((1 &<< UInt64(length &* 8)) &- 1)
        }

        /// The field's record with the name's key `key`, its offsets made the section's (it starts at
        /// `sectionStart` of the scanned buffer).
        @inline(__always)
        func record(key: UInt64, sectionStart: Int) -> FieldRecord {
            // Every field lies at or after the section's start (sectionStart <= nameStart <= nameEnd <
            // valueStart <= valueEnd: the colon lies between), so the differences cannot wrap, and the
            // folding bit stays where it is.
            let from = UInt32(truncatingIfNeeded: sectionStart)
            return FieldRecord(key: key, nameStart: nameStart &- from, nameCount: nameEnd &- nameStart,
                               valueStart: valueStart &- from, valueEndAndFolding: valueEndAndFolding &- from)
        }

        /// `ByteWord.lowercased` of two words at once, by SSE2 lanes: the bytes `A`...`Z` found by one
        /// unsigned range test (a wrapping subtraction, then below 26) and 0x20 set in them.
        @inline(__always)
        static func lowercased(_ first: UInt64, _ second: UInt64) -> (UInt64, UInt64) {
            let lanes = unsafeBitCast(SIMD2<UInt64>(first, second), to: SIMD16<UInt8>.self)
            let upper = (lanes &- SIMD16<UInt8>(repeating: UInt8(ascii: "A"))) .< SIMD16<UInt8>(repeating: 26)
            let lowered = lanes | (unsafeBitCast(upper, to: SIMD16<UInt8>.self) & SIMD16<UInt8>(repeating: 0x20))
            let words = unsafeBitCast(lowered, to: SIMD2<UInt64>.self)
            return (words[0], words[1])
        }
    }

    /// What the line-end search (`lineEnd(from:in:_:_:)`) has read of a section, enough to tell that it
    /// holds no NUL and no 8-bit byte: the OR of every block and byte read, and the high bit set for
    /// each NUL the search stopped at (it stops at every byte below 14, so it sees each NUL of the
    /// bytes it passes over; a NUL byte read on its own is made 0xFF). It reads every byte of the
    /// section's lines but the names before a plain name's colon, which are ftext (33...126), and a
    /// continuation's first byte, a blank; it may read past the section's end; so where it saw no odd
    /// byte, the section has none, and only where it did are the section's bytes tested one by one
    /// (`scanForOddBytes`). One instruction a block, where a separate pass over every section (an OR
    /// of all its bytes and a memchr for NUL) cost ~2.9M instructions (bsd.mbox x3: scanFields 12.95M
    /// -> 13.79M, the parse with it 25.97M -> 24.62M), and a compare with NUL in every block three
    /// more (see `lineEnd`). `pointwiseMin` for the NUL test was a call a block (scanFields 19.96M).
    private struct ReadBytes {
        private var ored = SIMD16<UInt8>(repeating: 0)

        /// Takes in a block read: its NULs are noted by the search's stops (`addNul`).
        @inline(__always)
        mutating func add(_ block: SIMD16<UInt8>) {
            ored |= block
        }

        /// Takes in a NUL found.
        @inline(__always)
        mutating func addNul() {
            ored[0] |= 0x80
        }

        /// Takes in a byte read on its own (the buffer's last fifteen).
        @inline(__always)
        mutating func add(_ byte: UInt8) {
            ored[0] |= byte == 0 ? 0xFF : byte
        }

        /// Whether a byte read was NUL or above 127.
        var mayHoldOddBytes: Bool {
            let halves = unsafeBitCast(ored, to: SIMD2<UInt64>.self)
            return (halves[0] | halves[1]) & ByteWord.highs != 0
        }
    }

    /// How many fields' offsets `init(fieldsOf:limits:)` keeps on the stack before the rest go in an array (a
    /// message's header holds 10 to 40 fields): 64 of 16 bytes, the 1 KiB the standard library
    /// allocates on the stack without asking.
    private static var stagedCapacity: Int { 64 }

    /// The line at `position`: where its content ends and where the next line starts (after LF, CRLF,
    /// or a lone CR, as in CR-only files). Only the line's own bytes are searched, in windows that
    /// double, so a few header lines at the start of a long buffer cost what those lines do. (Searching
    /// for the next LF and the next CR each to the buffer's end, once per section, was quadratic where
    /// the sections are a report's DSN groups read one by one from the rest of its text: an LF-only
    /// text has no CR to find. Sisimai lhost-exchange2007-05 with its body 64 times over, 4.6 MB, spent
    /// 89% of its time there.)
    @inline(__always)
    private static func line(at position: Int, in buffer: UnsafeBufferPointer<UInt8>,
                             _ pointer: UnsafePointer<UInt8>) -> (contentEnd: Int, end: Int) {
        let count = buffer.count
        var from = position
        var window = 256
        while from < count {
            let stop = min(count, from + window)
            let lf = memchr(pointer + from, Int32(ASCII.lineFeed), stop - from).map { UnsafeRawPointer($0) - UnsafeRawPointer(pointer) }
            let crStop = lf ?? stop
            if let cr = memchr(pointer + from, Int32(ASCII.carriageReturn), crStop - from).map({ UnsafeRawPointer($0) - UnsafeRawPointer(pointer) }) {
                if cr + 1 < count, buffer[cr + 1] == ASCII.lineFeed { return (cr, cr + 2) }
                return (cr, cr + 1)   // a lone CR ends the line (CR-only files)
            }
            if let lf { return (lf, lf + 1) }
            from = stop
            window &*= 2
        }
        return (count, count)
    }

    /// The line whose content goes on at `position` (at or after its start, before its end): where its
    /// content ends and where the next line starts, as `line(at:in:_:)` answers. Its end is the first CR
    /// or LF (a CR before the first LF ends the line, with that LF when it follows at once), found
    /// sixteen bytes at a time (SSE2 compares of SIMD16 vectors, as `HeaderParameters.parse`), the
    /// buffer's last fifteen bytes one by one: only the line's own bytes are read. (A memchr for LF per
    /// line and one for CR cached across lines cost ~35 instructions a call, 106,938 calls, 3.75M on
    /// bsd.mbox x3, besides their bookkeeping.)
    @inline(__always)
    private static func lineEnd(from position: Int, in buffer: UnsafeBufferPointer<UInt8>,
                                _ pointer: UnsafePointer<UInt8>, _ read: inout ReadBytes) -> (contentEnd: Int, end: Int) {
        let count = buffer.count
        let raw = UnsafeRawPointer(pointer)
        // The bytes 0...13 (NUL, the controls, tab, LF, CR) found by one xor and one signed compare
        // (`pcmpgtb`): the xor moves 0...13 to -128...-115. A NUL found is noted (`ReadBytes`: the
        // search passes over no byte it has not compared, so it sees every NUL of the line) and a
        // tab or other control byte stepped over; the blocks' OR is left to tell 8-bit bytes only.
        // A compare of each block with NUL and its OR into the read bytes cost three instructions a
        // block more (bsd.mbox x3, 302,118 blocks; with `scanFields` called without a closure: its
        // two callers 16.50M -> 15.46M instructions, `Main.main` 287.95M -> 286.82M). `any(marked)`
        // to pass a block over became a call to a scalar `SIMD.min()` a block (25.4M).
        var i = max(position, 0)
        // Offsets stay within `0...count`, so they are moved with `&+` (no overflow check a block), and
        // the end found is read through `pointer` (it lies before `count`). The first CR or LF is
        // reached by a labelled break, not tested for a sentinel after the loops. (bsd.mbox x3, with
        // the same in `plainNameColon`: scanFields 13.81M -> 13.43M instructions.)
        let found: Int
        search: do {
            // Two blocks a step while 32 bytes are left: their masks joined into one word, one test and
            // one bound check for the pair (a header line is ~3 blocks long: bsd.mbox x3, 268,455 blocks
            // at 12 instructions each one by one). Bytes of the second block past a stop in the first are
            // taken into `read` too: an 8-bit byte there may cost a `scanForOddBytes` pass that finds
            // nothing, never a defect missed (NULs are still noted by the stops of the line that holds them).
            while i &+ 32 <= count {
                let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let next = raw.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self)
                read.add(block | next)
                let mask = bs_mask16_below(pointer + i, ASCII.carriageReturn &+ 1)
                    | bs_mask16_below(pointer + (i &+ 16), ASCII.carriageReturn &+ 1) &<< 16
                if mask != 0 {
                    let stop = i &+ mask.trailingZeroBitCount
                    let byte = pointer[stop]
                    if byte == ASCII.carriageReturn || byte == ASCII.lineFeed { found = stop; break search }
                    if byte == 0 { read.addNul() }
                    i = stop &+ 1   // a NUL, tab or other control byte
                    continue
                }
                i &+= 32
            }
            while i &+ 16 <= count {
                let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                read.add(block)
                let mask = bs_mask16_below(pointer + i, ASCII.carriageReturn &+ 1)
                if mask != 0 {
                    let stop = i &+ mask.trailingZeroBitCount
                    let byte = pointer[stop]
                    if byte == ASCII.carriageReturn || byte == ASCII.lineFeed { found = stop; break search }
                    if byte == 0 { read.addNul() }
                    i = stop &+ 1   // a NUL, tab or other control byte
                    continue
                }
                i &+= 16
            }
            while i < count {
                let byte = pointer[i]
                read.add(byte)
                if byte == ASCII.carriageReturn || byte == ASCII.lineFeed { found = i; break search }
                i &+= 1
            }
            return (count, count)
        }
        if pointer[found] == ASCII.lineFeed { return (found, found &+ 1) }
        if found &+ 1 < count, pointer[found &+ 1] == ASCII.lineFeed { return (found, found &+ 2) }
        return (found, found &+ 1)   // a lone CR ends the line (CR-only files)
    }

    /// The colon that ends the name of a field line starting at `lineStart` when every byte before it is
    /// ftext (RFC 5322 §3.6.8: printable US-ASCII but colon), read sixteen bytes at a time from `from`
    /// (after the bytes `scanFields` found ftext in its first block) over at most 64 bytes from the
    /// line's start; -1 when the first byte that is no ftext is not a colon, or none is found in reach
    /// (the byte loop of `scanFields` then reads the line). Such a line is a field, its name up to the
    /// colon with no defect, and holds no CR or LF before the colon.
    @inline(__always)
    private static func plainNameColon(at lineStart: Int, from: Int, in buffer: UnsafeBufferPointer<UInt8>,
                                       _ pointer: UnsafePointer<UInt8>) -> Int {
        let count = buffer.count
        var i = max(from, 0)
        while i &+ 16 <= count, i &- lineStart < 64 {
            // Below 33 or above 126, or the colon: the mask's bits, the lane sought only in the block
            // that holds one.
            let stops = bs_mask16_name_stops(pointer + i)
            if stops != 0 {
                let stop = i &+ stops.trailingZeroBitCount
                return pointer[stop] == ASCII.colon ? stop : -1
            }
            i &+= 16
        }
        return -1
    }

    /// Calls `body` with the fields of the header section at the start of `bytes`, as `parse(bytes,
    /// limits:)` reads them (within `limits.maxHeaderFields`), as `scanFields` staged them: offsets
    /// from `bytes.startIndex`, a run at a time (those on the stack, then any past its room), without
    /// making the `HeaderField`s or the section: for readers that keep ranges of their own (the
    /// delivery-status groups). A call a run, not a field: handed one field at a time as two ranges
    /// (the call, the context's thunk and the ranges' checks), 3.32M -> 3.09M instructions with the
    /// reader's closure (bsd.mbox x3, 2,271 groups, 9,447 fields).
    /// - Returns: where the section's bytes (`raw`) start and end, `bodyStart` being the end, and
    ///   whether they may hold a NUL or an 8-bit byte (when false, they hold neither: the scan's
    ///   `ReadBytes`, so a reader need not test them again).
    package static func forEachFieldRun(
        in bytes: ByteSlice, limits: ParsingLimits = .init(),
        _ body: (_ fields: UnsafeBufferPointer<StagedField>) -> Void
    ) -> (sectionStart: Int, bodyStart: Int, mayHoldOddBytes: Bool) {
        let base = bytes.startIndex
        let scanned = withUnsafeTemporaryAllocation(of: StagedField.self, capacity: stagedCapacity) { staged in
            bytes.withUnsafeBufferPointer { buffer in
                var overflow: [StagedField] = []
                let scanned = scanFields(buffer, limits: limits, into: staged, overflow: &overflow)
                let onStack = scanned.count - overflow.count
                if onStack > 0 { body(UnsafeBufferPointer(rebasing: staged[..<onStack])) }
                if !overflow.isEmpty { overflow.withUnsafeBufferPointer(body) }
                return scanned
            }
        }
        return (base + scanned.sectionStart, base + scanned.end, scanned.mayHoldOddBytes)
    }

    /// Reads the section at the start of `buffer`: stages each field kept (name start and end, value
    /// start and end as offsets from the buffer's start, folded) in `staged`, those past its room
    /// appended to `overflow`. A function with no closure to call: handed one, it was specialised for
    /// each caller's, and small changes to it stopped the optimizer from doing so (Benchmarks/HISTORY.md:
    /// +1.5M to +3.0M each). It reads the buffer alone, the envelope line too: handed the slice as
    /// well, for that line only (bsd.mbox x3: scanFields 15.46M -> 15.37M, HeaderSection.init
    /// 18.10M -> 17.98M instructions).
    private static func scanFields(
        _ buffer: UnsafeBufferPointer<UInt8>, limits: ParsingLimits,
        into staged: UnsafeMutableBufferPointer<StagedField>, overflow: inout [StagedField]
    ) -> ScannedSection {
        guard let pointer = buffer.baseAddress else {
            return ScannedSection(sectionStart: 0, end: 0, defects: .truncatedHeaderSection, count: 0, mayHoldOddBytes: false)
        }
        let count = buffer.count
        var found = HeaderDefects()
        var kept = 0
        var position = 0
        // A mbox envelope line left in front of the header (seen in sisimai maildir/bsd files that
        // start with "From MAILER-DAEMON ..."): skip it.
        // Its first byte tested in place first: the prefix test is a call (~40 instructions) at each of
        // 7,860 sections on bsd.mbox x3, nearly none of which starts with an F.
        if count >= 5, buffer[0] | 0x20 == UInt8(ascii: "f"), buffer.hasPrefixCaseInsensitive("from ") {
            let first = line(at: 0, in: buffer, pointer)
            if isEnvelopeLine(UnsafeBufferPointer(rebasing: buffer[..<first.contentEnd])) {
                found.insert(.envelopeLineInHeader)
                position = first.end
            }
        }
        let sectionStart = position
        // The field being read, as offsets; `nameStart` < 0 when there is none.
        var nameStart = -1, nameEnd = 0, valueStart = 0, valueEnd = 0
        var folded = false
        /// Adds the field whose name starts at `nameStart` (complete once the next line is not a
        /// continuation, or at the end of the input), within the field limits.
        func appendPending() {
            if kept >= limits.maxHeaderFields {
                found.insert(.tooManyFields)
            } else {
                if valueEnd &- valueStart > limits.maxFieldBytes { found.insert(.fieldTooLong) }
                let field = StagedField(nameStart: nameStart, nameEnd: nameEnd, valueStart: valueStart,
                                        valueEnd: valueEnd, isFolded: folded)
                if kept < staged.count {
                    (staged.baseAddress.unsafelyUnwrapped + kept).initialize(to: field)
                } else {
                    overflow.append(field)
                }
                kept &+= 1
            }
        }
        var end = count
        var reachedBody = false
        var read = ReadBytes()

        while position < count {
            let lineStart = position
            // Most lines are fields whose name is plain ftext: its colon found first, the line's end is
            // searched for after it (no CR or LF lies before it).
            // A line that starts with a space or tab (a continuation: most lines of Received and
            // DKIM-Signature fields) has no name: its first byte is no ftext, so `plainNameColon` would
            // load a block only to answer -1 (bsd.mbox x3: scanFields 14.57M -> 14.13M instructions).
            let first = buffer[lineStart]
            if first <= ASCII.carriageReturn, first == ASCII.lineFeed || first == ASCII.carriageReturn {
                // The blank line that ends the section (RFC 5322 §2.1), its end (LF, CRLF or a lone CR)
                // read here: searched for as any line's, after the name block that finds no name, it
                // cost ~50 instructions a section (bsd.mbox x3, 10,317 sections), and the bytes of the
                // body the search read were taken into `read` (a `scanForOddBytes` pass that found
                // nothing where the body held 8-bit bytes).
                var lineEnd = lineStart &+ 1
                if first == ASCII.carriageReturn, lineEnd < count, pointer[lineEnd] == ASCII.lineFeed { lineEnd &+= 1 }
                if lineEnd > limits.maxHeaderBytes {
                    found.insert(.headerTooLong)
                    end = lineStart
                } else {
                    end = lineEnd
                }
                if nameStart >= 0 {
                    appendPending()
                    nameStart = -1
                }
                reachedBody = true
                break
            }
            if ASCII.isWhitespace(first) {
                // A continuation, read whole here (its first byte told once: tested again after its
                // end was found, as for every line, it cost ~4 instructions a line, bsd.mbox x3). Its
                // end is searched for after its first byte, a blank: a tab there would be a stop of the
                // search (`lineEnd`). Its first byte is no line end, so it is not blank.
                let (contentEnd, lineEnd) = Self.lineEnd(from: lineStart &+ 1, in: buffer, pointer, &read)
                position = lineEnd
                if lineEnd <= limits.maxHeaderBytes {
                    if nameStart >= 0 {
                        valueEnd = contentEnd
                        folded = true
                        continue
                    }
                    var k = lineStart
                    while k < contentEnd, ASCII.isWhitespaceOrNewline(buffer[k]) { k += 1 }
                    // A line of only white space before any field: treat as the blank line.
                    if k == contentEnd {
                        end = lineEnd
                        reachedBody = true
                        break
                    }
                    found.insert(.leadingContinuation)
                    continue
                }
                found.insert(.headerTooLong)
                end = lineStart
                if nameStart >= 0 {
                    appendPending()
                    nameStart = -1
                }
                reachedBody = true
                break
            }
            // Offsets lie within `0...count`: moved with `&+`, without an overflow check (bsd.mbox x3:
            // scanFields 13.43M -> 13.26M instructions). The line starts with a byte that is neither a
            // line end nor a blank (both read above), so it is not empty.
            var plainColon = -1
            var searchStart = lineStart
            // The line's end when the name's block holds it (`blockLineEnd` >= 0: its first CR or LF).
            var blockLineEnd = -1
            if lineStart &+ 16 <= count {
                // The first sixteen bytes read once for the name's colon and the line's end: the first
                // byte that is no ftext (RFC 5322 §3.6.8) or is the colon, as `plainNameColon`, and the
                // first byte below 14 (a CR or LF ending the line, or a NUL, tab or other control the
                // search steps over), as `lineEnd`. Every byte below 14 is a name stop, so none lies
                // before a plain name's colon: most names and many short lines are read in one block,
                // where the name's block and then the value's from the colon on were two loads and two
                // sets of masks. Written here, not as a function: one (`@inline(__always)`) was not
                // inlined and `scanFields` lost its specialised form (bsd.mbox x3: Main.main +6.3M).
                let block = UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: lineStart, as: SIMD16<UInt8>.self)
                // Below 33 or above 126, or the colon: the mask's bits (`pmovmskb`). (The compare's
                // lanes read back as two halves cost ~5 instructions more a line; `any(nameStops)` was
                // a call to a scalar `SIMD.min()` a line: bsd.mbox x3, 69,816 calls, 2.16M instructions.)
                let stops = bs_mask16_name_stops(pointer + lineStart)
                if stops != 0 {
                    let stop = lineStart &+ stops.trailingZeroBitCount
                    if pointer[stop] == ASCII.colon {
                        plainColon = stop
                        searchStart = lineStart &+ 16
                        // The bytes 0...13 as `lineEnd` finds them.
                        read.add(block)
                        let ends = bs_mask16_below(pointer + lineStart, ASCII.carriageReturn &+ 1)
                        if ends != 0 {
                            let end = lineStart &+ ends.trailingZeroBitCount
                            let byte = pointer[end]
                            if byte == ASCII.carriageReturn || byte == ASCII.lineFeed {
                                blockLineEnd = end
                            } else {
                                if byte == 0 { read.addNul() }
                                searchStart = end &+ 1   // a NUL, tab or other control byte
                            }
                        }
                    }
                } else {
                    // A name of sixteen bytes or more: its colon looked for in the next three blocks.
                    plainColon = plainNameColon(at: lineStart, from: lineStart &+ 16, in: buffer, pointer)
                    if plainColon >= 0 { searchStart = plainColon &+ 1 }
                }
            }
            let contentEnd: Int, lineEnd: Int
            if blockLineEnd < 0 {
                (contentEnd, lineEnd) = Self.lineEnd(from: searchStart, in: buffer, pointer, &read)
            } else if pointer[blockLineEnd] == ASCII.lineFeed {
                (contentEnd, lineEnd) = (blockLineEnd, blockLineEnd &+ 1)
            } else if blockLineEnd &+ 1 < count, pointer[blockLineEnd &+ 1] == ASCII.lineFeed {
                (contentEnd, lineEnd) = (blockLineEnd, blockLineEnd &+ 2)
            } else {
                (contentEnd, lineEnd) = (blockLineEnd, blockLineEnd &+ 1)   // a lone CR ends the line (CR-only files)
            }
            position = lineEnd
            var endsSection = false
            if lineEnd > limits.maxHeaderBytes {
                found.insert(.headerTooLong)
                end = lineStart
                endsSection = true
            }
            var colon = lineStart
            var lineNameEnd = lineStart
            var isField = false
            if !endsSection, plainColon >= 0 {
                // What the loop below finds for such a name: the colon, no blank and no defect.
                colon = plainColon
                lineNameEnd = plainColon
                isField = true
            } else if !endsSection {
                // The name up to the colon, checked on the way. RFC 5322 §3.6.8: ftext is printable
                // US-ASCII except colon; a space or tab inside the name (before trailing white space)
                // means this is prose, and only the bytes before the first one count as the name's.
                var firstBlank = -1
                var invalid = false
                // Eight name bytes at a time while all are ftext other than the colon (most names).
                while colon + 8 <= contentEnd {
                    let word = UnsafeRawPointer(pointer + colon).loadUnaligned(as: UInt64.self)
                    if ByteWord.hasByte(word, below: 33) || word & ByteWord.highs != 0
                        || ByteWord.hasByte(word, 127) || ByteWord.hasByte(word, ASCII.colon) { break }
                    colon += 8
                }
                while colon < contentEnd {
                    let byte = buffer[colon]
                    if byte == ASCII.colon { break }
                    if byte &- 33 > 93 {   // below 33 or above 126
                        if byte == ASCII.space || byte == ASCII.tab {
                            if firstBlank < 0 { firstBlank = colon }
                        } else if firstBlank < 0 {
                            invalid = true
                        }
                    }
                    colon += 1
                }
                if colon < contentEnd {
                    lineNameEnd = colon
                    while lineNameEnd > lineStart, ASCII.isWhitespace(buffer[lineNameEnd - 1]) { lineNameEnd -= 1 }
                    if lineNameEnd < colon { found.insert(.spaceBeforeColon) }
                    if invalid { found.insert(.invalidFieldName) }
                    isField = firstBlank < 0 || firstBlank >= lineNameEnd
                }
                if !isField {
                    // RFC 5322 §2.1: the body follows the blank line; a line that is no field starts the body.
                    found.insert(.missingBlankLine)
                    end = lineStart
                    endsSection = true
                }
            }
            // The field before this line is complete.
            if nameStart >= 0 {
                appendPending()
                nameStart = -1
            }
            if endsSection {
                reachedBody = true
                break
            }
            if lineNameEnd == lineStart { found.insert(.emptyFieldName) }
            nameStart = lineStart
            nameEnd = lineNameEnd
            valueStart = colon &+ 1
            valueEnd = contentEnd
            folded = false
        }
        if !reachedBody {
            if nameStart >= 0 { appendPending() }
            found.insert(.truncatedHeaderSection)
            end = count
        }
        return ScannedSection(sectionStart: sectionStart, end: end, defects: found, count: kept,
                              mayHoldOddBytes: read.mayHoldOddBytes)
    }

    /// `parse` by the original line walk (`LineScanner`, slices), kept for the tests to compare with:
    /// the same records as `init(fieldsOf:limits:)` makes.
    static func parseByLineScanner(_ bytes: ByteSlice, limits: ParsingLimits = .init()) -> HeaderSection {
        var defects = HeaderDefects()
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
        var records: [FieldRecord] = []
        records.reserveCapacity(8)
        var current: (nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int, folded: Bool)?
        var end = bytes.endIndex
        var reachedBody = false
        let byteLimit = bytes.startIndex + min(limits.maxHeaderBytes, Self.maxSectionBytes)

        func finish() {
            guard let field = current else { return }
            current = nil
            if records.count >= limits.maxHeaderFields {
                defects.insert(.tooManyFields)
                return
            }
            if field.valueEnd - field.valueStart > limits.maxFieldBytes { defects.insert(.fieldTooLong) }
            let key = bytes[field.nameStart..<field.nameEnd].withUnsafeBufferPointer(HeaderField.nameKey(lowercasing:))
            records.append(FieldRecord(
                key: key, nameStart: field.nameStart - sectionStart, nameEnd: field.nameEnd - sectionStart,
                valueStart: field.valueStart - sectionStart, valueEnd: field.valueEnd - sectionStart,
                isFolded: field.folded))
        }

        while let line = scanner.next() {
            if line.end > byteLimit {
                defects.insert(.headerTooLong)
                finish()
                end = line.content.lowerBound
                reachedBody = true
                break
            }
            let content = line.content
            if content.isEmpty {
                finish()
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
                finish()
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
                finish()
                defects.insert(.missingBlankLine)
                end = content.lowerBound
                reachedBody = true
                break
            }
            if nameEnd == content.lowerBound { defects.insert(.emptyFieldName) }
            finish()
            current = (content.lowerBound, nameEnd, colon + 1, content.upperBound, false)
        }
        if !reachedBody {
            finish()
            defects.insert(.truncatedHeaderSection)
            end = bytes.endIndex
        }
        var section = HeaderSection(
            fields: Fields(raw: bytes[sectionStart..<end], records: records, maxFieldBytes: limits.maxFieldBytes),
            defects: defects, bodyStart: end)
        section.scanForOddBytes()
        return section
    }

    /// Records 8-bit and NUL bytes in the section (`raw`): an OR of all bytes (a loop the compiler
    /// vectorises) and memchr for NUL, instead of a word loop that tested both on each word.
    private mutating func scanForOddBytes() {
        let (eightBit, nul) = fields.raw.withUnsafeBufferPointer { buffer -> (Bool, Bool) in
            guard let base = buffer.baseAddress else { return (false, false) }
            var any: UInt8 = 0
            for byte in buffer { any |= byte }
            return (any & 0x80 != 0, memchr(base, 0, buffer.count) != nil)
        }
        if eightBit { defects.insert(.eightBitBytes) }
        if nul { defects.insert(.nulBytes) }
    }

    /// Whether a line that starts with `From ` is a mbox From_ line rather than an obsolete-syntax
    /// `From : name` field (RFC 5322 §4.5.2 allows white space before the colon).
    private static func isEnvelopeLine(_ line: ByteSlice) -> Bool {
        var i = line.startIndex + 4
        while i < line.endIndex, ASCII.isWhitespace(line[i]) { i += 1 }
        return i < line.endIndex && line[i] != ASCII.colon
    }

    /// `isEnvelopeLine` of a line's bytes (`scanFields`; the line walk keeps the slice's).
    private static func isEnvelopeLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 4
        while i < line.count, ASCII.isWhitespace(line[i]) { i += 1 }
        return i < line.count && line[i] != ASCII.colon
    }

    /// Calls `body` with each field named `lowercaseName`, in order, in place (`HeaderFieldInPlace`),
    /// until it returns false: the one walk of every lookup by name below. Each field's name is compared
    /// in place in the section's bytes, its key first (most fields are passed over on it alone;
    /// `FieldRecord.hasName(_:key:in:)`), and nothing is copied out (a `HeaderField` made retains the
    /// section's bytes, the larger part of a lookup).
    @inlinable @inline(__always)
    func forEachIndex(named lowercaseName: String, _ body: (FieldRecord, UnsafeBufferPointer<UInt8>) -> Bool) {
        var name = lowercaseName
        name.withUTF8 { expected in
            let key = HeaderField.nameKey(expected)
            fields.withUnsafeRecords { records, bytes in
                for i in 0..<records.count where records[i].hasName(expected, key: key, in: bytes) {
                    if !body(records[i], bytes) { return }
                }
            }
        }
    }

    /// The first field named `lowercaseName`, or nil.
    public func first(_ lowercaseName: String) -> HeaderField? {
        var found: HeaderField? = nil
        forEachIndex(named: lowercaseName) { record, _ in
            found = fields.field(record)
            return false
        }
        return found
    }

    /// Every field named `lowercaseName`, in order.
    public func all(_ lowercaseName: String) -> [HeaderField] {
        var matching: [HeaderField] = []
        forEachField(named: lowercaseName) { matching.append($0) }
        return matching
    }

    /// Calls `body` with each field named `lowercaseName`, in order, read in place: for readers that
    /// only look at each match (`all` keeps them in an array).
    public func forEachField(named lowercaseName: String, _ body: (HeaderField) -> Void) {
        forEachIndex(named: lowercaseName) { record, _ in
            body(fields.field(record))
            return true
        }
    }

    /// Calls `body` with the unfolded value (`HeaderField.unfoldedValue`) of each field named
    /// `lowercaseName`, in order, until it returns false. The fields are read in place: a
    /// `HeaderField` made of each retained and released the section's bytes (the scan record's From
    /// and To: 30,000 fields on bsd.mbox x3).
    package func forEachUnfoldedValue(named lowercaseName: String, _ body: (ByteSlice) -> Bool) {
        forEachIndex(named: lowercaseName) { record, bytes in body(fields.unfoldedValue(record, in: bytes)) }
    }

    /// Several lookups in one walk over the fields: the first field of each name in `firstOf`, and
    /// every field of each name in `allOf`, in order. Where a reader asks a dozen names of one header
    /// section, `first` and `all` would walk it a dozen times.
    /// - Parameters:
    ///   - firstOf: lower-case names; the result has one entry per name, nil when absent.
    ///   - allOf: lower-case names; the result has one array per name.
    public func fields(firstOf: [String], allOf: [String] = []) -> (first: [HeaderField?], all: [[HeaderField]]) {
        fields(HeaderNameTable(firstOf: firstOf, allOf: allOf))
    }

    /// `fields(firstOf:allOf:)` with the names compiled once (a reader that asks the same names of
    /// every message keeps the table).
    public func fields(_ table: HeaderNameTable) -> (first: [HeaderField?], all: [[HeaderField]]) {
        // Appended element by element: `Array(repeating:count:)` and `Array(unsafeUninitializedCapacity:)`
        // both allocate through the standard library's unspecialized path, which looks the array type's
        // metadata up at run time (~250 instructions a call more, for an array of optionals).
        let firstCount = table.firstCount
        let names = table.bounds.count - 1
        var first: [HeaderField?] = []
        first.reserveCapacity(firstCount)
        for _ in 0..<firstCount { first.append(nil) }
        var all: [[HeaderField]] = []
        all.reserveCapacity(names - firstCount)
        for _ in firstCount..<names { all.append([]) }
        forEachField(in: table) { k, field in
            if k < firstCount { first[k] = field } else { all[k - firstCount].append(field) }
        }
        return (first, all)
    }

    /// `fields(_:)` read in place, for a reader that only looks at each match: `body(k, field)` for the
    /// first field of each of the table's first names and for every field of each of the others, in
    /// the section's order, `k` the name's place in the table (`firstOf`, then `allOf`). No array is
    /// made (the classifier's `fields(_:)` calls made 2 + one per `allOf` name arrays, copied each
    /// match into one and released them all: sisimai bsd mbox x3, 10.9M instructions over 3,342 calls);
    /// each match is still handed over as a `HeaderField` made of it (a retain of the section's bytes),
    /// which `forEachFieldInPlace` and `forEachUnfoldedValue` avoid.
    package func forEachField(in table: HeaderNameTable, _ body: (_ name: Int, _ field: HeaderField) -> Void) {
        forEachMatch(in: table) { k, record, _ in body(k, fields.field(record)) }
    }

    /// `forEachField(in:_:)` handing `body` each match in place (`HeaderFieldInPlace`), for a reader
    /// that takes a value or two of it: handing the field itself copied it before each call and
    /// destroyed the copy after (sisimai bsd mbox x3: 19,992 copies 1.80M + destroys 1.26M instructions
    /// over 3,342 walks).
    ///
    /// Inlined (with `forEachUnfoldedValue(in:_:)` and the walk) into the readers of other modules,
    /// so that their closures are inlined into the loop: called through the module's entry point,
    /// each match was a call of a closure context (bsd.mbox x3: ~48,000 calls over 8,676 walks;
    /// `Main.main` 322.09M -> 320.84M instructions).
    @inlinable @inline(__always)
    package func forEachFieldInPlace(in table: HeaderNameTable, _ body: (_ name: Int, _ field: HeaderFieldInPlace) -> Void) {
        forEachMatch(in: table) { k, record, bytes in
            body(k, HeaderFieldInPlace(storage: fields.storage, bytes: bytes, record: record))
        }
    }

    /// `forEachField(in:_:)` handing `body` each match's unfolded value (`HeaderField.unfoldedValue`),
    /// read in place: handing the field itself copies it (a retain and a release of each of its slices).
    @inlinable
    package func forEachUnfoldedValue(in table: HeaderNameTable, _ body: (_ name: Int, _ value: ByteSlice) -> Void) {
        forEachMatch(in: table) { k, record, bytes in body(k, fields.unfoldedValue(record, in: bytes)) }
    }

    /// The walk of `forEachField(in:_:)`: `body(k, record, bytes)` for each match, `bytes` the section's.
    /// Each field's name is compared in place with the table's names by its key (`HeaderField.nameKey`)
    /// and length, the bytes after the eighth only where both agree; only with the names of its slot
    /// (`HeaderNameTable.slot(length:key:)`) still wanted (a first-only name leaves once found), most
    /// fields with none. (Tested against one 64-bit filter, a field that passed it was compared with
    /// every name, each Received after the first with all ten of the notice's: bsd.mbox x3, the walks'
    /// own instructions `forEachFieldInPlace(in:)` 4.37M -> 1.94M, `forEachUnfoldedValue(in:)` 2.21M ->
    /// 1.53M.)
    @inlinable @inline(__always)
    func forEachMatch(in table: HeaderNameTable,
                      _ body: (_ name: Int, _ record: FieldRecord, _ bytes: UnsafeBufferPointer<UInt8>) -> Void) {
        let firstCount = table.firstCount
        var live = table.allNames
        table.bytes.withUnsafeBufferPointer { bytes in
            table.bounds.withUnsafeBufferPointer { bounds in
                table.keys.withUnsafeBufferPointer { keys in
                    table.slots.withUnsafeBufferPointer { slots in
                        fields.withUnsafeRecords { records, fieldBytes in
                            for i in records.indices {
                                let length = Int(records[i].nameCount)
                                let key = records[i].key
                                var candidates = slots[HeaderNameTable.slot(length: length, key: key)] & live
                                while candidates != 0 {
                                    let k = candidates.trailingZeroBitCount
                                    candidates &= candidates &- 1
                                    let start = bounds[k]
                                    guard keys[k] == key, bounds[k + 1] &- start == length else { continue }
                                    if length > 8 {
                                        let name = records[i].name(in: fieldBytes)
                                        var same = true
                                        for j in 8..<length where ASCII.lowercased(name[j]) != bytes[start + j] {
                                            same = false
                                            break
                                        }
                                        if !same { continue }
                                    }
                                    guard k < firstCount else {
                                        body(k, records[i], fieldBytes)
                                        continue
                                    }
                                    live &= ~(1 << UInt64(k))
                                    body(k, records[i], fieldBytes)
                                    if live == 0 { return }   // every name was first-only, and is found
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The first field named `lowercaseName` as an unfolded, undecoded String.
    public subscript(_ lowercaseName: String) -> String? {
        // The value unfolded in place (`first(_:)` copied the field out and destroyed the copy: a retain
        // and a release of each of its slices).
        firstUnfoldedValue(named: lowercaseName)?.utf8String
    }

    /// The unfolded value (`HeaderField.unfoldedValue`) of the first field named `lowercaseName`, or
    /// nil: `first(lowercaseName)?.unfoldedValue`, read in place (without the copy of the field).
    package func firstUnfoldedValue(named lowercaseName: String) -> ByteSlice? {
        var found: ByteSlice? = nil
        forEachUnfoldedValue(named: lowercaseName) { value in
            found = value
            return false
        }
        return found
    }

    /// Whether a field is named `lowercaseName`: `first(lowercaseName) != nil`, without the copy of the field.
    package func hasField(named lowercaseName: String) -> Bool {
        var found = false
        forEachIndex(named: lowercaseName) { _, _ in
            found = true
            return false
        }
        return found
    }

    /// Calls `body` with each field named `lowercaseName`, in order, in place (`HeaderFieldInPlace`),
    /// until it returns false: `forEachField(named:_:)` without the copy of each field it hands over.
    /// Inlined, with its walk, into the bounce analysis' lookups (with `MIMEPart.isEncapsulating`,
    /// bsd.mbox x3: 2,829 calls and ~4,500 closure calls through the module's entry point; `Main.main`
    /// 320.84M -> 320.30M instructions).
    @inlinable @inline(__always)
    package func forEachFieldInPlace(named lowercaseName: String, _ body: (HeaderFieldInPlace) -> Bool) {
        forEachIndex(named: lowercaseName) { record, bytes in
            body(HeaderFieldInPlace(storage: fields.storage, bytes: bytes, record: record))
        }
    }
}

extension HeaderSection {
    /// The section's field names as a 256-bit filter: bit `nameFilterBit(count:key:)` of each name
    /// (for DeliveryStatus's `HeaderNameFilter`). Made of each field's kept length and key
    /// (`HeaderField.nameKey`), without reading the names' bytes: read through each name's slice, it
    /// cost ~35 instructions a field (bsd.mbox x3, 1,887 sections: 1.82M).
    package var nameFilterBits: SIMD4<UInt64> {
        var bits = SIMD4<UInt64>.zero
        fields.withUnsafeRecords { records, _ in
            for i in records.indices where records[i].nameCount > 0 {
                let bit = Self.nameFilterBit(count: Int(records[i].nameCount), key: records[i].key)
                bits[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        return bits
    }

    /// The filter bit (0..<256) of a name of `count` bytes whose key (`HeaderField.nameKey`) is `key`,
    /// mixed by one multiplication (Fibonacci hashing): equal names (ASCII case aside) have equal bits;
    /// names of one length and first eight bytes collide, which costs a scan, never a wrong answer.
    @inline(__always)
    package static func nameFilterBit(count: Int, key: UInt64) -> Int {
        let mixed = (key ^ UInt64(truncatingIfNeeded: count)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 56)
    }

    /// `nameFilterBit(count:key:)` of a lower-case name's bytes; nil for the empty name (no field has
    /// it).
    @inline(__always)
    package static func nameFilterBit(ofLowercase name: UnsafeBufferPointer<UInt8>) -> Int? {
        name.isEmpty ? nil : nameFilterBit(count: name.count, key: HeaderField.nameKey(name))
    }
}

/// Lower-case field names compiled once for `HeaderSection.fields(_:)`: the names whose first field
/// is wanted, then those whose every field is (64 at most); their bytes one after another, their keys,
/// and for each of 64 slots chosen by a name's length and key, the names in it.
public struct HeaderNameTable: Sendable {
    /// How many of the names (the first ones) want only their first field.
    public let firstCount: Int
    /// The names' bytes, lower case, one after another.
    @usableFromInline let bytes: [UInt8]
    /// Name k is `bytes[bounds[k]..<bounds[k + 1]]` (one more entry than names).
    @usableFromInline let bounds: [Int]
    /// Name k's `HeaderField.nameKey(_:)`.
    @usableFromInline let keys: [UInt64]
    /// Slot s (`slot(length:key:)`): bit k set for each name k in it. A field whose slot holds none is
    /// none of them.
    @usableFromInline let slots: [UInt64]
    /// Bit k set for each name k.
    @usableFromInline let allNames: UInt64

    /// A table for the first field of each of `firstOf` and every field of each of `allOf`.
    /// - Parameters:
    ///   - firstOf: lower-case names.
    ///   - allOf: lower-case names; 64 names at most in all.
    public init(firstOf: [String], allOf: [String] = []) {
        precondition(firstOf.count + allOf.count <= 64, "HeaderNameTable: more than 64 names")
        firstCount = firstOf.count
        var bytes: [UInt8] = []
        var bounds = [0]
        var slots = [UInt64](repeating: 0, count: 64)
        var keys: [UInt64] = []
        for (k, name) in (firstOf + allOf).enumerated() {
            let nameBytes = Array(name.utf8)
            keys.append(nameBytes.withUnsafeBufferPointer { HeaderField.nameKey($0) })
            bytes.append(contentsOf: nameBytes)
            bounds.append(bytes.count)
            // The empty name in no slot: no field has it (a field read without a name has none).
            if !nameBytes.isEmpty { slots[Self.slot(length: nameBytes.count, key: keys[k])] |= 1 << UInt64(k) }
        }
        self.bytes = bytes
        self.bounds = bounds
        self.keys = keys
        self.slots = slots
        let count = keys.count
        allNames = count == 64 ? ~0 : (1 << UInt64(count)) &- 1
    }

    /// The slot (0..<64) of a name's length and key (`HeaderField.nameKey`), mixed by one
    /// multiplication: equal names have equal slots. By the length alone, a field of a length some
    /// name has (8: Received and Reply-To) was compared with every name; by length and key, fewer are
    /// (bsd.mbox x3: `fields(_:)` 6.06M -> 5.77M instructions).
    @inlinable @inline(__always)
    static func slot(length: Int, key: UInt64) -> Int {
        let mixed = (key ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 58)
    }
}

/// A field of a header section read where it lies, during `HeaderSection.forEachFieldInPlace`: valid
/// only inside the call it is handed to (it points to the section's storage and into its bytes).
///
/// `rawValue` and `unfoldedValue` are inlined into the walks' closures in other modules (the scan's
/// and the bounce analysis' header readers): through the module's entry points they were ~20,000
/// calls on bsd.mbox x3 (`Main.main` 322.56M -> 322.09M instructions). The type must be
/// `@usableFromInline` for that: without it the compiler kept the `@inlinable` bodies out of the
/// module's interface and every caller still called them.
@usableFromInline package struct HeaderFieldInPlace {
    /// The section's fields (for the slices of its bytes `rawValue` and `unfoldedValue` make), not
    /// retained: the walk that hands the field over holds them. (Read from an `unowned(unsafe)`
    /// reference, each use retained and released it: bsd.mbox x3, ~11,000 values.)
    @usableFromInline let storage: Unmanaged<HeaderSection.FieldStorage>
    /// The section's bytes (`HeaderSection.raw`), read in place.
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    /// The field's record.
    @usableFromInline let record: HeaderSection.FieldRecord

    /// The field `record` of the section stored in `storage`, whose bytes are `bytes`.
    @inlinable @inline(__always)
    init(storage: HeaderSection.FieldStorage, bytes: UnsafeBufferPointer<UInt8>, record: HeaderSection.FieldRecord) {
        self.storage = Unmanaged.passUnretained(storage)
        self.bytes = bytes
        self.record = record
    }

    /// The field's raw value (`HeaderField.rawValue`).
    @inlinable @inline(__always) package var rawValue: ByteSlice {
        storage._withUnsafeGuaranteedRef { $0.rawValue(record) }
    }

    /// The field's raw value's bytes in place (`rawValue`'s bytes), valid while the walk that hands the
    /// field over runs: for a reader that only looks at them, without the slice `rawValue` makes (a
    /// retain and a release a field: bsd.mbox x3, 4,902 Received fields in the bounce context's raw
    /// marks, 1,311 in its providers' walk).
    @inlinable @inline(__always) package var rawValueBytes: UnsafeBufferPointer<UInt8> {
        record.rawValue(in: bytes)
    }

    /// The field's unfolded value (`HeaderField.unfoldedValue`), made from its parts where they lie.
    @inlinable @inline(__always) package var unfoldedValue: ByteSlice {
        storage._withUnsafeGuaranteedRef { $0.unfoldedValue(record, in: bytes) }
    }

    /// `Fields.maxFieldBytes` of the section.
    @inlinable @inline(__always) var maxFieldBytes: Int {
        storage._withUnsafeGuaranteedRef { storage in storage.withUnsafeMutablePointerToHeader { $0.pointee.maxFieldBytes } }
    }

    /// The field's unfolded value as a String (`unfoldedValue.utf8String`), made from the section's
    /// bytes (a folded one from the temporary buffer it is unfolded into), without a slice or an array.
    package var unfoldedValueString: String {
        HeaderField.unfoldedValueString(of: record.rawValue(in: bytes), isFolded: record.isFolded,
                                        maxUnfoldedBytes: maxFieldBytes)
    }

    /// Appends the field's unfolded value to `out` (`HeaderField.appendUnfoldedValue(to:)`), from the
    /// section's bytes.
    package func appendUnfoldedValue(to out: inout [UInt8]) {
        HeaderField.appendUnfoldedValue(of: record.rawValue(in: bytes), isFolded: record.isFolded,
                                        maxUnfoldedBytes: maxFieldBytes, to: &out)
    }

    /// The whole field, for a reader that needs it (a `HeaderField` made of it: one retain).
    @inlinable package var field: HeaderField { storage._withUnsafeGuaranteedRef { $0.field(record) } }
}

extension HeaderSection {
    /// A section's fields: a collection of `HeaderField`s (indices from 0), each made when it is read
    /// from the section's bytes (`raw`) and the field's record (`FieldRecord`).
    ///
    /// The section holds one reference for all its fields (`FieldStorage`: its bytes, then records
    /// with none). A `HeaderField` kept for each (~80 bytes with its own slice of the buffer) was retained
    /// when made and released when the section died: bsd.mbox x3, 52,701 fields,
    /// `closure #1 in HeaderSection.init(fieldsOf:limits:)` 6.38M instructions + 1.16M in its
    /// retains, and their releases under `destroy for ExaminedMessage` (9.55M). Reading an element
    /// costs what copying a field out of the array did (one retain); the walks of `HeaderSection`
    /// and `MIMEParser` read the records and the bytes in place (`withUnsafeRecords`).
    /// (`@unchecked Sendable`: `ManagedBuffer` is not Sendable, but the storage never changes once made.)
    public struct Fields: RandomAccessCollection, @unchecked Sendable {
        /// The section's bytes, limit and records, in one object.
        @usableFromInline let storage: FieldStorage

        /// Fields of `raw` at `records`, unfolded within `maxFieldBytes`.
        init(raw: ByteSlice, records: [FieldRecord], maxFieldBytes: Int) {
            storage = records.withUnsafeBufferPointer { records in
                FieldStorage.make(raw: raw, count: records.count, maxFieldBytes: maxFieldBytes) { target in
                    if let base = records.baseAddress { target.initialize(from: base, count: records.count) }
                }
            }
        }

        /// Fields stored in `storage`.
        @inlinable
        init(storage: FieldStorage) {
            self.storage = storage
        }

        /// 0.
        @inlinable public var startIndex: Int { 0 }
        /// The number of fields.
        @inlinable public var endIndex: Int { storage.withUnsafeMutablePointerToHeader { $0.pointee.count } }

        /// Field `position`, made from its record: its name and raw value are slices of `raw`.
        @inlinable public subscript(position: Int) -> HeaderField { field(record(at: position)) }

        /// The section's bytes (`HeaderSection.raw`): every field lies inside them.
        @inlinable var raw: ByteSlice { storage.withUnsafeMutablePointerToHeader { $0.pointee.raw } }

        /// Bytes kept at most when unfolding a value (`ParsingLimits.maxFieldBytes`, every field's
        /// `HeaderField.maxUnfoldedBytes`).
        @inlinable var maxFieldBytes: Int { storage.withUnsafeMutablePointerToHeader { $0.pointee.maxFieldBytes } }

        /// Field `position`'s record.
        @inlinable @inline(__always)
        func record(at position: Int) -> FieldRecord {
            storage.withUnsafeMutablePointers { header, records in
                precondition(position >= 0 && position < header.pointee.count, "HeaderSection.Fields: index out of range")
                return records[position]
            }
        }

        /// The field of `record` (`FieldStorage.field(_:)`).
        @inlinable @inline(__always)
        func field(_ record: FieldRecord) -> HeaderField { storage.field(record) }

        /// The raw value of `record`'s field (`FieldStorage.rawValue(_:)`).
        @inlinable @inline(__always)
        func rawValue(_ record: FieldRecord) -> ByteSlice { storage.rawValue(record) }

        /// The unfolded value of `record`'s field (`FieldStorage.unfoldedValue(_:in:)`).
        @inlinable @inline(__always)
        func unfoldedValue(_ record: FieldRecord, in bytes: UnsafeBufferPointer<UInt8>) -> ByteSlice {
            storage.unfoldedValue(record, in: bytes)
        }

        /// Calls `body` with the records and `raw`'s bytes: for walks that read every record and look
        /// at the bytes of a few.
        @inlinable @inline(__always)
        func withUnsafeRecords<Result>(
            _ body: (UnsafeBufferPointer<FieldRecord>, UnsafeBufferPointer<UInt8>) -> Result
        ) -> Result {
            storage.withUnsafeMutablePointers { header, records in
                header.pointee.raw.withUnsafeBufferPointer { bytes in
                    body(UnsafeBufferPointer(start: records, count: header.pointee.count), bytes)
                }
            }
        }
    }

    /// What a section's `FieldStorage` holds before its records.
    @usableFromInline
    struct FieldStorageHeader {
        /// The section's bytes (`HeaderSection.raw`).
        @usableFromInline let raw: ByteSlice
        /// How many records follow.
        @usableFromInline let count: Int
        /// `Fields.maxFieldBytes`.
        @usableFromInline let maxFieldBytes: Int

        @usableFromInline
        init(raw: ByteSlice, count: Int, maxFieldBytes: Int) {
            self.raw = raw
            self.count = count
            self.maxFieldBytes = maxFieldBytes
        }
    }

    /// A section's bytes, unfolding limit and field records in one allocation, never changed once
    /// made: a section (and a copy of it) holds one reference. With the bytes and a records array
    /// side by side (two references), a section passed to a function or read in a closure was copied
    /// through its value witness (bsd.mbox x3: ~14,000 copies, ~88 instructions each). No `deinit` of
    /// its own: `ManagedBuffer` destroys the header (the bytes' slice), and the records hold no
    /// references (a trivial type: nothing to destroy). A reference added to `FieldRecord` would need one.
    @usableFromInline
    final class FieldStorage: ManagedBuffer<FieldStorageHeader, FieldRecord> {
        /// A storage of `count` records written by `fill` (it must initialize all), for `raw`.
        @inline(__always)
        static func make(raw: ByteSlice, count: Int, maxFieldBytes: Int,
                         _ fill: (UnsafeMutablePointer<FieldRecord>) -> Void) -> FieldStorage {
            let made = unsafeDowncast(create(minimumCapacity: count) { _ in
                FieldStorageHeader(raw: raw, count: count, maxFieldBytes: maxFieldBytes)
            }, to: FieldStorage.self)
            made.withUnsafeMutablePointerToElements(fill)
            return made
        }

        /// The field of `record`.
        @inlinable @inline(__always)
        func field(_ record: FieldRecord) -> HeaderField {
            withUnsafeMutablePointerToHeader { header in
                let base = header.pointee.raw.startIndex
                let start = base &+ Int(record.nameStart)
                return HeaderField(bytes: header.pointee.raw[start..<(base &+ record.valueEnd)], nameCount: Int(record.nameCount),
                                   valueOffset: Int(record.valueStart &- record.nameStart), offset: start,
                                   isFolded: record.isFolded, maxUnfoldedBytes: header.pointee.maxFieldBytes,
                                   nameKey: record.key)
            }
        }

        /// The raw value of `record`'s field (`HeaderField.rawValue`): a slice of `raw`.
        @inlinable @inline(__always)
        func rawValue(_ record: FieldRecord) -> ByteSlice {
            withUnsafeMutablePointerToHeader { header in
                let base = header.pointee.raw.startIndex
                return header.pointee.raw[(base &+ Int(record.valueStart))..<(base &+ record.valueEnd)]
            }
        }

        /// The unfolded value of `record`'s field (`HeaderField.unfoldedValue`), `bytes` being `raw`'s:
        /// an unfolded one trimmed in place and sliced once.
        @inlinable @inline(__always)
        func unfoldedValue(_ record: FieldRecord, in bytes: UnsafeBufferPointer<UInt8>) -> ByteSlice {
            withUnsafeMutablePointerToHeader { header in
                let limit = header.pointee.maxFieldBytes
                guard !record.isFolded else {
                    return HeaderField.unfoldedFoldedValue(of: rawValue(record), maxUnfoldedBytes: limit)
                }
                let (start, end) = record.rawValue(in: bytes).trimmedBounds
                let base = header.pointee.raw.startIndex &+ Int(record.valueStart)
                return header.pointee.raw[(base + start)..<(base + Swift.min(end, start + Swift.max(0, limit)))]
            }
        }
    }

    /// Where one field lies in its section's bytes (`Fields.raw`), with no reference: offsets from
    /// `raw.startIndex` in 32 bits (a section holds at most `maxSectionBytes`, below 2^31), the
    /// folding as the value end's high bit, and the name's key (`HeaderField.nameKey(lowercasing:)`).
    /// 24 bytes a field, where a `HeaderField` is ~80.
    @usableFromInline
    struct FieldRecord: Sendable {
        /// The name's first eight bytes lower-cased (`HeaderField.nameKey`).
        @usableFromInline let key: UInt64
        /// Where the name starts (the field's first byte).
        @usableFromInline let nameStart: UInt32
        /// How many bytes the name has (white space before the colon not counted).
        @usableFromInline let nameCount: UInt32
        /// Where the raw value starts (after the colon).
        @usableFromInline let valueStart: UInt32
        /// Where the raw value ends, the high bit set when the value is folded.
        @usableFromInline let valueEndAndFolding: UInt32

        /// A record of these parts, as they are kept.
        @inlinable @inline(__always)
        init(key: UInt64, nameStart: UInt32, nameCount: UInt32, valueStart: UInt32, valueEndAndFolding: UInt32) {
            self.key = key
            self.nameStart = nameStart
            self.nameCount = nameCount
            self.valueStart = valueStart
            self.valueEndAndFolding = valueEndAndFolding
        }

        /// A record of these offsets from the section's start (each below 2^31).
        init(key: UInt64, nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int, isFolded: Bool) {
            self.init(key: key, nameStart: UInt32(truncatingIfNeeded: nameStart),
                      nameCount: UInt32(truncatingIfNeeded: nameEnd - nameStart),
                      valueStart: UInt32(truncatingIfNeeded: valueStart),
                      valueEndAndFolding: UInt32(truncatingIfNeeded: valueEnd) | (isFolded ? 1 << 31 : 0))
        }

        /// Where the raw value ends.
        @inlinable var valueEnd: Int { Int(valueEndAndFolding & 0x7FFF_FFFF) }
        /// Whether the value spans more than one line.
        @inlinable var isFolded: Bool { valueEndAndFolding >> 31 != 0 }

        /// The name's bytes in `bytes` (the section's).
        @inlinable @inline(__always)
        func name(in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[Int(nameStart)..<(Int(nameStart) &+ Int(nameCount))])
        }

        /// The raw value's bytes in `bytes` (the section's).
        @inlinable @inline(__always)
        func rawValue(in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[Int(valueStart)..<valueEnd])
        }

        /// `HeaderField.hasName(bytes:key:)` of this field, its name read in `bytes` (the section's):
        /// the key first, then the length, then the bytes after the eighth.
        @inlinable @inline(__always)
        func hasName(_ expected: UnsafeBufferPointer<UInt8>, key: UInt64, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard self.key == key, Int(nameCount) == expected.count else { return false }
            if expected.count <= 8 { return true }
            let name = self.name(in: bytes)
            for i in 8..<name.count where ASCII.lowercased(name[i]) != expected[i] { return false }
            return true
        }
    }
}
