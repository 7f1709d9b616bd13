/// Named bytes, so that parsers read like the RFCs they follow.
///
/// Public and `@inlinable`, so that the other modules' byte loops compare against these without a call
/// in every iteration: with `@inlinable package` the Backscatter module's disassembly still showed a
/// call per byte (Swift 6.3, 2026-11-29).
public enum ASCII {
    /// HT, 0x09.
    @inlinable public static var tab: UInt8 { UInt8(ascii: "\t") }
    /// LF, 0x0A.
    @inlinable public static var lineFeed: UInt8 { UInt8(ascii: "\n") }
    /// CR, 0x0D.
    @inlinable public static var carriageReturn: UInt8 { UInt8(ascii: "\r") }
    /// SP, 0x20.
    @inlinable public static var space: UInt8 { UInt8(ascii: " ") }
    /// `:`.
    @inlinable public static var colon: UInt8 { UInt8(ascii: ":") }
    /// `;`.
    @inlinable public static var semicolon: UInt8 { UInt8(ascii: ";") }
    /// `,`.
    @inlinable public static var comma: UInt8 { UInt8(ascii: ",") }
    /// `=`.
    @inlinable public static var equals: UInt8 { UInt8(ascii: "=") }
    /// `"`.
    @inlinable public static var quote: UInt8 { UInt8(ascii: "\"") }
    /// `\\`.
    @inlinable public static var backslash: UInt8 { UInt8(ascii: "\\") }
    /// `<`.
    @inlinable public static var lessThan: UInt8 { UInt8(ascii: "<") }
    /// `>`.
    @inlinable public static var greaterThan: UInt8 { UInt8(ascii: ">") }
    /// `@`.
    @inlinable public static var at: UInt8 { UInt8(ascii: "@") }
    /// `-`.
    @inlinable public static var hyphen: UInt8 { UInt8(ascii: "-") }
    /// `(`.
    @inlinable public static var openParen: UInt8 { UInt8(ascii: "(") }
    /// `)`.
    @inlinable public static var closeParen: UInt8 { UInt8(ascii: ")") }
    /// `[`.
    @inlinable public static var openBracket: UInt8 { UInt8(ascii: "[") }
    /// `]`.
    @inlinable public static var closeBracket: UInt8 { UInt8(ascii: "]") }
    /// `/`.
    @inlinable public static var slash: UInt8 { UInt8(ascii: "/") }
    /// `.`.
    @inlinable public static var dot: UInt8 { UInt8(ascii: ".") }
    /// NUL, 0x00.
    @inlinable public static var nul: UInt8 { 0 }
    /// `0`.
    @inlinable public static var zero: UInt8 { UInt8(ascii: "0") }
    /// `9`.
    @inlinable public static var nine: UInt8 { UInt8(ascii: "9") }
    /// `A`.
    @inlinable public static var upperA: UInt8 { UInt8(ascii: "A") }
    /// `Z`.
    @inlinable public static var upperZ: UInt8 { UInt8(ascii: "Z") }
    /// `a`.
    @inlinable public static var lowerA: UInt8 { UInt8(ascii: "a") }
    /// `z`.
    @inlinable public static var lowerZ: UInt8 { UInt8(ascii: "z") }

    /// Space or horizontal tab: RFC 5234 WSP.
    @inlinable @inline(__always) public static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }
    /// WSP, CR or LF.
    @inlinable @inline(__always) public static func isWhitespaceOrNewline(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == carriageReturn || byte == lineFeed
    }
    /// `0` to `9`.
    @inlinable @inline(__always) public static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }
    /// `A` to `Z` or `a` to `z`.
    @inlinable @inline(__always) public static func isAlpha(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= lowerA && (byte | 0x20) <= lowerZ
    }
    /// `A` to `Z`.
    @inlinable @inline(__always) public static func isUppercase(_ byte: UInt8) -> Bool { byte >= upperA && byte <= upperZ }
    /// ASCII lower case of one byte; other bytes unchanged.
    @inlinable @inline(__always) public static func lowercased(_ byte: UInt8) -> UInt8 {
        isUppercase(byte) ? byte | 0x20 : byte
    }

    /// Whether `bytes` begin with `lowercasePrefix`, ASCII letters compared without case (`lowercasePrefix`
    /// must be lower case). Public and inlined: the byte compares of other modules' hot tests (a daemon
    /// address, a header name, a DSN action word) need no call.
    @inlinable @inline(__always)
    public static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, ignoringCase lowercasePrefix: StaticString) -> Bool {
        let count = lowercasePrefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let prefix = lowercasePrefix.utf8Start
        for k in 0..<count where lowercased(bytes[k]) != prefix[k] { return false }
        return true
    }

    /// Whether `bytes` equal `lowercase`, ASCII letters compared without case (`lowercase` must be lower
    /// case), as `hasPrefix(_:ignoringCase:)`.
    @inlinable @inline(__always)
    public static func equals(_ bytes: UnsafeBufferPointer<UInt8>, ignoringCase lowercase: StaticString) -> Bool {
        bytes.count == lowercase.utf8CodeUnitCount && hasPrefix(bytes, ignoringCase: lowercase)
    }

    /// The bytes with ASCII letters lower-cased, as a String written straight into its storage (no
    /// intermediate array); invalid UTF-8 is repaired as `String(decoding:as:)` repairs it.
    @inlinable public static func lowercasedString<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            var i = 0
            for b in bytes {
                buffer[i] = lowercased(b)
                i += 1
            }
            return i
        }
    }

    /// Whether every byte is below 0x80: an OR of all of them, a loop the compiler vectorises. The one
    /// ASCII test of the byte readers (the charset decoder, the recognisers' string helpers, the DSN
    /// groups, the sent log, the fingerprints).
    @inlinable public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var any: UInt8 = 0
        for b in bytes { any |= b }
        return any < 0x80
    }

    /// `isASCII` of a slice's bytes.
    @inlinable public static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { isASCII($0) }
    }

    /// The decimal number `bytes` hold, all of them digits, at most 18 (so it cannot overflow); nil
    /// otherwise. The queue files' times and counts (Exim's, Sendmail's, OpenSMTPD's).
    package static func decimalValue<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte &- zero)
        }
        return value
    }
}
