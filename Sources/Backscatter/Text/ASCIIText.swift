// Helpers for the ASCII parts of Strings (addresses, ids, host names, profile values). The searches work
// on UTF-8 code units: a search by `Character` walks grapheme clusters, many times slower on the
// classifier's hot path.

import MailParsing

extension String {
    /// The index of the last `byte` (an ASCII byte), found on the UTF-8 code units: a search by
    /// `Character` walks grapheme clusters, many times slower on addresses and ids; so does the
    /// generic `utf8.lastIndex(of:)` (~500 instructions on an address), which the contiguous bytes
    /// are searched in place of.
    /// (Not forwarded to the Substring twin: a String's UTF-8 is reached without a Slice, which
    /// measured 1.3M instructions fewer on the dev inbox.)
    func lastIndex(ofASCII byte: UInt8) -> String.Index? {
        let found: Int?? = utf8.withContiguousStorageIfAvailable { ASCIIText.lastOffset(of: byte, in: $0) }
        guard let found else { return utf8.lastIndex(of: byte) }
        return found.map { utf8.index(utf8.startIndex, offsetBy: $0) }
    }
    /// The index of the first `byte` (an ASCII byte), found on the UTF-8 code units.
    func firstIndex(ofASCII byte: UInt8) -> String.Index? { utf8.firstIndex(of: byte) }
}

extension Substring {
    /// The index of the last `byte` (an ASCII byte), found on the UTF-8 code units.
    func lastIndex(ofASCII byte: UInt8) -> String.Index? {
        let found: Int?? = utf8.withContiguousStorageIfAvailable { ASCIIText.lastOffset(of: byte, in: $0) }
        guard let found else { return utf8.lastIndex(of: byte) }
        return found.map { utf8.index(utf8.startIndex, offsetBy: $0) }
    }
}

extension String {
    /// What follows the last `byte` (an ASCII byte), stepped over as one byte (`index(after:)` would
    /// walk a whole Character, ~300 instructions, and take a combining mark after it along); nil when
    /// there is none. An address's domain: `after(lastASCII: ASCII.at)`.
    func after(lastASCII byte: UInt8) -> Substring? {
        lastIndex(ofASCII: byte).map { self[utf8.index(after: $0)...] }
    }
}

enum ASCIIText {
    /// The offset of the last `byte` in `bytes`, or nil: eight bytes a word from the end (exact
    /// per-byte marks, `ByteWord.zeroBytes`), then byte by byte in the first seven. An address's or
    /// a Message-ID's `@` has its domain after it, most of what is read (bsd.mbox x3, `idShape` and
    /// `hasOddDomain` over 1,401 ids: 1.83M -> 1.52M instructions with the domain lower-cased a word
    /// at a time).
    static func lastOffset(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var end = bytes.count
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            let pattern = ByteWord.broadcast(byte)
            while end >= 8 {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self))
                let marks = ByteWord.zeroBytes(word ^ pattern)
                // The highest mark is the last match (byte k of the word at bits 8k...8k+7).
                if marks != 0 { return end - 8 + (63 - marks.leadingZeroBitCount) >> 3 }
                end -= 8
            }
        }
        while end > 0 {
            end -= 1
            if bytes[end] == byte { return end }
        }
        return nil
    }
}
