/// One message as a mailbox reader found it: where it came from, where it sits, and its bytes.
///
/// `bytes` is a slice of the reader's buffer (no copy), except for mboxrd/mboxo entries whose `>From `
/// quoting had to be undone, which own a copy with the quoting removed.
///
/// Optional fields spelled `Optional<T>` (as in `MailAddress`): a stored `var x: T?` is set to nil before the
/// initializer runs, and one that sets every field then built the value in a temporary and copied it
/// (with `MailAddress`, `Judgement`, `ClassifierNote`, `OriginalHeaderValues`, `MessageRow`: sisimai bsd
/// mbox x3 full 459.4M -> 458.7M).
public struct MailboxMessage: Sendable {
    /// The path the message was read from (`-` for standard input). For a Maildir or a folder, the
    /// path of the message's own file.
    public var source: String
    /// 0-based position of the message within `source`.
    public var index: Int
    /// Byte offset in `source` where this message's entry starts (its From_ line in an mbox, 0 for a file).
    /// For a compressed source, in its decompressed bytes; for `postcat` output or an MMDF mailbox, where
    /// the message's text starts (`PostcatParser`, `MMDFParser`); for a Dovecot dbox file, where its
    /// stored bytes start (`DboxParser`); for a Postfix queue file, an Exim spool message or a Sendmail queue
    /// entry, 0, in the message decoded from its records or put together from its two files
    /// (`PostfixQueueFile`, `EximSpoolMessage`, `SendmailQueueMessage`).
    public var offset: Int
    /// Bytes the entry occupies in `source`, from `offset`, separators included, so that
    /// `source[offset..<offset+length]` over all messages tiles an mbox. For `postcat` output, the
    /// message's text alone (the envelope records and markers between messages are in no entry); for an
    /// MMDF mailbox likewise (its separator lines and From_ lines are in no entry); for a dbox file, the
    /// message's stored bytes (compressed, if Dovecot compressed it). For a
    /// Postfix queue file, an Exim spool message or a Sendmail queue entry, the message's bytes
    /// (`messageLength`), as `MailboxReader.readRawEntry` gives them back.
    public var length: Int
    /// The mbox From_ line (without its line end), if the message came from an mbox or an MMDF mailbox
    /// that has one.
    public var envelopeLine: Optional<ByteSlice>
    /// The RFC 5322 message: header section and body, line ends as in the source, quoting undone.
    public var bytes: ByteSlice
    /// What the reader had to tolerate to produce this message.
    public var defects: MailboxDefects
    /// The entry's bytes exactly as in `source` (`offset..<offset+length`: From_ line, quoting and
    /// separating blank line included), as a slice of the reader's buffer: free to take, for byte-exact
    /// splitting. Nil when the entry was truncated, or is a dbox message Dovecot stored compressed; read it
    /// back with `MailboxReader.readRawEntry` (which decompresses a dbox message).
    public var raw: Optional<ByteSlice>
    /// The envelope the queue kept beside the message, for one read from a Postfix queue file, an Exim
    /// spool message, a Sendmail queue entry, an OpenSMTPD queue's message (its envelope files,
    /// `OpenSMTPDQueue`), a Courier queue entry or `postcat` output that lists it; nil for every other
    /// source.
    public var queueEnvelope: Optional<QueueEnvelope>

    /// Creates a message record; readers call this, tests may too.
    public init(source: String, index: Int, offset: Int, length: Int, envelopeLine: ByteSlice? = nil,
                bytes: ByteSlice, defects: MailboxDefects = [], raw: ByteSlice? = nil,
                queueEnvelope: QueueEnvelope? = nil) {
        self.source = source
        self.index = index
        self.offset = offset
        self.length = length
        self.envelopeLine = envelopeLine
        self.bytes = bytes
        self.defects = defects
        self.raw = raw
        self.queueEnvelope = queueEnvelope
    }
}

/// Faults a mailbox reader tolerated while cutting out one message.
public struct MailboxDefects: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The message was larger than `MailboxLimits.maxMessageBytes` and was cut there.
    public static let truncated = MailboxDefects(rawValue: 1 << 0)
    /// A Content-Length header did not land on a message boundary and was ignored (mboxcl).
    public static let badContentLength = MailboxDefects(rawValue: 1 << 1)
    /// The From_ line did not have the usual `From sender date` shape.
    public static let oddEnvelopeLine = MailboxDefects(rawValue: 1 << 2)
    /// The input ended without a final line end.
    public static let missingFinalNewline = MailboxDefects(rawValue: 1 << 3)
    /// Bytes before the first From_ line of an mbox (before the first separator line of an MMDF mailbox)
    /// were kept as a message of their own.
    public static let leadingGarbage = MailboxDefects(rawValue: 1 << 4)
    /// A Postfix queue file, an Exim spool message, a Sendmail or Courier queue entry was damaged or cut
    /// short (`PostfixQueueFile.damage`, `EximSpoolMessage.damage`, `SendmailQueueMessage.damage`,
    /// `CourierQueueMessage.damage`; an Exim `-H` file without its `-D` file, a Sendmail `qf` file without
    /// its `df` file, a Courier control file without its data file too): the message holds what
    /// was read up to the fault. For an OpenSMTPD queue's message, one of its envelope files could not be
    /// read or is no envelope: the message is whole, its envelope from the other files.
    public static let damagedQueueFile = MailboxDefects(rawValue: 1 << 5)
    /// An MMDF message lacked one of the separator lines around it (`MMDFParser`): it began after a
    /// closing separator without an opening one, or ran to the end of the input without its closing one.
    public static let missingSeparator = MailboxDefects(rawValue: 1 << 6)
    /// The file holding this message ended inside it (a Dovecot dbox file, `DboxParser`; an Apple Mail
    /// `.emlx` file shorter than its byte count, `EmlxFile`), or the message's compressed data in a dbox
    /// file was damaged: it holds what could be read.
    public static let damagedFile = MailboxDefects(rawValue: 1 << 7)

    /// Stable names for output (`defects` arrays in JSON Lines).
    public var names: [String] {
        var out: [String] = []
        if contains(.truncated) { out.append("mailbox-truncated") }
        if contains(.badContentLength) { out.append("mailbox-bad-content-length") }
        if contains(.oddEnvelopeLine) { out.append("mailbox-odd-from-line") }
        if contains(.missingFinalNewline) { out.append("mailbox-missing-final-newline") }
        if contains(.leadingGarbage) { out.append("mailbox-leading-garbage") }
        if contains(.damagedQueueFile) { out.append("mailbox-damaged-queue-file") }
        if contains(.missingSeparator) { out.append("mailbox-missing-separator") }
        if contains(.damagedFile) { out.append("mailbox-damaged-file") }
        return out
    }
}
