import ArgumentParser
import Backscatter

extension BackscatterCommand {
    /// `backscatter profile`: infer or check a site profile.
    struct Profile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Infer a site profile from mail, or check one.",
            subcommands: [Infer.self, Check.self]
        )

        /// `backscatter profile infer PATH...`
        struct Infer: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the site profile inferred from a mailbox, as TOML to edit and pass to --profile.",
                discussion: """
                    Example:
                      backscatter profile infer inbox.mbox > site.toml
                    """
            )

            @Argument(help: ArgumentHelp("Mailboxes, Maildirs, folders or files.", valueName: "path"))
            var paths: [String]

            @OptionGroup var reading: ReadingOptions

            func run() throws {
                // SEAM(classifier): profile inference (issue 4) has not landed yet.
                throw CLIFailure.notYet("profile infer")
            }
        }

        /// `backscatter profile check FILE`
        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Validate a site profile; say which key is wrong and why.",
                discussion: """
                    Exit status 0 when the profile loads, 2 when it does not.

                    Example:
                      backscatter profile check site.toml
                    """
            )

            @Argument(help: ArgumentHelp("The profile (TOML).", valueName: "file"))
            var file: String

            func run() throws {
                // SEAM(site): `SiteProfile.load(path:)` has not landed yet.
                throw CLIFailure.notYet("profile check")
            }
        }
    }
}
