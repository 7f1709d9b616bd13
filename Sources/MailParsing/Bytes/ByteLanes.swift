/// Sixteen bytes at a time (SSE2 compares of `SIMD16<UInt8>` vectors): where a block's first marked
/// lane is. The byte scanners that walk a buffer in blocks (header unfolding, the parameter reader,
/// quoted-printable decoding, the mbox separator search) compare each block with a few bytes and ask
/// this of the result. (`HeaderSection`'s two loops, which
/// stop at the mark, read the words themselves: through this, `scanFields` cost 0.45M instructions more
/// on the sisimai bsd mbox x3, 13.77M -> 14.22M.)
///
/// The mask is read as two little-endian words (lane `k` is byte `k`): in this package's builds
/// `any(mask)` compiled to a call to a scalar `SIMD.min()`, where the words' tests are two
/// instructions. Public and `@inlinable`, as `ByteWord`: across modules an `@inlinable package` body
/// is not inlined.
public enum ByteLanes {
    /// The index (0...15) of the first lane `mask` marks, or nil when it marks none.
    @inlinable @inline(__always)
    public static func firstMarked(_ mask: SIMDMask<SIMD16<Int8>>) -> Int? {
        let halves = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        let low = UInt64(littleEndian: halves[0]), high = UInt64(littleEndian: halves[1])
        if low != 0 { return low.trailingZeroBitCount &>> 3 }
        if high != 0 { return 8 &+ high.trailingZeroBitCount &>> 3 }
        return nil
    }
}
