#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// RFC 3461 §4: xtext, where `+XX` (two upper-case hex digits) stands for one byte.
public enum XText {
    /// Decodes `+XX` escapes; a `+` not followed by two hex digits is kept as is (tolerant reading).
    public static func decode(_ text: some StringProtocol) -> String {
        // Nearly every address has no escape: then the text as it is, without copying its bytes.
        let plus = text.utf8.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: "+")) }
        if plus == false { return String(text) }
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "+")) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "+"), i + 2 < bytes.count, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

/// A DSN field value with its type: `rfc822; user@example.com`, `dns; mx.example.com`,
/// `smtp; 550 5.1.1 ...` (RFC 3464 §2.1.2 address-type, mta-name-type, diagnostic-type).
public struct TypedValue: Sendable, Hashable {
    /// The type, lower-cased (`rfc822`, `utf-8`, `dns`, `smtp`, `x-unix` ...); nil when the value had none.
    public var type: String?
    /// The value after the `;`, trimmed.
    public var value: String

    /// Splits `type; value`. A type is a token (letters, digits, `-`, `.`, `_`) before the first `;`.
    public init(_ field: String) {
        let s = field.trimmed
        // In ASCII text every byte is a Character: the first `;` byte is the first `;` Character.
        let isASCII = s.utf8.allSatisfy { $0 < 0x80 }
        if let semi = isASCII ? s.utf8.firstIndex(of: UInt8(ascii: ";")) : s.firstIndex(of: ";") {
            let head = String(s[..<semi]).trimmed
            if !head.isEmpty, head.utf8.count <= 40, head.utf8.allSatisfy(TypedValue.isTypeByte) {
                self.type = head.lowercased()
                self.value = String(s[s.index(after: semi)...]).trimmed
                return
            }
        }
        self.type = nil
        self.value = s
    }

    /// `init(_:)` of ASCII bytes, split on the bytes: the same parts without the String work (the
    /// trimming, `allSatisfy` and `lowercased()` of `init(_:)` cost ~6,000 instructions a value).
    init(asciiBytes bytes: ArraySlice<UInt8>) {
        let parts = TypedValue.asciiParts(bytes)
        if let type = parts.type {
            self.type = ASCII.lowercasedString(bytes[type])
        } else {
            self.type = nil
        }
        self.value = String(decoding: bytes[parts.value], as: UTF8.self)
    }

    /// Where `init(asciiBytes:)` finds the type (nil when none) and the value in ASCII bytes: the
    /// buffer version's offsets moved to the slice's indices (the ArraySlice loops, every subscript
    /// checked, cost ~320 instructions a value: bsd.mbox x3, 1,560 calls from `checkedAddress` alone).
    static func asciiParts(_ bytes: ArraySlice<UInt8>) -> (type: Range<Int>?, value: Range<Int>) {
        let base = bytes.startIndex
        let parts = bytes.withUnsafeBufferPointer { asciiParts($0) }
        let value = (base + parts.value.lowerBound)..<(base + parts.value.upperBound)
        guard let type = parts.type else { return (nil, value) }
        return ((base + type.lowerBound)..<(base + type.upperBound), value)
    }

    /// `asciiParts(_:)` of a buffer, as offsets from its start: the value trimmed of spaces, tabs, CR
    /// and LF; a type when a non-empty token of at most 40 type bytes stands before the first `;`
    /// (then the value is what follows the `;`, trimmed). Every index stays within `0..<u.count`.
    ///
    /// The head is read once, up to its first byte that is no type byte: a type is there only when
    /// that byte, after any blanks, is the first `;` (a `;` after another byte has no type before it).
    /// (A search for the `;`, then a test of the head's bytes, each a comparison chain: bsd.mbox x3,
    /// ~4,700 values.)
    static func asciiParts(_ u: UnsafeBufferPointer<UInt8>) -> (type: Range<Int>?, value: Range<Int>) {
        @inline(__always) func blank(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }
        var lower = 0, upper = u.count
        while lower < upper, blank(u[lower]) { lower &+= 1 }
        while upper > lower, blank(u[upper &- 1]) { upper &-= 1 }
        var headUpper = lower
        while headUpper < upper, TypedValue.isTypeByteBit(u[headUpper]) { headUpper &+= 1 }
        var semi = headUpper
        while semi < upper, blank(u[semi]) { semi &+= 1 }
        guard semi < upper, u[semi] == UInt8(ascii: ";"), headUpper > lower, headUpper &- lower <= 40 else {
            return (nil, lower..<upper)
        }
        var valueLower = semi &+ 1, valueUpper = upper
        while valueLower < valueUpper, blank(u[valueLower]) { valueLower += 1 }
        while valueUpper > valueLower, blank(u[valueUpper - 1]) { valueUpper -= 1 }
        return (lower..<headUpper, valueLower..<valueUpper)
    }

    /// `TypedValue(asciiBytes: bytes).address` with one String made: without an xtext escape to
    /// decode, the address is a slice of the value's bytes.
    static func address(asciiBytes bytes: ArraySlice<UInt8>) -> String {
        let parts = asciiParts(bytes)
        let decodes = parts.type.map { bytes[$0].equalsCaseInsensitive("rfc822") } ?? true
        if decodes && bytes[parts.value].contains(UInt8(ascii: "+")) { return TypedValue(asciiBytes: bytes).address }
        return bytes[parts.value].withUnsafeBufferPointer { u in
            let (lower, upper) = Addresses.bareRange(u)
            return String(decoding: UnsafeBufferPointer(rebasing: u[lower..<upper]), as: UTF8.self)
        }
    }

    /// `address(asciiBytes:)` with `Addresses.isAddress` of it, judged on the address's bytes before
    /// they are made a String (the DSN reader asked `isAddress` of each address String: bsd.mbox x3,
    /// 2,247 calls, 2.5M instructions). Read in one buffer: the parts, the `rfc822` test and the `+`
    /// test on the buffer (bsd.mbox x3, 1,557 calls: 2.99M instructions before, ~1,900 a call).
    static func checkedAddress(asciiBytes bytes: ArraySlice<UInt8>) -> (address: String, isAddress: Bool) {
        bytes.withUnsafeBufferPointer { checkedAddress(ascii: $0) }
    }

    /// `checkedAddress(asciiBytes:)` of the bytes of `u` (the DSN reader's values, read in place).
    static func checkedAddress(ascii u: UnsafeBufferPointer<UInt8>) -> (address: String, isAddress: Bool) {
        let plain: (address: String, isAddress: Bool)? = {
            let parts = asciiParts(u)
            let value = UnsafeBufferPointer(rebasing: u[parts.value])
            let marks = Addresses.marks(value)
            // RFC 3461 §4: an `rfc822` (or untyped) value with a `+` may hold an xtext escape.
            if marks.plus, parts.type.map({ isRFC822(u, $0) }) ?? true { return nil }
            if !marks.lessThan, marks.firstAt >= 0, marks.ascii {
                // `bareRange`'s token around the first `@`, which holds no blank and no byte of 0x80 and
                // above and keeps that `@`: `isASCIIAddress` of it needs only its last `@`.
                var lower = 0, upper = value.count, lastAt = marks.lastAt
                // Without a byte to cut at or trim (`marks.cut`) and a `.` at its end, the token is the
                // whole value: most addresses (bsd.mbox x3, 1,095 values walked byte by byte to their
                // breaks and back for the last `@`, ~250 instructions each).
                if marks.cut || value[upper &- 1] == UInt8(ascii: ".") {
                    (lower, upper) = Addresses.trimmedRange(value, Addresses.tokenRange(value, around: marks.firstAt))
                    lastAt = upper &- 1
                    while lastAt > marks.firstAt, value[lastAt] != UInt8(ascii: "@") { lastAt &-= 1 }
                }
                let count = upper &- lower
                // Every byte of the value was found ASCII just above (`marks.ascii`): made a String
                // without checking them again (~55 instructions an address).
                let string = UncheckedUTF8.asciiString(UnsafeBufferPointer(rebasing: value[lower..<upper]))
                return (string, count >= 3 && count <= 320 && lastAt > lower && lastAt &+ 1 < upper)
            }
            let (lower, upper) = Addresses.bareRange(value)
            let address = UnsafeBufferPointer(rebasing: value[lower..<upper])
            let string = String(decoding: address, as: UTF8.self)
            // Bytes that are not ASCII after all are judged as the String.
            return (string, Addresses.isASCIIAddress(address) ?? Addresses.isAddress(string))
        }()
        if let plain { return plain }
        let address = TypedValue(asciiBytes: Array(u)[...]).address
        return (address, Addresses.isAddress(address))
    }

    /// Whether `u[range]` (type bytes) is `rfc822` in any case.
    private static func isRFC822(_ u: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count == 6, range.lowerBound >= 0, range.upperBound <= u.count else { return false }
        let k = range.lowerBound
        return ASCII.lowercased(u[k]) == UInt8(ascii: "r") && ASCII.lowercased(u[k + 1]) == UInt8(ascii: "f")
            && ASCII.lowercased(u[k + 2]) == UInt8(ascii: "c") && u[k + 3] == UInt8(ascii: "8")
            && u[k + 4] == UInt8(ascii: "2") && u[k + 5] == UInt8(ascii: "2")
    }

    /// `isTypeByte(_:)` as one bit of a 128-bit table: `-`, `.`, digits (below 64), letters and `_`.
    @inline(__always)
    static func isTypeByteBit(_ b: UInt8) -> Bool {
        let low: UInt64 = 0x03FF_6000_0000_0000    // 45 `-`, 46 `.`, 48...57
        let high: UInt64 = 0x07FF_FFFE_87FF_FFFE   // 65...90, 95 `_`, 97...122 (less 64)
        let word = b < 64 ? low : high
        return b < 128 && (word >> UInt64(b & 63)) & 1 != 0
    }

    static func isTypeByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 45 || b == 46 || b == 95
    }

    /// The address of an address-type value: `rfc822` values are xtext-decoded when the DSN used
    /// xtext (RFC 3461 §4 for `Original-Recipient`); `utf-8` (RFC 6533 §3) values are taken as they are.
    /// Angle brackets and a trailing comment are removed.
    public var address: String {
        var v = value
        if type == "rfc822" || type == nil { v = XText.decode(v) }
        return Addresses.bare(v)
    }
}

/// E-mail address helpers (no validation beyond `local@domain`).
enum Addresses {
    /// The address inside `<...>` if present, else the first whitespace-separated token containing `@`,
    /// quotes and trailing punctuation removed.
    static func bare(_ s: String) -> String {
        var copy = s
        return copy.withUTF8 { u in
            let (lower, upper) = bareRange(u)
            if lower == 0 && upper == u.count { return s }
            return String(decoding: UnsafeBufferPointer(rebasing: u[lower..<upper]), as: UTF8.self)
        }
    }

    /// The bounds of `bare`'s answer in the UTF-8 bytes.
    ///
    /// The `<`, the `>` after it and the `@` are found by memchr, and only the token around the `@`
    /// is walked byte by byte (the whole value was read by `firstIndex(of:)`, byte by byte, once for
    /// `<` and again up to the `@`: bsd.mbox x3, 4,600 calls, `bareRange` 1.89M -> 1.35M).
    static func bareRange(_ u: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var lower = 0, upper = u.count
        guard let base = u.baseAddress else { return (0, 0) }
        /// The offset of the first `byte` at or after `from`, or nil.
        func first(_ byte: UInt8, from: Int) -> Int? {
            guard from < u.count, let hit = memchr(base + from, Int32(byte), u.count - from) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        if let lt = first(0x3C, from: 0), let gt = first(0x3E, from: lt) {
            lower = lt + 1
            upper = gt
        } else if let at = first(0x40, from: 0) {
            (lower, upper) = tokenRange(u, around: at)
        }
        return trimmedRange(u, (lower, upper))
    }

    /// The token around the `@` at `at` (`bareRange`'s reading without `<...>`): the bytes on either
    /// side up to a break byte.
    @inline(__always)
    static func tokenRange(_ u: UnsafeBufferPointer<UInt8>, around at: Int) -> (Int, Int) {
        var lower = at, upper = at
        while lower > 0, !isBreak(u[lower - 1]) { lower -= 1 }
        while upper < u.count, !isBreak(u[upper]) { upper += 1 }
        return (lower, upper)
    }

    /// `bareRange`'s last step: `range` (within `u`) without blanks, quotes, brackets and a sentence's
    /// punctuation around it, and without a leading `mailto:`.
    @inline(__always)
    static func trimmedRange(_ u: UnsafeBufferPointer<UInt8>, _ range: (Int, Int)) -> (Int, Int) {
        var (lower, upper) = range
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while lower < upper, blank(u[lower]) { lower += 1 }
        while upper > lower, blank(u[upper - 1]) { upper -= 1 }
        // Quotes, brackets and the sentence's punctuation around the address.
        func trailing(_ b: UInt8) -> Bool {
            switch b {
            case 0x22, 0x27, 0x2E, 0x2C, 0x3B, 0x3A, 0x29, 0x5D: return true
            default: return false
            }
        }
        while lower < upper, u[lower] == 0x22 || u[lower] == 0x27 || u[lower] == 0x28 || u[lower] == 0x5B { lower += 1 }
        while upper > lower, trailing(u[upper - 1]) { upper -= 1 }
        // "mailto:", byte by byte (`starts(with: "mailto:".utf8)` walked the literal's UTF8View).
        if upper - lower >= 7, u[lower] == 0x6D, u[lower + 1] == 0x61, u[lower + 2] == 0x69, u[lower + 3] == 0x6C,
           u[lower + 4] == 0x74, u[lower + 5] == 0x6F, u[lower + 6] == 0x3A { lower += 7 }
        return (lower, upper)
    }

    /// What `checkedAddress(asciiBytes:)` asks of a value before `bareRange`, in one pass eight bytes
    /// a word: whether it holds a `+` or a `<`, where its first and last `@` are (-1 for none), whether
    /// every byte is ASCII, and whether it holds a byte at which `bareRange` may cut or trim the token
    /// around an `@` (`cut`: a byte below 0x2D, which holds the blanks, CR, quotes, parentheses, `,`
    /// and `+`, or `:` `;` `<` `>` `[` `]`; the `.` it trims at the end is not counted). (The `+` test,
    /// memchr for `<` and `@`, and `isASCIIAddress` read the value, or the address in it, in turn.)
    static func marks(_ u: UnsafeBufferPointer<UInt8>) -> (plus: Bool, lessThan: Bool, firstAt: Int, lastAt: Int, ascii: Bool, cut: Bool) {
        var plus = false, lessThan = false, firstAt = -1, lastAt = -1
        var any: UInt64 = 0, cuts: UInt64 = 0
        var i = 0
        let count = u.count
        guard let base = u.baseAddress else { return (false, false, -1, -1, true, false) }
        let raw = UnsafeRawPointer(base)
        @inline(__always) func zeros(_ x: UInt64) -> UInt64 { (x &- ByteWord.ones) & ~x }
        /// Reads the word of the bytes `offset..<offset + 8` (`@`s exact per byte, the rest "some byte").
        @inline(__always) func read(_ word: UInt64, at offset: Int) {
            any |= word
            // Bytes below 0x2D; `:` `;` and `<` `>` (0x3A/0x3B, 0x3C/0x3E, each pair one compare with
            // the bit that tells them apart set); `[`, `]`.
            cuts |= (word &- ByteWord.broadcast(0x2D)) & ~word
                | zeros((word | ByteWord.broadcast(0x01)) ^ ByteWord.broadcast(0x3B))
                | zeros((word | ByteWord.broadcast(0x02)) ^ ByteWord.broadcast(0x3E))
                | zeros(word ^ ByteWord.broadcast(0x5B)) | zeros(word ^ ByteWord.broadcast(0x5D))
            if ByteWord.hasAnyByte(word, UInt8(ascii: "+"), UInt8(ascii: "<"), UInt8(ascii: "@"), UInt8(ascii: "@")) {
                plus = plus || ByteWord.hasByte(word, UInt8(ascii: "+"))
                lessThan = lessThan || ByteWord.hasByte(word, UInt8(ascii: "<"))
                // The lowest 0x80 marks the first `@` and the highest the last (little-endian load).
                let ats = ByteWord.zeroBytes(word ^ ByteWord.broadcast(UInt8(ascii: "@")))
                if ats != 0 {
                    if firstAt < 0 { firstAt = offset &+ ats.littleEndian.trailingZeroBitCount >> 3 }
                    lastAt = offset &+ 7 &- ats.littleEndian.leadingZeroBitCount >> 3
                }
            }
        }
        while i &+ 8 <= count {
            read(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), at: i)
            i &+= 8
        }
        // The tail: the last eight bytes again when there are eight (the bytes read twice hold no
        // first `@` if none was found, and hold the last if any is), else byte by byte.
        if i < count && count >= 8 {
            read(raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self), at: count &- 8)
            i = count
        }
        var cut = cuts & ByteWord.highs != 0
        while i < count {
            let b = base[i]
            any |= UInt64(b)
            if b == UInt8(ascii: "+") { plus = true }
            else if b == UInt8(ascii: "<") { lessThan = true }
            else if b == UInt8(ascii: "@") {
                if firstAt < 0 { firstAt = i }
                lastAt = i
            }
            if b < 0x2D || b | 0x01 == 0x3B || b | 0x02 == 0x3E || b == 0x5B || b == 0x5D { cut = true }
            i &+= 1
        }
        return (plus, lessThan, firstAt, lastAt, any & ByteWord.highs == 0, cut)
    }

    private static func isBreak(_ b: UInt8) -> Bool {
        switch b {
        case 0x20, 0x09, 0x0A, 0x3C, 0x3E, 0x28, 0x29, 0x2C, 0x3B, 0x22, 0x5B, 0x5D, 0x27, 0x3A: return true
        default: return false
        }
    }

    /// `isAddress` of UTF-8 bytes that are all ASCII (every byte a Character, so its tests on the
    /// bytes, in one pass); nil when a byte is not ASCII.
    ///
    /// Eight bytes a word (`ByteWord`): the bytes or-ed together, a blank and an `@` tested in the
    /// word, and only a word holding an `@` read byte by byte for the last one. (Byte by byte, ~420
    /// instructions an address: bsd.mbox x3, `isASCIIAddress` 1.67M -> 0.90M.)
    static func isASCIIAddress(_ u: UnsafeBufferPointer<UInt8>) -> Bool? {
        var lastAt = -1
        var blank = false
        var any: UInt8 = 0
        var i = 0
        if let base = u.baseAddress {
            let raw = UnsafeRawPointer(base)
            var anyWord: UInt64 = 0
            while i + 8 <= u.count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                anyWord |= word
                if ByteWord.hasAnyByte(word, UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: " "), UInt8(ascii: "\t")) { blank = true }
                if ByteWord.hasByte(word, UInt8(ascii: "@")) {
                    for k in i..<(i + 8) where u[k] == UInt8(ascii: "@") { lastAt = k }
                }
                i += 8
            }
            // Any byte of 0x80 and above sets a high bit of the or-ed word.
            if anyWord & ByteWord.highs != 0 { any = 0x80 }
        }
        while i < u.count {
            let b = u[i]
            any |= b
            if b == UInt8(ascii: "@") { lastAt = i } else if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { blank = true }
            i += 1
        }
        if any >= 0x80 { return nil }
        guard u.count >= 3, u.count <= 320 else { return false }
        return lastAt > 0 && lastAt + 1 < u.count && !blank
    }

    /// `bare(s)` when that is an address (`isAddress`), else nil: what `BounceAnalyzer` asks of each
    /// recipient.
    ///
    /// Most recipients are already bare ASCII addresses: eight bytes a word (`ByteWord`) are tested
    /// for a byte that could make `bare` cut or trim anything (any byte below 0x2D: blanks, controls,
    /// quotes, parentheses, `+`, `,`; `:` `;` `<` `>` `[` `]`; a byte not ASCII) and their last `@`
    /// is noted. Without such a byte, and not ending in `.`, `bare` gives the value itself and
    /// `isAddress` asks only where its last `@` stands; otherwise the two are asked in turn. (`bare`
    /// and `isAddress` in turn: bsd.mbox x3, 2,037 recipients, 1.57M -> 0.49M instructions. In SIMD16
    /// blocks the lanes' compares were made one by one, ~3,000 instructions a recipient.)
    static func bareAddress(_ s: String) -> String? {
        var copy = s
        let plain: Bool? = copy.withUTF8 { u in
            let count = u.count
            guard count >= 3, count <= 320, let base = u.baseAddress else { return nil }
            var marked: UInt64 = 0
            var lastAt = -1
            /// Tests the word of the value's bytes `offset..<offset + 8`.
            @inline(__always) func test(_ word: UInt64, at offset: Int) {
                @inline(__always) func zeros(_ x: UInt64) -> UInt64 { (x &- ByteWord.ones) & ~x }
                // Bytes below 0x2D, `:` `;` (0x3A, 0x3B), `<` `>` (0x3C, 0x3E), `[`, `]`, and the
                // high bit of a byte not ASCII.
                marked |= (word &- ByteWord.broadcast(0x2D)) & ~word
                    | zeros((word | ByteWord.broadcast(0x01)) ^ ByteWord.broadcast(0x3B))
                    | zeros((word | ByteWord.broadcast(0x02)) ^ ByteWord.broadcast(0x3E))
                    | zeros(word ^ ByteWord.broadcast(0x5B)) | zeros(word ^ ByteWord.broadcast(0x5D)) | word
                let ats = ByteWord.zeroBytes(word ^ ByteWord.broadcast(UInt8(ascii: "@")))
                if ats != 0 { lastAt = offset &+ 7 &- ats.leadingZeroBitCount >> 3 }
            }
            let raw = UnsafeRawPointer(base)
            if count >= 8 {
                var i = 0
                while i &+ 8 <= count {
                    test(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), at: i)
                    i &+= 8
                }
                // The last eight bytes again: an `@` among them is the last one if any is.
                if i < count { test(raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self), at: count &- 8) }
            } else {
                // Padded with letters, which are neither marked nor `@`.
                var word = ByteWord.broadcast(UInt8(ascii: "a"))
                withUnsafeMutableBytes(of: &word) { $0.copyMemory(from: UnsafeRawBufferPointer(u)) }
                test(word, at: 0)
            }
            if marked & ByteWord.highs != 0 || base[count &- 1] == UInt8(ascii: ".") { return nil }
            return lastAt > 0 && lastAt &+ 1 < count
        }
        switch plain {
        case true?: return s
        case false?: return nil
        case nil:
            let b = bare(s)
            return isAddress(b) ? b : nil
        }
    }

    /// Whether `s` looks like `local@domain.tld` (or `local@domain`).
    static func isAddress(_ s: String) -> Bool {
        guard s.utf8.count >= 3, s.utf8.count <= 320 else { return false }
        // ASCII: every byte is a Character, so the same tests on the bytes, in one pass.
        var copy = s
        if let ascii = copy.withUTF8(isASCIIAddress) { return ascii }
        guard let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at], domain = s[s.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty, !domain.contains("@") else { return false }
        return !s.contains(" ") && !s.contains("\t")
    }
}
