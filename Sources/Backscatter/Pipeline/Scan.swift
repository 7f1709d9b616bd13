#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DeliveryStatus
import Dispatch
import MailParsing
import Synchronization

/// A scan of mailboxes: reads every message of every input, parses and analyses it, lets a
/// `ScanStage` classify it, and delivers one `ScanRecord` per message in input order.
///
/// ```
/// paths ──MailboxReader──▶ batches of entries ──N threads: parse, bounce analysis, stage.examine──▶
///      records + notes ──(stage.finish, stage.revise)──▶ filter ──▶ deliver(record), summary
/// ```
/// Inputs are read sequentially on the calling thread, in batches bounded by `ScanOptions.batchMessages`
/// and `batchBytes` (`ScanBatchReader`); each batch is processed on `jobs` threads and its records
/// delivered in order before the next batch is read. Memory is about one batch plus what the stage
/// keeps: the notes (and records,
/// when the stage revises them) wait for the stream pass in `SpillStore`s, in memory up to about
/// `ScanOptions.spillThreshold` bytes and past that in an unlinked temporary file (see `ScanStage`).
/// Each batch is handled in runs of `runLength` messages (analysed, then examined); with more than one
/// job the final revision judges on a worker while the calling thread delivers (`reviseAlongside`).
/// An input or entry that cannot be read becomes a `ScanError` in the summary and the scan goes on with
/// the rest.
public struct Scan: Sendable {
    /// The inputs: mboxes, Maildirs, folders, message files, `-` for standard input, in order.
    public var paths: [String]
    /// Parallelism, batching and parser limits.
    public var options: ScanOptions

    /// A scan of `paths`.
    public init(paths: [String], options: ScanOptions = .init()) {
        self.paths = paths
        self.options = options
    }

    /// Runs the scan.
    /// - Parameters:
    ///   - stage: the classifier (`UnclassifiedStage()` for none).
    ///   - filter: which records to deliver and count.
    ///   - progress: called on the calling thread after each batch.
    ///   - deliver: called on the calling thread with each admitted record, in input order.
    /// - Returns: the summary of the delivered records, stream findings and read errors.
    /// - Throws: only what `deliver` throws (the scan stops there).
    // Compiled for each of the library's stages too, for callers in other modules (the CLI): the
    // generic body moves every note and record through value witnesses, a call and a reference count
    // per field (callgrind, backscatter-dev, one job: `--no-classify` 1,317.1M -> 1,304.6M instructions,
    // zero-config 1,541.4M -> 1,520.1M, with the profile 1,627.6M -> 1,607.1M).
    @_specialize(exported: true, where Stage == ClassifierStage)
    @_specialize(exported: true, where Stage == UnclassifiedStage)
    @_specialize(exported: true, where Stage == AuditStage)
    @_specialize(exported: true, where Stage == InferenceStage)
    public func run<Stage: ScanStage>(
        stage: Stage, filter: ScanFilter = .init(), progress: (ScanProgress) -> Void = { _ in },
        deliver: (ScanRecord) throws -> Void
    ) rethrows -> ScanSummary {
        var summary = ScanSummary()
        summary.countsTables = options.summaryTables
        // Two held streams, each with half the budget: notes (read by the stream pass, maybe several
        // times) and records (read once, beside their notes, by the revision).
        let notes = SpillStore<Stage.Note>(memoryLimit: options.spillThreshold / 2)
        let held = SpillStore<ScanRecord>(memoryLimit: options.spillThreshold / 2)
        var state = ScanProgress(bytesTotal: Self.totalBytes(paths))
        // Room for a record and a note per 4 KiB of input, when its size is known (within each store's
        // memory limit): a message of the sisimai and backscatter-dev mailboxes is ~4.5-5 KB on average.
        if let total = state.bytesTotal {
            notes.reserveHeld(total / 4096)
            if stage.revisesRecords { held.reserveHeld(total / 4096) }
        }
        var sequence = 0

        func flush(_ batch: inout [MailboxMessage]) throws {
            guard !batch.isEmpty else { return }
            let count = batch.count
            let results = process(&batch, firstSequence: sequence, stage: stage)
            sequence += count
            // Each result moved out of its slot, in order. (Gathered into an array, reversed and popped,
            // 2.6M instructions of swaps on bsd.mbox x3, 0.5M more to gather; a for-in over the array
            // copied the record and the note, a retain a field, for the array to release them after.)
            for i in 0..<results.slotCount {
                guard let (record, note) = results.take(at: i) else { continue }
                notes.append(note)
                if stage.revisesRecords {
                    held.append(record)
                } else if filter.admits(record) {
                    summary.add(record)
                    try deliver(record)
                }
            }
        }

        // Each batch as read: its read errors, its entries parsed, analysed and examined, its progress.
        // (Read a batch ahead on a thread of its own while the workers ran, the scan took as long:
        // bsd20, two jobs, both cores were busy already; Benchmarks/HISTORY.md, 2026-12-07.)
        var input = ScanBatchReader(paths: paths, options: options, bytesTotal: state.bytesTotal)
        while var read = input.next() {
            summary.errors.append(contentsOf: read.errors)
            state = read.progress
            try flush(&read.entries)
            progress(state)
        }

        // The stream pass reads the notes as often as it needs; then each record is revised beside its
        // note and delivered: the held ones in place (copying a record out would retain each of its
        // fields), the spilled ones as they are decoded. (In a scope: no reader of the stores outlives it.)
        var findings: Stage.Findings
        var records: [ScanRecord] = []
        var damaged = false
        do {
            let heldNotes = notes.values()
            findings = stage.finish(notes: heldNotes)
            var noteIterator = heldNotes.makeIterator()
            func admitAndDeliver(_ record: ScanRecord) throws {
                guard filter.admits(record) else { return }
                summary.add(record)
                try deliver(record)
            }
            func revise(_ record: inout ScanRecord) throws -> Bool {
                guard let note = noteIterator.next() else { return false }
                stage.revise(&record, note: note, findings: &findings)
                try admitAndDeliver(record)
                return true
            }
            records = held.takeHeld()
            if stage.revisesRecords {
                var going = true
                if options.jobs > 1, records.count >= 2 * Self.revisionChunk {
                    // Judging on a worker thread, delivering here (see `reviseAlongside`).
                    let revised = try Self.reviseAlongside(&records, notes: &noteIterator, findings: &findings, stage: stage,
                                                           deliver: admitAndDeliver)
                    going = revised == records.count
                } else {
                    for i in records.indices where going { going = try revise(&records[i]) }
                }
                let spilled = held.values()
                var reader = spilled.makeIterator()
                while going, var record = reader.next() { going = try revise(&record) }
                damaged = spilled.isDamaged
            }
            damaged = damaged || heldNotes.isDamaged
        }
        if damaged {
            summary.errors.append(ScanError(path: "(spill file)", index: 0, byteOffset: 0, reason: Self.spillDamaged))
        }
        stage.summarize(findings, into: &summary)
        if notes.count + held.count > 0 {
            let values = HeldValues([notes, held], taken: records)
            if options.freesHeldValues {
                values.freeInBackground()
            } else {
                // Kept for the process's end (`ScanOptions.freesHeldValues`).
                _ = Unmanaged.passRetained(values)
            }
        }
        return summary
    }

    /// Records revised at a time by `reviseAlongside`'s worker.
    static let revisionChunk = 128

    /// The revision of the held records as a two-stage pipeline, for scans with more than one job: a
    /// worker thread revises (judges) the records in order, `revisionChunk` at a time, while the calling
    /// thread delivers each chunk once it is revised. The caller's delivery (formatting and writing
    /// output) is the longer part, so most of the judging is hidden behind it (backscatter-dev with the
    /// profile, two jobs, min of 15: 216.8 -> 209.3 ms). Order and results are those of revising and
    /// delivering one record after the other.
    /// - Returns: how many records were revised (fewer than all only when the notes ran out).
    private static func reviseAlongside<Stage: ScanStage>(
        _ records: inout [ScanRecord], notes: inout SpilledSequence<Stage.Note>.Iterator,
        findings: inout Stage.Findings, stage: Stage, deliver: (ScanRecord) throws -> Void
    ) rethrows -> Int {
        let work = Revision(notes: notes, findings: findings)
        defer {
            notes = work.notes
            findings = work.findings
        }
        return try records.withUnsafeMutableBufferPointer { buffer -> Int in
            let shared = SharedRecords(buffer)
            let group = DispatchGroup()
            DispatchQueue.global(qos: .userInitiated).async(group: group) {
                var start = 0
                while start < shared.buffer.count, !work.stop.load(ordering: .relaxed) {
                    let end = min(shared.buffer.count, start + revisionChunk)
                    var i = start
                    while i < end, let note = work.notes.next() {
                        stage.revise(&shared.buffer[i], note: note, findings: &work.findings)
                        i += 1
                    }
                    work.revised.store(i, ordering: .releasing)
                    work.ready.signal()
                    if i < end { break }   // the notes ran out
                    start = end
                }
                work.finished.store(true, ordering: .releasing)
                work.ready.signal()
            }
            // However delivery ends (a thrown error too), the worker is done before the buffer goes.
            defer {
                work.stop.store(true, ordering: .relaxed)
                group.wait()
            }
            var delivered = 0
            while true {
                work.ready.wait()
                let finished = work.finished.load(ordering: .acquiring)
                let revised = work.revised.load(ordering: .acquiring)
                while delivered < revised {
                    try deliver(shared.buffer[delivered])
                    delivered += 1
                }
                if finished { return delivered }
            }
        }
    }

    /// Messages are handled in runs of this many: a run is parsed, analysed, made into records, then
    /// the stage examines it, each step over the whole run before the next. Tight loops keep each
    /// step's code and tables in the caches, where alternating per message (the analysis, then the
    /// classifier's note, then the next message's analysis) evicts them: on backscatter-dev's inbox,
    /// one core, min of 9 interleaved runs (2026-11-29), zero-config 325 -> 318 ms and with the
    /// profile 339 -> 333 ms for the stage's own loop. The parse and the analysis's steps each a loop
    /// of their own (2026-12-05; cachegrind, bsd.mbox x3: instruction cache misses 5.37M -> 3.48M,
    /// branch mispredictions 4.28M -> 3.62M, instructions +0.8%): bsd20, one core, 15 interleaved
    /// runs, full 286 -> 270 ms min (303 -> 282 median), `--no-classify` 225 -> 209 ms. A run's parsed
    /// messages, contexts and reports are alive together (slices of the batch's bytes plus their MIME
    /// trees and decoded texts): memory stays about one batch.
    static let runLength = 64

    /// Parses, analyses and classifies a batch on `options.jobs` threads (one run of `runLength`
    /// messages at a time each); results in batch order, one slot a message. The batch is left empty
    /// (its capacity kept): each entry is moved into the message for the stage.
    private func process<Stage: ScanStage>(_ batch: inout [MailboxMessage], firstSequence: Int,
                                           stage: Stage) -> Slots<(ScanRecord, Stage.Note)> {
        let limits = options.parsingLimits
        let count = batch.count
        let runs = (count + Self.runLength - 1) / Self.runLength
        let jobs = max(1, min(options.jobs, runs))
        let slots = Slots<(ScanRecord, Stage.Note)>(count: count)
        // The entries moved into memory of their own (last first: `popLast` moves each out), so that
        // each run can move its entries on into the messages for the stage: read from the shared batch,
        // each was copied (a retain of each of its references) and the batch's own destroyed after
        // (bsd.mbox x3: `Main.main` 312.09M -> 311.70M instructions). Every entry is moved out by its
        // run before the memory is freed (the runs cover 0..<count and finish before `process` returns).
        let entries = MovedEntries(count: count)
        defer { entries.base.deallocate() }
        var last = count
        while let entry = batch.popLast() {
            last -= 1
            (entries.base + last).initialize(to: entry)
        }
        @Sendable func handle(run: Int) {
            let range = (run * Self.runLength)..<min(count, (run + 1) * Self.runLength)
            // The records and the messages for the stage (made by `record`) in arrays of their own:
            // held in one struct beside the parse and the report, each message's entry, parse and report
            // were copied into an `ExaminedMessage` for the stage and its record copied into its slot
            // (bsd.mbox x3: 0.56M + 0.74M + 1.0M instructions of copies, 0.92M + 0.76M to release them).
            var records: [ScanRecord] = []
            var messages: [ExaminedMessage] = []
            records.reserveCapacity(range.count)
            messages.reserveCapacity(range.count)
            // Each step over the whole run before the next: parse, bounce analysis (itself step by
            // step), header values and records, then the stage (see `runLength`).
            var parsedRun: [ParsedMessage] = []
            parsedRun.reserveCapacity(range.count)
            for k in range {
                parsedRun.append(ParsedMessage(parsing: (entries.base + k).pointee.bytes, limits: limits))
            }
            var bounces = BounceAnalyzer().analyze(parsedRun)
            // Last to first, each parse and report moved out of the run's arrays (taken by index, each
            // was copied: a retain of every string of its recipients, +4.4M instructions on bsd.mbox
            // x3), so `records[0]` is the run's last message.
            var k = range.upperBound
            while !bounces.isEmpty, !parsedRun.isEmpty {
                k -= 1
                let (record, message) = Self.record((entries.base + k).move(), parsed: parsedRun.removeLast(),
                                                     bounce: bounces.removeLast(), sequence: firstSequence + k)
                // Moved, said so: left to the optimiser, a record with one counted reference more
                // (`envelope`) was copied here and into its slot through its value witness, twice a
                // message (bsd.mbox x3: 243.8M -> 247.7M instructions; with `consume`, 244.0M).
                records.append(consume record)
                messages.append(consume message)
            }
            // Last to first, each moved out of the run (examining is per message: the order is free):
            // the run's first message first.
            var i = range.lowerBound - 1
            while let message = messages.popLast(), !records.isEmpty {
                i += 1
                // Examined where it lies, then popped (popped into a variable first, it was copied into
                // its slot).
                let note = stage.examine(message, into: &records[records.count - 1])
                guard let record = records.popLast() else { break }
                slots.store((consume record, consume note), at: i)
            }
        }
        if jobs == 1 {
            for run in 0..<runs { handle(run: run) }
        } else {
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: jobs) { _ in
                while true {
                    let run = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard run < runs else { return }
                    handle(run: run)
                }
            }
        }
        return slots
    }

    /// The per-message work between the analysis and the stage: the header values and the record of
    /// the message, parsed and analysed (`parsed`, `bounce`).
    /// - Returns: the record, filled but for the stage's part, and the message for the stage.
    /// Inlined in `handle`, its one caller (bsd.mbox x3: `handle` 418.57M -> 417.91M instructions
    /// inclusive; the record's copy into the pair, 1.0M, stays either way). `entry` is taken over and
    /// moved into the message for the stage (see `process`).
    @inline(__always)
    private static func record(_ entry: consuming MailboxMessage, parsed: consuming ParsedMessage,
                               bounce: consuming BounceReport, sequence: Int) -> (record: ScanRecord, message: ExaminedMessage) {
        let (messageId, date, from, shapedNoticeFrom, to, noticeFirstTo) = HeaderValues.record(of: parsed)
        // Without mailbox defects (most messages), the parse's names as they are: `names + defects` made
        // the empty array of names and appended the parse's to it (bsd.mbox x3: 0.45M instructions).
        let defects = entry.defects.isEmpty ? parsed.defects : entry.defects.names + parsed.defects
        let (original, originalValues) = HeaderValues.original(bounce.original)
        // The record made in one piece: filled field by field in a variable, its `original` was copied
        // in, assigned and the copy destroyed (bsd.mbox x3: 0.33M + 0.30M + 0.25M instructions). (The
        // record is still copied once into the returned pair, 1.0M; appending it and the message to
        // the run's arrays from here instead cost 0.4M more in all.)
        let record = ScanRecord(
            source: entry.source, index: entry.index, offset: entry.offset, length: entry.length, sequence: sequence,
            messageId: messageId, date: ScanRecord.RecordDate(date), timestamp: date?.secondsSince1970, from: from, to: to,
            // Decoded once, by the analysis (its recognisers read it): what `HeaderValues.subject` would give.
            subject: Self.copy(bounce.subject), defects: defects, kind: bounce.kind, format: Self.copy(bounce.format),
            recipients: HeaderValues.recipients(bounce.recipients), original: original, envelope: entry.queueEnvelope)
        return (record, ExaminedMessage(entry: entry, parsed: parsed, bounce: bounce, originalValues: originalValues,
                                        shapedNoticeFrom: shapedNoticeFrom, noticeFirstTo: noticeFirstTo))
    }

    /// `value`, copied by a retain of its String. (`bounce.subject` and `bounce.format` passed as they
    /// are were copied through `Optional`'s generic value witness, its metadata found by the type's
    /// mangled name: ~140 instructions each, 0.53M on bsd.mbox x3. Inlined, the copy is that again.)
    @inline(never)
    private static func copy(_ value: String?) -> String? { value }

    /// The error when held notes or records could not be read back (the temporary file failed): the
    /// messages after the failure are missing from the output.
    static let spillDamaged = "spill-file-unreadable (held records or notes could not be read back; later messages are missing)"

    /// `cannot-open (Permission denied)`: the reader's code and the system's words for errno, or the
    /// reader's own (`unsupported-compression (compressed with xz, ...)`).
    static func reason(_ error: MailboxError) -> String {
        var text = error.code.description
        if let number = error.systemErrorNumber, let message = strerror(number) {
            text += " (" + String(cString: message) + ")"
        }
        if let detail = error.detail { text += " (" + detail + ")" }
        return text
    }

    /// Sum of the sizes of the regular files among `paths`; nil when any input is a folder or stdin.
    /// Nil too when any is compressed or a `MailFileFormat` (an MMDF mailbox, a dbox file, `postcat`
    /// output, a Postfix queue file, an Exim `-H` file, a Sendmail control file): the bytes counted are
    /// then its decompressed ones, its messages' text alone or its decoded message, which its size does
    /// not tell.
    private static func totalBytes(_ paths: [String]) -> Int? {
        var total = 0
        for path in paths {
            if path == "-" { return nil }
            var info = stat()
            guard POSIXFiles.statFollowingLinks(path, &info) else { continue }
            guard info.st_mode & S_IFMT == S_IFREG else { return nil }
            if sizeMisleads(path) { return nil }
            total &+= Int(info.st_size)
        }
        return total
    }

    /// Whether the file at `path` starts as compressed data or as a `MailFileFormat` (an MMDF mailbox, a
    /// dbox file, postcat output, a queue file, a spool header file).
    private static func sizeMisleads(_ path: String) -> Bool {
        guard let head = try? POSIXFiles.readPrefix(path, limit: max(CompressionFormat.bytesToDetect,
                                                                      MailFileFormat.bytesToDetect)).bytes else { return false }
        return CompressionFormat.detect(head) != nil || MailFileFormat.detect(head[...], path: path) != nil
    }
}

/// The notes and records a scan held for its stream pass, freed on a background thread once the scan
/// is done with them: a few hundred thousand objects for a big scan (on backscatter-dev's inbox, 3 ms of
/// a 330 ms scan on one core). The caller gets its summary without waiting, and a program that exits
/// next never waits for the freeing at all. `@unchecked Sendable`: the scan hands the stores over after
/// its last reader of them is gone and never touches them again; only the background thread empties them.
private final class HeldValues: @unchecked Sendable {
    private let stores: [any ClearableStore]
    /// The records taken out of their store for the revision.
    private var taken: [ScanRecord]

    init(_ stores: [any ClearableStore], taken: [ScanRecord]) {
        self.stores = stores
        self.taken = taken
    }

    func freeInBackground() {
        DispatchQueue.global(qos: .utility).async { [self] in
            for store in stores { store.removeAll() }
            taken = []
        }
    }
}

/// What `Scan.reviseAlongside`'s worker owns while it runs (the notes' reader and the findings, handed
/// back when it is done) and the signals between it and the delivering thread. `@unchecked Sendable`:
/// `notes` and `findings` are used by the worker alone until the caller has waited for it.
private final class Revision<Note: SpillCodable, Findings>: @unchecked Sendable {
    var notes: SpilledSequence<Note>.Iterator
    var findings: Findings
    /// Records revised so far, the worker's last word, and a request to stop (delivery failed).
    let revised = Atomic<Int>(0)
    let finished = Atomic<Bool>(false)
    let stop = Atomic<Bool>(false)
    /// Signalled after each chunk and when the worker is finished.
    let ready = DispatchSemaphore(value: 0)

    init(notes: SpilledSequence<Note>.Iterator, findings: Findings) {
        self.notes = notes
        self.findings = findings
    }
}

/// The records being revised, shared by the worker (which writes record i before publishing `revised`
/// past it) and the delivering thread (which reads only records below it). `@unchecked Sendable`: the
/// two never touch one record at the same time.
private struct SharedRecords: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<ScanRecord>
    init(_ buffer: UnsafeMutableBufferPointer<ScanRecord>) { self.buffer = buffer }
}

/// A batch's entries moved out of its array into memory of their own, each moved on by the one run
/// that handles it. `@unchecked Sendable`: each run touches its own entries only.
private struct MovedEntries: @unchecked Sendable {
    /// The entries, `count` of them, uninitialized once moved on.
    let base: UnsafeMutablePointer<MailboxMessage>
    /// Uninitialized room for `count` entries.
    init(count: Int) { base = .allocate(capacity: count) }
}

/// One result slot per message of a batch, each written by exactly one worker thread.
/// `@unchecked Sendable`: slots are disjoint and read only after `concurrentPerform` returns.
private final class Slots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Value?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func store(_ value: consuming Value, at index: Int) { storage[index] = value }

    /// How many slots there are.
    var slotCount: Int { count }

    /// The value stored at `index`, moved out (the slot is empty after); nil for an empty slot or an
    /// index out of range.
    func take(at index: Int) -> Value? {
        guard index >= 0, index < count else { return nil }
        return storage[index].take()
    }
}

/// Parallelism, batching and parser limits of a scan.
public struct ScanOptions: Sendable {
    /// Worker threads. Default: the number of online processors.
    public var jobs: Int
    /// Messages per batch. Default: 512.
    public var batchMessages = 512
    /// Message bytes per batch. Default: 32 MiB.
    public var batchBytes = 32 << 20
    /// Limits of the header and MIME parsers.
    public var parsingLimits = ParsingLimits()
    /// Limits of the mailbox readers.
    public var mailboxLimits = MailboxLimits()
    /// Memory for the notes and records held until the stream pass (half each; estimated as 4 times
    /// their encoded size, see `SpillStore`); past this they are encoded into an unlinked temporary
    /// file in `$TMPDIR` (else `/tmp`) and only 1 MiB write buffers stay in memory. 0 spills
    /// everything. Default: 128 MiB: backscatter-dev's 3,922 messages and sisimai's bounces 20 times over
    /// (12,580, every one a bounce) stay in memory, where spilling made classification 15% slower. Past
    /// it memory no longer grows with the mailbox: `scan -f jsonl` of 490 MB peaks at 109 MB with a
    /// profile (64 MB at 32 MiB), twice that from a pipe at 113 MB.
    public var spillThreshold = 128 << 20
    /// Whether the summary counts its tables: failed recipients by reason, bounce-like messages by
    /// victim and by hour, and the senders `ScanSummary.reportedReflectors` falls back on. The
    /// messages, bytes, verdicts, kinds, stream findings and errors are counted either way. A caller
    /// that reads none of the tables turns this off (the CLI does for JSON Lines and CSV without
    /// `--summary`): they cost ~4,500 instructions a record
    /// (sisimai bsd mbox x3, full pipeline: 917.6M -> 909.2M instructions in all).
    /// Default: true.
    public var summaryTables = true
    /// Whether `run` frees the notes and records it held for the stream pass once it is done with them
    /// (on a background thread: the caller does not wait). A program that ends right after its one scan
    /// turns this off, as the CLI's `scan` does: the system takes the memory back with the process at
    /// once, where the freeing (one object at a time, ~5,500 instructions a record on the sisimai bsd
    /// mbox) shared a single core with the last of the output. Off, each `run` leaves what it held
    /// allocated (up to `spillThreshold`): not for a program that scans again. Default: true.
    public var freesHeldValues = true

    /// The defaults above.
    public init(jobs: Int? = nil) {
        self.jobs = max(1, jobs ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// How far a scan has come.
public struct ScanProgress: Sendable {
    /// Bytes of input consumed.
    public var bytesRead = 0
    /// Bytes of all inputs, when known (all inputs are regular files).
    public var bytesTotal: Int?
    /// Messages read.
    public var messages = 0
}

/// Which records a scan delivers and counts.
public struct ScanFilter: Sendable {
    /// Which verdicts to keep.
    public enum Selection: String, Sendable, CaseIterable {
        /// Only messages judged backscatter.
        case backscatter
        /// Only messages judged legitimate.
        case legitimate
        /// Only bounce-like messages judged uncertain (or not judged).
        case uncertain
        /// Every bounce-like message.
        case bounces
    }
    /// Keep messages dated at or after this instant (seconds since 1970 UTC); undated ones are dropped.
    public var since: Int64?
    /// Keep messages dated before this instant; undated ones are dropped.
    public var until: Int64?
    /// Keep only these verdicts; nil keeps all.
    public var only: Selection?

    /// A filter; the default admits everything.
    public init(since: Int64? = nil, until: Int64? = nil, only: Selection? = nil) {
        self.since = since
        self.until = until
        self.only = only
    }

    /// Whether `record` passes.
    public func admits(_ record: ScanRecord) -> Bool {
        if since != nil || until != nil {
            guard let timestamp = record.timestamp else { return false }
            if let since, timestamp < since { return false }
            if let until, timestamp >= until { return false }
        }
        guard let only else { return true }
        switch only {
        case .backscatter: return record.effectiveVerdict == .backscatter
        case .legitimate: return record.effectiveVerdict == .legitimate
        case .uncertain: return record.effectiveVerdict == .uncertain
        case .bounces: return record.isBounceLike
        }
    }
}
