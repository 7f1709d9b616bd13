/// A message on Sendmail's queue, put together from its two queue files as Sendmail's SMTP mailers send
/// it: the headers of the `qf` (control) file, a blank line, and the `df` (data) file. These are the
/// files under `/var/spool/mqueue`, in pairs named by the queue ID: `qf6B6Jb7NR017961` and
/// `df6B6Jb7NR017961` (or in a queue folder's `qf/` and `df/` sub-folders).
///
/// The control file (the Sendmail Installation and Operation Guide, appendix B, "Queue file formats";
/// `queueup` and `readqf` in Sendmail's queue.c) is a series of records, one a line, each named by its
/// first byte; a line that starts with a space or a tab continues the record before it (readqf reads the
/// file with `fgetfolded`). `V` the format's version, `T` the creation time, `S` the sender, `R` a
/// recipient (since version 1, flag letters and a colon before the address), `H` a header, `.` the end;
/// the rest (`A`, `B`, `C`, `d`, `E`, `F`, `I`, `K`, `M`, `N`, `P`, `q`, `Q`, `r`, `Z`, `!`, `$` ...) hold
/// delivery state. A record named by any other byte is one readqf rejects as a "bad line".
///
/// The headers are what an SMTP mailer sends, which the cross-check in Fixtures/mailbox/sendmail-queue
/// confirmed byte for byte against what Sendmail 8.17 sent: an `H` record is `H`, then `?condition?` when
/// Sendmail wrote one (queueup writes `H?` and `?` around it), then the field, its continuation lines its
/// folding. A condition is the configuration's (the guide, "H -- define header": `H[?mflags?]` and
/// `H[?${macro}?]`; a header that was in the message as it came is stored without one): of mailer flags,
/// the header is "output" only by a mailer that has "at least one of the specified flags". Kept here
/// when it names one of `m D F M u X`, the flags all of the stock SMTP mailers have (sendmail.cf as
/// cf/mailer/smtp.m4 makes them, Debian 12: smtp `F=mDFMuX`, esmtp `mDFMuXa`, smtp8 `mDFMuX8`, relay
/// `mDFMuXa8`), so `?D?Date:`,
/// `?F?From:` and `?M?Message-Id:` are kept and `?P?Return-Path:` (the guide's mailer flags: `P` "This
/// mailer wants a "Return-Path:" line", the local mailers; its value the byte 0x81 and `g`, a macro
/// Sendmail expands as it delivers) and `?x?Full-Name:` (`x`) are left out. A condition on a
/// macro (`$x`, `${name}`, or 0x81 and a name: sent when the macro is set at delivery) keeps the header.
/// A header's bytes are kept as the file has them, a macro byte in a kept one included. With the flag `b`
/// in the `F` record ("a Bcc: header should be removed"), `Bcc:` and `Resent-Bcc:` are left out. Sendmail
/// also rewrites header addresses per mailer as it sends (an unqualified `MAILER-DAEMON` gets the local
/// domain): that needs its configuration's rulesets, and the message here holds them as queued.
///
/// Damage in the control file stops its reading where it is found and sets `damage`: the message holds
/// the headers read before it, then the blank line and the body all the same. A last record without its
/// LF is taken for cut and left out. A `d` record (the data file in another queue folder) is not
/// followed: such an entry's data file is missing here unless the caller finds it. Limits: one pass over
/// each file, linear in their sizes; the message keeps at most `maxMessageBytes` (`isTruncated`).
public struct SendmailQueueMessage: Sendable {
    /// The envelope sender Sendmail sends the message from: empty for the null sender `<>` that bounces
    /// are sent with (the `F` record's flag `r`, "a response message", for which usersmtp.c sends
    /// `MAIL From:<>` whatever the `S` record holds: `MAILER-DAEMON` for Sendmail's own bounces; or an `S`
    /// record of `<>`), else the `S` record's address without the angle brackets around it; nil when
    /// there is no `S` record before the end or damage.
    public var sender: [UInt8]?
    /// The envelope recipients still to be delivered (queueup writes no others), in file order: each `R`
    /// record's address without its flags.
    public var recipients: [[UInt8]]
    /// When the message was queued (the `T` record), in seconds since 1970; nil when missing or malformed.
    public var creationTime: Int?
    /// The message: the headers an SMTP mailer sends, a blank line, the body.
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
        /// A record named by a byte readqf does not know, an empty line, or an `R` record of a version
        /// 1 or later file without the colon after its flags.
        case malformedRecord = "malformed-record"
        /// An `H` record whose `?condition?` has no closing `?`.
        case malformedHeader = "malformed-header"
        /// The control file ends before its `.` record (cut, or still being written).
        case unexpectedEnd = "unexpected-end"
        /// There is no `df` file: the message has no body.
        case missingData = "missing-data"
    }

    // MARK: - Detection

    /// Bytes enough for `isControlFile`: a `V` record and a `T` record.
    public static let bytesToDetect = 64

    /// Whether `bytes` begin as a Sendmail control file does: a `V` record of a version number, then a
    /// `T` record of a time (the guide: `V` "must be the first line of the file if present"; queueup writes
    /// the time next, in 8.9 and 8.11 as read, and Sendmail 8.17's files here). A file without a `V`
    /// record (version 0) is not told, and reads as a message file.
    public static func isControlFile<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        // Every file a folder walk reads is asked: the first byte before any copy.
        guard bytes.first == asciiV else { return false }
        let head = Array(bytes.prefix(bytesToDetect))
        guard head.first == asciiV else { return false }
        var index = 1
        let versionStart = index
        while index < head.count, ASCII.isDigit(head[index]) { index += 1 }
        guard index > versionStart, index - versionStart <= 4, index < head.count, head[index] == ASCII.lineFeed else { return false }
        index += 1
        guard index < head.count, head[index] == asciiT else { return false }
        index += 1
        let timeStart = index
        while index < head.count, ASCII.isDigit(head[index]) { index += 1 }
        return index > timeStart && index - timeStart <= 19 && index < head.count && head[index] == ASCII.lineFeed
    }

    /// Whether `name` has the shape of a Sendmail queue ID: 8 to 20 letters and digits, the last five
    /// digits. The guide gives `YMDhmsNNppppp`, eight characters of time and sequence, then "at least five
    /// decimal digits of the process ID" (Sendmail 8.17 here: `6B6Jb7NR017961`, six); 8.11's
    /// `assign_queueid` wrote seven, then five digits; Sendmail 5 three letters, then five digits
    /// (`AAA06703`, in the guide's example).
    public static func isQueueID<Name: StringProtocol>(_ name: Name) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count >= 8, bytes.count <= 20, bytes.allSatisfy({ ASCII.isAlpha($0) || ASCII.isDigit($0) }) else { return false }
        return bytes.suffix(5).allSatisfy(ASCII.isDigit)
    }

    /// The two-letter prefixes of the files of a queue entry that hold its envelope and headers (the
    /// guide's appendix B): `qf`, `hf` ("a quarantined queue job") and `Qf` (a "lost" one Sendmail set
    /// aside after a severe problem, to be renamed back by hand): all a queued message an admin wants to
    /// see.
    public static let controlFilePrefixes = ["qf", "hf", "Qf"]
    /// The prefixes of a queue entry's other files that hold no message: `xf` (the session's transcript),
    /// `tf` (a control file being rewritten) and `Tf` (such a file set aside).
    public static let nonMessagePrefixes = ["xf", "tf", "Tf"]

    // MARK: - Decoding

    /// Puts a message together from its queue files.
    /// - Parameters:
    ///   - control: the `qf` file's bytes.
    ///   - data: the `df` file's bytes, nil when there is none.
    ///   - maxMessageBytes: the most of the message kept in `message`.
    /// - Complexity: O(`control.count` + `data.count`).
    public init(control: ByteSlice, data: ByteSlice?, maxMessageBytes: Int = MailboxLimits().maxMessageBytes) {
        sender = nil
        recipients = []
        creationTime = nil
        message = []
        messageLength = 0
        isTruncated = false
        damage = nil
        var out = CappedMessage(limit: maxMessageBytes, expected: control.count + 1 + (data?.count ?? 0))
        defer {
            message = out.bytes
            messageLength = out.length
            isTruncated = out.isTruncated
        }

        // The headers kept, and whether each is a Bcc: (left out only once the whole file has said
        // whether its F record asks for that: Sendmail decides as it sends).
        var headers: [(field: ByteSlice, isBcc: Bool)] = []
        var deleteBcc = false
        var isResponse = false
        var version = 0
        var records = RecordReader(control)
        var ended = false
        reading: while let (record, at, isComplete) = records.next() {
            // A last record without its LF was cut (queueup ends every record with one): not taken, so
            // that a cut never makes a header that was not there (the end record alone counts as whole).
            guard isComplete || record.elementsEqual(CollectionOfOne(Self.asciiDot)) else {
                damage = Damage(.unexpectedEnd, offset: at)
                break reading
            }
            guard let letter = record.first else {
                damage = Damage(.malformedRecord, offset: at)
                break reading
            }
            let value = record.dropFirst()
            switch letter {
            case Self.asciiDot:
                ended = true
                break reading
            case Self.asciiV:
                version = ASCII.decimalValue(value) ?? 0
            case Self.asciiT:
                creationTime = ASCII.decimalValue(value)
            case Self.asciiS:
                if sender == nil {
                    var address = value
                    if address.first == ASCII.lessThan, address.last == ASCII.greaterThan, address.count >= 2 {
                        address = address.dropFirst().dropLast()
                    }
                    sender = Array(address)
                }
            case Self.asciiF:
                if value.contains(Self.asciiB) { deleteBcc = true }
                if value.contains(Self.asciiLowerR) { isResponse = true }
            case Self.asciiR:
                var address = value
                if version >= 1 {
                    guard let colon = value.firstIndex(of: ASCII.colon) else {
                        damage = Damage(.malformedRecord, offset: at)
                        break reading
                    }
                    address = value[(colon + 1)...]
                }
                recipients.append(Array(address))
            case Self.asciiH:
                var field = value
                if field.first == Self.asciiQuestion {
                    // The condition runs to the next `?` (the guide's `H?mflags?` and `H?${macro}?`).
                    let condition = field.dropFirst()
                    guard let close = condition.firstIndex(of: Self.asciiQuestion) else {
                        damage = Damage(.malformedHeader, offset: at)
                        break reading
                    }
                    let flags = condition[..<close]
                    field = condition[(close + 1)...]
                    let isMacro = flags.first == Self.asciiDollar || flags.first == Self.macroExpand
                    if !flags.isEmpty, !isMacro, !flags.contains(where: Self.smtpMailerFlags.contains) { continue reading }
                }
                headers.append((field, Self.isBcc(field)))
            default:
                guard Self.otherRecordLetters.contains(letter) else {
                    damage = Damage(.malformedRecord, offset: at)
                    break reading
                }
            }
        }
        if !ended, damage == nil { damage = Damage(.unexpectedEnd, offset: control.count) }
        if isResponse, sender != nil { sender = [] }

        for header in headers where !(deleteBcc && header.isBcc) {
            out.append(header.field)
            out.append(CollectionOfOne(ASCII.lineFeed))
        }
        // The blank line and the body, whatever came before: a control file cut in its headers keeps
        // its body. The df file is the body as it is (queueup writes it with putbody, nothing added).
        out.append(CollectionOfOne(ASCII.lineFeed))
        if let data {
            out.append(data)
        } else if damage == nil {
            damage = Damage(.missingData, offset: 0)
        }
    }

    // MARK: - Bytes and names

    private static let asciiV = UInt8(ascii: "V"), asciiT = UInt8(ascii: "T"), asciiS = UInt8(ascii: "S")
    private static let asciiR = UInt8(ascii: "R"), asciiH = UInt8(ascii: "H"), asciiF = UInt8(ascii: "F")
    private static let asciiB = UInt8(ascii: "b"), asciiDot = UInt8(ascii: "."), asciiDollar = UInt8(ascii: "$")
    private static let asciiQuestion = UInt8(ascii: "?"), asciiLowerR = UInt8(ascii: "r")
    /// Sendmail's byte for a macro reference in a stored value (`MACROEXPAND`, octal 0201).
    private static let macroExpand: UInt8 = 0x81
    /// The mailer flags all the stock SMTP mailers have (cf/mailer/smtp.m4).
    private static let smtpMailerFlags: Set<UInt8> = Set("mDFMuX".utf8)
    /// Record letters readqf accepts besides those read here, over the versions: `A` AUTH=, `B` body type,
    /// `C` controlling user, `d` the data file's folder, `D` (before 8.12) the data file's name, `E`
    /// error recipient, `G`/`Y` queue delay (8.11 _FFR_QUEUEDELAY), `I` the data file's inode, `K` last
    /// attempt, `L` (Solaris, ignored), `M` status message, `N` attempts, `P` priority, `q` quarantine
    /// reason, `Q` ORCPT=, `r` final recipient, `X` charset (_FFR_SAVE_CHARSET), `Z` ENVID=, `!` deliver
    /// by, `$` a macro.
    private static let otherRecordLetters: Set<UInt8> = Set("ABCdDEGIKLMNPqQrXYZ!$".utf8)

    /// Whether a header field is `Bcc:` or `Resent-Bcc:` (the headers conf.c's table marks `H_BCC`).
    private static func isBcc(_ field: ByteSlice) -> Bool {
        guard let colon = field.firstIndex(of: ASCII.colon) else { return false }
        var name = field[..<colon]
        while let last = name.last, last == ASCII.space || last == ASCII.tab { name = name.dropLast() }
        func equals(_ word: String) -> Bool {
            name.count == word.utf8.count && zip(name, word.utf8).allSatisfy { ASCII.lowercased($0) == $1 }
        }
        return equals("bcc") || equals("resent-bcc")
    }

    /// The records of a control file, read forward: a line and the lines after it that start with a
    /// space or a tab (util.c, `fgetfolded`), joined by their LFs, without the last LF; with each, its
    /// offset from the file's start.
    private struct RecordReader {
        let bytes: ByteSlice
        /// Offset from `bytes.startIndex` of the next record.
        private(set) var offset = 0

        init(_ bytes: ByteSlice) { self.bytes = bytes }

        /// The next record, its offset, and whether an LF ends it; nil at the end.
        mutating func next() -> (ByteSlice, Int, Bool)? {
            guard offset < bytes.count else { return nil }
            let at = offset
            let start = bytes.startIndex + offset
            var end = start
            while true {
                let newline = bytes[end...].firstIndex(of: ASCII.lineFeed) ?? bytes.endIndex
                end = newline
                // Another line follows that starts with a space or a tab: it continues this record.
                let next = newline + 1
                if newline < bytes.endIndex, next < bytes.endIndex, bytes[next] == ASCII.space || bytes[next] == ASCII.tab {
                    end = next
                    continue
                }
                break
            }
            offset = end - bytes.startIndex + (end < bytes.endIndex ? 1 : 0)
            return (bytes[start..<end], at, end < bytes.endIndex)
        }
    }
}
