import ArgumentParser
import Backscatter

extension BackscatterCommand {
    /// `backscatter scan`: one record per message, or a report over all of them.
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here: a name derived from the type costs a reflection walk at every start.
            commandName: "scan",
            abstract: "Classify every message of mailboxes, Maildirs, folders or files.",
            discussion: """
                PATH may be an mbox (any dialect), a Maildir, a folder of message files (read recursively), \
                a single message file, a Postfix queue file or queue folder (/var/spool/postfix/deferred), \
                an Exim spool folder (/var/spool/exim4/input) or message (its -H file), \
                a Sendmail queue folder (/var/spool/mqueue) or entry (its qf file), \
                an OpenSMTPD queue folder (/var/spool/smtpd/queue) or message (its message file), \
                a Courier queue folder (/var/lib/courier/msgs) or entry (its C file), \
                postcat's output, or - for standard input; compressed files (gzip, bzip2, xz, zstd, LZ4) are decompressed as they are read. \
                Messages are reported in input order.

                Formats: text (a summary report; the default on a terminal), jsonl (one JSON object per \
                message; the default otherwise), csv (one row per failed recipient), html (one \
                self-contained report file).

                Exit status: 0 nothing flagged, 1 backscatter found, 2 bad usage, 3 an input could not be \
                read (the rest is still reported).

                Examples:
                  backscatter scan --profile site.toml ~/Mail/inbox.mbox
                  backscatter scan --format jsonl --only backscatter Maildir/ > flagged.jsonl
                  backscatter scan -f html -o report.html --since 2026-01-01 inbox.mbox
                """
        )

        @Argument(help: ArgumentHelp("Mailboxes, Maildirs, folders or files; - for standard input.",
                                     valueName: "path"))
        var paths: [String]

        @OptionGroup var reading: ReadingOptions

        @Option(name: [.short, .long], help: "Output format (default: text on a terminal, else jsonl).")
        var format: OutputFormat?

        @Option(name: [.short, .long], help: ArgumentHelp("Write the output to this file.", valueName: "file"))
        var output: String?

        @Option(name: .long, help: ArgumentHelp("Also write the summary as JSON to this file.", valueName: "file"))
        var summary: String?

        @Option(name: .long, help: ArgumentHelp("Only messages dated at or after this time (ISO 8601, UTC unless a zone is given).",
                                               valueName: "time"))
        var since: String?

        @Option(name: .long, help: ArgumentHelp("Only messages dated before this time (ISO 8601).", valueName: "time"))
        var until: String?

        @Option(name: .long, help: "Only messages with this verdict (bounces: every bounce-like message).")
        var only: OnlyChoice?

        @Flag(name: .long, help: "Bounce analysis only: no verdicts, scores or stream findings (as Sisimai would read the mailbox).")
        var noClassify = false

        @Option(name: .long, help: "Colour in text output (never with NO_COLOR set).")
        var color: ColorChoice = .auto

        /// What the command line asks for, as plain values.
        var invocation: ScanInvocation {
            ScanInvocation(paths: paths, reading: reading.settings, format: format, output: output, summary: summary,
                           since: since, until: until, only: only, noClassify: noClassify, color: color)
        }

        func validate() throws {
            try invocation.validate()
        }

        func run() throws {
            try invocation.run()
        }
    }
}

/// What `scan` was asked to do, whichever parser read the command line: swift-argument-parser, through
/// `BackscatterCommand.Scan`, or `QuickScanArguments`, which reads a plain one at start-up for less.
struct ScanInvocation: Equatable {
    /// The inputs, in order; `-` for standard input.
    var paths: [String]
    /// `--profile`, `--jobs`, `--quiet`.
    var reading: ReadingSettings
    /// `--format`; nil to choose by the output.
    var format: OutputFormat?
    /// `--output`: the file to write instead of standard output.
    var output: String?
    /// `--summary`: a file for the summary as JSON.
    var summary: String?
    /// `--since`, as given.
    var since: String?
    /// `--until`, as given.
    var until: String?
    /// `--only`.
    var only: OnlyChoice?
    /// `--no-classify`.
    var noClassify: Bool
    /// `--color`.
    var color: ColorChoice

    /// Rejects combinations that cannot mean anything, with the message the user sees.
    func validate() throws {
        try reading.validate()
        if paths.isEmpty { throw ValidationError("give at least one path (- for standard input)") }
        if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("- (standard input) can be given once") }
        if let since, Timestamps.parseISO8601(since) == nil {
            throw ValidationError("--since \(since): not a date (use 2026-01-05 or 2026-01-05T10:00:00Z)")
        }
        if let until, Timestamps.parseISO8601(until) == nil {
            throw ValidationError("--until \(until): not a date (use 2026-01-05 or 2026-01-05T10:00:00Z)")
        }
        if let output, paths.contains(output) { throw ValidationError("--output \(output) is also an input") }
        if let summary, paths.contains(summary) { throw ValidationError("--summary \(summary) is also an input") }
        if noClassify, only != nil, only != .bounces { throw ValidationError("--only \(only?.rawValue ?? "") needs verdicts: not with --no-classify") }
        if noClassify, reading.profile != nil { throw ValidationError("--profile is for the classifier: not with --no-classify") }
    }

    /// Scans, writes the output and ends the process with the documented exit status.
    func run() throws {
        let sink = try output.map { path throws(CLIFailure) in try OutputSink(path: path) } ?? Terminal.standardOutput
        let chosen = format ?? output.flatMap(OutputFormat.guess(fromPath:)) ?? (sink.isTerminal ? .text : .jsonl)
        let filter = ScanFilter(since: since.flatMap(Timestamps.parseISO8601),
                                until: until.flatMap(Timestamps.parseISO8601), only: only?.selection)
        var runner = ScanRunner(paths: paths, reading: reading, filter: filter)
        runner.classify = !noClassify
        // The reports read the summary's tables, and so does `--summary`; records alone (JSON Lines,
        // CSV) do not.
        runner.summaryTables = chosen == .text || chosen == .html || summary != nil
        // The process ends after this scan (`exitNow` below): the system frees what it held.
        runner.freesHeldValues = false
        let style = Style(enabled: chosen == .text && color.enabled(for: sink))
        var rows: [MessageRow] = []
        var rowCount = 0
        let result: ScanSummary
        switch chosen {
        case .jsonl:
            result = try runner.run { JSONLinesFormat.write($0, to: sink) }
        case .csv:
            sink.write(CSVFormat.header)
            result = try runner.run { sink.write(CSVFormat.rows($0)) }
        case .text, .html:
            // Bounded: the text report lists the first flagged messages, the HTML report the first
            // `HTMLReport.maxRows` bounce-like ones; the rest are only counted.
            let limit = chosen == .text ? TextReport.listed : HTMLReport.maxRows
            result = try runner.run { record in
                guard record.isBounceLike else { return }
                if chosen == .text, record.effectiveVerdict != .backscatter, record.effectiveVerdict != .uncertain { return }
                rowCount += 1
                if rows.count < limit { rows.append(MessageRow(record)) }
            }
        }
        let context = ReportContext(paths: paths, profile: reading.profile, since: since, until: until,
                                    only: only?.rawValue, classifierAvailable: ScanSetup.classifierAvailable && !noClassify)
        switch chosen {
        case .text: sink.write(TextReport(summary: result, rows: rows, rowCount: rowCount, context: context, style: style).render())
        case .html: sink.write(HTMLReport(summary: result, rows: rows, rowCount: rowCount, context: context).render())
        case .jsonl, .csv: break
        }
        sink.flush()
        if let summaryPath = summary {
            let file = try OutputSink(path: summaryPath)
            file.write(JSONLinesFormat.summary(result))
            file.flush()
        }
        if sink.failed { throw CLIFailure(message: "writing the output failed", status: .unreadableInput) }
        // Everything is written and flushed: exit here rather than unwind, so that nothing the scan
        // built (the profile with its sent log, the summary's tables) is freed one object at a time
        // only for the process to end; the system takes the memory back at once.
        ScanRunner.status(of: result).exitNow()
    }
}
