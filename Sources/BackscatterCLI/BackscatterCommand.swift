import ArgumentParser
import CMimalloc
import CMimallocOptions

/// The `backscatter` command: configuration only; each subcommand lives in its own file.
struct BackscatterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backscatter",
        abstract: "Find backscatter (bounces and auto-replies about mail you never sent) in mailboxes.",
        discussion: """
            Reads mboxes (any dialect), Maildirs, folders of .eml files, Postfix queues (and postcat's \
            output), Exim spools, Sendmail, OpenSMTPD and Courier queues and standard input, each plain or compressed (gzip, bzip2, xz, zstd, LZ4).

            Exit status: 0 nothing flagged, 1 backscatter found, 2 bad usage, \
            3 an input could not be read (the rest is still reported).

            Example:
              backscatter scan --profile site.toml ~/Mail/inbox.mbox
            """,
        version: "0.1.0 (allocator: mimalloc \(Self.mimallocVersion)\(Self.largePagesNote))",
        subcommands: [Scan.self, Explain.self, Split.self, Audit.self, Profile.self],
        defaultSubcommand: nil
    )

    /// The linked mimalloc's version, "2.0.9" for its 209 (`mi_version()`); said in `--version` so that a
    /// report names the allocator it ran with.
    static var mimallocVersion: String {
        let number = Int(mi_version())
        return "\(number / 100).\(number / 10 % 10).\(number % 10)"
    }

    /// ", large OS pages" when start-up asked mimalloc for them (`CMimallocOptions`: unless
    /// `MIMALLOC_LARGE_OS_PAGES` was set, which mimalloc then follows itself).
    static var largePagesNote: String {
        backscatter_mimalloc_large_pages_requested() != 0 ? ", large OS pages" : ""
    }
}
