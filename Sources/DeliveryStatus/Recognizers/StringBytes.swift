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
        // Line-end offsets first (a plain byte loop), then indices advanced from one line end to the next,
        // instead of `split` over the UTF-8 view, whose generic index walk showed in `perf`.
        var copy = self
        let ends: [Int] = copy.withUTF8 { bytes in
            var out: [Int] = []
            for (offset, byte) in bytes.enumerated() where byte == 0x0A { out.append(offset) }
            return out
        }
        var lines: [Substring] = []
        lines.reserveCapacity(ends.count + 1)
        let u = utf8
        var start = u.startIndex
        var previousEnd = u.startIndex
        var previousOffset = 0
        for end in ends {
            let stop = u.index(previousEnd, offsetBy: end - previousOffset)
            lines.append(self[start..<stop])
            start = u.index(after: stop)
            previousEnd = stop
            previousOffset = end
        }
        lines.append(self[start...])
        return lines
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
                guard isASCII(n), isASCII(h) || !lowercasesIntoASCII(h) else { return nil }
                let folded = n.map(ASCII.lowercased)
                return folded.withUnsafeBufferPointer { ASCIICaseInsensitive.firstOffset(of: $0, in: h) } != nil
            }
        }
        return answer ?? lowercased().contains(needle.lowercased())
    }
}

private func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var any: UInt8 = 0
    for b in bytes { any |= b }
    return any < 0x80
}

/// Whether valid UTF-8 `bytes` hold U+0130 (C4 B0) or U+212A (E2 84 AA), the two non-ASCII
/// characters whose `lowercased()` contains ASCII letters.
private func lowercasesIntoASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    while i + 1 < bytes.count {
        if bytes[i] == 0xC4 && bytes[i + 1] == 0xB0 { return true }
        if bytes[i] == 0xE2 && i + 2 < bytes.count && bytes[i + 1] == 0x84 && bytes[i + 2] == 0xAA { return true }
        i += 1
    }
    return false
}
