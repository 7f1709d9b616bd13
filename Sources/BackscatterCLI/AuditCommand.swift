import ArgumentParser
import Backscatter

extension BackscatterCommand {
    /// `backscatter audit`: the reflector audit of what the site's own server holds or sent.
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here: a name derived from the type costs a reflection walk at every start.
            commandName: "audit",
            abstract: "Audit your own server's queue or sent mail: is it the reflector?",
            discussion: """
                Reads what your server holds or sent (a Postfix queue folder such as \
                /var/spool/postfix/deferred, or postcat's output of it; Exim's spool, \
                /var/spool/exim4/input; Sendmail's queue, /var/spool/mqueue; OpenSMTPD's queue, \
                /var/spool/smtpd/queue; Courier's, /var/lib/courier/msgs; a queue folder of .eml files, a Badmail folder, a sent mbox) and sorts each message: reflected (an NDR your server \
                made for forged spam), legitimate-ndr, relayed (relay abuse), internal-bulk (a \
                compromised account or workstation) or ordinary; then prints the totals and what to do.

                Exit status: 0 nothing wrong found, 1 reflected, relayed or internal-bulk mail found, 2 \
                bad usage, 3 an input could not be read.

                Examples:
                  backscatter audit --profile site.toml /var/spool/postfix/deferred
                  backscatter audit --profile site.toml /var/spool/exchange/Badmail
                """
        )

        @Argument(help: ArgumentHelp("Queue folders, Badmail folders, sent mboxes, message files.", valueName: "path"))
        var paths: [String]

        @OptionGroup var reading: ReadingOptions

        @Option(name: [.short, .long], help: "Output format: text or jsonl (default: text on a terminal, else jsonl).")
        var format: OutputFormat?

        @Option(name: .long, help: "Colour in text output (never with NO_COLOR set).")
        var color: ColorChoice = .auto

        @Option(name: .long, help: ArgumentHelp("Also write the totals, top lists and remedies as JSON to this file.", valueName: "file"))
        var summary: String?

        func validate() throws {
            if paths.isEmpty { throw ValidationError("give at least one path") }
            if let format, format != .text, format != .jsonl { throw ValidationError("audit writes text or jsonl") }
            if let summary, paths.contains(summary) { throw ValidationError("--summary \(summary) is also an input") }
        }

        func run() throws {
            let sink = Terminal.standardOutput
            let chosen = format ?? (sink.isTerminal ? .text : .jsonl)
            let runner = ScanRunner(paths: paths, reading: reading.settings)
            let stage = AuditStage(profile: try runner.loadProfile())
            // Bounded: the text report lists the first flagged messages and counts the rest.
            var rows: [ScanRecord] = []
            var rowCount = 0
            let result = try runner.run(stage: stage) { record in
                if chosen == .jsonl {
                    sink.write(JSONLinesFormat.line(record))
                } else if let audit = record.audit, audit != .ordinary, audit != .legitimateNDR {
                    rowCount += 1
                    if rows.count < AuditReportText.listed { rows.append(record) }
                }
            }
            if chosen == .text, let report = result.audit {
                let style = Style(enabled: color.enabled(for: sink))
                sink.write(AuditReportText(report: report, rows: rows, rowCount: rowCount, paths: paths, style: style).render())
            }
            sink.flush()
            if chosen == .jsonl, let domain = result.audit?.looksLikeInboxOf {
                // The text report says it first; JSON Lines readers would not see it.
                Terminal.standardError.write("backscatter: warning: this looks like an inbox (mail received at \(domain)), not mail your server sent or queued; the audit's verdicts assume the latter: read an inbox with backscatter scan\n")
            }
            if let summary, let report = result.audit {
                let file = try OutputSink(path: summary)
                file.write(AuditSummaryJSON.document(report, of: result))
                file.flush()
                if file.failed { throw CLIFailure(message: "writing \(summary) failed", status: .unreadableInput) }
            }
            let flagged = result.audit.map { report in
                [AuditVerdict.reflected, .relayed, .internalBulk].contains { report.totals[$0, default: 0] > 0 }
            } ?? false
            if !result.errors.isEmpty { throw ExitCode(ExitStatus.unreadableInput.rawValue) }
            if flagged { throw ExitCode(ExitStatus.backscatterFound.rawValue) }
        }
    }
}
