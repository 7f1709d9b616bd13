/// The bytes that occur in some bytes, each recorded by its low six bits (bit `b & 63` of one word): a
/// needle with a byte whose bit is not set is not in the bytes, so the claims' Subject and From searches
/// answer most needles without searching (`BounceContext.fromContains` and the like).
///
/// Bytes 64 apart share a bit (`.` and `n`, digits and `p`...`y`, control characters and capitals,
/// non-ASCII bytes and the rest), so a set bit only says that one of its bytes may occur: the test
/// answers no only when the needle cannot be there. One word, not 128 bits: the 128-bit set's byte
/// loop cost ~850 instructions a From field (bsd.mbox x3: 1.72M for 1,887 senders), against the ~4M
/// of searches it was to save.
package struct ByteSet64: Sendable {
    /// Bit `b & 63` for each byte `b` that occurs.
    package private(set) var bits: UInt64 = 0

    /// The set of the bytes of `bytes`. Always inlined: for a literal's bytes (`ClaimNeedle`) the
    /// compiler works the set out, and no code is left.
    @inline(__always)
    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var bits: UInt64 = 0
        var i = 0
        // Eight bytes a load; `&<<` shifts by the low six bits of its count, which is the byte's bit.
        while i &+ 8 <= bytes.count {
            var word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            for _ in 0..<8 {
                bits |= UInt64(1) &<< (word & 63)
                word &>>= 8
            }
            i &+= 8
        }
        while i < bytes.count {
            bits |= UInt64(1) &<< UInt64(base[i] & 63)
            i &+= 1
        }
        self.bits = bits
    }

    /// Bits 1...26: `A`...`Z` (65...90) among others.
    private static let upperLetterBits: UInt64 = 0x7FF_FFFE

    /// A set that holds the bytes with their ASCII letters lower-cased (`ASCII.lowercased` of each
    /// byte): every bit kept, and bits 1...26 (where `A`...`Z` are) also set 32 higher (`a`...`z`).
    package var lowercased: ByteSet64 {
        var set = self
        set.bits |= (bits & Self.upperLetterBits) &<< 32
        return set
    }

    /// Whether every bit of `other` is in this set: false when a byte recorded in `other` cannot be here.
    @inline(__always) package func contains(allOf other: ByteSet64) -> Bool {
        other.bits & ~bits == 0
    }
}

/// A fixed needle of the recognisers' `claims` searches of the Subject or the From field, with its
/// bytes' set: `BounceContext.fromContains` and the like answer no without a search when the field
/// lacks one of them.
///
/// Made where it is asked (a computed `static var` beside the `claims`, `ClaimNeedle("...")`): of a
/// literal, the inlined `init` is worked out by the compiler into constants. A `static let` was a
/// `swift_once` call at every question (~21 instructions; bsd.mbox x3, ~16,000 questions). Marked
/// `@inline(__always)`: otherwise the getter stayed a call of its own at each question (~8 instructions
/// and the call; bsd.mbox x3, ~20,000 questions).
package struct ClaimNeedle: Sendable {
    /// The needle's text.
    package let text: StaticString
    /// The needle's bytes.
    package let bytes: ByteSet64

    /// `text`, with its bytes. Always inlined, so that a literal's needle is a constant.
    @inline(__always)
    package init(_ text: StaticString) {
        self.text = text
        self.bytes = text.withUTF8Buffer { ByteSet64($0) }
    }
}
