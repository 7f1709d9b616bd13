import Foundation
import Testing
import TestSupport

/// Compressed inputs through the commands: a gzip mailbox is scanned, split and explained as the plain one,
/// every other format scanned so; damaged data is an input error (exit status 3) that names it, never a
/// quiet "nothing found".
@Suite struct CompressedInputCommandTests {
    /// A fresh folder with the example inbox, plain and gzip-compressed.
    static func exampleCopies() throws -> (folder: URL, plain: String, gzip: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compressed-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bytes = try [UInt8](Data(contentsOf: Corpus.repositoryRoot.appendingPathComponent("Fixtures/example/inbox.mbox")))
        let plain = folder.appendingPathComponent("inbox.mbox").path
        let gzip = folder.appendingPathComponent("inbox.mbox.gz").path
        try Data(bytes).write(to: URL(fileURLWithPath: plain))
        try Data(Gzip.compress(bytes)).write(to: URL(fileURLWithPath: gzip))
        return (folder, plain, gzip)
    }

    /// The JSON Lines with each record's `source` taken out.
    static func withoutSources(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            String(line).replacingOccurrences(of: #""source":"[^"]*","#, with: "", options: .regularExpression)
        }
    }

    @Test func aGzipMailboxScansAsThePlainOne() throws {
        let (folder, plain, gzip) = try Self.exampleCopies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = try CLI.run(["scan", "-f", "jsonl", "--quiet", "--profile", "Fixtures/example/profile.toml", plain])
        let read = try CLI.run(["scan", "-f", "jsonl", "--quiet", "--profile", "Fixtures/example/profile.toml", gzip])
        #expect(read.status == expected.status, "\(read.stderr)")
        #expect(read.stderr.isEmpty)
        #expect(Self.withoutSources(expected.text).count == 10)
        #expect(Self.withoutSources(read.text) == Self.withoutSources(expected.text))
        let explained = try CLI.run(["explain", gzip + "#2"])
        let explainedPlain = try CLI.run(["explain", plain + "#2"])
        #expect(explained.text.replacingOccurrences(of: gzip, with: plain) == explainedPlain.text)
    }

    @Test func aGzipMailboxSplitsByteExactly() throws {
        let (folder, _, gzip) = try Self.exampleCopies()
        defer { try? FileManager.default.removeItem(at: folder) }
        try SplitCommandTests.checkSplit(gzip)
    }

    @Test func aDamagedXzMailboxIsAnInputErrorNamingTheDamage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compressed-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("inbox.mbox.xz").path
        try Data([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] + Array("From a@b Thu Jul  2 12:05:05 2020\n".utf8))
            .write(to: URL(fileURLWithPath: path))
        let result = try CLI.run(["scan", "-f", "jsonl", "--quiet", path, "Fixtures/example/inbox.mbox"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("inbox.mbox.xz: message 0 at byte 12: corrupt-compressed-data (xz: compressed data is corrupt)"),
                "\(result.stderr)")
        // The other input is still read whole.
        #expect(result.text.split(separator: "\n").count == 10)
    }

    /// The mailbox fixture compressed in every format (Fixtures/mailbox/compressed) splits byte for byte,
    /// each message read back by its offset in the decompressed bytes.
    @Test(arguments: ["bz2", "xz", "zst", "lz4", "dovecot-lz4"])
    func everyFormatSplitsByteExactly(_ suffix: String) throws {
        try SplitCommandTests.checkSplit("Fixtures/mailbox/compressed/mboxrd-quoting.mbox." + suffix)
    }

    /// The mailbox fixture compressed in every format (Fixtures/mailbox/compressed) scans as the plain one.
    @Test(arguments: ["gz", "bz2", "xz", "zst", "lz4", "dovecot-lz4"])
    func everyFormatScansAsThePlainFile(_ suffix: String) throws {
        let plain = "Fixtures/mailbox/mboxrd-quoting.mbox"
        let compressed = "Fixtures/mailbox/compressed/mboxrd-quoting.mbox." + suffix
        let expected = try CLI.run(["scan", "-f", "jsonl", "--quiet", plain])
        let read = try CLI.run(["scan", "-f", "jsonl", "--quiet", compressed])
        #expect(read.status == expected.status, "\(read.stderr)")
        #expect(read.stderr.isEmpty)
        #expect(Self.withoutSources(expected.text).count == 2)
        #expect(Self.withoutSources(read.text) == Self.withoutSources(expected.text))
    }

    /// A C compiler on the PATH, for the preload shim below; nil where there is none.
    static let compiler: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["cc", "clang", "gcc"] {
            for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    /// A shared library for LD_PRELOAD whose dlopen(3) fails for every name holding `refused` and hands
    /// the rest to the C library's: a host without that library, for the real executable, no test hook in it.
    static func dlopenRefusing(_ refused: String, in folder: URL) throws -> String {
        let source = folder.appendingPathComponent("refuse.c"), library = folder.appendingPathComponent("refuse.so")
        try Data("""
            #define _GNU_SOURCE
            #include <dlfcn.h>
            #include <string.h>
            void *dlopen(const char *name, int flags) {
                static void *(*next)(const char *, int);
                if (next == NULL) next = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
                if (name != NULL && strstr(name, "\(refused)") != NULL) return NULL;
                return next(name, flags);
            }
            """.utf8).write(to: source)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(compiler))
        process.arguments = ["-shared", "-fPIC", "-o", library.path, source.path, "-ldl"]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the preload shim did not compile")
        return library.path
    }

    /// Where a format's library is not installed, its files are an input error naming the library and
    /// the command that decompresses them, and the other inputs are read; never a message of compressed
    /// bytes. (libzstd refused by a preload shim, as on a host without libzstd1.)
    @Test(.enabled(if: compiler != nil, "no C compiler on the PATH for the preload shim"))
    func aMissingLibraryIsAnInputErrorNamingIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compressed-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let shim = try Self.dlopenRefusing("libzstd", in: folder)
        let compressed = "Fixtures/mailbox/compressed/mboxrd-quoting.mbox.zst"
        let result = try CLI.run(["scan", "-f", "jsonl", "--quiet", compressed, "Fixtures/mailbox/compressed/mboxrd-quoting.mbox.xz"],
                                 environment: ["LD_PRELOAD": shim])
        #expect(result.status == 3)
        #expect(result.stderr.contains("mboxrd-quoting.mbox.zst: message 0 at byte 0: unsupported-compression "
                                        + "(zstd-compressed; libzstd.so.1 could not be loaded: install it, or decompress the file first with zstd -dc"),
                "\(result.stderr)")
        // The xz file beside it is read whole: liblzma loads as ever.
        #expect(result.text.split(separator: "\n").count == 2)
    }
}
