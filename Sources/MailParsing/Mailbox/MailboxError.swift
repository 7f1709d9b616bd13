/// Why a mailbox reader could not produce anything for an input or one of its entries.
///
/// A struct around a private enum, so that cases can be added without breaking callers: compare `code`
/// with the `Code` constants.
public struct MailboxError: Error, Sendable, Hashable, CustomStringConvertible {
    fileprivate enum Base: Sendable, Hashable {
        case cannotOpen
        case cannotRead
        case cannotListDirectory
        case notFound
        case unsupportedFileType
        case outOfRange
        case corruptCompressedData
        case unsupportedCompression
        case damagedMailboxFile
    }

    /// The kind of failure, comparable with the `static let` constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let base: Base
        /// open(2) failed (permissions, too many open files, ...).
        public static let cannotOpen = Code(base: .cannotOpen)
        /// read(2) or pread(2) failed part-way.
        public static let cannotRead = Code(base: .cannotRead)
        /// A folder could not be listed.
        public static let cannotListDirectory = Code(base: .cannotListDirectory)
        /// Nothing exists at the path.
        public static let notFound = Code(base: .notFound)
        /// The path is neither a regular file, a folder, a pipe nor `-` (e.g. a socket or a block device),
        /// or it is a file in a mailbox format that is not read (Emacs's Babyl; an encrypted OpenSMTPD queue,
        /// or an OpenSMTPD envelope file without its message), `detail` saying which and what to do.
        public static let unsupportedFileType = Code(base: .unsupportedFileType)
        /// A raw-entry read asked for bytes beyond the end of the file.
        public static let outOfRange = Code(base: .outOfRange)
        /// Compressed input whose data is damaged, ends early or asks for more memory than
        /// `CompressionFormat.maxDecoderMemoryBytes`; `detail` says how. What was decompressed before
        /// the damage has been read.
        public static let corruptCompressedData = Code(base: .corruptCompressedData)
        /// Input compressed in a format whose library cannot be loaded here (libbz2, liblzma, libzstd
        /// or liblz4); `detail` names the format, the library and how to decompress the file first.
        public static let unsupportedCompression = Code(base: .unsupportedCompression)
        /// A mailbox file whose structure is damaged where its format has no way to find the next
        /// message (a Dovecot dbox file's message or metadata header missing where the sizes lead:
        /// `DboxParser`); `detail` says what, `byteOffset` where. The messages before it have been read.
        public static let damagedMailboxFile = Code(base: .damagedMailboxFile)

        /// A stable name for messages and JSON output.
        public var description: String {
            switch base {
            case .cannotOpen: "cannot-open"
            case .cannotRead: "cannot-read"
            case .cannotListDirectory: "cannot-list-directory"
            case .notFound: "not-found"
            case .unsupportedFileType: "unsupported-file-type"
            case .outOfRange: "out-of-range"
            case .corruptCompressedData: "corrupt-compressed-data"
            case .unsupportedCompression: "unsupported-compression"
            case .damagedMailboxFile: "damaged-mailbox-file"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// The file or folder concerned (for an entry of a folder, that entry's own path).
    public let path: String
    /// Byte offset in `path` where the failure happened (0 when opening).
    public let byteOffset: Int
    /// The C `errno` reported by the system, if the failure came from a system call.
    public let systemErrorNumber: Int32?
    /// Words for a person, where the code alone does not say enough (the compression found, zlib's
    /// message); nil otherwise.
    public let detail: String?

    package init(_ code: Code, path: String, byteOffset: Int = 0, errno: Int32? = nil, detail: String? = nil) {
        self.code = code
        self.path = path
        self.byteOffset = byteOffset
        self.systemErrorNumber = errno
        self.detail = detail
    }

    /// `code: path at byte N (errno E)`, with the detail after a colon; the path's bytes that are not
    /// UTF-8 shown as `\xHH` (`NativePath.displayed`).
    public var description: String {
        var text = "\(code): \(NativePath.displayed(path)) at byte \(byteOffset)"
        if let systemErrorNumber { text += " (errno \(systemErrorNumber))" }
        if let detail { text += ": " + detail }
        return text
    }
}
