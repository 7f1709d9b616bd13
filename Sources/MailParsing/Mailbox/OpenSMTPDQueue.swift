#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// OpenSMTPD's queue, as `smtpd` keeps it under `/var/spool/smtpd/queue` (OpenSMTPD's queue_fs.c; the files
/// OpenSMTPD 6.8 wrote in Fixtures/mailbox/opensmtpd-queue): a folder per message, named by its message ID
/// (eight hex digits) inside a bucket folder named by the ID's first two (`queue/05/05adcc12/`), holding
/// - `message`: the message as received, the `Received:` field OpenSMTPD added on top;
/// - an envelope file for each delivery still to make, named by its envelope ID, the message ID and eight
///   hex digits more (`05adcc121a4048da`): text, one `key: value` line each (envelope.c,
///   `envelope_dump_buffer`), `version: 3` first, then `type` (`mta` a relay, `mda` a local delivery,
///   `bounce` a bounce still to be made about the message), `sender` (`@` for the null sender), `rcpt` (the
///   address given at RCPT TO), `dest` (where it goes, after aliases), `ctime` (when it was queued, seconds
///   since 1970), `errorline` (the last failure) and delivery state.
///
/// OpenSMTPD makes a bounce as a message of its own, submitted to itself from `<>` to the sender and queued
/// with an envelope of type `mta` (the fixtures' NDR to a forged sender): a reflector's NDRs are messages
/// of its queue like any other. An envelope of type `bounce` (envelope.c writes the type; the fixtures hold
/// none) stands for a bounce still to be made about the message: its destination is that message's
/// sender, not a recipient of it.
///
/// `MailboxReader` reads a `message` file with its envelope files as one message, the envelopes as its
/// `QueueEnvelope`; a folder walk passes over the envelope files. With `queue compression` both kinds of
/// file are gzip, read decompressed. With `queue encryption` both are AES-GCM (OpenSMTPD's crypto.c: a
/// version byte 1, the IV, the text, the tag), which is not read: such a message is an
/// `.unsupportedFileType` error (`encryptedMessage`) rather than a message of ciphertext.
public enum OpenSMTPDQueue {
    /// One envelope file's fields that say who the message is from and to; nil where the file has no such
    /// line. Addresses as the file writes them.
    public struct Envelope: Sendable, Hashable {
        /// `mta` (relay), `mda` (local delivery) or `bounce` (a bounce still to be made about the message),
        /// lower-cased.
        public var type: String?
        /// The envelope sender: empty for the null sender (written `@`).
        public var sender: [UInt8]?
        /// The recipient as given at RCPT TO.
        public var recipient: [UInt8]?
        /// Where the delivery goes, after aliases and virtual tables (for a `bounce`, the sender it goes back to).
        public var destination: [UInt8]?
        /// When the envelope was queued, in seconds since 1970.
        public var creationTime: Int?
        /// The last delivery failure, as the daemon wrote it (`exited abnormally`, an SMTP reply).
        public var errorLine: [UInt8]?

        /// Reads an envelope file's text; nil unless it starts with a `version:` line, as every envelope
        /// OpenSMTPD writes does. Read as the daemon reads it (envelope.c, `envelope_load_buffer`): a
        /// line's key matched without regard to case, blanks allowed before its colon, white space after
        /// the colon passed over. Lines without a colon and keys it does not know are passed over; a line
        /// cut by the file's end is as far as it goes.
        public init?<Bytes: Collection<UInt8>>(parsing bytes: Bytes) {
            let text = Array(bytes.prefix(OpenSMTPDQueue.maxEnvelopeBytes))
            guard OpenSMTPDQueue.isEnvelopeFile(text) else { return nil }
            var lineStart = 0
            while lineStart < text.count {
                var lineEnd = lineStart
                while lineEnd < text.count, text[lineEnd] != ASCII.lineFeed { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                guard let colon = text[lineStart..<lineEnd].firstIndex(of: ASCII.colon) else { continue }
                var keyEnd = colon
                while keyEnd > lineStart, ASCII.isWhitespace(text[keyEnd - 1]) { keyEnd -= 1 }
                var valueStart = colon + 1
                // isspace(3): space, tab, LF, vertical tab, form feed, CR.
                while valueStart < lineEnd, text[valueStart] == ASCII.space || (9...13).contains(text[valueStart]) {
                    valueStart += 1
                }
                let value = Array(text[valueStart..<lineEnd])
                switch ASCII.lowercasedString(text[lineStart..<keyEnd]) {
                case "type": type = ASCII.lowercasedString(value)
                // envelope.c writes an empty address as "@" (mailaddr_to_text of an empty user and domain).
                case "sender": sender = value == [ASCII.at] ? [] : value
                case "rcpt": recipient = value
                case "dest": destination = value
                case "ctime": creationTime = ASCII.decimalValue(value)
                case "errorline": errorLine = value
                default: break
                }
            }
        }
    }

    /// The most of an envelope file read (and of a compressed one, decompressed): OpenSMTPD's own are a
    /// few hundred bytes (the fixtures' 300-400); a longer file is read this far.
    public static let maxEnvelopeBytes = 64 * 1024

    /// Why an encrypted queue file is not read, and what to do instead.
    public static let encryptedMessage = "an OpenSMTPD queue file encrypted with `queue encryption`, which is not read; "
        + "`smtpctl show message ENVELOPE-ID` prints the message decrypted"

    /// Why an envelope file is not read as a message of its own.
    public static let lonelyEnvelopeMessage = "an OpenSMTPD queue envelope without the file `message` beside it: "
        + "no message to read"

    /// Whether `name` has the shape of an OpenSMTPD message ID: eight lowercase hex digits (queue.c, `%08x`).
    public static func isMessageID<Name: StringProtocol>(_ name: Name) -> Bool {
        isLowercaseHex(name, count: 8)
    }

    /// Whether `name` has the shape of an OpenSMTPD envelope ID: sixteen lowercase hex digits, the message ID first.
    public static func isEnvelopeID<Name: StringProtocol>(_ name: Name) -> Bool {
        isLowercaseHex(name, count: 16)
    }

    /// Whether `bytes` start as an envelope file: `version: ` and a number on the first line.
    public static func isEnvelopeFile<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard bytes.first == UInt8(ascii: "v") else { return false }
        let head = Array(bytes.prefix(versionKey.count + 6))
        guard head.starts(with: versionKey) else { return false }
        var index = versionKey.count
        while index < head.count, ASCII.isDigit(head[index]) { index += 1 }
        return index > versionKey.count && index < head.count && head[index] == ASCII.lineFeed
    }

    /// The envelope files of the `message` file at `path` (those beside it named by an envelope ID that
    /// starts with the folder's message ID), in the order of their IDs; nil when `path` is no such file (its
    /// name not `message`, or its folder's not a message ID). Lists the folder: asked of a `message` file
    /// named on its own (a folder's walk hands on the names it listed, `envelopePaths(in:names:messageID:)`).
    static func envelopePaths(forMessageAt path: String) -> [String]? {
        let (folder, name) = POSIXFiles.folderAndName(path)
        guard name == messageFileName, let id = messageID(ofFolder: folder),
              let names = try? POSIXFiles.listDirectory(folder) else { return nil }
        return envelopePaths(in: folder, names: names, messageID: id)
    }

    /// The paths of the envelope files among `names`, the listing of `folder`, whose message ID is
    /// `messageID` (`isEnvelopeReadWithMessage`), in the order of their IDs.
    static func envelopePaths(in folder: String, names: [String], messageID: String) -> [String] {
        names.filter { isEnvelopeReadWithMessage($0, messageID: messageID) }.sorted().map { POSIXFiles.joined(folder, $0) }
    }

    /// For the path of an envelope file in a message's folder, the folder's `message` file, when there is one.
    static func messagePath(forEnvelopeAt path: String) -> String? {
        let (folder, name) = POSIXFiles.folderAndName(path)
        guard isEnvelopeID(name), let id = messageID(ofFolder: folder), name.hasPrefix(id) else { return nil }
        let message = POSIXFiles.joined(folder, messageFileName)
        return (try? POSIXFiles.fileInfo(message).type) == .regular ? message : nil
    }

    /// Whether a folder walk passes over the file `name` of the folder whose message ID is `messageID`
    /// (`messageID(ofFolder:)`) and that holds a `message` file: an envelope file of that message (read
    /// with it).
    static func isEnvelopeReadWithMessage(_ name: String, messageID: String) -> Bool {
        isEnvelopeID(name) && name.hasPrefix(messageID)
    }

    /// The message ID a folder is named by, nil when it is not; a folder given as `.`, `..` or ending in
    /// one (a path relative to a message's folder) by its real name.
    static func messageID(ofFolder folder: String) -> String? {
        var name = POSIXFiles.fileName(folder)
        if name == "." || name == ".." || name.isEmpty, let real = POSIXFiles.resolvedPath(folder) {
            name = POSIXFiles.fileName(real)
        }
        return isMessageID(name) ? name : nil
    }

    /// The envelope of a message from its envelope files, read at `paths` (decompressed when `queue
    /// compression` made them gzip): the sender and the creation time of the first one that says, and the
    /// destinations of those that deliver the message (not of `bounce` envelopes), in order; `damaged` when
    /// one could not be read or is no envelope.
    /// - Throws: `.unsupportedFileType` (`encryptedMessage`) for an encrypted envelope, naming `messagePath`.
    static func envelope(at paths: [String], messagePath: String)
        throws(MailboxError) -> (envelope: QueueEnvelope, damaged: Bool)
    {
        var sender: [UInt8]?
        var recipients: [[UInt8]] = []
        var creationTime: Int?
        var damaged = false
        for path in paths {
            guard var bytes = try? POSIXFiles.readPrefix(path, limit: maxEnvelopeBytes).bytes else {
                damaged = true
                continue
            }
            if let format = CompressionFormat.detect(bytes) {
                let decompressed = StreamDecompressor.decompress(bytes[...], format: format, path: path,
                                                                 limit: maxEnvelopeBytes)
                if decompressed.failure != nil { damaged = true }
                bytes = decompressed.bytes
            } else if bytes.first == encryptedVersion {
                throw MailboxError(.unsupportedFileType, path: messagePath, detail: encryptedMessage)
            }
            guard let envelope = Envelope(parsing: bytes) else {
                damaged = true
                continue
            }
            if sender == nil { sender = envelope.sender }
            if creationTime == nil { creationTime = envelope.creationTime }
            if envelope.type != "bounce", let destination = envelope.destination ?? envelope.recipient {
                recipients.append(destination)
            }
        }
        return (QueueEnvelope(sender: sender, recipients: recipients, arrivalTime: creationTime), damaged)
    }

    /// The first byte of a file OpenSMTPD encrypted (crypto.c, `API_VERSION`): no message or envelope
    /// starts with it.
    static let encryptedVersion: UInt8 = 1

    /// The name of a message's file in its folder.
    static let messageFileName = "message"

    private static let versionKey: [UInt8] = Array("version: ".utf8)

    private static func isLowercaseHex<Name: StringProtocol>(_ name: Name, count: Int) -> Bool {
        var seen = 0
        for byte in name.utf8 {
            guard ASCII.isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) else { return false }
            seen += 1
        }
        return seen == count
    }
}
