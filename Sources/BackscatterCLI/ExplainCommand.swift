import ArgumentParser
import Backscatter
#if canImport(Glibc)
import Glibc
#endif
import MailParsing

extension BackscatterCommand {
    /// `backscatter explain`: one message, in words.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here: a name derived from the type costs a reflection walk at every start.
            commandName: "explain",
            abstract: "Explain one message: what it is, who bounced and why, the evidence and the verdict.",
            discussion: """
                PATH#N picks the message at position N (0-based, as `scan` numbers them); a bare PATH \
                explains every message in it. The whole input is read, so that findings over the stream \
                (campaigns, floods) count as evidence.

                Example:
                  backscatter explain --profile site.toml inbox.mbox#42
                """
        )

        @Argument(help: ArgumentHelp("A mailbox or message file, optionally with #N.", valueName: "path[#n]"))
        var target: String

        @OptionGroup var reading: ReadingOptions

        @Option(name: .long, help: "Colour (never with NO_COLOR set).")
        var color: ColorChoice = .auto

        /// The path and the position asked for: `PATH#N` unless a file is really named so.
        var parsedTarget: (path: String, index: Int?) {
            if NativePath.withCString(target, { access($0, F_OK) }) == 0 { return (target, nil) }
            guard let hash = target.lastIndex(of: "#"), let index = Int(target[target.index(after: hash)...]), index >= 0
            else { return (target, nil) }
            return (String(target[..<hash]), index)
        }

        func validate() throws {
            if target == "-" || target.hasPrefix("-#") { return }
            if let hash = target.lastIndex(of: "#"), NativePath.withCString(target, { access($0, F_OK) }) != 0,
               Int(target[target.index(after: hash)...]).map({ $0 < 0 }) ?? true {
                throw ValidationError("\(target): the part after # must be a message number (0, 1, ...)")
            }
        }

        func run() throws {
            let (path, index) = parsedTarget
            let sink = Terminal.standardOutput
            let style = Style(enabled: color.enabled(for: sink))
            var found = false
            var flagged = false
            var first = true
            let runner = ScanRunner(paths: [path], reading: reading.settings)
            let summary = try runner.run { record in
                if let index, record.sequence != index { return }
                found = true
                if record.effectiveVerdict == .backscatter { flagged = true }
                if !first { sink.write("\n" + String(repeating: "─", count: 72) + "\n\n") }
                first = false
                sink.write(ExplainReport(record: record, style: style).render())
            }
            sink.flush()
            if let index, !found, summary.errors.isEmpty {
                throw CLIFailure.usage("\(path) has no message #\(index) (it holds \(summary.messages))")
            }
            if !summary.errors.isEmpty { throw ExitCode(ExitStatus.unreadableInput.rawValue) }
            if flagged { throw ExitCode(ExitStatus.backscatterFound.rawValue) }
        }
    }
}
