/// An SMTP reply code (RFC 5321 §4.2): three digits, the first 2–5.
public struct ReplyCode: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// 200...599.
    public let value: UInt16

    /// A reply code RFC 5321 §4.2.2/§4.2.3 (and RFC 4954, 5248, 7504) define, or nil.
    /// 2yz: 211–253 except 222–249, plus 235; 3yz: 334, 354; 4yz/5yz: up to 556, second digit ≤ 5.
    public init?(_ value: Int) {
        guard value >= 211, value <= 556, value % 100 <= 59 else { return nil }
        switch value / 100 {
        case 2: guard value == 235 || (value <= 253 && !(value > 221 && value < 250)) else { return nil }
        case 3: guard value == 334 || value == 354 else { return nil }
        default: break
        }
        self.value = UInt16(value)
    }

    /// Parses exactly three digits.
    public init?(_ text: some StringProtocol) {
        let t = text.utf8
        guard t.count == 3, t.allSatisfy(ASCIIByte.isDigit), let v = Int(String(text)) else { return nil }
        self.init(v)
    }

    /// The first digit: 2 success, 3 intermediate, 4 transient, 5 permanent.
    public var replyClass: UInt8 { UInt8(value / 100) }
    public var description: String { String(value) }
    public static func < (a: ReplyCode, b: ReplyCode) -> Bool { a.value < b.value }

    // Codable as its text form, "550".
    public init(from decoder: any Decoder) throws {
        self = try TextForm.decode(from: decoder, as: "reply code") { ReplyCode($0) }
    }

    public func encode(to encoder: any Encoder) throws { try TextForm.encode(description, to: encoder) }

    // The codes looked for in text, most telling first (RFC 5321 §4.2.3 and the RFCs it cites).
    static let permanentCodes: [UInt16] = [550, 552, 553, 551, 521, 525, 523, 524, 530, 533, 534, 535, 538, 555, 556, 554, 500, 501, 502, 503, 504]
    static let transientCodes: [UInt16] = [421, 450, 451, 452, 422, 430, 432, 453, 454, 455, 458, 459]
    static let successCodes: [UInt16] = [211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354]

    /// The reply code a diagnostic text carries, or nil.
    ///
    /// Numbers that are not reply codes are common in diagnostics (sizes, ports, IP addresses, dates),
    /// so a candidate counts only when it is a defined code standing alone: neither neighbour is a
    /// digit or `.`/`/`/`-`-like joiner (bytes `.` to `9`). Codes are tried in a fixed order of
    /// usefulness (permanent, then transient, then success), as Sisimai does, not left to right.
    /// Text mentioning `X-UNIX` (a local program's exit) has no reply code.
    /// - Parameter statusClass: only codes of this class (from the status code), if given.
    public static func find(in text: some StringProtocol, statusClass: UInt8? = nil) -> ReplyCode? {
        guard text.utf8.count >= 3 else { return nil }
        // The text between one space in front and one behind (no bounds tests at the ends).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        bytes.append(ASCIIByte.space)
        bytes.append(contentsOf: text.utf8)
        bytes.append(ASCIIByte.space)
        if bytes[...].firstRange(ofCaseInsensitive: "x-unix") != nil { return nil }
        let candidates: [UInt16]
        switch statusClass {
        case 2: candidates = successCodes
        case 4: candidates = transientCodes
        case 5: candidates = permanentCodes
        default: candidates = permanentCodes + transientCodes + successCodes
        }
        func joins(_ b: UInt8) -> Bool { b > 45 && b < 58 }  // '.', '/', '0'...'9'
        func digit(_ b: UInt8) -> Bool { b >= ASCIIByte.zero && b <= ASCIIByte.nine }
        // One pass collects every standalone three-digit number; the candidate order then decides.
        var present = [Bool](repeating: false, count: 600)
        var any = false
        var i = 1
        while i + 3 < bytes.count {
            let b0 = bytes[i]
            if b0 >= UInt8(ascii: "2"), b0 <= UInt8(ascii: "5"), digit(bytes[i + 1]), digit(bytes[i + 2]),
               !joins(bytes[i - 1]), !joins(bytes[i + 3]) {
                present[Int(b0 - ASCIIByte.zero) * 100 + Int(bytes[i + 1] - ASCIIByte.zero) * 10 + Int(bytes[i + 2] - ASCIIByte.zero)] = true
                any = true
            }
            i += 1
        }
        guard any else { return nil }
        for code in candidates where present[Int(code)] { return ReplyCode(Int(code)) }
        return nil
    }
}
