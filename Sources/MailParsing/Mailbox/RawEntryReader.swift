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
/// the beginning. A Postfix queue file, an Exim `-H` file or a Sendmail control file (plain or gzip,
/// `MailFileFormat`) is read whole and decoded without a size limit (`PostfixQueueFile`;
/// `EximSpoolMessage`, with its `-D` file; `SendmailQueueMessage`, with its `df` file): their offsets
/// count the message's bytes, as the reader's do.
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
        /// A Sendmail control file, with its `df` file when there is one.
        case sendmailQueue(data: String?)
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
        var head = [UInt8](repeating: 0, count: max(CompressionFormat.bytesToDetect, MailFileFormat.bytesToDetect))
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
            decoded = Self.decoded(MailFileFormat.detect(head[..<count], path: path), path: path)
        case .gzip:
            // The decompressed head, by an inflater of its own; `read` starts its own from byte 0. Damage
            // this early is left for `read` to report.
            if let probe = try? GzipInflater(descriptor: descriptor, path: path, seed: []) {
                var inflated = [UInt8](repeating: 0, count: MailFileFormat.bytesToDetect)
                var got = 0
                while got < inflated.count, let more = try? probe.read(into: &inflated, at: got, count: inflated.count - got),
                      more > 0 {
                    got += more
                }
                decoded = Self.decoded(MailFileFormat.detect(inflated[..<got], path: path), path: path)
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

    /// How a file of `format` is read back: a queue file or spool header file decoded (the header file
    /// paired as `MailboxReader` pairs it, with the `-D` file of a message ID's name; a control file with
    /// the `df` file of its queue ID), the rest as it is.
    private static func decoded(_ format: MailFileFormat?, path: String) -> Decoded? {
        switch format {
        case .postfixQueueFile:
            return .postfixQueueFile
        case .eximHeaderFile:
            let data = String(path.dropLast(2)) + "-D"
            let paired = EximSpoolMessage.isMessageID(POSIXFiles.fileName(path).dropLast(2))
                && (try? POSIXFiles.fileInfo(data).type) == .regular
            return .eximSpool(data: paired ? data : nil)
        case .sendmailControlFile:
            let name = POSIXFiles.fileName(path)
            let named = SendmailQueueMessage.controlFilePrefixes.contains(String(name.prefix(2)))
                && SendmailQueueMessage.isQueueID(name.dropFirst(2))
            return .sendmailQueue(data: named ? MailboxReader.sendmailDataPath(control: path) : nil)
        case .postcatOutput, nil:
            return nil
        }
    }

    /// The message decoded from the whole file (decompressed) and an Exim `-D` or Sendmail `df` file, on
    /// the first call.
    private func decodedFile() throws(MailboxError) -> [UInt8] {
        if let decodedMessage { return decodedMessage }
        let file = try wholeFile()
        let message: [UInt8]
        switch decoded {
        case .eximSpool(let dataPath):
            let data = try dataPath.map { path throws(MailboxError) in try POSIXFiles.readWholeFile(path) }
            message = EximSpoolMessage(header: file[...], data: data?[...], dataName: dataPath.map(POSIXFiles.fileName),
                                       maxMessageBytes: Int.max).message
        case .sendmailQueue(let dataPath):
            let data = try dataPath.map { path throws(MailboxError) in try POSIXFiles.readWholeFile(path) }
            message = SendmailQueueMessage(control: file[...], data: data?[...], maxMessageBytes: Int.max).message
        case .postfixQueueFile, nil:
            message = PostfixQueueFile(decoding: file[...], maxMessageBytes: Int.max).message
        }
        decodedMessage = message
        return message
    }

    /// The whole file, inflated when it is gzip.
    private func wholeFile() throws(MailboxError) -> [UInt8] {
        guard compression == .gzip else { return try POSIXFiles.readWholeFile(path) }
        guard lseek(descriptor.rawValue, 0, SEEK_SET) == 0 else {
            throw MailboxError(.cannotRead, path: path, byteOffset: 0, errno: errno)
        }
        let inflater = try GzipInflater(descriptor: descriptor, path: path, seed: [])
        var file: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let got = try inflater.read(into: &chunk, at: 0, count: chunk.count)
            if got == 0 { return file }
            file.append(contentsOf: chunk[..<got])
        }
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
