import MailParsing

/// Writes JSON by hand into a byte buffer: fast, and correct for every string a message can hold.
///
/// Strings are escaped per RFC 8259 §7: `"` and `\` are escaped, control characters U+0000–U+001F use
/// the short forms or `\u00XX`, and DEL is escaped too. (U+2028 and U+2029 are written as they are: valid
/// JSON, though not valid in JavaScript sources before ES2019.)
/// Swift Strings are valid Unicode, so invalid UTF-8 from a message was already replaced by U+FFFD when
/// the String was made.
struct JSONWriter {
    var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma.removeLast() }
    mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma.removeLast() }

    /// Writes `"name":` inside an object.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
    }

    /// Writes a dynamic key.
    mutating func key(string name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
    }

    mutating func string(_ value: String?) {
        guard let value else { null(); return }
        separate()
        bytes.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { utf8 in
            // Runs that need no escape are copied whole; they are found eight bytes at a time.
            var run = 0
            var i = 0
            while i < utf8.count {
                if i + 8 <= utf8.count, let base = utf8.baseAddress,
                   !Self.needsEscape(UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                    i += 8
                    continue
                }
                let byte = utf8[i]
                if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<i]))
                    appendEscaped(byte)
                    run = i + 1
                }
                i += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int(_ value: Int?) {
        guard let value else { null(); return }
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool?) {
        guard let value else { null(); return }
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A number with at most three decimals, trailing zeros dropped.
    mutating func decimal(_ value: Double?) {
        guard let value, value.isFinite else { null(); return }
        separate()
        Decimals.append(value, places: 3, to: &bytes)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    private mutating func separate() {
        guard !needsComma.isEmpty else { return }
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether any of the eight bytes of `word` needs escaping: below 0x20, `"`, `\`, DEL.
    private static func needsEscape(_ word: UInt64) -> Bool {
        ByteWord.hasByte(word, below: 0x20) || ByteWord.hasByte(word, 0x22) || ByteWord.hasByte(word, 0x5C)
            || ByteWord.hasByte(word, 0x7F)
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
        case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
        case 0x08: bytes.append(contentsOf: [92, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [92, UInt8(ascii: "f")])
        case 0x00..<0x20, 0x7F:
            bytes.append(contentsOf: [92, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
        default:
            bytes.append(byte)
        }
    }
}

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
    static func append(_ value: Double, places: Int, to out: inout [UInt8]) {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.magnitude < 9e15 else {
            out.append(contentsOf: String(Int(max(-9e18, min(9e18, value)))).utf8)
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
    private static func appendDigits(_ value: Int, to out: inout [UInt8]) {
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
