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
/// A plain file is read with pread(2), in any order. A compressed file (whose offsets count
/// decompressed bytes) is decompressed forward: entries asked for in increasing offsets, as a scan delivers
/// them, cost one pass over the file; an offset behind the last entry starts the decompression again from
/// the beginning. A Postfix queue file, an Exim `-H` file or a Sendmail control file (plain or compressed,
/// `MailFileFormat`) is read whole and decoded without a size limit (`PostfixQueueFile`;
/// `EximSpoolMessage`, with its `-D` file; `SendmailQueueMessage`, with its `df` file): their offsets
/// count the message's bytes, as the reader's do.
///
/// Not `Sendable`: it owns an open file and, for a compressed one, the decompressor's state.
public final class RawEntryReader {
    /// The file read.
    public let path: String
    /// The file's compression, if it has one.
    public let compression: CompressionFormat?
    /// What the file holds when it is not simply mail (its decompressed bytes, for a compressed one): then
    /// each entry is a message's text alone, never an mbox entry with its From_ line.
    package private(set) var format: MailFileFormat?
    /// The line end an mbox reader reads the file in (`MboxParser.detectLineEnding`: CR for a CR-only
    /// file, else LF), as far as its first bytes (decompressed, for a compressed file) tell; nil when they
    /// hold no line end. An entry's own first line end can differ: a bare CR or LF inside its From_ line.
    package private(set) var mboxLineEnd: UInt8?
    private let descriptor: FileDescriptor
    private var decompressor: StreamDecompressor?
    /// Decompressed bytes the decompressor has returned so far.
    private var decompressedPosition = 0
    /// A file whose message is decoded from it rather than read from it as it is.
    private enum Decoded {
        /// A Postfix queue file (decompressed).
        case postfixQueueFile
        /// An Exim `-H` file, with its `-D` file when there is one.
        case eximSpool(data: String?)
        /// A Sendmail control file, with its `df` file when there is one.
        case sendmailQueue(data: String?)
        /// A Courier control file, with its data file when there is one.
        case courierQueue(data: String?)
    }
    private var decoded: Decoded?
    /// The decoded message, made on the first read.
    private var decodedMessage: [UInt8]?

    /// Opens `path` and looks at its first bytes for a compression.
    /// - Throws: `MailboxError` when it cannot be opened or read, `.unsupportedCompression` for a
    ///   compressed file whose format's library cannot be loaded.
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
        guard let compression else {
            mboxLineEnd = Self.mboxLineEnd(head[..<count], whole: count < head.count)
            format = MailFileFormat.detect(head[..<count], path: path)
            decoded = Self.decoded(format, path: path)
            return
        }
        // The decompressed head, by a decompressor of its own; `read` starts its own from byte 0. A
        // format whose library cannot be loaded is thrown here; damage this early is left for `read`.
        let probe = try StreamDecompressor(format: compression, descriptor: descriptor, path: path, seed: [])
        var decompressed = [UInt8](repeating: 0, count: MailFileFormat.bytesToDetect)
        var got = 0
        while got < decompressed.count, let more = try? probe.read(into: &decompressed, at: got, count: decompressed.count - got),
              more > 0 {
            got += more
        }
        mboxLineEnd = Self.mboxLineEnd(decompressed[..<got], whole: got < decompressed.count)
        format = MailFileFormat.detect(decompressed[..<got], path: path)
        decoded = Self.decoded(format, path: path)
    }

    /// `MboxParser`'s line end for a file that begins with `head` (all of it when `whole`); nil when
    /// `head` does not decide it.
    private static func mboxLineEnd(_ head: ArraySlice<UInt8>, whole: Bool) -> UInt8? {
        guard case .decided(let end) = MboxParser.detectLineEnding(head, from: 0, atEnd: whole,
                                                                  within: MailboxLimits().maxMessageBytes) else { return nil }
        return end
    }

    /// The `length` bytes from `offset`; of a dbox file, the message stored there, decompressed when
    /// Dovecot compressed it (`DboxParser`).
    /// - Throws: `MailboxError`: `.outOfRange` when the file (decompressed, if compressed) is shorter than
    ///   `offset + length`; `.cannotRead` or `.corruptCompressedData` as reading fails,
    ///   `.unsupportedCompression` for a compressed dbox message whose format's library cannot be loaded
    ///   (damaged, it gives what was decoded before the damage, as `MailboxReader` does).
    public func read(offset: Int, length: Int) throws(MailboxError) -> [UInt8] {
        let stored = try storedBytes(offset: offset, length: length)
        guard format == .dboxFile, let compression = CompressionFormat.detect(stored[...]) else { return stored }
        let decoded = StreamDecompressor.decompress(stored[...], format: compression, path: path, limit: Int.max)
        // Damaged data gives what was decoded before the damage, as the reader's message holds it.
        if let failure = decoded.failure, failure.code == .unsupportedCompression {
            throw MailboxError(failure.code, path: path, byteOffset: offset, detail: failure.detail)
        }
        return decoded.bytes
    }

    /// The `length` bytes from `offset` as the file (decompressed, if compressed) holds them.
    private func storedBytes(offset: Int, length: Int) throws(MailboxError) -> [UInt8] {
        guard offset >= 0, length >= 0 else { throw MailboxError(.outOfRange, path: path, byteOffset: offset) }
        if decoded != nil {
            let message = try decodedFile()
            guard offset <= message.count, length <= message.count - offset else {
                throw MailboxError(.outOfRange, path: path, byteOffset: offset)
            }
            return Array(message[offset..<(offset + length)])
        }
        guard let compression else { return try POSIXFiles.readRange(descriptor, path: path, offset: offset, length: length) }
        if decompressor == nil || offset < decompressedPosition {
            // From the start: pread(2) left the file's position at 0, and a restart seeks there.
            guard lseek(descriptor.rawValue, 0, SEEK_SET) == 0 else {
                throw MailboxError(.cannotRead, path: path, byteOffset: 0, errno: errno)
            }
            decompressor = try StreamDecompressor(format: compression, descriptor: descriptor, path: path, seed: [])
            decompressedPosition = 0
        }
        var scratch = [UInt8](repeating: 0, count: min(64 * 1024, max(1, offset - decompressedPosition)))
        while decompressedPosition < offset {
            decompressedPosition += try decompress(into: &scratch, at: 0, count: min(scratch.count, offset - decompressedPosition))
        }
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let got = try decompress(into: &out, at: done, count: length - done)
            done += got
            decompressedPosition += got
        }
        return out
    }

    /// How a file of `format` is read back: a queue file or spool header file decoded (the header file
    /// paired as `MailboxReader` pairs it, with the `-D` file of a message ID's name; a Sendmail control
    /// file with the `df` file of its queue ID; a Courier control file with the `D` file of its inode
    /// number), the rest as it is.
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
        case .courierControlFile:
            return .courierQueue(data: MailboxReader.courierDataPath(control: path))
        case .mmdf, .dboxFile, .emlx, .babyl, .postcatOutput, nil:
            return nil
        }
    }

    /// The message decoded from the whole file (decompressed) and an Exim `-D`, Sendmail `df` or Courier
    /// `D` file, on the first call.
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
        case .courierQueue(let dataPath):
            let data = try dataPath.map { path throws(MailboxError) in try POSIXFiles.readWholeFile(path) }
            message = CourierQueueMessage(control: file[...], data: data?[...], maxMessageBytes: Int.max).message
        case .postfixQueueFile, nil:
            message = PostfixQueueFile(decoding: file[...], maxMessageBytes: Int.max).message
        }
        decodedMessage = message
        return message
    }

    /// The whole file, decompressed when it is compressed.
    private func wholeFile() throws(MailboxError) -> [UInt8] {
        guard let compression else { return try POSIXFiles.readWholeFile(path) }
        guard lseek(descriptor.rawValue, 0, SEEK_SET) == 0 else {
            throw MailboxError(.cannotRead, path: path, byteOffset: 0, errno: errno)
        }
        let whole = try StreamDecompressor(format: compression, descriptor: descriptor, path: path, seed: [])
        var file: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let got = try whole.read(into: &chunk, at: 0, count: chunk.count)
            if got == 0 { return file }
            file.append(contentsOf: chunk[..<got])
        }
    }

    /// One read of the decompressor into `buffer` at `offset`; the end of the data before it was expected
    /// is `.outOfRange`.
    private func decompress(into buffer: inout [UInt8], at offset: Int, count: Int) throws(MailboxError) -> Int {
        guard let decompressor else { return 0 }
        let got = try decompressor.read(into: &buffer, at: offset, count: count)
        if got == 0 { throw MailboxError(.outOfRange, path: path, byteOffset: decompressor.compressedOffset) }
        return got
    }
}
