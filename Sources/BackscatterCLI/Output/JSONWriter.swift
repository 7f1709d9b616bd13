import MailParsing

/// Writes JSON by hand into a byte buffer: fast, and correct for every string a message can hold.
///
/// Strings are escaped per RFC 8259 §7: `"` and `\` are escaped, control characters U+0000–U+001F use
/// the short forms or `\u00XX`, and DEL is escaped too. (U+2028 and U+2029 are written as they are: valid
/// JSON, though not valid in JavaScript sources before ES2019.)
/// Swift Strings are valid Unicode, so invalid UTF-8 from a message was already replaced by U+FFFD when
/// the String was made.
struct JSONWriter {
    /// The bytes written so far (one line's worth: the writer is made per line).
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: buffer.start, count: buffer.count)) }

    /// Where the bytes go: a growable block written through a pointer. (Appending to an Array cost a
    /// uniqueness and capacity check per byte or run; the writer was 28,000 instructions a record.)
    private let buffer: OutputBuffer
    /// One bit per open object or array, innermost lowest: whether a value was written in it, so
    /// that the next one needs a comma. Containers nest at most a few levels deep here; beyond 64 the
    /// oldest bits are lost, which only the writer's own code could cause.
    private var needsComma: UInt64 = 0
    private var depth = 0

    init(capacity: Int = 1024) { buffer = OutputBuffer(capacity: capacity) }

    mutating func beginObject() { separate(); buffer.append(UInt8(ascii: "{")); open() }
    mutating func endObject() { buffer.append(UInt8(ascii: "}")); close() }
    mutating func beginArray() { separate(); buffer.append(UInt8(ascii: "[")); open() }
    mutating func endArray() { buffer.append(UInt8(ascii: "]")); close() }

    /// Writes `"name":` inside an object.
    @inline(__always)
    mutating func key(_ name: StaticString) {
        separate()
        buffer.appendKey(name)
        needsComma &= ~1
    }

    /// Writes a dynamic key.
    mutating func key(string name: String) {
        string(name)
        buffer.append(UInt8(ascii: ":"))
        needsComma &= ~1
    }

    mutating func string(_ value: String?) {
        guard let value else { null(); return }
        separate()
        buffer.append(UInt8(ascii: "\""))
        // Read in place (a copy for `withUTF8` cost a retain and a release a string); a bridged string,
        // never made here, through the copy.
        if value.utf8.withContiguousStorageIfAvailable({ appendEscaped(contentsOf: $0) }) == nil {
            var text = value
            text.withUTF8 { appendEscaped(contentsOf: $0) }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// The bytes of a string's content, escaped where JSON needs it.
    private mutating func appendEscaped(contentsOf utf8: UnsafeBufferPointer<UInt8>) {
        guard let base = utf8.baseAddress else { return }
        let count = utf8.count
        // Runs that need no escape are copied whole; they are found eight bytes at a time. (Sixteen
        // at a time with `SIMD16` compares, tried, cost eight times as much with this toolchain.)
        var run = 0
        var i = 0
        while i < count {
            if i + 8 <= count {
                if !Self.needsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
            } else if count >= 8, !Self.needsEscape(UnsafeRawPointer(base + count - 8).loadUnaligned(as: UInt64.self)) {
                // The last bytes, fewer than eight: the word ending with them, read over bytes already
                // passed, needs no escape, so neither do they.
                i = count
                continue
            }
            let byte = base[i]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F {
                buffer.append(UnsafeRawBufferPointer(start: base + run, count: i - run))
                appendEscaped(byte)
                run = i + 1
            }
            i += 1
        }
        buffer.append(UnsafeRawBufferPointer(start: base + run, count: count - run))
    }

    mutating func int(_ value: Int?) {
        guard let value else { null(); return }
        separate()
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            // The magnitude's digits; Int.min's magnitude does not fit in an Int.
            Self.appendDigits(value.magnitude, to: buffer)
        } else {
            Self.appendDigits(UInt(value), to: buffer)
        }
    }

    mutating func bool(_ value: Bool?) {
        guard let value else { null(); return }
        separate()
        if value {
            buffer.append(UInt8(ascii: "t"), UInt8(ascii: "r"))
            buffer.append(UInt8(ascii: "u"), UInt8(ascii: "e"))
        } else {
            buffer.append(UInt8(ascii: "f"), UInt8(ascii: "a"))
            buffer.append(UInt8(ascii: "l"), UInt8(ascii: "s"))
            buffer.append(UInt8(ascii: "e"))
        }
    }

    /// A number with at most three decimals, trailing zeros dropped.
    mutating func decimal(_ value: Double?) {
        guard let value, value.isFinite else { null(); return }
        separate()
        var sink = buffer
        Decimals.append(value, places: 3, to: &sink)
    }

    mutating func null() {
        separate()
        buffer.append(UInt8(ascii: "n"), UInt8(ascii: "u"))
        buffer.append(UInt8(ascii: "l"), UInt8(ascii: "l"))
    }

    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// Ends the line: a line feed after what was written.
    mutating func newline() { buffer.append(0x0A) }

    private mutating func open() {
        needsComma <<= 1
        depth += 1
    }

    private mutating func close() {
        needsComma >>= 1
        depth -= 1
    }

    @inline(__always)
    private mutating func separate() {
        guard depth > 0 else { return }
        if needsComma & 1 != 0 { buffer.append(UInt8(ascii: ",")) }
        needsComma |= 1
    }

    /// The decimal digits of `value`, most significant first.
    private static func appendDigits(_ value: UInt, to buffer: OutputBuffer) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt.max has 20 digits
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            buffer.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw)[(24 - count)...]))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether any of the eight bytes of `word` needs escaping: below 0x20, `"`, `\`, DEL.
    private static func needsEscape(_ word: UInt64) -> Bool {
        // The three bytes in one test of their masks together, the controls in another (four tests
        // with a branch each cost more).
        ByteWord.hasByte(word, below: 0x20) || ByteWord.hasAnyByte(word, 0x22, 0x5C, 0x7F, 0x7F)
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): buffer.append(92, 34)
        case UInt8(ascii: "\\"): buffer.append(92, 92)
        case 0x0A: buffer.append(92, UInt8(ascii: "n"))
        case 0x0D: buffer.append(92, UInt8(ascii: "r"))
        case 0x09: buffer.append(92, UInt8(ascii: "t"))
        case 0x08: buffer.append(92, UInt8(ascii: "b"))
        case 0x0C: buffer.append(92, UInt8(ascii: "f"))
        case 0x00..<0x20, 0x7F:
            buffer.append(92, UInt8(ascii: "u"))
            buffer.append(UInt8(ascii: "0"), UInt8(ascii: "0"))
            buffer.append(Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)])
        default:
            buffer.append(byte)
        }
    }
}

/// A growable block of bytes written through a pointer (the JSON writer's output).
private final class OutputBuffer: DecimalSink {
    private(set) var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    @inline(__always) func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: count + 1) }
        start[count] = byte
        count += 1
    }

    @inline(__always) func append(_ first: UInt8, _ second: UInt8) {
        if count + 2 > capacity { grow(toHold: count + 2) }
        start[count] = first
        start[count + 1] = second
        count += 2
    }

    /// `"name":`. Inlined where the name is a constant, its bytes are copied by a few moves (through
    /// `append(_:)`, a `memmove` call for each of a record's forty keys).
    @inline(__always) func appendKey(_ name: StaticString) {
        let length = name.utf8CodeUnitCount
        if count + length + 3 > capacity { grow(toHold: count + length + 3) }
        let key = start + count
        key[0] = UInt8(ascii: "\"")
        (key + 1).update(from: name.utf8Start, count: length)
        key[length + 1] = UInt8(ascii: "\"")
        key[length + 2] = UInt8(ascii: ":")
        count += length + 3
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if count + bytes.count > capacity { grow(toHold: count + bytes.count) }
        (start + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    private func grow(toHold needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: start, count: count)
        start.deallocate()
        start = bigger
        capacity = newCapacity
    }
}

/// Where `Decimals.append` writes: a byte array, or the JSON writer's buffer (a number straight into
/// the line, without an array of its own).
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

    /// `format(value, places:)` written straight into `out` (the JSON writer's numbers: no String each).
    /// Values too large for the fixed-point form are written as whole numbers (clamped to ±9e18).
    static func append(_ value: Double, places: Int, to out: inout some DecimalSink) {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.magnitude < 9e15 else {
            for byte in String(Int(max(-9e18, min(9e18, value)))).utf8 { out.append(byte) }
            return
        }
        var units = Int(scaled)
        if units < 0 {
            out.append(UInt8(ascii: "-"))
            units = -units
        }
        let unit = Int(scale)
        appendDigits(units / unit, to: &out)
        var fraction = units % unit
        var digits = places
        while digits > 0, fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        guard digits > 0 else { return }
        out.append(UInt8(ascii: "."))
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {   // zero-padded to `digits`
            out.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
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
