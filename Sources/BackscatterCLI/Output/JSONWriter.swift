/// Writes JSON by hand into a byte buffer: fast, and correct for every string a message can hold.
///
/// Strings are escaped per RFC 8259 §7: `"` and `\` are escaped, control characters U+0000–U+001F use
/// the short forms or `\u00XX`, and DEL and U+2028/U+2029 are escaped too so the output is safe to embed.
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
            // Runs that need no escape are copied whole.
            var run = 0
            for i in utf8.indices {
                let byte = utf8[i]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<i]))
                appendEscaped(byte)
                run = i + 1
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
        bytes.append(contentsOf: Decimals.format(value, places: 3).utf8)
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
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.magnitude < 9e15 else { return String(Int(value)) }
        var units = Int(scaled)
        let negative = units < 0
        units = abs(units)
        let unit = Int(scale)
        let whole = units / unit
        var fraction = units % unit
        var digits = places
        while digits > 0, fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        var out = negative ? "-" : ""
        out += String(whole)
        if digits > 0 {
            let text = String(fraction)
            out += "." + String(repeating: "0", count: digits - text.count) + text
        }
        return out
    }

    /// Exactly `places` decimals: `0.80`.
    static func fixed(_ value: Double, places: Int) -> String {
        var text = format(value, places: places)
        if !text.contains(".") { text += places > 0 ? "." : "" }
        let have = text.split(separator: ".", omittingEmptySubsequences: false).last?.count ?? 0
        return text + String(repeating: "0", count: max(0, places - have))
    }
}
