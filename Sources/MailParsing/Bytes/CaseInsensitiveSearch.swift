#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search with ASCII letters compared without case, for needles given in lower case.
package enum ASCIICaseInsensitive {
    /// The offset of the first place in `haystack` whose bytes, ASCII letters lower-cased, equal
    /// `lowercaseNeedle`; 0 for an empty needle. Other bytes compare as they are.
    ///
    /// A first needle byte without case is found with memchr; a lower-case letter eight haystack
    /// bytes at a time (SWAR: each byte folded, then the classic "has a zero byte" test on its
    /// difference from the letter). An upper-case letter in the needle never matches (a folded
    /// haystack byte is never one).
    /// - Complexity: O(n·m) at worst, like the byte search of `ByteSubstring`.
    package static func firstOffset(of lowercaseNeedle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = lowercaseNeedle.count
        guard n > 0 else { return 0 }
        guard haystack.count >= n, let base = haystack.baseAddress else { return nil }
        let first = lowercaseNeedle[0]
        if first >= 0x41 && first <= 0x5A { return nil }
        let last = haystack.count - n
        func matchesRest(at i: Int) -> Bool {
            var j = 1
            while j < n, ASCII.lowercased(haystack[i + j]) == lowercaseNeedle[j] { j += 1 }
            return j == n
        }
        var i = 0
        guard first >= 0x61 && first <= 0x7A else {
            while i <= last {
                guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return nil }
                i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if matchesRest(at: i) { return i }
                i += 1
            }
            return nil
        }
        while i + 8 <= last + 1 {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if ByteWord.hasByte(ByteWord.lowercased(word), first) {
                for k in i..<(i + 8) where ASCII.lowercased(haystack[k]) == first && matchesRest(at: k) { return k }
            }
            i += 8
        }
        while i <= last {
            if ASCII.lowercased(haystack[i]) == first && matchesRest(at: i) { return i }
            i += 1
        }
        return nil
    }

    /// Whether the ASCII `needle` (not empty), in any case, stands in `haystack` with ASCII letters
    /// compared without case (what `firstOffset` of the needle lower-cased tells). Its places are found
    /// by memchr for an anchor, the first byte of its first 64 that is neither a letter nor a space (a
    /// digit, `@`, a dot ...: it has no other case, and is rarer than a letter; bsd.mbox x3, 2,127
    /// places read for the 903 needles of `RFC3464Recognizer.leadHoldsIgnoringCase`); a needle with no
    /// anchor there is searched for as it is, then lower-cased by `firstOffset`. (Compared lower-cased
    /// at every place, without memcmp first, and anchored within 16 bytes, whose misses fell to
    /// `firstOffset`: 0.94M.)
    package static func contains(anyCase needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = needle.count
        guard count > 0, count <= haystack.count, let h = haystack.baseAddress, let n = needle.baseAddress else { return count == 0 }
        var anchor = 0
        let reach = min(count, 64)
        while anchor < reach, (n[anchor] | 0x20) &- UInt8(ascii: "a") < 26 || n[anchor] == UInt8(ascii: " ") { anchor &+= 1 }
        guard anchor < reach else {
            if ByteSubstring.firstOffset(of: needle, in: haystack) != nil { return true }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { folded in
                for k in 0..<count { folded[k] = ASCII.lowercased(n[k]) }
                return firstOffset(of: UnsafeBufferPointer(folded), in: haystack) != nil
            }
        }
        /// Whether the needle stands at `start` (`start + count <= haystack.count`): most often as it is
        /// (memcmp), else lower-cased.
        func matches(at start: Int) -> Bool {
            if memcmp(h + start, n, count) == 0 { return true }
            let raw = UnsafeRawPointer(h + start), rawNeedle = UnsafeRawPointer(n)
            var k = 0
            while k &+ 8 <= count {
                if ByteWord.lowercased(raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                    != ByteWord.lowercased(rawNeedle.loadUnaligned(fromByteOffset: k, as: UInt64.self)) { return false }
                k &+= 8
            }
            while k < count {
                if ASCII.lowercased(h[start &+ k]) != ASCII.lowercased(n[k]) { return false }
                k &+= 1
            }
            return true
        }
        // The anchor byte of a place stands at `anchor` ... `lastAnchor`.
        let anchorByte = Int32(n[anchor])
        let lastAnchor = haystack.count &- count &+ anchor
        var p = anchor
        while p <= lastAnchor {
            guard let hit = memchr(h + p, anchorByte, lastAnchor &- p &+ 1) else { return false }
            p = UnsafeRawPointer(hit) - UnsafeRawPointer(h)
            if matches(at: p &- anchor) { return true }
            p &+= 1
        }
        return false
    }
}
