// Header and MIME parsing throughput over every message of a large mbox built at benchmark time from the
// shared corpus (the same input as MailboxSplitting). MB/s counts the whole mbox's bytes, so the figure is
// "mailbox bytes per second with every message's header section (or whole MIME tree) parsed".
import Benchmark
import BenchmarkInputs
import Foundation
import MailParsing

/// Size of the generated mbox. Override with BACKSCATTER_BENCH_MB.
let megabytes = Int(ProcessInfo.processInfo.environment["BACKSCATTER_BENCH_MB"] ?? "") ?? 512

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal,
                  .custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)],
        warmupIterations: 1,
        maxDuration: .seconds(30),
        maxIterations: 5
    )

    // Splitting plus HeaderSection.parse of every message: the "headers of every message parsed".
    Benchmark("HeaderSections \(megabytes) MB") { benchmark in
        let path = try BenchmarkInputs.largeMbox(megabytes: megabytes)
        for _ in benchmark.scaledIterations {
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            var reader = try MailboxReader(path: path)
            var bytes = 0
            var fields = 0
            while let message = try reader.next() {
                bytes &+= message.length
                fields &+= HeaderSection.parse(message.bytes).fields.count
            }
            benchmark.stopMeasurement()
            benchmark.measurement(.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false),
                                  BenchmarkInputs.megabytesPerSecond(bytes, since: start))
            blackHole(fields)
        }
    }

    // Splitting plus the whole MIME tree of every message (bodies located, not decoded).
    Benchmark("MIMETrees \(megabytes) MB") { benchmark in
        let path = try BenchmarkInputs.largeMbox(megabytes: megabytes)
        for _ in benchmark.scaledIterations {
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            var reader = try MailboxReader(path: path)
            var bytes = 0
            var parts = 0
            while let message = try reader.next() {
                bytes &+= message.length
                parts &+= ParsedMessage(parsing: message.bytes).allParts().count
            }
            benchmark.stopMeasurement()
            benchmark.measurement(.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false),
                                  BenchmarkInputs.megabytesPerSecond(bytes, since: start))
            blackHole(parts)
        }
    }
}
