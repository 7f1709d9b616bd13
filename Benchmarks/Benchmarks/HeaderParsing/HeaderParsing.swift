// Header and MIME parsing throughput over every message of a large mbox built at benchmark time from the
// shared corpus (the same input as MailboxSplitting). MB/s counts the whole mbox's bytes, so the figure is
// "mailbox bytes per second with every message's header section (or whole MIME tree) parsed".
import Benchmark
import BenchmarkInputs
import Foundation
import MailParsing

let megabytes = BenchmarkInputs.requestedMegabytes
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal, megabytesPerSecond],
        warmupIterations: 1,
        maxDuration: .seconds(30),
        maxIterations: 5
    )

    /// Splits the mbox and runs `count` on every message, measuring MB/s of mailbox bytes.
    func everyMessage(_ name: String, _ count: @escaping @Sendable (MailboxMessage) -> Int) {
        Benchmark(name) { benchmark in
            let path = try BenchmarkInputs.largeMbox(megabytes: megabytes)
            for _ in benchmark.scaledIterations {
                let start = ContinuousClock.now
                benchmark.startMeasurement()
                var total = 0
                let bytes = try BenchmarkInputs.readEveryMessage(path) { total &+= count($0) }
                benchmark.stopMeasurement()
                benchmark.measurement(megabytesPerSecond, BenchmarkInputs.megabytesPerSecond(bytes, since: start))
                blackHole(total)
            }
        }
    }

    // Splitting plus HeaderSection.parse of every message: the "headers of every message parsed".
    everyMessage("HeaderSections \(megabytes) MB") { HeaderSection.parse($0.bytes).fields.count }

    // Splitting plus the whole MIME tree of every message (bodies located, not decoded).
    everyMessage("MIMETrees \(megabytes) MB") { ParsedMessage(parsing: $0.bytes).allParts().count }
}
