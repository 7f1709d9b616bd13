import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// Runs the command and maps outcomes to the documented exit status: 0 nothing flagged, 1 backscatter
/// found, 2 bad usage, 3 an input could not be read. swift-argument-parser's own usage status (64) is
/// turned into 2.
///
/// Memory comes from mimalloc, linked into this executable (`CMimalloc`): it serves the many small,
/// short-lived blocks of a scan with fewer instructions than glibc's malloc (bsd.mbox x3 630.7M -> 606.4M)
/// and needs no settings to keep freed pages for the next batch, as glibc's did (`mallopt`, removed):
/// backscatter-dev `--no-classify` 3,730 page faults (`/usr/bin/time`, 2026-11-30) against the 3,850
/// glibc with those settings gave (Benchmarks/HISTORY.md); with the profile, two jobs, 6,000-6,700
/// against 5,323.
///
/// mimalloc is asked for large (2 MiB) pages before anything allocates (`CMimallocOptions`) unless
/// `MIMALLOC_LARGE_OS_PAGES` is set: a scan's heap grows by tens of megabytes, and each 4 KiB page of it
/// was a page fault, zeroed and mapped by the kernel (bsd20 full: 14,438 faults, 5.6% of the `perf`
/// samples in the fault path; with large pages 775, system time 0.04-0.07 s -> 0.01-0.03 s and wall
/// clock 0.54-0.68 s -> 0.52-0.60 s but for two outliers, ten interleaved runs each; resident set 72.8 ->
/// 77.5 MB; 2026-12-01). `MIMALLOC_LARGE_OS_PAGES=0` turns it off, e.g. where transparent huge pages are
/// slow to come by; `--version` says whether they were asked for.
@main
enum Main {
    static func main() {
        do {
            let arguments = commandLineArguments()
            // A plain `scan` line is read without swift-argument-parser, whose parsing is most of the
            // start (`QuickScanArguments`); anything else, or a line that fails validation, goes to it.
            if let invocation = QuickScanArguments.invocation(arguments),
               (try? invocation.validate()) != nil {
                try invocation.run()
            } else {
                var command = try BackscatterCommand.parseAsRoot(arguments)
                try command.run()
            }
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch let failure as CLIFailure {
            Terminal.standardError.write("backscatter: \(failure.message)\n")
            exit(failure.status.rawValue)
        } catch {
            if BackscatterCommand.exitCode(for: error) == .validationFailure {
                let message = BackscatterCommand.fullMessage(for: error)
                Terminal.standardError.write(message + "\n")
                exit(ExitStatus.badUsage.rawValue)
            }
            BackscatterCommand.exit(withError: error)
        }
    }
}

/// The arguments after the program's name, read from `argv` as `NativePath` reads file names: a path
/// argument that is not UTF-8 (`caf\xE9.eml`) keeps its bytes and opens its file, where
/// `CommandLine.arguments` would have replaced them with U+FFFD.
func commandLineArguments() -> [String] {
    (1..<Int(CommandLine.argc)).compactMap { index in
        CommandLine.unsafeArgv[index].map { NativePath.string(fromCString: $0) }
    }
}

/// The documented exit statuses.
enum ExitStatus: Int32 {
    /// Nothing flagged.
    case clean = 0
    /// Backscatter found.
    case backscatterFound = 1
    /// Bad usage: unknown option, bad value, output exists ...
    case badUsage = 2
    /// An input could not be read (the rest was still reported).
    case unreadableInput = 3

    /// Ends the process with this status at once, without unwinding (nothing left is freed first).
    /// For a command that has written and flushed everything.
    func exitNow() -> Never {
        exit(rawValue)
    }
}

/// An error the command reports in one line, with its exit status.
struct CLIFailure: Error {
    var message: String
    var status: ExitStatus

    static func usage(_ message: String) -> CLIFailure { CLIFailure(message: message, status: .badUsage) }
    static func notYet(_ what: String) -> CLIFailure {
        CLIFailure(message: "\(what) is not available yet: the library function it needs has not landed",
                   status: .badUsage)
    }
}
