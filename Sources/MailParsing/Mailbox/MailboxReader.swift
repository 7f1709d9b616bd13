#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads every message at a path, whatever is there: an mbox (any dialect, see `MboxParser`), an MMDF
/// mailbox (`MMDFParser`), a Maildir, a Dovecot dbox file or folder of them (`DboxParser`),
/// one message file (an Apple Mail `.emlx` file too: `EmlxFile`), a folder of message files, Postfix's `postcat` output (`PostcatParser`), a Postfix
/// queue file or a queue's folder (`PostfixQueueFile`), an Exim spool message or spool folder
/// (`EximSpoolMessage`: the `-H` file is read with its `-D` file, as one message), a Sendmail queue entry
/// or queue folder (`SendmailQueueMessage`: the `qf` file is read with its `df` file, as one message), an
/// OpenSMTPD queue or message (`OpenSMTPDQueue`: a message folder's `message` file is read with its
/// envelope files, as one message), a Courier queue entry or queue folder (`CourierQueueMessage`: the
/// control file `C<inode>` is read with its data file `D<inode>`, as one message), or standard input
/// (`-`). The kind is detected, file by file, from the first bytes.
///
/// Streaming: files are read with read(2) in chunks of `MailboxLimits.readChunkBytes` into one buffer the
/// reader owns, and each message's `bytes` is a slice of that buffer (a copy only when mbox `>From `
/// quoting was undone or the message was truncated). Memory does not grow with the input: it is about one
/// chunk plus the largest message. Release a message before asking for the next one and the buffer is
/// reused in place; a message kept longer keeps its buffer alive and the reader takes a new one.
///
/// Compressed input is detected by its first bytes (`CompressionFormat`): a gzip, bzip2, xz, zstd or LZ4
/// compressed mbox, message file or Maildir file (logrotate's `mbox.1.gz`, Dovecot's compressed Maildirs)
/// is decompressed as it is read (`StreamDecompressor`), within the same memory and the decoder's, and
/// read like the plain file; offsets and lengths then count decompressed bytes. Where the format's library
/// cannot be loaded (all but zlib are loaded when first needed), the file is an `.unsupportedCompression`
/// error naming the library, not a message of compressed bytes.
///
/// Folders (Maildir, Maildir++ `.Folder`s, notmuch's nested trees, plain folders; of a qmail queue, its
/// `mess/` folder) are walked recursively and their files read in byte order of their paths (files named
/// with a number, an MH folder's `1` ... `10`, Dovecot's `u.1` ... `u.10`, Apple Mail's `1.emlx` ...
/// `10.emlx`, in the order of their numbers: `sortKey`), so output is
/// deterministic. Exim spool pairs and Sendmail queue entries are one message each (`EximSpoolMessage`,
/// `SendmailQueueMessage`); a Sendmail entry's `df` file may be in a `df/` folder beside its `qf/` folder
/// (Sendmail's queue sub-folders), and its transcript (`xf`) and temporary (`tf`, `Tf`) files are passed
/// over; so are the envelope files in an OpenSMTPD message's folder, read with its `message` file. An
/// OpenSMTPD envelope file named alone reads its message; one without a `message` file beside it, and an
/// encrypted queue's message, are `.unsupportedFileType` errors (`OpenSMTPDQueue`). A Courier entry's data
/// file is read with its control file, and the schedule's links to control files (`msgq/`) are passed
/// over. Hidden files, Maildir
/// `tmp/` folders and Maildir metadata files (`dovecot*`, `maildirfolder`, ...) are skipped, as are
/// symbolic links to folders. A file inside a folder that starts with `From ` is read as an mbox, one that
/// starts with an MMDF separator line as an MMDF mailbox, one that starts with a dbox file header as a
/// dbox file. An empty file holds no message.
///
/// ## Errors
/// A failure of the input itself (the path does not exist, cannot be opened or listed) is thrown by
/// `init`. A failure confined to one entry of a folder (a file that cannot be opened, or a read error part
/// way) is thrown by `next()` for that entry, naming its path and byte offset; calling `next()` again goes
/// on with the following entry. A failure part way through a file (a read error, damaged or truncated compressed
/// data, a dbox file damaged past finding its next message: `.damagedMailboxFile`) ends the file there: the messages read before it are returned first (the last one as far as it
/// was read), then the error is thrown. So a caller that wants to keep going catches and continues:
/// ```swift
/// var reader = try MailboxReader(path: path)
/// while true {
///     do { guard let message = try reader.next() else { break }; use(message) }
///     catch { report(error) }   // then loop: the reader has moved past the entry
/// }
/// ```
///
/// The reader owns open file descriptors: copies of one reader share them, so use only one copy.
public struct MailboxReader: Sendable {
    /// The path given to `init`.
    public let path: String
    /// What was found at `path`.
    public private(set) var kind: MailboxKind = .messageFile
    /// The limits in force.
    public let limits: MailboxLimits

    private enum Entry: Sendable {
        /// A message file, with the size the folder's walk read (its buffer's first size), and for a
        /// file named like an Exim `-H` file, its `-D` file; for one named like a Sendmail `qf` file, its
        /// `df` file; for an OpenSMTPD queue's `message` file, its envelope files, from the listing the
        /// walk made (`OpenSMTPDQueue.envelopePaths(in:names:messageID:)`: not listed again).
        case file(String, size: Int, companion: String?, envelopes: [String]? = nil)
        case failure(MailboxError)
    }

    private enum Mode: Sendable {
        case mbox
        /// An MMDF mailbox (`MMDFParser`).
        case mmdf
        /// A Dovecot dbox file (`DboxParser`).
        case dbox
        /// An Apple Mail `.emlx` file, read whole (`EmlxFile`).
        case emlx
        case singleMessage
        /// Postfix's `postcat` output (`PostcatParser`).
        case postcat
        /// A Postfix queue file, decoded whole (`PostfixQueueFile`).
        case postfixQueueFile
        /// An Exim `-H` file, read whole with its `-D` file (`EximSpoolMessage`).
        case eximHeader
        /// A Sendmail control file, read whole with its `df` file (`SendmailQueueMessage`).
        case sendmailControl
        /// A Courier control file, read whole with its data file (`CourierQueueMessage`).
        case courierControl
    }

    /// The file being read.
    private struct OpenFile: Sendable {
        let path: String
        let descriptor: FileDescriptor
        /// Bytes read from the file so far.
        var bytesRead = 0
        var atEnd = false
        var mode = Mode.singleMessage
        /// Single message or queue file: bytes read past `maxMessageBytes` and not kept.
        var droppedBytes = 0
        var delivered = false
        /// Set for a compressed file: its content is read through it.
        var decompressor: StreamDecompressor?
        /// A failure part way, thrown once the messages read before it have been returned.
        var pendingError: MailboxError?
        /// For a file named like an Exim `-H` file, its `-D` file; like a Sendmail `qf` file, its `df` file.
        var companion: String?
        /// For an OpenSMTPD queue's `message` file found by a folder's walk, its envelope files (nil: the
        /// folder is listed when the file is begun, `beginOpenSMTPDMessage`).
        var openSMTPDEnvelopePaths: [String]?
        /// An OpenSMTPD queue's `message` file (`OpenSMTPDQueue`): its envelope files' envelope, read
        /// when the file was begun, and whether one of them could not be read.
        var openSMTPDEnvelope: (envelope: QueueEnvelope, damaged: Bool)?
    }

    private var entries: [Entry] = []
    private var nextEntry = 0
    private var current: OpenFile?
    private var parser: MboxParser?
    private var postcatParser: PostcatParser?
    private var mmdfParser: MMDFParser?
    private var dboxParser: DboxParser?
    private var buffer: [UInt8]
    /// The read buffer's size: about one chunk, or for a long entry `maxMessageBytes` plus one chunk at most.
    package var bufferBytes: Int { buffer.count }
    /// The unconsumed bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0

    /// Opens `path` and detects what it is.
    /// - Parameters:
    ///   - path: a file, a folder, `-` for standard input, or a pipe (e.g. `<(zcat box.gz)`), which is
    ///     read like a file (but cannot be read again by `readRawEntry`).
    ///   - limits: bounds on message size and read size.
    /// - Throws: `MailboxError` with `.notFound`, `.cannotOpen`, `.cannotRead`, `.cannotListDirectory` or
    ///   `.unsupportedFileType` when the input itself cannot be read.
    public init(path: String, limits: MailboxLimits = .init()) throws(MailboxError) {
        self.path = path
        self.limits = limits
        self.buffer = []
        if path == "-" {
            kind = .standardInput
            buffer = Self.readBuffer(count: limits.readChunkBytes)
            try begin(OpenFile(path: "-", descriptor: .standardInput))
            return
        }
        let (type, size) = try POSIXFiles.fileInfo(path)
        switch type {
        case .regular, .stream:
            // An Exim `-H` file is read with its `-D` file, and a `-D` file named alone as its message;
            // so are a Sendmail `qf` file and its `df` file.
            var headerPath = path
            var companion: String?
            if type == .regular, let pair = Self.eximPair(path) ?? Self.sendmailPair(path) ?? Self.courierPair(path) {
                headerPath = pair.header
                companion = pair.data
            } else if type == .regular, let message = OpenSMTPDQueue.messagePath(forEnvelopeAt: path) {
                // An OpenSMTPD envelope file named alone: its message, read with every envelope beside it.
                headerPath = message
            }
            let headerSize = headerPath == path ? size : ((try? POSIXFiles.fileInfo(headerPath).size) ?? size)
            buffer = Self.readBuffer(count: Self.firstBufferBytes(type: type, size: headerSize, limits: limits))
            let descriptor = try POSIXFiles.openForReading(headerPath)
            try begin(OpenFile(path: headerPath, descriptor: descriptor, companion: companion))
            switch current?.mode {
            case .mbox: kind = .mbox
            case .mmdf: kind = .mmdf
            case .dbox: kind = .dboxFile
            case .postcat: kind = .postcatOutput
            case .postfixQueueFile: kind = .postfixQueueFile
            case .eximHeader: kind = .eximSpoolMessage
            case .sendmailControl: kind = .sendmailQueueMessage
            case .courierControl: kind = .courierQueueMessage
            case .singleMessage where current?.openSMTPDEnvelope != nil: kind = .openSMTPDQueueMessage
            default: break
            }
        case .directory:
            // No buffer here: each file gets its own (`next()`).
            let isMaildir = POSIXFiles.isDirectory(path + "/cur") || POSIXFiles.isDirectory(path + "/new")
            kind = isMaildir ? .maildir : .directory
            entries = try Self.walk(path)
        case .other:
            throw MailboxError(.unsupportedFileType, path: path)
        }
    }

    /// The size of the buffer a file is first read into: a regular file shorter than one read gets a
    /// buffer of its size (and the byte that shows its end), not `readChunkBytes` of pages: a page fault
    /// per 4 KiB of them (one message: 1,834 -> 972 faults).
    private static func firstBufferBytes(type: POSIXFiles.FileType, size: Int, limits: MailboxLimits) -> Int {
        type == .regular && size < limits.readChunkBytes ? max(size + 1, 4096) : limits.readChunkBytes
    }

    /// A buffer for read(2) to fill, not zeroed first: only the bytes read(2) wrote (`buffer[..<end]`)
    /// are ever looked at, and zeroing it touched every page before the read did (a 4 MiB memset).
    private static func readBuffer(count: Int) -> [UInt8] {
        [UInt8](uninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// The next message, in input order, or nil when the input is exhausted.
    ///
    /// - Throws: `MailboxError` for an entry that cannot be opened or read; the next call continues with
    ///   the following entry.
    /// - Complexity: amortised O(bytes of the message).
    public mutating func next() throws(MailboxError) -> MailboxMessage? {
        while true {
            if current == nil {
                guard nextEntry < entries.count else { return nil }
                let entry = entries[nextEntry]
                nextEntry += 1
                switch entry {
                case .failure(let error):
                    throw error
                case .file(let file, let size, let companion, let envelopes):
                    // Each file of a folder is read into a buffer of its own, sized as `init` sizes a
                    // single file's (by the size the walk's stat read; a file grown since grows its
                    // buffer as any long entry does, `refill`). The last file's message is a slice of
                    // the buffer it was read into, which the scan still holds: read into the same
                    // buffer, each file copied it whole (copy on write) and each message kept a buffer
                    // of `readChunkBytes` alive (the sisimai bsd folder, 629 files: 8.0 s and 2.4 GB
                    // resident for a scan that takes 0.03 s and 30 MB as one mbox).
                    buffer = Self.readBuffer(count: Self.firstBufferBytes(type: .regular, size: size, limits: limits))
                    let descriptor = try POSIXFiles.openForReading(file)
                    try begin(OpenFile(path: file, descriptor: descriptor, companion: companion,
                                       openSMTPDEnvelopePaths: envelopes))
                }
            }
            do throws(MailboxError) {
                if let message = try pull() { return message }
                let pending = current?.pendingError
                current = nil
                forgetParsers()
                if let pending { throw pending }
            } catch {
                current = nil
                forgetParsers()
                throw error
            }
        }
    }

    /// The raw bytes of an entry, `path[offset..<offset+length]`, as `MailboxMessage.offset`/`length` give
    /// them: for byte-exact splitting when `MailboxMessage.raw` is nil (truncated). A compressed file's entry is
    /// read from its decompressed bytes; a dbox message Dovecot compressed is given decompressed. For many
    /// entries of one file, `RawEntryReader` reads them in one pass.
    /// - Throws: `MailboxError` if the file cannot be read or is shorter than `offset + length`,
    ///   `.unsupportedCompression` for a compressed file whose format's library cannot be loaded.
    public static func readRawEntry(path: String, offset: Int, length: Int) throws(MailboxError) -> [UInt8] {
        try RawEntryReader(path: path).read(offset: offset, length: length)
    }

    // MARK: - Reading one file

    /// Makes `file` current: reads its first bytes, decompresses a compressed file from there on, and
    /// decides what it holds (an mbox, a message, or a `MailFileFormat`).
    /// - Throws: `.unsupportedCompression` for a compressed file whose format's library cannot be loaded;
    ///   `.unsupportedFileType` for a Babyl file (`MailFileFormat.babyl`).
    private mutating func begin(_ file: OpenFile) throws(MailboxError) {
        defer {
            // Named like an Exim pair or a Sendmail entry but not one (an mbox, a message, anything but
            // a spool header or control file, or no file that can be read): the other file, which the
            // walk passed over, is read next as a file of its own.
            if let companion = file.companion, current?.mode != .eximHeader, current?.mode != .sendmailControl,
               current?.mode != .courierControl {
                entries.insert(.file(companion, size: (try? POSIXFiles.fileInfo(companion).size) ?? 0, companion: nil),
                               at: nextEntry)
            }
        }
        current = file
        forgetParsers()
        start = 0
        end = 0
        while end < CompressionFormat.bytesToDetect, current?.atEnd == false { try refill() }
        if current?.pendingError == nil, let format = CompressionFormat.detect(buffer[0..<end]) {
            // The bytes read so far are the decompressor's first input; the buffer is refilled with what
            // they decompress to. A whole chunk: a small file's buffer (`firstBufferBytes`) would be
            // outgrown at once, and each growth is a chunk anyway.
            do throws(MailboxError) {
                current?.decompressor = try StreamDecompressor(format: format, descriptor: file.descriptor, path: file.path,
                                                               seed: buffer[0..<end])
            } catch {
                current = nil
                throw error
            }
            current?.atEnd = false
            current?.bytesRead = 0
            buffer = Self.readBuffer(count: max(buffer.count, limits.readChunkBytes))
            end = 0
            while end < 5, current?.atEnd == false { try refill() }
        }
        // An OpenSMTPD queue's `message` file is the message whatever its first bytes (OpenSMTPD's
        // Received field is on top of what it was sent).
        if try beginOpenSMTPDMessage(file) { return }
        var isMbox = end >= 5 && buffer[0] == 0x46 && buffer[1] == 0x72 && buffer[2] == 0x6F
            && buffer[3] == 0x6D && buffer[4] == 0x20  // "From " (RFC 4155 §2)
        if isMbox {
            // "From  : John Doe <jdoe@...>" is a From field with white space before its colon (RFC 5322
            // §4.5.3, obs-optional; the A.6.3 example, corpus parsers/ruby-mail/.../example13.eml), not an
            // envelope: taken for one, the field was read as an envelope line and the message lost its
            // From. The blanks are read up to the first other byte (a refill when they run past the
            // bytes read, not past the buffer: a longer run of blanks leaves the file an mbox).
            var i = 5
            while true {
                while i < end, buffer[i] == ASCII.space || buffer[i] == ASCII.tab { i += 1 }
                guard i == end, current?.atEnd == false, end < buffer.count else { break }
                try refill()
            }
            if i < end, buffer[i] == ASCII.colon { isMbox = false }
        }
        if isMbox {
            current?.mode = .mbox
            parser = MboxParser(source: file.path, limits: limits)
            return
        }
        while end < MailFileFormat.bytesToDetect, current?.atEnd == false { try refill() }
        switch MailFileFormat.detect(buffer[0..<end], path: file.path) {
        case .mmdf:
            current?.mode = .mmdf
            mmdfParser = MMDFParser(source: file.path, limits: limits)
        case .dboxFile:
            current?.mode = .dbox
            dboxParser = DboxParser(source: file.path, limits: limits)
        case .emlx:
            current?.mode = .emlx
        case .babyl:
            current = nil
            throw MailboxError(.unsupportedFileType, path: file.path, detail: MailFileFormat.babylMessage)
        case .postcatOutput:
            current?.mode = .postcat
            postcatParser = PostcatParser(source: file.path, limits: limits)
        case .postfixQueueFile:
            current?.mode = .postfixQueueFile
        case .eximHeaderFile:
            // With its `-D` file when there is one (`companion`); without, the message has no body.
            current?.mode = .eximHeader
        case .sendmailControlFile:
            // With its `df` file when there is one (`companion`); without, the message has no body.
            current?.mode = .sendmailControl
        case .courierControlFile:
            // With its data file when there is one (`companion`); without, the message is empty.
            current?.mode = .courierControl
        case nil:
            current?.mode = .singleMessage
            // An OpenSMTPD envelope file without its message is no message either.
            if end > 0, buffer[0] == UInt8(ascii: "v"), OpenSMTPDQueue.isEnvelopeID(POSIXFiles.fileName(file.path)),
               OpenSMTPDQueue.isEnvelopeFile(buffer[0..<end]) {
                current = nil
                throw MailboxError(.unsupportedFileType, path: file.path, detail: OpenSMTPDQueue.lonelyEnvelopeMessage)
            }
        }
    }

    /// For an OpenSMTPD queue's `message` file (`OpenSMTPDQueue`), makes it a single message and reads
    /// the envelope files beside it, and returns true; for an encrypted queue's, throws
    /// `.unsupportedFileType` (`OpenSMTPDQueue.encryptedMessage`) rather than read ciphertext as a
    /// message. False for any other file, at the cost of a test of its name's last byte.
    private mutating func beginOpenSMTPDMessage(_ file: OpenFile) throws(MailboxError) -> Bool {
        guard file.path.utf8.last == UInt8(ascii: "e"),
              let paths = file.openSMTPDEnvelopePaths ?? OpenSMTPDQueue.envelopePaths(forMessageAt: file.path)
        else { return false }
        do throws(MailboxError) {
            // Encrypted: a version byte 1 first, where a message (gzip's decompressed by now) has text.
            if end > 0, buffer[0] == OpenSMTPDQueue.encryptedVersion {
                throw MailboxError(.unsupportedFileType, path: file.path, detail: OpenSMTPDQueue.encryptedMessage)
            }
            current?.openSMTPDEnvelope = try OpenSMTPDQueue.envelope(at: paths, messagePath: file.path)
        } catch {
            current = nil
            throw error
        }
        current?.mode = .singleMessage
        return true
    }

    private mutating func pull() throws(MailboxError) -> MailboxMessage? {
        // Only the mode is read: binding the whole file copied it (its path retained and released) for
        // every message (bsd.mbox x3: 0.29M instructions).
        switch current?.mode {
        case .mbox, .mmdf, .dbox, .postcat: return try pullFromParser()
        case .singleMessage: return try pullSingleMessage()
        case .emlx: return try pullEmlx()
        case .postfixQueueFile: return try pullQueueFile()
        case .eximHeader:
            return try pullPairedEntry { head, body, bodyPath, limit in
                EximSpoolMessage(header: head, data: body, dataName: bodyPath.map(POSIXFiles.fileName), maxMessageBytes: limit)
            }
        case .sendmailControl:
            return try pullPairedEntry { head, body, _, limit in
                SendmailQueueMessage(control: head, data: body, maxMessageBytes: limit)
            }
        case .courierControl:
            return try pullPairedEntry { head, body, _, limit in
                CourierQueueMessage(control: head, data: body, maxMessageBytes: limit)
            }
        case nil: return nil
        }
    }

    /// No file's push parser: at each file's start and end.
    private mutating func forgetParsers() {
        parser = nil
        postcatParser = nil
        mmdfParser = nil
        dboxParser = nil
    }

    /// The next message of an mbox, an MMDF mailbox, a dbox file or `postcat` output, from its push parser,
    /// refilling as it asks; for a dbox file damaged past finding its next message, nil with its
    /// `failure` pending.
    private mutating func pullFromParser() throws(MailboxError) -> MailboxMessage? {
        while true {
            let atEnd = current?.atEnd ?? true
            if let message = runParser(atEnd: atEnd) { return message }
            if let failure = dboxParser?.failure {
                // The dbox file is damaged past finding its next message: the rest of it is not read.
                if current?.pendingError == nil { current?.pendingError = failure }
                return nil
            }
            if atEnd { return nil }
            try refill()
        }
    }

    /// One parser call over `buffer[start..<end]`. A function of its own so that no slice of the buffer
    /// outlives it (the buffer stays uniquely referenced for `refill`).
    private mutating func runParser(atEnd: Bool) -> MailboxMessage? {
        var input = buffer[start..<end]
        // In place: taking the parser out of `self` and putting it back copied it and destroyed the
        // copy on every call. The mbox parser is asked first: it is the common one.
        let message: MailboxMessage?
        if parser != nil {
            message = atEnd ? parser!.finish(&input) : parser!.next(&input)
        } else if mmdfParser != nil {
            message = atEnd ? mmdfParser!.finish(&input) : mmdfParser!.next(&input)
        } else if dboxParser != nil {
            message = atEnd ? dboxParser!.finish(&input) : dboxParser!.next(&input)
        } else if postcatParser != nil {
            message = atEnd ? postcatParser!.finish(&input) : postcatParser!.next(&input)
        } else {
            return nil
        }
        start = input.startIndex
        return message
    }

    private mutating func pullSingleMessage() throws(MailboxError) -> MailboxMessage? {
        guard let file = current, !file.delivered else { return nil }
        try readToEnd()
        current?.delivered = true
        let kept = min(end - start, limits.maxMessageBytes)
        let dropped = (current?.droppedBytes ?? 0) + (end - start - kept)
        if kept == 0, dropped == 0 { return nil }  // an empty file holds no message
        let bytes = buffer[start..<(start + kept)]
        start = end
        var defects: MailboxDefects = dropped > 0 ? .truncated : []
        if file.openSMTPDEnvelope?.damaged == true { defects.insert(.damagedQueueFile) }
        return MailboxMessage(
            source: file.path, index: 0, offset: 0, length: kept + dropped, envelopeLine: nil, bytes: bytes,
            defects: defects, raw: dropped > 0 ? nil : bytes, queueEnvelope: file.openSMTPDEnvelope?.envelope)
    }

    /// An Apple Mail `.emlx` file's message: the byte count its first line gives, after that line (the
    /// property list after it is not the message). Cut at `maxMessageBytes` (`.truncated`); a file shorter
    /// than its count gives what it holds (`.damagedFile`).
    private mutating func pullEmlx() throws(MailboxError) -> MailboxMessage? {
        guard let file = current, !file.delivered else { return nil }
        try readToEnd()
        current?.delivered = true
        let kept = end - start
        let total = kept + (current?.droppedBytes ?? 0)
        // Detected by this line, so it is here (`readToEnd` keeps at least `maxMessageBytes`, 16 or more).
        let (count, lineLength) = EmlxFile.byteCountLine(buffer[start..<end]) ?? (0, min(kept, 1))
        let length = min(count, total - lineLength)
        let keptLength = min(length, kept - lineLength, limits.maxMessageBytes)
        let bytes = buffer[(start + lineLength)..<(start + lineLength + keptLength)]
        start = end
        var defects: MailboxDefects = []
        if keptLength < length { defects.insert(.truncated) }
        if count > length { defects.insert(.damagedFile) }
        return MailboxMessage(source: file.path, index: 0, offset: lineLength, length: length, envelopeLine: nil,
                              bytes: bytes, defects: defects, raw: keptLength < length ? nil : bytes)
    }

    /// A Postfix queue file's message, decoded from the file's records. A regular file is walked where its
    /// records are, with pread(2) through a window of at most `readChunkBytes`
    /// (`QueueFileBytesFromDescriptor`): a file of any size is decoded whole, its message kept up to
    /// `maxMessageBytes` (`.truncated` past it) and its length counted in full, whatever the read size.
    /// A compressed queue file or one on a pipe is read first, up to `maxMessageBytes` and at most
    /// one chunk more, and decoded as far as that: its message is `.truncated` and its length counts
    /// what was decoded.
    private mutating func pullQueueFile() throws(MailboxError) -> MailboxMessage? {
        guard let file = current, !file.delivered else { return nil }
        if file.decompressor == nil, let size = POSIXFiles.regularFileSize(file.descriptor) {
            current?.delivered = true
            current?.atEnd = true
            start = end
            var bytes = QueueFileBytesFromDescriptor(descriptor: file.descriptor, path: file.path, size: size,
                                                     windowBytes: limits.readChunkBytes)
            let decoded = PostfixQueueFile(walking: &bytes, maxMessageBytes: limits.maxMessageBytes)
            if let failure = bytes.failure { current?.pendingError = failure }
            return decodedMessage(decoded.message, source: file.path, length: decoded.messageLength,
                                  envelope: decoded.envelope, truncated: decoded.isTruncated,
                                  damaged: decoded.damage != nil)
        }
        try readToEnd()
        current?.delivered = true
        let decoded = PostfixQueueFile(decoding: buffer[start..<end], maxMessageBytes: limits.maxMessageBytes)
        start = end
        let cut = (current?.droppedBytes ?? 0) > 0
        // A file cut by the limit ends before its `E` record because of the cut, not damage.
        return decodedMessage(decoded.message, source: file.path, length: decoded.messageLength,
                              envelope: decoded.envelope, truncated: decoded.isTruncated || cut,
                              damaged: decoded.damage.map { !(cut && $0.kind == .unexpectedEnd) } ?? false)
    }

    /// The message a queue file or spool pair was decoded into: offset 0, its bytes its own, `raw` them too
    /// unless it was cut.
    private func decodedMessage(_ message: [UInt8], source: String, length: Int, envelope: QueueEnvelope,
                                truncated: Bool, damaged: Bool) -> MailboxMessage {
        var defects: MailboxDefects = []
        if truncated { defects.insert(.truncated) }
        if damaged { defects.insert(.damagedQueueFile) }
        let bytes = ByteSlice(message)
        return MailboxMessage(source: source, index: 0, offset: 0, length: length, envelopeLine: nil, bytes: bytes,
                              defects: defects, raw: truncated ? nil : bytes, queueEnvelope: envelope)
    }

    /// A two-file queue entry (an Exim spool pair, `EximSpoolMessage`; a Sendmail `qf`/`df` entry,
    /// `SendmailQueueMessage`): the head file read whole, then its body file (`companion`), put together by
    /// `decode` (head, body, body path, `maxMessageBytes`). Either file longer than `maxMessageBytes` is read
    /// that far: the message is `.truncated`. A body file that cannot be read gives the message without
    /// its body (`.damagedQueueFile`), then the error. A head file cut by the limit is damaged by the cut,
    /// not in itself: only a missing body is damage then.
    private mutating func pullPairedEntry<Decoded: PairedQueueEntry>(
        _ decode: (ByteSlice, ByteSlice?, String?, Int) -> Decoded
    ) throws(MailboxError) -> MailboxMessage? {
        guard let file = current, !file.delivered else { return nil }
        try readToEnd()
        current?.delivered = true
        let (data, dataCut) = readCompanion(of: file)
        let decoded = decode(buffer[start..<end], data?[...], file.companion, limits.maxMessageBytes)
        start = end
        let headCut = (current?.droppedBytes ?? 0) > 0
        return decodedMessage(decoded.message, source: file.path, length: decoded.messageLength + dataCut,
                              envelope: decoded.envelope, truncated: decoded.isTruncated || headCut || dataCut > 0,
                              damaged: decoded.missingBodyOnly.map { $0 || !headCut } ?? false)
    }

    /// The body file of a two-file queue entry (an Exim `-D`, a Sendmail `df`): its first
    /// `maxMessageBytes` bytes and how many more it has; nil when there is none or it cannot be read (the
    /// error is kept for after the message).
    private mutating func readCompanion(of file: OpenFile) -> (data: [UInt8]?, cut: Int) {
        guard let companion = file.companion else { return (nil, 0) }
        do throws(MailboxError) {
            let read = try POSIXFiles.readPrefix(companion, limit: limits.maxMessageBytes)
            return (read.bytes, read.size - read.bytes.count)
        } catch {
            if current?.pendingError == nil { current?.pendingError = error }
            return (nil, 0)
        }
    }

    /// For the path of a file of a Courier queue entry (`C1041826` or `D1041826`) whose other file exists
    /// and whose control file starts as one does: the two paths.
    private static func courierPair(_ path: String) -> (header: String, data: String)? {
        let (folder, name) = POSIXFiles.folderAndName(path)
        let control: String, data: String
        if CourierQueueMessage.dataFileName(forControlFile: name) != nil {
            guard let dataPath = courierDataPath(control: path) else { return nil }
            (control, data) = (path, dataPath)
        } else if let controlName = CourierQueueMessage.controlFileName(forDataFile: name) {
            (control, data) = (POSIXFiles.joined(folder, controlName), path)
            guard (try? POSIXFiles.fileInfo(control).type) == .regular else { return nil }
        } else {
            return nil
        }
        guard let head = try? POSIXFiles.readPrefix(control, limit: CourierQueueMessage.bytesToDetect).bytes,
              CourierQueueMessage.isControlFile(head) else { return nil }
        return (control, data)
    }

    /// The data file of the Courier control file at `control` (`D1041826` beside `C1041826`), if there is one.
    static func courierDataPath(control: String) -> String? {
        let (folder, name) = POSIXFiles.folderAndName(control)
        guard let dataName = CourierQueueMessage.dataFileName(forControlFile: name) else { return nil }
        let data = POSIXFiles.joined(folder, dataName)
        return (try? POSIXFiles.fileInfo(data).type) == .regular ? data : nil
    }

    /// For the path of a file of a Sendmail queue entry (`qfID`, `hfID`, `QfID` or `dfID`, `ID` a queue
    /// ID) whose other file exists and whose control file starts as one does: the two paths.
    private static func sendmailPair(_ path: String) -> (header: String, data: String)? {
        let name = POSIXFiles.fileName(path)
        let prefix = String(name.prefix(2)), id = String(name.dropFirst(2))
        guard SendmailQueueMessage.isQueueID(id) else { return nil }
        let isControl: (String) -> Bool = { candidate in
            guard let head = try? POSIXFiles.readPrefix(candidate, limit: SendmailQueueMessage.bytesToDetect).bytes else { return false }
            return SendmailQueueMessage.isControlFile(head)
        }
        if SendmailQueueMessage.controlFilePrefixes.contains(prefix) {
            guard let data = sendmailDataPath(control: path), isControl(path) else { return nil }
            return (path, data)
        }
        guard prefix == "df" else { return nil }
        for control in sendmailControlPaths(data: path) where (try? POSIXFiles.fileInfo(control).type) == .regular && isControl(control) {
            return (control, path)
        }
        return nil
    }

    /// The `df` file of the Sendmail control file at `control`, if there is one: beside it, or when it
    /// is in a queue's `qf/` folder, in the `df/` folder beside that (queue.c, `queuename`: the `qf`,
    /// `df` and `xf` sub-folders).
    static func sendmailDataPath(control: String) -> String? {
        let (folder, name) = POSIXFiles.folderAndName(control)
        let id = name.dropFirst(2)
        var candidates = [folder + "/df" + id]
        let (parent, folderName) = POSIXFiles.folderAndName(folder)
        if folderName == "qf" { candidates.append(parent + "/df/df" + id) }
        return candidates.first { (try? POSIXFiles.fileInfo($0).type) == .regular }
    }

    /// Where the control file of the Sendmail `df` file at `data` may be, in the order tried: `qf`, `hf`,
    /// `Qf` beside it, then (for a file in a `df/` folder) in the `qf/` folder beside that.
    private static func sendmailControlPaths(data: String) -> [String] {
        let (folder, name) = POSIXFiles.folderAndName(data)
        let id = name.dropFirst(2)
        var paths = SendmailQueueMessage.controlFilePrefixes.map { folder + "/" + $0 + id }
        let (parent, folderName) = POSIXFiles.folderAndName(folder)
        if folderName == "df" { paths += SendmailQueueMessage.controlFilePrefixes.map { parent + "/qf/" + $0 + id } }
        return paths
    }

    /// For the path of a file of an Exim spool pair (`ID-H`, `ID-D`, `ID` a message ID) whose other file
    /// exists and whose `-H` file starts as one does: the two paths.
    private static func eximPair(_ path: String) -> (header: String, data: String)? {
        let name = POSIXFiles.fileName(path)
        guard name.hasSuffix("-H") || name.hasSuffix("-D"), EximSpoolMessage.isMessageID(name.dropLast(2)) else { return nil }
        let stem = String(path.dropLast(2))
        let header = stem + "-H", data = stem + "-D"
        guard (try? POSIXFiles.fileInfo(data).type) == .regular,
              let head = try? POSIXFiles.readPrefix(header, limit: EximSpoolMessage.bytesToDetect).bytes,
              EximSpoolMessage.isHeaderFile(head, name: POSIXFiles.fileName(header)) else { return nil }
        return (header, data)
    }

    /// Reads the current file to its end: up to `maxMessageBytes` into the buffer, the rest counted in
    /// `droppedBytes` and not kept.
    private mutating func readToEnd() throws(MailboxError) {
        while current?.atEnd == false {
            if end - start >= limits.maxMessageBytes {
                try discardRest()
            } else {
                try refill()
            }
        }
    }

    /// Reads the rest of a too-large single message, counting but not keeping it.
    private mutating func discardRest() throws(MailboxError) {
        guard var file = current else { return }
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        while !file.atEnd {
            let got: Int
            do {
                got = try Self.readContent(&file, into: &scratch, at: 0, count: scratch.count)
            } catch {
                file.atEnd = true
                file.pendingError = error
                break
            }
            if got == 0 { file.atEnd = true }
            file.bytesRead += got
            file.droppedBytes += got
        }
        current = file
    }

    /// Reads at most `count` bytes of the file's content into `buffer` at `offset`: its bytes, or for a
    /// compressed file what they decompress to. 0 at the end.
    private static func readContent(_ file: inout OpenFile, into buffer: inout [UInt8], at offset: Int,
                                    count: Int) throws(MailboxError) -> Int {
        guard let decompressor = file.decompressor else {
            return try POSIXFiles.read(file.descriptor, into: &buffer, at: offset, count: count,
                                       path: file.path, fileOffset: file.bytesRead)
        }
        return try decompressor.read(into: &buffer, at: offset, count: count)
    }

    /// Moves the unconsumed bytes to the front of a buffer and reads more after them.
    ///
    /// The bytes go to the front of a new buffer of the same size, not of this one: a scan keeps the
    /// messages it has been given (slices of this buffer) while it reads on, so moving them within this
    /// buffer first copied all of it (copy on write), a chunk a refill (bsd20 full: 14 refills of 4 MiB,
    /// the `memmove` under `refill` 0.94% of the `perf` samples; the task clock moved by less than its
    /// noise either way, as Benchmarks/HISTORY.md's ninth session found). Where the messages are gone,
    /// the old buffer is freed when `buffer` is replaced.
    private mutating func refill() throws(MailboxError) {
        guard var file = current else { return }
        if start > 0 {
            let unconsumed = end - start
            let from = start
            var fresh = Self.readBuffer(count: buffer.count)
            if unconsumed > 0 {
                buffer.withUnsafeBytes { old in
                    fresh.withUnsafeMutableBytes { new in
                        guard let source = old.baseAddress, let target = new.baseAddress else { return }
                        _ = memcpy(target, source + from, unconsumed)
                    }
                }
            }
            buffer = fresh
            start = 0
            end = unconsumed
        }
        if end == buffer.count {
            // One entry fills the buffer: grow it, doubling, up to what the parser needs to see that an
            // entry is too long (past `maxMessageBytes` it truncates the entry and drops what it skips
            // from the front). Doubling alone took an 80 MB message's buffer to 128 MiB under the 64 MiB
            // limit; now it stops at 68 MiB.
            var more = max(buffer.count, limits.readChunkBytes)
            let ceiling = limits.maxMessageBytes.addingReportingOverflow(limits.readChunkBytes)
            if !ceiling.overflow, buffer.count < ceiling.partialValue { more = min(more, ceiling.partialValue - buffer.count) }
            // Reserved exactly: `append` alone rounds the capacity up by doubling (128 MiB again).
            buffer.reserveCapacity(buffer.count + more)
            buffer.append(contentsOf: repeatElement(0, count: more))
        }
        // Fill the free space, not just one read(2): a pipe returns 64 KiB at a time, and every refill
        // while earlier messages still share the buffer copies it (copy on write), so reading a pipe
        // chunk by chunk held one buffer copy per 64 KiB (300 MB for a 490 MB mbox on stdin).
        // A failure part way ends the file here: what was read is parsed first (see `next()`).
        while end < buffer.count {
            let got: Int
            do {
                got = try Self.readContent(&file, into: &buffer, at: end, count: buffer.count - end)
            } catch {
                file.atEnd = true
                file.pendingError = error
                break
            }
            if got == 0 { file.atEnd = true; break }
            end += got
            file.bytesRead += got
        }
        current = file
    }

    // MARK: - Folders

    /// Names of Maildir metadata files that are not messages (Dovecot, Courier, Maildir++).
    private static let metadataNames: Set<String> = [
        "maildirfolder", "maildirsize", "dovecot-uidlist", "dovecot-keywords", "dovecot-uidvalidity",
        "subscriptions", "courierimapuiddb", "courierimapkeywords", "courierimapacl",
    ]

    /// The folders that make a folder a qmail queue.
    private static let qmailQueueFolders: Set<String> = ["mess", "info", "todo", "intd", "lock"]

    /// Whether `name` may be a Sendmail queue file's: 10 to 22 bytes (a two-letter prefix and a queue ID
    /// of 8 to 20), `f` second, one of the prefixes' first letters first, a digit last. Asked of every
    /// file a folder walk meets before anything that makes a String: with each name cut into new Strings
    /// first, the sisimai bsd folder scan took 88.64M instructions, with this test 87.60M (callgrind).
    private static func mayBeSendmailQueueFileName(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard utf8.count >= 10, utf8.count <= 22, let last = utf8.last, ASCII.isDigit(last) else { return false }
        var bytes = utf8.makeIterator()
        guard let first = bytes.next(), bytes.next() == UInt8(ascii: "f") else { return false }
        return sendmailPrefixLetters.contains(first)
    }

    /// The first letters of the Sendmail queue files' prefixes (`qf`, `hf`, `Qf`, `df`, `xf`, `tf`, `Tf`).
    private static let sendmailPrefixLetters: Set<UInt8> = Set("qhQdxtT".utf8)

    /// Whether the walk passes over the file `name` of `folder` as a Sendmail queue file that is no
    /// message (`xf`, `tf`, `Tf` with a queue ID's name) or a `df` file whose control file the walk reads
    /// (beside it, or for a `df/` folder in the `qf/` folder beside that).
    private static func isSendmailFileReadElsewhere(_ name: String, folder: String, nameSet: Set<String>) -> Bool {
        guard mayBeSendmailQueueFileName(name) else { return false }
        let prefix = String(name.prefix(2)), id = name.dropFirst(2)
        let isNonMessage = SendmailQueueMessage.nonMessagePrefixes.contains(prefix)
        guard isNonMessage || prefix == "df", SendmailQueueMessage.isQueueID(id) else { return false }
        if isNonMessage { return true }
        if SendmailQueueMessage.controlFilePrefixes.contains(where: { nameSet.contains($0 + id) }) { return true }
        let (parent, folderName) = POSIXFiles.folderAndName(folder)
        guard folderName == "df" else { return false }
        let qfFolder = parent + "/qf/"
        return SendmailQueueMessage.controlFilePrefixes.contains { (try? POSIXFiles.fileInfo(qfFolder + $0 + id).type) == .regular }
    }

    /// Every message file below `root`, sorted by path bytes (`sortKey`), with failures to list sub-folders kept in
    /// place as entries.
    private static func walk(_ root: String) throws(MailboxError) -> [Entry] {
        var files: [Entry] = []
        var failures: [(String, MailboxError)] = []
        var folders = [root]
        var first = true
        while let folder = folders.popLast() {
            let names: [String]
            do {
                names = try POSIXFiles.listDirectory(folder)
            } catch {
                if first { throw error }
                failures.append((folder, error))
                continue
            }
            first = false
            let isMaildirLevel = names.contains("cur") || names.contains("new")
            let nameSet = Set(names)
            // An OpenSMTPD message's folder (`OpenSMTPDQueue`): its envelope files are read with its
            // `message` file.
            let openSMTPDMessageID = nameSet.contains(OpenSMTPDQueue.messageFileName)
                ? OpenSMTPDQueue.messageID(ofFolder: folder) : nil
            // A qmail queue (`/var/qmail/queue`): the messages are the files under `mess/`; `info/`,
            // `local/`, `remote/`, `todo/`, `intd/` and `bounce/` hold their envelopes and delivery
            // state, `lock/` the daemon's (qmail's INTERNALS, the queue's states): none is a message.
            // Only a real folder: a symbolic link is never followed to a folder (a link back up would
            // make the walk endless).
            let mess = folder.hasSuffix("/") ? folder + "mess" : folder + "/mess"
            var messInfo = stat()
            if Self.qmailQueueFolders.isSubset(of: nameSet), POSIXFiles.statNotFollowingLinks(mess, &messInfo), messInfo.st_mode & S_IFMT == S_IFDIR {
                folders.append(mess)
                continue
            }
            for name in names {
                // An Exim spool pair is one message, read from its `-H` file (`next()` reads the `-D`
                // file as a message of its own after all if the `-H` file is no spool file); its journal
                // (`-J`) and DKIM temporary (`-K`) are no messages.
                if name.hasSuffix("-D") || name.hasSuffix("-J") || name.hasSuffix("-K"),
                   EximSpoolMessage.isMessageID(name.dropLast(2)), nameSet.contains(String(name.dropLast(2)) + "-H") {
                    continue
                }
                // A Sendmail entry is one message, read from its control file (`qf`, `hf`, `Qf`), which
                // reads the `df` file; its transcript and temporary files are no messages.
                if Self.isSendmailFileReadElsewhere(name, folder: folder, nameSet: nameSet) { continue }
                if let openSMTPDMessageID, OpenSMTPDQueue.isEnvelopeReadWithMessage(name, messageID: openSMTPDMessageID) { continue }
                // A Courier entry is one message, read from its control file, which reads the data file;
                // the schedule's links to control files (`msgq/`) are no messages.
                if let control = CourierQueueMessage.controlFileName(forDataFile: name), nameSet.contains(control) { continue }
                if CourierQueueMessage.isScheduleLink(name) { continue }
                let child = POSIXFiles.joined(folder, name)
                var info = stat()
                guard POSIXFiles.statNotFollowingLinks(child, &info) else {
                    failures.append((child, MailboxError(.cannotOpen, path: child, errno: errno)))
                    continue
                }
                var mode = info.st_mode & S_IFMT
                if mode == S_IFLNK {
                    // Follow links to files; never links to folders (they can make cycles).
                    guard POSIXFiles.statFollowingLinks(child, &info), info.st_mode & S_IFMT == S_IFREG else { continue }
                    mode = S_IFREG
                }
                if mode == S_IFDIR {
                    // Maildir: tmp/ holds deliveries in progress. Maildir++ folders start with a dot.
                    if isMaildirLevel, name == "tmp" { continue }
                    if name == "." || name == ".." { continue }
                    folders.append(child)
                } else if mode == S_IFREG {
                    if name.hasPrefix(".") || metadataNames.contains(name) || name.hasPrefix("dovecot.") {
                        continue
                    }
                    var companion: String?
                    if name.hasSuffix("-H"), EximSpoolMessage.isMessageID(name.dropLast(2)),
                       nameSet.contains(String(name.dropLast(2)) + "-D") {
                        companion = String(child.dropLast(2)) + "-D"
                    } else if Self.mayBeSendmailQueueFileName(name),
                              SendmailQueueMessage.controlFilePrefixes.contains(String(name.prefix(2))),
                              SendmailQueueMessage.isQueueID(name.dropFirst(2)) {
                        companion = Self.sendmailDataPath(control: child)
                    } else if let data = CourierQueueMessage.dataFileName(forControlFile: name), nameSet.contains(data) {
                        companion = POSIXFiles.joined(folder, data)
                    }
                    // An OpenSMTPD message's envelope files, from this listing.
                    let envelopes = openSMTPDMessageID.flatMap { id in
                        name == OpenSMTPDQueue.messageFileName
                            ? OpenSMTPDQueue.envelopePaths(in: folder, names: names, messageID: id) : nil
                    }
                    files.append(.file(child, size: max(0, Int(info.st_size)), companion: companion, envelopes: envelopes))
                }
            }
        }
        var all: [(String, Entry)] = files.compactMap { entry in
            if case .file(let path, _, _, _) = entry { return (path, entry) }
            return nil
        }
        all += failures.map { ($0.0, .failure($0.1)) }
        // By the paths' bytes (`sortKey`), compared with memcmp: comparing the Strings' UTF-8 views one
        // element at a time cost ~4,500 instructions a comparison (the sisimai bsd folder: 26M of a 108M
        // scan). Indices are sorted, not the entries: moving those retained and released their strings.
        let keys = all.map { Self.sortKey($0.0) }
        let order = keys.indices.sorted { a, b in
            keys[a].withUnsafeBufferPointer { x in
                keys[b].withUnsafeBufferPointer { y in
                    guard let p = x.baseAddress, let q = y.baseAddress else { return x.count < y.count }
                    let sign = memcmp(p, q, min(x.count, y.count))
                    return sign != 0 ? sign < 0 : x.count < y.count
                }
            }
        }
        return order.map { all[$0].1 }
    }

    /// A path's bytes as the walk orders them: as they are, but for a file named by a number (an MH
    /// folder's messages, as nmh, Claws Mail and Sylpheed keep them: `1`, `2`, ... `10`; Dovecot's `u.1`
    /// ... `u.10` and `m.1` ... `m.10`; Apple Mail's `1.emlx` ... `10.emlx`, `3.partial.emlx`), whose
    /// number becomes 0x01, its length and its digits, so that such files come in the order of their
    /// numbers among the names they share the rest with, and not as `1`, `10`, `100`, `11`, `2`. A name
    /// is named by a number when it is a run of digits with, before it, nothing or letters and a dot,
    /// and after it, nothing or a dot and no digit: other names keep their bytes, so that queue IDs
    /// (Exim's `1xaF97-000170-AA-H`, Sendmail's `qf6B6Jb7NR017961`, Maildir's `1733000000.M1P2.host:2,S`),
    /// whose byte order is the order they were made in, keep it. One key a path, compared bytewise, and
    /// the path can be read back from it: a total order whatever the names.
    static func sortKey(_ path: String) -> [UInt8] {
        var key = Array(path.utf8)
        let nameStart = (key.lastIndex(of: ASCII.slash) ?? -1) + 1
        var digitsEnd = key.count
        while digitsEnd > nameStart, !ASCII.isDigit(key[digitsEnd - 1]) { digitsEnd -= 1 }
        var digitsStart = digitsEnd
        while digitsStart > nameStart, ASCII.isDigit(key[digitsStart - 1]) { digitsStart -= 1 }
        let length = digitsEnd - digitsStart
        guard length > 0, length < 256 else { return key }
        // Before the number: nothing, or letters and a dot; after it: nothing, or a dot and no digit (the
        // number is the name's last run of digits).
        if digitsStart > nameStart {
            guard key[digitsStart - 1] == ASCII.dot,
                  key[nameStart..<(digitsStart - 1)].allSatisfy(ASCII.isAlpha) else { return key }
        }
        if digitsEnd < key.count, key[digitsEnd] != ASCII.dot { return key }
        key.insert(contentsOf: [0x01, UInt8(length)], at: digitsStart)
        return key
    }
}
