import Foundation
import Testing
import TestSupport

/// File names that are not UTF-8 on the command line: listed from a folder, typed as arguments, shown in
/// JSON Lines as the library holds them and in text and errors as `\xHH` (README, the `source` field).
@Suite("command line: file names that are not UTF-8", .serialized)
struct NativePathCommandTests {
    /// A scratch folder with `plain.eml` and `caf\xE9.eml` (Latin-1 é), both the same small bounce.
    static func folderWithALatin1Name() throws -> (root: String, odd: [UInt8], cleanUp: () -> Void) {
        let message = try Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("dsn/postfix-agent-failed.eml")))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("native-path-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try message.write(to: URL(fileURLWithPath: root + "/plain.eml"))
        let odd = Array(root.utf8) + Array("/caf".utf8) + [0xE9] + Array(".eml".utf8)
        let cOdd = odd.map { CChar(bitPattern: $0) } + [0]
        let fd = cOdd.withUnsafeBufferPointer { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        if fd >= 0 {
            _ = message.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            close(fd)
        }
        return (root, odd, {
            _ = cOdd.withUnsafeBufferPointer { unlink($0.baseAddress!) }
            try? FileManager.default.removeItem(atPath: root)
        })
    }

    /// Runs the executable with arguments given as bytes (Foundation's `Process` takes Strings, which
    /// cannot hold them); stdout and stderr through files.
    static func runWithRawArguments(_ arguments: [[UInt8]]) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("native-path-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, folder + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, folder + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let all = [Array(CLI.executable.path.utf8)] + arguments
        let cStrings: [UnsafeMutablePointer<CChar>?] = all.map { bytes in
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (i, byte) in bytes.enumerated() { pointer[i] = CChar(bitPattern: byte) }
            pointer[bytes.count] = 0
            return pointer
        } + [nil]
        defer { for pointer in cStrings { pointer?.deallocate() } }
        var environment: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), strdup("LANG=C.UTF-8"), nil]
        defer { for pointer in environment { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, CLI.executable.path, &actions, nil, cStrings, &environment)
        try #require(spawned == 0)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let out = try Data(contentsOf: URL(fileURLWithPath: folder + "/out"))
        let err = try Data(contentsOf: URL(fileURLWithPath: folder + "/err"))
        return ((status >> 8) & 0xFF, Array(out), String(decoding: err, as: UTF8.self))
    }

    @Test("a folder's file with a Latin-1 name is read; JSON carries its byte as U+10FFE9")
    func folderEntryIsRead() throws {
        let (root, _, cleanUp) = try Self.folderWithALatin1Name()
        defer { cleanUp() }
        let result = try CLI.run(["scan", "--format", "jsonl", root])
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let lines = result.text.split(separator: "\n")
        #expect(lines.count == 2)
        let sources = try lines.map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["source"] as? String)
        }
        #expect(Set(sources) == [root + "/plain.eml", root + "/caf\u{10FFE9}.eml"])
        // Both copies of the bounce read alike.
        let kinds = try lines.map { try (JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["kind"] as? String }
        #expect(kinds == ["bounce", "bounce"])
        // The HTML report names the file with the byte shown, not carried.
        let html = try CLI.run(["scan", "--format", "html", root])
        #expect(html.text.contains("caf\\xE9.eml"))
        #expect(!html.text.contains("\u{10FFE9}"))
    }

    @Test("the text report shows the byte as \\xE9")
    func textReportShowsTheByte() throws {
        let (_, odd, cleanUp) = try Self.folderWithALatin1Name()
        defer { cleanUp() }
        let result = try Self.runWithRawArguments([Array("explain".utf8), odd])
        let text = String(decoding: result.stdout, as: UTF8.self)
        #expect(text.contains("caf\\xE9.eml"), "\(text.prefix(300)) \(result.stderr)")
        #expect(!text.contains("\u{FFFD}"))
    }

    @Test("a file name with an ESC and a line end is shown as bytes in CSV and on standard error")
    func controlCharactersInANameDoNotReachTheTerminal() throws {
        let (root, _, cleanUp) = try Self.folderWithALatin1Name()
        defer { cleanUp() }
        let hostile = root + "/x\u{1B}[2J\nforged.eml"
        try FileManager.default.copyItem(atPath: root + "/plain.eml", toPath: hostile)
        let report = try CLI.run(["scan", "--format", "csv", root])
        #expect(report.text.contains("x\\x1B[2J\\x0Aforged.eml"), "\(report.text)")
        #expect(!report.text.contains("\u{1B}[2J"))
        let missing = try CLI.run(["scan", "--format", "jsonl", root + "/gone\u{1B}[2J.eml"])
        #expect(missing.stderr.contains("gone\\x1B[2J.eml"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("\u{1B}"))
    }

    @Test("a path typed with the byte opens the file; a missing one is named with \\xE9 in the error")
    func rawArgumentOpensTheFile() throws {
        let (root, odd, cleanUp) = try Self.folderWithALatin1Name()
        defer { cleanUp() }
        let found = try Self.runWithRawArguments([Array("scan".utf8), Array("--format".utf8), Array("jsonl".utf8), odd])
        #expect(found.stderr.isEmpty, "\(found.stderr)")
        #expect(found.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(found.stdout)) as? [String: Any]
        #expect(object?["source"] as? String == root + "/caf\u{10FFE9}.eml")
        #expect(object?["kind"] as? String == "bounce")
        // The text report's header names the input with the byte shown.
        let text = try Self.runWithRawArguments([Array("scan".utf8), Array("--format".utf8), Array("text".utf8), odd])
        #expect(String(decoding: text.stdout, as: UTF8.self).contains("caf\\xE9.eml"))

        let missing = Array(root.utf8) + Array("/gone".utf8) + [0xE9]
        let failed = try Self.runWithRawArguments([Array("scan".utf8), Array("--format".utf8), Array("jsonl".utf8), missing])
        #expect(failed.status == 3)
        #expect(failed.stderr.contains(root + "/gone\\xE9"), "\(failed.stderr)")
        #expect(!failed.stderr.contains("\u{FFFD}"))
    }
}
