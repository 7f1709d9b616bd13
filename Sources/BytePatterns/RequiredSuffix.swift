#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The literal bytes every match of a pattern must end with, when they come after a wildcard: in
/// `\(.*@.*:blocked\)` the `:blocked)`. A match starting at some offset contains them at or after
/// that offset, so where they do not occur from there on the pattern need not be tried at all.
///
/// Why: the reason tables of Sisimai hold patterns like `\(.*@.*:blocked\)` and `<.*> not found`,
/// tried anchored at each `(` or `<` of a diagnostic. Diagnostics are swept into one line, so each
/// `.*` runs to the end of the text and backtracks; on the sisimai bsd mbox that pattern alone was
/// 40% of all PCRE2 time (4.9 µs a call).
///
/// Read conservatively: any construct whose bytes are not plainly known gives no suffix (so the
/// pattern is always tried): escapes other than escaped punctuation and the fixed two-byte classes
/// and assertions, `(?` groups (they may change case sensitivity), `(*` verbs, `\Q`, a top-level
/// `|`, or a pattern with no wildcard or group before its last literal run (its literal start, which
/// the prefilter checks already, is then all there is).
enum RequiredSuffix {
    /// The suffix of `pattern` (ASCII letters lower-cased when `caseless`), or nil when none can be
    /// relied on. Only for patterns compiled without `.utf` and `.extended`.
    static func of(_ pattern: String, caseless: Bool) -> [UInt8]? {
        let p = Array(pattern.utf8)
        var run: [UInt8] = []
        var sawNonLiteral = false
        var depth = 0
        var i = 0
        func breakRun() { run.removeAll(keepingCapacity: true); sawNonLiteral = true }
        while i < p.count {
            let c = p[i]
            switch c {
            case UInt8(ascii: "\\"):
                guard i + 1 < p.count else { return nil }
                let next = p[i + 1]
                if next < 0x80 && !LiteralPrefilter.isAlphanumeric(next) {
                    run.append(next)
                } else if fixedEscapes.contains(next) {
                    breakRun()
                } else {
                    return nil
                }
                i += 2
                continue
            case UInt8(ascii: "["):
                // A class: skip to its closing `]` (a `]` first in the class, after `[` or `[^`, is a member).
                var j = i + 1
                if j < p.count, p[j] == UInt8(ascii: "^") { j += 1 }
                if j < p.count, p[j] == UInt8(ascii: "]") { j += 1 }
                while j < p.count, p[j] != UInt8(ascii: "]") {
                    if p[j] == UInt8(ascii: "\\") { j += 1 }
                    j += 1
                }
                guard j < p.count else { return nil }
                breakRun()
                i = j + 1
                continue
            case UInt8(ascii: "("):
                if i + 1 < p.count, p[i + 1] == UInt8(ascii: "?") || p[i + 1] == UInt8(ascii: "*") { return nil }
                depth += 1
                breakRun()
            case UInt8(ascii: ")"):
                depth -= 1
                breakRun()
            case UInt8(ascii: "|"):
                if depth == 0 { return nil }
                breakRun()
            case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                 UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "]"):
                // A quantifier makes the byte before it optional or repeated: the run starts again after it.
                breakRun()
            default:
                run.append(c)
            }
            i += 1
        }
        guard sawNonLiteral, depth == 0, !run.isEmpty else { return nil }
        return caseless ? run.map(LiteralPrefilter.fold) : run
    }

    /// Escapes of two bytes that stand for no literal byte: classes (`\d`, `\s`, `\w`, `\h`, `\v`,
    /// their negations, `\R`, `\X`) and assertions (`\b`, `\B`, `\A`, `\z`, `\Z`, `\G`, `\K`).
    private static let fixedEscapes: Set<UInt8> = Set("bBdDsSwWhHvVRXAzZGK".utf8)

    /// The first offset at or after `from` where `suffix` occurs in `bytes` (ASCII letters compared
    /// without case when `caseless`; `suffix` is then lower-case), or nil.
    ///
    /// The text is searched for the suffix's byte at `anchor` (any index gives the same answer; the
    /// rarest byte, `anchor(of:)`, the fewest stops), and the whole suffix compared around each place
    /// it occurs. A byte that no case folding changes is
    /// found by memchr; a letter without case, eight bytes at a time.
    static func firstOccurrence(of suffix: [UInt8], anchor: Int, in bytes: UnsafeBufferPointer<UInt8>, from: Int, caseless: Bool) -> Int? {
        let m = suffix.count
        guard m > 0, anchor >= 0, anchor < m, from >= 0, bytes.count - from >= m, let base = bytes.baseAddress else { return nil }
        return suffix.withUnsafeBufferPointer { s -> Int? in
            let key = s[anchor]
            let folded = caseless && key >= 0x61 && key <= 0x7A
            // A lower-case letter is either case in the text: `b | 0x20` is `key` exactly then (for a
            // letter, setting 0x20 is its folding).
            let keyEverywhere = 0x0101_0101_0101_0101 &* UInt64(key)
            let raw = UnsafeRawPointer(base)
            // `j` runs over the places of the anchor byte: from `from + anchor` to `last + anchor`.
            let last = bytes.count - m
            var j = from + anchor
            let end = last + anchor
            while j <= end {
                if folded {
                    // Sixteen places a step first (SSE2 `pcmpeqb`), the first lane that holds the
                    // letter taken from the mask: eight a step with the word test below cost ~14
                    // instructions (bsd.mbox x3: ~28,000 words for the short chain firsts, "ip " and
                    // "host ", 0.4M of the group's pass).
                    let lowerLanes = SIMD16<UInt8>(repeating: 0x20), keyLanes = SIMD16<UInt8>(repeating: key)
                    while j + 16 <= end + 1 {
                        let block = raw.loadUnaligned(fromByteOffset: j, as: SIMD16<UInt8>.self) | lowerLanes
                        let marks = unsafeBitCast(block .== keyLanes, to: SIMD2<UInt64>.self)
                        let (low, high) = (UInt64(littleEndian: marks[0]), UInt64(littleEndian: marks[1]))
                        if low | high != 0 {
                            j += low != 0 ? low.trailingZeroBitCount / 8 : 8 + high.trailingZeroBitCount / 8
                            break
                        }
                        j += 16
                    }
                    while j + 8 <= end + 1 {
                        let x = (raw.loadUnaligned(fromByteOffset: j, as: UInt64.self) | 0x2020_2020_2020_2020) ^ keyEverywhere
                        // Some byte of `x` zero: the classic test.
                        if (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0 { break }
                        j += 8
                    }
                    guard j <= end else { return nil }
                    guard bytes[j] | 0x20 == key else { j += 1; continue }
                } else {
                    guard let hit = memchr(base + j, Int32(key), end - j + 1) else { return nil }
                    j = UnsafeRawPointer(hit) - raw
                }
                let i = j - anchor
                var k = 0
                while k < m {
                    let x = caseless ? LiteralPrefilter.fold(bytes[i + k]) : bytes[i + k]
                    if x != s[k] { break }
                    k += 1
                }
                if k == m { return i }
                j += 1
            }
            return nil
        }
    }

    /// The index of the suffix's rarest byte, for `firstOccurrence`: a `>` or `:` rather than the
    /// space most suffixes begin with (searching for that space stopped every few bytes). The first
    /// of the rarest, each byte's rarity read once from a table (with a search of the letters by
    /// frequency, twice a byte, 2,500 instructions a call: 0.22M at start-up, sisimai bsd mbox x3).
    static func anchor(of suffix: [UInt8]) -> Int {
        let rarities = RequiredSuffix.rarities
        var anchor = 0
        var best = -1
        for k in suffix.indices {
            let rarity = Int(rarities[Int(suffix[k])])
            if rarity > best { (anchor, best) = (k, rarity) }
        }
        return anchor
    }

    /// How rarely a byte occurs in a diagnostic, higher for rarer, by byte: punctuation and digits
    /// (40), then letters of either case by their frequency in English text (the most frequent 1),
    /// the space last (0).
    /// Made by setting each letter's two cases from `letterFrequency`: each byte's letter looked up
    /// in it (`firstIndex`, 256 searches) was 0.06M instructions at start-up (bsd.mbox).
    static let rarities: [UInt8] = {
        var table = [UInt8](repeating: 40, count: 256)
        table[0x20] = 0
        for (rank, letter) in letterFrequency.enumerated() {
            // `letter` is lower case; `LiteralPrefilter.fold` takes its upper case (0x20 lower) to it.
            table[Int(letter)] = UInt8(1 + rank)
            table[Int(letter) - 0x20] = UInt8(1 + rank)
        }
        return table
    }()

    /// Lower-case letters, the most frequent in English first.
    private static let letterFrequency: [UInt8] = Array("etaoinsrhldcumfpgwybvkxjqz".utf8)
}
