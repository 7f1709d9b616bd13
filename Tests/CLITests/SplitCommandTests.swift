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
