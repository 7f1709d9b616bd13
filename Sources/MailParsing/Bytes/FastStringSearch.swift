#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CByteKernels

// `contains(_:)`, `hasPrefix(_:)` and `hasSuffix(_:)` for Strings, by UTF-8 bytes, shadowing the standard
// library's generic `StringProtocol.contains(_:)` (and Foundation's, which any file importing Foundation
// makes visible module-wide) in this package's modules. The standard one (swift-experimental-string-
// processing) builds a hash table per call for its substring search; the recognisers make hundreds of
// such calls per message with short ASCII phrases, and profiling (`perf`, sisimai bsd mbox) showed that
// table as the largest single cost of bounce analysis. Byte search gives the same answers for the phrases
// used here: every phrase is a whole UTF-8 sequence, and a match of whole UTF-8 sequences is a match of
// characters except across a combining mark, which no phrase begins or ends with.
//
// A file must `import MailParsing` itself for `String.hasPrefix(_:)` and `hasSuffix(_:)` here to be
// the ones it calls: the standard library's have the same signatures, and without the import in the
// file the compiler picked those (grapheme comparison), as ~30 recogniser functions did unnoticed
// until the DeliveryStatus files that call these methods imported MailParsing (2026-11-30).

/// Substring search over bytes (glibc's memmem is not visible to Swift without `_GNU_SOURCE`): sixteen
/// places at a time in a short haystack, memchr for a rare byte of the needle in a long one.
package enum ByteSubstring {
    /// The offset of the first occurrence of `needle` in `haystack`, or nil; 0 for an empty needle.
    ///
    /// By the haystack's length (callgrind, sisimai bsd mbox x3: 153,000 calls, 5% found; the costs
    /// below are of the ~51,000 calls of one copy, replayed):
    /// - fewer than sixteen places where the needle could start: each place's first and last byte, then
    ///   memcmp.
    /// - shorter than 128 bytes (80% of the calls): the needle's first and last bytes compared with
    ///   sixteen places at a time (`SIMD16<UInt8>`), memcmp only where both agree. 4.66M -> 3.99M
    ///   instructions for these calls, against memchr for the first byte.
    /// - longer: memchr for the rarest of the needle's first eight bytes (by `commonness`), then its
    ///   last byte and memcmp. AVX2 memchr reads 32 bytes and more an instruction or so; the sixteen-place
    ///   compare cost more there (128 to 1,023 bytes: 4.7M against 3.3M, even four blocks a step).
    ///
    /// Candidates come in order, so the first match is the leftmost. Nothing outside `haystack` is read.
    package static func firstOffset(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        let needleCount = needle.count
        guard needleCount > 0 else { return 0 }
        guard haystack.count >= needleCount, let h = haystack.baseAddress, let n = needle.baseAddress else { return nil }
        let final = needleCount &- 1
        // The needle can start at 0...lastStart; its last byte is then at most `haystack.count - 1`.
        let lastStart = haystack.count &- needleCount
        if lastStart < 15 {
            let firstByte = n[0], finalByte = n[final]
            var start = 0
            while start <= lastStart {
                if h[start] == firstByte && h[start &+ final] == finalByte && memcmp(h + start, n, needleCount) == 0 {
                    return start
                }
                start &+= 1
            }
            return nil
        }
        if haystack.count < 128 { return blockSearch(n, needleCount, h, lastStart: lastStart) }
        return anchoredSearch(n, needleCount, h, lastStart: lastStart)
    }

    /// `firstOffset` for `lastStart >= 15`: the places `blockStart ..< blockStart + 16` tested at once by
    /// their first and last bytes, the last sixteen places ending at `lastStart` (overlapping the block
    /// before: a candidate there that failed is only tested again).
    @inline(__always)
    private static func blockSearch(_ n: UnsafePointer<UInt8>, _ needleCount: Int, _ h: UnsafePointer<UInt8>,
                                    lastStart: Int) -> Int? {
        let final = needleCount &- 1
        // `SIMD16<UInt8>` spelled out: compared with a scalar, or with a vector of an inferred type,
        // the compare is a loop over the lanes (see `JSONWriter.escapeMarks`).
        let first = n[0], finalByte = n[final]
        let lastBlock = lastStart &- 15
        var blockStart = 0
        while true {
            // Bytes blockStart ..< blockStart + 16 and blockStart + final ..< blockStart + final + 16:
            // the last of them is at lastStart + final = haystack.count - 1 at most. The compares' bits
            // (`pmovmskb`), not their lanes read back as two halves.
            let marks = bs_mask16_pair(h + blockStart, first, h + (blockStart &+ final), finalByte)
            if marks != 0, let start = firstMatch(marks, at: blockStart, n, needleCount, h) { return start }
            if blockStart == lastBlock { return nil }
            blockStart = min(blockStart &+ 16, lastBlock)
        }
    }

    /// The first place of a block whose bit in `marks` (place k, bit k) is set and where the whole
    /// needle is. Out of line: the block loop keeps its values in registers across no call.
    @inline(never)
    private static func firstMatch(_ marks: UInt32, at blockStart: Int, _ n: UnsafePointer<UInt8>,
                                   _ needleCount: Int, _ h: UnsafePointer<UInt8>) -> Int? {
        var marks = marks
        while marks != 0 {
            let start = blockStart &+ marks.trailingZeroBitCount
            if memcmp(h + start, n, needleCount) == 0 { return start }
            marks &= marks &- 1
        }
        return nil
    }

    /// `firstOffset` in a long haystack: memchr for the rarest of the needle's first eight bytes. A
    /// needle's first byte is often a blank, a dot or an `e`, for which memchr stops every few bytes
    /// (backscatter-dev `--no-classify`: 1,127.2M -> 1,110.0M instructions in all).
    @inline(__always)
    private static func anchoredSearch(_ n: UnsafePointer<UInt8>, _ needleCount: Int, _ h: UnsafePointer<UInt8>,
                                       lastStart: Int) -> Int? {
        let anchor = commonness.withUnsafeBufferPointer { table in
            var anchor = 0
            var least = table[Int(n[0])]
            for k in 1..<min(needleCount, 8) where table[Int(n[k])] < least {
                least = table[Int(n[k])]
                anchor = k
            }
            return anchor
        }
        let anchorByte = Int32(n[anchor])
        let final = needleCount &- 1
        let finalByte = n[final]
        // Where the anchor byte of a match can be: from `anchor` to `lastAnchor`.
        let lastAnchor = lastStart &+ anchor
        var offset = anchor
        while offset <= lastAnchor {
            guard let hit = memchr(h + offset, anchorByte, lastAnchor &- offset &+ 1) else { return nil }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(h)
            let start = at &- anchor
            // The needle's last byte first: most candidates fail there, without a memcmp call.
            if h[start &+ final] == finalByte && memcmp(h + start, n, needleCount) == 0 { return start }
            offset = at &+ 1
        }
        return nil
    }

    /// How common each byte is in mail text, 0 (rare) to 255: 255 minus the byte's place in
    /// " etaoinsrhldcu.0123456789mfpgwyb-:/=,<>;@\"vkETAOINSRHLDCUM()'_FPGWYBVKxjqzXJQZ\t[]!?*#%&+$|~^{}`"
    /// (blanks, lower-case letters by English frequency, digits and the punctuation of addresses, dates
    /// and markup first); anything else 0. Written out, so that it is static data: built from that
    /// string at first use, every call paid a `swift_once` check (0.5M instructions on bsd.mbox x3);
    /// `ByteSubstringTests` derives it from the string again.
    static let commonness: [UInt8] = [
          0,   0,   0,   0,   0,   0,   0,   0,   0, 177,   0,   0,   0,   0,   0,   0,  // 0x00
          0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,  // 0x10
        255, 174, 214, 171, 167, 170, 169, 195, 197, 196, 172, 168, 219, 223, 241, 221,  // 0x20
        240, 239, 238, 237, 236, 235, 234, 233, 232, 231, 222, 216, 218, 220, 217, 173,  // 0x30
        215, 209, 188, 200, 201, 211, 193, 191, 203, 207, 180, 186, 202, 198, 206, 208,  // 0x40
        192, 179, 204, 205, 210, 199, 187, 190, 181, 189, 178, 176,   0, 175, 164, 194,  // 0x50
        161, 252, 224, 243, 244, 254, 229, 227, 246, 250, 184, 212, 245, 230, 249, 251,  // 0x60
        228, 183, 247, 248, 253, 242, 213, 226, 185, 225, 182, 163, 166, 162, 165,   0,  // 0x70
          0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,  // 0x80
          0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,  // 0x90
          0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,  // 0xA0
          0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,  // 0xB0
          0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,  // 0xC0
          0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,  // 0xD0
          0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,  // 0xE0
          0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,  // 0xF0
    ]
}

@inline(__always)
private func utf8Contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
    ByteSubstring.firstOffset(of: needle, in: haystack) != nil
}

/// `body` with the UTF-8 bytes of `text` and `other`, read in place where both are contiguous (native
/// strings, small ones included), else through copies (a foreign string, never made here). Copying
/// both into `var`s for `withUTF8` made `hasPrefix` dearer than the standard library's; read in place,
/// after an O(1) length check, it is cheaper (sisimai bsd mbox x3).
@inline(__always)
private func withUTF8Bytes<Text: StringProtocol, R>(_ text: Text, _ other: String,
                                                    _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let answer = text.utf8.withContiguousStorageIfAvailable({ t in other.utf8.withContiguousStorageIfAvailable { o in body(t, o) } }),
       let answer { return answer }
    var text = String(text)
    var other = other
    return text.withUTF8 { t in other.withUTF8 { o in body(t, o) } }
}

/// `withUTF8Bytes` for a Substring: its bytes through `withUTF8` on a copy (one retain and release; a
/// foreign string's made native first), `other`'s in place. The substring's UTF-8 view reads them
/// through the generic `Slice.withContiguousStorageIfAvailable`, two index distances and a closure
/// context (~190 instructions a call, `hasPrefix` ~250 in all against ~130 this way, replayed).
@inline(__always)
private func withUTF8Bytes<R>(_ text: Substring, _ other: String,
                              _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R) -> R {
    var text = text
    return text.withUTF8 { t in
        if let answer = other.utf8.withContiguousStorageIfAvailable({ o in body(t, o) }) { return answer }
        var other = other
        return other.withUTF8 { o in body(t, o) }
    }
}

/// `body` with the UTF-8 bytes of `text`, read in place where contiguous, else through a copy.
@inline(__always)
private func withUTF8Bytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let answer = text.utf8.withContiguousStorageIfAvailable(body) { return answer }
    var text = text
    return text.withUTF8(body)
}

extension String {
    /// Whether `needle` occurs in the string, compared by UTF-8 bytes (see the note at the top of the file).
    package func contains(_ needle: String) -> Bool {
        withUTF8Bytes(self, needle, utf8Contains)
    }
}

extension Substring {
    /// Whether `needle` occurs in the substring, compared by UTF-8 bytes (see the note at the top of the file).
    package func contains(_ needle: String) -> Bool {
        withUTF8Bytes(self, needle, utf8Contains)
    }
}

// `firstRange(of:)` by bytes, for the same reason and with the same answers as
// `contains(_:)` above: swift-experimental-string-processing's generic search cost ~43,000
// instructions a call (callgrind, sisimai bsd mbox, 414 calls from the recognisers). The byte offset is
// found in a native copy's storage and turned into an index of `self` through its UTF-8 view.
extension String {
    /// The first occurrence of `needle`, compared by UTF-8 bytes (a Substring's indices are its
    /// String's, so the whole string's slice answers for it).
    package func firstRange(of needle: String) -> Range<String.Index>? { self[...].firstRange(of: needle) }
}

extension Substring {
    /// The first occurrence of `needle`, compared by UTF-8 bytes.
    package func firstRange(of needle: String) -> Range<String.Index>? {
        guard let offset = withUTF8Bytes(self, needle, { h, n in ByteSubstring.firstOffset(of: n, in: h) }) else { return nil }
        let lower = utf8.index(startIndex, offsetBy: offset)
        return lower..<utf8.index(lower, offsetBy: needle.utf8.count)
    }
}

// The Character-based `hasPrefix`/`hasSuffix` compare grapheme by grapheme; these compare bytes. The
// phrases are whole UTF-8 sequences; only a combining mark right after a prefix could tell the two apart.
// Both compare the contiguous UTF-8 with memcmp (the generic `starts(with:)` over UTF-8 views cost
// ~260 instructions a call).
@inline(__always)
private func utf8HasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
    guard prefix.count <= bytes.count else { return false }
    guard let a = bytes.baseAddress, let b = prefix.baseAddress else { return true }
    return memcmp(a, b, prefix.count) == 0
}

@inline(__always)
private func utf8HasSuffix(_ bytes: UnsafeBufferPointer<UInt8>, _ suffix: UnsafeBufferPointer<UInt8>) -> Bool {
    guard suffix.count <= bytes.count else { return false }
    guard let a = bytes.baseAddress, let b = suffix.baseAddress else { return true }
    return memcmp(a + (bytes.count - suffix.count), b, suffix.count) == 0
}

extension String {
    /// Whether the string's UTF-8 bytes start with those of `prefix`.
    /// (Not forwarded to the Substring twins: making the Substring and reading its UTF-8 measured
    /// +4M instructions on the dev inbox.)
    package func hasPrefix(_ prefix: String) -> Bool {
        // Lengths first (O(1)), then the bytes in place, as the standard library's fast path does.
        guard prefix.utf8.count <= utf8.count else { return false }
        return withUTF8Bytes(self, prefix, utf8HasPrefix)
    }

    /// Whether the string's UTF-8 bytes end with those of `suffix`.
    package func hasSuffix(_ suffix: String) -> Bool {
        guard suffix.utf8.count <= utf8.count else { return false }
        return withUTF8Bytes(self, suffix, utf8HasSuffix)
    }
}

extension Substring {
    /// Whether the substring's UTF-8 bytes start with those of `prefix`.
    package func hasPrefix(_ prefix: String) -> Bool {
        // No length test first: a Substring's UTF-8 count is an index distance (~35 instructions), and
        // `utf8HasPrefix` compares the counts anyway (a third too long, replayed: ~150 against ~130 a call).
        withUTF8Bytes(self, prefix, utf8HasPrefix)
    }

    /// Whether the substring's UTF-8 bytes end with those of `suffix`.
    package func hasSuffix(_ suffix: String) -> Bool {
        withUTF8Bytes(self, suffix, utf8HasSuffix)
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs, CR and LF, as a slice of the same storage (cut on the
    /// UTF-8 bytes: these four are single bytes, never part of a grapheme with a following mark in mail).
    package var trimmedSlice: Substring {
        // Counted on the contiguous UTF-8, then cut with two index offsets (walking the UTF-8 view an
        // index at a time cost ~320 instructions a call).
        var text = self
        let (lead, trail) = text.withUTF8 { bytes -> (Int, Int) in
            let (start, end) = bytes.trimmedBounds
            return (start, bytes.count - end)
        }
        if lead == 0 && trail == 0 { return self }
        let u = utf8
        let start = u.index(u.startIndex, offsetBy: lead)
        let end = u.index(u.endIndex, offsetBy: -trail)
        return self[start..<end]
    }

    /// Without leading and trailing spaces, tabs, CR and LF.
    package var trimmed: String {
        // Made from the bytes in place: through `trimmedSlice`, the slice and `String(_:)` of it cost
        // ~440 instructions a call (bsd.mbox x3: 3,090 calls).
        var text = self
        return text.withUTF8 { bytes in
            let (start, end) = bytes.trimmedBounds
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs, CR and LF, as a slice of the same storage.
    package var trimmedSlice: Substring { Substring(self).trimmedSlice }

    /// `lowercased()`, returning this String itself (no copy) when it is already lower-case ASCII, as
    /// host names and logged addresses nearly always are.
    /// ASCII text is lower-cased byte by byte (what `lowercased()` does to ASCII, without its
    /// Unicode machinery); other text by `lowercased()`.
    package func lowercasedIfNeeded() -> String {
        // Both passes eight bytes at a time (`ByteWord`): the texts here run to kilobytes. The text is
        // read up to its first upper-case letter only, and written lower-cased from the word that
        // holds it, a non-ASCII byte met there abandoning the copy: the first pass read every text to
        // its end, the lower-casing pass then again (bsd.mbox x3, 12,876 texts, 5,532 lower-cased).
        let firstUpper: Int? = withUTF8Bytes(self) { bytes -> Int? in
            var i = 0
            if let base = bytes.baseAddress {
                while i + 8 <= bytes.count {
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if word & ByteWord.highs != 0 { return -1 }
                    if ByteWord.lowercased(word) != word { return i }
                    i += 8
                }
            }
            while i < bytes.count {
                let b = bytes[i]
                if b >= 0x80 { return -1 }
                if ASCII.isUppercase(b) { return i }
                i += 1
            }
            return nil
        }
        guard let firstUpper else { return self }
        guard firstUpper >= 0 else { return lowercasedByScalars() }
        var nonASCII = false
        let lowered = withUTF8Bytes(self) { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { out -> Int in
                guard let base = bytes.baseAddress, let target = out.baseAddress,
                      firstUpper <= bytes.count, out.count >= bytes.count else { nonASCII = true; return 0 }
                target.update(from: base, count: firstUpper)
                var i = firstUpper
                while i + 8 <= bytes.count {
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if word & ByteWord.highs != 0 { nonASCII = true; return 0 }
                    UnsafeMutableRawPointer(target + i).storeBytes(of: ByteWord.lowercased(word), as: UInt64.self)
                    i += 8
                }
                while i < bytes.count {
                    if bytes[i] >= 0x80 { nonASCII = true; return 0 }
                    target[i] = ASCII.lowercased(bytes[i])
                    i += 1
                }
                return bytes.count
            }
        }
        return nonASCII ? lowercasedByScalars() : lowered
    }

    /// `lowercased()` for text with non-ASCII scalars: the standard library's answer (each scalar's
    /// `lowercaseMapping`, concatenated), with the scalars of caseless scripts (kana, CJK ideographs,
    /// Hangul syllables: most non-ASCII text in this mail) and ASCII copied as they are or lower-cased
    /// directly, where `lowercased()` made a String of each (~3M instructions for one Japanese
    /// diagnostic of a few kilobytes).
    ///
    /// Read from the String's UTF-8 (valid, so each lead byte gives its scalar's length), the bytes that
    /// stay as they are copied a run at a time, and a scalar made only for a cased non-ASCII one: a loop
    /// over `unicodeScalars` that appended each byte to the array cost ~80 instructions a byte
    /// (bsd.mbox x3: 6 texts, 1.35M).
    func lowercasedByScalars() -> String {
        withUTF8Bytes(self) { input -> String in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(input.count)
            let count = input.count
            var runStart = 0   // the bytes from here to `i` are appended as they are
            var i = 0
            while i < count {
                let lead = input[i]
                if lead < 0x80 {
                    if ASCII.isUppercase(lead) {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<i]))
                        bytes.append(ASCII.lowercased(lead))
                        runStart = i + 1
                    }
                    i += 1
                    continue
                }
                // RFC 3629 §3: the lead byte gives the length; the String holds valid UTF-8, whose
                // continuation bytes are all present (checked anyway: a short tail is copied as it is).
                let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                guard i + length <= count else { break }
                var value = UInt32(lead) & (lead < 0xE0 ? 0x1F : lead < 0xF0 ? 0x0F : 0x07)
                for k in 1..<length { value = value << 6 | UInt32(input[i + k] & 0x3F) }
                if (0x3000...0x30FF).contains(value) || (0x3400...0x4DBF).contains(value)
                    || (0x4E00...0x9FFF).contains(value) || (0xAC00...0xD7A3).contains(value) {
                    // CJK symbols and punctuation, Hiragana, Katakana, CJK ideographs, Hangul: no case.
                    i += length
                    continue
                }
                guard let scalar = Unicode.Scalar(value) else { i += length; continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<i]))
                bytes.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                i += length
                runStart = i
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<count]))
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Without leading and trailing spaces, tabs, CR and LF (the String itself when there are none).
    package var trimmed: String {
        let slice = trimmedSlice
        if slice.utf8.count == utf8.count { return self }
        return String(slice)
    }
}
