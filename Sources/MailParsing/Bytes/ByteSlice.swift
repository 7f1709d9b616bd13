#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A view into a buffer of mail bytes. Every parser in the project hands out slices of the one buffer it
/// was given (an `ArraySlice` shares its array's storage), never copies, unless a transformation
/// (unfolding, decoding) really produces new bytes.
public typealias ByteSlice = ArraySlice<UInt8>

extension UnsafeBufferPointer where Element == UInt8 {
    /// The offsets of the bytes without the spaces, tabs, CR and LF at either end: `start == end` when
    /// there is nothing else. (The offsets `trimmingWhitespace` cuts at, for readers of raw buffers.)
    @inlinable package var trimmedBounds: (start: Int, end: Int) {
        var start = 0, end = count
        while start < end, ASCII.isWhitespaceOrNewline(self[start]) { start &+= 1 }
        while end > start, ASCII.isWhitespaceOrNewline(self[end &- 1]) { end &-= 1 }
        return (start, end)
    }
}

extension ArraySlice where Element == UInt8 {
    /// The slice without leading and trailing WSP, CR and LF.
    package func trimmingWhitespace() -> ByteSlice {
        var start = startIndex
        var end = endIndex
        while start < end, ASCII.isWhitespaceOrNewline(self[start]) { start += 1 }
        while end > start, ASCII.isWhitespaceOrNewline(self[end - 1]) { end -= 1 }
        return self[start..<end]
    }

    /// Whether the slice equals `other` when both are ASCII-lower-cased. `other` must be lower case.
    package func equalsCaseInsensitive(_ lowercaseASCII: StaticString) -> Bool {
        let count = lowercaseASCII.utf8CodeUnitCount
        guard self.count == count else { return false }
        return lowercaseASCII.withUTF8Buffer { other in
            var i = startIndex
            for b in other {
                if ASCII.lowercased(self[i]) != b { return false }
                i += 1
            }
            return true
        }
    }

    /// Whether the slice equals `other` (any case on both sides), comparing ASCII case-insensitively.
    package func equalsCaseInsensitive<C: Collection>(_ other: C) -> Bool where C.Element == UInt8 {
        guard count == other.count else { return false }
        var i = startIndex
        for b in other {
            if ASCII.lowercased(self[i]) != ASCII.lowercased(b) { return false }
            i += 1
        }
        return true
    }

    /// Whether the slice begins with `prefix`, ASCII case-insensitively. `prefix` must be lower case.
    package func hasPrefixCaseInsensitive(_ lowercasePrefix: StaticString) -> Bool {
        let count = lowercasePrefix.utf8CodeUnitCount
        guard self.count >= count else { return false }
        return lowercasePrefix.withUTF8Buffer { other in
            var i = startIndex
            for b in other {
                if ASCII.lowercased(self[i]) != b { return false }
                i += 1
            }
            return true
        }
    }

    /// The first index of `byte`, searched with `memchr`.
    package func firstIndex(ofByte byte: UInt8, from start: Int? = nil) -> Int? {
        let from = start ?? startIndex
        guard from < endIndex else { return nil }
        return withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            let offset = from - startIndex
            guard let hit = memchr(UnsafeRawPointer(base + offset), Int32(byte), buffer.count - offset) else {
                return nil
            }
            return startIndex + (UnsafeRawPointer(hit) - UnsafeRawPointer(base))
        }
    }

    /// The first index where `needle` begins, ASCII case-insensitively (`needle` lower case), or nil.
    package func firstRange(ofCaseInsensitive lowercaseNeedle: StaticString) -> Range<Int>? {
        let n = lowercaseNeedle.utf8CodeUnitCount
        guard n > 0, count >= n else { return nil }
        return lowercaseNeedle.withUTF8Buffer { needle in
            withUnsafeBufferPointer { hay in
                ASCIICaseInsensitive.firstOffset(of: needle, in: hay).map { (startIndex + $0)..<(startIndex + $0 + n) }
            }
        }
    }

    /// The bytes as a String, invalid UTF-8 repaired with U+FFFD.
    public var utf8String: String { String(decoding: self, as: UTF8.self) }

    /// The bytes as a String, with every byte taken as ISO-8859-1 (never fails; for 8-bit junk).
    package var latin1String: String {
        var s = String()
        s.unicodeScalars.reserveCapacity(count)
        for b in self { s.unicodeScalars.append(Unicode.Scalar(b)) }
        return s
    }

    /// Calls `body` with each piece between `separator` bytes, in order, empty pieces included (as
    /// `split(separator:omittingEmptySubsequences: false)` cuts, without building an array of them).
    package func forEachPiece<E: Error>(separatedBy separator: UInt8, _ body: (ByteSlice) throws(E) -> Void) throws(E) {
        var start = startIndex
        while true {
            let end = firstIndex(ofByte: separator, from: start) ?? endIndex
            try body(self[start..<end])
            guard end < endIndex else { return }
            start = end + 1
        }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether the bytes begin with those of `prefix` (one memcmp).
    package func hasPrefix(_ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard self.count >= count, let base = baseAddress else { return count == 0 }
        return memcmp(base, prefix.utf8Start, count) == 0
    }

    /// Whether the bytes begin with `lowercasePrefix`, ASCII letters compared without case.
    package func hasPrefixCaseInsensitive(_ lowercasePrefix: StaticString) -> Bool {
        ASCII.hasPrefix(self, ignoringCase: lowercasePrefix)
    }
}
