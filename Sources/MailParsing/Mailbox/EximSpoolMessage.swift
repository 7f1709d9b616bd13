/// A message on Exim's queue, put together from its two spool files as `exim -Mvc` prints it: the
/// header lines of the `-H` file that are not marked deleted, a blank line, and the `-D` file after its
/// first line. These are the files under `/var/spool/exim4/input` (Debian) or `/var/spool/exim/input`,
/// in pairs named by the message ID: `1xaFIx-0004Nl-21-H` and `1xaFIx-0004Nl-21-D`.
///
/// The `-H` file (the Exim specification, "Format of spool files"): its own name; the caller's login,
/// uid and gid; the envelope sender in angle brackets (empty for a bounce); the arrival time and the
/// count of delay warnings sent; lines starting with `-` (an `-aclc`, `-aclm` or `-acl` line is followed
/// by a value of the length it gives, which may hold newlines); the tree of addresses already delivered
/// to (`XX` when empty, else one line a node, `Y`/`N` for its branches); the recipient count and one
/// recipient a line; a blank line; then each header as a decimal count, a flag character and a space,
/// and the header's text of that many bytes, its newlines included. A header flagged `*` was deleted
/// or rewritten and is not sent. The `-D` file holds its own name on its first line, then the body; with
/// `-spool_file_wireformat`, in CRLF line ends, and the headers are then given CRLF too.
///
/// Damage in the header file stops its reading where it is found and sets `damage`: the message holds the
/// headers read before it, then the blank line and the body all the same. Limits: every count is checked against
/// the bytes that remain, so the work is linear in the files' sizes; the message keeps at most
/// `maxMessageBytes` (`isTruncated`).
public struct EximSpoolMessage: Sendable {
    /// The envelope sender between the angle brackets of the third line: empty for the null sender
    /// `<>` that bounces are sent with; nil when the header file stops before it.
    public var sender: [UInt8]?
    /// The envelope recipients, delivered or not, in file order (each line's address, without the
    /// fields a `one_time` redirection adds after it).
    public var recipients: [[UInt8]]
    /// When the message arrived, in seconds since 1970; nil when the line is missing or malformed.
    public var arrivalTime: Int?
    /// The message: the headers not marked deleted, a blank line, the body.
    public var message: [UInt8]
    /// Bytes of the whole message: `message.count`, or more when it was truncated.
    public var messageLength: Int
    /// Whether the message was longer than `maxMessageBytes` and `message` holds its first part.
    public var isTruncated: Bool
    /// What was wrong, if anything.
    public var damage: Damage?

    /// The envelope, as `MailboxReader` hands it on with the message (`MailboxMessage.queueEnvelope`).
    public var envelope: QueueEnvelope { QueueEnvelope(sender: sender, recipients: recipients, arrivalTime: arrivalTime) }

    /// A fault in the spool files, and where it was found: `offset` counts bytes in the header file (in
    /// the data file for `.missingData`: 0).
    public typealias Damage = QueueFileDamage<DamageKind>

    /// The kinds of fault (`Damage.kind`).
    public enum DamageKind: String, Sendable, Hashable {
        /// A line of the header file's envelope is not of the shape the format gives it.
        case malformedEnvelope = "malformed-envelope"
        /// A header's count is not a number, or runs past the end of the file.
        case malformedHeader = "malformed-header"
        /// The header file ends before its headers (cut, or still being written).
        case unexpectedEnd = "unexpected-end"
        /// There is no `-D` file, or it does not start with its own name: the message has no body.
        case missingData = "missing-data"
    }

    // MARK: - Detection

    /// Bytes enough for `isHeaderFile`: the first three lines of a header file (a message ID, a login and
    /// two numbers, the sender's address). A file whose sender takes more than about 900 bytes is not
    /// told, and reads as a message file.
    public static let bytesToDetect = 1024

    /// Whether `bytes` begin as an Exim `-H` file does: a first line of letters, digits and `-` that ends
    /// in `-H` (the file's own name), a second of a login and two numbers, a third in angle brackets.
    /// With `name` (the file's name), the first line must be it.
    public static func isHeaderFile<Bytes: Collection<UInt8>>(_ bytes: Bytes, name: String? = nil) -> Bool {
        // Most files are told apart by their first line alone, before anything is copied.
        let firstLine = bytes.prefix(65).prefix { $0 != ASCII.lineFeed }
        guard firstLine.count < 65, firstLine.count >= 2, firstLine.suffix(2).elementsEqual("-H".utf8) else { return false }
        var lines = LineReader(Array(bytes.prefix(bytesToDetect))[...])
        guard let first = lines.next(), first.count >= 10, first.count <= 64, first.suffix(2).elementsEqual("-H".utf8),
              first.allSatisfy({ ASCII.isAlpha($0) || ASCII.isDigit($0) || $0 == ASCII.hyphen }) else { return false }
        if let name, !first.elementsEqual(name.utf8) { return false }
        guard let second = lines.next() else { return false }
        let fields = second.split(separator: ASCII.space)
        guard fields.count == 3, fields[1].allSatisfy(ASCII.isDigit), fields[2].allSatisfy(ASCII.isDigit),
              let third = lines.next(), third.first == ASCII.lessThan, third.last == ASCII.greaterThan else { return false }
        return true
    }

    /// Whether `name` has the shape of an Exim message ID: three parts of letters and digits joined by
    /// hyphens, 16 characters long with the hyphens after the sixth and the thirteenth
    /// (`1xaFIx-0004Nl-21`; the Exim specification, "Message identification"), or 23 since Exim 4.97
    /// (its ChangeLog, JH/29), the first part still of six.
    public static func isMessageID<Name: StringProtocol>(_ name: Name) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 16 || bytes.count == 23, bytes[6] == ASCII.hyphen,
              bytes.filter({ $0 == ASCII.hyphen }).count == 2,
              bytes.count == 23 || bytes[13] == ASCII.hyphen else { return false }
        return bytes.allSatisfy { ASCII.isAlpha($0) || ASCII.isDigit($0) || $0 == ASCII.hyphen }
    }

    // MARK: - Decoding

    /// Puts a message together from its spool files.
    /// - Parameters:
    ///   - header: the `-H` file's bytes.
    ///   - data: the `-D` file's bytes, nil when there is none.
    ///   - dataName: the `-D` file's name, which its first line must be (nil: any first line is taken
    ///     for it).
    ///   - maxMessageBytes: the most of the message kept in `message`.
    /// - Complexity: O(`header.count` + `data.count`).
    public init(header: ByteSlice, data: ByteSlice?, dataName: String? = nil,
                maxMessageBytes: Int = MailboxLimits().maxMessageBytes) {
        sender = nil
        recipients = []
        arrivalTime = nil
        message = []
        messageLength = 0
        isTruncated = false
        damage = nil
        // The headers (twice over when made CRLF), the blank line and the body.
        var out = CappedMessage(limit: maxMessageBytes, expected: 2 * header.count + 2 + (data?.count ?? 0))
        defer {
            message = out.bytes
            messageLength = out.length
            isTruncated = out.isTruncated
        }
        var wireFormat = false

        var lines = LineReader(header)
        // Lines 1-4: name, caller, sender, time.
        envelope: do {
            guard lines.next() != nil, lines.next() != nil else {
                damage = Damage(.unexpectedEnd, offset: lines.offset)
                break envelope
            }
            let senderAt = lines.offset
            guard let third = lines.next() else {
                damage = Damage(.unexpectedEnd, offset: senderAt)
                break envelope
            }
            guard third.count >= 2, third.first == ASCII.lessThan, third.last == ASCII.greaterThan else {
                damage = Damage(.malformedEnvelope, offset: senderAt)
                break envelope
            }
            sender = Array(third.dropFirst().dropLast())
            guard let fourth = lines.next() else {
                damage = Damage(.unexpectedEnd, offset: lines.offset)
                break envelope
            }
            arrivalTime = ASCII.decimalValue(fourth.prefix { $0 != ASCII.space })

            // Variables: `-name value`, `--name` when tainted, `-(quoter)name` when quoted for a lookup.
            while lines.peek()?.first == ASCII.hyphen {
                let at = lines.offset
                guard let line = lines.next() else { break }
                var word = line.dropFirst()
                if word.first == ASCII.hyphen { word = word.dropFirst() }
                if word.first == ASCII.openParen, let close = word.firstIndex(of: ASCII.closeParen) {
                    word = word[(close + 1)...]
                }
                let name = word.prefix { $0 != ASCII.space }
                if name.elementsEqual("aclc".utf8) || name.elementsEqual("aclm".utf8) || name.elementsEqual("acl".utf8) {
                    // `-aclc NAME LENGTH`, then LENGTH bytes of value and a newline.
                    guard let last = line.split(separator: ASCII.space).last, let length = ASCII.decimalValue(last),
                          lines.skip(length + 1) else {
                        damage = Damage(.malformedEnvelope, offset: at)
                        break envelope
                    }
                } else if name.elementsEqual("spool_file_wireformat".utf8) {
                    wireFormat = true
                }
            }

            // The tree of addresses done with: `XX`, or nodes whose `Y`s announce the branches that follow.
            var pending = 1
            while pending > 0 {
                let at = lines.offset
                guard let line = lines.next() else {
                    damage = Damage(.unexpectedEnd, offset: at)
                    break envelope
                }
                pending -= 1
                if line.elementsEqual("XX".utf8) { continue }
                guard line.count >= 3, let left = line.first, let right = line.dropFirst().first,
                      left == UInt8(ascii: "Y") || left == UInt8(ascii: "N"),
                      right == UInt8(ascii: "Y") || right == UInt8(ascii: "N") else {
                    damage = Damage(.malformedEnvelope, offset: at)
                    break envelope
                }
                if left == UInt8(ascii: "Y") { pending += 1 }
                if right == UInt8(ascii: "Y") { pending += 1 }
            }

            // The recipients: a count, then a line each.
            let countAt = lines.offset
            guard let countLine = lines.next(), let count = ASCII.decimalValue(countLine) else {
                damage = Damage(lines.atEnd ? .unexpectedEnd : .malformedEnvelope, offset: countAt)
                break envelope
            }
            for _ in 0..<count {
                guard let line = lines.next() else {
                    damage = Damage(.unexpectedEnd, offset: lines.offset)
                    break envelope
                }
                recipients.append(Array(line.prefix { $0 != ASCII.space }))
            }
            let blankAt = lines.offset
            guard let blank = lines.next() else {
                damage = Damage(.unexpectedEnd, offset: blankAt)
                break envelope
            }
            guard blank.isEmpty else {
                damage = Damage(.malformedEnvelope, offset: blankAt)
                break envelope
            }

            // The headers: `NNNc ` and NNN bytes of header, newlines included.
            var position = lines.offset
            let end = header.count
            let base = header.startIndex
            while position < end {
                var digitsEnd = position
                while digitsEnd < end, ASCII.isDigit(header[base + digitsEnd]), digitsEnd - position < 9 { digitsEnd += 1 }
                guard digitsEnd > position, let length = ASCII.decimalValue(header[(base + position)..<(base + digitsEnd)]),
                      digitsEnd + 2 <= end, header[base + digitsEnd + 1] == ASCII.space,
                      length <= end - (digitsEnd + 2) else {
                    damage = Damage(.malformedHeader, offset: position)
                    break
                }
                let text = header[(base + digitsEnd + 2)..<(base + digitsEnd + 2 + length)]
                if header[base + digitsEnd] != UInt8(ascii: "*") {
                    if wireFormat {
                        for byte in text {
                            if byte == ASCII.lineFeed { out.append(CollectionOfOne(ASCII.carriageReturn)) }
                            out.append(CollectionOfOne(byte))
                        }
                    } else {
                        out.append(text)
                    }
                }
                position = digitsEnd + 2 + length
            }
        }

        // The blank line and the body, whatever came before: a message cut in its headers keeps its body.
        out.append(wireFormat ? [ASCII.carriageReturn, ASCII.lineFeed] : [ASCII.lineFeed])
        if let data, let bodyStart = Self.bodyStart(data, name: dataName) {
            out.append(data[bodyStart...])
        } else if damage == nil {
            damage = Damage(.missingData, offset: 0)
        }
    }

    /// Where the body starts in a `-D` file: after its first line, which must be `name` when given.
    private static func bodyStart(_ data: ByteSlice, name: String?) -> Int? {
        guard let newline = data.firstIndex(of: ASCII.lineFeed) else { return nil }
        if let name, !data[data.startIndex..<newline].elementsEqual(name.utf8) { return nil }
        return newline + 1
    }

    /// The lines of a header file, read forward: each without its LF, the offset of the next one.
    private struct LineReader {
        let bytes: ByteSlice
        /// Offset from `bytes.startIndex` of the next line.
        private(set) var offset = 0

        init(_ bytes: ByteSlice) { self.bytes = bytes }

        var atEnd: Bool { offset >= bytes.count }

        /// The next line without taking it.
        func peek() -> ByteSlice? {
            var copy = self
            return copy.next()
        }

        /// The next line, without its LF; a last line without one is a line too. Nil at the end.
        mutating func next() -> ByteSlice? {
            guard offset < bytes.count else { return nil }
            let start = bytes.startIndex + offset
            let newline = bytes[start...].firstIndex(of: ASCII.lineFeed) ?? bytes.endIndex
            offset = newline - bytes.startIndex + (newline < bytes.endIndex ? 1 : 0)
            return bytes[start..<newline]
        }

        /// Skips `count` bytes; false when fewer remain.
        mutating func skip(_ count: Int) -> Bool {
            guard count >= 0, count <= bytes.count - offset else { return false }
            offset += count
            return true
        }
    }
}
