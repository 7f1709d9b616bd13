#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a Postfix queue file as `PostfixQueueFile`'s record walk asks for them: by offset, in
/// any order (its `p` records point back and forth). Offsets count from the file's first byte.
protocol QueueFileBytes {
    /// The file's size in bytes.
    var count: Int { get }
    /// The byte at `offset` (`0..<count`); nil when it cannot be read.
    mutating func byte(at offset: Int) -> UInt8?
    /// Calls `body` with the bytes `offset..<offset+length` (within `count`) in pieces, in order; false
    /// when they cannot all be read (`body` has been given those that could).
    mutating func forEachPiece(at offset: Int, length: Int, _ body: (ByteSlice) -> Void) -> Bool
}

extension QueueFileBytes {
    /// The bytes `offset..<offset+length` as one array; nil when they cannot all be read.
    mutating func gather(at offset: Int, length: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(length)
        return forEachPiece(at: offset, length: length) { out.append(contentsOf: $0) } ? out : nil
    }
}

/// A queue file held in memory whole (`PostfixQueueFile.init(decoding:)`).
struct QueueFileBytesInMemory: QueueFileBytes {
    let file: ByteSlice
    init(_ file: ByteSlice) { self.file = file }
    var count: Int { file.count }
    func byte(at offset: Int) -> UInt8? { file[file.startIndex + offset] }
    func forEachPiece(at offset: Int, length: Int, _ body: (ByteSlice) -> Void) -> Bool {
        let from = file.startIndex + offset
        body(file[from..<(from + length)])
        return true
    }
}

/// A queue file read where the walk asks, with pread(2), through one window of at most `windowBytes`:
/// the file is never held whole, so a queue file longer than `MailboxLimits.maxMessageBytes` is decoded
/// as a short one is (its pointers to records near its end followed, its message's length counted in
/// full) in memory bounded by the window and the limit. `count` is the size fstat(2) gave when the file
/// was opened: a file that shrinks meanwhile ends early (nil bytes), one that grows is read to that size.
///
/// A file no larger than the window is read once. A larger one is read on in whole windows, and after a
/// pointer's jump out of the window in `jumpReadBytes` first (a milter's edit is a record or two there).
/// Limit: at most `4 * count` bytes and two windows are read in all (`readBudget`); a file whose
/// pointers would have more read, jumping back and forth across windows, ends there as a damaged one
/// (`byte(at:)` gives nil). Real files are read about once: each pointer is followed once.
struct QueueFileBytesFromDescriptor: QueueFileBytes {
    let descriptor: FileDescriptor
    let count: Int
    private var window: [UInt8]
    /// The file offset of `window[0]`, and how many of its bytes are valid.
    private var windowStart = 0
    private var windowCount = 0
    /// Bytes that may still be read (see the type's limit).
    private var readBudget: Int
    /// The first read that failed (not a short read: an error), kept for the caller to report.
    private(set) var failure: MailboxError?
    private let path: String

    /// Bytes read after a jump out of the window, before the window is read whole again.
    static let jumpReadBytes = 4096

    /// - Parameters:
    ///   - descriptor: the open file, read with pread(2) (its own offset is not moved).
    ///   - path: named in a read error.
    ///   - size: the file's size.
    ///   - windowBytes: the most bytes held at once (at least 1): the whole file when it is smaller.
    init(descriptor: FileDescriptor, path: String, size: Int, windowBytes: Int) {
        self.descriptor = descriptor
        self.path = path
        count = max(0, size)
        let capacity = max(1, min(count, windowBytes))
        window = [UInt8](uninitializedCapacity: capacity) { _, initialized in initialized = capacity }
        let (fourTimes, overflow) = count.multipliedReportingOverflow(by: 4)
        let (budget, overflowAgain) = fourTimes.addingReportingOverflow(2 * capacity)
        readBudget = overflow || overflowAgain ? Int.max : budget
    }

    mutating func byte(at offset: Int) -> UInt8? {
        if offset < windowStart || offset >= windowStart + windowCount {
            guard load(at: offset) else { return nil }
        }
        return window[offset - windowStart]
    }

    mutating func forEachPiece(at offset: Int, length: Int, _ body: (ByteSlice) -> Void) -> Bool {
        var at = offset
        let end = offset + length
        while at < end {
            if at < windowStart || at >= windowStart + windowCount {
                guard load(at: at) else { return false }
            }
            let take = min(end - at, windowStart + windowCount - at)
            body(window[(at - windowStart)..<(at - windowStart + take)])
            at += take
        }
        return true
    }

    /// Fills the window from `offset`: up to its capacity when reading on from the window's end, else
    /// `jumpReadBytes`, and never past the file's size; false when not even one byte could be read
    /// there, or the read budget is spent.
    private mutating func load(at offset: Int) -> Bool {
        guard offset >= 0, offset < count else { return false }
        let readingOn = offset == windowStart + windowCount
        let wanted = min(readingOn ? window.count : min(window.count, Self.jumpReadBytes), count - offset)
        guard wanted <= readBudget else { return false }
        readBudget -= wanted
        var got = 0
        let fd = descriptor.rawValue
        while got < wanted {
            let read = window.withUnsafeMutableBytes { raw -> Int in
                pread(fd, raw.baseAddress! + got, wanted - got, off_t(offset + got))
            }
            if read > 0 { got += read; continue }
            if read < 0, errno == EINTR { continue }
            if read < 0, failure == nil {
                failure = MailboxError(.cannotRead, path: path, byteOffset: offset + got, errno: errno)
            }
            break
        }
        windowStart = offset
        windowCount = got
        return got > 0
    }
}
