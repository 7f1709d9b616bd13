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

    /// The lines of the string (LF separated, LF removed, empty lines kept), as slices of its storage.
    var lineSlices: [Substring] {
        // Line-end offsets first (memchr), then indices advanced from one line end to the next, and
        // each line made from the UTF-8 view (`self[range]` checks both indices' scalar alignment the
        // long way; an LF always ends a scalar): instead of `split` over the UTF-8 view, whose generic
        // index walk showed in `perf`. (Byte loop and `self[range]` -> memchr and the UTF-8 view:
        // backscatter-dev `--no-classify`, 3,543 texts, 58.9M -> 37.0M instructions.)
        // Each line is made as its end is found (an array of the ends first, then the lines: bsd.mbox
        // x3, 975 texts: 9.81M -> 9.15M instructions).
        var copy = self
        let u = utf8
        return copy.withUTF8 { bytes in
            var lines: [Substring] = []
            guard let base = bytes.baseAddress else { return [Substring(u[...])] }
            // Room for lines of 40 bytes on average (grown from one: ~5 reallocations a text).
            lines.reserveCapacity(bytes.count / 40 + 2)
            var start = u.startIndex
            var previousEnd = u.startIndex
            var previousOffset = 0
            var i = 0
            while i < bytes.count, let hit = memchr(base + i, 0x0A, bytes.count - i) {
                let end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                let stop = u.index(previousEnd, offsetBy: end - previousOffset)
                lines.append(Substring(u[start..<stop]))
                start = u.index(after: stop)
                previousEnd = stop
                previousOffset = end
                i = end + 1
            }
            lines.append(Substring(u[start...]))
            return lines
        }
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
