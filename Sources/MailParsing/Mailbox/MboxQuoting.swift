#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Undoing mbox `>From ` quoting.
package enum MboxQuoting {
    /// A copy of `bytes` with one `>` removed from every line matching `^>+From ` (mboxrd, RFC 4155 §2;
    /// qmail mbox(5): "the reader removes one '>' from lines that begin with one or more '>' followed by
    /// 'From '"). Lines end with `lineEnd` (LF for LF and CRLF input, CR for CR-only input).
    package static func unquote(_ bytes: ByteSlice, lineEnd: UInt8) -> ByteSlice {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let count = buffer.count
            var lineStart = 0
            while lineStart < count {
                var lineEndIndex = count
                if let hit = memchr(base + lineStart, Int32(lineEnd), count - lineStart) {
                    lineEndIndex = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                }
                let next = min(lineEndIndex + 1, count)
                var from = lineStart
                if EnvelopeLine.isQuotedFrom(buffer, lineStart, lineEndIndex) { from += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[from..<next]))
                lineStart = next
            }
        }
        return out[...]
    }
}
