#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CDecompressors
import CZlib

/// Decompresses a file read from a file descriptor, for `MailboxReader` and `RawEntryReader`: the
/// decompressed bytes are read as the file's would be, a buffer at a time, so memory stays one read
/// buffer and the decoder's state whatever the decompressed size. Without a descriptor it decompresses
/// bytes in memory (`decompress(_:format:path:limit:)`: a Dovecot dbox message body).
///
/// - Every stream is read: each format's files may be several compressed streams one after another
///   (`cat a.gz b.gz`; RFC 1952 §2.2 calls gzip's members; bzip2's streams, zstd's and LZ4's frames,
///   xz's streams and their padding; Dovecot's LZ4 container is one stream). After the last, bytes that
///   do not start another are ignored for gzip, bzip2, zstd and LZ4 frames, as gzip(1) ignores them;
///   liblzma reports them for xz, as xz(1) does; in Dovecot's LZ4 they are a damaged chunk.
/// - Damage (a bad block, a check that does not match, data that ends inside a stream, a file asking
///   for more than `CompressionFormat.maxDecoderMemoryBytes`) is thrown as
///   `MailboxError.Code.corruptCompressedData`, naming the byte of the compressed file where decoding
///   stopped, after every byte decompressed before it has been returned.
/// - A format whose library cannot be loaded is `.unsupportedCompression` at the start, naming the
///   library and the command that decompresses the file.
///
/// Not copyable in meaning: it owns the decoder's state and its input buffer, so one reader uses one.
final class StreamDecompressor: @unchecked Sendable {
    private let format: CompressionFormat
    private let engine: any DecompressionEngine
    private let input: UnsafeMutableBufferPointer<UInt8>
    /// The input's bytes not yet decoded: `input[inputStart..<inputEnd]`.
    private var inputStart = 0
    private var inputEnd = 0
    /// Where the compressed bytes after the seed come from; nil when the seed is all of them.
    private let descriptor: FileDescriptor?
    private let path: String
    /// Compressed bytes taken into `input` so far, from the seed and the file.
    private var compressedRead = 0
    private var inputAtEnd = false
    private var finished = false
    private var pendingError: MailboxError?

    /// Compressed bytes read from the file for each refill of the input.
    static let inputBytes = 64 * 1024

    /// The most input, and the most output, one step of the decoder is given. A library that finds
    /// damage returns no count of what that step took or made (zstd and LZ4 find a frame's checksum
    /// wrong only after writing all of it): given a whole small file and a 4 MiB buffer at once, none of
    /// it was returned and the damage was "at byte 0". Bounded, all but the last step's bytes are
    /// returned before the error, which names the compressed byte to within this much.
    static let stepBytes = 64 * 1024

    /// Starts decompressing `format`. `seed` holds the file's first bytes, already read (`MailboxReader`
    /// read them to see the format); the rest comes from `descriptor`, or with none, `seed` is all.
    /// - Throws: `.unsupportedCompression` when the format's library cannot be loaded,
    ///   `.corruptCompressedData` when the decoder cannot start.
    init(format: CompressionFormat, descriptor: FileDescriptor?, path: String, seed: ArraySlice<UInt8>) throws(MailboxError) {
        self.format = format
        self.descriptor = descriptor
        self.path = path
        engine = try Self.engine(for: format, path: path)
        input = .allocate(capacity: max(Self.inputBytes, seed.count))
        _ = input.initialize(fromContentsOf: seed)
        inputEnd = seed.count
        compressedRead = seed.count
        inputAtEnd = descriptor == nil
    }

    /// `bytes`, compressed in `format`, decompressed in memory up to `limit` bytes: what was decompressed,
    /// whether more would have followed past `limit`, and the failure that stopped it early, if one did
    /// (`.unsupportedCompression` before any byte; `.corruptCompressedData` after what was decoded before
    /// the damage, `byteOffset` counting in `bytes`).
    static func decompress(_ bytes: ArraySlice<UInt8>, format: CompressionFormat, path: String, limit: Int)
        -> (bytes: [UInt8], beyondLimit: Bool, failure: MailboxError?)
    {
        let decompressor: StreamDecompressor
        do throws(MailboxError) {
            decompressor = try StreamDecompressor(format: format, descriptor: nil, path: path, seed: bytes)
        } catch {
            return ([], false, error)
        }
        var out: [UInt8] = []
        // One byte past `limit` is asked for, to tell a cut; `limit` may be `Int.max`.
        var chunk = [UInt8](repeating: 0, count: limit >= stepBytes ? stepBytes : limit + 1)
        while true {
            let room = limit - out.count
            let got: Int
            do throws(MailboxError) {
                got = try decompressor.read(into: &chunk, at: 0, count: room >= chunk.count ? chunk.count : room + 1)
            } catch {
                return (out, false, error)
            }
            if got == 0 { return (out, false, nil) }
            out.append(contentsOf: chunk[..<got])
            if out.count > limit {
                out.removeLast(out.count - limit)
                return (out, true, nil)
            }
        }
    }

    deinit {
        input.deallocate()
    }

    private static func engine(for format: CompressionFormat, path: String) throws(MailboxError) -> any DecompressionEngine {
        let codec: bs_codec
        switch format {
        case .gzip: return try ZlibGzipEngine(path: path)
        case .bzip2: codec = BS_CODEC_BZIP2
        case .xz: codec = BS_CODEC_XZ
        case .zstd: codec = BS_CODEC_ZSTD
        case .lz4: codec = BS_CODEC_LZ4
        case .dovecotLZ4: codec = BS_CODEC_DOVECOT_LZ4
        }
        return try LibraryEngine(codec: codec, format: format, path: path)
    }

    /// The byte of the compressed file that decoding has reached.
    var compressedOffset: Int { compressedRead - (inputEnd - inputStart) }

    /// Decompresses up to `count` bytes into `buffer` at `offset`; 0 at the end of the data.
    /// - Throws: as `read(into:count:)`.
    func read(into buffer: inout [UInt8], at offset: Int, count: Int) throws(MailboxError) -> Int {
        precondition(offset >= 0 && count >= 0 && offset + count <= buffer.count)
        // Typed throws do not pass through `withUnsafeMutableBytes`: the outcome is carried out in a Result.
        return try buffer.withUnsafeMutableBytes { raw -> Result<Int, MailboxError> in
            Result { () throws(MailboxError) -> Int in try read(into: raw.baseAddress! + offset, count: count) }
        }.get()
    }

    /// Decompresses up to `count` bytes into `target`; 0 at the end of the data.
    /// - Throws: `MailboxError` (`.cannotRead` from read(2), `.corruptCompressedData` from the data),
    ///   only once the bytes decompressed before the failure have all been returned.
    func read(into target: UnsafeMutableRawPointer, count: Int) throws(MailboxError) -> Int {
        if let pendingError { throw pendingError }
        guard !finished, count > 0 else { return 0 }
        var produced = 0
        while true {
            do throws(MailboxError) {
                if inputStart == inputEnd { try fillInput() }
                let stepEnd = min(inputEnd, inputStart + Self.stepBytes)
                let pending = UnsafeBufferPointer(rebasing: input[inputStart..<stepEnd])
                let outcome = engine.step(input: pending, output: target + produced,
                                          count: min(count - produced, Self.stepBytes),
                                          finishing: inputAtEnd && stepEnd == inputEnd)
                inputStart += outcome.inputUsed
                produced += outcome.outputMade
                switch outcome.status {
                case .streamEnd:
                    // A stream ends. Another may follow.
                    if try !nextStreamFollows() {
                        finished = true
                        return produced
                    }
                    if let refusal = engine.restart() {
                        throw MailboxError(.corruptCompressedData, path: path, byteOffset: compressedOffset,
                                           detail: "\(format.rawValue): " + refusal)
                    }
                case .progress where outcome.inputUsed == 0 && outcome.outputMade == 0 && produced < count:
                    // Nothing moved with room for output: out of input at the end of the file inside a
                    // stream (the data ends early), or a decoder stuck with input left (which the
                    // libraries do not do; if one did, the loop would never end).
                    if inputStart == inputEnd {
                        if inputAtEnd {
                            throw MailboxError(.corruptCompressedData, path: path, byteOffset: compressedOffset,
                                               detail: "\(format.rawValue) data ends early: the file is cut short")
                        }
                    } else {
                        throw MailboxError(.corruptCompressedData, path: path, byteOffset: compressedOffset,
                                           detail: "\(format.rawValue): decoding made no progress")
                    }
                case .progress:
                    break
                case .damaged(let words):
                    throw MailboxError(.corruptCompressedData, path: path, byteOffset: compressedOffset,
                                       detail: "\(format.rawValue): " + words)
                }
            } catch {
                // What was decompressed first is returned first.
                guard produced == 0 else {
                    pendingError = error
                    return produced
                }
                throw error
            }
            if produced == count { return produced }
        }
    }

    /// Reads more of the file into the input (after the bytes not yet decoded, moved to the front).
    private func fillInput() throws(MailboxError) {
        guard !inputAtEnd, let descriptor else { return }
        let left = inputEnd - inputStart
        if left > 0, inputStart > 0, let base = input.baseAddress {
            memmove(base, base + inputStart, left)
        }
        inputStart = 0
        inputEnd = left
        while true {
            let got = systemRead(descriptor.rawValue, input.baseAddress! + left, input.count - left)
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw MailboxError(.cannotRead, path: path, byteOffset: compressedRead, errno: code)
            }
            if got == 0 { inputAtEnd = true }
            compressedRead += got
            inputEnd = left + got
            return
        }
    }

    /// Whether another stream starts where one ended (`CompressionFormat.startsAnotherStream`).
    private func nextStreamFollows() throws(MailboxError) -> Bool {
        let needed = format.anotherStreamBytes
        guard needed > 0 else { return false }
        while inputEnd - inputStart < needed, !inputAtEnd { try fillInput() }
        guard inputEnd - inputStart >= needed else { return false }
        return format.startsAnotherStream(UnsafeBufferPointer(rebasing: input[inputStart..<(inputStart + needed)]))
    }
}

/// What one step of a decoder came to.
struct DecompressionStep {
    enum Status {
        /// Input taken or output made, or neither.
        case progress
        /// A stream (or frame) ended.
        case streamEnd
        /// The data is damaged; the words say how.
        case damaged(String)
    }
    var inputUsed: Int
    var outputMade: Int
    var status: Status
}

/// One format's decoder, as `StreamDecompressor` drives it.
protocol DecompressionEngine: AnyObject {
    /// Decodes from `input` into `count` bytes at `output`; `finishing` when no input follows.
    func step(input: UnsafeBufferPointer<UInt8>, output: UnsafeMutableRawPointer, count: Int, finishing: Bool) -> DecompressionStep
    /// Makes the decoder ready for the stream after one that ended; nil, or the library's words when it
    /// refuses.
    func restart() -> String?
}

/// gzip with zlib (RFC 1952).
private final class ZlibGzipEngine: DecompressionEngine {
    private let stream: UnsafeMutablePointer<z_stream>

    init(path: String) throws(MailboxError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a 32 KiB window, gzip's wrapper (not zlib's).
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        // On failure `deinit` still runs and frees the stream; `inflateEnd` refuses a stream whose start
        // failed.
        guard status == Z_OK else {
            throw MailboxError(.corruptCompressedData, path: path, detail: "gzip: zlib could not start (\(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func step(input: UnsafeBufferPointer<UInt8>, output: UnsafeMutableRawPointer, count: Int, finishing: Bool) -> DecompressionStep {
        let inputCount = min(input.count, Int(UInt32.max)), outputCount = min(count, Int(UInt32.max))
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = UInt32(inputCount)
        stream.pointee.next_out = output.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(outputCount)
        let status = inflate(stream, Z_NO_FLUSH)
        let used = inputCount - Int(stream.pointee.avail_in), made = outputCount - Int(stream.pointee.avail_out)
        switch status {
        case Z_STREAM_END:
            return DecompressionStep(inputUsed: used, outputMade: made, status: .streamEnd)
        case Z_OK, Z_BUF_ERROR:
            // Z_BUF_ERROR: no progress was possible (out of input inside a member).
            return DecompressionStep(inputUsed: used, outputMade: made, status: .progress)
        default:
            let words = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            return DecompressionStep(inputUsed: used, outputMade: made, status: .damaged(words))
        }
    }

    func restart() -> String? {
        inflateReset(stream) == Z_OK ? nil : "zlib could not start the next member"
    }
}

/// bzip2, xz, zstd, LZ4 frames and Dovecot's LZ4 through `CDecompressors` (the libraries loaded on
/// first use).
private final class LibraryEngine: DecompressionEngine {
    private let decoder: OpaquePointer
    private let format: CompressionFormat

    init(codec: bs_codec, format: CompressionFormat, path: String) throws(MailboxError) {
        self.format = format
        guard bs_codec_load(codec) != 0 else {
            let library = String(cString: bs_codec_library_name(codec))
            let problem = bs_codec_built(codec) != 0
                ? "\(library) could not be loaded: install it"
                : "this build was made without \(library)'s header: rebuild with it"
            let remedy = format.decompressCommand.map { ", or decompress the file first with " + $0 } ?? ""
            throw MailboxError(.unsupportedCompression, path: path, detail: "\(format.rawValue)-compressed; " + problem + remedy)
        }
        var message: UnsafePointer<CChar>?
        guard let decoder = bs_decoder_new(codec, UInt64(CompressionFormat.maxDecoderMemoryBytes), &message) else {
            throw MailboxError(.corruptCompressedData, path: path,
                               detail: "\(format.rawValue): " + (message.map { String(cString: $0) } ?? "cannot start"))
        }
        self.decoder = decoder
    }

    deinit {
        bs_decoder_free(decoder)
    }

    func step(input: UnsafeBufferPointer<UInt8>, output: UnsafeMutableRawPointer, count: Int, finishing: Bool) -> DecompressionStep {
        var used = 0, made = 0
        var message: UnsafePointer<CChar>?
        let status = bs_decoder_step(decoder, input.baseAddress, input.count, &used,
                                     output.assumingMemoryBound(to: UInt8.self), count, &made, finishing ? 1 : 0, &message)
        switch status {
        case BS_STEP_STREAM_END:
            return DecompressionStep(inputUsed: used, outputMade: made, status: .streamEnd)
        case BS_STEP_OK:
            return DecompressionStep(inputUsed: used, outputMade: made, status: .progress)
        case BS_STEP_OVER_MEMORY_LIMIT:
            let words = (message.map { String(cString: $0) } ?? "too much memory")
                + " (the limit: \(CompressionFormat.maxDecoderMemoryBytes >> 20) MiB; decompress it with \(format.decompressCommand ?? "its tool"))"
            return DecompressionStep(inputUsed: used, outputMade: made, status: .damaged(words))
        default:
            let words = message.map { String(cString: $0) } ?? "damaged data"
            return DecompressionStep(inputUsed: used, outputMade: made, status: .damaged(words))
        }
    }

    func restart() -> String? {
        var message: UnsafePointer<CChar>?
        return bs_decoder_restart(decoder, &message) == 0 ? nil : message.map { String(cString: $0) } ?? "cannot restart"
    }
}

/// read(2), named apart from `StreamDecompressor.read`.
@inline(__always)
private func systemRead(_ fd: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, pointer, count)
}
