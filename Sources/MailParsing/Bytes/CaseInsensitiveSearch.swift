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
}
