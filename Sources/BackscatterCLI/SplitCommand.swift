import ArgumentParser
import Backscatter

extension BackscatterCommand {
    /// `backscatter split`: one mbox per verdict, every message's bytes as in the input.
    struct Split: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here: a name derived from the type costs a reflection walk at every start.
            commandName: "split",
            abstract: "Sort the messages of a mailbox into backscatter, legitimate, uncertain and not-bounce mboxes.",
            discussion: """
                Writes backscatter.mbox, legitimate.mbox, uncertain.mbox and not-bounce.mbox into DIR. Each \
                message's bytes are exactly as in the input: mbox entries are copied byte for byte, message \
                files get a From_ line and mboxrd quoting; a CR-only message put in an mbox begun with LF \
                line ends (or the other way round) takes the mbox's line ends, since a reader splits the \
                mbox by them, and blank lines go before an entry where an earlier message's Content-Length \
                would end its body. Files are written under temporary names and \
                renamed at the end; an input is never written over. The counts are printed and checked \
                against the number of messages read and against the entries the written mboxes hold.

                Example:
                  backscatter split --profile site.toml inbox.mbox --into sorted/
                """
        )

        @Argument(help: ArgumentHelp("Mailboxes, Maildirs, folders or files (not standard input).", valueName: "path"))
        var paths: [String]

        @Option(name: .long, help: ArgumentHelp("The folder to write the four mboxes into.", valueName: "dir"))
        var into: String

        @Flag(name: .long, help: "Write into a folder that is not empty, replacing the four mboxes.")
        var force = false

        @OptionGroup var reading: ReadingOptions

        func validate() throws {
            if paths.isEmpty { throw ValidationError("give at least one path") }
            if paths.contains("-") { throw ValidationError("split cannot read standard input (it reads the input twice)") }
        }

        func run() throws {
            let split: MailboxSplit
            do {
                split = try MailboxSplit(directory: into, inputs: paths, force: force)
            } catch {
                throw CLIFailure.usage(error.description)
            }
            let runner = ScanRunner(paths: paths, reading: reading.settings)
            var scanned = 0
            let summary: ScanSummary
            do {
                summary = try runner.run { record in
                    scanned += 1
                    try split.add(record)
                }
            } catch let error as SplitError {
                split.abandon()
                throw CLIFailure(message: error.description, status: .unreadableInput)
            }
            let counts = split.counts
            let bytes = split.bytes
            let readBack: [ScanRecord.Verdict: Int]
            do {
                try split.commit()
                readBack = try split.readBack()
            } catch {
                throw CLIFailure(message: error.description, status: .unreadableInput)
            }
            var table = TextTable([.init("file"), .init("messages", .right), .init("bytes", .right)])
            var total = 0
            var lostOrMerged: [String] = []
            for verdict in ScanRecord.Verdict.allCases {
                let count = counts[verdict, default: 0]
                total += count
                table.add([MailboxSplit.fileName(verdict), Numbers.grouped(count),
                           Numbers.grouped(bytes[verdict, default: 0])])
                let found = readBack[verdict, default: 0]
                if found != count {
                    lostOrMerged.append("\(MailboxSplit.fileName(verdict)): \(count) written, \(found) read back")
                }
            }
            let out = Terminal.standardOutput
            out.write("wrote \(into):\n")
            out.write(table.render(style: Style(enabled: false)))
            let check = total == scanned && lostOrMerged.isEmpty ? "ok" : "MISMATCH"
            out.write("total \(Numbers.grouped(total)) messages written, \(Numbers.grouped(scanned)) read: \(check)\n")
            if split.convertedEntries > 0 {
                out.write("\(Numbers.grouped(split.convertedEntries)) written in the line ends of the mbox they went into\n")
            }
            out.flush()
            if total != scanned {
                throw CLIFailure(message: "split wrote \(total) messages but read \(scanned)", status: .unreadableInput)
            }
            if !lostOrMerged.isEmpty {
                throw CLIFailure(message: "split's output reads back differently: " + lostOrMerged.joined(separator: "; "),
                                 status: .unreadableInput)
            }
            let status = ScanRunner.status(of: summary)
            if status != .clean { throw ExitCode(status.rawValue) }
        }
    }
}
