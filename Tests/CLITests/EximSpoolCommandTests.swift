import Foundation
import MailParsing
import Testing
import TestSupport

/// An Exim spool folder (`/var/spool/exim4/input`) read directly, through `audit`, `scan` and `split`:
/// each `-H`/`-D` pair judged as the same message in an mbox is.
@Suite struct EximSpoolCommandTests {
    /// `message` as Exim spools it under `id`: the `-H` file (envelope, its recipients the message's
    /// header recipients, then each header field as its byte count, a flag and a space, and its text)
    /// and the `-D` file (its name, then the body).
    static func spool(_ message: [UInt8], id: String) -> (header: [UInt8], data: [UInt8]) {
        let recipients = PostfixQueueCommandTests.headerRecipients(message)
        var header = Array("\(id)-H\nDebian-exim 103 107\n<>\n1772445600 0\n-ident Debian-exim\n-aclm _x 6\nA\n\nB C\nXX\n\(recipients.count)\n".utf8)
        for recipient in recipients { header += Array((recipient + "\n").utf8) }
        header += Array("\n".utf8)
        let text = String(decoding: message, as: UTF8.self)
        let split = text.range(of: "\n\n")
        let headerText = split.map { String(text[..<$0.lowerBound]) + "\n" } ?? text
        var fields: [String] = []
        for line in headerText.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1] += line + "\n"
            } else {
                fields.append(line + "\n")
            }
        }
        for field in fields {
            header += Array((String(format: "%03d", field.utf8.count) + "  " + field).utf8)
        }
        let body = split.map { String(text[$0.upperBound...]) } ?? ""
        return (header, Array("\(id)-D\n\(body)".utf8))
    }

    /// The example inbox's messages as an Exim spool folder.
    static func exampleAsSpool() throws -> (folder: URL, count: Int) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spool-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("input"), withIntermediateDirectories: true)
        let messages = try PostfixQueueCommandTests.exampleMessages()
        for (n, message) in messages.enumerated() {
            let id = "1xaFIx-000\(n)Aa-2B"
            let (header, data) = Self.spool(message, id: id)
            try Data(header).write(to: folder.appendingPathComponent("input/\(id)-H"))
            try Data(data).write(to: folder.appendingPathComponent("input/\(id)-D"))
        }
        return (folder, messages.count)
    }

    @Test(arguments: ["audit", "scan"])
    func aSpoolFolderReadsAsItsMessages(_ command: String) throws {
        let (folder, count) = try Self.exampleAsSpool()
        defer { try? FileManager.default.removeItem(at: folder) }
        try PostfixQueueCommandTests.expectReadsAsTheExampleInbox(command, queue: folder.appendingPathComponent("input").path, count: count)
    }

    @Test func splitWritesThePutTogetherMessages() throws {
        let (folder, count) = try Self.exampleAsSpool()
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try PostfixQueueCommandTests.split(folder.appendingPathComponent("input").path,
                                                         into: folder.appendingPathComponent("split"))
        #expect(written.count == count)
        #expect(PostfixQueueCommandTests.sorted(written) == PostfixQueueCommandTests.sorted(try PostfixQueueCommandTests.exampleMessages()))
    }
}
