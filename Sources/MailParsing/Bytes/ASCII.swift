/// Named bytes, so that parsers read like the RFCs they follow.
package enum ASCII {
    package static let tab = UInt8(ascii: "\t")
    package static let lineFeed = UInt8(ascii: "\n")
    package static let carriageReturn = UInt8(ascii: "\r")
    package static let space = UInt8(ascii: " ")
    package static let colon = UInt8(ascii: ":")
    package static let semicolon = UInt8(ascii: ";")
    package static let comma = UInt8(ascii: ",")
    package static let equals = UInt8(ascii: "=")
    package static let quote = UInt8(ascii: "\"")
    package static let backslash = UInt8(ascii: "\\")
    package static let lessThan = UInt8(ascii: "<")
    package static let greaterThan = UInt8(ascii: ">")
    package static let at = UInt8(ascii: "@")
    package static let hyphen = UInt8(ascii: "-")
    package static let openParen = UInt8(ascii: "(")
    package static let closeParen = UInt8(ascii: ")")
    package static let openBracket = UInt8(ascii: "[")
    package static let closeBracket = UInt8(ascii: "]")
    package static let slash = UInt8(ascii: "/")
    package static let dot = UInt8(ascii: ".")
    package static let nul: UInt8 = 0
    package static let zero = UInt8(ascii: "0")
    package static let nine = UInt8(ascii: "9")
    package static let upperA = UInt8(ascii: "A")
    package static let upperZ = UInt8(ascii: "Z")
    package static let lowerA = UInt8(ascii: "a")
    package static let lowerZ = UInt8(ascii: "z")

    /// Space or horizontal tab: RFC 5234 WSP.
    @inline(__always) package static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }
    /// WSP, CR or LF.
    @inline(__always) package static func isWhitespaceOrNewline(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == carriageReturn || byte == lineFeed
    }
    @inline(__always) package static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }
    @inline(__always) package static func isAlpha(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= lowerA && (byte | 0x20) <= lowerZ
    }
    /// ASCII lower case of one byte; other bytes unchanged.
    @inline(__always) package static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= upperA && byte <= upperZ) ? byte | 0x20 : byte
    }
}
