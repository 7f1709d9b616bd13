#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One header field as it appeared: its name, its value still folded, and where it began.
///
/// Both `name` and `rawValue` are slices of the parsed buffer, kept as one slice of the field's bytes
/// (from the name's first byte to the value's end) and the two parts' places in it: a field holds one
/// reference, retained when it is made or copied and released when it dies. A header section keeps
/// no fields but their places in its bytes (`HeaderSection.Fields`), and makes a field when one is
/// read. Unfolding (RFC 5322 §2.2.3) makes a copy only when the field really was folded.
public struct HeaderField: Sendable {
    /// The field's bytes from the name's first byte to the end of the raw value: `name` is its first
    /// `nameCount` bytes, `rawValue` the bytes from `valueOffset` on. (Two slices, one for each part,
    /// were two references a field: bsd.mbox x3, 52,701 fields, each retained when made and released
    /// when its section's array is freed.)
    @usableFromInline internal private(set) var bytes: ByteSlice
    /// How many of `bytes` are the name (at most `valueOffset`).
    @usableFromInline internal private(set) var nameCount: Int
    /// Where the raw value starts, counted from `bytes.startIndex` (at most `bytes.count`).
    @usableFromInline internal private(set) var valueOffset: Int

    /// The field name as written, without trailing white space before the colon.
    ///
    /// Setting it makes the field anew from the new name and the raw value, as
    /// `init(name:rawValue:offset:isFolded:maxUnfoldedBytes:)` does: both may then be copies with
    /// indices of their own (see there).
    public var name: ByteSlice {
        @inlinable get { bytes[bytes.startIndex..<(bytes.startIndex &+ nameCount)] }
        set {
            self = HeaderField(name: newValue, rawValue: rawValue, offset: offset, isFolded: isFolded,
                               maxUnfoldedBytes: maxUnfoldedBytes)
        }
    }
    /// The bytes after the colon up to the end of the field's last line, line ends of folded lines
    /// included, the final line end excluded.
    ///
    /// Setting it makes the field anew from the name and the new raw value, as
    /// `init(name:rawValue:offset:isFolded:maxUnfoldedBytes:)` does: both may then be copies with
    /// indices of their own (see there).
    public var rawValue: ByteSlice {
        @inlinable get { bytes[(bytes.startIndex &+ valueOffset)..<bytes.endIndex] }
        set {
            self = HeaderField(name: name, rawValue: newValue, offset: offset, isFolded: isFolded,
                               maxUnfoldedBytes: maxUnfoldedBytes)
        }
    }
    /// Index of the field's first byte in the buffer that was parsed.
    public var offset: Int
    /// Whether the value spans more than one line.
    public var isFolded: Bool
    /// Bytes kept at most when unfolding (from `ParsingLimits.maxFieldBytes`).
    @usableFromInline internal var maxUnfoldedBytes: Int
    /// The name's first eight bytes lower-cased (`nameKey(lowercasing:)`), kept with the name: a lookup
    /// by name compares this word first, and most fields differ from the name sought in it.
    @usableFromInline internal private(set) var nameKey: UInt64

    /// Creates a field from its parts.
    ///
    /// A field keeps its bytes as one slice, so the parts are copied into one new buffer (they may be
    /// slices of different buffers, and two slices cannot be joined without a copy; the header parser
    /// makes its fields from the parsed buffer itself). The copy keeps both parts' indices where the
    /// name ends at or before the raw value's start and the gap between them is at most
    /// `name.count + rawValue.count + 64` bytes (a field read from a buffer: the colon and blanks lie
    /// between), the gap filled with zero bytes that neither part holds. Otherwise the name keeps its
    /// indices and the raw value follows right after it (indices `name.endIndex...`).
    public init(name: ByteSlice, rawValue: ByteSlice, offset: Int, isFolded: Bool, maxUnfoldedBytes: Int = 100 * 1024) {
        let key = name.withUnsafeBufferPointer(Self.nameKey(lowercasing:))
        // Indices are never negative, so the difference cannot overflow.
        let gap = rawValue.startIndex - name.endIndex
        let kept = gap >= 0 && gap <= name.count + rawValue.count + 64 ? gap : 0
        // A slice grown keeps its start index (a copy is made at it).
        var joined = name
        joined.reserveCapacity(name.count + kept + rawValue.count)
        joined.append(contentsOf: repeatElement(0, count: kept))
        joined.append(contentsOf: rawValue)
        self.init(bytes: joined, nameCount: name.count, valueOffset: name.count + kept, offset: offset,
                  isFolded: isFolded, maxUnfoldedBytes: maxUnfoldedBytes, nameKey: key)
    }

    /// A field whose name is the first `nameCount` of `bytes` and whose raw value is `bytes` from
    /// `valueOffset` on, with the name's key already computed (`nameKey(lowercasing:)` of the name's
    /// bytes), as the header parser reads it from its buffer: the parts are slices of `bytes`, with
    /// its indices.
    /// - Precondition: `0 <= nameCount <= valueOffset <= bytes.count` (the parts' getters trap otherwise).
    @usableFromInline @inline(__always)
    init(bytes: ByteSlice, nameCount: Int, valueOffset: Int, offset: Int, isFolded: Bool, maxUnfoldedBytes: Int,
         nameKey: UInt64) {
        self.bytes = bytes
        self.nameCount = nameCount
        self.valueOffset = valueOffset
        self.offset = offset
        self.isFolded = isFolded
        self.maxUnfoldedBytes = maxUnfoldedBytes
        self.nameKey = nameKey
    }

    /// The first eight bytes of `bytes` (fewer when it is shorter, zero bytes after them) as one
    /// little-endian word, unchanged: the key of a name sought (lower case already).
    @inlinable @inline(__always)
    static func nameKey(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // Built byte by byte below eight bytes: overlapping 4-byte loads measured no better (the key
        // costs ~38 instructions a field either way in `scanFields`: bsd.mbox x3, 52,701 fields, 2.0M).
        guard let base = bytes.baseAddress else { return 0 }
        if bytes.count >= 8 { return UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)) }
        var word: UInt64 = 0
        for i in 0..<bytes.count { word |= UInt64(bytes[i]) << UInt64(8 * i) }
        return word
    }

    /// `nameKey(_:)` with the bytes ASCII-lower-cased (each as `ASCII.lowercased`; zero bytes stay
    /// zero): a field's key. A name of count n matches a lower-case name of count n exactly when the
    /// keys are equal and so are the bytes from the ninth on (`hasName(bytes:key:)`).
    @inline(__always)
    static func nameKey(lowercasing bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        ByteWord.lowercased(nameKey(bytes))
    }

    /// The value with folding removed (RFC 5322 §2.2.3: CRLF followed by WSP is replaced by the WSP),
    /// leading and trailing white space trimmed. A slice of the input when the field was not folded.
    public var unfoldedValue: ByteSlice {
        Self.unfoldedValue(of: rawValue, isFolded: isFolded, maxUnfoldedBytes: maxUnfoldedBytes)
    }

    /// `unfoldedValue` of a field with this raw value, folding and limit: for readers that walk the
    /// fields in place (`HeaderSection.forEachUnfoldedValue`), where calling the getter on a field in
    /// the array copied the field (a retain and a release of each of its slices).
    ///
    /// Inlined into the walks for the unfolded case (most values): the raw value read from the field
    /// array there is then only sliced, not first copied for the call (a retain and a release a value).
    @inlinable @inline(__always)
    static func unfoldedValue(of rawValue: ByteSlice, isFolded: Bool, maxUnfoldedBytes: Int) -> ByteSlice {
        guard isFolded else {
            // `trimmingWhitespace()` and `prefix(maxUnfoldedBytes)`, read in place and sliced once.
            let (start, end) = rawValue.withUnsafeBufferPointer { $0.trimmedBounds }
            let base = rawValue.startIndex
            return rawValue[(base + start)..<(base + min(end, start + max(0, maxUnfoldedBytes)))]
        }
        return unfoldedFoldedValue(of: rawValue, maxUnfoldedBytes: maxUnfoldedBytes)
    }

    /// `unfoldedValue(of:isFolded:maxUnfoldedBytes:)` of a folded value: a copy without the line ends.
    @usableFromInline @inline(never)
    static func unfoldedFoldedValue(of rawValue: ByteSlice, maxUnfoldedBytes: Int) -> ByteSlice {
        rawValue.withUnsafeBufferPointer { value in
            withUnfoldedFoldedValue(value, limit: maxUnfoldedBytes) { Array($0) }
        }[...].trimmingWhitespace()
    }

    /// `unfoldedValue(of:isFolded:maxUnfoldedBytes:).utf8String`, a folded value made a String from the
    /// temporary buffer it is unfolded into (the array `unfoldedFoldedValue` makes, and the slice of
    /// it, are for values read further as bytes; the returned original's Received values are kept
    /// as Strings). `rawValue` is the raw value's bytes (`HeaderSection.FieldRecord.rawValue(in:)`).
    static func unfoldedValueString(of rawValue: UnsafeBufferPointer<UInt8>, isFolded: Bool, maxUnfoldedBytes: Int) -> String {
        guard isFolded else {
            let (start, end) = rawValue.trimmedBounds
            let kept = rawValue[start..<min(end, start + max(0, maxUnfoldedBytes))]
            return String(decoding: UnsafeBufferPointer(rebasing: kept), as: UTF8.self)
        }
        return withUnfoldedFoldedValue(rawValue, limit: maxUnfoldedBytes) { value in
            // `trimmingWhitespace()` of the unfolded bytes, in place.
            let (start, end) = value.trimmedBounds
            return String(decoding: UnsafeBufferPointer(rebasing: value[start..<end]), as: UTF8.self)
        }
    }

    /// Appends `unfoldedValue` to `out` without an array of its own (the report's Received values are
    /// read into one buffer).
    package func appendUnfoldedValue(to out: inout [UInt8]) {
        rawValue.withUnsafeBufferPointer { value in
            Self.appendUnfoldedValue(of: value, isFolded: isFolded, maxUnfoldedBytes: maxUnfoldedBytes, to: &out)
        }
    }

    /// `appendUnfoldedValue(to:)` of a field with this raw value, folding and limit, for a reader
    /// that walks the fields in place (`HeaderFieldInPlace`): `value` is the raw value's bytes.
    static func appendUnfoldedValue(of value: UnsafeBufferPointer<UInt8>, isFolded: Bool, maxUnfoldedBytes: Int,
                                    to out: inout [UInt8]) {
        guard isFolded else {
            let (start, end) = value.trimmedBounds
            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<min(end, start + max(0, maxUnfoldedBytes))]))
            return
        }
        // The runs between line ends appended whole, straight into `out` (through a temporary buffer
        // and a copy before: the report's Received fields cost 7.6M instructions on the sisimai bsd
        // mbox x3 this way, 4.2M with the runs appended; the caller reserves room once). The same bytes
        // as `unfoldedValue`: every byte but CR and LF, the first `maxUnfoldedBytes` of them, without
        // the spaces and tabs at either end.
        guard let base = value.baseAddress else { return }
        let total = value.count
        /// The first CR or LF in `from ..< total`, or `total`.
        func lineEnd(from: Int) -> Int {
            let lf = memchr(base + from, Int32(ASCII.lineFeed), total - from)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? total
            guard lf > from else { return lf }
            return memchr(base + from, Int32(ASCII.carriageReturn), lf - from)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? lf
        }
        let outStart = out.count
        var kept = 0       // bytes but CR and LF read so far, the leading blanks included
        var leading = true // nothing but spaces and tabs read yet
        var i = 0
        while i < total, kept < maxUnfoldedBytes {
            let stop = min(lineEnd(from: i), i + (maxUnfoldedBytes - kept))
            var start = i
            if leading {
                while start < stop, ASCII.isWhitespace(value[start]) { start += 1 }
                leading = start == stop
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<stop]))
            kept += stop - i
            i = stop
            while i < total, value[i] == ASCII.carriageReturn || value[i] == ASCII.lineFeed { i += 1 }
        }
        while out.count > outStart, let last = out.last, ASCII.isWhitespace(last) { out.removeLast() }
    }

    /// Copies `source` into `target` without its CR and LF bytes (RFC 5322 §2.2.3: unfolding removes the
    /// line ends), at most `limit` bytes; returns how many it wrote. `target` must have room for
    /// `min(source.count, limit)` bytes. Shared by `withUnfoldedFoldedValue` and DeliveryStatus's
    /// `BounceContext.receivedBytes`.
    ///
    /// Sixteen bytes at a time (SSE2 compares of SIMD16 vectors, as `HeaderSection.lineEnd`): each block
    /// is stored whole and the count advanced to its first CR or LF, the line end skipped after it.
    package static func copyDroppingLineEnds(_ source: UnsafeBufferPointer<UInt8>, into target: UnsafeMutablePointer<UInt8>,
                                             limit: Int) -> Int {
        var n = 0
        var k = 0
        let total = source.count
        if let from = source.baseAddress {
            let returnLanes = SIMD16<UInt8>(repeating: ASCII.carriageReturn)
            let feedLanes = SIMD16<UInt8>(repeating: ASCII.lineFeed)
            // Bytes are only ever dropped, so n <= k: with k + 16 <= total and n + 16 <= limit, a whole
            // block fits in the room (min(total, limit) bytes) at n. Both stay within `0...total`, so
            // they move by `&+` (no overflow check), and a block is passed over on one test of its whole
            // mask (`any`), its halves read only where it holds a CR or LF.
            while k &+ 16 <= total, n &+ 16 <= limit {
                let block = UnsafeRawPointer(from + k).loadUnaligned(as: SIMD16<UInt8>.self)
                UnsafeMutableRawPointer(target + n).storeBytes(of: block, as: SIMD16<UInt8>.self)
                let marked = (block .== returnLanes) .| (block .== feedLanes)
                guard any(marked), let kept = ByteLanes.firstMarked(marked) else {
                    n &+= 16
                    k &+= 16
                    continue
                }
                // The bytes before the block's first CR or LF are kept; the line end goes.
                n &+= kept
                k &+= kept
                while k < total, source[k] == ASCII.carriageReturn || source[k] == ASCII.lineFeed { k &+= 1 }
            }
            // The last fifteen bytes or fewer eight at a time while a word holds no CR or LF (the
            // byte loop below cost ~11 instructions a byte). (bsd.mbox x3, 7,686 calls, with the `&+` and
            // `any` above: copyDroppingLineEnds 3.15M -> 2.54M instructions.)
            while k &+ 8 <= total, n &+ 8 <= limit {
                let word = UnsafeRawPointer(from + k).loadUnaligned(as: UInt64.self)
                if ByteWord.hasByte(word, ASCII.carriageReturn) || ByteWord.hasByte(word, ASCII.lineFeed) { break }
                UnsafeMutableRawPointer(target + n).storeBytes(of: word, as: UInt64.self)
                n &+= 8
                k &+= 8
            }
        }
        while k < total {
            let byte = source[k]
            k += 1
            if byte == ASCII.carriageReturn || byte == ASCII.lineFeed { continue }
            if n >= limit { break }
            target[n] = byte
            n += 1
        }
        return n
    }

    /// Calls `body` with a folded value's bytes but CR and LF, at most `maxUnfoldedBytes`, untrimmed.
    private static func withUnfoldedFoldedValue<Result>(
        _ value: UnsafeBufferPointer<UInt8>, limit: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        // Every byte but CR and LF, at most `maxUnfoldedBytes`, written into a temporary buffer and
        // copied out once: `Array(unsafeUninitializedCapacity:)` allocates through the standard
        // library's unspecialized path, which looks the array type's metadata up at run time (~360
        // instructions a call more; backscatter-dev, 15,600 folded values).
        // Sixteen bytes at a time (SSE2 compares of SIMD16 vectors, as `HeaderSection.lineEnd`): each
        // block is stored whole and the count advanced to its first CR or LF, the line end skipped
        // after it. (Eight bytes at a time, a word with a CR or LF copied byte by byte, cost ~880
        // instructions a value: bsd.mbox x3, 4,380 folded values, 3.86M -> 1.84M; the value as a whole 9.69M -> 7.67M.)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: min(value.count, limit)) { buffer -> Result in
            guard let target = buffer.baseAddress else { return body(UnsafeBufferPointer(rebasing: buffer[..<0])) }
            let n = copyDroppingLineEnds(value, into: target, limit: limit)
            return body(UnsafeBufferPointer(rebasing: buffer[..<n]))
        }
    }

    /// Whether the field's name is `lowercaseName`, compared ASCII case-insensitively.
    /// - Parameter lowercaseName: the name in lower case, e.g. `"content-type"`.
    public func hasName(_ lowercaseName: String) -> Bool {
        var expected = lowercaseName
        return expected.withUTF8 { hasName(bytes: $0, key: Self.nameKey($0)) }
    }

    /// `hasName(_:)` with the lower-case name's bytes and their `nameKey(_:)` at hand (a lookup walks
    /// many fields with one name): the key first, then the length, then the bytes after the eighth.
    @inlinable @inline(__always)
    func hasName(bytes expected: UnsafeBufferPointer<UInt8>, key: UInt64) -> Bool {
        guard nameKey == key, nameCount == expected.count else { return false }
        if expected.count <= 8 { return true }
        // The name is the first `nameCount` bytes of `bytes`, read in place (the `name` getter would
        // make a slice: a retain and a release).
        return bytes.withUnsafeBufferPointer { actual in
            guard nameCount <= actual.count else { return false }
            for i in 8..<nameCount where ASCII.lowercased(actual[i]) != expected[i] { return false }
            return true
        }
    }

    /// The name as a String (invalid UTF-8 repaired).
    public var nameString: String { name.utf8String }

    /// The unfolded value as a String, undecoded (RFC 2047 words left as they are; invalid UTF-8 repaired).
    public var valueString: String { unfoldedValue.utf8String }
}
