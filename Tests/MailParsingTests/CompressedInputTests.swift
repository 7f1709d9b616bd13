import Foundation
import MailParsing
import Testing
import TestSupport

/// Compressed mailboxes and messages: gzip read as the plain file would be, damage reported after
/// everything before it was read. (bzip2, xz, zstd and LZ4: `OtherCompressionFormatsTests`.)
@Suite("compressed input")
struct CompressedInputTests {
    /// A fresh temporary folder holding the given files (relative path -> bytes).
    static func folder(_ files: [String: [UInt8]]) throws -> String {
        try MailboxTesting.folder(files, prefix: "compressed")
    }

    /// An mbox of `count` small messages, each a little different, in `lineEnd`.
    static func mbox(_ count: Int, lineEnd: String = "\n") -> [UInt8] {
        var text = ""
        for n in 0..<count {
            let body = String(repeating: "line \(n) of a message body\n", count: 1 + n % 7)
            text += "From sender\(n)@example.org Thu Jul  2 12:05:05 2020\nFrom: sender\(n)@example.org\n"
                + "Subject: message \(n)\n\n\(body)\n"
        }
        return Array(text.replacingOccurrences(of: "\n", with: lineEnd).utf8)
    }

    /// Every message of `path` and every error, as a scan would meet them.
    static func readAll(_ path: String, limits: MailboxLimits = .init()) throws -> (messages: [ReadMessage], errors: [MailboxError]) {
        var reader = try MailboxReader(path: path, limits: limits)
        var messages: [ReadMessage] = []
        var errors: [MailboxError] = []
        while true {
            do {
                guard let message = try reader.next() else { break }
                messages.append(ReadMessage(message))
            } catch {
                errors.append(error)
            }
        }
        return (messages, errors)
    }

    @Test("each format is told by its magic number, and text never is")
    func detection() {
        #expect(CompressionFormat.detect(Gzip.compress(Array("x".utf8))) == .gzip)
        #expect(CompressionFormat.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0, 0, 0, 0]) == .xz)
        #expect(CompressionFormat.detect([0x28, 0xB5, 0x2F, 0xFD, 0, 0]) == .zstd)
        #expect(CompressionFormat.detect([0x04, 0x22, 0x4D, 0x18, 0, 0]) == .lz4)
        #expect(CompressionFormat.detect(Array("Dovecot-LZ4".utf8) + [0x0D, 0x2A, 0x9B, 0xC5, 0, 1, 0, 0]) == .dovecotLZ4)
        #expect(CompressionFormat.detect(Array("Dovecot-LZ4: a header field\n".utf8)) == nil)
        #expect(CompressionFormat.detect(Array("BZh9".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) == .bzip2)
        #expect(CompressionFormat.detect(Array("BZh9".utf8) + [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]) == .bzip2)
        // "BZh1: x" could begin a message's header: without the block's magic it is text.
        #expect(CompressionFormat.detect(Array("BZh1: value\n\nbody".utf8)) == nil)
        #expect(CompressionFormat.detect(Array("From a@b Thu Jul  2 12:05:05 2020\n".utf8)) == nil)
        #expect(CompressionFormat.detect([0x1F, 0x8B]) == nil)   // cut before the method byte
        #expect(CompressionFormat.detect([UInt8]()) == nil)
    }

    @Test("a gzip mbox reads as the plain mbox: the same messages, offsets and lengths, in LF, CRLF and CR")
    func gzipMboxReadsAsPlain() throws {
        for lineEnd in ["\n", "\r\n", "\r"] {
            let plain = Self.mbox(400, lineEnd: lineEnd)
            let root = try Self.folder(["box.mbox": plain, "box.mbox.gz": Gzip.compress(plain)])
            defer { try? FileManager.default.removeItem(atPath: root) }
            // Chunks far smaller than the file: the decompressed bytes cross many refills.
            for limits in [MailboxLimits(), MailboxLimits(readChunkBytes: 1_000), MailboxLimits(readChunkBytes: 7)] {
                let expected = try Self.readAll(root + "/box.mbox", limits: limits)
                let read = try Self.readAll(root + "/box.mbox.gz", limits: limits)
                #expect(expected.messages.count == 400)
                #expect(read.errors.isEmpty)
                #expect(read.messages == expected.messages, "line end \(Array(lineEnd.utf8)), chunk \(limits.readChunkBytes)")
            }
            #expect(try MailboxReader(path: root + "/box.mbox.gz").kind == .mbox)
        }
    }

    @Test("every member of a concatenated gzip file is read; bytes after the last member are ignored")
    func gzipMembers() throws {
        let first = Self.mbox(3), second = Self.mbox(5)
        let root = try Self.folder([
            "both.mbox": first + second,
            "both.mbox.gz": Gzip.compress(first) + Gzip.compress(second),
            "padded.mbox.gz": Gzip.compress(first) + Gzip.compress(second) + [UInt8](repeating: 0, count: 512),
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let expected = try Self.readAll(root + "/both.mbox")
        #expect(expected.messages.count == 8)
        for name in ["both.mbox.gz", "padded.mbox.gz"] {
            let read = try Self.readAll(root + "/" + name)
            #expect(read.messages == expected.messages, "\(name)")
            #expect(read.errors.isEmpty, "\(name)")
        }
    }

    @Test("a gzip message file and gzip files in a Maildir are messages")
    func gzipMessageFiles() throws {
        let message = Array("From: a@example.org\nSubject: hi\n\nbody\n".utf8)
        let root = try Self.folder([
            "one.eml.gz": Gzip.compress(message),
            "Maildir/cur/1.host:2,S": Gzip.compress(message), "Maildir/new/2.host": message,
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root + "/one.eml.gz")
        #expect(reader.kind == .messageFile)
        #expect(try reader.next().map { Array($0.bytes) } == message)
        #expect(try reader.next() == nil)
        let maildir = try Self.readAll(root + "/Maildir")
        #expect(maildir.messages.map(\.bytes) == [message, message])
        #expect(maildir.errors.isEmpty)
    }

    @Test("a truncated gzip file: the messages before the cut are read, the last as far as it goes, then the error")
    func truncatedGzip() throws {
        let plain = Self.mbox(200)
        let compressed = Gzip.compress(plain)
        let cut = Array(compressed[..<(compressed.count * 2 / 3)])
        let root = try Self.folder(["box.mbox": plain, "cut.mbox.gz": cut])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let expected = try Self.readAll(root + "/box.mbox").messages
        let read = try Self.readAll(root + "/cut.mbox.gz")
        #expect(read.errors.count == 1)
        #expect(read.errors.first?.code == .corruptCompressedData)
        #expect(read.errors.first?.byteOffset == cut.count)
        #expect(read.errors.first?.detail?.contains("ends early") == true)
        // All but the last message whole, as in the plain file; the last a prefix of its own.
        #expect(read.messages.count > 100 && read.messages.count < 200)
        guard let last = read.messages.last else { return }
        #expect(Array(read.messages.dropLast()) == Array(expected.prefix(read.messages.count - 1)))
        let whole = expected[read.messages.count - 1]
        #expect(last.offset == whole.offset && last.length < whole.length)
        #expect(whole.bytes.starts(with: last.bytes))
    }

    @Test("damaged gzip data (a check that does not match) is an error after what was decompressed")
    func damagedGzip() throws {
        let plain = Self.mbox(50)
        var compressed = Gzip.compress(plain)
        compressed[compressed.count - 6] ^= 0xFF   // the CRC-32 of the trailer (RFC 1952 §2.3.1)
        let root = try Self.folder(["bad.mbox.gz": compressed])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let read = try Self.readAll(root + "/bad.mbox.gz")
        #expect(read.messages.count == 50)
        #expect(read.errors.map(\.code) == [.corruptCompressedData])
        #expect(read.errors.first?.detail?.hasPrefix("gzip: ") == true)
    }

    @Test("bzip2, xz, zstd and lz4 data that is not what its magic number promises is damage, named; a folder's other files still are read")
    func notWhatTheMagicPromises() throws {
        let message = Array("From: a@example.org\n\nbody\n".utf8)
        let files: [String: [UInt8]] = [
            "a.xz": [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] + message,
            "b.zst": [0x28, 0xB5, 0x2F, 0xFD] + message,
            "c.lz4": [0x04, 0x22, 0x4D, 0x18] + message,
            "d.bz2": Array("BZh9".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59] + message,
            "e.eml": message,
        ]
        let root = try Self.folder(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (name, format) in [("a.xz", "xz"), ("b.zst", "zstd"), ("c.lz4", "lz4"), ("d.bz2", "bzip2")] {
            let read = try Self.readAll(root + "/" + name)
            #expect(read.messages.isEmpty, "\(name)")
            #expect(read.errors.map(\.code) == [.corruptCompressedData], "\(name)")
            #expect(read.errors.first?.detail?.hasPrefix(format + ": ") == true, "\(read.errors)")
            #expect(read.errors.first?.path.hasSuffix(name) == true)
            #expect(throws: MailboxError.self) { _ = try MailboxReader.readRawEntry(path: root + "/" + name, offset: 0, length: 1) }
        }
        let folder = try Self.readAll(root)
        #expect(folder.messages.map(\.bytes) == [message])
        #expect(folder.errors.map(\.code) == Array(repeating: .corruptCompressedData, count: 4))
    }

    @Test("entries of a gzip file are read back by offset and length, in order or not")
    func rawEntriesOfGzip() throws {
        let plain = Self.mbox(120)
        let root = try Self.folder(["box.mbox": plain, "box.mbox.gz": Gzip.compress(plain)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let messages = try Self.readAll(root + "/box.mbox.gz").messages
        let reader = try RawEntryReader(path: root + "/box.mbox.gz")
        #expect(reader.compression == .gzip)
        for message in messages + messages.reversed() {
            let raw = try reader.read(offset: message.offset, length: message.length)
            #expect(raw == Array(plain[message.offset..<(message.offset + message.length)]))
        }
        let last = try #require(messages.last)
        #expect(try MailboxReader.readRawEntry(path: root + "/box.mbox.gz", offset: last.offset, length: last.length)
                == Array(plain[last.offset...]))
        #expect(throws: MailboxError.self) { _ = try reader.read(offset: plain.count - 10, length: 11) }
    }

    @Test("a gzip bomb of one message is cut at the message limit, in bounded memory")
    func gzipBomb() throws {
        // 64 MiB of one header line's worth of bytes, ~64 KiB compressed.
        let huge = Array("From: a@example.org\nSubject: x\n\n".utf8) + [UInt8](repeating: 0x61, count: 64 << 20)
        let root = try Self.folder(["bomb.eml.gz": Gzip.compress(huge, level: 9)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let limits = MailboxLimits(maxMessageBytes: 1 << 20, readChunkBytes: 64 << 10)
        var reader = try MailboxReader(path: root + "/bomb.eml.gz", limits: limits)
        let message = try #require(try reader.next())
        #expect(message.bytes.count == 1 << 20)
        #expect(message.length == huge.count)
        #expect(message.defects.contains(.truncated))
        #expect(reader.bufferBytes <= limits.maxMessageBytes + 2 * limits.readChunkBytes)
        #expect(try reader.next() == nil)
    }
}
