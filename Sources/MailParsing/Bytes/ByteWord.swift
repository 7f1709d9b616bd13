/// Eight bytes at a time (SWAR): the word tests the byte scanners share — the case-insensitive search,
/// the header section's NUL check, the sent log's folded hash, the Received date search, the link
/// count and the diagnostic sweep. (BytePatterns, which does not depend on this module, has its own
/// folded-letter test in `RequiredSuffix`; the JSON writer tests sixteen bytes at a time with SIMD.)
///
/// Each test is exact for "some byte of the word ...": borrows may blur which byte, never whether one.
/// Public and `@inlinable`: across modules an `@inlinable package` body is not inlined (a call per word).
public enum ByteWord {
    /// 0x01 in every byte.
    @inlinable public static var ones: UInt64 { 0x0101_0101_0101_0101 }
    /// 0x80 in every byte.
    @inlinable public static var highs: UInt64 { 0x8080_8080_8080_8080 }

    /// `byte` in every byte of a word.
    @inlinable @inline(__always) public static func broadcast(_ byte: UInt8) -> UInt64 { ones &* UInt64(byte) }

    /// The word with its bytes `A`...`Z` made `a`...`z`, others unchanged (`ASCII.lowercased` of each).
    /// On the low seven bits of each byte the sums carry into no neighbour; bytes of 0x80 and above are
    /// no letters.
    @inlinable @inline(__always) public static func lowercased(_ word: UInt64) -> UInt64 {
        let low = word & ~highs
        let upper = (low &+ ones &* 0x3F) & ~(low &+ ones &* 0x25) & ~word & highs   // >= 'A', < 'Z' + 1
        return word | (upper >> 2)
    }

    /// Whether some byte of the word is 0 (the classic test).
    @inlinable @inline(__always) public static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- ones) & ~word & highs != 0
    }

    /// Whether some byte of the word is `byte`.
    @inlinable @inline(__always) public static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
        hasZeroByte(word ^ broadcast(byte))
    }

    /// Whether some byte of the word is one of the four bytes: one test of the four masks together,
    /// without a branch for each.
    @inlinable @inline(__always) public static func hasAnyByte(_ word: UInt64, _ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Bool {
        @inline(__always) func zeros(_ x: UInt64) -> UInt64 { (x &- ones) & ~x }
        return (zeros(word ^ broadcast(a)) | zeros(word ^ broadcast(b)) | zeros(word ^ broadcast(c))
            | zeros(word ^ broadcast(d))) & highs != 0
    }

    /// Whether some byte of the word is the ASCII letter `lowercaseLetter` in either case: setting
    /// 0x20 in every byte folds a letter and changes no other byte into it.
    @inlinable @inline(__always) public static func hasLetter(_ word: UInt64, ignoringCase lowercaseLetter: UInt8) -> Bool {
        hasByte(word | broadcast(0x20), lowercaseLetter)
    }

    /// 0x80 in each byte of the word that is 0, and 0 in every other byte: exact per byte, unlike
    /// `hasZeroByte`'s borrows (the low seven bits of each byte are added without a carry out of it).
    @inlinable @inline(__always) public static func zeroBytes(_ word: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & low7) &+ low7) | word) & ~low7
    }

    /// Whether some byte of the word is below `limit` (at most 0x80).
    @inlinable @inline(__always) public static func hasByte(_ word: UInt64, below limit: UInt8) -> Bool {
        (word &- broadcast(limit)) & ~word & highs != 0
    }
}
