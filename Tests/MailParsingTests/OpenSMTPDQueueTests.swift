import Foundation
import MailParsing
import Testing
import TestSupport

/// OpenSMTPD queues: the real ones in Fixtures/mailbox/opensmtpd-queue (written by OpenSMTPD 6.8, expected
/// as `smtpctl show queue` and `smtpctl show message` gave them), read as folders, message by message and
/// from an envelope file; the encrypted queue refused message by message; damaged, lonely and bounce
/// envelopes.
@Suite("OpenSMTPD queues")
struct OpenSMTPDQueueTests {
    static func fixture(_ name: String) -> String { Corpus.fixture("mailbox/opensmtpd-queue/\(name)") }

    static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: Array(bytes), as: UTF8.self) }

    /// One row of a queue's envelopes.tsv (`smtpctl show queue`).
    struct Row {
        let envelopeID, type, sender, recipient, destination: String
        let created: Int
        var messageID: String { String(envelopeID.prefix(8)) }
    }

    static func rows(_ queue: String) throws -> [Row] {
        let text = try String(contentsOfFile: fixture("\(queue)/envelopes.tsv"), encoding: .utf8)
        return try text.split(separator: "\n").dropFirst(2).map { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(c.count == 6)
            return Row(envelopeID: c[0], type: c[1], sender: c[2], recipient: c[3], destination: c[4], created: try #require(Int(c[5])))
        }
    }

    /// The message folder of `messageID` in `queue`.
    static func folder(_ queue: String, _ messageID: String) -> String {
        fixture("\(queue)/queue/\(messageID.prefix(2))/\(messageID)")
    }

    @Test("a real queue reads as one message a message folder, with the envelope smtpctl lists", arguments: ["plain", "compressed"])
    func realQueue(_ queue: String) throws {
        let rows = try Self.rows(queue)
        let ids = Array(Set(rows.map(\.messageID))).sorted()
        #expect(ids.count == 3)
        let messages = try MailboxTesting.read(Self.fixture("\(queue)/queue"))
        #expect(messages.map(\.source) == ids.map { Self.folder(queue, $0) + "/message" })
        for (id, message) in zip(ids, messages) {
            let expected = try MailboxTesting.bytes(Self.fixture("\(queue)/\(id).eml"))
            #expect(Array(message.bytes) == expected, "\(id): \(Self.text(message.bytes.prefix(100)))")
            #expect(message.offset == 0 && message.length == expected.count && message.defects.isEmpty)
            let own = rows.filter { $0.messageID == id }   // in envelope ID order, as the reader reads them
            let envelope = try #require(message.queueEnvelope)
            #expect(envelope.sender.map(Self.text) == (own[0].sender == "@" ? "" : own[0].sender))
            #expect(envelope.recipients.map(Self.text) == own.map(\.destination))
            #expect(envelope.arrivalTime == own[0].created)
        }
        // The queue's NDR to the forged sender comes from <>.
        let bounce = try #require(rows.first { $0.sender == "@" })
        #expect(bounce.destination == "victim@example.org")
        let ndr = try #require(messages.first { $0.source.contains(bounce.messageID) })
        #expect(ndr.queueEnvelope?.sender == [] && Self.text(ndr.bytes).contains("Subject: Delivery status notification: failed"))
    }

    @Test("a message file, an envelope file named alone and a message folder each read as the message", arguments: ["plain", "compressed"])
    func oneMessage(_ queue: String) throws {
        let rows = try Self.rows(queue)
        let two = try #require(Dictionary(grouping: rows, by: \.messageID).first { $0.value.count == 2 })
        let folder = Self.folder(queue, two.key)
        let expected = try MailboxTesting.bytes(Self.fixture("\(queue)/\(two.key).eml"))
        // The folder given with a trailing slash and through `.`: its name is the folder's real one.
        for path in [folder + "/message", folder + "/" + two.value[1].envelopeID, folder + "/./message", folder, folder + "/"] {
            var reader = try MailboxReader(path: path)
            #expect(reader.kind == (path.hasSuffix("/") || path == folder ? .directory : .openSMTPDQueueMessage), "\(path)")
            let message = try #require(try reader.next())
            #expect(try reader.next() == nil)
            #expect(Array(message.bytes) == expected)
            #expect(message.queueEnvelope?.recipients.map(Self.text) == two.value.map(\.destination), "\(path)")
        }
        #expect(try MailboxReader.readRawEntry(path: folder + "/message", offset: 0, length: expected.count) == expected)
    }

    @Test("a message longer than the limit: its head, its whole length, truncated, its envelope all the same",
          arguments: ["plain", "compressed"])
    func cutAtTheLimit(_ queue: String) throws {
        let rows = try Self.rows(queue)
        for id in Set(rows.map(\.messageID)).sorted() {
            let path = Self.folder(queue, id) + "/message"
            let message = try MailboxTesting.bytes(Self.fixture("\(queue)/\(id).eml"))
            let limit = message.count / 2
            for chunk in [16, 4 * 1024 * 1024] {
                let cut = try MailboxTesting.read(path, limits: MailboxLimits(maxMessageBytes: limit, readChunkBytes: chunk))
                try #require(cut.count == 1, "\(path), chunk \(chunk)")
                #expect(Array(cut[0].bytes) == Array(message.prefix(limit)) && cut[0].length == message.count)
                #expect(cut[0].defects == .truncated, "\(path), chunk \(chunk): \(cut[0].defects.names)")
                #expect(cut[0].queueEnvelope?.recipients.map(Self.text) == rows.filter { $0.messageID == id }.map(\.destination))
            }
        }
    }

    @Test("an encrypted queue: an error for each message, naming its file, and nothing read as a message")
    func encryptedQueue() throws {
        let rows = try Self.rows("encrypted")
        let ids = Array(Set(rows.map(\.messageID))).sorted()
        var reader = try MailboxReader(path: Self.fixture("encrypted/queue"))
        var errors: [MailboxError] = []
        var messages = 0
        while true {
            do {
                guard try reader.next() != nil else { break }
                messages += 1
            } catch {
                errors.append(error)
            }
        }
        #expect(messages == 0)
        #expect(errors.map(\.path) == ids.map { Self.folder("encrypted", $0) + "/message" })
        #expect(errors.allSatisfy { $0.code == .unsupportedFileType && $0.detail == OpenSMTPDQueue.encryptedMessage })
        // Its message file named alone, or an envelope file.
        let first = Self.folder("encrypted", ids[0])
        let envelopeID = try #require(rows.first { $0.messageID == ids[0] }).envelopeID
        for path in [first + "/message", first + "/" + envelopeID] {
            #expect(throws: MailboxError.self) {
                var one = try MailboxReader(path: path)
                _ = try one.next()
            }
        }
        // Its message without the envelopes: told by the message file's own first byte.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("smtpd-enc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let alone = root.appendingPathComponent(ids[0])
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: first + "/message", toPath: alone.appendingPathComponent("message").path)
        var reader2 = try MailboxReader(path: alone.path)
        #expect {
            _ = try reader2.next()
        } throws: { error in
            (error as? MailboxError)?.detail == OpenSMTPDQueue.encryptedMessage
        }
    }

    /// A copy of the plain queue's folder of `messageID` in a temporary folder of its own, named by the ID.
    static func copy(_ messageID: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("smtpd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let target = root.appendingPathComponent(messageID)
        try FileManager.default.copyItem(atPath: folder("plain", messageID), toPath: target.path)
        return target
    }

    @Test("a damaged envelope file: the message is read with the other envelopes, marked damaged")
    func damagedEnvelope() throws {
        let rows = try Self.rows("plain")
        let two = try #require(Dictionary(grouping: rows, by: \.messageID).first { $0.value.count == 2 })
        let folder = try Self.copy(two.key)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try Data("garbage\n".utf8).write(to: folder.appendingPathComponent(two.value[0].envelopeID))
        let messages = try MailboxTesting.read(folder.path)
        #expect(messages.count == 1)
        #expect(messages.first?.defects == .damagedQueueFile)
        #expect(messages.first?.queueEnvelope?.recipients.map(Self.text) == [two.value[1].destination])
        #expect(messages.first?.queueEnvelope?.sender.map(Self.text) == two.value[1].sender)
    }

    @Test("a bounce envelope's destination is the sender it goes back to, no recipient of the message")
    func bounceEnvelope() throws {
        let rows = try Self.rows("plain")
        let two = try #require(Dictionary(grouping: rows, by: \.messageID).first { $0.value.count == 2 })
        let folder = try Self.copy(two.key)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let path = folder.appendingPathComponent(two.value[0].envelopeID).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "type: mta\n", with: "type: bounce\n").write(toFile: path, atomically: true, encoding: .utf8)
        let messages = try MailboxTesting.read(folder.path)
        #expect(messages.first?.queueEnvelope?.recipients.map(Self.text) == [two.value[1].destination])
        #expect(messages.first?.defects == [])
    }

    @Test("an envelope file without its message is an error, not a message")
    func lonelyEnvelope() throws {
        let rows = try Self.rows("plain")
        let folder = try Self.copy(rows[0].messageID)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("message"))
        var reader = try MailboxReader(path: folder.path)
        #expect {
            _ = try reader.next()
        } throws: { error in
            (error as? MailboxError)?.code == .unsupportedFileType && (error as? MailboxError)?.detail == OpenSMTPDQueue.lonelyEnvelopeMessage
                && (error as? MailboxError)?.path == folder.appendingPathComponent(rows[0].envelopeID).path
        }
        #expect(try reader.next() == nil)
    }

    @Test("a message folder without envelopes: the message, with an empty envelope")
    func noEnvelopes() throws {
        let rows = try Self.rows("plain")
        let folder = try Self.copy(rows[0].messageID)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        for row in rows where row.messageID == rows[0].messageID {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(row.envelopeID))
        }
        let messages = try MailboxTesting.read(folder.path)
        #expect(messages.count == 1 && messages.first?.defects == [])
        #expect(messages.first?.queueEnvelope?.recipients == [] && messages.first?.queueEnvelope?.sender == nil)
    }

    @Test("a queue's message is one message whatever it starts with: no mbox, Babyl or .emlx file",
          arguments: ["From a@example.org Mon Dec  7 05:00:00 2026\nFrom: a@example.org\n\nFrom here.\n",
                      "BABYL OPTIONS:\nFrom: a@example.org\n\nbody\n", "12\nFrom: a@example.org\n\nbody\n"])
    func messageWhateverItStartsWith(_ text: String) throws {
        let rows = try Self.rows("plain")
        let folder = try Self.copy(rows[0].messageID)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try Data(text.utf8).write(to: folder.appendingPathComponent("message"))
        var reader = try MailboxReader(path: folder.appendingPathComponent("message").path)
        #expect(reader.kind == .openSMTPDQueueMessage)
        let message = try #require(try reader.next())
        #expect(try reader.next() == nil)
        #expect(Array(message.bytes) == Array(text.utf8) && message.queueEnvelope?.recipients.isEmpty == false)
    }

    @Test("a file named like a message or an envelope outside a message's folder is read as mail")
    func namesAlone() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("smtpd-names-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let notAnID = root.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: notAnID, withIntermediateDirectories: true)
        let mail = Data("From: a@example.org\nSubject: hi\n\nversion: 3\n".utf8)
        try mail.write(to: notAnID.appendingPathComponent("message"))
        try mail.write(to: notAnID.appendingPathComponent("0123456789abcdef"))
        let messages = try MailboxTesting.read(notAnID.path)
        #expect(messages.count == 2 && messages.allSatisfy { $0.queueEnvelope == nil && Array($0.bytes) == Array(mail) })
    }

    @Test("envelope text: the fields read, the null sender, lines without a colon and unknown keys passed over")
    func envelopeText() throws {
        let text = "version: 3\ndispatcher: outbound\ntype: mta\nsender: @\nrcpt: a@example.org\ndest: b@example.org\n"
            + "ctime: 1796619750\nerrorline: 421 try later\nno colon here\nx-new-key: 1\nretry: 2\n"
        let envelope = try #require(OpenSMTPDQueue.Envelope(parsing: Array(text.utf8)))
        #expect(envelope.type == "mta" && envelope.sender == [] && envelope.recipient.map(Self.text) == "a@example.org")
        #expect(envelope.destination.map(Self.text) == "b@example.org" && envelope.creationTime == 1_796_619_750)
        #expect(envelope.errorLine.map(Self.text) == "421 try later")
        // As the daemon reads a key: in any case, blanks before its colon, white space after it.
        let loose = try #require(OpenSMTPDQueue.Envelope(parsing: Array("version: 3\nTYPE :\tBounce\nDest  :  \tc@d\n".utf8)))
        #expect(loose.type == "bounce" && loose.destination.map(Self.text) == "c@d")
        let noEnd = try #require(OpenSMTPDQueue.Envelope(parsing: Array("version: 3\nsender: x@y".utf8)))
        #expect(noEnd.sender.map(Self.text) == "x@y" && noEnd.creationTime == nil)
        for notOne in ["", "version:3\n", "version: \n", "Version: 3\n", "version: 3", "Received: from x\n"] {
            #expect(OpenSMTPDQueue.Envelope(parsing: Array(notOne.utf8)) == nil, "\(notOne)")
        }
        #expect(OpenSMTPDQueue.isMessageID("05adcc12") && !OpenSMTPDQueue.isMessageID("05ADCC12") && !OpenSMTPDQueue.isMessageID("05adcc1"))
        #expect(OpenSMTPDQueue.isEnvelopeID("05adcc121a4048da") && !OpenSMTPDQueue.isEnvelopeID("05adcc121a4048dg"))
    }
}
