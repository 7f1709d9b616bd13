import Foundation
import MailParsing
import Testing
import TestSupport

/// Apple Mail's `.emlx` files: the message between the byte count line and Mail's property list, alone,
/// in a folder read in the order of the files' numbers; short files and the limit.
@Suite("Apple Mail emlx files")
struct EmlxFileTests {
    static let message = Array("From: MAILER-DAEMON@mx.example.net\nTo: victim@example.org\nSubject: Undelivered Mail\n\nbody\n".utf8)
    static let plist = Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        <dict>
        \t<key>flags</key>
        \t<integer>8590195713</integer>
        </dict>
        </plist>

        """.utf8)

    /// An emlx file of `message` as Mail writes it: the count padded with blanks to ten places.
    static func emlx(_ message: [UInt8], count: Int? = nil, countLine: String? = nil) -> [UInt8] {
        let number = String(count ?? message.count)
        let line = countLine ?? number + String(repeating: " ", count: max(0, 10 - number.count)) + "\n"
        return Array(line.utf8) + message + plist
    }

    static func folder(_ files: [String: [UInt8]]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("emlx-\(UUID().uuidString)")
        for (name, bytes) in files {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return root
    }

    @Test("the message alone, its offset after the count line, raw its bytes; count lines as Mail and others write them")
    func message() throws {
        for countLine in [nil, "\(Self.message.count)\n", "\(Self.message.count)\r\n", "\(Self.message.count)\t \n"] {
            let bytes = Self.emlx(Self.message, countLine: countLine)
            let root = try Self.folder(["1.emlx": bytes])
            defer { try? FileManager.default.removeItem(at: root) }
            let path = root.appendingPathComponent("1.emlx").path
            var reader = try MailboxReader(path: path)
            let read = try #require(try reader.next())
            #expect(try reader.next() == nil)
            #expect(reader.kind == .messageFile)
            let lineLength = bytes.count - Self.message.count - Self.plist.count
            #expect(Array(read.bytes) == Self.message && read.defects == [])
            #expect(read.offset == lineLength && read.length == Self.message.count)
            #expect(read.raw.map(Array.init) == Array(bytes[read.offset..<(read.offset + read.length)]))
            #expect(try MailboxReader.readRawEntry(path: path, offset: read.offset, length: read.length) == Self.message)
        }
    }

    @Test("a file shorter than its count gives what it holds, damaged; past the limit the message is cut")
    func shortAndLong() throws {
        let short = Array("900       \n".utf8) + Self.message
        let root = try Self.folder(["short.emlx": short, "long.emlx": Self.emlx(Self.message)])
        defer { try? FileManager.default.removeItem(at: root) }
        let cut = try MailboxTesting.read(root.appendingPathComponent("short.emlx").path)
        #expect(cut.count == 1 && cut.first.map { Array($0.bytes) } == Self.message)
        #expect(cut.first?.defects == .damagedFile && cut.first?.length == Self.message.count)
        let long = try MailboxTesting.read(root.appendingPathComponent("long.emlx").path, limits: MailboxLimits(maxMessageBytes: 40))
        #expect(long.first.map { Array($0.bytes) } == Array(Self.message.prefix(40)))
        #expect(long.first?.defects == .truncated && long.first?.length == Self.message.count && long.first?.raw == nil)
    }

    @Test("a Messages folder reads its files in the order of their numbers; a first line that is no count is a message")
    func folderOrderAndLookalikes() throws {
        var files: [String: [UInt8]] = [:]
        for n in [1, 2, 10, 11] { files["Messages/\(n).emlx"] = Self.emlx(Self.message) }
        files["Messages/3.partial.emlx"] = Self.emlx(Self.message)
        files["notcount.eml"] = Array("12 monkeys\n".utf8) + Self.message
        let root = try Self.folder(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let messages = try MailboxTesting.read(root.path)
        #expect(messages.map { String($0.source.dropFirst(root.path.count + 1)) }
                    == ["Messages/1.emlx", "Messages/2.emlx", "Messages/3.partial.emlx", "Messages/10.emlx", "Messages/11.emlx", "notcount.eml"])
        #expect(messages.dropLast().allSatisfy { Array($0.bytes) == Self.message })
        #expect(messages.last.map { $0.offset == 0 && $0.bytes.count == 11 + Self.message.count } == true)
        #expect(EmlxFile.byteCountLine(Array("1234567890123\n".utf8)) == nil && EmlxFile.byteCountLine(Array(" 12\n".utf8)) == nil)
    }
}
