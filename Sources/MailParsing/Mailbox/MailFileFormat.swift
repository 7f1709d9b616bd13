/// What a file holds when it is not simply mail, told by its first bytes (after any compression is undone):
/// the one place `MailboxReader`, `RawEntryReader` and the scan's progress read it from.
package enum MailFileFormat: Sendable, Hashable {
    /// An MMDF mailbox (`MMDFParser`).
    case mmdf
    /// A Dovecot dbox file (`DboxParser`).
    case dboxFile
    /// An Apple Mail `.emlx` file: a byte count line, the message, Mail's property list (`EmlxFile`).
    case emlx
    /// An Emacs RMAIL file in Babyl format (etc/BABYL in Emacs before 23): not read, since a message
    /// Emacs has shown keeps its original header apart from its text (`babylMessage` says so).
    case babyl
    /// Postfix's `postcat` output (`PostcatParser`).
    case postcatOutput
    /// A Postfix queue file (`PostfixQueueFile`).
    case postfixQueueFile
    /// An Exim spool `-H` file (`EximSpoolMessage`).
    case eximHeaderFile
    /// A Sendmail queue control file, `qf` (`SendmailQueueMessage`).
    case sendmailControlFile
    /// A Courier queue control file, `C` and an inode number (`CourierQueueMessage`).
    case courierControlFile

    /// Bytes enough for `detect`.
    package static let bytesToDetect = max(MMDFParser.bytesToDetect, DboxParser.bytesToDetect, EmlxFile.bytesToDetect,
                                           babylOptions.count, PostcatParser.bytesToDetect, PostfixQueueFile.bytesToDetect,
                                           EximSpoolMessage.bytesToDetect, SendmailQueueMessage.bytesToDetect,
                                           CourierQueueMessage.bytesToDetect)

    /// The format `head` (a file's first `bytesToDetect` bytes, or all of a shorter one) starts as, or nil
    /// for mail (an mbox or a message). An Exim header file's first line is its own name: `path` is the
    /// file's, `-` for standard input (any name then).
    package static func detect(_ head: ByteSlice, path: String) -> MailFileFormat? {
        if MMDFParser.isMMDF(head) { return .mmdf }
        if DboxParser.isDboxFile(head) { return .dboxFile }
        if EmlxFile.byteCountLine(head) != nil { return .emlx }
        if head.starts(with: babylOptions) { return .babyl }
        if PostcatParser.isPostcatOutput(head) { return .postcatOutput }
        if PostfixQueueFile.isQueueFile(head) { return .postfixQueueFile }
        if SendmailQueueMessage.isControlFile(head) { return .sendmailControlFile }
        if CourierQueueMessage.isControlFile(head) { return .courierControlFile }
        // First without the name: almost every file fails on its first line, and only then is the name
        // taken out of the path (for every file of a folder, that cost ~25,000 instructions a file).
        if EximSpoolMessage.isHeaderFile(head),
           path == "-" || EximSpoolMessage.isHeaderFile(head, name: POSIXFiles.fileName(path)) {
            return .eximHeaderFile
        }
        return nil
    }

    /// The first line of a Babyl file: its BABYL OPTIONS section (etc/BABYL, "Overall Babyl File Structure").
    static let babylOptions: [UInt8] = Array("BABYL OPTIONS:".utf8)

    /// Why a Babyl file is refused, and what to do: its messages cannot be read as they were received
    /// without rebuilding each from two places (a reformed message keeps its original header between its
    /// status line and `*** EOOH ***`, and its text after a pruned copy of that header), so the file is
    /// an input error rather than one message of garbage.
    package static let babylMessage = "an Emacs RMAIL file in Babyl format, which is not read; convert it to an "
        + "mbox first: M-x unrmail in Emacs, or b2m < RMAIL > RMAIL.mbox"
}
