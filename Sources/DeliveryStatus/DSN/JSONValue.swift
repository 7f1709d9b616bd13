/// A JSON value (RFC 8259), as the JSON notification formats carry it in a message's text (Amazon SES's
/// notifications through Amazon SNS: `Formats/AmazonSES.swift`).
///
/// Read by `JSONValue.parse`, a recursive-descent reader with documented limits, for hostile text:
/// at most `maxDepth` nested arrays and objects (deeper is malformed, so the stack stays bounded);
/// linear in the input, which the caller bounds. Numbers are kept as written: no notification field
/// read here needs arithmetic.
package enum JSONValue: Sendable, Equatable {
    /// An object's members, in the order written (a repeated key kept: `subscript` finds the first).
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    /// A number as written (`-12.5e3`).
    case number(String)
    case bool(Bool)
    case null

    /// The first member named `key` of an object; nil for any other value or without one.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// The text of a string value; nil for any other value.
    package var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The elements of an array; nil for any other value.
    package var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// How deeply arrays and objects may nest before the text is read as malformed.
    package static let maxDepth = 32

    /// Reads the JSON value that starts at the first byte of `bytes` other than JSON white space; what
    /// follows it is left unread (a notification's text goes on after its JSON). Nil when no complete
    /// value is there: malformed JSON, nesting deeper than `maxDepth`, or the end reached inside it.
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (value: JSONValue, end: Int)? {
        var reader = JSONReader(bytes: bytes)
        guard let value = reader.value(depth: 0) else { return nil }
        return (value, reader.position)
    }
}

/// One member of a JSON object.
package struct JSONMember: Sendable, Equatable {
    package var key: String
    package var value: JSONValue
}

/// The reader behind `JSONValue.parse`: a position in the bytes, moved on as each value is read.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Passes over JSON white space (RFC 8259 §2: space, tab, LF, CR).
    mutating func skipBlanks() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The value at the position (blanks before it passed over), nil when malformed.
    mutating func value(depth: Int) -> JSONValue? {
        skipBlanks()
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "{"): return depth < JSONValue.maxDepth ? object(depth: depth + 1) : nil
        case UInt8(ascii: "["): return depth < JSONValue.maxDepth ? array(depth: depth + 1) : nil
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number()
        }
    }

    /// Steps over an object's or array's opening byte and the blanks after it; true (and past it) when
    /// `closing` follows at once: the container is empty.
    mutating func opensEmpty(closing: UInt8) -> Bool {
        position += 1
        skipBlanks()
        guard position < bytes.count, bytes[position] == closing else { return false }
        position += 1
        return true
    }

    /// An object, the position at its `{`.
    mutating func object(depth: Int) -> JSONValue? {
        var members: [JSONMember] = []
        if opensEmpty(closing: UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipBlanks()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipBlanks()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
            position += 1
            guard let value = value(depth: depth) else { return nil }
            members.append(JSONMember(key: key, value: value))
            guard let closed = afterElement(closing: UInt8(ascii: "}")) else { return nil }
            if closed { return .object(members) }
        }
    }

    /// An array, the position at its `[`.
    mutating func array(depth: Int) -> JSONValue? {
        var elements: [JSONValue] = []
        if opensEmpty(closing: UInt8(ascii: "]")) { return .array(elements) }
        while true {
            guard let element = value(depth: depth) else { return nil }
            elements.append(element)
            guard let closed = afterElement(closing: UInt8(ascii: "]")) else { return nil }
            if closed { return .array(elements) }
        }
    }

    /// What follows an object's member or an array's element: a `,` (false: another comes) or the
    /// `closing` bracket (true), passed over; nil for anything else.
    mutating func afterElement(closing: UInt8) -> Bool? {
        skipBlanks()
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: ","): position += 1; return false
        case closing: position += 1; return true
        default: return nil
        }
    }

    /// `word` at the position, passed over when there.
    mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        if matches { position += count }
        return matches
    }

    /// A number (RFC 8259 §6), kept as written: a `-`, digits, a fraction and an exponent.
    mutating func number() -> JSONValue? {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while position < bytes.count, isNumberByte(bytes[position]) { position += 1 }
        guard position > digitsStart, isDigit(bytes[digitsStart]) else { position = start; return nil }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private func isNumberByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    /// A string (RFC 8259 §7), the position at its opening quote: its escapes decoded (a `\u` escape of
    /// a lone surrogate becomes U+FFFD), ill-formed UTF-8 repaired. A control byte inside it, which
    /// RFC 8259 does not allow, is kept (mail software writes them); nil without a closing quote or
    /// with an unknown escape.
    mutating func string() -> String? {
        position += 1
        var text: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escape)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    UTF8.encode(scalar) { text.append($0) }
                default: return nil
                }
            default:
                text.append(byte)
            }
        }
        return nil
    }

    /// The scalar of a `\u` escape, the position after its `u`: a surrogate pair's two escapes read as
    /// one scalar, a lone surrogate U+FFFD; nil without four hex digits.
    mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let first = hex4() else { return nil }
        if (0xD800..<0xDC00).contains(first) {
            // A high surrogate: its low one follows as another `\u` escape.
            if bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                let saved = position
                position += 2
                if let second = hex4(), (0xDC00..<0xE000).contains(second) {
                    return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
                }
                position = saved
            }
            return "\u{FFFD}"
        }
        return Unicode.Scalar(first) ?? "\u{FFFD}"
    }

    /// Four hex digits at the position, passed over; nil when they are not there.
    mutating func hex4() -> UInt32? {
        guard bytes.count - position >= 4 else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }
}
