import ArgumentParser
import Backscatter

/// Options every command that reads mail shares.
struct ReadingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Site profile (TOML); without one the site is inferred.",
                                           valueName: "file"))
    var profile: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Worker threads (default: the number of cores).",
                                                     valueName: "n"))
    var jobs: Int?

    @Flag(name: [.short, .long], help: "No progress line on standard error.")
    var quiet = false

    func validate() throws {
        try settings.validate()
    }

    /// The options as plain values.
    var settings: ReadingSettings { ReadingSettings(profile: profile, jobs: jobs, quiet: quiet) }
}

/// The reading options' values, whichever parser read them (`ReadingOptions`, or `QuickScanArguments`
/// for `scan`).
struct ReadingSettings: Equatable {
    /// `--profile`: the site profile's path.
    var profile: String?
    /// `--jobs`: worker threads; nil for the number of cores.
    var jobs: Int?
    /// `--quiet`: no progress line.
    var quiet = false

    /// Rejects what the options cannot mean.
    func validate() throws {
        if let jobs, jobs < 1 || jobs > 1024 { throw ValidationError("--jobs must be between 1 and 1024") }
    }

    /// The library's scan options these settings ask for.
    var scanOptions: ScanOptions { ScanOptions(jobs: jobs) }
}

/// An option's closed set of values, each spelled as its raw value.
///
/// swift-argument-parser describes each value by `"\(self)"` (reflection of the case name) and lists them
/// through a key path made anew at each call; it asks each option's type for both at every start, several
/// times (`allValueStrings` and `allValueDescriptions` 2.2M instructions). With these, its parsing took
/// 15.5M -> 13.5M instructions a process (`scan` of one message: 29.5M -> 27.9M in all). Only for
/// enums whose raw values are their case names, so that the help and error texts are unchanged.
protocol LiteralChoice: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension LiteralChoice {
    /// The raw value (what `"\(self)"` prints for these enums).
    var defaultValueDescription: String { rawValue }
    /// Every raw value, in declaration order.
    static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    /// None: each value's description is its raw value, which the parser's default leaves out too.
    static var allValueDescriptions: [String: String] { [:] }
}

/// When to colour text output.
enum ColorChoice: String, LiteralChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    case auto
    /// Colour unless NO_COLOR is set.
    case always
    /// Never colour.
    case never

    /// Whether to colour output going to `sink`.
    func enabled(for sink: OutputSink) -> Bool {
        if Terminal.noColorRequested { return false }
        switch self {
        case .auto: return sink.isTerminal
        case .always: return true
        case .never: return false
        }
    }
}

/// Output formats of `scan`.
enum OutputFormat: String, LiteralChoice {
    case text, jsonl, csv, html

    /// The format a file name suggests, if any.
    static func guess(fromPath path: String) -> OutputFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { return .html }
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".json") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".txt") { return .text }
        return nil
    }
}

/// `--only` values.
enum OnlyChoice: String, LiteralChoice {
    case backscatter, legitimate, uncertain, bounces

    var selection: ScanFilter.Selection {
        switch self {
        case .backscatter: .backscatter
        case .legitimate: .legitimate
        case .uncertain: .uncertain
        case .bounces: .bounces
        }
    }
}
