#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing
import Synchronization

/// Values a scan holds for a later pass, in order, with bounded memory. Small inputs stay as they are,
/// in memory, until their estimated footprint (`residentFactor` times their encoded size, counted
/// without encoding: exactly for the first `measuredFirst` values, then for one in `sampleEvery`, the
/// others taken at the mean) passes `memoryLimit`; then every value is encoded (`SpillCodable`) and written to an
/// unlinked temporary file (created with `mkstemp` in `$TMPDIR`, else `/tmp`, and unlinked at once, so
/// nothing is left behind even after a crash) in `flushBytes` pieces. `values()` reads everything back
/// in order, as often as needed: from the array, or sequentially from the file.
///
/// When no temporary file can be made or written (no space), the encoded values stay in memory (a
/// quarter of their size as values): the scan is slower to fail than to finish. Used on one thread.
///
/// Its stored `var`s are `@exclusivity(unchecked)`: used on one thread, by methods that never call back
/// into the store while one of them is accessed (the values' `encode` writes into the buffer alone), so
/// the runtime's dynamic checks (~85 instructions an `append`, two appends a message) could never fire
/// (bsd.mbox x3: `Main.main` 312.64M -> 312.09M instructions).
///
/// `Element: SpillCodable` is asked of the methods that encode, not of the type (nor of `SpilledSequence`'s):
/// a scan's `SpillStore<ScanRecord>` and `SpillStore<ClassifierNote>` are made from their mangled names at
/// run time, and a requirement of the type made the runtime look the conformance up, each lookup a scan of
/// the binary's 5,119 conformance records (bsd.mbox: `Main.main` -0.4M, once a run).
package final class SpillStore<Element> {
    /// Values kept as they are (before the first spill).
    @exclusivity(unchecked) private var held: [Element] = []
    /// Their estimated footprint.
    @exclusivity(unchecked) private var heldBytes = 0
    /// Whether values are encoded (the footprint passed the limit once).
    @exclusivity(unchecked) private var encoding = false
    /// Encoded values past the file's end, each a 4-byte little-endian length and its bytes.
    @exclusivity(unchecked) private var buffer = SpillEncoder()
    @exclusivity(unchecked) private var file: SpillFile?
    @exclusivity(unchecked) private var fileBytes = 0
    @exclusivity(unchecked) private var spillFailed = false
    private let memoryLimit: Int
    /// Values appended.
    @exclusivity(unchecked) package private(set) var count = 0

    /// Once encoding, the buffer is written out whenever it holds this many bytes. Default: 1 MiB.
    package static var flushBytes: Int { 1 << 20 }

    /// How many times its encoded size a value is taken to occupy in memory (object headers, string and
    /// array storage, padding). Default: 4 (backscatter-dev's records and notes: 215 MB as values,
    /// 52 MB encoded).
    package static var residentFactor: Int { 4 }

    /// A store that keeps values up to about `memoryLimit` bytes of memory before spilling (0 spills at once).
    package init(memoryLimit: Int) {
        self.memoryLimit = max(0, memoryLimit)
    }

    /// Whether values have gone to a temporary file.
    package var hasSpilled: Bool { file != nil }

    /// Values measured exactly before `append` goes over to sampling. Default: 16. Measuring encodes a
    /// value (every string walked): 256 of each store measured first were ~1.3M instructions of every
    /// run (bsd.mbox: 279 values measured a store, now 54). Their mean matters only as the footprint
    /// nears `memoryLimit` (64 MiB a store by default: thousands of values in, when the one-in-16
    /// samples number hundreds) or for a limit so small that the first values pass it anyway.
    package static var measuredFirst: Int { 16 }
    /// After the first `measuredFirst`, one value in this many is measured; the others count as the
    /// mean so far (measuring walks every string of a value, a real part of the cost of holding it).
    package static var sampleEvery: Int { 16 }
    @exclusivity(unchecked) private var measuredCount = 0
    @exclusivity(unchecked) private var measuredBytes = 0

    /// Makes room for about `count` values held as they are, within `memoryLimit` bytes of their inline
    /// storage (`MemoryLayout<Element>.stride` each), before the first is appended: grown from empty,
    /// the array moved every value it held at each doubling (bsd.mbox x3, 1,887 records of a few hundred
    /// bytes each: 11 growths, 0.79M instructions, most of them copying).
    package func reserveHeld(_ count: Int) {
        guard held.isEmpty, !encoding, count > 0 else { return }
        held.reserveCapacity(min(count, memoryLimit / max(1, MemoryLayout<Element>.stride)))
    }

    /// Moves the values still held as they are (none once the store has spilled) out of the store, for
    /// the caller to change in place; `values()` then reads only the encoded ones.
    package func takeHeld() -> [Element] {
        defer { held = [] }
        return held
    }

    /// Frees everything held (values, encoded bytes, the temporary file); the store is empty after.
    package func removeAll() {
        held = []
        buffer = SpillEncoder()
        file = nil
        fileBytes = 0
        heldBytes = 0
        encoding = false
        count = 0
    }
}

extension SpillStore where Element: SpillCodable {
    /// Appends one value (taken over, not copied: a record's or a note's fields are not retained again).
    package func append(_ value: consuming Element) {
        count += 1
        if !encoding {
            if measuredCount < Self.measuredFirst || count % Self.sampleEvery == 0 {
                var sizer = SpillEncoder(measuring: true)
                value.encode(to: &sizer)
                measuredCount += 1
                measuredBytes &+= sizer.count &+ 4
                heldBytes &+= (sizer.count &+ 4) &* Self.residentFactor
            } else {
                heldBytes &+= measuredBytes / measuredCount &* Self.residentFactor
            }
            held.append(value)
            guard heldBytes > memoryLimit else { return }
            encoding = true
            let values = held
            held = []
            for value in values { encode(value) }
            return
        }
        encode(value)
    }

    /// Everything appended so far, readable as often as needed (later appends are not seen).
    package func values() -> SpilledSequence<Element> {
        SpilledSequence(held: held, file: file, fileBytes: fileBytes, memory: buffer.bytes, count: count)
    }

    private func encode(_ value: Element) {
        let start = buffer.bytes.count
        buffer.bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        value.encode(to: &buffer)
        // An element over 4 GiB cannot be framed; UInt32.max marks it damaged and reading stops there.
        let length = UInt32(clamping: buffer.bytes.count - start - 4)
        for i in 0..<4 { buffer.bytes[start + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(i))) }
        if buffer.bytes.count > min(memoryLimit, Self.flushBytes), !spillFailed { spill() }
    }

    private func spill() {
        if file == nil {
            guard let made = SpillFile.make() else { spillFailed = true; return }
            file = made
        }
        guard let file, file.append(buffer.bytes) else { spillFailed = true; return }
        fileBytes += buffer.bytes.count
        buffer.bytes.removeAll(keepingCapacity: true)
    }
}

/// A store that can free everything it holds, whatever its element type (`SpillStore`).
package protocol ClearableStore: AnyObject {
    /// Frees everything held; the store is empty after.
    func removeAll()
}

extension SpillStore: ClearableStore {}

/// An unlinked temporary file: written by one `SpillStore`, read with `pread` by any number of readers.
/// Sendable: its descriptor never changes, `pread` takes no shared file offset, and readers only read
/// bytes written before they were made.
package final class SpillFile: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// A new temporary file in `folder`, else `$TMPDIR`, else `/tmp` (a name that is not UTF-8 kept as its
    /// bytes, `NativePath`), already unlinked; nil when none can be made.
    package static func make(in folder: String? = nil) -> SpillFile? {
        var directory = folder ?? getenv("TMPDIR").map { NativePath.string(fromCString: $0) } ?? "/tmp"
        if directory.isEmpty { directory = "/tmp" }
        if directory.hasSuffix("/") { directory.removeLast() }
        var template = NativePath.nativeBytes(directory + "/backscatter-spill-XXXXXX").map { CChar(bitPattern: $0) } + [0]
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return SpillFile(descriptor: fd)
    }

    /// Appends all of `bytes`; false when the system refuses (a partial write is then ignored by readers).
    func append(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(descriptor, raw.baseAddress! + done, raw.count - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
    }

    /// Reads up to `count` bytes at `offset` into `buffer` after its current contents; false on error.
    func read(at offset: Int, count: Int, appendingTo buffer: inout [UInt8]) -> Bool {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        var done = 0
        let ok = buffer.withUnsafeMutableBytes { raw -> Bool in
            while done < count {
                let n = pread(descriptor, raw.baseAddress! + start + done, count - done, off_t(offset + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        buffer.removeLast(count - done)
        return ok
    }
}

/// The values of a `SpillStore`, read back in order: the values still held as they are, or the file's
/// part in chunks and then the encoded part still in memory. Each iteration reads from the start;
/// iterations are independent. A `Sequence` of a `SpillCodable` element (the requirement not the type's:
/// see `SpillStore`).
package struct SpilledSequence<Element> {
    let held: [Element]
    let file: SpillFile?
    let fileBytes: Int
    let memory: [UInt8]
    /// How many values there are.
    package let count: Int

    /// Whether a read failed or met damaged bytes, so that an iteration ended early.
    package var isDamaged: Bool { damage.flag.load(ordering: .relaxed) }
    fileprivate let damage = DamageFlag()

    init(held: [Element], file: SpillFile?, fileBytes: Int, memory: [UInt8], count: Int) {
        self.held = held
        self.file = file
        self.fileBytes = fileBytes
        self.memory = memory
        self.count = count
    }

    /// Reads one value after another (`next()` where the element is `SpillCodable`).
    package struct Iterator {
        private let source: SpilledSequence
        /// The next of `source.held`.
        private var heldIndex = 0
        /// File bytes read into `chunk` so far.
        private var fileOffset = 0
        private var chunk: [UInt8] = []
        private var position = 0
        /// Past the file: reading from `source.memory` at `position`.
        private var inMemory: Bool
        private var stopped = false

        /// File bytes read at a time. Default: 1 MiB.
        static var chunkBytes: Int { 1 << 20 }

        init(_ source: SpilledSequence) {
            self.source = source
            inMemory = source.file == nil || source.fileBytes == 0
        }
    }
}

extension SpilledSequence: Sequence where Element: SpillCodable {
    package func makeIterator() -> Iterator { Iterator(self) }
}

extension SpilledSequence.Iterator: IteratorProtocol where Element: SpillCodable {
    package mutating func next() -> Element? {
        if heldIndex < source.held.count {
            heldIndex += 1
            return source.held[heldIndex - 1]
        }
        guard !stopped else { return nil }
        if !inMemory, position >= chunk.count, fileOffset >= source.fileBytes {
            inMemory = true
            position = 0
            chunk = []
        }
        if inMemory {
            guard position < source.memory.count else { return nil }
            return decode(from: source.memory)
        }
        guard ensure(4), let length = frameLength(chunk), ensure(4 + length) else {
            stop()
            return nil
        }
        return decode(from: chunk)
    }

    /// The frame at `position`: its length and value; moves past it.
    private mutating func decode(from bytes: [UInt8]) -> Element? {
        guard let length = frameLength(bytes), bytes.count - position - 4 >= length else {
            stop()
            return nil
        }
        let start = position + 4
        var decoder = SpillDecoder(bytes[start..<start + length])
        position = start + length
        guard let value = try? Element(from: &decoder), decoder.isAtEnd else {
            stop()
            return nil
        }
        return value
    }

    private func frameLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count - position >= 4 else { return nil }
        var length: UInt32 = 0
        for i in 0..<4 { length |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        return length == .max ? nil : Int(length)
    }

    /// Makes `count` bytes from `position` available in `chunk`, reading the file on; false when it has no more.
    private mutating func ensure(_ count: Int) -> Bool {
        if chunk.count - position >= count { return true }
        guard let file = source.file else { return false }
        chunk.removeFirst(position)
        position = 0
        let want = Swift.min(Swift.max(count - chunk.count, Self.chunkBytes), source.fileBytes - fileOffset)
        guard want > 0, file.read(at: fileOffset, count: want, appendingTo: &chunk) else { return false }
        fileOffset += want
        return chunk.count >= count
    }

    private mutating func stop() {
        stopped = true
        source.damage.flag.store(true, ordering: .relaxed)
    }
}

/// Set by an iteration that ended early (a failed read or damaged bytes); shared by a sequence's iterators.
final class DamageFlag: Sendable {
    let flag = Atomic<Bool>(false)
}
