/// A Postfix queue file decoded from its records: the envelope (sender, recipients, arrival time) and the
/// message, byte for byte as `postcat -bh` prints it. These are the files under
/// `/var/spool/postfix/{incoming,active,deferred,hold,corrupt}` and, in a shorter form written by
/// `postdrop`, `maildrop`.
///
/// The format (Postfix's `global/record.c` and `global/rec_type.h`): a sequence of records, each a type
/// byte, the data's length in groups of seven bits, lowest first, the eighth bit set on every group but
/// the last, then the data. Three segments follow one another:
/// - the envelope, up to an `M` record: `C` (sizes, fixed-width decimals; absent from maildrop files),
///   `T` (arrival time, `seconds microseconds`), `S` (sender, empty for the null sender `<>` of a
///   bounce), `R` (recipients still to deliver to), `O`, `A` and more, which are not read;
/// - the content: one `N` record a line, without its line end; a line longer than Postfix's
///   `line_length_limit` is `L` records for its pieces and an `N` for the last;
/// - after an `X` record, what was extracted from the headers (an `R` there is a recipient too), up to
///   the `E` record that ends the file.
///
/// A `p` record holds a decimal file offset where reading goes on: Postfix edits a queue file in place
/// that way (a milter's added or changed header, an added recipient: the new records are appended after
/// `E`, followed by a `p` back). A `p` of 0 is a placeholder; `w` records are padding. Both are followed
/// or skipped as `postcat` does.
///
/// Hostile or damaged files are decoded as far as they go: a malformed length, a record that runs past
/// the end, a pointer outside the file or a file without `E` stops the walk there and sets `damage`
/// (the message keeps what was decoded before). Limits: the walk reads at most as many record bytes as
/// the file holds, which a walk without loops never exceeds, so a pointer loop ends it
/// (`DamageKind.pointerLoop`) in time linear in the file's size; the message keeps at most
/// `maxMessageBytes` (`isTruncated`), though its length is counted in full (past the limit the content
/// records are counted, not read); the envelope's addresses at most `maxEnvelopeBytes`.
public struct PostfixQueueFile: Sendable {
    /// The envelope sender (the first `S` record): empty for the null sender `<>` that bounces are sent
    /// with; nil when the file has no `S` record.
    public var sender: [UInt8]?
    /// The recipients not yet delivered to (`R` records, in the envelope and in the extracted segment),
    /// in file order.
    public var recipients: [[UInt8]]
    /// When the message arrived, in seconds since 1970 (the `T` record); nil without one.
    public var arrivalTime: Int?
    /// The message: each `N` record's data followed by LF, each `L` record's data alone, up to
    /// `maxMessageBytes`.
    public var message: [UInt8]
    /// Bytes of the whole message as decoded: `message.count`, or more when it was truncated.
    public var messageLength: Int
    /// Whether the message was longer than `maxMessageBytes` and `message` holds its first part.
    public var isTruncated: Bool
    /// What stopped the walk before the file's `E` record, if anything.
    public var damage: Damage?

    /// The envelope, as `MailboxReader` hands it on with the message (`MailboxMessage.queueEnvelope`).
    public var envelope: QueueEnvelope { QueueEnvelope(sender: sender, recipients: recipients, arrivalTime: arrivalTime) }

    /// A fault in the queue file, and where it was found: `offset` is the byte offset in the file of the
    /// record where it was found (the file's size for an end without `E`).
    public typealias Damage = QueueFileDamage<DamageKind>

    /// The kinds of fault (`Damage.kind`).
    public enum DamageKind: String, Sendable, Hashable {
        /// A record's length has more than 32 bits (as `rec_get` refuses), or a `p` record's
        /// value is not a decimal number.
        case malformedRecord = "malformed-record"
        /// The file ends inside a record or before its `E` record (a file still being written, or cut).
        case unexpectedEnd = "unexpected-end"
        /// A `p` record points outside the file.
        case pointerOutOfRange = "pointer-out-of-range"
        /// The walk read more record bytes than the file holds: pointers that go round.
        case pointerLoop = "pointer-loop"
        /// The file ended (`E`) without a content segment (`M`).
        case noContent = "no-content"
    }

    /// The three segments of a queue file, in file order.
    private enum Segment { case envelope, content, extracted }

    // MARK: - Record types (rec_type.h)

    /// The record types read; the others are passed over.
    private enum RecordType {
        static let size = UInt8(ascii: "C")
        static let time = UInt8(ascii: "T")
        static let sender = UInt8(ascii: "S")
        static let recipient = UInt8(ascii: "R")
        static let messageStart = UInt8(ascii: "M")
        static let normalLine = UInt8(ascii: "N")
        static let linePiece = UInt8(ascii: "L")
        static let extractedStart = UInt8(ascii: "X")
        static let end = UInt8(ascii: "E")
        static let pointer = UInt8(ascii: "p")
        static let padding = UInt8(ascii: "w")
        /// The types of the envelope segment (`REC_TYPE_ENVELOPE`, with `p`, `f`, `d` and the size
        /// record's `C`), for `isQueueFile`'s look at the second record.
        static let envelope = Set("MCTcFILSDRO/WVA>K<ionpfd".utf8)
    }

    // MARK: - Detection

    /// Bytes enough for `isQueueFile`: the longest first record `isQueueFile` accepts and the next
    /// record's type.
    public static let bytesToDetect = 2 + 127 + 1

    /// Whether `bytes` begin as a queue file does: a `C` record (a queue file) or a `T` record (a
    /// maildrop file) of one length byte whose data is decimal numbers and spaces, followed by a record
    /// type of the envelope segment. Text never starts so: `T` would have to be followed by a control
    /// character and the digits it announces.
    public static func isQueueFile<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var iterator = bytes.makeIterator()
        guard let type = iterator.next(), type == RecordType.size || type == RecordType.time,
              let length = iterator.next(), length > 0, length < 0x80 else { return false }
        var digits = 0
        for _ in 0..<Int(length) {
            guard let byte = iterator.next() else { return false }
            if ASCII.isDigit(byte) { digits += 1 } else if byte != ASCII.space { return false }
        }
        guard digits > 0, let next = iterator.next() else { return false }
        return RecordType.envelope.contains(next)
    }

    // MARK: - Decoding

    /// The most bytes of the envelope's addresses kept (the `S` record's and the `R` records' data):
    /// recipients past it, or a record longer than it, are not kept. 1 MiB, as `PostcatParser`'s.
    public static let maxEnvelopeBytes = 1 << 20

    /// The longest `p` (pointer) or `T` (arrival time) record read as a number: Postfix writes both in
    /// fewer than 40 bytes (`%15ld`; seconds and microseconds). A longer pointer is malformed; a longer
    /// time is not read.
    public static let maxNumberRecordBytes = 64

    /// Decodes a queue file whole.
    /// - Parameters:
    ///   - file: the file's bytes (offsets in `damage` count from `file.startIndex`).
    ///   - maxMessageBytes: the most of the message kept in `message`.
    /// - Complexity: O(`file.count`), whatever its pointers.
    public init(decoding file: ByteSlice, maxMessageBytes: Int = MailboxLimits().maxMessageBytes) {
        var bytes = QueueFileBytesInMemory(file)
        self.init(walking: &bytes, maxMessageBytes: maxMessageBytes)
    }

    /// Decodes the queue file `file` gives the bytes of, reading each record where the walk finds it (a
    /// file read with pread(2) keeps one window of it in memory, not the whole: `MailboxReader`). A
    /// byte that cannot be read ends the walk as the file's end does.
    init<Bytes: QueueFileBytes>(walking file: inout Bytes, maxMessageBytes: Int) {
        sender = nil
        recipients = []
        arrivalTime = nil
        message = []
        messageLength = 0
        isTruncated = false
        damage = nil

        var segment = Segment.envelope
        var sawContent = false
        let count = file.count
        var position = 0
        /// Record bytes read so far; more than the file holds means a loop.
        var walked = 0
        /// Bytes of the addresses kept, bounded by `maxEnvelopeBytes`.
        var envelopeBytes = 0
        // The content is made of the records' data, each read once: never longer than the file.
        var out = CappedMessage(limit: maxMessageBytes, expected: count)
        defer {
            message = out.bytes
            messageLength = out.length
            isTruncated = out.isTruncated
        }

        walk: while true {
            guard position < count, let type = file.byte(at: position) else {
                damage = Damage(.unexpectedEnd, offset: min(position, count))
                break
            }
            let recordStart = position
            position += 1
            // The length: seven bits a byte, lowest first, at most 32 bits (record.c, `rec_get_raw`).
            var length = 0
            var shift = 0
            while true {
                guard shift < 32 else {
                    damage = Damage(.malformedRecord, offset: recordStart)
                    break walk
                }
                guard position < count, let byte = file.byte(at: position) else {
                    damage = Damage(.unexpectedEnd, offset: recordStart)
                    break walk
                }
                position += 1
                length |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            guard length <= count - position else {
                damage = Damage(.unexpectedEnd, offset: recordStart)
                break
            }
            let dataStart = position
            position += length
            walked += position - recordStart
            guard walked <= count else {
                damage = Damage(.pointerLoop, offset: recordStart)
                break
            }

            switch type {
            case RecordType.pointer:
                guard length <= Self.maxNumberRecordBytes else {
                    damage = Damage(.malformedRecord, offset: recordStart)
                    break walk
                }
                guard let data = file.gather(at: dataStart, length: length) else {
                    damage = Damage(.unexpectedEnd, offset: recordStart)
                    break walk
                }
                guard let target = Self.decimal(data) else {
                    damage = Damage(.malformedRecord, offset: recordStart)
                    break walk
                }
                if target == 0 { continue }  // a placeholder
                guard target < count else {
                    damage = Damage(.pointerOutOfRange, offset: recordStart)
                    break walk
                }
                position = target
                continue
            case RecordType.padding:
                continue
            case RecordType.end:
                if !sawContent { damage = Damage(.noContent, offset: recordStart) }
                break walk
            default:
                break
            }

            /// An `S` or `R` record's address, when it fits under `maxEnvelopeBytes`.
            func address() -> [UInt8]? {
                guard envelopeBytes + length <= Self.maxEnvelopeBytes,
                      let data = file.gather(at: dataStart, length: length) else { return nil }
                envelopeBytes += length
                return data
            }

            switch segment {
            case .envelope:
                switch type {
                case RecordType.sender where sender == nil: sender = address()
                case RecordType.recipient: if let recipient = address() { recipients.append(recipient) }
                case RecordType.time where arrivalTime == nil && length <= Self.maxNumberRecordBytes:
                    arrivalTime = file.gather(at: dataStart, length: length).flatMap(Self.decimal)
                case RecordType.messageStart:
                    segment = .content
                    sawContent = true
                default: break
                }
            case .content:
                switch type {
                case RecordType.normalLine, RecordType.linePiece:
                    if out.isFull {
                        // Only counted past the limit: a 10 GB file is not read into memory to be dropped.
                        out.countDropped(length)
                    } else if !file.forEachPiece(at: dataStart, length: length, { out.append($0) }) {
                        damage = Damage(.unexpectedEnd, offset: recordStart)
                        break walk
                    }
                    if type == RecordType.normalLine { out.append(CollectionOfOne(ASCII.lineFeed)) }
                case RecordType.extractedStart:
                    segment = .extracted
                default: break  // postcat prints no other record as message text
                }
            case .extracted:
                if type == RecordType.recipient, let recipient = address() { recipients.append(recipient) }
            }
        }
    }

    /// The decimal number in `data` after leading spaces (a `p` record's `%15ld`, a `T` record's
    /// seconds, before its microseconds), or nil when there is none, something else follows, or it has
    /// more than 18 digits.
    private static func decimal<Bytes: Collection<UInt8>>(_ data: Bytes) -> Int? {
        var value = 0
        var digits = 0
        var index = data.startIndex
        while index != data.endIndex, data[index] == ASCII.space { data.formIndex(after: &index) }
        while index != data.endIndex {
            let byte = data[index]
            if ASCII.isDigit(byte) {
                guard digits < 18 else { return nil }
                value = value * 10 + Int(byte &- ASCII.zero)
                digits += 1
            } else if byte == ASCII.space {
                // A `T` record's microseconds follow a space.
                break
            } else {
                return nil
            }
            data.formIndex(after: &index)
        }
        return digits > 0 ? value : nil
    }
}
