/// Named bytes, so that parsers read like the RFCs they follow.
///
/// Everything here is `@inlinable`: the other modules' byte loops compare against these in every
/// iteration, and a stored `static let` would cost them a call to its accessor each time.
package enum ASCII {
    @inlinable package static var tab: UInt8 { UInt8(ascii: "\t") }
    @inlinable package static var lineFeed: UInt8 { UInt8(ascii: "\n") }
    @inlinable package static var carriageReturn: UInt8 { UInt8(ascii: "\r") }
    @inlinable package static var space: UInt8 { UInt8(ascii: " ") }
    @inlinable package static var colon: UInt8 { UInt8(ascii: ":") }
    @inlinable package static var semicolon: UInt8 { UInt8(ascii: ";") }
    @inlinable package static var comma: UInt8 { UInt8(ascii: ",") }
    @inlinable package static var equals: UInt8 { UInt8(ascii: "=") }
    @inlinable package static var quote: UInt8 { UInt8(ascii: "\"") }
    @inlinable package static var backslash: UInt8 { UInt8(ascii: "\\") }
    @inlinable package static var lessThan: UInt8 { UInt8(ascii: "<") }
    @inlinable package static var greaterThan: UInt8 { UInt8(ascii: ">") }
    @inlinable package static var at: UInt8 { UInt8(ascii: "@") }
    @inlinable package static var hyphen: UInt8 { UInt8(ascii: "-") }
    @inlinable package static var openParen: UInt8 { UInt8(ascii: "(") }
    @inlinable package static var closeParen: UInt8 { UInt8(ascii: ")") }
    @inlinable package static var openBracket: UInt8 { UInt8(ascii: "[") }
    @inlinable package static var closeBracket: UInt8 { UInt8(ascii: "]") }
    @inlinable package static var slash: UInt8 { UInt8(ascii: "/") }
    @inlinable package static var dot: UInt8 { UInt8(ascii: ".") }
    @inlinable package static var nul: UInt8 { 0 }
    @inlinable package static var zero: UInt8 { UInt8(ascii: "0") }
    @inlinable package static var nine: UInt8 { UInt8(ascii: "9") }
    @inlinable package static var upperA: UInt8 { UInt8(ascii: "A") }
    @inlinable package static var upperZ: UInt8 { UInt8(ascii: "Z") }
    @inlinable package static var lowerA: UInt8 { UInt8(ascii: "a") }
    @inlinable package static var lowerZ: UInt8 { UInt8(ascii: "z") }

    /// Space or horizontal tab: RFC 5234 WSP.
    @inlinable @inline(__always) package static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }
    /// WSP, CR or LF.
    @inlinable @inline(__always) package static func isWhitespaceOrNewline(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == carriageReturn || byte == lineFeed
    }
    @inlinable @inline(__always) package static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }
    @inlinable @inline(__always) package static func isAlpha(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= lowerA && (byte | 0x20) <= lowerZ
    }
    /// ASCII lower case of one byte; other bytes unchanged.
    @inlinable @inline(__always) package static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= upperA && byte <= upperZ) ? byte | 0x20 : byte
    }
}
