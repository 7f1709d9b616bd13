#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A push parser for Dovecot's own mailbox files, dbox: an sdbox file (`mailboxes/INBOX/dbox-Mails/u.42`,
/// one message) or an mdbox storage file (`storage/m.7`, several, of any of the user's folders). As
/// Dovecot writes them (src/lib-storage/index/dbox-common/dbox-file.h):
///
///     2 M1e C6566a3f0                       <- file header: version, message header size, creation time
///     ^A^B N 00000000 0000000000000a3c ...LF  <- message header (M bytes): magic, type, size in hex, LF
///     Received: ...                         <- the message as stored, that many bytes
///     LF ^A^C LF                            <- metadata: its magic, then lines "<key><value>"
///     G3085f01b7f11094c501100008c4a11c1
///     R6566a3f0
///                                           <- an empty line ends the metadata
///     ^A^B N ...                            <- the next message (mdbox), or the end of the file
///
/// Feed it as `MboxParser` is fed: append bytes to `input` and call `next(_:)` until it returns nil; at
/// the end, `finish(_:)` until nil.
///
/// - A message is its stored bytes: `offset` and `length` give them in the file (the dbox headers and
///   metadata are in no entry), so `split` writes it into an mbox as it writes a message file. The
///   metadata (GUID, received time, sizes, POP3 UIDL) is passed over.
/// - A message Dovecot's zlib plugin compressed (`mail_plugins = zlib`: gzip, bzip2, xz, zstd, LZ4 or
///   Dovecot's LZ4 container, told by its first bytes, `CompressionFormat`) is decompressed in memory:
///   `bytes` are the message, `raw` is nil, and `MailboxReader.readRawEntry` gives the message back
///   decompressed. Damaged compressed data leaves what was decoded before it, `.damagedFile`; a format
///   whose library cannot be loaded stops the file (`failure`).
/// - An mdbox file also holds messages expunged from a folder but not yet purged (`doveadm purge`), and
///   messages whose attachments Dovecot keeps apart (`mail_attachment_dir`) hold them no more; both
///   are read as stored.
/// - Damage: a file that ends inside a message gives the message as far as it goes (`.damagedFile`).
///   A header or metadata magic that is not where the sizes lead (a damaged or hostile file) stops the
///   file there: `failure` is a `.damagedMailboxFile` error naming the byte, for the reader to throw
///   after the messages before it.
///
/// Limits: a message longer than `MailboxLimits.maxMessageBytes` is cut to it (`.truncated`; its
/// `length` still counts every stored byte) and the rest dropped as it comes; a compressed one is kept
/// to the limit in its stored (compressed) bytes, decompressed as far as they go, and its message is
/// cut to the limit too. Metadata lines are dropped as they come. So the input it holds is
/// bounded by `maxMessageBytes` plus one read, whatever it is fed.
/// - Complexity: O(n) in the bytes fed, however they are chunked (and the decompression of compressed
///   messages).
public struct DboxParser: Sendable {
    /// The path reported in each message's `source`.
    public let source: String
    /// The limits this parser keeps to.
    public let limits: MailboxLimits
    /// Why the file stopped being read before its end, if it did: a `.damagedMailboxFile` error (a header
    /// or metadata magic missing where the sizes lead, a file header that is not one) or a compressed
    /// message whose format's library cannot be loaded (`.unsupportedCompression`). The messages before
    /// it have been returned; `MailboxReader` throws it next.
    public private(set) var failure: MailboxError?

    /// The longest file header line read: 1 KiB (Dovecot writes about 16 bytes).
    public static let maxFileHeaderBytes = 1024
    /// The largest message header a file header may declare (its `M` field): 4 KiB. Dovecot's is 30
    /// bytes (`sizeof(struct dbox_message_header)`), the least that holds its fields.
    public static let maxMessageHeaderBytes = 4096
    /// The fields of a message header: magic (2 bytes), type, a blank, an old UID in hex (8), a blank,
    /// the message's size in hex (16), LF.
    static let minMessageHeaderBytes = 30
    static let messageMagic: [UInt8] = [0x01, 0x02]
    static let metadataMagic: [UInt8] = [ASCII.lineFeed, 0x01, 0x03, ASCII.lineFeed]

    private enum Phase: Sendable {
        case fileHeader
        case messageHeader
        /// A message's stored bytes, `size` of them, the first at `start` in the whole file.
        case message(start: Int, size: Int)
        /// A message longer than the limit: its first bytes kept, `left` more to drop.
        case dropping(start: Int, size: Int, head: ByteSlice, left: Int)
        case metadataMagic
        /// Metadata lines: `lineStart` is the first byte of the line being dropped, if it has begun.
        case metadata(lineStart: UInt8?)
        /// After a failure: everything is dropped.
        case stopped
    }

    private var phase = Phase.fileHeader
    /// Offset in the whole input of `input.startIndex`.
    private var streamOffset: Int
    private var index = 0
    /// The file header's `M` field.
    private var messageHeaderBytes = 0

    /// Creates a parser.
    /// - Parameters:
    ///   - source: the path to report in `MailboxMessage.source` and in `failure`.
    ///   - limits: bounds on message size.
    public init(source: String = "-", limits: MailboxLimits = .init()) {
        self.source = source
        self.limits = limits
        self.streamOffset = 0
    }

    /// Bytes enough for `isDboxFile`.
    public static let bytesToDetect = 4

    /// Whether `bytes` begin as a dbox file does: its version (1 or 2), a blank, and a header field (`M`,
    /// `C` or `A`, Dovecot's keys) with its first hex digit.
    /// Asked of every file of a folder (`MailFileFormat.detect`): the first byte decides for nearly all, and
    /// nothing is allocated.
    public static func isDboxFile<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var i = bytes.startIndex
        func next() -> UInt8? {
            guard i != bytes.endIndex else { return nil }
            defer { i = bytes.index(after: i) }
            return bytes[i]
        }
        guard let version = next(), version == UInt8(ascii: "2") || version == UInt8(ascii: "1"),
              next() == ASCII.space, let key = next(),
              key == UInt8(ascii: "M") || key == UInt8(ascii: "C") || key == UInt8(ascii: "A"),
              let digit = next() else { return false }
        return hexValue(digit) != nil
    }

    /// The next message whose end is known, removed from the front of `input` with the headers before it;
    /// nil when more bytes are needed.
    public mutating func next(_ input: inout ByteSlice) -> MailboxMessage? {
        step(&input, atEnd: false)
    }

    /// At the end of the input: the next remaining message (one the file ends inside), or nil when all
    /// have been returned.
    public mutating func finish(_ input: inout ByteSlice) -> MailboxMessage? {
        step(&input, atEnd: true)
    }
}

// MARK: - The walk

extension DboxParser {
    private mutating func step(_ input: inout ByteSlice, atEnd: Bool) -> MailboxMessage? {
        while true {
            let count = input.count
            switch phase {
            case .stopped:
                consume(count, &input)
                return nil

            case .fileHeader:
                // "2 M1e C6566a3f0": the version, then fields of a key letter and a hex value.
                let window = input.prefix(Self.maxFileHeaderBytes + 1)
                guard let lineEnd = window.firstIndex(of: ASCII.lineFeed) else {
                    if (atEnd && count > 0) || count > Self.maxFileHeaderBytes {
                        stop("the file header line is not a dbox one", at: 0)
                    }
                    return nil
                }
                guard let size = Self.messageHeaderSize(input[input.startIndex..<lineEnd]) else {
                    stop("the file header line is not a dbox one", at: 0)
                    continue
                }
                messageHeaderBytes = size
                consume(lineEnd + 1 - input.startIndex, &input)
                phase = .messageHeader

            case .messageHeader:
                if count == 0 { return nil }  // the end of the file, between messages
                guard count >= messageHeaderBytes else {
                    if atEnd { stop("the file ends inside a message header", at: 0) }
                    return nil
                }
                guard let size = Self.messageSize(input.prefix(messageHeaderBytes)) else {
                    stop("no message header where the last message's size and metadata lead", at: 0)
                    continue
                }
                consume(messageHeaderBytes, &input)
                phase = .message(start: streamOffset, size: size)

            case .message(let start, let size):
                if size > limits.maxMessageBytes {
                    guard count >= limits.maxMessageBytes || atEnd else { return nil }
                    let head = ByteSlice(input.prefix(limits.maxMessageBytes))
                    phase = .dropping(start: start, size: size, head: head, left: size)
                    continue
                }
                if count >= size {
                    let stored = input.prefix(size)
                    consume(size, &input)
                    phase = .metadataMagic
                    guard let message = makeMessage(stored, start: start, size: size, cutByLimit: false, cutShort: false) else { continue }
                    return message
                }
                guard atEnd else { return nil }
                // The file ends inside the message.
                let stored = input[...]
                consume(count, &input)
                phase = .stopped
                guard let message = makeMessage(stored, start: start, size: count, cutByLimit: false, cutShort: true) else { continue }
                return message

            case .dropping(let start, let size, let head, let left):
                let drop = min(left, count)
                consume(drop, &input)
                if left - drop == 0 {
                    phase = .metadataMagic
                    guard let message = makeMessage(head, start: start, size: size, cutByLimit: true, cutShort: false) else { continue }
                    return message
                }
                guard atEnd else {
                    phase = .dropping(start: start, size: size, head: head, left: left - drop)
                    return nil
                }
                phase = .stopped
                guard let message = makeMessage(head, start: start, size: size - (left - drop), cutByLimit: true, cutShort: true) else { continue }
                return message

            case .metadataMagic:
                let magic = Self.metadataMagic
                guard count >= magic.count else {
                    // The end of the file right after a message: its metadata was never written (a save
                    // cut short), which costs the message nothing.
                    if atEnd, count > 0, !magic.starts(with: input) {
                        stop("no metadata after a message", at: 0)
                    } else if atEnd {
                        consume(count, &input)
                    }
                    return nil
                }
                guard input.prefix(magic.count).elementsEqual(magic) else {
                    stop("no metadata after a message", at: 0)
                    continue
                }
                consume(magic.count, &input)
                phase = .metadata(lineStart: nil)

            case .metadata(let lineStart):
                // Lines of a key and a value, dropped as they come; an empty line (a line of blanks, in
                // version 1) ends the metadata.
                guard let lineEnd = input.firstIndex(of: ASCII.lineFeed) else {
                    let first = lineStart ?? input.first
                    consume(count, &input)
                    phase = .metadata(lineStart: first)
                    return nil
                }
                let first = lineStart ?? (lineEnd > input.startIndex ? input.first : nil)
                consume(lineEnd + 1 - input.startIndex, &input)
                phase = first == nil || first == ASCII.space ? .messageHeader : .metadata(lineStart: nil)
            }
        }
    }

    /// The message stored in `stored` (`size` bytes counted in the file from `start`): decompressed when
    /// compressed; `cutByLimit` when the limit cut it, `cutShort` when the file ended inside it. Nil, and
    /// the file stopped, when its compression's library cannot be loaded.
    private mutating func makeMessage(_ stored: ByteSlice, start: Int, size: Int, cutByLimit: Bool,
                                      cutShort: Bool) -> MailboxMessage? {
        var defects: MailboxDefects = []
        if cutByLimit { defects.insert(.truncated) }
        if cutShort { defects.insert(.damagedFile) }
        var bytes = stored
        var raw: ByteSlice? = cutByLimit || cutShort ? nil : stored
        if let format = CompressionFormat.detect(stored) {
            let decoded = StreamDecompressor.decompress(stored, format: format, path: source, limit: limits.maxMessageBytes)
            bytes = ByteSlice(decoded.bytes)
            raw = nil
            if decoded.beyondLimit { defects.insert(.truncated) }
            switch decoded.failure?.code {
            case nil:
                break
            case .unsupportedCompression?:
                if failure == nil, let error = decoded.failure {
                    failure = MailboxError(.unsupportedCompression, path: source, byteOffset: start, detail: error.detail)
                }
                phase = .stopped
                return nil
            default:
                // Damaged compressed data, or compressed data the limit or the file's end cut.
                if !cutByLimit && !cutShort { defects.insert(.damagedFile) }
            }
        }
        let message = MailboxMessage(source: source, index: index, offset: start, length: size, envelopeLine: nil,
                                     bytes: bytes, defects: defects, raw: raw)
        index += 1
        return message
    }

    /// Stops reading the file: `failure` says why, at `offset` from `input.startIndex`.
    private mutating func stop(_ why: String, at offset: Int) {
        if failure == nil {
            failure = MailboxError(.damagedMailboxFile, path: source, byteOffset: streamOffset + offset,
                                   detail: "dbox: " + why)
        }
        phase = .stopped
    }

    /// Drops `count` bytes from the front of `input`.
    private mutating func consume(_ count: Int, _ input: inout ByteSlice) {
        input = input[(input.startIndex + count)...]
        streamOffset += count
    }

    /// The `M` field of a file header line (dbox-file.c, `dbox_file_parse_header`): the version 1 or 2,
    /// a blank, then blank-separated fields of a key letter and a hex value; nil when the line is not
    /// one, or its size is outside `minMessageHeaderBytes ... maxMessageHeaderBytes`.
    static func messageHeaderSize(_ line: ByteSlice) -> Int? {
        guard line.count >= 2, line.first == UInt8(ascii: "2") || line.first == UInt8(ascii: "1"),
              line[line.startIndex + 1] == ASCII.space else { return nil }
        var size: Int?
        for field in line.dropFirst(2).split(separator: ASCII.space) where field.first == UInt8(ascii: "M") {
            guard let value = hexNumber(field.dropFirst(), maxDigits: 8) else { return nil }
            size = value
        }
        guard let size, size >= minMessageHeaderBytes, size <= maxMessageHeaderBytes else { return nil }
        return size
    }

    /// The stored size a message header gives (`struct dbox_message_header`): nil unless it starts with
    /// the magic and ends with LF, its size sixteen hex digits at their place.
    static func messageSize(_ header: ByteSlice) -> Int? {
        guard header.count >= minMessageHeaderBytes, header.starts(with: messageMagic),
              header.last == ASCII.lineFeed else { return nil }
        let digits = header.dropFirst(13).prefix(16)
        // Sixteen hex digits may say more than any file holds: past 2^62 the file is damaged.
        guard let size = hexNumber(digits, maxDigits: 16), size < 1 << 62 else { return nil }
        return size
    }

    /// `digits` read as a hex number (1 to `maxDigits` of them, nothing else), or nil.
    static func hexNumber(_ digits: ByteSlice, maxDigits: Int) -> Int? {
        guard !digits.isEmpty, digits.count <= maxDigits else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = hexValue(byte) else { return nil }
            value = value << 4 | UInt64(digit)
        }
        return value <= UInt64(Int.max) ? Int(value) : nil
    }
}
