import Foundation
import MailParsing

/// The large mailbox the benchmarks read: real messages from the shared corpus, concatenated until the file
/// reaches the size asked for, written once to the system's temporary folder and reused while it exists.
public enum BenchmarkInputs {
    /// Size of the generated mbox in MB: `BACKSCATTER_BENCH_MB`, else 512.
    public static var requestedMegabytes: Int {
        Int(ProcessInfo.processInfo.environment["BACKSCATTER_BENCH_MB"] ?? "") ?? 512
    }

    /// Reads every message of the mailbox at `path` and hands it to `body`; returns the mailbox bytes read.
    public static func readEveryMessage(_ path: String, _ body: (MailboxMessage) -> Void) throws -> Int {
        var reader = try MailboxReader(path: path)
        var bytes = 0
        while let message = try reader.next() {
            bytes &+= message.length
            body(message)
        }
        return bytes
    }

    /// Megabytes (10^6 bytes) per second for `bytes` processed since `start`: the suites' custom metric.
    public static func megabytesPerSecond(_ bytes: Int, since start: ContinuousClock.Instant) -> Int {
        perSecond(bytes, since: start) / 1_000_000
    }

    /// Items per second for `count` items processed since `start` (the bounce suite's messages/s).
    public static func perSecond(_ count: Int, since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Int(Double(count) / seconds)
    }

    /// The sisimai bsd folder (`sisimai/maildir/bsd`: 629 real bounces, one `.eml` file each).
    /// - Throws: if the corpus is absent.
    public static func sisimaiFolder() throws -> String {
        let folder = corpus.appendingPathComponent("sisimai/maildir/bsd")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: folder.path])
        }
        return folder.path
    }

    /// The bytes of every message of the sisimai bsd folder, in file-name order, read once.
    /// - Throws: if the corpus is absent or a file cannot be read.
    public static func sisimaiMessages() throws -> [[UInt8]] {
        let folder = try sisimaiFolder()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent($0))) }
    }

    /// The shared corpus: `BACKSCATTER_CORPUS`, else `../../shared/corpus` from the Benchmarks folder.
    public static var corpus: URL {
        if let path = ProcessInfo.processInfo.environment["BACKSCATTER_CORPUS"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/corpus")
    }

    /// The mboxes whose messages are repeated: a labelled inbox (mboxrd, bounces and spam), the Mail::Box
    /// list archive (Content-Length headers, 8-bit bodies) and the GNU Mailutils tea party.
    static let sources = [
        "backscatter-dev/corpus.mbox", "backscatter-dev/outbound.mbox", "mbox/mail-box/mbox.src",
        "mbox/mailutils/spool/teaparty.mbox", "sisimai/mailbox/mbox-0",
    ]

    /// The path of an mbox of at least `megabytes` MB (10^6 bytes), built if missing.
    /// - Throws: if the corpus is absent or the file cannot be written.
    public static func largeMbox(megabytes: Int) throws -> String {
        let target = megabytes * 1_000_000
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("backscatter-bench-\(megabytes)MB.mbox").path
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size >= target {
            return path
        }
        var seed = Data()
        for source in sources {
            var data = try Data(contentsOf: corpus.appendingPathComponent(source))
            // Every mbox ends with its separating blank line; make sure the next one starts on a fresh line.
            if data.last != 0x0A { data.append(0x0A) }
            if !data.suffix(2).elementsEqual([0x0A, 0x0A]) { data.append(0x0A) }
            seed.append(data)
        }
        _ = FileManager.default.createFile(atPath: path + ".partial", contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + ".partial"))
        var written = 0
        while written < target {
            try handle.write(contentsOf: seed)
            written += seed.count
        }
        try handle.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
        return path
    }
}
