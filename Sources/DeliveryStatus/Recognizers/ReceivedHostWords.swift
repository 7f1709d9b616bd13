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

    /// Whether `byte` ends a word: tab, LF, CR, space, parentheses, `;`, `[` or `]`.
    @inline(__always) static func isSeparator(_ byte: UInt8) -> Bool {
        // Bits 9, 10, 13, 32, 40, 41 and 59 below 64; `[` (0x5B) and `]` (0x5D) above.
        let low: UInt64 = 1 << 9 | 1 << 10 | 1 << 13 | 1 << 32 | 1 << 40 | 1 << 41 | 1 << 59
        let high: UInt64 = 1 << (0x5B - 64) | 1 << (0x5D - 64)
        if byte < 64 { return low >> UInt64(byte) & 1 != 0 }
        return byte < 128 && high >> UInt64(byte - 64) & 1 != 0
    }
}
