// backscatter-harness: runs the library over a labelled corpus and prints agreement figures.
// Each subcommand lives in its own file as a `HarnessCommand`; add yours to `commands` below.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One harness subcommand.
protocol HarnessCommand {
    /// The word after `backscatter-harness`.
    static var name: String { get }
    /// One line for the usage text.
    static var summary: String { get }
    /// Runs with the remaining arguments; returns the exit status.
    static func run(_ arguments: [String]) -> Int32
}

let commands: [any HarnessCommand.Type] = [
    SisimaiCommand.self,
    DevCorpusCommand.self,
]

let arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func usage() -> String {
    "usage: backscatter-harness <command> [arguments]\n" + commands.map { "  \($0.name)\t\($0.summary)" }.joined(separator: "\n")
}
guard let word = arguments.first else {
    print(usage())
    exit(2)
}
guard let command = commands.first(where: { $0.name == word }) else {
    print("unknown command: \(word)\n" + usage())
    exit(2)
}
exit(command.run(Array(arguments.dropFirst())))
