#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Text written piece by piece into one allocation of its own and made one String at the end
/// (`makeString`): for a text joined from many decoded parts (`BounceContext.text`), each part decoded
/// straight into its place, not into a String of its own appended to another (which made a String a
/// part, copied it again at the append, and the joined String again at each growth).
///
/// Every piece is valid UTF-8 once written (checked as the String it replaces would have been, and
/// repaired or converted as it would have been), so the String is made without validating it again;
/// `isASCII` is kept for its flag.
package struct TextBuffer: ~Copyable {
    /// The bytes, `count` of them initialized, room for `capacity`.
    private var base: UnsafeMutablePointer<UInt8>
    /// How many bytes `base` has room for.
    private var capacity: Int
    /// How many bytes the text has.
    package private(set) var count = 0
    /// Whether every byte of the text is ASCII.
    package private(set) var isASCII = true

    /// An empty text with room for `capacity` bytes (grown as needed).
    ///
    /// The bytes are malloc's, grown by realloc: `UnsafeMutablePointer.allocate` asks the runtime for
    /// memory aligned as it chooses, which is posix_memalign's (bsd.mbox x3, 1,191 texts: 0.34M
    /// instructions, ~290 a text).
    package init(capacity: Int) {
        self.capacity = max(capacity, 16)
        guard let bytes = malloc(self.capacity) else { fatalError("TextBuffer: out of memory") }
        base = bytes.assumingMemoryBound(to: UInt8.self)
    }

    deinit { free(base) }

    /// The text as a String, copied without validation (every piece was valid when written).
    package func makeString() -> String {
        guard count > 0 else { return "" }
        return UncheckedUTF8.string(UnsafeBufferPointer(start: base, count: count), isASCII: isASCII)
    }

    /// `body` of the text's bytes as written so far (valid while the buffer is not written to).
    package func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Where `extra` more bytes go after the text, the allocation grown (at least doubled) when they
    /// do not fit.
    private mutating func room(for extra: Int) -> UnsafeMutablePointer<UInt8> {
        if extra > capacity &- count {
            let newCapacity = Swift.max(count + extra, 2 * capacity)
            guard let grown = realloc(base, newCapacity) else { fatalError("TextBuffer: out of memory") }
            base = grown.assumingMemoryBound(to: UInt8.self)
            capacity = newCapacity
        }
        return base + count
    }

    /// Appends `text`'s bytes.
    package mutating func append(_ text: String) {
        var text = text
        var ascii = false
        if #available(macOS 26.0, *) { ascii = text.utf8Span.isKnownASCII }
        text.withUTF8 { bytes in
            guard let source = bytes.baseAddress else { return }
            if #unavailable(macOS 26.0) { ascii = ASCII.isASCII(bytes) }
            room(for: bytes.count).initialize(from: source, count: bytes.count)
            count += bytes.count
        }
        isASCII = isASCII && ascii
    }

    /// Appends an LF unless the text ends in one (an empty text gets one).
    package mutating func endLine() {
        if count > 0 && base[count &- 1] == ASCII.lineFeed { return }
        room(for: 1).pointee = ASCII.lineFeed
        count += 1
    }

    /// Rewrites the bytes from `start` to the end (the last pieces written) by `body`, which is given
    /// them and returns how many it leaves, at their start: taken out or replaced by ASCII bytes only at
    /// ASCII bytes, so that they stay valid UTF-8 (`HTMLText`'s stripping of the tags). `asciiBefore`
    /// is `isASCII` as it was when the text was `start` bytes long.
    package mutating func rewrite(from start: Int, asciiBefore: Bool, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        let piece = UnsafeMutableBufferPointer(start: base + start, count: count &- start)
        let kept = body(piece)
        count = start + kept
        // What was taken out may have been the only 8-bit bytes.
        if asciiBefore && !isASCII { isASCII = ASCII.isASCII(UnsafeBufferPointer(start: base + start, count: kept)) }
    }

    /// Appends `TextDecoding.decodeTurningCRIntoLF(body, transfer: transfer, kind: kind)`. For the
    /// byte-wise charsets (UTF-8, US-ASCII, unlabelled, windows-1252) the body is decoded straight
    /// into the text, its line ends made LF there, and the bytes written checked by `UTF8Check`:
    /// ASCII, and valid UTF-8 where it is read as UTF-8, stand as written; other bytes are decoded
    /// into a String as before (repaired UTF-8, windows-1252), which takes their place.
    package mutating func appendDecodingTurningCRIntoLF(_ body: ByteSlice, transfer: TransferCoding, kind: CharsetKind) {
        guard case let (isUTF8, readsUTF8)? = TextDecoding.byteWise(kind) else {
            return append(TextDecoding.decodeTurningCRIntoLF(body, transfer: transfer, kind: kind))
        }
        body.withUnsafeBufferPointer { source in
            guard let from = source.baseAddress else { return }
            // Base64 writes at most three quarters of its input, plus three; the others no more than it.
            let to = room(for: transfer == .base64 ? source.count / 4 * 3 + 3 : source.count)
            var n: Int
            // Whether the bytes written are known to be ASCII without a check of them.
            var knownASCII = false
            switch transfer {
            case .identity:
                // Most bodies hold no CR: copied whole (memchr and memcpy cross them faster than the
                // sixteen-byte copy that turns the CRs).
                if memchr(from, 13, source.count) == nil {
                    to.initialize(from: from, count: source.count)
                    n = source.count
                } else {
                    n = TextDecoding.copyTurningCRIntoLF(source, into: to)
                }
            case .base64:
                n = TransferDecoding.base64(source, into: UnsafeMutableBufferPointer(start: to, count: source.count / 4 * 3 + 3))
                if memchr(to, 13, n) != nil { n = TextDecoding.turnCRIntoLF(UnsafeBufferPointer(start: to, count: n), into: to) }
            case .quotedPrintable:
                let out = UnsafeMutableBufferPointer(start: to, count: source.count)
                if let turned = TransferDecoding.quotedPrintableTurningCRLFIntoLF(source, into: out, isASCII: &knownASCII) {
                    n = turned
                } else {
                    n = TransferDecoding.quotedPrintableInOnePass(source, into: out)
                    if memchr(to, 13, n) != nil { n = TextDecoding.turnCRIntoLF(UnsafeBufferPointer(start: to, count: n), into: to) }
                }
            }
            let written = UnsafeBufferPointer(start: to, count: n)
            switch knownASCII ? .ascii : UTF8Check.classify(written) {
            case .ascii:
                count += n
            case .utf8 where readsUTF8:
                count += n
                isASCII = false
            case .utf8, .invalid:
                // Written over by the String the bytes decode to (the count is not moved on yet).
                append(isUTF8 ? String(decoding: written, as: UTF8.self) : CharsetDecoder.decode(Array(written)[...], kind: kind))
            }
        }
    }
}
