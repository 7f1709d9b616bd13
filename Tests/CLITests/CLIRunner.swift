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

    /// Serialises child processes: swift-corelibs-foundation's `Process` and `Pipe` are not reliable when
    /// many tests launch children at once (a CI run aborted with a Process run-loop thread live), and a
    /// child that exits before reading its stdin must not kill the test runner with SIGPIPE.
    private static let launchLock: NSLock = {
        signal(SIGPIPE, SIG_IGN)
        return NSLock()
    }()

    /// Runs `backscatter arguments...` in the repository root with a clean, predictable environment.
    static func run(_ arguments: [String], environment extra: [String: String] = [:], stdin: Data? = nil) throws -> Result {
        launchLock.lock()
        defer { launchLock.unlock() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = Corpus.repositoryRoot
        var environment = ["PATH": "/usr/bin:/bin", "COLUMNS": "100", "LANG": "C.UTF-8"]
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let writer = DispatchGroup()
        writer.enter()
        let stdinData = stdin ?? Data()
        DispatchQueue.global().async {
            try? input.fileHandleForWriting.write(contentsOf: stdinData)
            try? input.fileHandleForWriting.close()
            writer.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        writer.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    private final class DataBox: @unchecked Sendable { var data = Data() }
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
}
