#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

// String helpers of the recognisers that work on UTF-8 bytes instead of Characters. The recognisers
// trim, split and lower-case thousands of short strings per message; the standard library's
// Character-based versions (grapheme breaking, per-character Strings) were the largest costs left in a
// `perf` profile of the sisimai bsd mbox. Results equal the Character-based ones for the separators
// used here (space, tab, CR, LF are single-byte, never part of a grapheme with a following mark in
// mail text).

// (Trimming, `trimmedSlice` and `trimmed`, is MailParsing's, shared with the classifier.)

extension String {
    /// Whether the UTF-8 bytes contain `byte` (memchr over the storage; `utf8.contains` walks the
    /// view generically, ~5,000 instructions a diagnostic in callgrind).
    func containsByte(_ byte: UInt8) -> Bool {
        var copy = self
        return copy.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, Int32(byte), bytes.count) != nil
        }
    }

    /// `lastIndex(of: Character(Unicode.Scalar(byte)))`, found on the bytes when the string is ASCII:
    /// then each byte is a Character but for a CR before an LF, so a byte other than CR and LF is the
    /// Character wherever it stands. Another string is read by Characters (a mark after the byte, as
    /// U+0301 after ":", makes one Character of the two). By Characters, each line cost ~6,000
    /// instructions (bsd.mbox x3: IMailServer's 81 lines, 0.49M).
    /// - Parameter byte: ASCII, not CR or LF.
    func lastIndex(ofASCII byte: UInt8) -> String.Index? {
        var copy = self
        let offset: Int?? = copy.withUTF8 { bytes in
            guard ASCII.isASCII(bytes) else { return nil }
            var i = bytes.count
            while i > 0 {
                i -= 1
                if bytes[i] == byte { return .some(i) }
            }
            return .some(nil)
        }
        switch offset {
        case let (found?)?: return utf8.index(startIndex, offsetBy: found)
        case .some(nil): return nil
        case nil: return lastIndex(of: Character(Unicode.Scalar(byte)))
        }
    }

    /// The lines of the string (LF separated, LF removed, empty lines kept), as slices of its storage
    /// (`TextLines`' lines, made all at once).
    var lineSlices: [Substring] { Array(TextLines(self)) }
}

/// The lines of a text (LF separated, LF removed, empty lines kept), kept as the byte offsets of their
/// ends and made Substrings of the text's storage when read: most recognisers read only the lines up
/// to a marker, and an array of Substrings cost a String subscript, a retain and an append for every
/// line, and a release for each when the context died (bsd.mbox x3, 819 texts, 21,711 lines:
/// `String.lineSlices` 5.75M).
package struct TextLines: RandomAccessCollection {
    /// The text, native UTF-8 (made contiguous once here: a no-op for the texts made here), so that
    /// its indices are offsets of its UTF-8 storage, which a bridged string's (Darwin's NSString,
    /// UTF-16) are not.
    package let text: String
    /// The byte offset of the end of each line: of its LF, and for the last, the text's length
    /// (`TextScan.blocks` reads its line starts from them).
    let ends: [Int]
    /// `String.Index.scalarAlignedUTF8LayoutHolds`, read once (a lazy global's check on every line read).
    private let layoutHolds: Bool

    /// The lines of `text`.
    package init(_ text: String) {
        var text = text
        text.makeContiguousUTF8()
        // Line ends found by memchr (a byte loop and `split` over the UTF-8 view walked it
        // generically: backscatter-dev `--no-classify`, 3,543 texts, 58.9M -> 37.0M).
        ends = text.withUTF8 { bytes -> [Int] in
            var ends: [Int] = []
            // Room for lines of 32 bytes on average (grown from one: ~5 reallocations a text).
            ends.reserveCapacity(bytes.count / 32 + 2)
            guard let base = bytes.baseAddress else { return [0] }
            var start = 0
            while start < bytes.count, let hit = memchr(base + start, 0x0A, bytes.count - start) {
                let end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                ends.append(end)
                start = end + 1
            }
            ends.append(bytes.count)
            return ends
        }
        self.text = text
        layoutHolds = String.Index.scalarAlignedUTF8LayoutHolds
    }

    /// No lines (not even an empty one, which the lines of "" are).
    package init() {
        text = ""
        ends = []
        layoutHolds = true
    }

    /// The index of the line holding byte `offset` (its LF counted in it): the first line ending at or
    /// after it, the last starting at or before it.
    func line(holdingOffset offset: Int) -> Int {
        var low = 0, high = ends.count - 1
        while low < high {
            let middle = (low + high) / 2
            if ends[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { ends.count }

    /// Line `i`, sliced with O(1) indices made from its byte offsets
    /// (`String.Index(scalarAlignedUTF8Offset:)`), which the subscript takes without aligning them again:
    /// `Substring(utf8[range])` of indices advanced in the UTF-8 view aligned both bounds to scalars
    /// the long way, ~140 instructions a line (bsd.mbox x3, 843 texts, 21,711 lines: `lineSlices`
    /// 7.48M -> 4.41M). The first line starts at `startIndex` (an LF at 0 ends it there too) and the
    /// last ends at `endIndex`, as in a split of the UTF-8 view, whose start index says more (a
    /// character boundary, of either encoding): the bounds are bit for bit the ones the split makes
    /// (StringBytesTests).
    package subscript(i: Int) -> Substring {
        let endOffset = ends[i]
        let startOffset = i == 0 ? 0 : ends[i - 1] + 1
        guard layoutHolds else {
            let u = text.utf8
            return Substring(u[u.index(u.startIndex, offsetBy: startOffset)..<u.index(u.startIndex, offsetBy: endOffset)])
        }
        let from = i == 0 ? text.startIndex : String.Index(scalarAlignedUTF8Offset: startOffset)
        let to = i == ends.count - 1 ? text.endIndex : endOffset == 0 ? from : String.Index(scalarAlignedUTF8Offset: endOffset)
        return text[from..<to]
    }
}

extension String.Index {
    /// Whether the standard library's index of a Unicode scalar boundary in a native UTF-8 string is
    /// the byte offset shifted left by 16 over the flags scalar-aligned (1) and UTF-8 (4), as
    /// `init(scalarAlignedUTF8Offset:)` makes it: the layout of `@frozen` `String.Index` since Swift
    /// 5.7, checked once on an index the standard library makes (`lineSlices` splits the UTF-8 view
    /// where it does not hold).
    static let scalarAlignedUTF8LayoutHolds: Bool = {
        let probe = String(decoding: [0x61, 0x0A] + Array(repeating: 0x62, count: 30), as: UTF8.self)
        return unsafeBitCast(probe.unicodeScalars.index(after: probe.startIndex), to: UInt64.self) == 1 << 16 | 0b0101
    }()

    /// The index of UTF-8 offset `offset` of a native UTF-8 string, which must be on a Unicode scalar
    /// boundary (an LF, or just after one): as the standard library's own scalar-aligned index, so
    /// slicing with it skips the alignment checks. O(1).
    @inline(__always)
    init(scalarAlignedUTF8Offset offset: Int) {
        self = unsafeBitCast(UInt64(truncatingIfNeeded: offset) &<< 16 | 0b0101, to: String.Index.self)
    }
}

extension StringProtocol {
    /// Whether the string starts with `prefix`, ASCII letters compared without case (`prefix` lower case).
    func hasPrefix(ignoringCase prefix: String) -> Bool {
        var it = utf8.makeIterator()
        for expected in prefix.utf8 {
            guard let b = it.next() else { return false }
            if ASCII.lowercased(b) != expected { return false }
        }
        return true
    }
}

extension String {
    /// `lowercased().contains(needle.lowercased())` (the byte search of MailParsing), without making
    /// the two lower-cased copies when `needle` is ASCII: lower-casing then folds the ASCII letters of
    /// both and turns every other character of the haystack into non-ASCII bytes, which an ASCII
    /// needle never matches, so the search compares folded bytes in place. The two exceptions, the
    /// only characters whose lower case holds ASCII (U+0130 → "i̇", U+212A KELVIN SIGN → "k"), send
    /// the haystack the long way, as does a non-ASCII needle.
    func containsIgnoringCase(_ needle: String) -> Bool {
        var haystack = self
        var needleCopy = needle
        let answer: Bool? = haystack.withUTF8 { h in
            needleCopy.withUTF8 { n in
                guard ASCII.isASCII(n) else { return nil }
                let found = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n.count) { folded in
                    for i in 0..<n.count { folded[i] = ASCII.lowercased(n[i]) }
                    return ASCIICaseInsensitive.firstOffset(of: UnsafeBufferPointer(folded), in: h) != nil
                }
                // A match of folded ASCII bytes is a match in the lower-cased copies; no match is the
                // answer too unless lower-casing would add ASCII letters. (Searching first and looking
                // for those two characters only after a miss, with memchr, where every call scanned the
                // haystack byte by byte first: backscatter-dev `--no-classify`, 7,210 calls, 39.7M -> 12.5M.)
                return found || !lowercasesIntoASCII(h) ? found : nil
            }
        }
        return answer ?? lowercased().contains(needle.lowercased())
    }
}

/// Whether valid UTF-8 `bytes` hold U+0130 (C4 B0) or U+212A (E2 84 AA), the two non-ASCII
/// characters whose `lowercased()` contains ASCII letters.
private func lowercasesIntoASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    func holds(_ needle: [UInt8]) -> Bool {
        needle.withUnsafeBufferPointer { ByteSubstring.firstOffset(of: $0, in: bytes) } != nil
    }
    return holds(LowercasingIntoASCII.dottedCapitalI) || holds(LowercasingIntoASCII.kelvinSign)
}

/// The UTF-8 of the two characters `lowercasesIntoASCII` looks for.
private enum LowercasingIntoASCII {
    static let dottedCapitalI: [UInt8] = [0xC4, 0xB0]     // U+0130, lower-cased to "i" and a combining dot
    static let kelvinSign: [UInt8] = [0xE2, 0x84, 0xAA]   // U+212A, lower-cased to "k"
}

/// Phrase searches of the recognisers' line loops ("the account starts at the first line holding one of
/// these phrases", "and ends at the first line starting with one of those"), made over the text's bytes
/// once instead of line by line. Answers by UTF-8 bytes, as `String.contains(_:)` and `hasPrefix(_:)` of
/// MailParsing do.
enum LineSearch {
    /// The byte offset in `text` of the leftmost occurrence of any of `phrases`, or nil when none
    /// occurs. After the first phrase found, each further phrase is searched only where it could start
    /// before the best offset so far (the start of a notice is near the top of the text). A phrase
    /// holds no LF, so the line holding the offset holds the whole phrase.
    static func firstOffset(ofAnyOf phrases: [String], in text: String) -> Int? {
        assert(phrases.allSatisfy { !$0.utf8.contains(0x0A) }, "LineSearch: a phrase holding an LF spans lines")
        var text = text
        return text.withUTF8 { bytes -> Int? in
            var best: Int? = nil
            for phrase in phrases {
                let length = phrase.utf8.count
                guard length > 0 else { return 0 }
                // A match starting before `best` ends before `best + length`.
                let limit = best.map { Swift.min(bytes.count, $0 + length - 1) } ?? bytes.count
                guard limit >= length else { continue }
                let found = phrase.utf8.withContiguousStorageIfAvailable { needle in
                    ByteSubstring.firstOffset(of: needle, in: UnsafeBufferPointer(rebasing: bytes[0..<limit]))
                } ?? Array(phrase.utf8).withUnsafeBufferPointer { needle in
                    ByteSubstring.firstOffset(of: needle, in: UnsafeBufferPointer(rebasing: bytes[0..<limit]))
                }
                if let found { best = found }
            }
            return best
        }
    }

    /// The index of the first line of `lines` that holds any of `phrases`: the line holding
    /// `firstOffset(ofAnyOf:in:)` of their text, found from the line ends. The lines are the text's and
    /// no phrase holds an LF, so that line holds the whole phrase and is not asked again (bsd.mbox x3:
    /// 540 `contains` calls, 0.21M instructions).
    static func firstLine(containingAnyOf phrases: [String], in lines: TextLines) -> Int? {
        firstOffset(ofAnyOf: phrases, in: lines.text).map(lines.line(holdingOffset:))
    }

    /// `firstLine(containingAnyOf:in:)` of the context's lines, split only when a phrase occurs in its
    /// text (a text holding none is turned away without them).
    static func firstLine(containingAnyOf phrases: [String], in context: BounceContext) -> Int? {
        firstOffset(ofAnyOf: phrases, in: context.text).map { context.lines.line(holdingOffset: $0) }
    }
}

/// The first bytes of a set of line prefixes, to turn away most lines before any `hasPrefix`.
struct FirstBytes {
    /// Bit `b` of word `b >> 6` set for each first byte `b`.
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// Whether an empty prefix is among them (every line starts with it).
    private var hasEmpty = false

    /// The first bytes of `prefixes`.
    init(_ prefixes: [String]) {
        for p in prefixes {
            guard let b = p.utf8.first else { hasEmpty = true; continue }
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }
    }

    /// Whether a line that starts with `line`'s first byte could start with one of the prefixes.
    func mayStart(_ line: Substring) -> Bool {
        if hasEmpty { return true }
        guard let b = line.utf8.first else { return false }
        return mayStart(first: b)
    }

    /// Whether a line whose first byte is `b` could start with one of the prefixes.
    @inline(__always)
    func mayStart(first b: UInt8) -> Bool {
        if hasEmpty { return true }
        let word: UInt64
        switch b >> 6 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return word & (UInt64(1) << UInt64(b & 63)) != 0
    }
}

/// Phrases a line may start with, asked of a line's bytes: its first byte against the phrases' first
/// bytes (`FirstBytes`), then the phrases that share it byte by byte. Exim's and qmail's line walks end
/// at such a line.
struct LinePrefixes {
    private let firstBytes: FirstBytes
    private let phrases: [[UInt8]]

    /// The phrases `prefixes`.
    init(_ prefixes: [String]) {
        firstBytes = FirstBytes(prefixes)
        phrases = prefixes.map { Array($0.utf8) }
    }

    /// Whether `line` starts with one of the phrases.
    @inline(__always)
    func startAny(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = line.first, firstBytes.mayStart(first: first) else { return false }
        return phrases.contains(where: { Self.starts(line, with: $0) })
    }

    /// Whether `line` starts with the bytes `prefix`.
    static func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: [UInt8]) -> Bool {
        guard prefix.count <= line.count, let l = line.baseAddress else { return false }
        return prefix.withUnsafeBufferPointer { memcmp(l, $0.baseAddress!, prefix.count) == 0 }
    }
}

/// A String gathered from pieces of valid UTF-8 text (lines of a text cut at LF) and ASCII bytes,
/// copied into a scratch buffer and made a String once: appending each line's Substring and a space to
/// a String cost ~900 instructions a line (bsd.mbox x3, Exim's 465 lines), appending them to an Array
/// ~400 (its generic `append(contentsOf:)`).
struct TextRun {
    /// Room for every piece gathered between two `take()`s: for lines of a text and a byte each, the
    /// text's length and one.
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    /// How many bytes were gathered since the last `take()`.
    private var count = 0

    /// A run gathered in `buffer`.
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// Whether nothing was gathered since the last `take()`.
    var isEmpty: Bool { count == 0 }

    /// Appends the bytes of `piece`.
    @inline(__always)
    private mutating func append(_ piece: UnsafeBufferPointer<UInt8>) {
        precondition(piece.count <= buffer.count - count, "TextRun: no room")
        if let from = piece.baseAddress, let to = buffer.baseAddress { (to + count).update(from: from, count: piece.count) }
        count += piece.count
    }

    /// Appends `byte`.
    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        precondition(count < buffer.count, "TextRun: no room")
        buffer[count] = byte
        count += 1
    }

    /// Appends the bytes of `piece` (whole UTF-8 sequences) and then `byte` (ASCII).
    mutating func append(_ piece: UnsafeBufferPointer<UInt8>, then byte: UInt8) {
        append(piece)
        append(byte)
    }

    /// Appends `byte` (ASCII) and then the bytes of `piece` (whole UTF-8 sequences).
    mutating func append(_ byte: UInt8, then piece: UnsafeBufferPointer<UInt8>) {
        append(byte)
        append(piece)
    }

    /// The String of the bytes gathered (valid UTF-8, as the pieces are, not checked again); empties the run.
    mutating func take() -> String {
        let bytes = UnsafeBufferPointer(rebasing: buffer[..<count])
        count = 0
        return UncheckedUTF8.string(bytes, isASCII: ASCII.isASCII(bytes))
    }
}

extension String {
    /// `split(separator:)` at the ASCII byte `separator`, empty pieces left out, as slices of the
    /// string. By bytes when the string is ASCII and the separator is neither CR nor LF (each byte is
    /// then a Character but for CR LF, which such a split never cuts); otherwise the Character split,
    /// where a separator followed by a combining mark is no separator. (The Character split of a few hundred bytes cost
    /// ~10,000 instructions: sisimai bsd mbox x3, 54 calls in EximRecognizer.recognize, 0.58M; with the bytes, EximRecognizer.recognize 12.43M -> 11.38M with the one-pass "@", ".", ":" below, GoogleGroupsRecognizer.recognize 5.71M -> 5.30M.)
    func splitSlices(separator: UInt8) -> [Substring] {
        guard separator < 0x80, separator != 0x0A, separator != 0x0D else {
            return split(separator: Character(Unicode.Scalar(separator)))
        }
        let u = utf8
        let offsets: [Range<Int>]? = u.withContiguousStorageIfAvailable { bytes in
            var pieces: [Range<Int>] = []
            var start = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                if b >= 0x80 { return nil }
                if b == separator {
                    if i > start { pieces.append(start..<i) }
                    start = i + 1
                }
            }
            if bytes.count > start { pieces.append(start..<bytes.count) }
            return pieces
        } ?? nil
        guard let offsets else { return split(separator: Character(Unicode.Scalar(separator))) }
        return offsets.map { r in
            let lower = u.index(u.startIndex, offsetBy: r.lowerBound)
            return Substring(u[lower..<u.index(lower, offsetBy: r.count)])
        }
    }
}
