import MailParsing

/// A batch of a scan's input as read: its entries in input order, the read errors met while reading
/// them (in order), and how far the reading had come at its end.
struct ScanBatch: Sendable {
    /// The entries read, each to become one record.
    var entries: [MailboxMessage] = []
    /// Inputs and entries that could not be read, in the order they were met.
    var errors: [ScanError] = []
    /// The reading's progress after the batch's last entry.
    var progress: ScanProgress
}

/// Reads a scan's inputs in order (`Scan.paths`) and cuts them into batches of at most
/// `ScanOptions.batchMessages` entries or about `ScanOptions.batchBytes` bytes (a batch ends at the entry
/// that reaches either). An input or entry that cannot be read becomes a `ScanError` of the batch it
/// falls in, and the reading goes on with the rest.
struct ScanBatchReader: Sendable {
    private let paths: [String]
    private let options: ScanOptions
    /// The next input to open, and the open one's reader.
    private var nextPath = 0
    private var reader: MailboxReader?
    /// The source of the last entry read (a folder's file, or the input), and the entries read from it:
    /// the index of a read error within its file.
    private var lastSource = ""
    private var countInSource = 0
    /// Bytes consumed of the open input, and of the inputs before it.
    private var bytesInInput = 0
    private var bytesBeforeInput = 0
    private var progress: ScanProgress

    /// A reader of `paths`, its progress counting against `bytesTotal` (nil when unknown).
    init(paths: [String], options: ScanOptions, bytesTotal: Int?) {
        self.paths = paths
        self.options = options
        progress = ScanProgress(bytesTotal: bytesTotal)
    }

    /// The next batch; nil once every input is read (a last batch may hold only errors).
    mutating func next() -> ScanBatch? {
        var batch = ScanBatch(progress: progress)
        batch.entries.reserveCapacity(options.batchMessages)
        var batchBytes = 0
        while true {
            // The open input's reader, taken out while it reads (so that its buffer has one owner: a
            // refill would copy a shared one) and put back when the batch is full.
            guard var current = reader.take() else {
                guard nextPath < paths.count else { break }
                let path = paths[nextPath]
                nextPath += 1
                do {
                    reader = try MailboxReader(path: path, limits: options.mailboxLimits)
                    lastSource = ""
                    countInSource = 0
                    bytesInInput = 0
                } catch {
                    batch.errors.append(ScanError(path: error.path, index: 0, byteOffset: error.byteOffset,
                                                  reason: Scan.reason(error)))
                }
                continue
            }
            while true {
                let entry: MailboxMessage
                do {
                    guard let next = try current.next() else {
                        bytesBeforeInput &+= bytesInInput
                        break   // the input is done
                    }
                    entry = next
                } catch {
                    let index = error.path == lastSource ? countInSource : 0
                    batch.errors.append(ScanError(path: error.path, index: index, byteOffset: error.byteOffset,
                                                  reason: Scan.reason(error)))
                    continue
                }
                if entry.source != lastSource {
                    lastSource = entry.source
                    countInSource = 0
                }
                countInSource += 1
                bytesInInput &+= entry.length
                progress.bytesRead = bytesBeforeInput &+ bytesInInput
                progress.messages += 1
                batchBytes &+= entry.bytes.count
                // Moved into the batch: appended as a copy, each entry was copied (a retain of each of
                // its references, its bytes moved by memcpy) and the original destroyed (bsd.mbox x3:
                // `Main.main` 359.55M -> 358.75M instructions).
                batch.entries.append(consume entry)
                if batch.entries.count >= options.batchMessages || batchBytes >= options.batchBytes {
                    reader = consume current
                    batch.progress = progress
                    return batch
                }
            }
        }
        batch.progress = progress
        return batch.entries.isEmpty && batch.errors.isEmpty ? nil : batch
    }
}
