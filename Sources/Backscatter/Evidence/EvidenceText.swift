/// Evidence sentences made from their pieces with one allocation of their exact size.
///
/// An interpolated sentence (`"... \(id) ..."`) appended each literal and value in turn to storage
/// reserved for the literals alone, and grew it for the values: ~500 instructions a piece, 7.4M of
/// sisimai bsd x3 over its ~4,000 sentences. Here the pieces are counted, then copied once.
///
/// `String(unsafeUninitializedCapacity:)` checks the sentence as UTF-8 again (~770 instructions a sentence
/// of ~100 bytes), which valid pieces do not need; appending them to a String reserved to the exact size,
/// which copies without a check, was dearer still (bsd.mbox x3: `Main.main` 241.88M -> 244.39M).
enum EvidenceText {
    /// The pieces one after another, as one String: two to nine of them, each passed on its own (a
    /// variadic list was an array allocated and freed per sentence, ~350 instructions).
    static func joined(_ p0: String, _ p1: String, _ p2: String = "", _ p3: String = "", _ p4: String = "",
                       _ p5: String = "", _ p6: String = "", _ p7: String = "", _ p8: String = "") -> String {
        let count = p0.utf8.count + p1.utf8.count + p2.utf8.count + p3.utf8.count + p4.utf8.count
            + p5.utf8.count + p6.utf8.count + p7.utf8.count + p8.utf8.count
        return String(unsafeUninitializedCapacity: count) { out in
            var at = 0
            // The pieces not given are empty: passed over without a call.
            copy(p0, into: out, at: &at)
            copy(p1, into: out, at: &at)
            if !p2.isEmpty { copy(p2, into: out, at: &at) }
            if !p3.isEmpty { copy(p3, into: out, at: &at) }
            if !p4.isEmpty { copy(p4, into: out, at: &at) }
            if !p5.isEmpty { copy(p5, into: out, at: &at) }
            if !p6.isEmpty { copy(p6, into: out, at: &at) }
            if !p7.isEmpty { copy(p7, into: out, at: &at) }
            if !p8.isEmpty { copy(p8, into: out, at: &at) }
            return at
        }
    }

    /// The pieces one after another, as one String.
    static func joined(_ pieces: [String]) -> String {
        joined { piece in for p in pieces { piece(p) } }
    }

    /// The pieces `pieces` hands to its argument, one after another, as one String, with no array of
    /// them: `pieces` is called twice, to count the bytes and to copy them, and must hand over the
    /// same pieces both times. (The spam-shape sentence's array of pieces, made and freed, cost ~500
    /// instructions a sentence.)
    static func joined(_ pieces: ((String) -> Void) -> Void) -> String {
        var count = 0
        pieces { count += $0.utf8.count }
        return String(unsafeUninitializedCapacity: count) { out in
            var at = 0
            pieces { copy($0, into: out, at: &at) }
            return at
        }
    }

    /// Copies `piece` into `out` at `at` (as much as fits), moving `at` past it.
    @inline(__always)
    private static func copy(_ piece: String, into out: UnsafeMutableBufferPointer<UInt8>, at: inout Int) {
        let copied: Int? = piece.utf8.withContiguousStorageIfAvailable { bytes in
            guard let source = bytes.baseAddress, let target = out.baseAddress, bytes.count <= out.count - at else { return 0 }
            (target + at).initialize(from: source, count: bytes.count)
            return bytes.count
        }
        if let copied {
            at += copied
        } else {
            for byte in piece.utf8 where at < out.count {
                out[at] = byte
                at += 1
            }
        }
    }
}
