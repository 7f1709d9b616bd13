// Splitting throughput of MailboxReader on a large mbox built at benchmark time from the shared corpus.
// Throughput in MB/s = input megabytes / wall-clock seconds of one iteration (the file is in the page cache
// after it is written). See ../../README.md for the figures and the commands.
import Benchmark
import BenchmarkInputs
import Foundation
import MailParsing

/// Size of the generated mbox. Override with BACKSCATTER_BENCH_MB.
let megabytes = BenchmarkInputs.requestedMegabytes
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal, megabytesPerSecond],
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 5
    )

    Benchmark("MailboxSplitting \(megabytes) MB") { benchmark in
        let path = try BenchmarkInputs.largeMbox(megabytes: megabytes)
        for _ in benchmark.scaledIterations {
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            let bytes = try BenchmarkInputs.readEveryMessage(path) { _ in }
            benchmark.stopMeasurement()
            benchmark.measurement(megabytesPerSecond, BenchmarkInputs.megabytesPerSecond(bytes, since: start))
            blackHole(bytes)
        }
    }
}
