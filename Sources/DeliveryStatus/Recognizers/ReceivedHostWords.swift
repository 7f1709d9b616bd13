import MailParsing

/// The host names of one Received value that `receivedProviders` matches to providers: the dotted
/// words right after a `from` or `by` word, words split at blanks and ( ) [ ] ;, found from the
/// `from`s and `by`s rather than by walking every word.
enum ReceivedHostWords {
    /// Calls `body` with each dotted word that follows a `from` or `by` word in `value`, in order
    /// (`ReceivedHostWordsTests` holds it to a walk of every word).
    ///
    /// Finds each `m` and `y` sixteen bytes at a time and looks at the words only there: walking every
    /// word (as `BounceContext` did), a table load and a test a byte, was ~1,900 instructions a value (bsd.mbox x3: 930 values,
    /// 1.79M of `receivedProviders`' 2.38M); ~430 now, the ~6.6 visits a value aside
    /// (`receivedProviders` 1.75M, the providers' lookups included).
    static func forEachHost(in value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = value.baseAddress else { return }
        let n = value.count
        /// Whether the `m` or `y` at `last` ends a whole word `from` or `by`: then the next word, when
        /// it holds a dot, goes to `body`.
        @inline(__always) func visit(_ last: Int) {
            let start: Int
            if base[last] == UInt8(ascii: "y") {
                guard last >= 1, base[last - 1] == UInt8(ascii: "b") else { return }
                start = last - 1
            } else {
                guard last >= 3, base[last - 3] == UInt8(ascii: "f"), base[last - 2] == UInt8(ascii: "r"),
                      base[last - 1] == UInt8(ascii: "o") else { return }
                start = last - 3
            }
            guard start == 0 || isSeparator(base[start - 1]) else { return }
            var k = last + 1
            guard k == n || isSeparator(base[k]) else { return }
            while k < n, isSeparator(base[k]) { k += 1 }
            let wordStart = k
            var dotted = false
            while k < n {
                let byte = base[k]
                if isSeparator(byte) { break }
                if byte == UInt8(ascii: ".") { dotted = true }
                k += 1
            }
            if dotted { body(UnsafeBufferPointer(start: base + wordStart, count: k - wordStart)) }
        }
        let mLanes = SIMD16<UInt8>(repeating: UInt8(ascii: "m"))
        let yLanes = SIMD16<UInt8>(repeating: UInt8(ascii: "y"))
        var i = 0
        while i + 16 <= n {
            let block = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let halves = unsafeBitCast((block .== mLanes) .| (block .== yLanes), to: SIMD2<UInt64>.self)
            if halves[0] | halves[1] != 0 {
                // 0xFF on each hit: one bit of each kept, lowest first.
                for half in 0..<2 {
                    var marks = UInt64(littleEndian: halves[half]) & ByteWord.highs
                    while marks != 0 {
                        visit(i + half * 8 + marks.trailingZeroBitCount >> 3)
                        marks &= marks &- 1
                    }
                }
            }
            i += 16
        }
        while i < n {
            let byte = base[i]
            if byte == UInt8(ascii: "m") || byte == UInt8(ascii: "y") { visit(i) }
            i += 1
        }
    }

    /// Whether a host name `forEachHost(in: value)` gives names `RemoteHostRules.providers[i]`
    /// (`RemoteHostRules.providersNamed(byHostBytes:)` holds bit i).
    ///
    /// An ASCII value is searched for the provider's suffixes (`hasHost(endingWith:in:)`); a value with
    /// another byte is read as `forEachHost` reads it, each host name matched to every provider (its
    /// lower case may hold ASCII letters its bytes do not).
    static func hasHost(namingProvider i: Int, in value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard ASCII.isASCII(value) else {
            var named: UInt64 = 0
            forEachHost(in: value) { named |= RemoteHostRules.providersNamed(byHostBytes: $0) }
            return named & (1 << UInt64(i)) != 0
        }
        return RemoteHostRules.suffixBytes.withUnsafeBufferPointer { all in
            for k in RemoteHostRules.suffixesOfProvider[i] {
                let suffix = RemoteHostRules.suffixRanges[k]
                if hasHost(endingWith: UnsafeBufferPointer(rebasing: all[suffix.start..<(suffix.start + suffix.count)]), in: value) {
                    return true
                }
            }
            return false
        }
    }

    /// Whether ASCII `value` has a host name (`forEachHost`) that ends with `suffix`, ASCII letters
    /// compared without case: `suffix` is lower-case ASCII of at least two bytes, holds a dot (so a
    /// word that ends with it is dotted) and no separator.
    ///
    /// Where the suffix's first and last bytes are found at its length apart (sixteen starts at a time),
    /// the whole suffix is compared, and then whether the word it ends is right after a whole `from`
    /// or `by` and the blanks that follow it.
    static func hasHost(endingWith suffix: UnsafeBufferPointer<UInt8>, in value: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = suffix.count, n = value.count
        guard length >= 2, length <= n, let base = value.baseAddress else { return false }
        /// Whether the suffix is at `i` and ends the host name after a `from` or a `by`.
        @inline(__always) func isHost(at i: Int) -> Bool {
            for k in 0..<length where ASCII.lowercased(base[i + k]) != suffix[k] { return false }
            let end = i + length
            guard end == n || isSeparator(base[end]) else { return false }
            var wordStart = i
            while wordStart > 0, !isSeparator(base[wordStart - 1]) { wordStart -= 1 }
            // The blanks before the word, and the word before them: `from` or `by`, whole.
            var p = wordStart
            while p > 0, isSeparator(base[p - 1]) { p -= 1 }
            guard p < wordStart else { return false }
            if p >= 2, base[p - 2] == UInt8(ascii: "b"), base[p - 1] == UInt8(ascii: "y") {
                return p == 2 || isSeparator(base[p - 3])
            }
            if p >= 4, base[p - 4] == UInt8(ascii: "f"), base[p - 3] == UInt8(ascii: "r"), base[p - 2] == UInt8(ascii: "o"),
               base[p - 1] == UInt8(ascii: "m") {
                return p == 4 || isSeparator(base[p - 5])
            }
            return false
        }
        let first = suffix[0], last = suffix[length - 1]
        // A letter's lanes compared with 0x20 set: its two cases, nothing else.
        let firstCase: UInt8 = ASCII.isAlpha(first) ? 0x20 : 0, lastCase: UInt8 = ASCII.isAlpha(last) ? 0x20 : 0
        let lastStart = n - length
        var done = 0   // the starts below it are looked at
        if lastStart >= 15 {
            let raw = UnsafeRawPointer(base)
            let firstLanes = SIMD16<UInt8>(repeating: first), lastLanes = SIMD16<UInt8>(repeating: last)
            let firstCaseLanes = SIMD16<UInt8>(repeating: firstCase), lastCaseLanes = SIMD16<UInt8>(repeating: lastCase)
            var i = 0
            while true {
                // The starts i..<i + 16; the last block overlaps the one before it (`done`).
                let heads = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) | firstCaseLanes
                let tails = raw.loadUnaligned(fromByteOffset: i &+ length &- 1, as: SIMD16<UInt8>.self) | lastCaseLanes
                let halves = unsafeBitCast((heads .== firstLanes) .& (tails .== lastLanes), to: SIMD2<UInt64>.self)
                if halves[0] | halves[1] != 0 {
                    for half in 0..<2 {
                        var marks = UInt64(littleEndian: halves[half]) & ByteWord.highs
                        while marks != 0 {
                            let start = i + half * 8 + marks.trailingZeroBitCount >> 3
                            if start >= done && isHost(at: start) { return true }
                            marks &= marks &- 1
                        }
                    }
                }
                done = i + 16
                if i == lastStart - 15 { return false }
                i = min(i + 16, lastStart - 15)
            }
        }
        while done <= lastStart {
            if base[done] | firstCase == first, base[done + length - 1] | lastCase == last, isHost(at: done) { return true }
            done += 1
        }
        return false
    }

    /// Whether `byte` ends a word: tab, LF, CR, space, parentheses, `;`, `[` or `]`.
    @inline(__always) static func isSeparator(_ byte: UInt8) -> Bool {
        // Bits 9, 10, 13, 32, 40, 41 and 59 below 64; `[` (0x5B) and `]` (0x5D) above.
        let low: UInt64 = 1 << 9 | 1 << 10 | 1 << 13 | 1 << 32 | 1 << 40 | 1 << 41 | 1 << 59
        let high: UInt64 = 1 << (0x5B - 64) | 1 << (0x5D - 64)
        if byte < 64 { return low >> UInt64(byte) & 1 != 0 }
        return byte < 128 && high >> UInt64(byte - 64) & 1 != 0
    }
}
