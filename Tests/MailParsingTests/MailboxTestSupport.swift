import Foundation
import MailParsing
import TestSupport

/// What the mailbox tests compare: everything a reader reports about one message, bytes as a digest
/// (FNV-1a 64, cheap even in debug builds; equality is all that is asked of it).
struct MessageSummary: Equatable, Sendable, CustomStringConvertible {
    var source: String
    var index: Int
    var offset: Int
    var length: Int
    var envelope: String?
    var digest: UInt64
    var defects: [String]

    init(_ message: MailboxMessage) {
        source = message.source
        index = message.index
        offset = message.offset
        length = message.length
        envelope = message.envelopeLine.map { String(decoding: $0, as: UTF8.self) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        message.bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        digest = hash
        defects = message.defects.names
    }

    var description: String { "#\(index) @\(offset)+\(length) \(digest) \(defects)" }
}

enum MailboxTesting {
    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Feeds `chunks` to a fresh `MboxParser` and collects what it returns.
    static func parse(_ chunks: [ArraySlice<UInt8>], limits: MailboxLimits = .init(), source: String = "-")
        -> [MailboxMessage]
    {
        var parser = MboxParser(source: source, limits: limits)
        return feed(&parser, chunks, next: { $0.next(&$1) }, finish: { $0.finish(&$1) })
    }

    /// Feeds `chunks` to a push parser (`MboxParser`, `MMDFParser`, `DboxParser`, ...) one after another,
    /// asking `next` after each until nil, then `finish` until nil, and collects the messages.
    static func feed<Parser>(_ parser: inout Parser, _ chunks: [ArraySlice<UInt8>],
                             next: (inout Parser, inout ByteSlice) -> MailboxMessage?,
                             finish: (inout Parser, inout ByteSlice) -> MailboxMessage?) -> [MailboxMessage] {
        var input = ByteSlice()
        var out: [MailboxMessage] = []
        for chunk in chunks {
            input.append(contentsOf: chunk)
            while let message = next(&parser, &input) { out.append(message) }
        }
        while let message = finish(&parser, &input) { out.append(message) }
        return out
    }

    static func parse(_ bytes: [UInt8], limits: MailboxLimits = .init()) -> [MailboxMessage] {
        parse([bytes[...]], limits: limits)
    }

    /// Every message of `path` through `MailboxReader`.
    static func read(_ path: String, limits: MailboxLimits = .init()) throws -> [MailboxMessage] {
        var reader = try MailboxReader(path: path, limits: limits)
        var out: [MailboxMessage] = []
        while let message = try reader.next() { out.append(message) }
        return out
    }

    /// Whether the entries tile `file` exactly: contiguous from 0 to the end, and each `raw` is the bytes there.
    static func tiles(_ messages: [MailboxMessage], _ file: [UInt8]) -> Bool {
        var at = 0
        for message in messages {
            guard message.offset == at, at + message.length <= file.count else { return false }
            if let raw = message.raw, Array(raw) != Array(file[at..<(at + message.length)]) { return false }
            at += message.length
        }
        return at == file.count
    }

    /// LF line ends: CRLF and lone CR become LF.
    static func toLF(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var previousCR = false
        for byte in bytes {
            if byte == 0x0A, previousCR { previousCR = false; continue }
            previousCR = byte == 0x0D
            out.append(byte == 0x0D ? 0x0A : byte)
        }
        return out
    }

    /// The message without its `Content-Length:` header line(s) (header section only).
    static func removingContentLength(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var lineStart = 0
        var inHeader = true
        while lineStart < bytes.count {
            var end = lineStart
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let next = min(end + 1, bytes.count)
            let line = bytes[lineStart..<end]
            if inHeader, line.isEmpty { inHeader = false }
            let isContentLength = inHeader
                && String(decoding: line.prefix(15), as: UTF8.self).lowercased() == "content-length:"
            if !isContentLength { out.append(contentsOf: bytes[lineStart..<next]) }
            lineStart = next
        }
        return out
    }
}

/// A message as the compressed-input and postcat tests compare it: its place and its bytes themselves
/// (they assert on the bytes, where `MessageSummary` keeps a digest).
struct ReadMessage: Equatable, CustomStringConvertible {
    var index: Int, offset: Int, length: Int, bytes: [UInt8], defects: MailboxDefects

    init(_ message: MailboxMessage) {
        index = message.index
        offset = message.offset
        length = message.length
        bytes = Array(message.bytes)
        defects = message.defects
    }

    var description: String { "#\(index) at \(offset)+\(length), \(bytes.count) bytes, defects \(defects.rawValue)" }
}

extension MailboxTesting {
    /// A fresh temporary folder holding the given files (relative path -> bytes).
    static func folder(_ files: [String: [UInt8]], prefix: String = "mailbox-test") throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (relative, bytes) in files {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        return root
    }
}
