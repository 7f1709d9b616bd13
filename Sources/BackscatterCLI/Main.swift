import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the command and maps outcomes to the documented exit status: 0 nothing flagged, 1 backscatter
/// found, 2 bad usage, 3 an input could not be read. swift-argument-parser's own usage status (64) is
/// turned into 2.
@main
enum Main {
    static func main() {
        keepFreedMemory()
        do {
            var command = try BackscatterCommand.parseAsRoot()
            try command.run()
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

extension Main {
    /// Keeps freed memory in the process instead of returning it to the system after each batch.
    ///
    /// A scan allocates and frees about the same memory for every batch: the batch's bytes, its parsed
    /// messages. glibc serves the large blocks with mmap and trims the heap top as soon as it is free,
    /// so each batch touched fresh pages again: a page fault per 4 KiB (backscatter-dev, one job: 5,936
    /// faults for `--no-classify`, 7,953 with the profile; about 6% of the wall time by `perf`). With
    /// blocks under 64 MiB from the heap and the heap trimmed only above 128 MiB free: 3,850 and 5,323
    /// faults, the same peak resident size (35 and 43 MB); `--no-classify` min of 9 runs 170 -> 165 ms
    /// with 256 MiB thresholds set through `GLIBC_TUNABLES` (the same faults as these).
    /// A process-wide choice, so the command line makes it; a program linking the library may make its own.
    static func keepFreedMemory() {
        #if canImport(Glibc)
        _ = glibcMallopt(glibcMmapThreshold, 64 << 20)
        _ = glibcMallopt(glibcTrimThreshold, 128 << 20)
        #endif
    }
}

#if canImport(Glibc)
// glibc's mallopt(3) and two of its parameters, from <malloc.h>, which the Glibc module does not export.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// M_TRIM_THRESHOLD in <malloc.h>.
private let glibcTrimThreshold: Int32 = -1
/// M_MMAP_THRESHOLD in <malloc.h>.
private let glibcMmapThreshold: Int32 = -3
#endif

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
