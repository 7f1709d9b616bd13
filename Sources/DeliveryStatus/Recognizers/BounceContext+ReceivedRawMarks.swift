#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

extension BounceContext {
    /// The claims' Received needles without an opening parenthesis, each asked by `receivedHas(_:)`.
    enum ReceivedWord: Int, CaseIterable {
        /// "JAMES SMTP Server": Apache James's `by` clause.
        case jamesSMTPServer
        /// ".bigfoot.com ": Bigfoot's hosts.
        case bigfootCom

        /// The needle, ASCII.
        var text: StaticString {
            switch self {
            case .jamesSMTPServer: "JAMES SMTP Server"
            case .bigfootCom: ".bigfoot.com "
            }
        }

        /// A run of the needle without blanks, which a raw value holding the needle once unfolded holds
        /// as it is (`rawReceivedMarks(in:)`).
        var piece: StaticString {
            switch self {
            case .jamesSMTPServer: "JAMES"
            case .bigfootCom: ".bigfoot.com"
            }
        }

        /// Its bit in `receivedRawMarks`.
        var rawMark: UInt16 { 1 << UInt16(8 + rawValue) }
    }

    /// Whether the top-level Received values contain `word`'s needle, as `receivedContains(word.text)`
    /// answers: searched only when the raw values may hold it (`receivedMayHave`).
    func receivedHas(_ word: ReceivedWord) -> Bool {
        receivedMayHave(word.rawMark) && receivedContains(word.text)
    }

    /// Whether the raw Received values have a sign of one of the needles of `marks` (bits of
    /// `receivedRawMarks`): false when none of them can be in the unfolded values (`receivedBytes`),
    /// which are then neither unfolded nor searched for them.
    ///
    /// Most messages hold none of the claims' Received needles, and the claims asked of each were
    /// answered by unfolding every value into a buffer of the context's own (bsd.mbox x3: 1,707
    /// messages, ~1,300 instructions each, the allocation and its free aside) and searching that.
    @inline(__always) func receivedMayHave(_ marks: UInt16) -> Bool {
        if receivedRawMarks == 0 { receivedRawMarks = readReceivedRawMarks() | Self.receivedRawMarksRead }
        return receivedRawMarks & marks != 0
    }

    /// The bit of `receivedRawMarks` that says the raw values were read.
    private static let receivedRawMarksRead: UInt16 = 0x8000

    /// `rawReceivedMarks(in:)` of every top-level Received field's raw value, read in place.
    private func readReceivedRawMarks() -> UInt16 {
        guard mayHaveAnyHeader(of: Self.receivedField) else { return 0 }
        var marks: UInt16 = 0
        headers.forEachFieldInPlace(named: "received") { field in
            // The raw value's bytes in place: `rawValue`'s slice cost a retain and a release a field.
            marks |= Self.rawReceivedMarks(in: field.rawValueBytes)
            return true
        }
        return marks
    }

    /// The needles (`ReceivedSign` bit `rawValue`, `ReceivedWord.rawMark`) that a Received field whose
    /// raw value is `raw` may hold once unfolded: a superset of those it holds.
    ///
    /// Unfolding (MailParsing's `HeaderField.unfoldedValue`, and `receivedBytes`) drops the CR and LF
    /// bytes of a value, its blanks at either end and what is over the field limit, nothing else; a
    /// CR or LF inside a value is followed by a blank (the header parser ends a line at each, and only
    /// a line that starts with a blank continues the field). So a run of a needle without blanks is in
    /// the raw value as it is, and where a needle has one blank, the raw value has blanks, CR and LF
    /// bytes there. At each "(" the signs are looked for as `receivedSigns(in:)` looks for them, the
    /// blanks and line ends before it passed over; the words by their pieces, at each "JA" and ".b".
    ///
    /// The three places found sixteen bytes a step (`SIMD16`): memchr for "(" and a search for each
    /// piece cost ~500 instructions a value (bsd.mbox x3: 3,255 values, 1.59M).
    static func rawReceivedMarks(in raw: UnsafeBufferPointer<UInt8>) -> UInt16 {
        guard let base = raw.baseAddress else { return 0 }
        let count = raw.count
        var found: UInt16 = 0
        // Blocks of the places i ..< i + 16, each with the byte after it: the last block ends at
        // `count - 2` (overlapping the one before: a place looked at again adds nothing), and the
        // last byte matters only as a "(". (The marks are returned, not set in a variable the
        // helpers capture: its exclusivity checks cost more than the scan.)
        if count >= 17 {
            let bytes = UnsafeRawPointer(base)
            // `SIMD16<UInt8>` spelled out (see `ByteSubstring.blockSearch`).
            let open = SIMD16<UInt8>(repeating: 0x28), j = SIMD16<UInt8>(repeating: UInt8(ascii: "J"))
            let a = SIMD16<UInt8>(repeating: UInt8(ascii: "A")), dot = SIMD16<UInt8>(repeating: 0x2E)
            let b = SIMD16<UInt8>(repeating: UInt8(ascii: "b"))
            let lastBlock = count &- 17
            var i = 0
            while true {
                let here = bytes.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let next = bytes.loadUnaligned(fromByteOffset: i &+ 1, as: SIMD16<UInt8>.self)
                let mask = (here .== open) .| ((here .== j) .& (next .== a)) .| ((here .== dot) .& (next .== b))
                // Most blocks have no mark: one test of the whole mask (`any`) before its halves are read.
                if any(mask) {
                    let marks = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
                    var low = UInt64(littleEndian: marks[0]) & ByteWord.highs, high = UInt64(littleEndian: marks[1]) & ByteWord.highs
                    while low != 0 {
                        found |= marksAt(i &+ low.trailingZeroBitCount &>> 3, base, count)
                        low &= low &- 1
                    }
                    while high != 0 {
                        found |= marksAt(i &+ 8 &+ high.trailingZeroBitCount &>> 3, base, count)
                        high &= high &- 1
                    }
                }
                if i == lastBlock { break }
                i = min(i &+ 16, lastBlock)
            }
            if base[count &- 1] == 0x28 { found |= parenthesisMarks(at: count &- 1, base, count) }
        } else {
            for i in 0..<count where base[i] == 0x28 || base[i] == UInt8(ascii: "J") || base[i] == 0x2E {
                found |= marksAt(i, base, count)
            }
        }
        return found
    }

    /// Whether `piece` is at `start` of the `count` bytes at `base` (its end checked here).
    @inline(__always)
    private static func has(_ piece: StaticString, at start: Int, _ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        start >= 0 && piece.utf8CodeUnitCount <= count &- start && memcmp(base + start, piece.utf8Start, piece.utf8CodeUnitCount) == 0
    }

    /// `rawReceivedMarks`' marks of the needles that may be at `at`, a "(", "J" or ".".
    @inline(__always)
    private static func marksAt(_ at: Int, _ base: UnsafePointer<UInt8>, _ count: Int) -> UInt16 {
        switch base[at] {
        case 0x28: parenthesisMarks(at: at, base, count)
        case UInt8(ascii: "J"): has("JAMES", at: at, base, count) ? ReceivedWord.jamesSMTPServer.rawMark : 0
        default: has(".bigfoot.com", at: at, base, count) ? ReceivedWord.bigfootCom.rawMark : 0
        }
    }

    /// `rawReceivedMarks`' marks of the signs that may be at the "(" at `at`.
    private static func parenthesisMarks(at: Int, _ base: UnsafePointer<UInt8>, _ count: Int) -> UInt16 {
        /// The bit of `sign`.
        func bit(_ sign: ReceivedSign) -> UInt16 { 1 << UInt16(sign.rawValue) }
        var found: UInt16 = 0
        if at + 1 < count {
            switch base[at + 1] {
            case UInt8(ascii: "O"): if has("(OpenSMTPD)", at: at, base, count) { found |= bit(.openSMTPD) }
            case UInt8(ascii: "q"): if has("(qmail", at: at, base, count) { found |= bit(.qmail) }
            default: break
            }
        }
        // The needles that end in " (": their last run before the blanks and line ends (a few
        // bytes back, never past the "(" before: the walks back cover each byte once).
        var end = at
        while end > 0, ASCII.isWhitespaceOrNewline(base[end - 1]) { end -= 1 }
        guard end < at && end > 0 else { return found }
        /// `bits` when `piece` ends at `end`.
        func ending(_ piece: StaticString, _ bits: UInt16) -> UInt16 {
            has(piece, at: end - piece.utf8CodeUnitCount, base, count) ? bits : 0
        }
        switch base[end - 1] {
        case UInt8(ascii: "e"): found |= ending("Service", bit(.internetMailService))
        case UInt8(ascii: "p"): found |= ending("ezweb.ne.jp", bit(.ezwebHost) | bit(.ezwebMail))
        case UInt8(ascii: "m"): found |= ending(".au.com", bit(.auCom))
        default: break
        }
        return found
    }
}
