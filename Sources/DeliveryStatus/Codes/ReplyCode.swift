#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        if let found = text.utf8.withContiguousStorageIfAvailable({ find(inUTF8: $0, statusClass: statusClass) }) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer { find(inUTF8: $0, statusClass: statusClass) }
    }

    /// `find(in:statusClass:)`, and whether the code found is written right before a `-` somewhere in
    /// the text (`Diagnostic.containsContinuation`'s answer: a multi-line reply's `550-`), read in the
    /// same walk over the dashes as the `X-UNIX` test (`dashes`): `Finalization.report` asked both of
    /// each diagnostic with a code, two memchr walks over the same dashes (bsd.mbox x3: 1,701 and
    /// 1,431 texts, 0.55M and 0.63M instructions).
    static func findNotingContinuation(in text: String, statusClass: UInt8?) -> (code: ReplyCode?, continued: Bool) {
        if let found = text.utf8.withContiguousStorageIfAvailable({ findNotingContinuation(inUTF8: $0, statusClass: statusClass) }) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer { findNotingContinuation(inUTF8: $0, statusClass: statusClass) }
    }

    static func findNotingContinuation(inUTF8 text: UnsafeBufferPointer<UInt8>, statusClass: UInt8?) -> (code: ReplyCode?, continued: Bool) {
        guard let index = firstCandidate(inUTF8: text, statusClass: statusClass) else { return (nil, false) }
        let (xUnix, continued) = dashes(text)
        if xUnix { return (nil, false) }
        return (ReplyCode(Int(candidateOrder[index])), continued & (1 << UInt64(index)) != 0)
    }

    /// `EnhancedStatusCode.find(in: text)`, then `findNotingContinuation(in: text, statusClass:)` of its
    /// class, from one pass over the text's sixteen-byte blocks: the reply code pass also marks the
    /// bytes 2...5 before a dot, the status code's candidates (`Finalization.report` asked the two
    /// of each diagnostic, a memchr walk over its ~16 dots and the pass: bsd.mbox x3, 2,028 texts,
    /// `EnhancedStatusCode.find` 2.35M and `findNotingContinuation` 2.78M -> `findCodes` 4.39M; the
    /// dot's test costs the pass ~6 instructions a block).
    static func findCodes(in text: String) -> (status: EnhancedStatusCode?, reply: ReplyCode?, continued: Bool) {
        if let found = text.utf8.withContiguousStorageIfAvailable(findCodes(inUTF8:)) { return found }
        return Array(text.utf8).withUnsafeBufferPointer(findCodes(inUTF8:))
    }

    static func findCodes(inUTF8 text: UnsafeBufferPointer<UInt8>) -> (status: EnhancedStatusCode?, reply: ReplyCode?, continued: Bool) {
        guard text.count >= 18 else {
            let status = EnhancedStatusCode.find(inUTF8: text, statusClass: nil)
            let (reply, continued) = findNotingContinuation(inUTF8: text, statusClass: status?.statusClass)
            return (status, reply, continued)
        }
        var scan = EnhancedStatusCode.Scan(statusClass: nil)
        let bits = present(inUTF8: text, statusCodes: &scan)
        let status = scan.result(in: text)
        guard let index = firstWanted(bits, statusClass: status?.statusClass) else { return (status, nil, false) }
        let (xUnix, continued) = dashes(text)
        if xUnix { return (status, nil, false) }
        return (status, ReplyCode(Int(candidateOrder[index])), continued & (1 << UInt64(index)) != 0)
    }

    /// `find(in:statusClass:)` over UTF-8 bytes in place.
    static func find(inUTF8 text: UnsafeBufferPointer<UInt8>, statusClass: UInt8? = nil) -> ReplyCode? {
        guard let index = firstCandidate(inUTF8: text, statusClass: statusClass) else { return nil }
        // A local program's exit status, not an SMTP reply (looked for only when a code was seen).
        if mentionsXUnix(text) { return nil }
        return ReplyCode(Int(candidateOrder[index]))
    }

    /// The place in `candidateOrder` of the code `find(inUTF8:statusClass:)` gives when the text does
    /// not mention `X-UNIX`: one pass that sets a bit per defined code
    /// seen standing alone, then the first bit in order of usefulness (no copy, no table per call).
    /// The pass looks at sixteen possible starts at a time (SIMD) and only where a digit 2...5 is
    /// followed by two more digits.
    private static func firstCandidate(inUTF8 text: UnsafeBufferPointer<UInt8>, statusClass: UInt8?) -> Int? {
        firstWanted(present(inUTF8: text, statusCodes: nil), statusClass: statusClass)
    }

    /// The bits (places in `candidateOrder`) of the defined codes standing alone in the text; with
    /// `statusCodes`, the bytes before a dot that may start a status code given to it in text order
    /// (`EnhancedStatusCode.Scan.consider`) from the same sixteen-byte blocks, when the text is 18
    /// bytes long or more (else none).
    @inline(__always)
    private static func present(inUTF8 text: UnsafeBufferPointer<UInt8>, statusCodes: UnsafeMutablePointer<EnhancedStatusCode.Scan>?) -> UInt64 {
        let count = text.count
        guard count >= 3, let base = text.baseAddress else { return 0 }
        let table = candidateIndex
        var present: UInt64 = 0
        if count >= 18 {
            // Sixteen possible starts at a time (SSE2 compares of `SIMD16<UInt8>` vectors): the block of
            // starts `p ..< p + 16` reads the bytes `p ... p + 17` as three vectors, one and two bytes
            // apart, and marks the lanes where a digit 2...5 (the first digit of every code looked for)
            // is followed by two digits. The last block overlaps the one before: a start noted twice
            // sets its bit twice. Measured on bsd.mbox x3 (callgrind, inclusive over all calls): 5.10M ->
            // 3.19M instructions; the eight-byte SWAR pass it replaces took six starts a step, ~2.2
            // instructions a byte. Tried: two blocks a step tested together, 3.30M; each block's marks
            // read by a local function that captured the bit set, 5.14M (an exclusivity check a call).
            let lastBlock = count &- 18
            // Each range test one add and one signed compare (`pcmpgtb`): the add moves the range's top
            // to 127, so its members are the bytes above the range's first less one, and every other
            // byte lands at or below that (those above the range wrap around). An unsigned `(b &- low) < width` is four instructions
            // (`pminub`, `pcmpeqb` and a copy). One test on the two halves together skips the ~87% of
            // blocks with no start, and the last block is not tested for at each step. Measured on bsd.mbox
            // x3 (callgrind, inclusive over all callers, 65,889 blocks): 3.18M -> 2.67M.
            let firstShift = SIMD16<UInt8>(repeating: 0x7F &- UInt8(ascii: "5"))
            let firstFloor = SIMD16<Int8>(repeating: Int8(0x7F &- 4))
            let digitShift = SIMD16<UInt8>(repeating: 0x7F &- UInt8(ascii: "9"))
            let digitFloor = SIMD16<Int8>(repeating: Int8(0x7F &- 10))
            let raw = UnsafeRawPointer(base)
            @inline(__always) func inRange(_ v: SIMD16<UInt8>, _ shift: SIMD16<UInt8>, _ floor: SIMD16<Int8>) -> SIMDMask<SIMD16<Int8>> {
                unsafeBitCast(v &+ shift, to: SIMD16<Int8>.self) .> floor
            }
            let dots = SIMD16<UInt8>(repeating: ASCIIByte.dot)
            // The bits of the codes starting in the block at `p` (returned, not set in a captured variable);
            // the block's status code candidates given to `statusCodes`. (Those of the last block read
            // again are turned away by their class's resumption, `Scan.consider`.)
            @inline(__always) func block(_ p: Int) -> UInt64 {
                // The lanes holding a digit 2...5 first: every mark below needs one, and most blocks
                // hold none, which are left after one load and one test, not three loads and the
                // tests of both marks (bsd.mbox x3, 55,065 blocks: 25 instructions a block before).
                let lead = inRange(raw.loadUnaligned(fromByteOffset: p, as: SIMD16<UInt8>.self), firstShift, firstFloor)
                let leads = unsafeBitCast(lead, to: SIMD2<UInt64>.self)
                guard leads[0] | leads[1] != 0 else { return 0 }
                // The lanes where a reply code may start, and where a digit 2...5 is followed by a dot.
                let second = raw.loadUnaligned(fromByteOffset: p &+ 1, as: SIMD16<UInt8>.self)
                let third = raw.loadUnaligned(fromByteOffset: p &+ 2, as: SIMD16<UInt8>.self)
                let codes = lead .& inRange(second, digitShift, digitFloor) .& inRange(third, digitShift, digitFloor)
                let dotted = lead .& (second .== dots)
                if let statusCodes {
                    // One test of both marks, as one of the codes' alone (most blocks hold neither).
                    let either = unsafeBitCast(codes .| dotted, to: SIMD2<UInt64>.self)
                    guard either[0] | either[1] != 0 else { return 0 }
                    let d = unsafeBitCast(dotted, to: SIMD2<UInt64>.self)
                    if d[0] | d[1] != 0 { considerLanes(d, at: p, in: text, statusCodes) }
                }
                let halves = unsafeBitCast(codes, to: SIMD2<UInt64>.self)
                guard halves[0] | halves[1] != 0 else { return 0 }
                var bits: UInt64 = 0
                // One bit of each marked lane's byte kept, so that clearing the lowest bit clears the lane.
                var low = UInt64(littleEndian: halves[0]) & 0x8080_8080_8080_8080
                var high = UInt64(littleEndian: halves[1]) & 0x8080_8080_8080_8080
                while low != 0 {
                    bits |= codeBit(at: p &+ low.trailingZeroBitCount &>> 3, in: text, table: table)
                    low &= low &- 1
                }
                while high != 0 {
                    bits |= codeBit(at: p &+ 8 &+ high.trailingZeroBitCount &>> 3, in: text, table: table)
                    high &= high &- 1
                }
                return bits
            }
            var p = 0
            while p < lastBlock {
                present |= block(p)
                p &+= 16
            }
            present |= block(lastBlock)
        } else {
            func digit(_ b: UInt8) -> Bool { b &- ASCIIByte.zero < 10 }
            var i = 0
            while i + 2 < count {
                if digit(text[i]), digit(text[i + 1]), digit(text[i + 2]) { present |= codeBit(at: i, in: text, table: table) }
                i += 1
            }
        }
        return present
    }

    /// The status code candidates of a block at `p` (`dotted`: the lanes where a digit 2...5 is
    /// followed by a dot), in text order.
    @inline(never)
    private static func considerLanes(_ dotted: SIMD2<UInt64>, at p: Int, in text: UnsafeBufferPointer<UInt8>,
                                      _ scan: UnsafeMutablePointer<EnhancedStatusCode.Scan>) {
        var lanes = (UInt128(UInt64(littleEndian: dotted[1])) << 64 | UInt128(UInt64(littleEndian: dotted[0])))
            & 0x8080_8080_8080_8080_8080_8080_8080_8080
        while lanes != 0 {
            _ = scan.pointee.consider(p &+ lanes.trailingZeroBitCount &>> 3, in: text)
            lanes &= lanes &- 1
        }
    }

    /// The first bit of `present` in order of usefulness among the codes of `statusClass`.
    @inline(__always)
    private static func firstWanted(_ present: UInt64, statusClass: UInt8?) -> Int? {
        let wanted: UInt64
        switch statusClass {
        case 2: wanted = classMask(from: permanentCodes.count + transientCodes.count, count: successCodes.count)
        case 4: wanted = classMask(from: permanentCodes.count, count: transientCodes.count)
        case 5: wanted = classMask(from: 0, count: permanentCodes.count)
        default: wanted = ~0
        }
        let hits = present & wanted
        guard hits != 0 else { return nil }
        return hits.trailingZeroBitCount
    }

    /// A number starting at `p` (three digits there, known): the bit of the defined code it is when it
    /// stands alone, i.e. at the text's start or after a byte that cannot join it, and at its end or
    /// before such a byte; else 0.
    @inline(__always)
    static func codeBit(at p: Int, in text: UnsafeBufferPointer<UInt8>, table: [Int8]) -> UInt64 {
        func joins(_ b: UInt8) -> Bool { b > 45 && b < 58 }  // '.', '/', '0'...'9'
        let count = text.count
        let b0 = text[p]
        guard b0 &- UInt8(ascii: "2") < 4, p == 0 || !joins(text[p - 1]), p + 3 == count || !joins(text[p + 3]) else { return 0 }
        let value = Int(b0 - ASCIIByte.zero) * 100 + Int(text[p + 1] - ASCIIByte.zero) * 10 + Int(text[p + 2] - ASCIIByte.zero)
        let index = table[value]
        return index >= 0 ? 1 << UInt64(index) : 0
    }

    /// Whether the text holds `x-unix` in any case: each `-` (found with memchr) checked for the
    /// letters around it (`isXUnix`).
    static func mentionsXUnix(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = text.count
        guard count >= 6, let base = text.baseAddress else { return false }
        var from = 1
        // The hyphen of a match sits at 1...count - 5.
        while from <= count - 5, let hit = memchr(base + from, Int32(ASCIIByte.hyphen), count - 4 - from) {
            let h = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if isXUnix(text, hyphenAt: h) { return true }
            from = h + 1
        }
        return false
    }

    /// Whether the hyphen at `h` (1...count - 5) is the one of `x-unix`, any case (`b | 0x20` equals a
    /// lower-case letter only for that letter in either case).
    @inline(__always)
    private static func isXUnix(_ text: UnsafeBufferPointer<UInt8>, hyphenAt h: Int) -> Bool {
        text[h - 1] | 0x20 == UInt8(ascii: "x") && text[h + 1] | 0x20 == UInt8(ascii: "u") && text[h + 2] | 0x20 == UInt8(ascii: "n")
            && text[h + 3] | 0x20 == UInt8(ascii: "i") && text[h + 4] | 0x20 == UInt8(ascii: "x")
    }

    /// One walk over the text's dashes (memchr): whether it holds `x-unix` in any case
    /// (`mentionsXUnix`), and the codes (bit `candidateIndex[v]` for the number v) written right
    /// before a dash, digits neighbouring them or not (`Diagnostic.containsContinuation`'s test).
    /// The walk stops at an `x-unix`: its codes are then of no use.
    static func dashes(_ text: UnsafeBufferPointer<UInt8>) -> (xUnix: Bool, continued: UInt64) {
        let count = text.count
        guard count >= 2, let base = text.baseAddress else { return (false, 0) }
        let table = candidateIndex
        var continued: UInt64 = 0
        var from = 1
        while from < count, let hit = memchr(base + from, Int32(ASCIIByte.hyphen), count - from) {
            let h = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if h >= 3 {
                let (a, b, c) = (text[h - 3] &- ASCIIByte.zero, text[h - 2] &- ASCIIByte.zero, text[h - 1] &- ASCIIByte.zero)
                if a < 6, b < 10, c < 10 {
                    let index = table[Int(a) * 100 + Int(b) * 10 + Int(c)]
                    if index >= 0 { continued |= 1 << UInt64(index) }
                }
            }
            // The hyphen of an `x-unix` sits at 1...count - 5.
            if h + 4 < count, isXUnix(text, hyphenAt: h) { return (true, continued) }
            from = h + 1
        }
        return (false, continued)
    }

    /// The code `find(inUTF8:)` gives for a text holding both codes standing alone and no `x-unix`:
    /// the one earlier in `candidateOrder` (`found`, a code `find` gave, is in it).
    static func moreTelling(_ given: ReplyCode, _ found: ReplyCode) -> ReplyCode {
        let g = candidateIndex[Int(given.value)]
        return g >= 0 && g < candidateIndex[Int(found.value)] ? given : found
    }

    private static func classMask(from start: Int, count: Int) -> UInt64 { ((1 << UInt64(count)) - 1) << UInt64(start) }

    /// Every code looked for, permanent then transient then success (at most 64: one bit each).
    static let candidateOrder: [UInt16] = permanentCodes + transientCodes + successCodes

    /// For each number 0...599, its place in `candidateOrder`, or -1.
    static let candidateIndex: [Int8] = {
        var table = [Int8](repeating: -1, count: 600)
        for (k, code) in candidateOrder.enumerated() { table[Int(code)] = Int8(k) }
        return table
    }()
}
