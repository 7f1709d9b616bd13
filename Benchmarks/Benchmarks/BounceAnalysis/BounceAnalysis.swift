// The main job on the sisimai bsd messages (`../shared/corpus/sisimai/maildir/bsd`, 629 real bounces from
// every family the recognisers read), the input of issue 3's side-by-side with Sisimai and flufl.bounce:
// bounce analysis alone, as another mail tool calls it, and the whole scan, one job, with and without the
// classifier. Messages per second, allocations and peak memory; `Benchmarks/side-by-side.sh` times the
// command-line tool against the peers.
import Backscatter
import Benchmark
import BenchmarkInputs
import DeliveryStatus
import Foundation
import MailParsing

let messagesPerSecond = BenchmarkMetric.custom("messages/s", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal, messagesPerSecond],
        warmupIterations: 1,
        maxDuration: .seconds(30),
        maxIterations: 20
    )

    // `BounceAnalyzer.analyze(bytes:)` of each message: its MIME tree, recognition, reasons and the
    // returned original, what a library user gets a message at a time (the bytes read beforehand).
    Benchmark("BounceAnalyzer, sisimai bsd (629 messages)") { benchmark in
        let messages = try BenchmarkInputs.sisimaiMessages()
        let analyzer = BounceAnalyzer()
        for _ in benchmark.scaledIterations {
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            var recipients = 0
            for message in messages { recipients &+= analyzer.analyze(bytes: message[...]).recipients.count }
            benchmark.stopMeasurement()
            benchmark.measurement(messagesPerSecond, BenchmarkInputs.perSecond(messages.count, since: start))
            blackHole(recipients)
        }
    }

    /// A `Scan` of the sisimai bsd folder (every file read, parsed, analysed, made a record; `stage`'s
    /// part on top), one job, the records counted and dropped.
    func scan(_ name: String, stage: @escaping @Sendable () throws -> some ScanStage) {
        Benchmark(name) { benchmark in
            let folder = try BenchmarkInputs.sisimaiFolder()
            for _ in benchmark.scaledIterations {
                let start = ContinuousClock.now
                benchmark.startMeasurement()
                var records = 0
                let summary = Scan(paths: [folder], options: ScanOptions(jobs: 1)).run(stage: try stage()) { _ in records &+= 1 }
                benchmark.stopMeasurement()
                benchmark.measurement(messagesPerSecond, BenchmarkInputs.perSecond(records, since: start))
                blackHole(summary.messages)
            }
        }
    }

    // `backscatter scan --no-classify -j 1` without its JSON: read, parse, recognise, records.
    scan("Scan without the classifier, sisimai bsd, one job") { UnclassifiedStage() }
    // `backscatter scan -j 1` without its JSON: the same, the classifier with zero-config inference and
    // the stream pass on top.
    scan("Scan, zero-config classifier, sisimai bsd, one job") { try ScanSetup.stage(profilePath: nil) }
}
