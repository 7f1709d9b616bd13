#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads entries of one file back by the offset and length `MailboxReader` gave them
/// (`MailboxMessage.offset`, `.length`), for copying messages byte for byte (`split`).
///
/// A plain file is read with pread(2), in any order. A gzip-compressed file (whose offsets count
/// decompressed bytes) is inflated forward: entries asked for in increasing offsets, as a scan delivers
/// them, cost one pass over the file; an offset behind the last entry starts the inflating again from
/// the beginning. A Postfix queue file (plain or gzip) is read whole and decoded (`PostfixQueueFile`,
/// without a size limit), and an Exim `-H` file is read whole with its `-D` file (`EximSpoolMessage`):
/// their offsets count the message's bytes, as the reader's do.
///
/// Not `Sendable`: it owns an open file and, for gzip, the inflater's state.
public final class RawEntryReader {
    /// The file read.
    public let path: String
    /// The file's compression, if it has one.
    public let compression: CompressionFormat?
    private let descriptor: FileDescriptor
    private var inflater: GzipInflater?
    /// Decompressed bytes the inflater has returned so far.
    private var inflatedPosition = 0
    /// A file whose message is decoded from it rather than read from it as it is.
    private enum Decoded {
        /// A Postfix queue file (decompressed).
        case postfixQueueFile
        /// An Exim `-H` file, with its `-D` file when there is one.
        case eximSpool(data: String?)
    }
    private var decoded: Decoded?
    /// The decoded message, made on the first read.
    private var decodedMessage: [UInt8]?

    /// Opens `path` and looks at its first bytes for a compression.
    /// - Throws: `MailboxError` when it cannot be opened or read, `.unsupportedCompression` for a file
    ///   compressed otherwise than with gzip.
    public init(path: String) throws(MailboxError) {
        self.path = path
        let descriptor = try POSIXFiles.openForReading(path)
        self.descriptor = descriptor
        var head = [UInt8](repeating: 0, count: max(CompressionFormat.bytesToDetect, PostfixQueueFile.bytesToDetect,
                                                    EximSpoolMessage.bytesToDetect))
        var count = 0
        while count < head.count {
            let got = head.withUnsafeMutableBytes { pread(descriptor.rawValue, $0.baseAddress! + count, $0.count - count, off_t(count)) }
            if got < 0, errno == EINTR { continue }
            if got < 0 { throw MailboxError(.cannotRead, path: path, byteOffset: count, errno: errno) }
            if got == 0 { break }
            count += got
        }
        compression = CompressionFormat.detect(head[..<count])
        switch compression {
        case nil:
            if PostfixQueueFile.isQueueFile(head[..<count]) {
                decoded = .postfixQueueFile
            } else if EximSpoolMessage.isHeaderFile(head[..<count], name: POSIXFiles.fileName(path)) {
                // Paired as `MailboxReader` pairs it: with the `-D` file of a message ID's name.
                let data = String(path.dropLast(2)) + "-D"
                let paired = EximSpoolMessage.isMessageID(POSIXFiles.fileName(path).dropLast(2))
                    && (try? POSIXFiles.fileInfo(data).type) == .regular
                decoded = .eximSpool(data: paired ? data : nil)
            }
        case .gzip:
            // The decompressed head, by an inflater of its own; `read` starts its own from byte 0. Damage
            // this early is left for `read` to report.
            if let probe = try? GzipInflater(descriptor: descriptor, path: path, seed: []) {
                var inflated = [UInt8](repeating: 0, count: PostfixQueueFile.bytesToDetect)
                var got = 0
                while got < inflated.count, let more = try? probe.read(into: &inflated, at: got, count: inflated.count - got),
                      more > 0 {
                    got += more
                }
                if PostfixQueueFile.isQueueFile(inflated[..<got]) { decoded = .postfixQueueFile }
            }
        case let compression?:
            throw MailboxError(.unsupportedCompression, path: path,
                               detail: "\(compression)-compressed; decompress it first with \(compression.decompressCommand)")
        }
    }

    /// The `length` bytes from `offset`.
    /// - Throws: `MailboxError`: `.outOfRange` when the file (decompressed, for gzip) is shorter than
    ///   `offset + length`; `.cannotRead` or `.corruptCompressedData` as reading fails.
    public func read(offset: Int, length: Int) throws(MailboxError) -> [UInt8] {
        guard offset >= 0, length >= 0 else { throw MailboxError(.outOfRange, path: path, byteOffset: offset) }
        if decoded != nil {
            let message = try decodedFile()
            guard offset <= message.count, length <= message.count - offset else {
                throw MailboxError(.outOfRange, path: path, byteOffset: offset)
            }
            return Array(message[offset..<(offset + length)])
        }
        guard compression == .gzip else { return try POSIXFiles.readRange(descriptor, path: path, offset: offset, length: length) }
        if inflater == nil || offset < inflatedPosition {
            // From the start: pread(2) left the file's position at 0, and a restart seeks there.
            guard lseek(descriptor.rawValue, 0, SEEK_SET) == 0 else {
                throw MailboxError(.cannotRead, path: path, byteOffset: 0, errno: errno)
            }
            inflater = try GzipInflater(descriptor: descriptor, path: path, seed: [])
            inflatedPosition = 0
        }
        var scratch = [UInt8](repeating: 0, count: min(64 * 1024, max(1, offset - inflatedPosition)))
        while inflatedPosition < offset {
            inflatedPosition += try inflate(into: &scratch, at: 0, count: min(scratch.count, offset - inflatedPosition))
        }
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let got = try inflate(into: &out, at: done, count: length - done)
            done += got
            inflatedPosition += got
        }
        return out
    }

    /// The message decoded from the whole file (and an Exim `-D` file) on the first call.
    private func decodedFile() throws(MailboxError) -> [UInt8] {
        if let decodedMessage { return decodedMessage }
        if case .eximSpool(let dataPath) = decoded {
            let header = try POSIXFiles.readPrefix(path, limit: Int.max).bytes
            let data = try dataPath.map { path throws(MailboxError) in try POSIXFiles.readPrefix(path, limit: Int.max).bytes }
            let message = EximSpoolMessage(header: header[...], data: data?[...],
                                           dataName: dataPath.map(POSIXFiles.fileName),
                                           maxMessageBytes: Int.max).message
            decodedMessage = message
            return message
        }
        var file: [UInt8]
        if compression == .gzip {
            guard lseek(descriptor.rawValue, 0, SEEK_SET) == 0 else {
                throw MailboxError(.cannotRead, path: path, byteOffset: 0, errno: errno)
            }
            let inflater = try GzipInflater(descriptor: descriptor, path: path, seed: [])
            file = []
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let got = try inflater.read(into: &chunk, at: 0, count: chunk.count)
                if got == 0 { break }
                file.append(contentsOf: chunk[..<got])
            }
        } else {
            var info = stat()
            guard fstat(descriptor.rawValue, &info) == 0 else {
                throw MailboxError(.cannotRead, path: path, byteOffset: 0, errno: errno)
            }
            file = try POSIXFiles.readRange(descriptor, path: path, offset: 0, length: max(0, Int(info.st_size)))
        }
        let message = PostfixQueueFile(decoding: file[...], maxMessageBytes: Int.max).message
        decodedMessage = message
        return message
    }

    /// One read of the inflater into `buffer` at `offset`; the end of the data before it was expected is
    /// `.outOfRange`.
    private func inflate(into buffer: inout [UInt8], at offset: Int, count: Int) throws(MailboxError) -> Int {
        guard let inflater else { return 0 }
        let got = try inflater.read(into: &buffer, at: offset, count: count)
        if got == 0 { throw MailboxError(.outOfRange, path: path, byteOffset: inflater.compressedOffset) }
        return got
    }
}
