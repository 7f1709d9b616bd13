/// A message on the Courier mail server's queue, put together from its two queue files: the files under
/// `/var/lib/courier/msgs`, in a folder named by the inode number's last two digits, the control file
/// `C1041826` and the data file `D1041826` (as Courier 1.0.16 wrote them in
/// Fixtures/mailbox/courier-queue). The data file is the message as Courier sends it, its `Received:`
/// field on top (the fixtures' cross-check: what Courier sent over SMTP was each data file byte for
/// byte); the control file holds the envelope and the delivery state.
///
/// The control file (comctlfile.h) is a series of records, one a line, each named by its first byte:
/// `s` the sender (empty for the null sender `<>` of Courier's own bounces), `r` a recipient (numbered from
/// 0 in file order), `R` its original address, `N` its DSN flags, `M` the queue ID (the inode number, the
/// time when the message was queued and a third number, in hex, joined by dots), and, appended as
/// deliveries are tried, `I` lines of delivery information, `D` (deferred), `S` (delivered) and `F`
/// (failed) each with a recipient's number, `C` (an attempt complete), `A` (the next attempt), and more.
/// A recipient with an `S` or `F` record is done; the others are still to be delivered, as `mailq` lists
/// them. Courier appends whole lines, so a last line without its LF is one being written or cut: not
/// read, and `damage`. Limits: one pass over each file, linear in their sizes; the message keeps at most
/// `maxMessageBytes` (`isTruncated`).
public struct CourierQueueMessage: Sendable {
    /// The envelope sender: empty for the null sender; nil when the control file has no `s` record.
    public var sender: [UInt8]?
    /// The recipients still to be delivered (neither an `S` nor an `F` record for them), in file order.
    public var recipients: [[UInt8]]
    /// When the message was queued (the time in its `M` record's queue ID), in seconds since 1970; nil
    /// when the record is missing or malformed.
    public var creationTime: Int?
    /// The message: the data file.
    public var message: [UInt8]
    /// Bytes of the whole message: `message.count`, or more when it was truncated.
    public var messageLength: Int
    /// Whether the message was longer than `maxMessageBytes` and `message` holds its first part.
    public var isTruncated: Bool
    /// What was wrong, if anything.
    public var damage: Damage?

    /// The envelope, as `MailboxReader` hands it on with the message (`MailboxMessage.queueEnvelope`).
    public var envelope: QueueEnvelope { QueueEnvelope(sender: sender, recipients: recipients, arrivalTime: creationTime) }

    /// A fault in the queue files, and where it was found: `offset` counts bytes in the control file (0
    /// for `.missingData`).
    public typealias Damage = QueueFileDamage<DamageKind>

    /// The kinds of fault (`Damage.kind`).
    public enum DamageKind: String, Sendable, Hashable {
        /// The control file's last line has no LF (cut, or being written); it was not read.
        case unexpectedEnd = "unexpected-end"
        /// There is no data file: no message, only its envelope.
        case missingData = "missing-data"
    }

    // MARK: - Detection

    /// Bytes enough for `isControlFile`: the records before the `M` record are short.
    public static let bytesToDetect = 1024

    /// Whether `bytes` begin as a Courier control file does: an `s` record (no colon in it, so that no
    /// header field is taken for one), then within `bytesToDetect` an `M` record of a queue ID (three
    /// runs of hex digits joined by dots: 16, 16 and 8 in Courier 1.0).
    public static func isControlFile<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        // Every file a folder walk reads is asked: the first byte before any copy.
        guard bytes.first == UInt8(ascii: "s") else { return false }
        let head = Array(bytes.prefix(bytesToDetect))
        guard let firstEnd = head.firstIndex(of: ASCII.lineFeed), !head[..<firstEnd].contains(ASCII.colon) else {
            return false
        }
        var lineStart = firstEnd + 1
        while lineStart < head.count {
            let lineEnd = head[lineStart...].firstIndex(of: ASCII.lineFeed) ?? head.count
            if head[lineStart] == UInt8(ascii: "M") {
                return lineEnd < head.count && queueIDTime(head[(lineStart + 1)..<lineEnd]) != nil
            }
            lineStart = lineEnd + 1
        }
        return false
    }

    /// Whether `name` has the shape of a control file's name (`C` and an inode number), and the data
    /// file's name beside it, or nil.
    public static func dataFileName<Name: StringProtocol>(forControlFile name: Name) -> String? {
        guard name.first == "C", name.count > 1, name.dropFirst().utf8.allSatisfy(ASCII.isDigit) else { return nil }
        return "D" + name.dropFirst()
    }

    /// The control file's name for a data file's name (`D` and an inode number), or nil.
    public static func controlFileName<Name: StringProtocol>(forDataFile name: Name) -> String? {
        guard name.first == "D", name.count > 1, name.dropFirst().utf8.allSatisfy(ASCII.isDigit) else { return nil }
        return "C" + name.dropFirst()
    }

    /// Whether `name` is one of the queue's schedule links (`msgq/179662/C1041826.1796623292`: a control
    /// file's hard link named by the time of its next attempt), which holds no message of its own.
    public static func isScheduleLink<Name: StringProtocol>(_ name: Name) -> Bool {
        guard name.first == "C", let dot = name.firstIndex(of: ".") else { return false }
        let inode = name[name.index(after: name.startIndex)..<dot], time = name[name.index(after: dot)...]
        return !inode.isEmpty && !time.isEmpty && inode.utf8.allSatisfy(ASCII.isDigit) && time.utf8.allSatisfy(ASCII.isDigit)
    }

    /// The time in a queue ID (`00000000000FE5A2.000000006B164AB9.00004457`: inode, time, process, in
    /// hex), or nil when the ID has not that shape.
    static func queueIDTime<Bytes: Collection<UInt8>>(_ id: Bytes) -> Int? {
        let parts = id.split(separator: ASCII.dot, omittingEmptySubsequences: false)
        guard parts.count == 3,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 16 && $0.allSatisfy { hexValue($0) != nil } }) else { return nil }
        var time = 0
        for byte in parts[1] {
            let (shifted, overflow) = time.multipliedReportingOverflow(by: 16)
            guard !overflow else { return nil }
            time = shifted + Int(hexValue(byte) ?? 0)
        }
        return time
    }

    // MARK: - Decoding

    /// Puts a message together from its queue files.
    /// - Parameters:
    ///   - control: the control file's bytes.
    ///   - data: the data file's bytes, nil when there is none.
    ///   - maxMessageBytes: the most of the message kept in `message`.
    /// - Complexity: O(`control.count` + `data.count`).
    public init(control: ByteSlice, data: ByteSlice?, maxMessageBytes: Int = MailboxLimits().maxMessageBytes) {
        sender = nil
        creationTime = nil
        damage = nil
        var all: [[UInt8]] = []
        var done = Set<Int>()
        var lineStart = control.startIndex
        while lineStart < control.endIndex {
            guard let lineEnd = control[lineStart...].firstIndex(of: ASCII.lineFeed) else {
                damage = Damage(.unexpectedEnd, offset: lineStart - control.startIndex)
                break
            }
            defer { lineStart = lineEnd + 1 }
            // An empty line names no record (none Courier writes; a damaged file's).
            guard lineEnd > lineStart else { continue }
            let value = control[(lineStart + 1)..<lineEnd]
            switch control[lineStart] {
            case UInt8(ascii: "s") where sender == nil: sender = Array(value)
            case UInt8(ascii: "r"): all.append(Array(value))
            case UInt8(ascii: "M") where creationTime == nil: creationTime = Self.queueIDTime(value)
            case UInt8(ascii: "S"), UInt8(ascii: "F"):
                // `S0 1796623033`: the recipient's number, then the time.
                if let number = ASCII.decimalValue(value.prefix { $0 != ASCII.space }) { done.insert(number) }
            default: break
            }
        }
        recipients = all.indices.filter { !done.contains($0) }.map { all[$0] }
        var out = CappedMessage(limit: maxMessageBytes, expected: data?.count ?? 0)
        if let data {
            out.append(data)
        } else if damage == nil {
            damage = Damage(.missingData, offset: 0)
        }
        message = out.bytes
        messageLength = out.length
        isTruncated = out.isTruncated
    }
}
