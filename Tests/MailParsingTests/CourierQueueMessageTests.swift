import Foundation
import MailParsing
import Testing
import TestSupport

/// Courier queue entries: the real ones in Fixtures/mailbox/courier-queue (written by Courier 1.0.16,
/// expected as `mailq` listed them and as Courier sent them), read as a queue folder, entry by entry from
/// either file, and damaged.
@Suite("Courier queue messages")
struct CourierQueueMessageTests {
    static func fixture(_ name: String) -> String { Corpus.fixture("mailbox/courier-queue/\(name)") }

    static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: Array(bytes), as: UTF8.self) }

    /// envelopes.tsv's rows: queue ID, sender, recipients.
    static func rows() throws -> [(id: String, sender: String, recipients: [String])] {
        let text = try String(contentsOfFile: fixture("envelopes.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst(2).map { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return (c[0], c[1], c[2].split(separator: ",").map(String.init))
        }
    }

    /// The control files of the fixture queue, in the walk's order.
    static func controlFiles() throws -> [String] {
        let msgs = fixture("msgs")
        return try FileManager.default.subpathsOfDirectory(atPath: msgs).filter { ($0 as NSString).lastPathComponent.hasPrefix("C") }
            .sorted().map { msgs + "/" + $0 }
    }

    /// The queue ID in a control file's `M` record.
    static func queueID(_ control: String) throws -> String {
        let text = Self.text(try MailboxTesting.bytes(control))
        return try #require(text.split(separator: "\n").first { $0.hasPrefix("M") }).dropFirst().description
    }

    @Test("the real queue reads as one message an entry: its data file, its envelope as mailq lists it")
    func realQueue() throws {
        let rows = try Self.rows()
        let controls = try Self.controlFiles()
        #expect(controls.count == 3 && rows.count == 3)
        let messages = try MailboxTesting.read(Self.fixture("msgs"))
        #expect(messages.map(\.source) == controls)
        for (control, message) in zip(controls, messages) {
            let data = String(control.dropLast((control as NSString).lastPathComponent.count)) + "D" + (control as NSString).lastPathComponent.dropFirst()
            let expected = try MailboxTesting.bytes(data)
            #expect(Array(message.bytes) == expected && message.offset == 0 && message.length == expected.count && message.defects.isEmpty)
            let id = try Self.queueID(control)
            let row = try #require(rows.first { $0.id == id })
            #expect(message.queueEnvelope?.sender.map(Self.text) == row.sender)
            #expect(message.queueEnvelope?.recipients.map(Self.text) == row.recipients)
            // The queue ID's middle part is when it was queued.
            let time = try #require(Int(id.split(separator: ".")[1], radix: 16))
            #expect(message.queueEnvelope?.arrivalTime == time)
            for path in [control, data] {
                var reader = try MailboxReader(path: path)
                #expect(reader.kind == .courierQueueMessage)
                let one = try #require(try reader.next())
                #expect(try reader.next() == nil && one.source == control && Array(one.bytes) == expected)
            }
            #expect(try MailboxReader.readRawEntry(path: control, offset: 0, length: expected.count) == expected)
        }
        // Courier's bounce to the forged sender comes from <>; the refused recipient's F record leaves
        // only the deferred one to deliver.
        #expect(rows.contains { $0.sender.isEmpty && $0.recipients == ["victim@example.org"] })
        #expect(rows.contains { $0.recipients == ["dave@remote.example"] })
    }

    @Test("an entry longer than the limit: its message's head, its whole length, truncated, its envelope")
    func cutAtTheLimit() throws {
        for control in try Self.controlFiles() {
            let whole = try MailboxTesting.read(control)
            let message = Array(try #require(whole.first).bytes)
            let limit = min(300, message.count / 2)
            for chunk in [16, 128, 4 * 1024 * 1024] {
                let cut = try MailboxTesting.read(control, limits: MailboxLimits(maxMessageBytes: limit, readChunkBytes: chunk))
                try #require(cut.count == 1, "\(control), chunk \(chunk)")
                #expect(Array(cut[0].bytes) == Array(message.prefix(limit)) && cut[0].length == message.count)
                #expect(cut[0].defects == .truncated, "\(control), chunk \(chunk): \(cut[0].defects.names)")
                #expect(cut[0].queueEnvelope?.recipients == whole[0].queueEnvelope?.recipients)
            }
        }
    }

    @Test("what Courier sent over SMTP was each data file (the fixtures' cross-check)")
    func crossCheck() throws {
        let sent = try FileManager.default.contentsOfDirectory(atPath: Self.fixture("sent")).map { try MailboxTesting.bytes(Self.fixture("sent/" + $0)) }
        let messages = try MailboxTesting.read(Self.fixture("msgs")).map { Array($0.bytes) }
        #expect(sent.count == 3 && Set(sent) == Set(messages))
    }

    /// A copy of the fixture entry whose control file is `control`, in a temporary folder.
    static func copy(_ control: String) throws -> (folder: URL, name: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("courier-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = (control as NSString).lastPathComponent
        for file in [name, "D" + name.dropFirst()] {
            try FileManager.default.copyItem(atPath: (control as NSString).deletingLastPathComponent + "/" + file,
                                             toPath: folder.appendingPathComponent(file).path)
        }
        return (folder, name)
    }

    @Test("damage: a control file cut inside a line, a missing data file, a schedule link passed over")
    func damaged() throws {
        let controls = try Self.controlFiles()
        let (folder, name) = try Self.copy(controls[0])
        defer { try? FileManager.default.removeItem(at: folder) }
        let controlPath = folder.appendingPathComponent(name).path
        let whole = try MailboxTesting.bytes(controlPath)
        // Cut inside the second recipient's record: the first is read, the cut one is not.
        let cutAt = try #require(Self.text(whole).range(of: "\nrcarol@")).lowerBound.utf16Offset(in: Self.text(whole)) + 5
        try Data(whole.prefix(cutAt)).write(to: URL(fileURLWithPath: controlPath))
        let cut = try MailboxTesting.read(folder.path)
        #expect(cut.count == 1 && cut.first?.defects == .damagedQueueFile)
        #expect(cut.first?.queueEnvelope?.recipients.map(Self.text) == ["bob@remote.example"])
        let decoded = CourierQueueMessage(control: ByteSlice(whole.prefix(cutAt)), data: ByteSlice([]))
        #expect(decoded.damage == .init(.unexpectedEnd, offset: cutAt - 4))   // where the cut line starts
        // The schedule's link to the control file (msgq/TIME/Cinode.time) is no message.
        try FileManager.default.linkItem(atPath: controlPath, toPath: folder.appendingPathComponent(name + ".1796623292").path)
        #expect(try MailboxTesting.read(folder.path).count == 1)
        // Without its data file: the envelope, no message, damaged.
        try Data(whole).write(to: URL(fileURLWithPath: controlPath))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("D" + name.dropFirst()))
        let alone = try MailboxTesting.read(controlPath)
        #expect(alone.count == 1 && alone.first?.bytes.isEmpty == true && alone.first?.defects == .damagedQueueFile)
        #expect(alone.first?.queueEnvelope?.recipients.isEmpty == false)
    }

    @Test("records: the null sender, recipients done by S and F, the queue ID's time; lookalikes")
    func records() throws {
        let control = "s\nM00000000000FE5A2.000000006B164AB9.00004457\nra@x\nR\nN\nrb@x\nrc@x\nS0 1796623033\nF2 1796623033\nD1 1\nC1\n"
        let decoded = CourierQueueMessage(control: ByteSlice(Array(control.utf8)), data: ByteSlice(Array("Subject: x\n\nbody\n".utf8)))
        #expect(decoded.sender == [] && decoded.recipients.map(Self.text) == ["b@x"] && decoded.creationTime == 0x6B16_4AB9)
        #expect(decoded.damage == nil && Self.text(decoded.message) == "Subject: x\n\nbody\n")
        #expect(CourierQueueMessage.isControlFile(Array(control.utf8)))
        for notOne in ["sender: a@x\nM0.1.2\n", "s\nra@x\n", "s\nMxyz\n", "subject line\nM0.1\n", "s\nM1.2.3"] {
            #expect(!CourierQueueMessage.isControlFile(Array(notOne.utf8)), "\(notOne)")
        }
        // An empty line (a damaged file's; courierqueue.py seed 55 crashed the reader on one) names no record.
        let empty = CourierQueueMessage(control: ByteSlice(Array("s\n\nra@x\n\n\nrb@x\n".utf8)), data: nil)
        #expect(empty.recipients.map(Self.text) == ["a@x", "b@x"] && empty.damage == .init(.missingData, offset: 0))
        let overflow = "s\nM0.FFFFFFFFFFFFFFFF.0\n"
        #expect(CourierQueueMessage(control: ByteSlice(Array(overflow.utf8)), data: nil).creationTime == nil)
        #expect(CourierQueueMessage.dataFileName(forControlFile: "C1041826") == "D1041826")
        #expect(CourierQueueMessage.dataFileName(forControlFile: "C10418x6") == nil && CourierQueueMessage.controlFileName(forDataFile: "D") == nil)
        #expect(CourierQueueMessage.isScheduleLink("C1041826.1796623292") && !CourierQueueMessage.isScheduleLink("C1041826"))
    }
}
