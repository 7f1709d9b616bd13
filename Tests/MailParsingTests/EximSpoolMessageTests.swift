import Foundation
import MailParsing
import Testing
import TestSupport

/// Exim spool messages: the real pairs in Fixtures/mailbox/exim-spool (written by Exim, expected as
/// `exim -Mvc` prints them), and damaged or hostile header files.
@Suite("Exim spool messages")
struct EximSpoolMessageTests {
    static let ids = ["1xaFIx-0004Nl-21", "1xaFIx-0004Np-25", "1xaFIx-0004Nt-2A", "1xaFJA-0004QP-2j",
                      "1xaFLr-0004f0-2O", "1xaFM1-0004sE-36"]

    static func fixture(_ name: String) -> String { Corpus.fixture("mailbox/exim-spool/\(name)") }

    /// envelopes.tsv's row for `id`: sender, recipients, arrival time.
    static func envelope(_ id: String) throws -> (sender: String, recipients: [String], arrival: Int?) {
        let text = try String(contentsOfFile: fixture("envelopes.tsv"), encoding: .utf8)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 4, columns[0] == id else { continue }
            return (columns[1], columns[2].split(separator: ",").map(String.init), Int(columns[3]))
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: Array(bytes), as: UTF8.self) }

    @Test("each real spool pair reads as exim -Mvc prints it, from its -H or its -D file", arguments: ids)
    func realSpoolMessages(_ id: String) throws {
        let expected = try MailboxTesting.bytes(Self.fixture(id + ".eml"))
        for path in [Self.fixture(id + "-H"), Self.fixture(id + "-D")] {
            var reader = try MailboxReader(path: path)
            #expect(reader.kind == .eximSpoolMessage)
            let message = try #require(try reader.next())
            #expect(try reader.next() == nil)
            #expect(Array(message.bytes) == expected, "\(path): \(Self.text(message.bytes.prefix(120)))")
            #expect(message.source == Self.fixture(id + "-H"))
            #expect(message.offset == 0 && message.length == expected.count && message.defects.isEmpty)
            // The reader hands the envelope on with the message.
            let envelope = try Self.envelope(id)
            #expect(message.queueEnvelope?.sender.map(Self.text) == envelope.sender)
            #expect(message.queueEnvelope?.recipients.map(Self.text) == envelope.recipients)
            #expect(message.queueEnvelope?.arrivalTime == envelope.arrival)
        }
        let header = try MailboxTesting.bytes(Self.fixture(id + "-H"))
        let data = try MailboxTesting.bytes(Self.fixture(id + "-D"))
        #expect(EximSpoolMessage.isHeaderFile(header, name: id + "-H"))
        #expect(!EximSpoolMessage.isHeaderFile(header, name: id + "-D"))
        let decoded = EximSpoolMessage(header: header[...], data: data[...], dataName: id + "-D")
        let envelope = try Self.envelope(id)
        #expect(decoded.damage == nil)
        #expect(decoded.sender.map(Self.text) == envelope.sender)
        #expect(decoded.recipients.map(Self.text) == envelope.recipients)
        #expect(decoded.arrivalTime == envelope.arrival)
        #expect(try MailboxReader.readRawEntry(path: Self.fixture(id + "-H"), offset: 0, length: expected.count) == expected)
    }

    @Test("what the fixtures hold: a deleted Bcc: left out, ACL values with blank lines passed over, CRLF")
    func fixtureShapes() throws {
        /// The message put together from the pair `id` (`realSpoolMessages` checks it equals the .eml).
        func decoded(_ id: String) throws -> [UInt8] {
            let header = try MailboxTesting.bytes(Self.fixture(id + "-H")), data = try MailboxTesting.bytes(Self.fixture(id + "-D"))
            return EximSpoolMessage(header: header[...], data: data[...], dataName: id + "-D").message
        }
        let bcc = Self.text(try decoded("1xaFIx-0004Nt-2A"))
        #expect(!bcc.contains("Bcc:") && bcc.contains("Subject: a folded\n  subject line that\n\tgoes on\n"))
        let header = Self.text(try MailboxTesting.bytes(Self.fixture("1xaFLr-0004f0-2O-H")))
        #expect(header.contains("-aclm _note 56\nfirst line\nsecond line with: a colon\n\nafter a blank line\n"))
        let acl = Self.text(try decoded("1xaFLr-0004f0-2O"))
        #expect(!acl.contains("first line") && acl.hasPrefix("Received: "))
        let wire = try decoded("1xaFM1-0004sE-36")
        #expect(Self.text(wire).hasSuffix("X-ACL-Added: yes\r\n\r\nBody in CRLF.\r\n.leading dot kept\r\n"))
        let bounce = Self.text(try MailboxTesting.bytes(Self.fixture("1xaFIx-0004Np-25-H")))
        #expect(bounce.contains("\n<>\n") && bounce.contains("\n-frozen "))
    }

    @Test("a spool folder: one message a pair, journals passed over, files named like a pair but not one kept")
    func spoolFolder() throws {
        var files: [String: [UInt8]] = [:]
        for id in Self.ids {
            files["input/\(id)-H"] = try MailboxTesting.bytes(Self.fixture(id + "-H"))
            files["input/\(id)-D"] = try MailboxTesting.bytes(Self.fixture(id + "-D"))
        }
        files["input/\(Self.ids[0])-J"] = Array("bob@remote.example\n".utf8)
        // Named like a pair, but two ordinary message files: both read, neither lost.
        files["input/1xaFIx-0009Zz-99-H"] = Array("Subject: first\n\nnot a spool file\n".utf8)
        files["input/1xaFIx-0009Zz-99-D"] = Array("Subject: second\n\nnot one either\n".utf8)
        // Named like a pair, the -H file an mbox: its message and the -D file's are read.
        files["input/1xaFIx-0009Yy-98-H"] = Array("From a@example.org Thu Jul  2 12:05:05 2020\nSubject: fifth\n\nx\n".utf8)
        files["input/1xaFIx-0009Yy-98-D"] = Array("Subject: sixth\n\n".utf8)
        files["input/notes-H"] = Array("Subject: third\n\n".utf8)
        files["input/notes-D"] = Array("Subject: fourth\n\n".utf8)
        let root = try MailboxTesting.folder(files, prefix: "exim-spool")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root + "/input")
        var read: [String: [UInt8]] = [:]
        while let message = try reader.next() {
            read[(message.source as NSString).lastPathComponent] = Array(message.bytes)
        }
        #expect(read.count == Self.ids.count + 6)
        for id in Self.ids {
            let same = read[id + "-H"] == (try MailboxTesting.bytes(Self.fixture(id + ".eml")))
            #expect(same, "\(id)")
        }
        #expect(read["1xaFIx-0009Zz-99-H"].map(Self.text) == "Subject: first\n\nnot a spool file\n")
        #expect(read["1xaFIx-0009Zz-99-D"].map(Self.text) == "Subject: second\n\nnot one either\n")
        #expect(read["notes-H"].map(Self.text) == "Subject: third\n\n" && read["notes-D"].map(Self.text) == "Subject: fourth\n\n")
        #expect(read["1xaFIx-0009Yy-98-H"].map(Self.text) == "Subject: fifth\n\nx\n")
        #expect(read["1xaFIx-0009Yy-98-D"].map(Self.text) == "Subject: sixth\n\n")
        // Named alone, such a file is read as it is, not as its pair.
        var alone = try MailboxReader(path: root + "/input/1xaFIx-0009Zz-99-D")
        #expect(try alone.next().map { Self.text($0.bytes) } == "Subject: second\n\nnot one either\n")
        #expect(try alone.next() == nil)
    }

    @Test("a header file cut at any byte: never more than the whole, the body always there", arguments: ids)
    func cutAnywhere(_ id: String) throws {
        let header = try MailboxTesting.bytes(Self.fixture(id + "-H"))
        let data = try MailboxTesting.bytes(Self.fixture(id + "-D"))
        let whole = EximSpoolMessage(header: header[...], data: data[...]).message
        let body = Array(data[(data.firstIndex(of: 0x0A)! + 1)...])
        for cut in 0..<header.count {
            let decoded = EximSpoolMessage(header: header[..<cut], data: data[...])
            // The headers read: the message without its body and the blank line before it (CRLF in the
            // wire-format file once its flag was read).
            var headers = decoded.message.dropLast(body.count).dropLast()
            if headers.last == 0x0D { headers = headers.dropLast() }
            let ok = decoded.message.count <= whole.count && decoded.message.suffix(body.count).elementsEqual(body)
                && whole.starts(with: headers)
            #expect(ok, "cut at \(cut)")
            if !ok { return }
        }
    }

    @Test("damage: each fault named where it is, with what came before kept")
    func damage() {
        func spool(_ middle: String, headers: String = "015  Subject: hello\n") -> [UInt8] {
            Array("1xaFIx-0004Nl-21-H\nroot 0 0\n<a@example.net>\n1796575299 0\n\(middle)XX\n1\nb@example.org\n\n\(headers)".utf8)
        }
        let data = Array("1xaFIx-0004Nl-21-D\nbody\n".utf8)
        var decoded = EximSpoolMessage(header: spool("")[...], data: data[...], dataName: "1xaFIx-0004Nl-21-D")
        #expect(decoded.damage == nil && Self.text(decoded.message) == "Subject: hello\n\nbody\n")
        // An ACL value longer than the file.
        decoded = EximSpoolMessage(header: spool("-aclm _x 5000\nshort\n")[...], data: data[...])
        #expect(decoded.damage?.kind == .malformedEnvelope)
        #expect(Self.text(decoded.message) == "\nbody\n")
        // A header count past the end, or not a number.
        decoded = EximSpoolMessage(header: spool("", headers: "015  Subject: hello\n099  X: y\n")[...], data: data[...])
        #expect(decoded.damage?.kind == .malformedHeader && Self.text(decoded.message) == "Subject: hello\n\nbody\n")
        decoded = EximSpoolMessage(header: spool("", headers: "Subject: hello\n")[...], data: data[...])
        #expect(decoded.damage?.kind == .malformedHeader)
        // A tree line of the wrong shape; a recipient count larger than the lines.
        decoded = EximSpoolMessage(header: Array("1xaFIx-0004Nl-21-H\nroot 0 0\n<>\n1 0\nQQ x\n".utf8)[...], data: data[...])
        #expect(decoded.damage?.kind == .malformedEnvelope && decoded.sender == [])
        decoded = EximSpoolMessage(header: Array("1xaFIx-0004Nl-21-H\nroot 0 0\n<>\n1 0\nYN a@b\nNN c@d\n7\nx@y\n".utf8)[...], data: data[...])
        #expect(decoded.damage?.kind == .unexpectedEnd && decoded.recipients == [Array("x@y".utf8)])
        // The data file missing, or another message's.
        decoded = EximSpoolMessage(header: spool("")[...], data: nil)
        #expect(decoded.damage?.kind == .missingData && Self.text(decoded.message) == "Subject: hello\n\n")
        decoded = EximSpoolMessage(header: spool("")[...], data: data[...], dataName: "1xaFIx-0004Zz-99-D")
        #expect(decoded.damage?.kind == .missingData)
        // The limit: cut, the length counted in full.
        decoded = EximSpoolMessage(header: spool("")[...], data: data[...], maxMessageBytes: 10)
        #expect(decoded.isTruncated && decoded.message.count == 10 && decoded.messageLength == 21)
    }

    @Test("a header file without its data file is one message, its headers, marked damaged")
    func loneHeaderFile() throws {
        let id = Self.ids[0]
        let root = try MailboxTesting.folder(["\(id)-H": try MailboxTesting.bytes(Self.fixture(id + "-H"))], prefix: "exim-spool")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var reader = try MailboxReader(path: root + "/\(id)-H")
        let message = try #require(try reader.next())
        #expect(message.defects == .damagedQueueFile)
        let expected = try MailboxTesting.bytes(Self.fixture(id + ".eml"))
        let headerEnd = try #require(Self.text(expected).range(of: "\n\n")).lowerBound.utf16Offset(in: Self.text(expected))
        #expect(Array(message.bytes) == Array(expected[..<(headerEnd + 2)]))
    }

    @Test("detection: an Exim header file's first three lines, never a message's")
    func detection() {
        for id in Self.ids + ["1xaFIx-0004Nl-21", "1rAbCd-00000000bjX-0Abc"] { #expect(EximSpoolMessage.isMessageID(id), "\(id)") }
        for name in ["1xaFIx-0004Nl-2", "1xaFIx-0004Nl21x", "1xaFIx_0004Nl-21", "1xaFIx-0004Nl-21-H", "notes",
                     "1xaFIx-0004Nl-2!", "1xaFIx-00000000bjX-0Ab-"] {
            #expect(!EximSpoolMessage.isMessageID(name), "\(name)")
        }
        #expect(EximSpoolMessage.isHeaderFile(Array("1xaFIx-0004Nl-21-H\nroot 0 0\n<a@b>\n".utf8)))
        #expect(EximSpoolMessage.isHeaderFile(Array("1xaFIx-0004Nl-21-H\nroot 0 0\n<>\n".utf8), name: "1xaFIx-0004Nl-21-H"))
        for text in ["1xaFIx-0004Nl-21-H\nroot 0 0\n<a@b>\n", "Subject: x-H\nroot 0 0\n<a@b>\n",
                     "1xaFIx-0004Nl-21-H\nroot zero 0\n<a@b>\n", "1xaFIx-0004Nl-21-H\nroot 0 0\na@b\n",
                     "1xaFIx-0004Nl-21-D\nroot 0 0\n<a@b>\n", "x-H\nroot 0 0\n<a@b>\n", ""] {
            #expect(!EximSpoolMessage.isHeaderFile(Array(text.utf8), name: "other-H"), "\(text.debugDescription)")
        }
    }
}
