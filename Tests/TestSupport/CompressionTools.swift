import Foundation

/// Files compressed by the formats' own command-line tools (bzip2, xz, zstd, lz4), for tests larger than
/// the fixtures in `Fixtures/mailbox/compressed/`. CI installs the tools (`.ci/run`); where one is
/// missing, the tests that need it are disabled and say so.
public enum CompressionTools {
    /// The tool and its arguments that write `format`'s compression of standard input to standard output.
    static let commands: [String: [String]] = [
        "bzip2": ["bzip2", "-c"],
        "xz": ["xz", "-c"],
        "zstd": ["zstd", "-q", "--check", "-c"],
        "lz4": ["lz4", "-q", "-c"],
    ]

    /// The formats the tools cover, named as `CompressionFormat`'s raw values.
    public static let formats = ["bzip2", "xz", "zstd", "lz4"]

    /// The tool's path, if it is installed.
    static func toolPath(_ name: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/local/bin/", "/opt/homebrew/bin/"].map { $0 + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether every tool is installed.
    public static var allAvailable: Bool {
        formats.allSatisfy { commands[$0].flatMap { toolPath($0[0]) } != nil }
    }

    /// `bytes` compressed by `format`'s tool, with `extra` arguments (a level, a dictionary size).
    public static func compress(_ bytes: [UInt8], format: String, extra: [String] = []) throws -> [UInt8] {
        guard let command = commands[format], let tool = toolPath(command[0]) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: format])
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inURL = folder.appendingPathComponent("in"), outURL = folder.appendingPathComponent("out")
        try Data(bytes).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let input = try FileHandle(forReadingFrom: inURL), output = try FileHandle(forWritingTo: outURL)
        defer {
            try? input.close()
            try? output.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = Array(command.dropFirst()) + extra
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: format])
        }
        return Array(try Data(contentsOf: outURL))
    }
}
