import Foundation
import MailParsing
import Testing
import TestSupport

/// A Postfix queue as `postcat` prints it, through `audit` and `scan`: each queued message judged as the
/// same message in an mbox is, where before the whole output was one message with a broken header.
@Suite struct PostcatCommandTests {
    /// The example inbox's messages printed as `postcat` prints queue files, one entry each.
    static func exampleAsPostcat() throws -> [UInt8] {
        var reader = try MailboxReader(path: Corpus.repositoryRoot.appendingPathComponent("Fixtures/example/inbox.mbox").path)
        var out: [UInt8] = []
        var n = 0
        while let message = try reader.next() {
            let id = "deferred/4F1B2C3D\(n)"
            out += Array("*** ENVELOPE RECORDS \(id) ***\nmessage_arrival_time: Mon Mar  2 10:00:00 2026\nsender: \n*** MESSAGE CONTENTS \(id) ***\n".utf8)
            out += message.bytes
            if message.bytes.last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }
            out += Array("*** HEADER EXTRACTED \(id) ***\n*** MESSAGE FILE END \(id) ***\n".utf8)
            n += 1
        }
        return out
    }

    /// Each record of the JSON Lines without the keys that say where it lies in its input.
    static func records(_ text: String) throws -> [NSDictionary] {
        try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return object.filter { !["source", "offset", "length"].contains($0.key) } as NSDictionary
        }
    }

    @Test(arguments: ["audit", "scan"])
    func aQueueAsPostcatPrintsItReadsAsItsMessages(_ command: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("postcat-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("queue.txt").path
        try Data(Self.exampleAsPostcat()).write(to: URL(fileURLWithPath: path))
        let arguments = [command, "-f", "jsonl", "--quiet", "--profile", "Fixtures/example/profile.toml"]
        let expected = try CLI.run(arguments + ["Fixtures/example/inbox.mbox"])
        let read = try CLI.run(arguments + [path])
        #expect(read.status == expected.status, "\(read.stderr)")
        let records = try Self.records(read.text)
        #expect(records.count == 10)
        // Each entry's envelope is the `sender:` line's (empty: `<>`), no recipients, no arrival time
        // (postcat prints it in local time); the mbox's messages have none.
        for record in records {
            let envelope = record["envelope"] as? [String: Any]
            #expect(envelope?["sender"] as? String == "" && (envelope?["recipients"] as? [String])?.isEmpty == true
                        && envelope?["arrival"] is NSNull, "\(record["envelope"] ?? "nil")")
        }
        let withoutEnvelopes = { (records: [NSDictionary]) in
            records.map { ($0 as? [String: Any] ?? [:]).filter { $0.key != "envelope" } as NSDictionary }
        }
        #expect(withoutEnvelopes(records) == withoutEnvelopes(try Self.records(expected.text)))
    }
}
