import Foundation
import TestSupport

/// Runs the built `backscatter` executable from the repository root and captures what it prints.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The executable: next to the test bundle in the build products folder, else `.build/debug`.
    static let executable: URL = {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["BACKSCATTER_BIN"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("backscatter"))
            folder = folder.deletingLastPathComponent()
        }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("backscatter"))
        }
        candidates.append(Corpus.repositoryRoot.appendingPathComponent(".build/debug/backscatter"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }()

    /// Serialises child processes, and keeps Foundation's pipe reading out of the picture: the child
    /// writes to temporary files, read after it exits. corelibs Foundation's `Process`/`Pipe` are not
    /// reliable under concurrent launches (a CI run aborted with signal 6), and `FileHandle`'s pipe reads
    /// end in a `try!` that traps on EINTR (FileHandle.swift:699, seen in a test run).
    private static let launchLock: NSLock = {
        signal(SIGPIPE, SIG_IGN)
        return NSLock()
    }()

    /// Runs `backscatter arguments...` in the repository root with a clean, predictable environment.
    static func run(_ arguments: [String], environment extra: [String: String] = [:], stdin: Data? = nil) throws -> Result {
        launchLock.lock()
        defer { launchLock.unlock() }
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("backscatter-cli-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        let inURL = folder.appendingPathComponent("stdin")
        try (stdin ?? Data()).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        defer {
            try? out.close()
            try? err.close()
            try? input.close()
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = Corpus.repositoryRoot
        var environment = ["PATH": "/usr/bin:/bin", "COLUMNS": "100", "LANG": "C.UTF-8"]
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        process.waitUntilExit()
        let outData = try Data(contentsOf: outURL)
        let errData = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

}

/// Golden files in `Fixtures/cli/golden/`. `UPDATE_GOLDEN=1 swift test --filter CLITests` rewrites them
/// (then read the diff: a golden change is a change of the tool's output).
enum Golden {
    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: Corpus.fixture("cli/golden/" + name))
    }

    /// The golden text, or nil when there is none; when updating, `actual` is written first.
    static func expected(_ name: String, actual: String) -> String? {
        if updating {
            try? actual.write(to: url(name), atomically: true, encoding: .utf8)
            return actual
        }
        return try? String(contentsOf: url(name), encoding: .utf8)
    }

    /// Where two texts first differ, as `line N: expected "..." got "..."`.
    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? String(a[i]) : "<end>"
            let y = i < b.count ? String(b[i]) : "<end>"
            if x != y { return "line \(i + 1): expected \"\(x.prefix(300))\" got \"\(y.prefix(300))\"" }
        }
        return "identical"
    }
}
