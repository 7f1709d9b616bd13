#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The one wrapper around iconv(3): converts bytes of one charset to UTF-8, never failing.
///
/// An `iconv_t` holds shift state, so one converter must be used by one thread at a time. Converters are
/// kept in a small locked pool per charset (`IconvPool`): a call checks one out, converts, resets it and
/// gives it back, so `iconv_open` (which loads a gconv module) is paid once per charset and thread
/// instead of once per call. That exclusive checkout is why the class may be `@unchecked Sendable`.
///
/// Invalid input never stops a conversion: an illegal sequence (EILSEQ) becomes U+FFFD and one input
/// byte is skipped (a line end that UTF-7's shifted state rejects is read again from the initial state
/// instead, `rereadsRejectedLineEnds`); an incomplete sequence at the end (EINVAL) becomes U+FFFD.
/// Output is UTF-8, which can represent everything, so no //TRANSLIT is needed.
///
/// Invalid input is bounded in cost as well: each illegal sequence is a call into glibc, and a stateful
/// decoder can be left in a state that rejects every byte after the one skipped (glibc's UTF-7 after a
/// base64 run whose bits do not end a character: each of those calls cost ~25 µs, so a 420 KB part
/// took 10 s; found by mutating the sisimai corpus, see `Tests/Fuzz`). Such a decoder is put back in
/// its initial state when illegal sequences follow the byte just skipped four times in a row
/// (`stuckAfterRejections`), and past `maxReplacements` illegal sequences the rest of the input is read
/// without iconv (`appendUnconverted`).
final class IconvConverter: @unchecked Sendable {
    /// Illegal sequences of one input replaced through iconv; the bytes after the last one are read
    /// byte by byte: ASCII kept, any other byte U+FFFD (and counted as replaced).
    static let maxReplacements = 256

    /// Rejections in a row, each at the byte right after the one skipped before it, after which a
    /// stateful decoder is taken for stuck and reset.
    static let stuckAfterRejections = 4

    private let handle: iconv_t
    let name: String
    /// Whether a line end the decoder rejects is read again from its initial state rather than skipped:
    /// UTF-7's, where CR and LF are those ASCII bytes and end any base64 run (RFC 2152: a character
    /// outside the base64 set ends it). glibc's UTF-7 rejects the byte after a run whose bits end no
    /// character, in text often a line end: skipped, it joined two lines (a returned original's `Date:`
    /// and the field after it read as one, and differently in LF and CRLF; found by the `line-ends` fuzz
    /// target). ISO-2022-JP, the other stateful charset of mail, is read by `ISO2022JP`, where a line
    /// end returns to ASCII; glibc's converter for it did not reject a line end in the two-byte state
    /// (glibc 2.36: after `ESC $ B`, an LF kept and the text after it read on as two-byte pairs).
    private let rereadsRejectedLineEnds: Bool

    /// Opens a converter from `name` to UTF-8, or nil when glibc does not know the charset.
    init?(from name: String) {
        let handle = iconv_open("UTF-8", name)
        guard let handle, Int(bitPattern: handle) != -1 else { return nil }
        self.handle = handle
        self.name = name
        rereadsRejectedLineEnds = name == "UTF-7"
    }

    deinit { iconv_close(handle) }

    /// Converts `input` to UTF-8 bytes, appended to `output`. Returns how many invalid sequences were replaced.
    @discardableResult
    func convert(_ input: ByteSlice, into output: inout [UInt8]) -> Int {
        // Output chunk: about 4 bytes per input byte (UTF-8 needs at most 3 per byte of any charset
        // here, E2BIG just loops), at most 16 KiB; small inputs (encoded words) stay cheap.
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize(forInputCount: input.count))
        return input.withUnsafeBufferPointer { inBuffer in
            chunk.withUnsafeMutableBufferPointer { convert(inBuffer, into: &output, chunk: $0) }
        }
    }

    /// The output chunk `convert(_:into:)` uses for an input of `count` bytes: 4 bytes a byte and 16
    /// more, at least 64 (so E2BIG always makes progress), at most 16 KiB.
    static func chunkSize(forInputCount count: Int) -> Int {
        max(64, min(16 * 1024, count &* 4 &+ 16))
    }

    /// Puts the converter back in its initial shift state (`iconv(cd, NULL, NULL, NULL, NULL)`).
    func reset() {
        _ = iconv(handle, nil, nil, nil, nil)
    }

    /// `convert(_:into:)` of the bytes in `inBuffer`, through `chunk` (at least 64 bytes, owned by the
    /// caller so that one chunk serves many calls): for callers that convert a text piece by piece.
    /// - Parameter stateless: the charset has no shift state (CP932): the converter is neither reset
    ///   first nor flushed at the end, two calls into glibc of ~270 instructions each, which change
    ///   nothing for such a charset (bsd.mbox x3: 255 pieces of ISO-2022-JP text, `decodeCP932`). The
    ///   caller resets it once (`reset()`) before its first piece.
    @discardableResult
    func convert(_ inBuffer: UnsafeBufferPointer<UInt8>, into output: inout [UInt8],
                 chunk outBuffer: UnsafeMutableBufferPointer<UInt8>, stateless: Bool = false) -> Int {
        // Reset shift state left by an earlier use (ISO-2022-JP, UTF-7).
        if !stateless { _ = iconv(handle, nil, nil, nil, nil) }
        var replaced = 0
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        let chunkSize = outBuffer.count
        guard let inBase = inBuffer.baseAddress, let outBase = outBuffer.baseAddress, chunkSize >= 64 else { return 0 }
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inBase)
            .assumingMemoryBound(to: CChar.self)
        var inLeft = inBuffer.count
        let outStart = UnsafeMutableRawPointer(outBase).assumingMemoryBound(to: CChar.self)
        var flushed = false
        // `inLeft` just after the last byte skipped (none yet: -1), and how many rejections in a row came
        // each at the byte right after the one skipped before it.
        var lastSkippedAt = -1
        var adjacentRejections = 0
        // `inLeft` at the line end last read again after a reset (`rereadsRejectedLineEnds`; none: -1).
        var lineEndRereadAt = -1
        while true {
            var outPointer: UnsafeMutablePointer<CChar>? = outStart
            var outLeft = chunkSize
            let result: Int
            if inLeft > 0 {
                result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
            } else if stateless {
                return replaced
            } else {
                // End of input: let stateful decoders emit what they hold (RFC 1468 return to ASCII).
                result = iconv(handle, nil, nil, &outPointer, &outLeft)
                flushed = true
            }
            let produced = chunkSize - outLeft
            if produced > 0 { output.append(contentsOf: UnsafeBufferPointer(rebasing: outBuffer[0..<produced])) }
            if result == -1 {
                let error = errno
                if error == E2BIG {
                    if produced == 0 { return replaced }  // cannot happen with a 64-byte chunk or more; never spin
                    continue
                }
                if inLeft > 0 {
                    // EILSEQ (or anything else): replace and skip one byte; EINVAL: truncated tail.
                    output.append(contentsOf: replacement)
                    replaced += 1
                    if error == EINVAL {
                        inLeft = 0
                    } else if !stateless, rereadsRejectedLineEnds, inLeft != lineEndRereadAt,
                              let byte = inPointer?.pointee, byte == 0x0A || byte == 0x0D
                    {
                        // A line end rejected by the state before it: that state reset, the line end
                        // read again (once: rejected from the initial state too, it is skipped below).
                        _ = iconv(handle, nil, nil, nil, nil)
                        lineEndRereadAt = inLeft
                    } else {
                        // Rejected at the byte right after the one skipped last, four times in a row: a
                        // stateful decoder stuck in a state no byte leaves, put back in its initial one.
                        // (Not at the first such rejection: a reset also forgets what the text set, such
                        // as UTF-16's byte order from its BOM, which a short run of damage should keep.)
                        adjacentRejections = inLeft == lastSkippedAt ? adjacentRejections + 1 : 0
                        if !stateless, adjacentRejections >= Self.stuckAfterRejections {
                            _ = iconv(handle, nil, nil, nil, nil)
                            adjacentRejections = 0
                        }
                        inPointer = inPointer.map { $0 + 1 }
                        inLeft -= 1
                        lastSkippedAt = inLeft
                        if replaced >= Self.maxReplacements, let rest = inPointer {
                            let bytes = UnsafeRawPointer(rest).assumingMemoryBound(to: UInt8.self)
                            return replaced + Self.appendUnconverted(UnsafeBufferPointer(start: bytes, count: inLeft), to: &output)
                        }
                    }
                    continue
                }
            }
            if flushed { return replaced }
        }
    }
}

extension IconvConverter {
    /// Appends `bytes` as the rest of a text given up on (`maxReplacements`): an ASCII byte as it is,
    /// any other as U+FFFD. Returns how many were replaced.
    static func appendUnconverted(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) -> Int {
        var replaced = 0
        output.reserveCapacity(output.count + bytes.count)
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
            } else {
                // U+FFFD, a byte at a time (no array made for it at each byte).
                output.append(0xEF)
                output.append(0xBF)
                output.append(0xBD)
                replaced += 1
            }
        }
        return replaced
    }
}

/// Converters checked out per charset; see `IconvConverter`.
///
/// The idle converters are one array, the one put back last at its end, searched from there by name
/// (each converter knows its charset): a text's converter is nearly always the last one put back, found
/// by one comparison of two equal names. A dictionary by name hashed the name twice a call, and the
/// empty set of unsupported names a third time (bsd.mbox x3, 162 calls: `Main.main` 278.91M -> 278.72M
/// instructions, part of it the dictionary type's one-time set-up, which now falls to another table).
enum IconvPool {
    /// At most this many idle converters are kept per charset (about one per core is enough).
    static let maxIdlePerCharset = 8
    /// At most this many idle converters are kept in all (the least recently put back go first), so
    /// that the search stays short whatever charsets the input names.
    static let maxIdle = 64

    private static let idle = Mutex<[IconvConverter]>([])
    /// Names glibc refused, so hostile labels cost one `iconv_open` each, not one per call.
    private static let unsupported = Mutex<Set<String>>([])
    /// Bound on the remembered unsupported names (hostile input can invent any number).
    static let maxRememberedUnsupported = 1024

    /// Runs `body` with a converter for `name`, or returns nil when glibc cannot convert from it.
    static func withConverter<R>(_ name: String, _ body: (IconvConverter) -> R) -> R? {
        // An empty set is not asked (its `contains` hashes the name all the same).
        if unsupported.withLock({ !$0.isEmpty && $0.contains(name) }) { return nil }
        let cached: IconvConverter? = idle.withLock { pool in
            guard let at = pool.lastIndex(where: { $0.name == name }) else { return nil }
            return pool.remove(at: at)
        }
        guard let converter = cached ?? IconvConverter(from: name) else {
            unsupported.withLock { set in
                if set.count < maxRememberedUnsupported { set.insert(name) }
            }
            return nil
        }
        let result = body(converter)
        idle.withLock { pool in putBack(converter, into: &pool) }
        return result
    }

    /// Appends `converter` to `pool` unless it already holds `maxIdlePerCharset` of its charset,
    /// dropping the first (least recently put back) when it holds `maxIdle`.
    private static func putBack(_ converter: IconvConverter, into pool: inout [IconvConverter]) {
        var same = 0
        for idle in pool where idle.name == converter.name { same += 1 }
        guard same < maxIdlePerCharset else { return }
        if pool.count >= maxIdle { pool.removeFirst() }
        pool.append(converter)
    }
}
