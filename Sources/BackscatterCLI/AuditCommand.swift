import ArgumentParser
import Backscatter

extension BackscatterCommand {
    /// `backscatter audit`: the reflector audit of what the site's own server holds or sent.
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Audit your own server's queue or sent mail: is it the reflector?",
            discussion: """
                Reads what your server holds or sent (a queue folder of .eml files, a Badmail folder, a \
                sent mbox, Postfix postcat output) and sorts each message: reflected (an NDR for forged \
                spam), legitimate-ndr, relayed (relay abuse), internal-bulk (a compromised account) or \
                ordinary, with totals and the remedy.

                Example:
                  backscatter audit --profile site.toml /var/spool/exchange/Badmail
                """
        )

        @Argument(help: ArgumentHelp("Queue folders, Badmail folders, sent mboxes.", valueName: "path"))
        var paths: [String]

        @OptionGroup var reading: ReadingOptions

        @Option(name: [.short, .long], help: "Output format (text or jsonl).")
        var format: OutputFormat?

        func run() throws {
            // SEAM(classifier): the audit library function (issue 4) has not landed yet.
            throw CLIFailure.notYet("audit")
        }
    }
}
