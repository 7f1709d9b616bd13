import MailParsing  // Array(uninitializedCapacity:initializingWith:)

/// Writes JSON by hand into a byte array: fast, and correct for every string a message can hold.
///
/// Strings are escaped per RFC 8259 §7: `"` and `\` are escaped, control characters U+0000–U+001F use
/// the short forms or `\u00XX`, and DEL is escaped too. (U+2028 and U+2029 are written as they are: valid
/// JSON, though not valid in JavaScript sources before ES2019.)
/// Swift Strings are valid Unicode, so invalid UTF-8 from a message was already replaced by U+FFFD when
/// the String was made.
///
/// The writer writes straight into the storage of the array it hands back (`document(capacity:_:)`), a
/// block of fixed size: what does not fit is only counted, and the document is then written once more
/// into a block of the size counted. (A growable buffer of its own, a class, copied into an array at
/// the end, cost 2.4M instructions on bsd.mbox x3 for the object, its growth and the copy; the array's
/// allocation here, 1.6M.)
struct JSONWriter {
    /// The first byte of the block written.
    private let start: UnsafeMutablePointer<UInt8>
    /// Bytes in the block.
    private let capacity: Int
    /// Bytes the document has so far; beyond `capacity` once something did not fit.
    private(set) var count = 0
    /// Whether something was only counted, not written: the block was too small.
    private(set) var truncated = false
    /// One bit per open object or array, innermost lowest: whether a value was written in it, so
    /// that the next one needs a comma. Containers nest at most a few levels deep here; beyond 64 the
    /// oldest bits are lost, which only the writer's own code could cause.
    private var needsComma: UInt64 = 0
    private var depth = 0

    /// Bytes of room kept after a string's content for its stores: a word (eight bytes) is stored
    /// where fewer of its bytes are meant, up to eight bytes past the content (overwritten by what
    /// follows, or past the document's end).
    private static let wordSlack = 8

    private init(start: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.start = start
        self.capacity = capacity
    }

    /// The document that `write` writes, as bytes. `write` is called with room for `capacity` bytes
    /// and, when the document did not fit, once more with room for all of it: it must write the same
    /// bytes each time (it does: it writes out values it was given).
    static func document(capacity: Int, _ write: (inout JSONWriter) -> Void) -> [UInt8] {
        var room = max(capacity, 64)
        // A second pass has room for every byte the first counted plus the slack of a string's
        // words, so it fits; the loop ends there (each pass at least doubles the room in any case).
        while true {
            var needed = 0
            let bytes = [UInt8](uninitializedCapacity: room) { block, initialized in
                guard let base = block.baseAddress else { needed = room + 1; return }
                var json = JSONWriter(start: base, capacity: block.count)
                write(&json)
                if json.truncated {
                    needed = json.count
                } else {
                    initialized = json.count
                }
            }
            if needed == 0 { return bytes }
            room = max(needed + Self.wordSlack, room * 2)
        }
    }

    /// `body` called with the document that `write` writes, written into `block` (`capacity` bytes,
    /// the caller's to reuse); when it does not fit, with the document as `document(capacity:_:)`
    /// writes it. `write` must write the same bytes each time it is called.
    ///
    /// (An array of the block's size written in place cost 663 instructions a line to allocate:
    /// `Array(unsafeUninitializedCapacity:)` allocates through the stdlib's unspecialized
    /// `_allocateBufferUninitialized`, which looks up the storage's generic metadata each time;
    /// an array made from a buffer pointer is specialized here.)
    static func withDocument<Result>(
        in block: UnsafeMutablePointer<UInt8>, capacity: Int, _ write: (inout JSONWriter) -> Void,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        var json = JSONWriter(start: block, capacity: capacity)
        write(&json)
        guard !json.truncated else {
            return document(capacity: json.count &+ Self.wordSlack, write).withUnsafeBufferPointer(body)
        }
        return body(UnsafeBufferPointer(start: block, count: json.count))
    }

    // Inlined: as calls, 30 to 60 instructions each, 1.2M instructions on bsd.mbox x3.
    @inline(__always) mutating func beginObject() { separate(); append(UInt8(ascii: "{")); open() }
    @inline(__always) mutating func endObject() { append(UInt8(ascii: "}")); close() }
    @inline(__always) mutating func beginArray() { separate(); append(UInt8(ascii: "[")); open() }
    @inline(__always) mutating func endArray() { append(UInt8(ascii: "]")); close() }

    /// Writes `"name":` inside an object, after a comma unless it is the object's first member.
    /// Inlined where the name is a constant: the bytes are stored by a few moves, with one test of the
    /// room. (With a `separate()` before it and a test of the room per part, 35 instructions a key.)
    @inline(__always)
    mutating func key(_ name: StaticString) {
        let comma = Int(truncatingIfNeeded: needsComma & 1)
        let nameLength = name.utf8CodeUnitCount
        let length = comma &+ nameLength &+ 3
        if capacity &- count >= length {
            let key = start + count
            key.pointee = UInt8(ascii: ",")   // the quote's place when no comma is needed
            let quote = key + comma
            quote.pointee = UInt8(ascii: "\"")
            UnsafeMutableRawPointer(quote + 1).copyMemory(from: name.utf8Start, byteCount: nameLength)
            quote[nameLength &+ 1] = UInt8(ascii: "\"")
            quote[nameLength &+ 2] = UInt8(ascii: ":")
        } else {
            truncated = true
        }
        count &+= length
        needsComma &= ~1   // the value follows without one
    }

    /// `key(_:)` for a member whose value follows at once: the comma's bit set for the object's next
    /// member here, so that the value is written without `separate()`'s tests. (A key and then a value,
    /// each value's `separate()` cost about seven instructions: 80,700 members on bsd.mbox x3.)
    @inline(__always)
    private mutating func memberKey(_ name: StaticString) {
        key(name)
        needsComma |= 1
    }

    /// A member of an object: `"name":` and the string.
    @inline(__always)
    mutating func member(_ name: StaticString, _ value: String) { memberKey(name); quoted(value) }

    /// A member of an object: `"name":` and the string, or null.
    @inline(__always)
    mutating func member(_ name: StaticString, _ value: String?) {
        memberKey(name)
        guard let value else { nullValue(); return }
        quoted(value)
    }

    /// A member of an object: `"name":` and the number, or null.
    @inline(__always)
    mutating func member(_ name: StaticString, _ value: Int?) { memberKey(name); intValue(value) }

    /// A member of an object: `"name":` and `true` or `false`, or null.
    @inline(__always)
    mutating func member(_ name: StaticString, _ value: Bool?) { memberKey(name); boolValue(value) }

    /// A member of an object: `"name":` and the number as `decimal(_:)` writes it, or null.
    @inline(__always)
    mutating func member(_ name: StaticString, decimal value: Double?) { memberKey(name); decimalValue(value) }

    /// A member of an object: `"name":` and the array of strings.
    @inline(__always)
    mutating func member(_ name: StaticString, _ values: [String]) { memberKey(name); stringsValue(values) }

    /// A member of an object: `"name":` and the 25 bytes of an ISO 8601 date between quotes, given as
    /// words (`MailDate.iso8601Words`: byte k at bits 8k of word k / 8, the last word's other bytes 0).
    /// None needs an escape (digits, `-`, `T`, `:`, `+`): stored by four moves.
    @inline(__always)
    mutating func member(_ name: StaticString, isoWords words: (UInt64, UInt64, UInt64, UInt64)) {
        memberKey(name)
        // The quotes, the text, and the slack of the last word's store (one byte of it meant).
        guard capacity &- count >= 27 &+ Self.wordSlack else {
            count &+= 27
            truncated = true
            return
        }
        let out = start + count
        out.pointee = UInt8(ascii: "\"")
        Self.store(words.0, at: out + 1)
        Self.store(words.1, at: out + 9)
        Self.store(words.2, at: out + 17)
        Self.store(words.3, at: out + 25)
        out[26] = UInt8(ascii: "\"")
        count &+= 27
    }

    /// Writes a dynamic key.
    mutating func key(string name: String) {
        string(name)
        append(UInt8(ascii: ":"))
        needsComma &= ~1
    }

    /// A string, or null. Inlined: its callers' optionals are mostly strings.
    @inline(__always)
    mutating func string(_ value: String?) {
        guard let value else { null(); return }
        string(value)
    }

    /// A string. (A `String` passed where a `String?` is taken is copied into the optional: a retain
    /// and a release of each of the 52,587 strings of bsd.mbox x3's lines.)
    @inline(__always)
    mutating func string(_ value: String) {
        separate()
        quoted(value)
    }

    /// The string between quotes, escaped, with no comma before it (`string(_:)` without `separate()`).
    ///
    /// Nothing here releases an object, which lets a caller pass a string read from memory it does not
    /// own (an element through an array's buffer pointer) without retaining it for the call. (A bridged
    /// string made contiguous in a copy, `withUTF8`, released that copy: every caller then retained
    /// and released the strings it read from the recipients, the evidence and the string arrays,
    /// 24,597 of each on bsd.mbox x3.)
    private mutating func quoted(_ value: String) {
        // Read in place (a copy for `withUTF8` cost a retain and a release a string); a bridged string,
        // never made here, a byte at a time.
        if value.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) == nil {
            appendQuoted(bytes: value.utf8)
        }
    }

    /// `bytes` between quotes, escaped, a byte at a time: what `appendQuoted(_:)` writes, for a
    /// string whose UTF-8 is not contiguous (a bridged one). Internal for its test.
    mutating func appendQuoted(bytes: some Sequence<UInt8>) {
        append(UInt8(ascii: "\""))
        for byte in bytes {
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else {
                append(byte)
                continue
            }
            let escape = Self.escapeWord(byte)
            append(escape.word, length: escape.length)
        }
        append(UInt8(ascii: "\""))
    }

    /// A string's content between quotes, escaped where JSON needs it. Inlined in `string(_:)`, its
    /// caller (a call of its own cost 0.8M instructions on bsd.mbox x3).
    @inline(__always)
    private mutating func appendQuoted(_ content: UnsafeBufferPointer<UInt8>) {
        let length = content.count
        // Room for both quotes, the content unescaped and the slack of its stores; escapes check again.
        guard capacity &- count &- 2 &- Self.wordSlack >= length else {
            count &+= Self.escapedLength(content) &+ 2
            truncated = true
            return
        }
        let end = start + capacity
        var out = start + count
        out.pointee = UInt8(ascii: "\"")
        out += 1
        if let base = content.baseAddress {
            guard let written = Self.writeContent(base, length: length, at: out, end: end) else {
                count &+= Self.escapedLength(content) &+ 2
                truncated = true
                return
            }
            out = written
        }
        out.pointee = UInt8(ascii: "\"")
        count = out + 1 - start
    }

    /// Writes the `length` bytes at `base` at `out`, escaped, and returns where they end; nil when
    /// escapes left too little room for the rest (`writeEscaping`).
    ///
    /// Sixteen bytes are tested and copied at a time (`escapeMarks`); a string's last bytes through the
    /// sixteen ending with them, a shorter string as one or two words. (Eight bytes at a time, with
    /// tests on words, cost 13.5M instructions on bsd.mbox x3; this, 6.8M.) Here only while no byte
    /// needs an escape: at the first block that holds one, `writeContentEscaping` writes the rest. (Most
    /// strings hold none: 2,900 of 47,319 on bsd.mbox x3. With the escapes in this loop, its pointers
    /// were kept on the stack around the escapes' calls and six registers saved at each call:
    /// `JSONWriter.quoted` 6.92M -> 6.44M; two blocks tested together, 6.22M.)
    @inline(__always)
    private static func writeContent(
        _ base: UnsafePointer<UInt8>, length: Int, at out: UnsafeMutablePointer<UInt8>,
        end: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8>? {
        var out = out
        if length >= 16 {
            var offset = 0
            // Two blocks at a time, tested together, while two fit; then one if it fits.
            while offset <= length &- 32 {
                let first = UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD16<UInt8>.self)
                let second = UnsafeRawPointer(base + offset + 16).loadUnaligned(as: SIMD16<UInt8>.self)
                let marks = escapeMarks(first), secondMarks = escapeMarks(second)
                guard marks.low | marks.high | secondMarks.low | secondMarks.high == 0 else {
                    return writeContentEscaping(base, length: length, from: offset, at: out, end: end)
                }
                UnsafeMutableRawPointer(out).storeBytes(of: first, as: SIMD16<UInt8>.self)
                UnsafeMutableRawPointer(out + 16).storeBytes(of: second, as: SIMD16<UInt8>.self)
                out += 32
                offset &+= 32
            }
            if offset <= length &- 16 {
                let block = UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD16<UInt8>.self)
                let marks = escapeMarks(block)
                guard marks.low | marks.high == 0 else {
                    return writeContentEscaping(base, length: length, from: offset, at: out, end: end)
                }
                UnsafeMutableRawPointer(out).storeBytes(of: block, as: SIMD16<UInt8>.self)
                out += 16
                offset &+= 16
            }
            let rest = length &- offset   // 0...15
            guard rest > 0 else { return out }
            // The last sixteen bytes: those before `offset` are written already.
            let block = UnsafeRawPointer(base + length - 16).loadUnaligned(as: SIMD16<UInt8>.self)
            let marks = escapeMarks(block)
            guard marks.low | marks.high == 0 else {
                return writeContentEscaping(base, length: length, from: offset, at: out, end: end)
            }
            UnsafeMutableRawPointer(out - (16 &- rest)).storeBytes(of: block, as: SIMD16<UInt8>.self)
            return out + rest
        } else if length >= 8 {
            // The first eight bytes and the last eight, overlapping.
            let raw = UnsafeRawPointer(base)
            let first = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            let last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self))
            let marks = escapeMarks(first, last)
            guard marks.low | marks.high == 0 else {
                return writeContentEscaping(base, length: length, from: 0, at: out, end: end)
            }
            store(first, at: out)
            store(last, at: out + (length &- 8))
            return out + length
        } else if length > 0 {
            let word = loadPartialWord(base, bytes: length)
            let unused: UInt64 = ~0 &<< UInt64(length &* 8)
            // The bytes past the string are made spaces, which need no escape.
            let marks = escapeMarks(word | unused & 0x2020_2020_2020_2020, 0x2020_2020_2020_2020)
            guard marks.low == 0 else {
                return writeContentEscaping(base, length: length, from: 0, at: out, end: end)
            }
            store(word, at: out)
            return out + length
        }
        return out
    }

    /// `writeContent` from `offset` on, the bytes before it written already (as they are: none needed
    /// an escape), ending at `out`. `offset` is 0 for a string shorter than sixteen bytes, else a
    /// multiple of sixteen, at most `length`. A block with bytes to escape is written a run and an
    /// escape at a time.
    @inline(never)
    private static func writeContentEscaping(
        _ base: UnsafePointer<UInt8>, length: Int, from offset: Int, at out: UnsafeMutablePointer<UInt8>,
        end: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8>? {
        var out = out
        if length >= 16 {
            var offset = offset
            while offset <= length &- 16 {
                let block = UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD16<UInt8>.self)
                let marks = escapeMarks(block)
                offset &+= 16
                if marks.low | marks.high == 0 {
                    UnsafeMutableRawPointer(out).storeBytes(of: block, as: SIMD16<UInt8>.self)
                    out += 16
                } else {
                    let words = unsafeBitCast(block, to: SIMD2<UInt64>.self)
                    guard let low = writeEscaping(UInt64(littleEndian: words[0]), marks.low, bytes: 8, at: out,
                                                  before: length &- offset &+ 8, end: end),
                          let high = writeEscaping(UInt64(littleEndian: words[1]), marks.high, bytes: 8, at: low,
                                                   before: length &- offset, end: end)
                    else { return nil }
                    out = high
                }
            }
            let rest = length &- offset   // 0...15
            guard rest > 0 else { return out }
            // The last sixteen bytes: those before `offset` are written already, as they are unless one
            // needed an escape.
            let block = UnsafeRawPointer(base + length - 16).loadUnaligned(as: SIMD16<UInt8>.self)
            let marks = escapeMarks(block)
            if marks.low | marks.high == 0 {
                UnsafeMutableRawPointer(out - (16 &- rest)).storeBytes(of: block, as: SIMD16<UInt8>.self)
                return out + rest
            }
            let words = unsafeBitCast(block, to: SIMD2<UInt64>.self)
            return writeLast(rest, of: (UInt64(littleEndian: words[0]), UInt64(littleEndian: words[1])),
                             marks: marks, at: out, end: end)
        } else if length >= 8 {
            // The first eight bytes and the last eight, overlapping.
            let raw = UnsafeRawPointer(base)
            let first = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            let last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self))
            let marks = escapeMarks(first, last)
            if marks.low | marks.high == 0 {
                store(first, at: out)
                store(last, at: out + (length &- 8))
                return out + length
            }
            guard let low = writeEscaping(first, marks.low, bytes: 8, at: out, before: length &- 8, end: end)
            else { return nil }
            return writeLast(length &- 8, of: (0, last), marks: (0, marks.high), at: low, end: end)
        } else if length > 0 {
            let word = loadPartialWord(base, bytes: length)
            let unused: UInt64 = ~0 &<< UInt64(length &* 8)
            // The bytes past the string are made spaces, which need no escape.
            let marks = escapeMarks(word | unused & 0x2020_2020_2020_2020, 0x2020_2020_2020_2020)
            if marks.low == 0 {
                store(word, at: out)
                return out + length
            }
            return writeEscaping(word, marks.low, bytes: length, at: out, before: 0, end: end)
        }
        return out
    }

    /// Writes the last `bytes` (0...15) bytes of the sixteen in `words`, escaping those `marks` marks,
    /// and returns where they end (nil as `writeEscaping`).
    @inline(__always)
    private static func writeLast(
        _ bytes: Int, of words: (low: UInt64, high: UInt64), marks: (low: UInt64, high: UInt64),
        at out: UnsafeMutablePointer<UInt8>, end: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8>? {
        guard bytes > 0 else { return out }
        if bytes > 8 {
            let skipped = UInt64(16 &- bytes) &* 8   // 8...56 bits of the low word written already
            guard let out = writeEscaping(words.low &>> skipped, marks.low &>> skipped, bytes: bytes &- 8, at: out,
                                          before: 8, end: end) else { return nil }
            return writeEscaping(words.high, marks.high, bytes: 8, at: out, before: 0, end: end)
        }
        let skipped = UInt64(8 &- bytes) &* 8   // 0...56 bits
        return writeEscaping(words.high &>> skipped, marks.high &>> skipped, bytes: bytes, at: out, before: 0, end: end)
    }

    /// Writes the first `bytes` bytes of `word` at `out`, escaping those `escapes` marks, and returns
    /// where they end. `remaining` bytes of the string come after the word. Nil when an escape would
    /// leave too little room for them, their words' slack and the closing quote: nothing more is
    /// written then. (The end returned, not an `inout` pointer: its address taken kept the caller's
    /// pointer in memory through its loop, two loads and a store every sixteen bytes: `string(_:)` 7.85M
    /// instructions on bsd.mbox x3; returned, 7.29M.)
    private static func writeEscaping(
        _ word: UInt64, _ escapes: UInt64, bytes: Int, at out: UnsafeMutablePointer<UInt8>,
        before remaining: Int, end: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8>? {
        var out = out
        var word = word
        var escapes = escapes
        var left = bytes
        while escapes != 0 {
            let plain = escapes.trailingZeroBitCount &>> 3   // bytes before the first to escape
            store(word, at: out)   // the plain bytes, and some that the escape overwrites
            out += plain
            let byte = UInt8(truncatingIfNeeded: word &>> UInt64(plain &* 8))
            let escape = escapeWord(byte)
            let shift = (plain &+ 1) &* 8   // up to 64, which smart shifts make 0
            word >>= shift
            escapes >>= shift
            left &-= plain &+ 1
            guard end - out >= escape.length &+ left &+ remaining &+ 1 &+ wordSlack else { return nil }
            store(escape.word, at: out)
            out += escape.length
        }
        store(word, at: out)
        return out + left
    }

    /// 0xFF in each byte of `block` that JSON must escape (below 0x20, `"`, `\`, DEL), 0 in every other,
    /// as the block's two words. Bytes of 0x80 and above (UTF-8 beyond ASCII) are written as they are.
    /// (Vectors compared with vectors of a concrete type: about ten SSE2 instructions; the flipped bit
    /// saves one compare, `JSONWriter.quoted` 6.22M -> 6.10M on bsd.mbox x3. A vector compared
    /// with a scalar, as in `block .== 0x22`, or with a vector of an inferred type, is a loop over
    /// the lanes with this toolchain.)
    @inline(__always)
    static func escapeMarks(_ block: SIMD16<UInt8>) -> (low: UInt64, high: UInt64) {
        // `SIMD16<UInt8>` spelled out: inferred, `SIMD16(repeating:)` picks the generic lane loop.
        // A byte below 0x20 or `"` (0x22) is one of 0x20 or below with its bit 0x02 flipped: one compare for both.
        let flipped = block ^ SIMD16<UInt8>(repeating: 0x02)
        let marks = (flipped .<= SIMD16<UInt8>(repeating: 0x20)) .| (block .== SIMD16<UInt8>(repeating: UInt8(ascii: "\\")))
            .| (block .== SIMD16<UInt8>(repeating: 0x7F))
        let words = unsafeBitCast(marks, to: SIMD2<UInt64>.self)
        return (UInt64(littleEndian: words[0]), UInt64(littleEndian: words[1]))
    }

    /// `escapeMarks` of the sixteen bytes of two words, `low` first.
    @inline(__always)
    static func escapeMarks(_ low: UInt64, _ high: UInt64) -> (low: UInt64, high: UInt64) {
        escapeMarks(unsafeBitCast(SIMD2<UInt64>(low.littleEndian, high.littleEndian), to: SIMD16<UInt8>.self))
    }

    /// The escape of `byte` as a word's low bytes, and how many they are: `\"`, `\\`, `\n`, `\r`, `\t`,
    /// `\b`, `\f`, else `\u00XX` with lower-case hex digits.
    private static func escapeWord(_ byte: UInt8) -> (word: UInt64, length: Int) {
        let backslash = UInt64(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): return (backslash | UInt64(UInt8(ascii: "\"")) << 8, 2)
        case UInt8(ascii: "\\"): return (backslash | backslash << 8, 2)
        case 0x0A: return (backslash | UInt64(UInt8(ascii: "n")) << 8, 2)
        case 0x0D: return (backslash | UInt64(UInt8(ascii: "r")) << 8, 2)
        case 0x09: return (backslash | UInt64(UInt8(ascii: "t")) << 8, 2)
        case 0x08: return (backslash | UInt64(UInt8(ascii: "b")) << 8, 2)
        case 0x0C: return (backslash | UInt64(UInt8(ascii: "f")) << 8, 2)
        default:
            @inline(__always) func hex(_ digit: UInt8) -> UInt64 {
                UInt64(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") - 10 + digit)
            }
            let zero = UInt64(UInt8(ascii: "0"))
            return (backslash | UInt64(UInt8(ascii: "u")) << 8 | zero << 16 | zero << 24
                    | hex(byte >> 4) << 32 | hex(byte & 0xF) << 40, 6)
        }
    }

    /// The bytes a string's content takes escaped (what `appendQuoted` writes between the quotes).
    private static func escapedLength(_ content: UnsafeBufferPointer<UInt8>) -> Int {
        var length = content.count
        for byte in content where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F {
            length += escapeWord(byte).length - 1
        }
        return length
    }

    /// `bytes` (1...7) bytes from `source` in a word's low bytes, the others 0: two loads that may
    /// overlap, never a byte past the last.
    @inline(__always)
    private static func loadPartialWord(_ source: UnsafePointer<UInt8>, bytes: Int) -> UInt64 {
        let raw = UnsafeRawPointer(source)
        if bytes >= 4 {
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: bytes - 4, as: UInt32.self)))
            return low | high &<< UInt64((bytes - 4) * 8)
        }
        if bytes >= 2 {
            let low = UInt64(UInt16(littleEndian: raw.loadUnaligned(as: UInt16.self)))
            let high = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: bytes - 2, as: UInt16.self)))
            return low | high &<< UInt64((bytes - 2) * 8)
        }
        return UInt64(source.pointee)
    }

    /// The eight bytes of `word` at `out`, least significant first.
    @inline(__always)
    private static func store(_ word: UInt64, at out: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(out).storeBytes(of: word.littleEndian, as: UInt64.self)
    }

    @inline(__always)
    mutating func int(_ value: Int?) {
        separate()
        intValue(value)
    }

    /// `int(_:)` without `separate()`.
    private mutating func intValue(_ value: Int?) {
        guard let value else { nullValue(); return }
        if value < 0 {
            append(UInt8(ascii: "-"))
            // The magnitude's digits; Int.min's magnitude does not fit in an Int.
            appendDigits(UInt64(value.magnitude))
        } else {
            appendDigits(UInt64(value))
        }
    }

    @inline(__always)
    mutating func bool(_ value: Bool?) {
        separate()
        boolValue(value)
    }

    /// `bool(_:)` without `separate()`.
    private mutating func boolValue(_ value: Bool?) {
        guard let value else { nullValue(); return }
        if value {
            append(0x6575_7274, length: 4)        // "true"
        } else {
            append(0x65_736C_6166, length: 5)     // "false"
        }
    }

    /// A number with at most three decimals, trailing zeros dropped (`Decimals.format(value, places: 3)`).
    /// (Through `Decimals.append`, a byte at a time with divisions by a variable power of ten: 1.6M
    /// instructions for the 5,754 numbers of bsd.mbox x3; this, 1.1M.)
    @inline(__always)
    mutating func decimal(_ value: Double?) {
        separate()
        decimalValue(value)
    }

    /// `decimal(_:)` without `separate()`.
    private mutating func decimalValue(_ value: Double?) {
        guard let value, value.isFinite else { nullValue(); return }
        guard let parts = Decimals.parts(value, places: 3) else {
            Decimals.append(value, places: 3, to: &self)   // a whole number
            return
        }
        if parts.negative { append(UInt8(ascii: "-")) }
        // A number below 10 (the scores and weights here), its digit, point and decimals stored in place.
        // (Through `appendDigits` twice, `decimal(_:)` 1.09M instructions on bsd.mbox x3; so, 0.82M.)
        if parts.whole < 10, capacity &- count >= 5 {
            let out = start + count
            out.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: parts.whole)
            guard parts.digits > 0 else { count &+= 1; return }
            out[1] = UInt8(ascii: ".")
            var rest = parts.fraction   // `digits` (1...3) digits with leading zeros, written from the last
            var place = parts.digits &+ 1
            repeat {
                out[place] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                place &-= 1
            } while place > 1
            count &+= parts.digits &+ 2
            return
        }
        appendDigits(UInt64(parts.whole))
        guard parts.digits > 0 else { return }
        append(UInt8(ascii: "."))
        appendDigits(UInt64(parts.fraction), width: parts.digits)
    }

    @inline(__always)
    mutating func null() {
        separate()
        nullValue()
    }

    /// `null()` without `separate()`.
    @inline(__always)
    private mutating func nullValue() { append(0x6C6C_756E, length: 4) }   // "null"

    /// An array of strings, read in place (`values[index]` retained and released each string).
    @inline(__always)
    mutating func strings(_ values: [String]) {
        separate()
        stringsValue(values)
    }

    /// `strings(_:)` without `separate()`.
    private mutating func stringsValue(_ values: [String]) {
        append(UInt8(ascii: "["))
        open()
        values.withUnsafeBufferPointer { values in
            for index in values.indices { string(values[index]) }
        }
        endArray()
    }

    /// Ends the line: a line feed after what was written.
    mutating func newline() { append(0x0A) }

    @inline(__always)
    private mutating func open() {
        needsComma <<= 1
        depth &+= 1
    }

    @inline(__always)
    private mutating func close() {
        needsComma >>= 1
        depth &-= 1
    }

    @inline(__always)
    private mutating func separate() {
        guard depth > 0 else { return }
        if needsComma & 1 != 0 { append(UInt8(ascii: ",")) }
        needsComma |= 1
    }

    /// One byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count < capacity { start[count] = byte } else { truncated = true }
        count &+= 1
    }

    /// The low `length` (at most 8) bytes of `word`, least significant first.
    @inline(__always)
    private mutating func append(_ word: UInt64, length: Int) {
        if capacity - count >= 8 {
            Self.store(word, at: start + count)
        } else if capacity - count >= length {
            for index in 0..<length { start[count + index] = UInt8(truncatingIfNeeded: word >> (index * 8)) }
        } else {
            truncated = true
        }
        count += length
    }

    /// The decimal digits of `value`, most significant first, with leading zeros to `width` digits;
    /// written from the last, two digits at a time from `digitPairs`. (A digit at a time, with the
    /// count from a loop of multiplications: `appendDigits` 1.06M instructions for the 16,608 numbers
    /// of bsd.mbox x3.)
    private mutating func appendDigits(_ value: UInt64, width: Int = 1) {
        let digits = max(Self.decimalDigitCount(value), width)
        guard capacity &- count >= digits else {
            count &+= digits
            truncated = true
            return
        }
        let first = start + count
        var out = first + digits   // past the last digit; never below `first` (`digits` counts them all)
        let pairs = UnsafeRawPointer(Self.digitPairs.utf8Start)
        var rest = value
        while rest >= 100 {
            let pair = Int(truncatingIfNeeded: rest % 100)
            rest /= 100
            out -= 2
            UnsafeMutableRawPointer(out).storeBytes(of: pairs.loadUnaligned(fromByteOffset: pair &* 2, as: UInt16.self),
                                                    as: UInt16.self)
        }
        if rest >= 10 {
            out -= 2
            UnsafeMutableRawPointer(out).storeBytes(
                of: pairs.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: rest) &* 2, as: UInt16.self), as: UInt16.self)
        } else {
            out -= 1
            out.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
        }
        while out > first {   // the zeros that make up `width`
            out -= 1
            out.pointee = UInt8(ascii: "0")
        }
        count &+= digits
    }

    /// "00" to "99", each pair of digits at twice its value (a literal: no table to make at first use).
    private static var digitPairs: StaticString {
        """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """
    }

    /// How many decimal digits `value` has (1 for 0): comparisons up to eight digits, the numbers
    /// written here (offsets, lengths, counts, a score's parts), then a loop.
    @inline(__always)
    private static func decimalDigitCount(_ value: UInt64) -> Int {
        if value < 10_000 {
            return value < 100 ? (value < 10 ? 1 : 2) : (value < 1_000 ? 3 : 4)
        }
        if value < 100_000_000 {
            return value < 1_000_000 ? (value < 100_000 ? 5 : 6) : (value < 10_000_000 ? 7 : 8)
        }
        var digits = 9
        var power: UInt64 = 1_000_000_000
        while digits < 20, value >= power {   // UInt64.max has 20 digits
            digits &+= 1
            power &*= 10
        }
        return digits
    }
}

extension JSONWriter: DecimalSink {}

/// Where `Decimals.append` writes: a byte array, or the JSON writer (a number straight into the line,
/// without an array of its own).
protocol DecimalSink {
    /// Appends one byte.
    mutating func append(_ byte: UInt8)
}

extension Array: DecimalSink where Element == UInt8 {}

/// Fixed-point formatting without Foundation.
enum Decimals {
    /// `value` rounded to `places` decimals, trailing zeros (and a bare point) dropped: `0.85`, `-1`, `0.333`.
    static func format(_ value: Double, places: Int) -> String {
        var out: [UInt8] = []
        append(value, places: places, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `format(value, places:)` written into `out`. Values too large for the fixed-point form are
    /// written as whole numbers (clamped to ±9e18).
    static func append(_ value: Double, places: Int, to out: inout some DecimalSink) {
        guard let parts = parts(value, places: places) else {
            for byte in String(Int(max(-9e18, min(9e18, value)))).utf8 { out.append(byte) }
            return
        }
        if parts.negative { out.append(UInt8(ascii: "-")) }
        appendDigits(parts.whole, to: &out)
        guard parts.digits > 0 else { return }
        out.append(UInt8(ascii: "."))
        var divisor = 1
        for _ in 1..<parts.digits { divisor *= 10 }
        while divisor > 0 {   // zero-padded to `digits`
            out.append(UInt8(ascii: "0") + UInt8(parts.fraction / divisor % 10))
            divisor /= 10
        }
    }

    /// `value` rounded to `places` decimals, in parts: its sign, its whole part, and its decimals with
    /// the trailing zeros dropped (`fraction`, of `digits` digits with leading zeros, none when 0).
    /// Nil when the value is too large for the fixed-point form. Inlined, `places` a constant, the
    /// scale is too (the JSON writer's numbers).
    @inline(__always)
    static func parts(_ value: Double, places: Int) -> (negative: Bool, whole: Int, fraction: Int, digits: Int)? {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.magnitude < 9e15 else { return nil }
        var units = Int(scaled)
        let negative = units < 0
        if negative { units = -units }
        let unit = Int(scale)
        var fraction = units % unit
        var digits = places
        while digits > 0, fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        return (negative, units / unit, fraction, digits)
    }

    /// The decimal digits of `value` (≥ 0).
    private static func appendDigits(_ value: Int, to out: inout some DecimalSink) {
        var divisor = 1
        while value / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// Exactly `places` decimals: `0.80`.
    static func fixed(_ value: Double, places: Int) -> String {
        var text = format(value, places: places)
        if !text.contains(".") { text += places > 0 ? "." : "" }
        let have = text.split(separator: ".", omittingEmptySubsequences: false).last?.count ?? 0
        return text + String(repeating: "0", count: max(0, places - have))
    }
}
