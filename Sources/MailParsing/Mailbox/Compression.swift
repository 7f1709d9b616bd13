#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// A compression format, told by the magic number a compressed file starts with.
///
/// Mail is often kept compressed: rotated and archived mailboxes (`mbox.1.gz`), Maildirs whose files a
/// server's compression plugin wrote. `MailboxReader` inflates gzip as it reads; the others it names in
/// a `MailboxError.Code.unsupportedCompression` error, where read as text they were one message of
/// garbage and "nothing found".
public enum CompressionFormat: String, Sendable, CaseIterable {
    case gzip, bzip2, xz, zstd, lz4

    /// Bytes enough to tell every format (bzip2's header and its first block's magic).
    public static let bytesToDetect = 10

    /// The format `bytes` start with, or nil. A message or an mbox starts with text, never with these
    /// bytes; bzip2's `BZh` is text, so its block size digit and the magic of its first block (or of
    /// an empty stream's end) must follow.
    public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> CompressionFormat? {
        let head = bytes.prefix(bytesToDetect)
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool { head.dropFirst(offset).starts(with: magic) }
        // RFC 1952 §2.3.1: ID1 ID2, then CM 8 (deflate), the only method defined.
        if starts([0x1F, 0x8B, 0x08]) { return .gzip }
        // xz file format §2.1.1.1 (tukaani.org): 0xFD "7zXZ" 0x00.
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        // RFC 8878 §3.1.1: the frame's magic number 0xFD2FB528, little-endian.
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        // The LZ4 frame format's magic number 0x184D2204, little-endian.
        if starts([0x04, 0x22, 0x4D, 0x18]) { return .lz4 }
        // bzip2: "BZh", the block size '1'-'9', then a block's magic (the digits of pi) or the end of
        // the stream's (the square root of pi).
        if starts(Array("BZh".utf8)), let size = head.dropFirst(3).first, (0x31...0x39).contains(size),
           starts([0x31, 0x41, 0x59, 0x26, 0x53, 0x59], at: 4) || starts([0x17, 0x72, 0x45, 0x38, 0x50, 0x90], at: 4) {
            return .bzip2
        }
        return nil
    }

    /// The command that writes the decompressed bytes to standard output, for a person to pipe into
    /// `backscatter scan -`.
    public var decompressCommand: String {
        switch self {
        case .gzip: "gzip -dc"
        case .bzip2: "bzip2 -dc"
        case .xz: "xz -dc"
        case .zstd: "zstd -dc"
        case .lz4: "lz4 -dc"
        }
    }
}

/// Inflates a gzip file (RFC 1952) read from a file descriptor, for `MailboxReader`: the decompressed
/// bytes are read as the file's would be, a buffer at a time, so memory stays one read buffer and
/// zlib's window whatever the decompressed size.
///
/// - Every member is read: a gzip file is a series of members (RFC 1952 §2.2; `cat a.gz b.gz`).
///   Bytes after the last member that do not start another are ignored, as gzip(1) ignores them.
/// - Damage (a bad block, a CRC that does not match, data that ends inside a member) is thrown as
///   `MailboxError.Code.corruptCompressedData`, naming the byte of the compressed file where inflating
///   stopped, after every byte decompressed before it has been returned.
///
/// Not copyable in meaning: it owns zlib's state and its input buffer, so one reader uses one inflater.
final class GzipInflater: @unchecked Sendable {
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let descriptor: FileDescriptor
    private let path: String
    /// Compressed bytes taken into `input` so far, from the seed and the file.
    private var compressedRead = 0
    private var inputAtEnd = false
    private var finished = false
    private var pendingError: MailboxError?

    /// Compressed bytes read from the file for each refill of the input.
    static let inputBytes = 64 * 1024

    /// Starts inflating. `seed` holds the file's first bytes, already read (`MailboxReader` read them
    /// to see the format); the rest comes from `descriptor`.
    init(descriptor: FileDescriptor, path: String, seed: ArraySlice<UInt8>) throws(MailboxError) {
        self.descriptor = descriptor
        self.path = path
        input = .allocate(capacity: max(Self.inputBytes, seed.count))
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        _ = input.initialize(fromContentsOf: seed)
        compressedRead = seed.count
        stream.pointee.next_in = input.baseAddress
        stream.pointee.avail_in = UInt32(seed.count)
        // 15 + 16: a 32 KiB window, gzip's wrapper (not zlib's).
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        // On failure `deinit` still runs (every stored property is set) and frees both buffers;
        // `inflateEnd` refuses a stream whose start failed.
        guard status == Z_OK else {
            throw MailboxError(.corruptCompressedData, path: path, detail: "gzip: zlib could not start (\(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// The byte of the compressed file that inflating has reached.
    var compressedOffset: Int { compressedRead - Int(stream.pointee.avail_in) }

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
        let capacity = min(count, Int(UInt32.max))
        stream.pointee.next_out = target.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(capacity)
        var produced: Int { capacity - Int(stream.pointee.avail_out) }
        while true {
            do throws(MailboxError) {
                if stream.pointee.avail_in == 0 { try fillInput() }
                let status = inflate(stream, Z_NO_FLUSH)
                switch status {
                case Z_STREAM_END:
                    // A member ends. Another may follow (RFC 1952 §2.2).
                    if try !nextMemberFollows() {
                        finished = true
                        return produced
                    }
                    inflateReset(stream)
                case Z_OK, Z_BUF_ERROR:
                    // Out of input at the end of the file inside a member: the data ends early.
                    // Z_BUF_ERROR with input left and room for output cannot happen (zlib returns it
                    // only when no progress is possible); if it did, the loop would never end.
                    if stream.pointee.avail_in == 0 {
                        if inputAtEnd, produced < capacity {
                            throw MailboxError(.corruptCompressedData, path: path, byteOffset: compressedOffset,
                                               detail: "gzip data ends early: the file is cut short")
                        }
                    } else if status == Z_BUF_ERROR, produced < capacity {
                        throw MailboxError(.corruptCompressedData, path: path, byteOffset: compressedOffset,
                                           detail: "gzip: inflating made no progress")
                    }
                default:
                    let words = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw MailboxError(.corruptCompressedData, path: path, byteOffset: compressedOffset,
                                       detail: "gzip: " + words)
                }
            } catch {
                // What was decompressed first is returned first.
                guard produced == 0 else {
                    pendingError = error
                    return produced
                }
                throw error
            }
            if produced == capacity { return produced }
        }
    }

    /// Reads more of the file into the input (after the bytes not yet inflated, moved to the front).
    private func fillInput() throws(MailboxError) {
        guard !inputAtEnd else { return }
        let left = Int(stream.pointee.avail_in)
        if left > 0, let next = stream.pointee.next_in, let base = input.baseAddress, next != base {
            memmove(base, next, left)
        }
        while true {
            let got = systemRead(descriptor.rawValue, input.baseAddress! + left, input.count - left)
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw MailboxError(.cannotRead, path: path, byteOffset: compressedRead, errno: code)
            }
            if got == 0 { inputAtEnd = true }
            compressedRead += got
            stream.pointee.next_in = input.baseAddress
            stream.pointee.avail_in = UInt32(left + got)
            return
        }
    }

    /// Whether another gzip member starts where one ended: its ID1 ID2 bytes (RFC 1952 §2.3.1).
    private func nextMemberFollows() throws(MailboxError) -> Bool {
        while stream.pointee.avail_in < 2, !inputAtEnd { try fillInput() }
        guard stream.pointee.avail_in >= 2, let next = stream.pointee.next_in else { return false }
        return next[0] == 0x1F && next[1] == 0x8B
    }
}

/// read(2), named apart from `GzipInflater.read`.
@inline(__always)
private func systemRead(_ fd: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, pointer, count)
}
