@testable import Backscatter
import Foundation
import MailParsing
import Testing
import TestSupport

/// A scan's input cut into batches (`ScanBatchReader`): at most `batchMessages` entries each, every
/// entry once and in order, each read error in the batch it was met in with its index in its file,
/// the progress counted; and a scan's records, errors and progress the same with one job or more,
/// whatever the batch size.
struct ScanBatchTests {
    /// Inputs that give entries, an input that cannot be opened, one whose reading fails part-way (the
    /// example inbox gzipped and cut short: six messages, then an error) and a damaged MMDF mailbox,
    /// in one order.
    /// Runs `body` with the inputs (the cut gzip written for it into the temporary folder, removed after).
    static func withInputs<T>(_ body: ([String]) throws -> T) rethrows -> T {
        let inbox = Corpus.fixture("example/inbox.mbox")
        let bytes = (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: inbox)))) ?? []
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("scan-batch-\(UUID().uuidString).mbox.gz")
        try? Data(Gzip.compress(bytes).prefix(3000)).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        return try body([
            inbox,
            Corpus.fixture("mailbox/no-such-mailbox.mbox"),
            cut.path,
            Corpus.fixture("mailbox/mmdf-damaged.mmdf"),
            Corpus.fixture("mailbox/odd-from-lines.mbox"),
            inbox,
        ])
    }

    /// A batch's entries as `source@offset+length`.
    static func entries(_ batch: ScanBatch) -> [String] {
        batch.entries.map { "\($0.source)@\($0.offset)+\($0.length)" }
    }

    static func options(batchMessages: Int) -> ScanOptions {
        var options = ScanOptions(jobs: 2)
        options.batchMessages = batchMessages
        return options
    }

    static func read(_ inputs: [String], batchMessages: Int) -> [ScanBatch] {
        var reader = ScanBatchReader(paths: inputs, options: Self.options(batchMessages: batchMessages), bytesTotal: nil)
        var batches: [ScanBatch] = []
        while let batch = reader.next() { batches.append(batch) }
        return batches
    }

    @Test(arguments: [1, 3, 7])
    func batchesAreCutAtTheLimitAndLoseNothing(batchMessages: Int) {
        Self.withInputs { inputs in
            let whole = Self.read(inputs, batchMessages: 1 << 20)
            #expect(whole.count == 1)
            let batches = Self.read(inputs, batchMessages: batchMessages)
            #expect(batches.count > 3)
            // Each batch but the last is full; the entries, errors and progress are the whole read's.
            for batch in batches.dropLast() { #expect(batch.entries.count == batchMessages) }
            #expect(batches.flatMap(Self.entries) == Self.entries(whole[0]))
            #expect(batches.flatMap(\.errors) == whole[0].errors)
            #expect(batches.map(\.progress.messages) == batches.indices.map { i in batches[...i].reduce(0) { $0 + $1.entries.count } })
            #expect(batches.last?.progress.bytesRead == whole[0].progress.bytesRead)
        }
    }

    /// The input that cannot be opened is an error of index 0; the cut gzip's, one at the message it
    /// could not read (the seventh: index 6), in the file's own count.
    @Test func readErrorsNameTheirFileAndIndex() {
        let errors = Self.withInputs { Self.read($0, batchMessages: 2) }.flatMap(\.errors)
        #expect(errors.count == 2)
        #expect(errors.first?.path.hasSuffix("no-such-mailbox.mbox") == true && errors.first?.index == 0)
        #expect(errors.last?.path.hasSuffix(".mbox.gz") == true && errors.last?.index == 6)
    }

    /// An input named twice is counted from 0 each time: the cut gzip's error is at index 6 in both.
    @Test func anInputNamedTwiceIsCountedAfresh() {
        let errors = Self.withInputs { inputs in Self.read([inputs[2], inputs[2]], batchMessages: 4) }.flatMap(\.errors)
        #expect(errors.map(\.index) == [6, 6])
    }

    /// The records, errors and progress of scans with two and three jobs are those of a one-job scan,
    /// at batch sizes that cut the inputs in many places.
    @Test(arguments: [1, 4, 512])
    func scansWithMoreJobsMatchOneJob(batchMessages: Int) {
        Self.withInputs { inputs in
            func scan(jobs: Int) -> (records: [[UInt8]], errors: [ScanError], progress: [Int], messages: Int) {
                var options = Self.options(batchMessages: batchMessages)
                options.jobs = jobs
                var records: [[UInt8]] = []
                var progress: [Int] = []
                let summary = Scan(paths: inputs, options: options).run(
                    stage: ClassifierStage(profile: nil), progress: { progress.append($0.messages) }
                ) { record in records.append(SpillCodingTests.bytes(record)) }
                return (records, summary.errors, progress, summary.messages)
            }
            let alone = scan(jobs: 1)
            #expect(alone.records.count > 10)
            #expect(alone.errors.count == 2)
            for jobs in [2, 3] {
                let more = scan(jobs: jobs)
                #expect(more.records == alone.records)
                #expect(more.errors == alone.errors)
                #expect(more.progress == alone.progress)
                #expect(more.messages == alone.messages)
            }
        }
    }

    /// A delivery that fails part-way through a scan without a revision (`--no-classify`) stops it with
    /// its error after exactly the records delivered.
    @Test func failedDeliveryStopsTheScan() {
        var delivered = 0
        #expect(throws: CancellationError.self) {
            _ = try Self.withInputs { inputs in
                try Scan(paths: inputs, options: Self.options(batchMessages: 2)).run(stage: UnclassifiedStage()) { _ in
                    if delivered == 5 { throw CancellationError() }
                    delivered += 1
                }
            }
        }
        #expect(delivered == 5)
    }
}
