#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// How `FuzzTarget.scan` lays one input out as files: the input's first byte picks the form (and,
/// by its high bit, the audit), and the rest is cut into files at each `separator` line. Each form is named as the reader meets it in the
/// wild (the fixtures' names under `Fixtures/mailbox`), so that the folder walk pairs the files as it
/// pairs a real queue's.
public struct ScanLayout {
    /// The forms, by the selector byte's low seven bits modulo their count.
    public enum Form: CaseIterable, Sendable {
        /// One file, `mailbox`: an mbox, MMDF, dbox, emlx, postcat output, a Postfix queue file, compressed
        /// or not (the reader tells them by their first bytes).
        case mailboxFile
        /// A Maildir: the pieces in `new/` and `cur/` in turn.
        case maildir
        /// A Sendmail queue: the first piece `qfID`, the second `dfID` (Fixtures/mailbox/sendmail-queue).
        case sendmailQueue
        /// An Exim spool pair: `ID-H`, then `ID-D` (Fixtures/mailbox/exim-spool).
        case eximSpool
        /// A Courier queue: `msgs/39/C1041839`, then `D1041839` (Fixtures/mailbox/courier-queue).
        case courierQueue
        /// An OpenSMTPD queue: the first piece `message`, each next one an envelope file
        /// (Fixtures/mailbox/opensmtpd-queue).
        case openSMTPDQueue
        /// A folder of `.eml` files, one a piece.
        case emlFolder
    }

    /// The line that cuts the input into files.
    public static let separator: [UInt8] = Array("\n%%FILE%%\n".utf8)

    /// The form the selector picked.
    public let form: Form
    /// Whether the files go through the queue audit (`AuditStage`) rather than the classifier: the
    /// selector's high bit.
    public let audits: Bool

    /// The layout a selector byte picks: its low seven bits the form, its high bit the audit.
    public init(selector: UInt8) {
        form = Form.allCases[Int(selector & 0x7F) % Form.allCases.count]
        audits = selector & 0x80 != 0
    }

    /// The selector byte that picks `form`, audited or not.
    public static func selector(of form: Form, audits: Bool = false) -> UInt8 {
        UInt8(Form.allCases.firstIndex(of: form)!) | (audits ? 0x80 : 0)
    }

    /// The input cut at each `separator` (at most 16 pieces; the last keeps the rest).
    static func pieces(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + separator.count <= bytes.count, pieces.count < 15 {
            if bytes[index] == separator[0], bytes[index..<(index + separator.count)].elementsEqual(separator) {
                pieces.append(bytes[start..<index])
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(bytes[start...])
        return pieces
    }

    /// Writes `bytes` under `folder` (emptied first) in this form; the paths to scan.
    func write(_ bytes: [UInt8], under folder: String) -> [String] {
        Self.removeContents(of: folder)
        let pieces = Self.pieces(bytes)
        func file(_ relative: String, _ piece: ArraySlice<UInt8>) {
            Self.writeFile(folder + "/" + relative, piece)
        }
        switch form {
        case .mailboxFile:
            file("mailbox", bytes[...])
            return [folder + "/mailbox"]
        case .maildir:
            for (i, piece) in pieces.enumerated() {
                file(i % 2 == 0 ? "Maildir/new/\(i).host" : "Maildir/cur/\(i).host:2,S", piece)
            }
            return [folder + "/Maildir"]
        case .sendmailQueue, .eximSpool, .courierQueue:
            // A control file and its data file, named as the fixtures' are.
            let (queue, control, data) = switch form {
            case .sendmailQueue: ("mqueue", "qf6B6Jb7kG017965", "df6B6Jb7kG017965")
            case .eximSpool: ("input", "1xaFIx-0004Nt-2A-H", "1xaFIx-0004Nt-2A-D")
            default: ("msgs", "39/C1041839", "39/D1041839")
            }
            file(queue + "/" + control, pieces[0])
            if pieces.count > 1 { file(queue + "/" + data, pieces[1]) }
            return [folder + "/" + queue]
        case .openSMTPDQueue:
            file("queue/05/05adcc12/message", pieces[0])
            for (i, piece) in pieces.dropFirst().enumerated() {
                file("queue/05/05adcc12/05adcc12\(String(0x1a40_48d0 + i, radix: 16))", piece)
            }
            return [folder + "/queue"]
        case .emlFolder:
            for (i, piece) in pieces.enumerated() { file("folder/\(i).eml", piece) }
            return [folder + "/folder"]
        }
    }

    /// A folder of this process's own for the files, made once; nil when it cannot be made.
    static let scratchFolder: String? = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let path = "\(base)/backscatter-fuzz-\(getpid())"
        return mkdir(path, 0o700) == 0 || errno == EEXIST ? path : nil
    }()

    /// Writes `bytes` to `path`, making its folders first.
    static func writeFile(_ path: String, _ bytes: ArraySlice<UInt8>) {
        let utf8 = Array(path.utf8)
        for (index, byte) in utf8.enumerated() where byte == UInt8(ascii: "/") && index > 0 {
            mkdir(String(decoding: utf8[..<index], as: UTF8.self), 0o700)  // EEXIST for those made before
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let wrote = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if wrote <= 0 { return }
                done += wrote
            }
        }
    }

    /// Removes everything inside `folder`, which stays.
    static func removeContents(of folder: String) {
        guard let names = try? POSIXFiles.listDirectory(folder) else { return }
        for name in names where name != "." && name != ".." {
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                removeContents(of: path)
                rmdir(path)
            } else {
                unlink(path)
            }
        }
    }
}

/// `MboxParser` fed a chunk at a time, as `FuzzTarget.mbox` reads it through `ChunkingVerifier`.
public enum MboxFeed {
    /// One entry as the parser gave it.
    public struct Entry: Equatable, Sendable {
        public var index: Int
        public var offset: Int
        public var length: Int
        public var bytes: [UInt8]
        public var envelopeLine: [UInt8]?
        public var defects: UInt32
    }

    /// What `FuzzTarget.mbox` holds the parser to: the entries of the whole input tile it (each starts
    /// where the one before ended, the last ends at its end), and every other feed (`mismatchedFeeds`,
    /// `ChunkingVerifier.Report.mismatches`) gave the same entries.
    public static func brokenInvariants(whole: [Entry], mismatchedFeeds: [String], inputBytes: Int) -> [String] {
        var broken: [String] = []
        var next = 0
        for entry in whole {
            if entry.offset != next { broken.append("entry \(entry.index) starts at \(entry.offset), not \(next)") }
            next = entry.offset + entry.length
        }
        if next != inputBytes { broken.append("the entries end at \(next) of \(inputBytes) bytes") }
        if !mismatchedFeeds.isEmpty {
            broken.append("fed whole: \(whole.count) entries; fed \(mismatchedFeeds.joined(separator: ", ")): others")
        }
        return broken
    }

    /// The entries of the input given as `chunks`, fed one after the other.
    public static func entries(of chunks: [ArraySlice<UInt8>]) -> [Entry] {
        var parser = MboxParser()
        var buffer: ByteSlice = []
        var entries: [Entry] = []
        func keep(_ message: MailboxMessage) {
            entries.append(Entry(index: message.index, offset: message.offset, length: message.length,
                                 bytes: Array(message.bytes), envelopeLine: message.envelopeLine.map { Array($0) },
                                 defects: message.defects.rawValue))
        }
        for chunk in chunks {
            buffer.append(contentsOf: chunk)
            while let message = parser.next(&buffer) { keep(message) }
        }
        while let message = parser.finish(&buffer) { keep(message) }
        return entries
    }
}
