import MailParsing

/// An RFC 3463 enhanced mail system status code, `class.subject.detail` (e.g. `5.1.1`).
///
/// RFC 3463 §2: class is 2 (success), 4 (persistent transient failure) or 5 (permanent failure);
/// subject and detail are 1 to 3 digits each. The IANA registry of defined codes (RFC 5248) is in
/// `EnhancedStatusCode+Registry.swift`. Sisimai's internal "pseudo" codes (`5.0.9xx`, used when a
/// bounce carries no code) are valid codes of this shape too; see `isPseudo`.
public struct EnhancedStatusCode: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// 2, 4 or 5.
    public let statusClass: UInt8
    /// 0...999.
    public let subject: UInt16
    /// 0...999.
    public let detail: UInt16

    /// A code from its three parts, or nil when a part is out of range (RFC 3463 §2).
    public init?(statusClass: Int, subject: Int, detail: Int) {
        guard statusClass == 2 || statusClass == 4 || statusClass == 5,
              (0...999).contains(subject), (0...999).contains(detail) else { return nil }
        self.statusClass = UInt8(statusClass)
        self.subject = UInt16(subject)
        self.detail = UInt16(detail)
    }

    /// Parses a whole token such as `5.1.1`, `#5.1.1`, `5.1.10`, `(5.7.1)`, trailing `.`/`,` allowed.
    /// Returns nil unless the token is exactly one code.
    public init?(_ text: some StringProtocol) {
        self.init(token: Array(text.utf8)[...])
    }

    /// `init(_:)` of the token's UTF-8 bytes.
    init?(token bytes: ArraySlice<UInt8>) {
        var end = bytes.endIndex
        while end > bytes.startIndex {
            let last = bytes[end - 1]
            guard last == ASCIIByte.dot || last == ASCIIByte.comma || last == ASCIIByte.closeParen
                || last == ASCIIByte.space || last == ASCIIByte.tab else { break }
            end -= 1
        }
        var i = bytes.startIndex
        while i < end, bytes[i] == ASCIIByte.hash || bytes[i] == ASCIIByte.openParen
            || bytes[i] == ASCIIByte.space || bytes[i] == ASCIIByte.tab { i += 1 }
        guard let (code, scanned) = EnhancedStatusCode.scan(bytes[..<end], at: i), scanned == end else { return nil }
        self = code
    }

    /// Reads `d.ddd.ddd` starting exactly at `index`; returns the code and the index after it.
    static func scan(_ bytes: ArraySlice<UInt8>, at index: Int) -> (EnhancedStatusCode, Int)? {
        var i = index
        func number(maxDigits: Int) -> Int? {
            var value = 0, n = 0
            while i < bytes.endIndex, n < maxDigits, bytes[i] >= ASCIIByte.zero, bytes[i] <= ASCIIByte.nine {
                value = value * 10 + Int(bytes[i] - ASCIIByte.zero)
                i += 1; n += 1
            }
            return n == 0 ? nil : value
        }
        guard let c = number(maxDigits: 1), i < bytes.endIndex, bytes[i] == ASCIIByte.dot else { return nil }
        i += 1
        guard let s = number(maxDigits: 3), i < bytes.endIndex, bytes[i] == ASCIIByte.dot else { return nil }
        i += 1
        guard let d = number(maxDigits: 3) else { return nil }
        if i < bytes.endIndex, bytes[i] >= ASCIIByte.zero, bytes[i] <= ASCIIByte.nine { return nil }
        guard let code = EnhancedStatusCode(statusClass: c, subject: s, detail: d) else { return nil }
        return (code, i)
    }

    /// `class.subject.detail`.
    ///
    /// A code of one-digit subject and detail, or a Sisimai pseudo code (`4.0.9nn`, `5.0.9nn`), is
    /// looked up in a table of literals (`EnhancedStatusCode+Texts.swift`), other codes are written
    /// (`writtenDescription`, ~220 instructions a code: bsd.mbox x3, 2,070 codes, most of them such).
    public var description: String {
        switch EnhancedStatusCode.commonTextIndex(statusClass: statusClass, subject: subject, detail: detail) {
        case .oneDigit(let k) where k < EnhancedStatusCode.oneDigitTexts.count: EnhancedStatusCode.oneDigitTexts[k]
        case .pseudo(let k) where k < EnhancedStatusCode.pseudoTexts.count: EnhancedStatusCode.pseudoTexts[k]
        default: writtenDescription
        }
    }

    /// Where the text of a code stands in `oneDigitTexts` or `pseudoTexts`.
    enum CommonTextIndex: Equatable {
        case oneDigit(Int), pseudo(Int), none
    }

    /// Where the text of the code of these parts stands: in `oneDigitTexts` for a class of 2, 4 or
    /// 5 and a one-digit subject and detail, in `pseudoTexts` for a class of 4 or 5, subject 0 and a
    /// detail of 900 to 999; `none` for any other.
    @inline(__always)
    static func commonTextIndex(statusClass: UInt8, subject: UInt16, detail: UInt16) -> CommonTextIndex {
        let row: Int
        switch statusClass {
        case 2: row = 0
        case 4: row = 1
        case 5: row = 2
        default: return .none
        }
        if subject < 10 && detail < 10 { return .oneDigit(row &* 100 &+ Int(subject) &* 10 &+ Int(detail)) }
        if row > 0, subject == 0, detail >= 900, detail <= 999 { return .pseudo((row &- 1) &* 100 &+ Int(detail &- 900)) }
        return .none
    }

    /// `class.subject.detail` written digit by digit.
    var writtenDescription: String {
        // Written digit by digit on the stack (string interpolation cost ~1,100 instructions a code) and
        // made a String without validating the ASCII written here (`String(unsafeUninitializedCapacity:)`
        // validated it: ~425 instructions a code against ~190; bsd.mbox x3, the records' 1,944 codes:
        // 0.82M -> 0.37M). At most "5.999.999".
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 9) { out in
            guard out.count >= 9, let p = out.baseAddress else { return "" }
            var n = 0
            /// `value` (0...999) in decimal, no leading zeros.
            @inline(__always) func put(_ value: Int) {
                if value >= 100 { p[n] = ASCIIByte.zero &+ UInt8(truncatingIfNeeded: value / 100); n &+= 1 }
                if value >= 10 { p[n] = ASCIIByte.zero &+ UInt8(truncatingIfNeeded: value / 10 % 10); n &+= 1 }
                p[n] = ASCIIByte.zero &+ UInt8(truncatingIfNeeded: value % 10)
                n &+= 1
            }
            put(Int(statusClass))
            p[n] = ASCIIByte.dot
            n &+= 1
            put(Int(subject))
            p[n] = ASCIIByte.dot
            n &+= 1
            put(Int(detail))
            return UncheckedUTF8.asciiString(UnsafeBufferPointer(start: p, count: n))
        }
    }

    /// RFC 3463 §3.1: class 2.
    public var isSuccess: Bool { statusClass == 2 }
    /// RFC 3463 §3.1: class 4, a persistent transient failure.
    public var isTransient: Bool { statusClass == 4 }
    /// RFC 3463 §3.1: class 5, a permanent failure.
    public var isPermanent: Bool { statusClass == 5 }
    /// `X.0.0`: only the class is known (RFC 3463 §3.2 "Other undefined status").
    public var isUndefined: Bool { subject == 0 && detail == 0 }
    /// A Sisimai internal code (`X.0.9nn`), not one a server sent.
    public var isPseudo: Bool { subject == 0 && detail >= 900 }

    public static func < (a: EnhancedStatusCode, b: EnhancedStatusCode) -> Bool {
        (a.statusClass, a.subject, a.detail) < (b.statusClass, b.subject, b.detail)
    }

    // Codable as its text form, "5.1.1".
    public init(from decoder: any Decoder) throws {
        self = try TextForm.decode(from: decoder, as: "status code", EnhancedStatusCode.init)
    }

    public func encode(to encoder: any Encoder) throws { try TextForm.encode(description, to: encoder) }
}

/// Byte names used by the code scanners (kept local: this module does not reach into MailParsing's).
enum ASCIIByte {
    static let dot = UInt8(ascii: ".")
    static let comma = UInt8(ascii: ",")
    static let hash = UInt8(ascii: "#")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let hyphen = UInt8(ascii: "-")
    static let slash = UInt8(ascii: "/")
    static let upperV = UInt8(ascii: "V")
    static let lowerV = UInt8(ascii: "v")
    static func isDigit(_ b: UInt8) -> Bool { b >= zero && b <= nine }
}

/// Codable as a string: the status and reply codes are written as their text (`"5.1.1"`, `"550"`).
enum TextForm {
    static func decode<Value>(from decoder: any Decoder, as what: String, _ parse: (String) -> Value?) throws -> Value {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a \(what): \(text)"))
        }
        return value
    }

    static func encode(_ text: String, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
