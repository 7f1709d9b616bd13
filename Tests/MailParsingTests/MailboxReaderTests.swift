import Foundation
import MailParsing
import Testing
import TestSupport

/// `MailboxReader` over inputs built in a temporary folder.
@Suite("mailbox reader")
struct MailboxReaderTests {
    /// A fresh temporary folder with the given files (relative path -> contents).
    static func folder(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("mailbox-reader-\(UUID().uuidString)").path
        for (relative, contents) in files {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    static let message = "From: a@example.org\nSubject: hi\n\nbody\n"

    /// Every message of `reader` as a caller that keeps going reads them: each one's file name, and the
    /// errors thrown on the way.
    static func readGoingOn(_ reader: inout MailboxReader) -> (sources: [String], errors: [MailboxError]) {
        var sources: [String] = []
        var errors: [MailboxError] = []
        while true {
            do {
                guard let message = try reader.next() else { break }
                sources.append((message.source as NSString).lastPathComponent)
            } catch {
                errors.append(error)
            }
        }
        return (sources, errors)
    }
    static let mbox = "From a@b Thu Jul  2 12:05:05 2020\nSubject: 1\n\none\n\nFrom c@d Thu Jul  2 12:05:06 2020\nSubject: 2\n\ntwo\n"

    /// RFC 5322 §4.5.3 allows white space before a field's colon (obs-optional); a message file whose
    /// first field is written so ("From  : John Doe", the A.6.3 example) is a message, not an mbox whose
    /// envelope line is that field: read as one, it lost its From field.
    @Test("a file starting with an obsolete \"From  :\" field is one message, not an mbox")
    func obsoleteFromFieldIsNoEnvelope() throws {
        let message = "From  : John Doe <jdoe@example.org>\nTo    : Mary <mary@example.net>\nSubject : hi\n\nbody\n"
        let tabbed = "From\t: x@example.org\n\nbody\n"   // no space after "From": never an mbox
        let blanks = "From " + String(repeating: " ", count: 10_000) + ": x@example.org\n\nbody\n"
        let root = try Self.folder(["a.eml": message, "b.eml": tabbed, "c.eml": blanks, "d.mbox": Self.mbox])
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (name, text) in [("a.eml", message), ("b.eml", tabbed), ("c.eml", blanks)] {
            var reader = try MailboxReader(path: root + "/" + name)
            #expect(reader.kind == .messageFile, "\(name)")
            let read = try reader.next()
            #expect(read.map { String(decoding: $0.bytes, as: UTF8.self) } == text, "\(name)")
            #expect(try reader.next() == nil)
        }
        #expect(try MailboxReader(path: root + "/d.mbox").kind == .mbox)
        #expect(try MailboxTesting.read(root + "/d.mbox").count == 2)
    }

    @Test("a folder is read recursively, in path order; an mbox inside it gives several messages")
    func directory() throws {
        let root = try Self.folder([
            "b.eml": Self.message, "a.eml": Self.message, "sub/c.eml": Self.message, "sub/box.mbox": Self.mbox,
            ".hidden": Self.message, "empty.eml": "",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root)
        #expect(reader.kind == .directory)
        var seen: [String] = []
        while let message = try reader.next() {
            seen.append(String(message.source.dropFirst(root.count + 1)) + "#\(message.index)")
        }
        #expect(seen == ["a.eml#0", "b.eml#0", "sub/box.mbox#0", "sub/box.mbox#1", "sub/c.eml#0"])
    }

    /// An MH folder (nmh, Claws Mail, Sylpheed) names its messages by number; read in byte order they
    /// came as 1, 10, 100, 11, 2.
    @Test("an MH folder's numbered messages come in the order of their numbers, before its other entries")
    func mhFolder() throws {
        var files = [".mh_sequences": "unseen: 1-3\n", "a.eml": Self.message, "sub/3": Self.message, "sub/20": Self.message]
        for n in [1, 2, 9, 10, 11, 100, 1000] { files[String(n)] = Self.message }
        let root = try Self.folder(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root)
        var seen: [String] = []
        while let message = try reader.next() { seen.append(String(message.source.dropFirst(root.count + 1))) }
        #expect(seen == ["1", "2", "9", "10", "11", "100", "1000", "a.eml", "sub/3", "sub/20"])
    }

    /// Queue IDs hold digits too, but their byte order is the order they were made in (Exim's base 62
    /// time first, Sendmail's time letters first, Maildir's seconds first): read by a number in them, an
    /// Exim spool came out of time order.
    @Test("names that hold digits but are no number keep their byte order")
    func queueIDsKeepByteOrder() throws {
        let names = ["1xaF97-000003-03-H", "1xaF97-000170-AA-H", "1xaF98-000002-9Z-H", "1733000000.M1P2.host:2,S",
                     "1733000001.M10P2.host:2,S", "a9.b10", "qf6B6Jb7NR017961", "qf6B6Jb8AB000007", "x10y.2", "x10y.10", "10b", "9b"]
        var files: [String: String] = [:]
        for name in names { files[name] = Self.message }
        let root = try Self.folder(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root)
        var seen: [String] = []
        while let message = try reader.next() { seen.append(String(message.source.dropFirst(root.count + 1))) }
        #expect(seen == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test("a Maildir: cur/ and new/ read, tmp/ and Maildir++ metadata skipped, .Folders included")
    func maildir() throws {
        let root = try Self.folder([
            "cur/1:2,S": Self.message, "new/2": Self.message, "tmp/3": Self.message,
            "dovecot-uidlist": "3 V1 N2\n", ".Sent/cur/4:2,S": Self.message, ".Sent/maildirfolder": "",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let messages = try MailboxTesting.read(root)
        #expect(try MailboxReader(path: root).kind == .maildir)
        #expect(messages.map { String($0.source.dropFirst(root.count + 1)) } == [".Sent/cur/4:2,S", "cur/1:2,S", "new/2"])
    }

    @Test("an entry that cannot be opened is thrown for itself; the next call goes on")
    func unreadableEntry() throws {
        let root = try Self.folder(["a.eml": Self.message, "b.eml": Self.message, "c.eml": Self.message])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root)
        try FileManager.default.removeItem(atPath: root + "/b.eml")  // vanishes between listing and reading
        let (sources, errors) = Self.readGoingOn(&reader)
        #expect(sources == ["a.eml", "c.eml"])
        #expect(errors.map(\.code) == [.notFound])
        #expect(errors.first?.path == root + "/b.eml")
    }

    /// A file whose name is not valid UTF-8 (here a byte 0xFF) is read with the others, its source carrying
    /// the byte as U+10FFFF (`NativePath`); `NativePathTests` has the mapping.
    @Test("a file whose name is not valid UTF-8 is read with the others")
    func nonUTF8NameIsRead() throws {
        let root = try Self.folder(["ok.eml": Self.message])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let name: [CChar] = Array((root + "/m").utf8CString.dropLast()) + [CChar(bitPattern: 0xFF)] + Array(".eml".utf8CString)
        defer { _ = unlink(name) }  // before the folder: Foundation lists it by Strings
        let fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        _ = Self.message.utf8CString.dropLast().withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        var reader = try MailboxReader(path: root)
        let (sources, errors) = Self.readGoingOn(&reader)
        #expect(Set(sources) == ["ok.eml", "m\u{10FFFF}.eml"])
        #expect(errors.isEmpty, "\(errors)")
    }

    /// etc/BABYL: a file starts with its BABYL OPTIONS section; a message section's status line, original
    /// header, `*** EOOH ***` line and visible message follow each `^_^L`. Read as one message it would be
    /// garbage and "nothing found"; it is an input error that says how to convert it.
    @Test("an Emacs Babyl file is an error naming it and the conversion, alone and inside a folder")
    func babylIsRefused() throws {
        let babyl = "BABYL OPTIONS: -*- rmail -*-\nVersion: 5\nLabels:\n\u{1F}\u{0C}\n0, unseen,,\n*** EOOH ***\n"
            + Self.message + "\u{1F}"
        let root = try Self.folder(["a.eml": Self.message, "RMAIL": babyl, "z.eml": Self.message])
        defer { try? FileManager.default.removeItem(atPath: root) }
        do {
            _ = try MailboxReader(path: root + "/RMAIL")
            Issue.record("a Babyl file was read")
        } catch {
            #expect(error.code == .unsupportedFileType && error.path == root + "/RMAIL")
            #expect(error.detail?.contains("Babyl") == true && error.detail?.contains("unrmail") == true)
        }
        var reader = try MailboxReader(path: root)
        let (sources, errors) = Self.readGoingOn(&reader)
        #expect(sources == ["a.eml", "z.eml"])
        #expect(errors.map(\.code) == [.unsupportedFileType])
    }

    @Test("a missing path is an error naming it")
    func missing() {
        #expect(throws: MailboxError.self) { try MailboxReader(path: "/nonexistent/mailbox") }
        do {
            _ = try MailboxReader(path: "/nonexistent/mailbox")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.path == "/nonexistent/mailbox")
        }
    }

    @Test("a message file is one message; a file starting with From_ is an mbox")
    func kinds() throws {
        let root = try Self.folder(["m.eml": Self.message, "box": Self.mbox])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try MailboxReader(path: root + "/m.eml").kind == .messageFile)
        #expect(try MailboxReader(path: root + "/box").kind == .mbox)
        let single = try MailboxTesting.read(root + "/m.eml")
        #expect(single.count == 1)
        #expect(single.first.map { String(decoding: $0.bytes, as: UTF8.self) } == Self.message)
        #expect(single.first?.length == Self.message.utf8.count)
        #expect(try MailboxTesting.read(root + "/box").count == 2)
    }

    @Test("raw entries read back by offset and length rebuild the file byte for byte")
    func rawEntries() throws {
        let root = try Self.folder(["box": Self.mbox])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/box"
        var rebuilt: [UInt8] = []
        for message in try MailboxTesting.read(path) {
            let raw = try MailboxReader.readRawEntry(path: path, offset: message.offset, length: message.length)
            #expect(message.raw.map(Array.init) == raw)
            rebuilt += raw
        }
        #expect(rebuilt == Array(Self.mbox.utf8))
        #expect(throws: MailboxError.self) { try MailboxReader.readRawEntry(path: path, offset: 0, length: 10_000) }
    }

    @Test("a message file larger than the limit is cut and flagged, its length exact")
    func largeMessageFile() throws {
        let big = Self.message + String(repeating: "x", count: 10_000) + "\n"
        let root = try Self.folder(["big.eml": big])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let messages = try MailboxTesting.read(root + "/big.eml",
                                               limits: MailboxLimits(maxMessageBytes: 1_000, readChunkBytes: 300))
        #expect(messages.count == 1)
        #expect(messages.first?.bytes.count == 1_000)
        #expect(messages.first?.length == big.utf8.count)
        #expect(messages.first?.defects == .truncated)
    }

    /// A folder's files are each read into a buffer of their own size: read into the reader's one buffer
    /// while the scan held the last file's message (a slice of it), each file copied the buffer whole and
    /// each message kept a buffer of `readChunkBytes` alive (the sisimai bsd folder: 2.4 GB resident).
    @Test("each file of a folder is read into a buffer of its own size, not one chunk shared and copied")
    func folderFilesGetBuffersOfTheirSize() throws {
        var files: [String: String] = [:]
        for i in 0..<20 { files["m\(i).eml"] = "From: a\(i)@example.org\nSubject: \(i)\n\n" + String(repeating: "z", count: 100 * i) + "\n" }
        files["sub/box.mbox"] = Self.mbox
        let root = try Self.folder(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let limits = MailboxLimits(readChunkBytes: 1 << 20)
        var reader = try MailboxReader(path: root, limits: limits)
        var kept: [MailboxMessage] = []   // held, as a scan holds a batch
        while let message = try reader.next() {
            kept.append(message)
            // The file just read, at most 2,000 bytes here, got a buffer of 4 KiB, not the chunk.
            #expect(reader.bufferBytes == 4096, "\(message.source)")
        }
        #expect(kept.count == 22)
        for message in kept where message.source.hasSuffix(".eml") {
            let name = String(message.source.dropFirst(root.count + 1))
            #expect(String(decoding: message.bytes, as: UTF8.self) == files[name], "\(name)")
        }
    }

    /// A folder's file is read into a buffer of the size its walk saw (when the reader opened the folder):
    /// one that grew since is still read whole, its buffer grown as a long entry's.
    @Test("a folder's file that grew after the walk is read whole")
    func folderFileGrownAfterTheWalk() throws {
        let root = try Self.folder(["a.eml": Self.message, "b.eml": Self.message])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root, limits: MailboxLimits(readChunkBytes: 1 << 20))
        let grown = Self.message + String(repeating: "more body\n", count: 2_000)   // 20 KB: past its 4 KiB buffer
        try Data(grown.utf8).write(to: URL(fileURLWithPath: root + "/b.eml"))
        var read: [String] = []
        while let message = try reader.next() { read.append(String(decoding: message.bytes, as: UTF8.self)) }
        #expect(read == [Self.message, grown])
    }

    @Test("an entry longer than the limit grows the buffer to the limit and a chunk, not past it")
    func longEntryBuffer() throws {
        let text = "From a@b Thu Jul  2 12:05:05 2020\nSubject: long\n\n" + String(repeating: "x", count: 10_000)
            + "\nFrom a@b Thu Jul  2 12:05:06 2020\nSubject: next\n\nshort\n"
        let root = try Self.folder(["box": text])
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The buffer doubles from one chunk to exactly the limit, where the parser cannot yet tell.
        let limits = MailboxLimits(maxMessageBytes: 1_000, readChunkBytes: 250)
        var reader = try MailboxReader(path: root + "/box", limits: limits)
        var messages: [MailboxMessage] = []
        while let message = try reader.next() { messages.append(message) }
        #expect(messages.count == 2)
        #expect(messages.first?.defects.contains(.truncated) == true)
        #expect(messages.first?.bytes.count == 1_000)
        // Doubling alone went 250, 500, 1,000, 2,000.
        #expect(reader.bufferBytes <= limits.maxMessageBytes + limits.readChunkBytes)
    }

    @Test("a large mbox read in small chunks keeps the reader's buffer small")
    func smallChunks() throws {
        var text = ""
        for i in 0..<300 { text += "From a@b Thu Jul  2 12:05:05 2020\nSubject: \(i)\n\n" + String(repeating: "y", count: i * 7) + "\n\n" }
        let root = try Self.folder(["box": text])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try MailboxTesting.read(root + "/box").map(MessageSummary.init)
        let chunked = try MailboxTesting.read(root + "/box", limits: MailboxLimits(readChunkBytes: 97)).map(MessageSummary.init)
        #expect(whole.count == 300)
        #expect(whole == chunked)
    }

    @Test("a file shorter than one read, of any size around the read size, is read whole", arguments: [95, 96, 97, 98, 300])
    func fileAroundTheReadSize(readChunkBytes: Int) throws {
        // The buffer of a short regular file is sized from the file (and one byte to see its end).
        var text = ""
        for i in 0..<4 { text += "From a@b Thu Jul  2 12:05:05 2020\nSubject: \(i)\n\nbody\n\n" }
        text = String(text.prefix(96))   // 96 bytes, the last message cut short
        let root = try Self.folder(["box": text])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let read = try MailboxTesting.read(root + "/box", limits: MailboxLimits(readChunkBytes: readChunkBytes))
        let whole = MailboxTesting.parse(Array(text.utf8))
        func summaries(_ messages: [MailboxMessage]) -> [MessageSummary] {
            messages.map { var summary = MessageSummary($0); summary.source = ""; return summary }
        }
        #expect(summaries(read) == summaries(whole))
        #expect(read.count == 2)
        #expect(read.reduce(0) { $0 + $1.length } == 96)
    }

    @Test("standard input (path -) is detected as an mbox or as one message")
    func standardInput() throws {
        let root = try Self.folder(["box": Self.mbox, "m.eml": Self.message])
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Only this test touches file descriptor 0: it is pointed at a file, then put back.
        let saved = dup(0)
        defer { dup2(saved, 0); close(saved) }
        for (file, count) in [("box", 2), ("m.eml", 1)] {
            let fd = open(root + "/" + file, O_RDONLY)
            #expect(fd >= 0)
            dup2(fd, 0)
            close(fd)
            var reader = try MailboxReader(path: "-")
            #expect(reader.kind == .standardInput)
            var messages: [MailboxMessage] = []
            while let message = try reader.next() { messages.append(message) }
            #expect(messages.count == count)
            #expect(messages.allSatisfy { $0.source == "-" })
        }
    }

    @Test("a named pipe is read like a file")
    func namedPipe() throws {
        let root = try Self.folder([:])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fifo = root + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = Self.mbox
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            close(fd)
        }
        writer.start()
        var reader = try MailboxReader(path: fifo)
        #expect(reader.kind == .mbox)
        var count = 0
        while try reader.next() != nil { count += 1 }
        #expect(count == 2)
    }
}

/// A qmail queue: only its `mess/` files are messages.
@Suite("qmail queue folders")
struct QmailQueueFolderTests {
    @Test("a qmail queue reads its messages, not their envelopes and state")
    func onlyMess() throws {
        let message = Array("Received: (qmail 41175 invoked by uid 0); 2 Mar 2026 12:05:31 -0000\nFrom: a@example.org\nSubject: queued\n\nbody\n".utf8)
        let root = try MailboxTesting.folder([
            "queue/mess/5/1234567": message,
            "queue/info/5/1234567": Array("Fa@example.org\u{0}".utf8),
            "queue/remote/5/1234567": Array("Tvictim@example.net\u{0}".utf8),
            "queue/bounce/1234567": Array("<x@example.org>\nfailed\n".utf8),
            "queue/lock/tcpto": [0, 1, 2, 3, 255],
            "queue/todo/.keep": [],
            "queue/intd/.keep": [],
        ], prefix: "qmail-queue")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for path in [root + "/queue", root + "/queue/"] {
            let messages = try MailboxTesting.read(path)
            #expect(messages.map { Array($0.bytes) } == [message])
            #expect(messages.first?.source.hasSuffix("mess/5/1234567") == true)
        }
        // mess/ as a link back to the queue: not followed (the walk would never end), nothing read.
        let looped = try MailboxTesting.folder(["queue/info/.keep": [], "queue/todo/.keep": [], "queue/intd/.keep": [],
                                                "queue/lock/.keep": []], prefix: "qmail-queue")
        defer { try? FileManager.default.removeItem(atPath: looped) }
        try FileManager.default.createSymbolicLink(atPath: looped + "/queue/mess", withDestinationPath: looped + "/queue")
        #expect(try MailboxTesting.read(looped + "/queue").isEmpty)
        // A folder that merely has a mess/ among others is walked whole.
        let plain = try MailboxTesting.folder(["mess/a.eml": message, "info/b.eml": message], prefix: "qmail-queue")
        defer { try? FileManager.default.removeItem(atPath: plain) }
        #expect(try MailboxTesting.read(plain).count == 2)
    }
}
