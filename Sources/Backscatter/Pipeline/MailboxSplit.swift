#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// Writes the messages of a scan into one mbox per verdict (`backscatter.mbox`, `legitimate.mbox`,
/// `uncertain.mbox`, `not-bounce.mbox`) with every message's bytes exactly as in its input.
///
/// - An entry of an mbox is copied byte for byte from its source (`offset..<offset+length`: From_ line,
///   `>From ` quoting and separator as they were), so quoting stays consistent with its dialect.
/// - A message from a file (Maildir, folder, .eml) gets a From_ line (RFC 4155) and mboxrd quoting
///   (every line matching `^>*From ` gains one `>`), in the message's own line ends.
/// - One exception to "exactly": an mbox is read in the line ends of its first line (`MboxParser`), so
///   an entry that is CR-only in a file begun with LF or CRLF ones, or the other way round, is written
///   in the file's line ends (`convertLineEnds`); kept as it was, it would merge with its neighbours on
///   reading. `convertedEntries` counts them.
/// - `readBack()` reads the four files again and counts their entries, so a caller can check that
///   nothing written was lost.
/// - Output goes to hidden temporary files in the folder, renamed over the final names by `commit()`;
///   nothing is ever written over an input (checked by `init`).
/// Not `Sendable`: it owns open files and is used from one thread.
public final class MailboxSplit {
    /// Messages written per verdict.
    public private(set) var counts: [ScanRecord.Verdict: Int] = [:]
    /// Bytes written per verdict.
    public private(set) var bytes: [ScanRecord.Verdict: Int] = [:]
    /// The folder written to.
    public let directory: String
    /// Entries written in other line ends than their source's, to match the mbox they went into.
    public private(set) var convertedEntries = 0

    private var files: [ScanRecord.Verdict: Int32] = [:]
    private var sourceFile: (path: String, descriptor: Int32)?
    /// Each output's line ends, set by its first entry: CR-only (true) or LF and CRLF, which read alike.
    private var carriageReturnOnly: [ScanRecord.Verdict: Bool] = [:]
    private let suffix: String
    private var finished = false

    /// The final file name for a verdict: `backscatter.mbox`, ... `not-bounce.mbox`.
    public static func fileName(_ verdict: ScanRecord.Verdict) -> String { verdict.rawValue + ".mbox" }

    /// Prepares the folder.
    /// - Parameters:
    ///   - directory: where the four mboxes go; created when missing.
    ///   - inputs: the scan's inputs, which must not be written over or into.
    ///   - force: write into a non-empty folder (replacing the four files).
    /// - Throws: `SplitError` when the folder is not empty (without `force`), would write over or inside an
    ///   input, or cannot be created.
    public init(directory: String, inputs: [String], force: Bool) throws(SplitError) {
        self.directory = directory
        self.suffix = ".partial-\(getpid())"
        if inputs.contains("-") { throw SplitError("split needs files it can read twice; standard input cannot be split") }
        var info = stat()
        var created = false
        if stat(directory, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw SplitError("\(directory) exists and is not a folder") }
            if !force, let entries = Self.entries(directory), !entries.isEmpty {
                throw SplitError("\(directory) is not empty (use --force to replace the mboxes in it)")
            }
        } else if mkdir(directory, 0o755) != 0 {
            throw SplitError("cannot create \(directory): \(String(cString: strerror(errno)))")
        } else {
            created = true
        }
        guard let outDir = Self.realPath(directory) else { throw SplitError("cannot resolve \(directory)") }
        for input in inputs {
            guard let real = Self.realPath(input) else { continue }
            if real == outDir || outDir.hasPrefix(real + "/") {
                if created { rmdir(directory) }
                throw SplitError("\(directory) is inside the input \(input); choose a folder outside it")
            }
            for verdict in ScanRecord.Verdict.allCases where real == outDir + "/" + Self.fileName(verdict) {
                if created { rmdir(directory) }
                throw SplitError("\(input) would be written over; choose another folder")
            }
        }
        for verdict in ScanRecord.Verdict.allCases {
            let path = directory + "/." + Self.fileName(verdict) + suffix
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                abandon()
                throw SplitError("cannot write \(path): \(reason)")
            }
            files[verdict] = fd
            counts[verdict] = 0
            bytes[verdict] = 0
        }
    }

    deinit {
        if !finished { abandon() }
    }

    /// Appends the message of `record` to the mbox of its verdict (`effectiveVerdict`).
    /// - Throws: `SplitError` naming the source, message index and byte offset when its bytes cannot be
    ///   read back or written.
    public func add(_ record: ScanRecord) throws(SplitError) {
        let verdict = record.effectiveVerdict
        let raw = try readEntry(record)
        var out: [UInt8]
        if raw.starts(with: Self.fromSpace) {
            out = raw
            // Keep the next From_ line at the start of a line after a blank one (RFC 4155 §2).
            let ending = Self.lineEnding(raw)
            if !raw.isEmpty, !Self.endsWithBlankLine(raw, ending) {
                if raw.last != ending.last { out += ending }
                out += ending
            }
        } else {
            out = Self.wrap(raw, record: record)
        }
        let entryIsCarriageReturnOnly = Self.lineEnding(out) == [ASCII.carriageReturn]
        if let fileIsCarriageReturnOnly = carriageReturnOnly[verdict] {
            if fileIsCarriageReturnOnly != entryIsCarriageReturnOnly {
                out = Self.convertLineEnds(out, toCarriageReturn: fileIsCarriageReturnOnly)
                convertedEntries += 1
            }
        } else {
            carriageReturnOnly[verdict] = entryIsCarriageReturnOnly
        }
        guard let fd = files[verdict] else { return }
        let written = out.withUnsafeBytes { buffer -> Bool in
            var done = 0
            while done < buffer.count {
                let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
        guard written else {
            throw SplitError("\(record.source): message \(record.index) at byte \(record.offset): cannot write: "
                             + String(cString: strerror(errno)))
        }
        counts[verdict, default: 0] += 1
        bytes[verdict, default: 0] += out.count
    }

    /// Flushes the temporary files to disk and renames them to their final names.
    public func commit() throws(SplitError) {
        closeSource()
        for verdict in ScanRecord.Verdict.allCases {
            guard let fd = files[verdict] else { continue }
            if fsync(fd) != 0 || close(fd) != 0 {
                files[verdict] = nil
                throw SplitError("cannot finish \(Self.fileName(verdict)): \(String(cString: strerror(errno)))")
            }
            files[verdict] = nil
        }
        for verdict in ScanRecord.Verdict.allCases {
            let from = directory + "/." + Self.fileName(verdict) + suffix
            let to = directory + "/" + Self.fileName(verdict)
            if rename(from, to) != 0 {
                throw SplitError("cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
            }
        }
        finished = true
    }

    /// The entries of each final mbox, read again after `commit()` with `MailboxReader` (as a later scan
    /// would split them): equal to `counts` when nothing was lost or merged.
    /// - Throws: `SplitError` naming the file when one cannot be read.
    public func readBack() throws(SplitError) -> [ScanRecord.Verdict: Int] {
        var found: [ScanRecord.Verdict: Int] = [:]
        for verdict in ScanRecord.Verdict.allCases {
            let path = directory + "/" + Self.fileName(verdict)
            var count = 0
            do {
                var reader = try MailboxReader(path: path)
                while try reader.next() != nil { count += 1 }
            } catch {
                throw SplitError("cannot read back \(path): \(error)")
            }
            found[verdict] = count
        }
        return found
    }

    /// Closes and removes the temporary files.
    public func abandon() {
        closeSource()
        for verdict in ScanRecord.Verdict.allCases {
            if let fd = files[verdict] { close(fd) }
            files[verdict] = nil
            unlink(directory + "/." + Self.fileName(verdict) + suffix)
        }
        finished = true
    }

    // MARK: - Reading entries back

    private func readEntry(_ record: ScanRecord) throws(SplitError) -> [UInt8] {
        if sourceFile?.path != record.source {
            closeSource()
            let fd = open(record.source, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw SplitError("\(record.source): message \(record.index) at byte \(record.offset): cannot open: "
                                 + String(cString: strerror(errno)))
            }
            sourceFile = (record.source, fd)
        }
        guard let fd = sourceFile?.descriptor, record.length >= 0, record.offset >= 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: record.length)
        var done = 0
        while done < record.length {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, record.length - done, off_t(record.offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw SplitError("\(record.source): message \(record.index) at byte \(record.offset + done): "
                                 + "cannot read back (the file changed?)")
            }
            done += n
        }
        return buffer
    }

    private func closeSource() {
        if let fd = sourceFile?.descriptor { close(fd) }
        sourceFile = nil
    }

    // MARK: - Wrapping a message file as an mbox entry

    private static let fromSpace: [UInt8] = Array("From ".utf8)

    /// A From_ line, the message with mboxrd quoting, a final line end and a blank line.
    static func wrap(_ message: [UInt8], record: ScanRecord) -> [UInt8] {
        let ending = lineEnding(message)
        var sender = "MAILER-DAEMON"
        if let from = record.from, !from.isEmpty, from.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) { sender = from }
        var out = Array("From \(sender) \(asctime(record.timestamp ?? 0))".utf8) + ending
        out.reserveCapacity(message.count + 128)
        var lineStart = 0
        var i = 0
        while i <= message.count {
            let atEnd = i == message.count
            if atEnd || message[i] == 0x0A || (message[i] == 0x0D && (i + 1 == message.count || message[i + 1] != 0x0A)) {
                let end = atEnd ? i : i + 1
                if lineStart < end {
                    // RFC 4155 / mboxrd: a line of `>*From ` gains one more `>`.
                    var j = lineStart
                    while j < end, message[j] == UInt8(ascii: ">") { j += 1 }
                    if end - j >= 5, message[j..<j + 5].elementsEqual(fromSpace) { out.append(UInt8(ascii: ">")) }
                    out.append(contentsOf: message[lineStart..<end])
                }
                lineStart = end
            }
            i += 1
        }
        if let last = message.last, last != 0x0A && last != 0x0D { out += ending }
        out += ending
        return out
    }

    /// The message's first line end (CRLF, LF or CR), LF when it has none.
    static func lineEnding(_ bytes: [UInt8]) -> [UInt8] {
        guard let i = bytes.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return [0x0A] }
        if bytes[i] == 0x0A { return [0x0A] }
        return i + 1 < bytes.count && bytes[i + 1] == 0x0A ? [0x0D, 0x0A] : [0x0D]
    }

    /// `entry` in LF line ends (from CR-only: every CR becomes LF) or in CR ones (from LF or CRLF: every
    /// CRLF and LF becomes CR). A bare LF in a CR-only entry, or a bare CR in an LF one, is content in its
    /// source and becomes a line end here; `readBack()` would show an entry that this split in two.
    static func convertLineEnds(_ entry: [UInt8], toCarriageReturn: Bool) -> [UInt8] {
        guard toCarriageReturn else {
            return entry.map { $0 == ASCII.carriageReturn ? ASCII.lineFeed : $0 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(entry.count)
        var i = 0
        while i < entry.count {
            let byte = entry[i]
            if byte == ASCII.carriageReturn, i + 1 < entry.count, entry[i + 1] == ASCII.lineFeed {
                out.append(ASCII.carriageReturn)
                i += 2
                continue
            }
            out.append(byte == ASCII.lineFeed ? ASCII.carriageReturn : byte)
            i += 1
        }
        return out
    }

    private static func endsWithBlankLine(_ bytes: [UInt8], _ ending: [UInt8]) -> Bool {
        bytes.count >= 2 * ending.count && bytes.suffix(2 * ending.count).elementsEqual(ending + ending)
    }

    /// `Thu Jan  1 00:00:00 1970` (asctime form, UTC), as From_ lines carry it.
    static func asctime(_ timestamp: Int64) -> String {
        let days = timestamp >= 0 ? timestamp / 86_400 : (timestamp - 86_399) / 86_400
        let seconds = Int(timestamp - days * 86_400)
        let (year, month, day) = Timestamps.civilFromDays(Int(days))
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let dayText = day < 10 ? " \(day)" : "\(day)"
        return "\(weekday) \(months[month - 1]) \(dayText) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) \(year)"
    }

    private static func entries(_ directory: String) -> [String]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Why a split could not go on; the description is one line for the user.
public struct SplitError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}
