import Foundation
import MailParsing
import Testing
import TestSupport

/// `backscatter split`: counts add up and every message comes out with its bytes unchanged.
@Suite struct SplitCommandTests {
    static let outputs = ["backscatter.mbox", "legitimate.mbox", "uncertain.mbox", "not-bounce.mbox"]

    /// A fresh, empty folder for one split.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// sha256 of each message's bytes, as a multiset.
    static func digests(_ path: String) throws -> [String: Int] {
        var reader = try MailboxReader(path: path)
        var out: [String: Int] = [:]
        while let message = try reader.next() {
            var hash = SHA256()
            hash.update(message.bytes)
            out[SHA256.hex(hash.finalize()), default: 0] += 1
        }
        return out
    }

    static func messageCount(_ path: String) throws -> Int {
        var reader = try MailboxReader(path: path)
        var count = 0
        while try reader.next() != nil { count += 1 }
        return count
    }

    /// Splits `input` and checks: exit status, the printed total, the count per output, and that the
    /// messages read back from the four outputs are, byte for byte, the input's messages.
    static func checkSplit(_ input: String) throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", input, "--into", folder.path])
        #expect(result.status == 0 || result.status == 1, "\(input): \(result.stderr)")
        let expected = try messageCount(input)
        #expect(result.text.contains("total \(Self.grouped(expected)) messages written, \(Self.grouped(expected)) read: ok"),
                "\(input): \(result.text)")
        var combined: [String: Int] = [:]
        var total = 0
        for name in outputs {
            let path = folder.appendingPathComponent(name).path
            #expect(FileManager.default.fileExists(atPath: path))
            total += try messageCount(path)
            for (digest, count) in try digests(path) { combined[digest, default: 0] += count }
        }
        #expect(total == expected, "\(input)")
        let original = try digests(input)
        #expect(combined == original, "\(input): message bytes changed by split")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    static func grouped(_ n: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = ","
        formatter.usesGroupingSeparator = true
        return formatter.string(from: NSNumber(value: n)) ?? String(n)
    }

    @Test func exampleSplitsByteExactly() throws {
        try Self.checkSplit(Corpus.fixture("example/inbox.mbox"))
    }

    @Test func messageFilesGetAFromLineAndQuoting() throws {
        try Self.checkSplit(Corpus.fixture("cli"))
    }

    @Test func exampleCountsGolden() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "Fixtures/example/inbox.mbox", "--into", folder.path])
        let text = result.text.replacingOccurrences(of: folder.path, with: "OUT")
        let expected = Golden.expected("split-example.txt", actual: text)
        #expect(text == expected)
    }

    @Test func refusesANonEmptyFolderWithoutForce() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("keep".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let refused = try CLI.run(["split", "Fixtures/example/inbox.mbox", "--into", folder.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is not empty"))
        let forced = try CLI.run(["split", "--force", "Fixtures/example/inbox.mbox", "--into", folder.path])
        #expect(forced.status == 1)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("notes.txt").path))
    }

    @Test func neverWritesOverOrIntoItsInput() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("not-bounce.mbox")
        try FileManager.default.copyItem(atPath: Corpus.fixture("example/inbox.mbox"), toPath: input.path)
        let before = try Data(contentsOf: input)
        let over = try CLI.run(["split", "--force", input.path, "--into", folder.path])
        #expect(over.status == 2)
        #expect(try Data(contentsOf: input) == before)
        let into = try CLI.run(["split", Corpus.fixture("cli"), "--into", Corpus.fixture("cli/out")])
        #expect(into.status == 2)
        #expect(!FileManager.default.fileExists(atPath: Corpus.fixture("cli/out")))
        let stdin = try CLI.run(["split", "-", "--into", folder.path])
        #expect(stdin.status == 2)
    }

    /// The message with every line end as LF (CRLF and bare CR alike), for comparing across line ends.
    static func lineFeedOnly(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                out.append(0x0A)
                i += bytes.count > i + 1 && bytes[i + 1] == 0x0A ? 2 : 1
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// Message files in LF, CRLF and CR-only line ends in one folder, the first file CR-only or LF: the
    /// mbox they share reads back with every message (before, a CR-only entry among LF ones merged with
    /// its neighbours: 7 written, 3 read back), and each message is its input but for line ends.
    @Test(arguments: [true, false])
    func mixedLineEndsReadBackWhole(carriageReturnFirst: Bool) throws {
        let input = try Self.folder()
        defer { try? FileManager.default.removeItem(at: input) }
        let endings: [String] = carriageReturnFirst ? ["\r", "\n", "\r\n", "\r", "\n", "\r"]
                                                    : ["\n", "\r", "\r\n", "\r", "\n", "\r"]
        var expected: [[UInt8]] = []
        for (n, ending) in endings.enumerated() {
            let lines = ["From: someone\(n)@example.org", "To: you@example.net", "Subject: note \(n)",
                         "Message-ID: <\(n)@example.org>", "", "From the desk of \(n).", ">From a quote.", "bye"]
            let bytes = Array(lines.joined(separator: ending).utf8) + Array(ending.utf8)
            try Data(bytes).write(to: input.appendingPathComponent(String(format: "%02d.eml", n)))
            expected.append(Self.lineFeedOnly(bytes))
        }
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", input.path, "--into", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("total 6 messages written, 6 read: ok"), "\(result.text)")
        #expect(result.text.contains("3 written in the line ends of the mbox they went into"), "\(result.text)")
        var reader = try MailboxReader(path: folder.appendingPathComponent("not-bounce.mbox").path)
        var read: [[UInt8]] = []
        while let message = try reader.next() { read.append(Self.lineFeedOnly(Array(message.bytes))) }
        #expect(read == expected)
    }

    /// An mbox entry whose first line ends in CRLF and whose body ends in LF LF, its Content-Length
    /// trusted (it ends on the blank line before the next From_ line) over a `From ` line of its body: it
    /// already ends with a blank line as the reader sees it, so it is copied as it is (before, one more
    /// CRLF moved the next From_ line, the length was no longer trusted and the body's `From ` line split
    /// the entry on reading: `split-campaign.sh` seed 298).
    @Test func entryEndingInLineFeedsAfterCRLFLinesIsCopiedAsItIs() throws {
        let input = try Self.folder()
        defer { try? FileManager.default.removeItem(at: input) }
        let body = "Please apply.\n\nFrom 1234abcd Mon Sep 17 00:00:00 2001\nFrom: Dev <dev@example.org>\n\nlooks fine\n"
        let first = "From dev@example.org Mon Sep 17 00:00:00 2001\r\nFrom: dev@example.org\r\nSubject: patch\r\n"
            + "Content-Length: \(body.utf8.count)\n\n" + body + "\n"
        let second = "From ops@example.org Tue Sep 18 00:00:00 2001\r\nFrom: ops@example.org\r\nSubject: thanks\r\n\r\nok\r\n"
        let mbox = input.appendingPathComponent("patches.mbox")
        try Data((first + second).utf8).write(to: mbox)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", mbox.path, "--into", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("total 2 messages written, 2 read: ok"), "\(result.text)")
        let written = try Data(contentsOf: folder.appendingPathComponent("not-bounce.mbox"))
        #expect(written == Data((first + second + "\r\n").utf8))
    }

    /// An LF mbox whose second entry's From_ line (after a blank line, so a separator) holds a bare CR:
    /// the entry is in the mbox's LF lines, as its source was read, so it is copied as it is (before, taken
    /// for a CR-only entry by that CR, it was converted: the CR made LF and two more line ends added).
    @Test func mboxEntryKeepsItsSourcesLineEnds() throws {
        let input = try Self.folder()
        defer { try? FileManager.default.removeItem(at: input) }
        let mbox = "From a@example.org Mon Sep 17 00:00:00 2001\nSubject: x\n\nbody\n\n"
            + "From b@example.org\rjunk Mon Sep 17 00:00:00 2001\nSubject: y\n\nbody2 line\n\n"
            + "From c@example.org Mon Sep 17 00:00:00 2001\nSubject: z\n\nbody3\n"
        let path = input.appendingPathComponent("in.mbox")
        try Data(mbox.utf8).write(to: path)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", path.path, "--into", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("total 3 messages written, 3 read: ok"), "\(result.text)")
        #expect(!result.text.contains("written in the line ends"), "\(result.text)")
        let written = try Data(contentsOf: folder.appendingPathComponent("not-bounce.mbox"))
        #expect(written == Data((mbox + "\n").utf8))
    }

    /// A message without any line end (one line) put into an mbox begun by a CR-only message: its From_
    /// line and blank line are CR-ended as the mbox is (before, LF-ended, they were no lines of the CR-only
    /// mbox and the entry merged with the next: `split-campaign.sh` seed 255, 2,448 written, 2,446 read back).
    @Test func messageWithoutLineEndsTakesTheMboxLineEnds() throws {
        let input = try Self.folder()
        defer { try? FileManager.default.removeItem(at: input) }
        let carriageReturnMessage = { (n: Int) in
            Array("From: someone\(n)@example.org\rSubject: note \(n)\r\rbye\r".utf8)
        }
        let files: [[UInt8]] = [carriageReturnMessage(1), Array("Subject: one line, no line end".utf8), carriageReturnMessage(3)]
        for (n, bytes) in files.enumerated() {
            try Data(bytes).write(to: input.appendingPathComponent(String(format: "%02d.eml", n + 1)))
        }
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", input.path, "--into", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("total 3 messages written, 3 read: ok"), "\(result.text)")
        var reader = try MailboxReader(path: folder.appendingPathComponent("not-bounce.mbox").path)
        var read: [[UInt8]] = []
        while let message = try reader.next() { read.append(Array(message.bytes)) }
        #expect(read.count == 3)
        #expect(read.dropFirst().first == Array("Subject: one line, no line end\r".utf8))
    }

    /// Line ends of the other kind inside a message are content, as the mbox's reader sees them: a CR-only
    /// message that ends in a bare LF still gets its CR and blank line before the next From_ line (found by
    /// the mutation campaign: the next message merged into it), and a `From ` after a bare CR in an LF
    /// message is not quoted (it is mid-line there). Each message reads back as it was, with a line end
    /// added where it had none.
    @Test(arguments: ["\r", "\n"])
    func strayLineEndsStayContent(lineEnd: String) throws {
        let other = lineEnd == "\r" ? "\n" : "\r"
        let bodies = ["ends in the other kind" + other, "before " + other + "From the desk, mid-line",
                      other + "From the start", "plain"]
        let input = try Self.folder()
        defer { try? FileManager.default.removeItem(at: input) }
        var expected: [[UInt8]] = []
        for (n, body) in bodies.enumerated() {
            let text = ["From: someone\(n)@example.org", "Subject: note \(n)", "", body].joined(separator: lineEnd)
            let bytes = Array(text.utf8)
            try Data(bytes).write(to: input.appendingPathComponent("\(n).eml"))
            expected.append(bytes + Array(lineEnd.utf8))
        }
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", input.path, "--into", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        var reader = try MailboxReader(path: folder.appendingPathComponent("not-bounce.mbox").path)
        var read: [[UInt8]] = []
        while let message = try reader.next() { read.append(Array(message.bytes)) }
        #expect(read == expected)
    }

    /// A CRLF mboxcl2 entry (its body delimited by Content-Length, a `From ` line in it unquoted) split
    /// into an mbox begun by a CR-only message: converted to CR, it gets the converted body's length, so
    /// the reader still trusts it and the body's `From ` line does not start an entry. Also when the
    /// field is written as the reader still takes it (blanks before the colon, lower case) after another
    /// it overrides (the reader keeps the last).
    @Test(arguments: [("", "Content-Length: "), ("Content-Length: 5\r\n", "content-length : ")])
    func contentLengthFollowsConvertedLineEnds(earlier: String, field: String) throws {
        let input = try Self.folder()
        defer { try? FileManager.default.removeItem(at: input) }
        try Data("From: first@example.org\rSubject: CR only\r\rhello\r".utf8)
            .write(to: input.appendingPathComponent("0.eml"))
        func entry(_ n: Int, _ body: String) -> String {
            "From a@example.org Thu Jan  1 00:00:00 2026\r\nFrom: a\(n)@example.org\r\nSubject: mboxcl \(n)\r\n"
                + earlier + field + "\(body.utf8.count)\r\n\r\n" + body + "\r\n"
        }
        let body = "body line\r\n\r\nFrom the desk, unquoted\r\n"
        let mbox = input.appendingPathComponent("1.mbox")
        try Data((entry(1, body) + entry(2, "second\r\n")).utf8).write(to: mbox)
        #expect(try Self.messageCount(mbox.path) == 2)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", input.appendingPathComponent("0.eml").path, mbox.path,
                                  "--into", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let out = folder.appendingPathComponent("not-bounce.mbox").path
        #expect(try Self.messageCount(out) == 3)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.contains(field + "\(body.utf8.count - 3)\r\r"), "\(written.debugDescription)")
    }

    /// A CRLF entry whose Content-Length the reader does not trust (it ends mid-line) but that, counted
    /// in CR line ends, ends just before a `From ` line inside the body: converted with the bytes it
    /// counts, it still ends mid-line, so the entry reads back whole (`mutate-mailbox.py` seed 41, split
    /// after CR-only files: 21 written, 22 read back).
    @Test func untrustedContentLengthStaysUntrusted() throws {
        let input = try Self.folder()
        defer { try? FileManager.default.removeItem(at: input) }
        let first = input.appendingPathComponent("0.eml")
        try Data("From: first@example.org\rSubject: CR only\r\rhello\r".utf8).write(to: first)
        // "From x" lies 12 bytes into the body in CRLF, 10 in CR; a length of 10 ends mid-line in CRLF.
        let body = "aaaa\r\nbbbb\r\nFrom x\r\nend\r\n"
        let entry = "From a@example.org Thu Jan  1 00:00:00 2026\r\nFrom: a@example.org\r\nSubject: wrong length\r\n"
            + "Content-Length: 10\r\n\r\n" + body + "\r\n"
        let mbox = input.appendingPathComponent("1.mbox")
        try Data(entry.utf8).write(to: mbox)
        #expect(try Self.messageCount(mbox.path) == 1)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", first.path, mbox.path, "--into", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.messageCount(folder.appendingPathComponent("not-bounce.mbox").path) == 2)
    }

    /// A message file whose Content-Length would end its body on the boundary after the next message
    /// (the next From_ line, or the end of the file): a reader would trust it and take the next message
    /// into this one. `split` writes blank lines before the boundary instead, so the three (or two)
    /// messages read back as three (two), the middle one (the last) with the blank lines added.
    @Test(arguments: [2, 3])
    func strayContentLengthSwallowsNothing(messages: Int) throws {
        func message(_ n: Int, contentLength: Int? = nil) -> String {
            "From: m\(n)@example.org\nDate: Thu, 01 Jan 2026 00:00:00 +0000\nSubject: note \(n)\n"
                + (contentLength.map { "Content-Length: \($0)\n" } ?? "") + "\nbody \(n)\n"
        }
        // As `split` wraps each: a From_ line from the From and Date fields, the message, a blank line.
        func entryLength(_ n: Int, _ text: String) -> Int {
            "From m\(n)@example.org Thu Jan  1 00:00:00 2026\n".utf8.count + text.utf8.count + 1
        }
        var length = 0
        for _ in 0..<3 {   // the length's own digits move the body's start
            let first = message(0, contentLength: length)
            let bodyStart = "From m0@example.org Thu Jan  1 00:00:00 2026\n".utf8.count
                + first.utf8.count - "body 0\n".utf8.count
            length = entryLength(0, first) + entryLength(1, message(1)) - bodyStart
        }
        let texts = [message(0, contentLength: length)] + (1..<messages).map { message($0) }
        let input = try Self.folder()
        defer { try? FileManager.default.removeItem(at: input) }
        for (n, text) in texts.enumerated() {
            try Data(text.utf8).write(to: input.appendingPathComponent("\(n).eml"))
        }
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", input.path, "--into", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        var reader = try MailboxReader(path: folder.appendingPathComponent("not-bounce.mbox").path)
        var read: [String] = []
        while let message = try reader.next() { read.append(String(decoding: message.bytes, as: UTF8.self)) }
        #expect(read.count == messages)
        guard read.count == messages else { return }
        #expect(read[0] == texts[0])
        #expect(read[1].hasPrefix(texts[1]) && read[1].utf8.count > texts[1].utf8.count, "\(read[1].debugDescription)")
        if messages == 3 { #expect(read[2] == texts[2]) }
    }

    /// An mbox entry whose content holds line ends of the other kind (a bare CR in an LF mbox, a bare LF
    /// in a CR-only one), converted to suit an mbox begun by a message in those: the lines the content's
    /// line ends start are quoted where they read `From `, so the entry reads back whole (found by the
    /// mutation campaign: 126 written, 127 read back) and as it was, in the mbox's line ends.
    @Test(arguments: ["\r", "\n"])
    func convertedEntriesQuoteTheirNewLines(lineEnd: String) throws {
        let other = lineEnd == "\r" ? "\n" : "\r"
        let input = try Self.folder()
        defer { try? FileManager.default.removeItem(at: input) }
        let first = input.appendingPathComponent("0.eml")
        try Data("From: first@example.org\(other)Subject: first\(other)\(other)hello\(other)".utf8).write(to: first)
        let message = ["From: a@example.org", "Subject: stray", "", "line one" + other + other + "From the desk, after a stray end",
                       "end", ""].joined(separator: lineEnd)
        let mbox = input.appendingPathComponent("1.mbox")
        try Data(("From a@example.org Thu Jan  1 00:00:00 2026" + lineEnd + message + lineEnd).utf8).write(to: mbox)
        #expect(try Self.messageCount(mbox.path) == 1)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["split", "--quiet", first.path, mbox.path, "--into", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        var reader = try MailboxReader(path: folder.appendingPathComponent("not-bounce.mbox").path)
        var read: [[UInt8]] = []
        while let message = try reader.next() { read.append(Array(message.bytes)) }
        #expect(read.count == 2)
        let expected = Array(message.utf8).map { $0 == UInt8(ascii: lineEnd == "\r" ? "\r" : "\n") ? other.utf8.first! : $0 }
        #expect(read.last == expected, "\(read.last.map { String(decoding: $0, as: UTF8.self) }.debugDescription)")
    }

    /// Every mbox in the shared corpus, and the labelled dev inbox.
    static let corpusInputs: [String] = {
        guard Corpus.isAvailable else { return [] }
        var out: [String] = []
        for folder in ["mbox", "sisimai/mailbox", "backscatter-dev"] {
            let root = Corpus.path(folder)
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = walker.nextObject() as? String {
                let path = root + "/" + relative
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
                      let handle = FileHandle(forReadingAtPath: path) else { continue }
                let head = handle.readData(ofLength: 5)
                try? handle.close()
                if head == Data("From ".utf8) { out.append(path) }
            }
        }
        return out.sorted()
    }()

    @Test(.enabled(if: Corpus.isAvailable), arguments: corpusInputs)
    func corpusMboxSplitsByteExactly(_ input: String) throws {
        try Self.checkSplit(input)
    }

    @Test(.enabled(if: Corpus.isAvailable), arguments: ["sisimai/maildir/bsd", "sisimai/maildir/dos", "sisimai/maildir/mac"])
    func corpusMessageFoldersSplitByteExactly(_ folder: String) throws {
        try Self.checkSplit(Corpus.path(folder))
    }

    @Test func corpusPresenceIsVisible() {
        if !Corpus.isAvailable { print(Corpus.skipMessage) }
        #expect(Corpus.isAvailable || Self.corpusInputs.isEmpty)
    }
}
