#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// `BounceContext.leadText`, read straight from the text's bytes: the lines (LF separated) up to the
/// first `Reporting-MTA:`, `Final-Recipient:` or `Original-Recipient:` line, without blank lines and
/// MIME noise (`Content-...`, boundaries, "This is a MIME..."), joined with one space.
///
/// Prefixes and phrases compare bytes, as `hasPrefix`/`contains` of MailParsing do; a line is tested
/// without its leading and trailing spaces, tabs, CR and LF, and kept as it was. Working on the bytes
/// spares the analysis the array of line slices for reports that need no other line view.
enum LeadText {
    static func joinedLines(of text: UnsafeBufferPointer<UInt8>) -> String {
        withJoinedLines(of: text) { String(decoding: $0, as: UTF8.self) }
    }

    /// `body` of the bytes of `joinedLines(of: text)`, written into scratch memory, not made a String:
    /// for `BounceContext.leadTextCommand`, which only searches them (the array they were appended to
    /// and the String made of it, bsd.mbox x3: 111 lead texts, `leadTextCommand` 0.40M -> 0.29M
    /// instructions, Main.main 239.15M -> 239.03M). Whole lines of valid UTF-8 joined with spaces are
    /// valid UTF-8: the String's bytes.
    static func withJoinedLines<Result>(of text: UnsafeBufferPointer<UInt8>,
                                        _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        guard let base = text.baseAddress, !text.isEmpty else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        // Never longer than the text: scratch of its size (`withScratch`).
        func join(into out: UnsafeMutablePointer<UInt8>) -> Int {
            var count = 0
            var lineStart = 0
            while true {
                let lineEnd = memchr(base + lineStart, 10, text.count - lineStart)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? text.count
                let line = UnsafeBufferPointer(rebasing: text[lineStart..<lineEnd])
                switch verdict(trimmed(line)) {
                case .end:
                    return count
                case .skip:
                    break
                case .keep:
                    // Kept lines are never empty; the text holds each kept line and the LF after all
                    // but the last, so the space and the line fit.
                    if count > 0 { out[count] = 0x20; count += 1 }
                    if let start = line.baseAddress { (out + count).initialize(from: start, count: line.count) }
                    count += line.count
                }
                if lineEnd == text.count { break }
                lineStart = lineEnd + 1
            }
            return count
        }
        return withScratch(text.count) { scratch in
            body(UnsafeBufferPointer(start: scratch, count: join(into: scratch)))
        }
    }

    /// `body` of `count` (> 0) bytes of scratch memory: up to 1 KiB on the stack, a longer text's from
    /// the heap (a temporary allocation of a size known only at run time asks the runtime whether the
    /// stack has room beyond that), malloc's (`MallocBytes`: posix_memalign's took ~285 instructions,
    /// bsd.mbox x3, 360 texts).
    @inline(__always)
    private static func withScratch<Result>(_ count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Result) -> Result {
        if count <= 1024 {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { body($0.baseAddress!) }
        }
        let scratch = MallocBytes.allocate(count)
        defer { MallocBytes.free(scratch) }
        return body(scratch.baseAddress!)
    }

    /// `Diagnostic.sweep(joinedLines(of: text))` in one pass, without the joined text: each kept line
    /// without its leading and trailing blanks and with each blank run inside it (space, tab, CR, LF)
    /// made one space, the lines joined with one space. The same text, since a kept line is never
    /// blank once trimmed: the blanks at a join and the space put there are one run, swept to that
    /// space, and those at either end of the whole are the first line's leading and the last line's
    /// trailing ones. (Joined into a String, then swept into another: `sweptLeadText` 17.1M
    /// instructions for 969 lead texts of the sisimai bsd mbox x3; in one pass 13.7M, 3.6M of it
    /// the `text` it is the first to ask for.)
    ///
    /// `text` is the UTF-8 of a String, so valid: sweeping keeps whole lines and takes out or writes
    /// only ASCII blanks and spaces, which never stand inside a multi-byte sequence, so the result is
    /// valid too. It is swept into a scratch buffer and copied into its String unvalidated
    /// (`UncheckedUTF8.string`), ASCII when the text is (`isASCII`, its String's flag); swept into
    /// `String(unsafeUninitializedCapacity:)`, it was validated again, byte by byte in the 36 texts
    /// that are not ASCII (bsd.mbox x3, 969 lead texts: 6.55M -> 5.59M instructions).
    static func sweptJoinedLines(of text: UnsafeBufferPointer<UInt8>, isASCII: Bool = false) -> String {
        guard !text.isEmpty else { return "" }
        return withScratch(text.count) { scratch in
            UncheckedUTF8.string(UnsafeBufferPointer(start: scratch, count: sweep(text, into: scratch)), isASCII: isASCII)
        }
    }

    /// Writes the swept joined lines of `text` (not empty) at `to`, which has room for `text.count`
    /// bytes, and returns how many it wrote.
    ///
    /// One pass over the text, sixteen bytes a step across line ends: a line starts only after a blank
    /// run holding an LF, so its prefixes are tested there, on the text's bytes from its first byte
    /// that is not blank (no prefix holds an LF or ends with a blank, so one found there lies within
    /// the trimmed line, as `verdict` reads it). A kept line is copied as it is swept: a block stops
    /// at a blank byte other than a single space, and at a `-` followed by another, where a transcript
    /// marker may start (it holds no LF: found there, it is in the line); the line's output is then taken back and
    /// the rest of the line passed over. (A memchr for each line's end, its trimming, a memchr for
    /// each `-` and a sweep call a line cost ~83 instructions a line: bsd.mbox x3, 18,942 lines of
    /// 969 lead texts, `sweptJoinedLines` 5.25M -> 3.34M.)
    @inline(__always)
    private static func sweep(_ text: UnsafeBufferPointer<UInt8>, into to: UnsafeMutablePointer<UInt8>) -> Int {
        let base = text.baseAddress!
        let raw = UnsafeRawPointer(base)
        let rawOut = UnsafeMutableRawPointer(to)
        let count = text.count
        let spaceLanes = SIMD16<UInt8>(repeating: 0x20)
        let dashLanes = SIMD16<UInt8>(repeating: UInt8(ascii: "-"))
        // Every byte written stands for a byte read before `i` (a line's bytes, a blank run's first
        // byte, or the LF before the line a separator space opens), so `n <= i` throughout and a
        // block's sixteen-byte store at `n`, made with `i + 17 <= count`, ends within the capacity.
        var n = 0
        var i = 0
        lines: while true {
            // The next line's first byte that is not blank (empty lines passed over with the blanks).
            var sawLF = false
            i = skipBlanks(base, from: i, count: count, sawLF: &sawLF)
            guard i < count else { break }
            if mayOpenPrefix(base[i]) {
                switch prefixVerdict(UnsafeBufferPointer(start: base + i, count: count &- i)) {
                case .end:
                    break lines
                case .skip:
                    i = lineEnd(base, from: i, count: count)
                    continue lines
                case .keep:
                    break
                }
            }
            // The output before this line and its separator: taken back when the line has a marker.
            let lineOut = n
            if n > 0 { to[n] = 0x20; n &+= 1 }  // kept lines are never empty, so n > 0 after one
            while true {
                while i &+ 17 <= count {
                    let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                    let next = raw.loadUnaligned(fromByteOffset: i &+ 1, as: SIMD16<UInt8>.self)
                    (rawOut + n).storeBytes(of: block, as: SIMD16<UInt8>.self)
                    // A lane stops the copy when it holds a control byte (blanks but the space among
                    // them), or a space or a `-` that the same byte follows (`Diagnostic.collapsingBlanks`;
                    // a transcript marker starts "---"). Stopped at every `-` (hyphenated words, dates,
                    // addresses), a lead text's single dashes were each copied by the byte path, ~25
                    // instructions a dash; the pairs cost the compares the two tests did.
                    let stop = (block .< spaceLanes) .| ((block .== next) .& ((block .== spaceLanes) .| (block .== dashLanes)))
                    guard let kept = ByteLanes.firstMarked(stop) else {
                        n &+= 16
                        i &+= 16
                        continue
                    }
                    n &+= kept
                    i &+= kept
                    break
                }
                // The text ends within the line (its last byte is no blank: the blank run at the end
                // is read below).
                guard i < count else { break lines }
                let b = base[i]
                if isBlank(b) {
                    // A blank run: within the line, one space (none more after a single space copied
                    // before it); holding an LF or ending the text, the line's end, without the space.
                    // (`i` is past the line's first byte, which is not blank.)
                    let afterSpace = base[i &- 1] == 0x20
                    sawLF = false
                    i = skipBlanks(base, from: i, count: count, sawLF: &sawLF)
                    if sawLF || i == count {
                        if afterSpace { n &-= 1 }
                        continue lines
                    }
                    if !afterSpace { to[n] = 0x20; n &+= 1 }
                } else if b == UInt8(ascii: "-"), isTranscriptMarker(UnsafeBufferPointer(start: base + i, count: count &- i)) {
                    n = lineOut
                    i = lineEnd(base, from: i, count: count)
                    continue lines
                } else {
                    to[n] = b
                    n &+= 1
                    i &+= 1
                }
            }
        }
        return n
    }

    /// Whether the sweep of a text ends at the first line of `text` that is not blank (`prefixVerdict`
    /// `.end`: it opens with `Reporting-MTA:`, `Final-Recipient:` or `Original-Recipient:`), as it
    /// would where `text` follows other lines.
    static func opensWithEnd(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return false }
        var sawLF = false
        let i = skipBlanks(base, from: 0, count: text.count, sawLF: &sawLF)
        return i < text.count && prefixVerdict(UnsafeBufferPointer(start: base + i, count: text.count &- i)) == .end
    }

    /// Whether a prefix of `prefixVerdict` starts with `b` (`#`, `*`, `-`, `C`, `F`, `O`, `R`, `T`, and
    /// the field names' `c`, `f`, `o`, `r`): one bit test before the verdict, a call (bsd.mbox x3, 11,811
    /// lines: `sweptJoinedLines` 3.51M -> 3.34M).
    @inline(__always)
    private static func mayOpenPrefix(_ b: UInt8) -> Bool {
        let low: UInt64 = 1 << 35 | 1 << 42 | 1 << 45                    // # * -
        let high: UInt64 = 1 << 3 | 1 << 6 | 1 << 15 | 1 << 18 | 1 << 20  // C F O R T, less 64
            | 1 << 35 | 1 << 38 | 1 << 47 | 1 << 50                       // c f o r, less 64
        return b < 128 && ((b < 64 ? low : high) >> (b & 63)) & 1 != 0
    }

    /// The offset of the first LF at or after `from`, or `count`.
    @inline(__always)
    private static func lineEnd(_ base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int {
        memchr(base + from, 10, count &- from).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
    }

    /// The offset of the first byte at or after `from` that is no space, tab, CR or LF (or `count`);
    /// `sawLF` set when an LF was passed. Spaces are passed up to eight at a time (indentation).
    @inline(__always)
    private static func skipBlanks(_ base: UnsafePointer<UInt8>, from: Int, count: Int, sawLF: inout Bool) -> Int {
        var j = from
        while j < count {
            let b = base[j]
            if b == 0x20 {
                if j &+ 8 <= count {
                    let others = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self).littleEndian ^ ByteWord.broadcast(0x20)
                    j &+= others == 0 ? 8 : others.trailingZeroBitCount &>> 3
                } else {
                    j &+= 1
                }
            } else if b == 0x0A {
                sawLF = true
                j &+= 1
            } else if b == 0x09 || b == 0x0D {
                j &+= 1
            } else {
                break
            }
        }
        return j
    }

    /// Space, tab, LF or CR; most bytes are above 0x20 and are told so by one comparison.
    @inline(__always) private static func isBlank(_ b: UInt8) -> Bool {
        b <= 0x20 && (b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D)
    }

    private enum Verdict { case keep, skip, end }

    /// (Inlined into the two loops, with `hasTranscriptMarker` skipping lines too short to hold a
    /// marker: bsd.mbox x3, 18,942 lines, `sweptJoinedLines` 7.33M -> 7.02M instructions.)
    @inline(__always)
    private static func verdict(_ l: UnsafeBufferPointer<UInt8>) -> Verdict {
        let byPrefix = prefixVerdict(l)
        if byPrefix == .keep, hasTranscriptMarker(l) { return .skip }
        return byPrefix
    }

    /// The verdict of the line's prefixes alone: `l` is the line from its first byte that is not
    /// blank, to its end or further (no prefix holds an LF or ends with a blank).
    @inline(__always)
    private static func prefixVerdict(_ l: UnsafeBufferPointer<UInt8>) -> Verdict {
        // Most lines start with none of the prefixes: their first bytes are tested first.
        switch l.first {
        case nil:
            return .skip
        // Field names in any case (RFC 5322 §1.2.2: a gateway may write `FINAL-RECIPIENT:`;
        // `Tests/Fuzz/fieldnames.py`), each asked only of the lines its first letter opens (the three
        // asked of every R, F or O line, lower-case ones too: 0.04M more on bsd.mbox x3).
        case UInt8(ascii: "R"), UInt8(ascii: "r"):
            if ASCII.hasPrefix(l, ignoringCase: "reporting-mta:") { return .end }
        case UInt8(ascii: "F"), UInt8(ascii: "f"):
            if ASCII.hasPrefix(l, ignoringCase: "final-recipient:") { return .end }
        case UInt8(ascii: "O"), UInt8(ascii: "o"):
            if ASCII.hasPrefix(l, ignoringCase: "original-recipient:") { return .end }
        case UInt8(ascii: "C"), UInt8(ascii: "c"):
            if ASCII.hasPrefix(l, ignoringCase: "content-") { return .skip }
        case UInt8(ascii: "T"):
            if starts(l, with: "This is a MIME") || starts(l, with: "This is a multi") || starts(l, with: "This is an auto")
                || starts(l, with: "This multi-part") { return .skip }
        case UInt8(ascii: "#"):
            if starts(l, with: "###") { return .skip }
        case UInt8(ascii: "*"):
            if starts(l, with: "***") { return .skip }
        case UInt8(ascii: "-"):
            if starts(l, with: "--") { return .skip }
        default:
            break
        }
        return .keep
    }

    /// Whether the line contains `--- The follow` or `--- Transcript`: each `-` found by memchr, and
    /// `--- ` and what follows compared there. (A search for `--- ` in every kept line, ~130
    /// instructions a line, was 1.4M of `joinedLines` on the sisimai bsd mbox x3; most lines have no
    /// `-` at all.)
    private static func hasTranscriptMarker(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        // `--- The follow` and `--- Transcript` are 14 bytes: a shorter line holds neither.
        guard line.count >= 14, let base = line.baseAddress else { return false }
        let dash = UInt8(ascii: "-")
        var from = 0
        while from + 4 <= line.count, let hit = memchr(base + from, Int32(dash), line.count - from) {
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if isTranscriptMarker(UnsafeBufferPointer(rebasing: line[at...])) { return true }
            from = at + 1
        }
        return false
    }

    /// Whether `rest` starts with `--- The follow` or `--- Transcript`.
    @inline(__always)
    private static func isTranscriptMarker(_ rest: UnsafeBufferPointer<UInt8>) -> Bool {
        guard rest.count >= 14, let p = rest.baseAddress else { return false }
        let dash = UInt8(ascii: "-")
        guard p[0] == dash, p[1] == dash, p[2] == dash, p[3] == 0x20 else { return false }
        let after = UnsafeBufferPointer(start: p + 4, count: rest.count &- 4)
        return starts(after, with: "The follow") || starts(after, with: "Transcript")
    }

    /// Whether `line` starts with `prefix`, compared byte by byte in place: most lines differ from
    /// the prefixes their first byte picks within a few bytes, where `hasPrefix` called memcmp
    /// (~40 instructions a test: bsd.mbox x3, 10,548 tests, `sweptJoinedLines` 5.74M -> 5.50M).
    @inline(__always)
    private static func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard line.count >= n, let base = line.baseAddress else { return false }
        let p = prefix.utf8Start
        var i = 0
        while i < n {
            if base[i] != p[i] { return false }
            i &+= 1
        }
        return true
    }

    /// The line without leading and trailing spaces, tabs, CR and LF (`trimmedSlice`).
    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        var start = 0, end = line.count
        if let base = line.baseAddress, end > 0, base[0] == 0x20 {
            // Indentation of spaces skipped eight bytes at a time (a byte at a time, 52,000 blank bytes
            // of 18,942 lines: bsd.mbox x3, `sweptJoinedLines` 5.50M -> 5.14M).
            while start &+ 8 <= end {
                let others = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self).littleEndian ^ ByteWord.broadcast(0x20)
                if others != 0 { start &+= others.trailingZeroBitCount &>> 3; break }
                start &+= 8
            }
        }
        while start < end, blank(line[start]) { start += 1 }
        while end > start, blank(line[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: line[start..<end])
    }
}
