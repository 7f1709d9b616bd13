import Foundation
import MailParsing
import Testing
import TestSupport

/// Sendmail queue entries: the real pairs in Fixtures/mailbox/sendmail-queue (written by Sendmail 8.17,
/// expected as its SMTP mailer sends them), queue folders flat and with sub-folders, and damaged or
/// hostile control files.
@Suite("Sendmail queue messages")
struct SendmailQueueMessageTests {
    static let ids = ["6B6Jb7BL018012", "6B6Jb7Ix017963", "6B6Jb7NR017961", "6B6Jb7dg018010", "6B6Jb7k4018008",
                      "6B6Jb7kG017965"]

    static func fixture(_ name: String) -> String { Corpus.fixture("mailbox/sendmail-queue/\(name)") }

    /// envelopes.tsv's row for `id`: sender, recipients; the sender as the decoder gives it (mailq lists
    /// the null sender of Sendmail's own bounces as `MAILER-DAEMON`, which is sent as `<>`: empty).
    static func envelope(_ id: String) throws -> (sender: String, recipients: [String]) {
        let text = try String(contentsOfFile: fixture("envelopes.tsv"), encoding: .utf8)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 3, columns[0] == id else { continue }
            return (columns[1] == "MAILER-DAEMON" ? "" : columns[1], columns[2].split(separator: ",").map(String.init))
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: Array(bytes), as: UTF8.self) }

    static func decoded(_ id: String) throws -> SendmailQueueMessage {
        let control = try MailboxTesting.bytes(fixture("qf" + id)), data = try MailboxTesting.bytes(fixture("df" + id))
        return SendmailQueueMessage(control: control[...], data: data[...])
    }

    @Test("each real queue entry reads as Sendmail's SMTP mailer sends it, from its qf or its df file", arguments: ids)
    func realQueueEntries(_ id: String) throws {
        let expected = try MailboxTesting.bytes(Self.fixture(id + ".eml"))
        for path in [Self.fixture("qf" + id), Self.fixture("df" + id)] {
            var reader = try MailboxReader(path: path)
            #expect(reader.kind == .sendmailQueueMessage)
            let message = try #require(try reader.next())
            #expect(try reader.next() == nil)
            #expect(Array(message.bytes) == expected, "\(path): \(Self.text(message.bytes.prefix(120)))")
            #expect(message.source == Self.fixture("qf" + id))
            #expect(message.offset == 0 && message.length == expected.count && message.defects.isEmpty)
            // The reader hands the envelope on with the message.
            let envelope = try Self.envelope(id)
            #expect(message.queueEnvelope?.sender.map(Self.text) == envelope.sender)
            #expect(message.queueEnvelope?.recipients.map(Self.text) == envelope.recipients)
            #expect(message.queueEnvelope?.arrivalTime == (try Self.decoded(id)).creationTime)
        }
        let decoded = try Self.decoded(id)
        let envelope = try Self.envelope(id)
        #expect(decoded.damage == nil)
        #expect(decoded.sender.map(Self.text) == envelope.sender)
        #expect(decoded.recipients.map(Self.text) == envelope.recipients)
        #expect(decoded.creationTime != nil)
        #expect(try MailboxReader.readRawEntry(path: Self.fixture("qf" + id), offset: 0, length: expected.count) == expected)
    }

    @Test("what the fixtures hold: conditions taken off, Return-Path and Full-Name left out, Bcc: removed, folding kept")
    func fixtureShapes() throws {
        let bounceFile = Self.text(try MailboxTesting.bytes(Self.fixture("qf6B6Jb7Ix017963")))
        #expect(bounceFile.contains("\nH?P?Return-Path: <\u{FFFD}g>\n") && bounceFile.contains("\nH?x?Full-Name: "))
        let bounce = try Self.decoded("6B6Jb7Ix017963")
        let bounceText = Self.text(bounce.message)
        #expect(bounceText.hasPrefix("Received: from localhost (localhost)\n\tby mx.example.net "))
        let bounceHeaders = try #require(bounceText.components(separatedBy: "\n\n").first)
        #expect(!bounceHeaders.contains("Return-Path:") && !bounceHeaders.contains("Full-Name:") && !bounceHeaders.contains("?"))
        #expect(bounceText.contains("\nDate: ") && bounceText.contains("\nFrom: Mail Delivery Subsystem <MAILER-DAEMON>\n"))
        // Sendmail's own bounce: `SMAILER-DAEMON` and `F` with `r`, sent from `<>`.
        #expect(bounceFile.contains("\nSMAILER-DAEMON\n") && bounceFile.contains("\nFrns\n"))
        #expect(bounce.sender == [] && bounce.recipients.map(Self.text) == ["victim@innocent.example"])
        let bcc = Self.text(try Self.decoded("6B6Jb7kG017965").message)
        #expect(!bcc.contains("Bcc:") && bcc.contains("\nSubject: a folded\n  subject line that\n\tgoes on\nX-Long: "))
        #expect(Self.text(try MailboxTesting.bytes(Self.fixture("qf6B6Jb7kG017965"))).contains("\nH??Bcc: secret@remote.example\n"))
        let eight = try Self.decoded("6B6Jb7dg018010").message
        #expect(Self.text(eight).hasSuffix("\n\nGrüße aus Köln.\n") && eight.contains(0xC3))
        #expect(try Self.decoded("6B6Jb7BL018012").recipients.map(Self.text) == ["hal@remote.example", "ivy@remote.example"])
    }

    /// The fixtures' files, each entry's qf and df file: all in `mqueue/`, or with `subfolders` in
    /// `mqueue/qf/` and `mqueue/df/` (Sendmail's queue sub-folders); with a transcript and temporary files.
    static func queueFiles(subfolders: Bool) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for id in ids {
            files[subfolders ? "mqueue/qf/qf\(id)" : "mqueue/qf\(id)"] = try MailboxTesting.bytes(fixture("qf" + id))
            files[subfolders ? "mqueue/df/df\(id)" : "mqueue/df\(id)"] = try MailboxTesting.bytes(fixture("df" + id))
        }
        // A transcript, a control file being rewritten, one set aside: no messages.
        files[subfolders ? "mqueue/xf/xf\(ids[0])" : "mqueue/xf\(ids[0])"] = Array("220 mx.example.net ESMTP\n".utf8)
        files[subfolders ? "mqueue/qf/tf\(ids[1])" : "mqueue/tf\(ids[1])"] = Array("V8\nT1796585812\n".utf8)
        files[subfolders ? "mqueue/qf/Tf\(ids[2])" : "mqueue/Tf\(ids[2])"] = Array("V8\nT1796585812\n".utf8)
        return files
    }

    @Test("a queue folder, flat or with qf/ df/ xf/ sub-folders: one message an entry, transcripts passed over",
          arguments: [false, true])
    func queueFolder(subfolders: Bool) throws {
        let root = try MailboxTesting.folder(try Self.queueFiles(subfolders: subfolders), prefix: "sendmail-queue")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root + "/mqueue")
        var read: [String: [UInt8]] = [:]
        while let message = try reader.next() {
            read[(message.source as NSString).lastPathComponent] = Array(message.bytes)
            #expect(message.defects.isEmpty, "\(message.source)")
        }
        #expect(read.count == Self.ids.count, "\(read.keys.sorted())")
        for id in Self.ids {
            #expect(read["qf" + id] == (try MailboxTesting.bytes(Self.fixture(id + ".eml"))), "\(id)")
        }
        // Named alone, a df file in df/ reads its entry from qf/.
        let df = root + (subfolders ? "/mqueue/df/df" : "/mqueue/df") + Self.ids[3]
        var alone = try MailboxReader(path: df)
        #expect(try alone.next().map { Array($0.bytes) } == (try MailboxTesting.bytes(Self.fixture(Self.ids[3] + ".eml"))))
        let raw = try RawEntryReader(path: root + (subfolders ? "/mqueue/qf/qf" : "/mqueue/qf") + Self.ids[3])
        #expect(try raw.read(offset: 0, length: 20) == Array(try MailboxTesting.bytes(Self.fixture(Self.ids[3] + ".eml")).prefix(20)))
    }

    @Test("files named like an entry but not one are read as they are, neither lost; quarantined and lost qf files are read")
    func misnamedAndSetAside() throws {
        let control = try MailboxTesting.bytes(Self.fixture("qf" + Self.ids[2]))
        let data = try MailboxTesting.bytes(Self.fixture("df" + Self.ids[2]))
        let files: [String: [UInt8]] = [
            // Named like an entry, two ordinary message files.
            "q/qf6B6Jb7AA000001": Array("Subject: first\n\nnot a control file\n".utf8),
            "q/df6B6Jb7AA000001": Array("Subject: second\n\nnot one either\n".utf8),
            // The qf file an mbox: its message and the df file's are read.
            "q/qf6B6Jb7AA000002": Array("From a@example.org Thu Jul  2 12:05:05 2020\nSubject: fifth\n\nx\n".utf8),
            "q/df6B6Jb7AA000002": Array("Subject: sixth\n\n".utf8),
            // Not a queue ID's shape: never paired.
            "q/qfnotes": Array("Subject: third\n\n".utf8),
            "q/dfnotes": Array("Subject: fourth\n\n".utf8),
            // Quarantined (hf) and lost (Qf) control files: queued messages all the same.
            "q/hf6B6Jb7AA000003": control, "q/df6B6Jb7AA000003": data,
            "q/Qf6B6Jb7AA000004": control, "q/df6B6Jb7AA000004": data,
        ]
        let root = try MailboxTesting.folder(files, prefix: "sendmail-queue")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root + "/q")
        var read: [String: String] = [:]
        while let message = try reader.next() { read[(message.source as NSString).lastPathComponent] = Self.text(message.bytes) }
        let expected = Self.text(try MailboxTesting.bytes(Self.fixture(Self.ids[2] + ".eml")))
        #expect(read == [
            "qf6B6Jb7AA000001": "Subject: first\n\nnot a control file\n", "df6B6Jb7AA000001": "Subject: second\n\nnot one either\n",
            "qf6B6Jb7AA000002": "Subject: fifth\n\nx\n", "df6B6Jb7AA000002": "Subject: sixth\n\n",
            "qfnotes": "Subject: third\n\n", "dfnotes": "Subject: fourth\n\n",
            "hf6B6Jb7AA000003": expected, "Qf6B6Jb7AA000004": expected,
        ])
        // Named alone, such a df file is read as it is, not as its entry.
        var alone = try MailboxReader(path: root + "/q/df6B6Jb7AA000001")
        #expect(try alone.next().map { Self.text($0.bytes) } == "Subject: second\n\nnot one either\n")
        #expect(try alone.next() == nil)
    }

    @Test("a control file cut at any byte: never more than the whole, the body always there, the damage marked", arguments: ids)
    func cutAnywhere(_ id: String) throws {
        let control = try MailboxTesting.bytes(Self.fixture("qf" + id))
        let data = try MailboxTesting.bytes(Self.fixture("df" + id))
        let whole = SendmailQueueMessage(control: control[...], data: data[...]).message
        let root = try MailboxTesting.folder(["df" + id: data], prefix: "sendmail-cut")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for cut in 0..<control.count {
            let decoded = SendmailQueueMessage(control: control[..<cut], data: data[...])
            let headers = decoded.message.dropLast(data.count + 1)
            var ok = decoded.message.count <= whole.count && decoded.message.suffix(data.count).elementsEqual(data)
                && whole.starts(with: headers)
            // Only the cut of the last LF leaves the file whole.
            ok = ok && (decoded.damage == nil) == (cut == control.count - 1)
            // Read from a folder, the cut file is one message marked damaged.
            try Data(control[..<cut]).write(to: URL(fileURLWithPath: root + "/qf" + id))
            let messages = try MailboxTesting.read(root)
            if cut >= SendmailQueueMessage.bytesToDetect {
                ok = ok && messages.count == 1 && messages.first.map { Array($0.bytes) == decoded.message } == true
                    && messages.first?.defects.contains(.damagedQueueFile) == (cut < control.count - 1)
            }
            #expect(ok, "cut at \(cut)")
            if !ok { return }
        }
        // The data file cut: the message is the whole one cut there.
        for cut in 0..<data.count {
            let decoded = SendmailQueueMessage(control: control[...], data: data[..<cut])
            #expect(decoded.damage == nil && whole.starts(with: decoded.message) && decoded.message.count == whole.count - (data.count - cut))
        }
    }

    @Test("damage: each fault named where it is, with what came before kept")
    func damage() {
        func control(_ middle: String, headers: String = "H??Subject: hello\n") -> [UInt8] {
            Array("V8\nT1796585812\nFbs\nSa@example.net\nRPFD:b@example.org\n\(middle)\(headers).\n".utf8)
        }
        let data = Array("body\n".utf8)
        var decoded = SendmailQueueMessage(control: control("")[...], data: data[...])
        #expect(decoded.damage == nil && Self.text(decoded.message) == "Subject: hello\n\nbody\n")
        #expect(decoded.sender == Array("a@example.net".utf8) && decoded.recipients == [Array("b@example.org".utf8)])
        #expect(decoded.creationTime == 1796585812)
        // The sender: without its angle brackets; empty when the message is a response (`F` with `r`).
        decoded = SendmailQueueMessage(control: Array("V8\nT1\nS<c@example.net>\n.\n".utf8)[...], data: data[...])
        #expect(decoded.sender == Array("c@example.net".utf8))
        decoded = SendmailQueueMessage(control: Array("V8\nT1\nFrs\nSMAILER-DAEMON\n.\n".utf8)[...], data: data[...])
        #expect(decoded.sender == [])
        decoded = SendmailQueueMessage(control: Array("V8\nT1\nS<>\n.\n".utf8)[...], data: data[...])
        #expect(decoded.sender == [])
        // A record of an unknown letter; an empty line; the headers before it kept.
        decoded = SendmailQueueMessage(control: control("", headers: "H??To: x\nW what\nH??Subject: hello\n")[...], data: data[...])
        #expect(decoded.damage == .init(.malformedRecord, offset: 62) && Self.text(decoded.message) == "To: x\n\nbody\n")
        decoded = SendmailQueueMessage(control: control("\n")[...], data: data[...])
        #expect(decoded.damage?.kind == .malformedRecord)
        // A recipient without the colon after its flags (version 1 and later); in version 0 the whole record.
        decoded = SendmailQueueMessage(control: control("Rb2@example.org\n")[...], data: data[...])
        #expect(decoded.damage?.kind == .malformedRecord)
        decoded = SendmailQueueMessage(control: Array("T1\nRb@example.org\n.\n".utf8)[...], data: data[...])
        #expect(decoded.damage == nil && decoded.recipients == [Array("b@example.org".utf8)])
        // A condition without its closing `?`.
        decoded = SendmailQueueMessage(control: control("", headers: "H?PSubject: hello\n")[...], data: data[...])
        #expect(decoded.damage?.kind == .malformedHeader && Self.text(decoded.message) == "\nbody\n")
        // No `.` record: cut.
        decoded = SendmailQueueMessage(control: Array(control("").dropLast(2))[...], data: data[...])
        #expect(decoded.damage?.kind == .unexpectedEnd && Self.text(decoded.message) == "Subject: hello\n\nbody\n")
        // The data file missing.
        decoded = SendmailQueueMessage(control: control("")[...], data: nil)
        #expect(decoded.damage == .init(.missingData, offset: 0) && Self.text(decoded.message) == "Subject: hello\n\n")
        // Conditions: mailer flags of the SMTP mailers kept, others left out, macros kept; Bcc: only with b.
        // (0x01 below stands for Sendmail's macro byte 0x81, which a Swift string would write as two.)
        let conditions = control("", headers: "H?P?Return-Path: <\u{1}g>\nH?x?Full-Name: X\nH?DF?Date: d\nH?$j?X-A: a\nH?${name}?X-B: b\nH?\u{1}j?X-C: c\nH??Resent-Bcc: r\nH??bcc : s\n")
        decoded = SendmailQueueMessage(control: conditions.map { $0 == 0x01 ? 0x81 : $0 }[...], data: data[...])
        #expect(Self.text(decoded.message) == "Date: d\nX-A: a\nX-B: b\nX-C: c\n\nbody\n")
        decoded = SendmailQueueMessage(control: Array("V8\nT1\nH??Bcc: s\n.\n".utf8)[...], data: data[...])
        #expect(Self.text(decoded.message) == "Bcc: s\n\nbody\n")
        // The limit: cut, the length counted in full.
        decoded = SendmailQueueMessage(control: control("")[...], data: data[...], maxMessageBytes: 10)
        #expect(decoded.isTruncated && decoded.message.count == 10 && decoded.messageLength == 21)
    }

    @Test("a control file without its data file is one message, its headers, marked damaged")
    func loneControlFile() throws {
        let id = Self.ids[2]
        let root = try MailboxTesting.folder(["qf\(id)": try MailboxTesting.bytes(Self.fixture("qf" + id))], prefix: "sendmail-queue")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root + "/qf\(id)")
        let message = try #require(try reader.next())
        #expect(message.defects == .damagedQueueFile)
        let expected = Self.text(try MailboxTesting.bytes(Self.fixture(id + ".eml")))
        let headerEnd = try #require(expected.range(of: "\n\n")).upperBound
        #expect(Self.text(message.bytes) == String(expected[..<headerEnd]))
    }

    @Test("detection: a V and a T record first, never a message; queue IDs of every version's shape")
    func detection() {
        for id in Self.ids + ["AAA06703", "g2JHd1a12345", "6B6Jb7NR4194303"] { #expect(SendmailQueueMessage.isQueueID(id), "\(id)") }
        for name in ["notes", "6B6Jb7NR0179x", "6B6Jb7NR0179x1", "6B6Jb7-R017961", "AAA0670", "6B6Jb7NR017961000000000"] {
            #expect(!SendmailQueueMessage.isQueueID(name), "\(name)")
        }
        for text in ["V8\nT1796585812\n", "V4\nT711358135\nK0\n", "V10\nT0\n"] {
            #expect(SendmailQueueMessage.isControlFile(Array(text.utf8)), "\(text.debugDescription)")
        }
        for text in ["V8\nT1796585812", "V8\nK0\nT1\n", "V\nT1\n", "Subject: V8\nT1\n", "V8 \nT1\n", "T1796585812\nK0\n", "",
                     "V12345\nT1\n", "V8\nT12345678901234567890\n"] {
            #expect(!SendmailQueueMessage.isControlFile(Array(text.utf8)), "\(text.debugDescription)")
        }
    }
}
