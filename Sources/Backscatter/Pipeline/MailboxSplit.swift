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
/// - A message from a file (Maildir, folder, .eml, Apple Mail's .emlx), an MMDF mailbox, a Dovecot dbox
///   file, `postcat` output or a queue gets a From_ line (RFC 4155) and mboxrd quoting (every line
///   matching `^>*From ` gains one `>`), in the message's own line ends.
/// - Three exceptions to "exactly", each where the entry kept as it was would merge with its neighbours
///   on reading: an mbox is read in the line ends of its first line (`MboxParser`), so an entry that is
///   CR-only in a file begun with LF or CRLF ones, or the other way round, is written in the file's line
///   ends (`convertEntry`, `convertLineEnds`; `convertedEntries` counts them); where a message's
///   `Content-Length` would end its body on a later entry's boundary, which a reader would trust, blank
///   lines are written before that boundary (`strayLengthEnd`, `padding`), and the message before it
///   reads back with them; and an mbox entry whose From_ line has the shape of a `From :` header field
///   (RFC 5322 §4.5.3, obs-optional), first in its mbox, gets a From_ line made for it, as a file that
///   begins with that line is read as one message (`MailboxReader`).
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
    private var sourceFile: RawEntryReader?
    /// Each output's line ends, set by its first entry: CR-only (true) or LF and CRLF, which read alike.
    private var carriageReturnOnly: [ScanRecord.Verdict: Bool] = [:]
    /// Each output's offsets where an earlier entry's stray Content-Length ends its body (`strayLengthEnd`),
    /// ahead of the writing.
    private var strayLengthEnds: [ScanRecord.Verdict: Set<Int>] = [:]
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
        if POSIXFiles.statFollowingLinks(directory, &info) {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw SplitError("\(directory) exists and is not a folder") }
            if !force, let entries = try? POSIXFiles.listDirectory(directory), !entries.isEmpty {
                throw SplitError("\(directory) is not empty (use --force to replace the mboxes in it)")
            }
        } else if NativePath.withCString(directory, { mkdir($0, 0o755) }) != 0 {
            throw SplitError("cannot create \(directory): \(String(cString: strerror(errno)))")
        } else {
            created = true
        }
        guard let outDir = Self.realPath(directory) else { throw SplitError("cannot resolve \(directory)") }
        for input in inputs {
            guard let real = Self.realPath(input) else { continue }
            if real == outDir || outDir.hasPrefix(real + "/") {
                if created { _ = NativePath.withCString(directory) { rmdir($0) } }
                throw SplitError("\(directory) is inside the input \(input); choose a folder outside it")
            }
            for verdict in ScanRecord.Verdict.allCases where real == outDir + "/" + Self.fileName(verdict) {
                if created { _ = NativePath.withCString(directory) { rmdir($0) } }
                throw SplitError("\(input) would be written over; choose another folder")
            }
        }
        for verdict in ScanRecord.Verdict.allCases {
            let path = directory + "/." + Self.fileName(verdict) + suffix
            let fd = NativePath.withCString(path) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
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
        // An mbox entry is copied; a message's text alone (a file's, or an entry of an MMDF mailbox, a dbox
        // or .emlx file, postcat output, a queue file, which never holds its From_ line) is wrapped. An
        // entry after a file's first is an mbox's (no other file `format` leaves nil holds two), and starts
        // with what its reader took for a From_ line, even one shaped like a `From :` field: the reader
        // asks that of a file's first line only (`split` fuzz target: such an entry was wrapped, and read
        // back with its From_ line as its first field).
        let fieldShapedEnvelope = EnvelopeLine.isFromFieldWithBlanks(raw)
        let isMboxEntry = sourceFile?.format == nil && raw.starts(with: Self.fromSpace)
            && (record.index > 0 || !fieldShapedEnvelope)
        // The mbox's line ends are its first entry's; an entry of the other family is converted. An mbox
        // entry's are its source's as that was read (`RawEntryReader.mboxLineEnd`), not its first line's,
        // which may end at a bare CR or LF inside the From_ line; a message's are its first line's.
        let sourceIsCarriageReturnOnly = isMboxEntry ? sourceFile?.mboxLineEnd.map { $0 == ASCII.carriageReturn } : nil
        let entryIsCarriageReturnOnly = sourceIsCarriageReturnOnly ?? (Self.lineEnding(raw) == [ASCII.carriageReturn])
        let fileIsCarriageReturnOnly = carriageReturnOnly[verdict] ?? entryIsCarriageReturnOnly
        carriageReturnOnly[verdict] = fileIsCarriageReturnOnly
        let converts = fileIsCarriageReturnOnly != entryIsCarriageReturnOnly
        if converts { convertedEntries += 1 }
        var out: [UInt8]
        if isMboxEntry {
            out = raw
            // First in its mbox, that From_ line would make a reader take the whole file for one message
            // (`MailboxReader`): it gets one made for the record, the rest of the entry as it was.
            if fieldShapedEnvelope, bytes[verdict, default: 0] == 0 {
                out = Self.replacingEnvelopeLine(raw, with: Self.envelopeLine(for: record),
                                                 lineEnd: sourceFile?.mboxLineEnd ?? ASCII.lineFeed)
            }
            // Keep the next From_ line at the start of a line after a blank one (RFC 4155 §2).
            let ending = Self.lineEnding(raw, carriageReturnOnly: entryIsCarriageReturnOnly)
            if !raw.isEmpty, !Self.endsWithBlankLine(raw, carriageReturnOnly: entryIsCarriageReturnOnly) {
                if raw.last != ending.last { out += ending }
                out += ending
            }
            if converts { out = Self.convertEntry(out, toCarriageReturn: fileIsCarriageReturnOnly) }
        } else {
            // Converted before it is quoted, so that the quoting sees the lines the mbox will hold.
            let message = converts ? Self.convertLineEnds(raw, toCarriageReturn: fileIsCarriageReturnOnly) : raw
            out = Self.wrap(message, record: record, carriageReturnOnly: fileIsCarriageReturnOnly)
        }
        let position = bytes[verdict, default: 0]
        let padding = Self.padding(before: position, avoiding: strayLengthEnds[verdict, default: []],
                                   lineEnd: fileIsCarriageReturnOnly ? ASCII.carriageReturn : ASCII.lineFeed)
        if let end = Self.strayLengthEnd(of: out, at: position + padding.count, carriageReturnOnly: fileIsCarriageReturnOnly) {
            strayLengthEnds[verdict, default: []].insert(end)
        }
        // Ends behind the writing are never reached again.
        if strayLengthEnds[verdict]?.contains(where: { $0 < position }) == true {
            strayLengthEnds[verdict] = strayLengthEnds[verdict]?.filter { $0 >= position }
        }
        try append(padding + out, to: verdict, record: record)
        counts[verdict, default: 0] += 1
    }

    /// Appends `bytes` to the mbox of `verdict`.
    private func append(_ bytes: [UInt8], to verdict: ScanRecord.Verdict, record: ScanRecord?) throws(SplitError) {
        guard let fd = files[verdict] else { return }
        let written = bytes.withUnsafeBytes { buffer -> Bool in
            var done = 0
            while done < buffer.count {
                let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
        guard written else {
            let reason = String(cString: strerror(errno))
            if let record {
                throw SplitError("\(record.source): message \(record.index) at byte \(record.offset): cannot write: \(reason)")
            }
            throw SplitError("cannot write \(Self.fileName(verdict)): \(reason)")
        }
        self.bytes[verdict, default: 0] += bytes.count
    }

    // MARK: - Content-Length that would swallow entries

    /// Where the body of `entry`, written at `position`, ends by its `Content-Length`, when that is not
    /// where the entry ends (nor before its blank separating line) but past it, within the length a
    /// reader trusts (`MailboxLimits.maxMessageBytes`): a message file's header, or an mbox entry whose
    /// length did not fit its body in its source either (`MailboxDefects.badContentLength`). `MboxParser`
    /// trusts a Content-Length wherever it lands on an entry boundary, so such an end must never be one:
    /// the entries before it would become this one's body.
    static func strayLengthEnd(of entry: [UInt8], at position: Int, carriageReturnOnly: Bool) -> Int? {
        guard let field = contentLength(in: entry, carriageReturnOnly: carriageReturnOnly),
              field.value <= MailboxLimits().maxMessageBytes else { return nil }
        let bodyEnd = field.bodyStart + field.value
        guard bodyEnd > entry.count - 2 else { return nil }   // inside it: as in its source
        if bodyEnd <= entry.count, endsOnBoundary(entry, at: bodyEnd) { return nil }
        return position + bodyEnd
    }

    /// Whether the body of an entry whose bytes are `entry` ends on its own boundary when its
    /// Content-Length ends at `end`: the entry's end, or its blank separating line (LF, CR or CRLF).
    private static func endsOnBoundary(_ entry: [UInt8], at end: Int) -> Bool {
        let rest = entry[end...]
        return rest.isEmpty || rest.elementsEqual([ASCII.lineFeed]) || rest.elementsEqual([ASCII.carriageReturn])
            || rest.elementsEqual([ASCII.carriageReturn, ASCII.lineFeed])
    }

    /// Blank lines to write before an entry at `position` so that no end in `ends` is a boundary: with
    /// none, the entry's From_ line (`position`) and the blank line before it (`position - 1`, or
    /// `- 2` after CRLF; taken as a boundary either way here) are; with k more line ends, `position + k`
    /// and `position + k - 1`. The previous message reads back with the extra blank lines.
    static func padding(before position: Int, avoiding ends: Set<Int>, lineEnd: UInt8) -> [UInt8] {
        guard !ends.isEmpty else { return [] }
        var k = 0
        while k <= ends.count + 2 {
            let landings = k == 0 ? [position, position - 1, position - 2] : [position + k, position + k - 1]
            if !landings.contains(where: ends.contains) { break }
            k += 1
        }
        return [UInt8](repeating: lineEnd, count: k)
    }

    /// Flushes the temporary files to disk and renames them to their final names.
    public func commit() throws(SplitError) {
        closeSource()
        for verdict in ScanRecord.Verdict.allCases {
            // The end of the file is a boundary too.
            let end = bytes[verdict, default: 0]
            let padding = Self.padding(before: end, avoiding: strayLengthEnds[verdict, default: []],
                                       lineEnd: carriageReturnOnly[verdict] == true ? ASCII.carriageReturn : ASCII.lineFeed)
            if !padding.isEmpty { try append(padding, to: verdict, record: nil) }
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
            if NativePath.withCString(from, { from in NativePath.withCString(to) { rename(from, $0) } }) != 0 {
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
            _ = NativePath.withCString(directory + "/." + Self.fileName(verdict) + suffix) { unlink($0) }
        }
        finished = true
    }

    // MARK: - Reading entries back

    /// The entry's bytes as they are in its source (decompressed, for a compressed file: the scan's offsets
    /// count decompressed bytes).
    private func readEntry(_ record: ScanRecord) throws(SplitError) -> [UInt8] {
        let at = "\(record.source): message \(record.index) at byte \(record.offset)"
        do throws(MailboxError) {
            if sourceFile?.path != record.source {
                closeSource()
                sourceFile = try RawEntryReader(path: record.source)
            }
            guard let sourceFile, record.length >= 0, record.offset >= 0 else { return [] }
            return try sourceFile.read(offset: record.offset, length: record.length)
        } catch {
            switch error.code {
            case .notFound, .cannotOpen:
                throw SplitError("\(at): cannot open: " + String(cString: strerror(error.systemErrorNumber ?? 0)))
            case .outOfRange:
                throw SplitError("\(at): cannot read back (the file changed?)")
            default:
                throw SplitError("\(at): cannot read back: \(error)")
            }
        }
    }

    private func closeSource() {
        sourceFile = nil
    }

    // MARK: - Wrapping a message file as an mbox entry

    private static let fromSpace: [UInt8] = Array("From ".utf8)

    /// A From_ line for `record`'s message (RFC 4155: its sender, or MAILER-DAEMON, and its date), without
    /// a line end.
    static func envelopeLine(for record: ScanRecord) -> [UInt8] {
        var sender = "MAILER-DAEMON"
        if let from = record.from, !from.isEmpty, from.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) { sender = from }
        return Array("From \(sender) \(asctime(record.timestamp ?? 0))".utf8)
    }

    /// `raw` with its first line (up to `lineEnd`, the source's, and a CR before an LF one) replaced by
    /// `line`; the rest as it was.
    static func replacingEnvelopeLine(_ raw: [UInt8], with line: [UInt8], lineEnd: UInt8) -> [UInt8] {
        guard var end = raw.firstIndex(of: lineEnd) else { return line }
        if lineEnd == ASCII.lineFeed, end > 0, raw[end - 1] == ASCII.carriageReturn { end -= 1 }
        return line + raw[end...]
    }

    /// A From_ line, the message with mboxrd quoting, a final line end and a blank line, all in the
    /// message's line ends (`lineEnding`), or for a message without any (empty, or one line), in the
    /// mbox's: CR when `carriageReturnOnly`, else LF (an LF From_ line in a CR-only mbox is no line of its
    /// own there: the entry merged with the next, `split-campaign.sh` seed 255: 2,448 written, 2,446 read
    /// back). Its lines are the ones a reader of the mbox sees: ended by LF (a CR before it part of the
    /// end) or, in a CR-only message, by CR; a byte of the other kind is content, so a `From ` after it is
    /// not quoted, and a message that ends in one gets a line end.
    static func wrap(_ message: [UInt8], record: ScanRecord, carriageReturnOnly: Bool) -> [UInt8] {
        let ending = firstLineEnding(message) ?? (carriageReturnOnly ? [ASCII.carriageReturn] : [ASCII.lineFeed])
        let lineEnd = ending.last ?? ASCII.lineFeed
        var out = envelopeLine(for: record) + ending
        out.reserveCapacity(message.count + 128)
        var lineStart = 0
        while lineStart < message.count {
            let end = message[lineStart...].firstIndex(of: lineEnd).map { $0 + 1 } ?? message.count
            // RFC 4155 / mboxrd: a line of `>*From ` gains one more `>`.
            var j = lineStart
            while j < end, message[j] == UInt8(ascii: ">") { j += 1 }
            if end - j >= 5, message[j..<j + 5].elementsEqual(fromSpace) { out.append(UInt8(ascii: ">")) }
            out.append(contentsOf: message[lineStart..<end])
            lineStart = end
        }
        if let last = message.last, last != lineEnd { out += ending }
        out += ending
        return out
    }

    /// The message's first line end (CRLF, LF or CR), LF when it has none.
    static func lineEnding(_ bytes: [UInt8]) -> [UInt8] {
        firstLineEnding(bytes) ?? [ASCII.lineFeed]
    }

    /// The message's first line end (CRLF, LF or CR), nil when it has none.
    static func firstLineEnding(_ bytes: [UInt8]) -> [UInt8]? {
        guard let i = bytes.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return nil }
        if bytes[i] == 0x0A { return [0x0A] }
        return i + 1 < bytes.count && bytes[i + 1] == 0x0A ? [0x0D, 0x0A] : [0x0D]
    }

    /// The line end of an entry read in CR-only lines (`carriageReturnOnly`: CR) or in LF ones (its first
    /// line's end when that is LF or CRLF, else LF).
    static func lineEnding(_ bytes: [UInt8], carriageReturnOnly: Bool) -> [UInt8] {
        if carriageReturnOnly { return [ASCII.carriageReturn] }
        let first = lineEnding(bytes)
        return first == [ASCII.carriageReturn] ? [ASCII.lineFeed] : first
    }

    /// `entry` in LF line ends (from CR-only: every CR becomes LF) or in CR ones (from LF or CRLF: every
    /// CRLF and LF becomes CR). A bare LF in a CR-only entry, or a bare CR in an LF one, is content in its
    /// source and becomes a line end here. A message file is converted before `wrap` quotes it, so a
    /// `From ` line this makes is quoted there; for an mbox entry, already quoted, `quotingNewLines` quotes
    /// such a line here (one more `>` on a `>*From ` line, which a reader takes off again), or it would
    /// start an entry of its own.
    static func convertLineEnds(_ entry: [UInt8], toCarriageReturn: Bool, quotingNewLines: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entry.count)
        let lineEnd = toCarriageReturn ? ASCII.carriageReturn : ASCII.lineFeed
        var i = 0
        while i < entry.count {
            let byte = entry[i]
            i += 1
            // Source line ends: CR in a CR-only entry; LF, or CR before LF, in an LF one.
            if toCarriageReturn ? byte == ASCII.lineFeed : byte == ASCII.carriageReturn {
                out.append(lineEnd)
            } else if byte == ASCII.carriageReturn, i < entry.count, entry[i] == ASCII.lineFeed {
                out.append(lineEnd)
                i += 1
            } else if byte == ASCII.carriageReturn || byte == ASCII.lineFeed {
                // Content in the source, a line end here: the line it starts is new.
                out.append(lineEnd)
                if quotingNewLines, startsQuotableLine(entry, at: i) { out.append(UInt8(ascii: ">")) }
            } else {
                out.append(byte)
            }
        }
        return out
    }

    /// Whether `bytes[start...]` starts with `>*From ` (a line mboxrd quotes).
    private static func startsQuotableLine(_ bytes: [UInt8], at start: Int) -> Bool {
        var j = start
        while j < bytes.count, bytes[j] == UInt8(ascii: ">") { j += 1 }
        return bytes.count - j >= 5 && bytes[j..<j + 5].elementsEqual(fromSpace)
    }

    /// An mbox entry (From_ line, header, body, blank line) in the other line ends (`convertLineEnds`),
    /// its `Content-Length` converted with the bytes it counts, so that the body's end by it falls where
    /// it fell in the source: on the entry's own boundary when the reader trusted it there (mboxcl,
    /// mboxcl2), and on no boundary when it did not. Left as it was, a length counted in CRLF points
    /// further into the shorter CR entry: past a trusted body's end, onto a later entry's From_ line (a
    /// mutated CRLF mboxcl split with CR-only files: 24 written, 23 read back), or from mid-line in the
    /// source onto a `From ` line inside the entry, which the reader then takes for the next entry's
    /// (`mutate-mailbox.py` seed 41: 21 written, 22 read back). A length past the entry's end keeps its
    /// excess; `strayLengthEnd` keeps that end off every boundary of the output.
    static func convertEntry(_ entry: [UInt8], toCarriageReturn: Bool) -> [UInt8] {
        var out = convertLineEnds(entry, toCarriageReturn: toCarriageReturn, quotingNewLines: true)
        guard let field = contentLength(in: entry, carriageReturnOnly: !toCarriageReturn),
              let converted = contentLength(in: out, carriageReturnOnly: toCarriageReturn) else { return out }
        let counted = min(field.value, entry.count - field.bodyStart)
        let length = convertLineEnds(Array(entry[field.bodyStart..<field.bodyStart + counted]),
                                     toCarriageReturn: toCarriageReturn, quotingNewLines: true).count
            + (field.value - counted)
        out.replaceSubrange(converted.digits, with: Array(String(length).utf8))
        return out
    }

    /// The `Content-Length` of an entry's header section (after its From_ line) as `MboxParser` reads
    /// it: the last line that `MboxParser.contentLengthField` takes for one, with lines ended by CR
    /// (`carriageReturnOnly`) or by LF, as the mbox holding the entry is read. Its digits, their value and
    /// where the body starts; nil when there is none.
    static func contentLength(in entry: [UInt8], carriageReturnOnly: Bool)
        -> (digits: Range<Int>, value: Int, bodyStart: Int)? {
        let lineEnd = carriageReturnOnly ? ASCII.carriageReturn : ASCII.lineFeed
        guard var lineStart = entry.firstIndex(of: lineEnd).map({ $0 + 1 }) else { return nil }
        return entry.withUnsafeBufferPointer { buffer in
            var found: (value: Int, digits: Range<Int>)?
            while lineStart < entry.count {
                let end = entry[lineStart...].firstIndex(of: lineEnd) ?? entry.count
                var contentEnd = end
                if lineEnd == ASCII.lineFeed, contentEnd > lineStart, entry[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
                if contentEnd == lineStart { return found.map { ($0.digits, $0.value, min(end + 1, entry.count)) } }
                if let field = MboxParser.contentLengthField(buffer, lineStart, contentEnd) { found = field }
                lineStart = end + 1
            }
            return nil
        }
    }

    /// Whether an entry ends with a blank line as `MboxParser` reads its lines: ended by CR in a CR-only
    /// entry, else by LF with a CR before it part of the end, whatever its first line's end is. (Compared
    /// with its first line's end twice, a CRLF entry ending in LF LF got one more CRLF: its trusted
    /// `Content-Length` then ended on no boundary, and the `From ` lines of its body split it on reading,
    /// `split-campaign.sh` seed 298: 2,704 written, 2,706 read back.)
    static func endsWithBlankLine(_ bytes: [UInt8], carriageReturnOnly: Bool) -> Bool {
        let (cr, lf) = (ASCII.carriageReturn, ASCII.lineFeed)
        if carriageReturnOnly { return bytes.suffix(2).elementsEqual([cr, cr]) }
        return bytes.suffix(2).elementsEqual([lf, lf]) || bytes.suffix(3).elementsEqual([lf, cr, lf])
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

    private static func realPath(_ path: String) -> String? {
        POSIXFiles.resolvedPath(path)
    }
}

/// Why a split could not go on; the description is one line for the user.
public struct SplitError: Error, Sendable, CustomStringConvertible {
    /// What went wrong (a path's bytes that are not UTF-8 shown as `\xHH`: `NativePath.displayed`).
    public var description: String
    init(_ description: String) { self.description = NativePath.displayed(description) }
}
