import Backscatter
#if canImport(Glibc)
import Glibc
#endif

/// Runs a `Scan` for a command: builds the stage, shows progress, reports read errors on stderr.
struct ScanRunner {
    var paths: [String]
    var reading: ReadingSettings
    var filter = ScanFilter()
    /// Whether to judge bounces (false: bounce analysis only, as `--no-classify` asks).
    var classify = true
    /// Whether the summary's tables are counted (`ScanOptions.summaryTables`). Off unless a report will
    /// read them: `scan`'s text and HTML reports and its `--summary` file do; the records of JSON Lines and
    /// CSV, `audit`'s report, `explain`, `split` and `profile infer` do not.
    var summaryTables = false
    /// Whether the scan frees what it held for the stream pass (`ScanOptions.freesHeldValues`). Off for
    /// a command that ends the process right after its one scan (`scan`).
    var freesHeldValues = true

    /// Runs the scan, delivering records in input order; prints one stderr line per read error.
    func run(deliver: (ScanRecord) throws -> Void) throws -> ScanSummary {
        if !classify { return try run(stage: UnclassifiedStage(), deliver: deliver) }
        let stage: ClassifierStage
        do {
            stage = try ScanSetup.stage(profilePath: reading.profile)
        } catch {
            throw CLIFailure.usage("\(error)")
        }
        return try run(stage: stage, deliver: deliver)
    }

    /// Loads `--profile`, if given.
    func loadProfile() throws -> SiteProfile? {
        guard let path = reading.profile else { return nil }
        do {
            return try SiteProfile.load(path: path)
        } catch {
            throw CLIFailure.usage(error.description)
        }
    }

    /// Runs the scan with a given stage (a concrete one: `Scan.run` is compiled for each of the
    /// library's stages, and an existential would miss those copies).
    func run<Stage: ScanStage>(stage: Stage, deliver: (ScanRecord) throws -> Void) throws -> ScanSummary {
        let progress = ProgressLine(enabled: !reading.quiet && Terminal.standardError.isTerminal)
        var options = reading.scanOptions
        options.summaryTables = summaryTables
        options.freesHeldValues = freesHeldValues
        let scan = Scan(paths: paths, options: options)
        let summary = try run(scan, stage: stage, progress: progress, deliver: deliver)
        progress.finish()
        for error in summary.errors { Terminal.standardError.write("backscatter: \(error)\n") }
        return summary
    }

    private func run<Stage: ScanStage>(_ scan: Scan, stage: Stage, progress: ProgressLine,
                                       deliver: (ScanRecord) throws -> Void) throws -> ScanSummary {
        try scan.run(stage: stage, filter: filter, progress: { progress.update($0) }, deliver: deliver)
    }

    /// The exit status a finished scan calls for: 3 when an input could not be read, else 1 when
    /// backscatter was found, else 0.
    static func status(of summary: ScanSummary) -> ExitStatus {
        if !summary.errors.isEmpty { return .unreadableInput }
        return summary.foundBackscatter ? .backscatterFound : .clean
    }
}

/// The progress line on standard error: bytes and messages done, rate, time left.
/// Shown only on a terminal, once the input is over a few MB, redrawn at most four times a second.
final class ProgressLine {
    private let enabled: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant
    private var drawn = false
    /// Inputs smaller than this never show a line.
    private let threshold = 4 << 20

    init(enabled: Bool) {
        self.enabled = enabled
        start = clock.now
        lastDraw = start
    }

    func update(_ state: ScanProgress) {
        guard enabled else { return }
        let now = clock.now
        if let total = state.bytesTotal, total < threshold { return }
        if state.bytesTotal == nil, state.bytesRead < threshold { return }
        guard !drawn || now - lastDraw >= .milliseconds(250) else { return }
        lastDraw = now
        drawn = true
        let elapsed = Self.seconds(now - start)
        let rate = elapsed > 0 ? Double(state.bytesRead) / elapsed : 0
        var line = "\r\u{1B}[K  \(Self.bytes(state.bytesRead))"
        if let total = state.bytesTotal {
            line += " of \(Self.bytes(total))"
            let percent = total > 0 ? min(100, state.bytesRead * 100 / total) : 100
            line += " (\(percent)%)"
        }
        line += ", \(state.messages) messages, \(Self.bytes(Int(rate)))/s"
        if let total = state.bytesTotal, rate > 0 {
            let left = Double(max(0, total - state.bytesRead)) / rate
            line += ", \(Self.duration(left)) left"
        }
        Terminal.standardError.write(line)
    }

    func finish() {
        if drawn { Terminal.standardError.write("\r\u{1B}[K") }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(count) B" : Decimals.fixed(value, places: 1) + " " + units[unit]
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min \(total % 60) s" }
        return "\(total / 3600) h \(total / 60 % 60) min"
    }
}
