#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

/// Substring search over bytes: memchr for the least common of the needle's first bytes (by their
/// commonness in mail text), then memcmp of the whole (glibc's memmem is not visible to Swift without
/// `_GNU_SOURCE`).
package enum ByteSubstring {
    /// The offset of the first occurrence of `needle` in `haystack`, or nil; 0 for an empty needle.
    ///
    /// The rarest of the needle's first eight bytes is the one looked for: a needle's first byte is
    /// often a blank, a dot or an `e`, for which memchr stops every few bytes (backscatter-dev
    /// `--no-classify`: 1,127.2M -> 1,110.0M instructions in all). Candidates come in order, so the
    /// first match is the leftmost.
    package static func firstOffset(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard needle.count > 0 else { return 0 }
        guard haystack.count >= needle.count, let h = haystack.baseAddress, let n = needle.baseAddress else { return nil }
        // Chosen among the first eight bytes, and only in a haystack long enough to repay the choice.
        let anchor = haystack.count < 64 ? 0 : commonnessTable.withUnsafeBufferPointer { table in
            var anchor = 0
            var least = table[Int(n[0])]
            for k in 1..<min(needle.count, 8) where table[Int(n[k])] < least {
                least = table[Int(n[k])]
                anchor = k
            }
            return anchor
        }
        let anchorByte = Int32(n[anchor])
        let final = needle.count - 1
        let finalByte = n[final]
        // Where the anchor byte of a match can be: from `anchor` to `lastAnchor`.
        let lastAnchor = haystack.count - needle.count + anchor
        var offset = anchor
        while offset <= lastAnchor {
            guard let hit = memchr(h + offset, anchorByte, lastAnchor - offset + 1) else { return nil }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(h)
            let start = at - anchor
            // The needle's last byte first: most candidates fail there, without a memcmp call.
            if h[start + final] == finalByte && memcmp(h + start, n, needle.count) == 0 { return start }
            offset = at + 1
        }
        return nil
    }

    /// How common each byte is in mail text, 0 (rare) to 255: blanks, lower-case letters by English
    /// frequency, digits and the punctuation of addresses, dates and markup first; anything else rare.
    private static let commonnessTable: [UInt8] = {
        let order = Array(" etaoinsrhldcu.0123456789mfpgwyb-:/=,<>;@\"vkETAOINSRHLDCUM()'_FPGWYBVKxjqzXJQZ\t[]!?*#%&+$|~^{}`".utf8)
        var table = [UInt8](repeating: 0, count: 256)
        for (position, byte) in order.enumerated() { table[Int(byte)] = UInt8(255 - position) }
        return table
    }()
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
        // Lengths first (O(1)), then the bytes in place, as the standard library's fast path does.
        guard prefix.utf8.count <= utf8.count else { return false }
        return withUTF8Bytes(self, prefix, utf8HasPrefix)
    }

    /// Whether the substring's UTF-8 bytes end with those of `suffix`.
    package func hasSuffix(_ suffix: String) -> Bool {
        guard suffix.utf8.count <= utf8.count else { return false }
        return withUTF8Bytes(self, suffix, utf8HasSuffix)
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
            var start = 0
            var end = bytes.count
            while start < end, ASCII.isWhitespaceOrNewline(bytes[start]) { start += 1 }
            while end > start, ASCII.isWhitespaceOrNewline(bytes[end - 1]) { end -= 1 }
            return (start, bytes.count - end)
        }
        if lead == 0 && trail == 0 { return self }
        let u = utf8
        let start = u.index(u.startIndex, offsetBy: lead)
        let end = u.index(u.endIndex, offsetBy: -trail)
        return self[start..<end]
    }

    /// Without leading and trailing spaces, tabs, CR and LF.
    package var trimmed: String { String(trimmedSlice) }
}

extension String {
    /// Without leading and trailing spaces, tabs, CR and LF, as a slice of the same storage.
    package var trimmedSlice: Substring { Substring(self).trimmedSlice }

    /// `lowercased()`, returning this String itself (no copy) when it is already lower-case ASCII, as
    /// host names and logged addresses nearly always are.
    /// ASCII text is lower-cased byte by byte (what `lowercased()` does to ASCII, without its
    /// Unicode machinery); other text by `lowercased()`.
    package func lowercasedIfNeeded() -> String {
        // Both passes eight bytes at a time (`ByteWord`): the texts here run to kilobytes.
        let ascii: (isASCII: Bool, hasUpper: Bool) = withUTF8Bytes(self) { bytes in
            var upper = false
            var i = 0
            if let base = bytes.baseAddress {
                while i + 8 <= bytes.count {
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if word & ByteWord.highs != 0 { return (false, true) }
                    if ByteWord.lowercased(word) != word { upper = true }
                    i += 8
                }
            }
            while i < bytes.count {
                let b = bytes[i]
                if b >= 0x80 { return (false, true) }
                if ASCII.isUppercase(b) { upper = true }
                i += 1
            }
            return (true, upper)
        }
        if !ascii.hasUpper { return self }
        guard ascii.isASCII else { return lowercasedByScalars() }
        return withUTF8Bytes(self) { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { out in
                var i = 0
                if let base = bytes.baseAddress, let target = out.baseAddress {
                    while i + 8 <= bytes.count {
                        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                        UnsafeMutableRawPointer(target + i).storeBytes(of: ByteWord.lowercased(word), as: UInt64.self)
                        i += 8
                    }
                }
                while i < bytes.count {
                    out[i] = ASCII.lowercased(bytes[i])
                    i += 1
                }
                return bytes.count
            }
        }
    }

    /// `lowercased()` for text with non-ASCII scalars: the standard library's answer (each scalar's
    /// `lowercaseMapping`, concatenated), with the scalars of caseless scripts (kana, CJK ideographs,
    /// Hangul syllables: most non-ASCII text in this mail) and ASCII copied as they are or lower-cased
    /// directly, where `lowercased()` made a String of each (~3M instructions for one Japanese
    /// diagnostic of a few kilobytes).
    func lowercasedByScalars() -> String {
        // Written as UTF-8 bytes (appending scalars to a String cost ~460 instructions each).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                bytes.append(ASCII.lowercased(UInt8(value)))
            } else if (0x3000...0x30FF).contains(value) || (0x3400...0x4DBF).contains(value)
                        || (0x4E00...0x9FFF).contains(value) || (0xAC00...0xD7A3).contains(value) {
                // CJK symbols and punctuation, Hiragana, Katakana, CJK ideographs, Hangul: no case.
                UTF8.encode(scalar) { bytes.append($0) }
            } else {
                bytes.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Without leading and trailing spaces, tabs, CR and LF (the String itself when there are none).
    package var trimmed: String {
        let slice = trimmedSlice
        if slice.utf8.count == utf8.count { return self }
        return String(slice)
    }
}
