#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CByteKernels

/// A push parser for mbox files in every dialect (mboxo, mboxrd, mboxcl, mboxcl2; RFC 4155 and qmail's
/// mbox(5)), with LF, CRLF or CR-only line ends.
///
/// Feed it bytes by appending them to `input` and call `next(_:)` until it returns nil ("need more
/// bytes"); at end of input call `finish(_:)` until it returns nil. Each message returned has been cut off
/// the front of `input`; its `bytes` are a slice of `input`'s storage (a copy only when `>From ` quoting
/// had to be undone, or when the message was truncated). The parser remembers how far it has looked, so
/// feeding one byte at a time costs no more than feeding everything at once.
///
/// ## Which `From ` lines separate messages
/// A line that starts with `From ` begins a new message when it is the first line of the input, or it
/// follows a blank line, or it is a well-formed envelope line (a time, a month and a year: see
/// `EnvelopeLine.isWellFormed`). The last rule is needed by real files whose writers put no blank line
/// before the next envelope (GNU Mailutils `spool/mime.mbox` and `msg.mbox`, sisimai `rhost-cox-01.eml`);
/// it does not split on body lines like "From my point of view ..." that follow no blank line.
///
/// ## Content-Length (mboxcl, mboxcl2)
/// When the header section has `Content-Length: N`, the body is taken to be the next N bytes if they end
/// exactly on a message boundary: end of input, a `From ` line, or a blank line followed by a `From `
/// line or end of input. Then `From ` lines inside those N bytes do not split (mboxcl2 leaves them
/// unquoted). Otherwise the header is ignored, `MailboxDefects.badContentLength` is recorded, and the
/// `From ` rules above decide. A Content-Length above `MailboxLimits.maxMessageBytes` is not trusted.
///
/// ## Quoting
/// One `>` is removed from every line matching `^>+From ` (mboxrd). An mbox does not say its dialect, so
/// mboxo files are read the same way: the corpus' `mboxo.mbox` must give back "From my point of view"
/// from its `>From my point of view` line (mbox-variants.expected.tsv). In a true mboxo file an original
/// `>From ` line cannot be told from a quoted `From ` line; it comes back as `From `. For a message whose
/// body was delimited by Content-Length and holds an unquoted `From ` line, the file is mboxcl2 (which
/// never quotes), and from then on no Content-Length-delimited body in that input is unquoted.
///
/// ## What a message is
/// An entry runs from its `From ` line to the next separator (or end of input), so entries tile the input:
/// `offset`/`length` cover every byte. `bytes` is the entry without its `From ` line and without the one
/// blank line that precedes the next `From ` line (or ends the input). Bytes before the first `From `
/// line, if any, make an entry of their own without an envelope (`MailboxDefects.leadingGarbage`).
///
/// - Complexity: O(n) in the bytes fed, however they are chunked; memory is bounded by the largest entry
///   (capped near `2 * maxMessageBytes`, see `MailboxLimits`).
public struct MboxParser: Sendable {
    /// The path reported in each message's `source`.
    public let source: String
    /// The limits this parser keeps to.
    public let limits: MailboxLimits

    var state: State = .awaitingLineEnding(searchedTo: 0)
    /// The byte that ends lines: LF for LF and CRLF input (a CR before it is not content), CR for CR-only.
    var lineEnd: UInt8 = ASCII.lineFeed
    /// Offset in the whole input of `input.startIndex` (the start of the current entry).
    var streamOffset = 0
    /// Index of the next message.
    var index = 0
    /// Set once a Content-Length-delimited body held an unquoted `From ` line: the input is mboxcl2.
    var contentLengthBodiesAreUnquoted = false
    /// Whether `scanLines` passes plain header and body lines in bulk (`passPlainHeaderLines`,
    /// `passPlainBodyLines`). Off, it classifies every line itself: the reference the tests compare with.
    var passesPlainLines = true

    /// Creates a parser.
    /// - Parameters:
    ///   - source: the path to report in `MailboxMessage.source` (`-` for standard input).
    ///   - limits: bounds on message size.
    ///   - startOffset: offset in `source` of the first byte that will be fed (for `offset` fields).
    public init(source: String = "-", limits: MailboxLimits = .init(), startOffset: Int = 0) {
        self.source = source
        self.limits = limits
        self.streamOffset = startOffset
    }

    /// The next message whose end is already known, removed from the front of `input`; nil when more
    /// bytes are needed. Append new bytes to `input` between calls.
    public mutating func next(_ input: inout ByteSlice) -> MailboxMessage? {
        step(&input, atEnd: false)
    }

    /// At end of input: the next remaining message, removed from the front of `input`, or nil when all
    /// have been returned. Call until it returns nil.
    public mutating func finish(_ input: inout ByteSlice) -> MailboxMessage? {
        step(&input, atEnd: true)
    }
}

// MARK: - State

extension MboxParser {
    enum State: Sendable {
        /// The line ending is not known yet: looking for the first CR or LF.
        case awaitingLineEnding(searchedTo: Int)
        /// Inside an entry, looking for its end line by line.
        case scanning(EntryScan)
        /// The header said Content-Length; waiting for the bytes at `bodyEnd` to see if it lands on a boundary.
        case verifyingContentLength(EntryScan, bodyStart: Int, bodyEnd: Int)
        /// The entry outgrew `maxMessageBytes`: its head is kept in `pending`, the rest is read and dropped.
        /// Boxed (rare): unboxed, its message made every state as large and not trivially destroyed, so
        /// each step copied states by memcpy and each message destroyed one by an outlined call.
        indirect case skipping(Skip)
        /// `finish` returned everything.
        case finished
    }

    enum Phase: Sendable { case envelope, header, body }

    /// Where the line scan stands, in offsets from the entry's first byte (`input.startIndex`).
    struct LineCursor: Sendable {
        /// Start of the first line not yet classified.
        var lineStart = 0
        /// Bytes before this offset have been searched for a line end.
        var searchedTo = 0
        var previousLineBlank = false
        var previousLineStart = 0
    }

    struct EntryScan: Sendable {
        var cursor = LineCursor()
        var phase = Phase.envelope
        /// Offset where the message (after the From_ line) begins.
        var messageStart = 0
        /// End of the From_ line's content (without its line end), if there is one.
        var envelopeEnd: Int?
        /// Offset of the From_ line's line end byte (LF, or CR for CR-only input), CR of CRLF included before it.
        var envelopeLineEnd = 0
        var contentLength: Int?
        /// A `^>+From ` line was seen.
        var quoted = false
        /// The body was delimited by a trusted Content-Length.
        var delimitedByContentLength = false
        var defects: MailboxDefects = []
    }

    struct Skip: Sendable {
        var pending: MailboxMessage
        /// Bytes of the entry already dropped from the front of `input`.
        var consumed: Int
        var cursor: LineCursor
        /// The current line's head was dropped: it is known not to be a separator.
        var lineSettled: Bool
        /// The last byte dropped so far (to tell a missing final newline at the end).
        var lastByteDropped: UInt8?
    }

    enum ScanOutcome {
        case needMore
        /// A separator line starts at this offset.
        case separator(at: Int)
        /// The header section ended; its Content-Length is to be checked.
        case contentLength(bodyStart: Int, length: Int)
        /// Every line of the input has been classified (only when `atEnd`).
        case endOfInput
    }
}

// MARK: - Stepping

extension MboxParser {
    mutating func step(_ input: inout ByteSlice, atEnd: Bool) -> MailboxMessage? {
        while true {
            switch state {
            case .finished:
                return nil

            case .awaitingLineEnding(let searchedTo):
                switch detectLineEnding(input, from: searchedTo, atEnd: atEnd) {
                case .decided(let byte):
                    lineEnd = byte
                    state = .scanning(EntryScan())
                case .undecided(let searchedTo):
                    if !atEnd {
                        state = .awaitingLineEnding(searchedTo: searchedTo)
                        return nil
                    }
                    if input.isEmpty {
                        state = .finished
                        return nil
                    }
                    // One line and no line end at all: LF by default.
                    lineEnd = ASCII.lineFeed
                    state = .scanning(EntryScan())
                }

            case .scanning(var scan):
                let outcome = input.withUnsafeBufferPointer { scanLines(&scan, $0, atEnd: atEnd) }
                switch outcome {
                case .needMore:
                    // Certainly longer than the limit: the complete lines alone (less a separating blank
                    // line of at most 2 bytes), or the current line alone. The same messages are cut
                    // however the input is chunked (`emit` cuts those found whole).
                    // A partial line counts only once it is known not to be the next entry's From_ line
                    // (`scanLines` returns a separator for a long partial line that is one).
                    let start = scan.phase == .envelope ? 0 : scan.messageStart
                    let limit = limits.maxMessageBytes + 2
                    let partial = scan.cursor.searchedTo - scan.cursor.lineStart
                    let longLine = scan.phase == .envelope
                        ? partial > limit
                        : partial > limit && partial >= EnvelopeLine.maxBytesJudged
                    if scan.cursor.lineStart - start > limit || longLine {
                        beginSkipping(scan, &input)
                        continue
                    }
                    state = .scanning(scan)
                    return nil
                case .separator(let at):
                    return emit(scan, entryEnd: at, messageEnd: trimmedEnd(scan, at), &input)
                case .endOfInput:
                    if input.isEmpty {
                        state = .finished
                        return nil
                    }
                    var end = input.count
                    if !scan.defects.contains(.missingFinalNewline) { end = trimmedEnd(scan, end) }
                    return emit(scan, entryEnd: input.count, messageEnd: end, &input)
                case .contentLength(let bodyStart, let length):
                    if length > limits.maxMessageBytes {
                        scan.defects.insert(.badContentLength)
                        state = .scanning(scan)
                    } else {
                        state = .verifyingContentLength(scan, bodyStart: bodyStart, bodyEnd: bodyStart + length)
                    }
                }

            case .verifyingContentLength(var scan, let bodyStart, let bodyEnd):
                if !atEnd, input.count < bodyEnd + 7 {  // 7 = CR LF "From "
                    return nil
                }
                let verdict = input.withUnsafeBufferPointer {
                    contentLengthVerdict($0, bodyStart: bodyStart, bodyEnd: bodyEnd, atEnd: atEnd)
                }
                guard let entryEnd = verdict else {
                    scan.defects.insert(.badContentLength)
                    scan.contentLength = nil
                    state = .scanning(scan)
                    continue
                }
                // mboxcl quotes `From ` lines, mboxcl2 does not: look at the body once to tell.
                let (quoted, bare) = input.withUnsafeBufferPointer {
                    Self.fromLines($0, from: bodyStart, to: bodyEnd, lineEnd: lineEnd)
                }
                if bare { contentLengthBodiesAreUnquoted = true }
                scan.quoted = scan.quoted || (quoted && !contentLengthBodiesAreUnquoted)
                if contentLengthBodiesAreUnquoted { scan.quoted = false }
                scan.delimitedByContentLength = true
                return emit(scan, entryEnd: entryEnd, messageEnd: bodyEnd, &input)

            case .skipping(var skip):
                if let message = input.withUnsafeBufferPointer({ skipLines(&skip, $0, atEnd: atEnd) }) {
                    return finishSkipping(message, entryEnd: skip.cursor.lineStart, &input)
                }
                // Drop what has been classified; keep the current line unless it is settled.
                let drop = skip.lineSettled ? input.count : skip.cursor.lineStart
                if drop > 0 { skip.lastByteDropped = input[input.startIndex + drop - 1] }
                skip.consumed += drop
                skip.cursor.lineStart -= min(drop, skip.cursor.lineStart)
                skip.cursor.searchedTo -= drop
                input = input[(input.startIndex + drop)...]
                if atEnd {
                    var message = skip.pending
                    message.length = skip.consumed
                    if skip.lastByteDropped != lineEnd { message.defects.insert(.missingFinalNewline) }
                    state = .finished
                    return finishEmitting(message, entryEnd: 0, &input)
                }
                state = .skipping(skip)
                return nil
            }
        }
    }

    enum LineEndingDetection { case decided(UInt8), undecided(searchedTo: Int) }

    /// The first line end decides: CR not followed by LF means a CR-only file; anything else LF. Only the
    /// first `maxMessageBytes` bytes are looked at (LF if they hold no line end), so that the decision
    /// is the same however the input is chunked and memory stays bounded.
    func detectLineEnding(_ input: ByteSlice, from: Int, atEnd: Bool) -> LineEndingDetection {
        Self.detectLineEnding(input, from: from, atEnd: atEnd, within: limits.maxMessageBytes)
    }

    /// `detectLineEnding` with the bytes looked at bounded by `maxBytes`: the one rule of every mailbox
    /// format's parser (`MMDFParser` too).
    static func detectLineEnding(_ input: ByteSlice, from: Int, atEnd: Bool, within maxBytes: Int) -> LineEndingDetection {
        let bound = input.startIndex + min(input.count, maxBytes)
        var i = input.startIndex + from
        while i < bound {
            let byte = input[i]
            if byte == ASCII.lineFeed { return .decided(ASCII.lineFeed) }
            if byte == ASCII.carriageReturn {
                if i + 1 < input.endIndex {
                    return .decided(input[i + 1] == ASCII.lineFeed ? ASCII.lineFeed : ASCII.carriageReturn)
                }
                return atEnd ? .decided(ASCII.carriageReturn) : .undecided(searchedTo: i - input.startIndex)
            }
            i += 1
        }
        if input.count >= maxBytes { return .decided(ASCII.lineFeed) }
        return .undecided(searchedTo: i - input.startIndex)
    }

    /// Where the message of an entry ending at `end` stops: before the blank line that precedes the next
    /// From_ line (or the end of input), which belongs to the mbox, not to the message.
    func trimmedEnd(_ scan: EntryScan, _ end: Int) -> Int {
        let cursor = scan.cursor
        if scan.phase != .envelope, cursor.previousLineBlank, cursor.previousLineStart >= scan.messageStart {
            return cursor.previousLineStart
        }
        return end
    }

    /// Classifies lines from `scan.cursor` on until an event.
    func scanLines(_ scan: inout EntryScan, _ buffer: UnsafeBufferPointer<UInt8>, atEnd: Bool) -> ScanOutcome {
        let count = buffer.count
        guard let base = buffer.baseAddress else { return atEnd ? .endOfInput : .needMore }
        let lineEndByte = Int32(lineEnd)
        let stripCR = lineEnd == ASCII.lineFeed
        while true {
            if passesPlainLines {
                switch scan.phase {
                case .body: Self.passPlainBodyLines(&scan.cursor, base, count, lineEnd: lineEnd, stripCR: stripCR)
                case .header: Self.passPlainHeaderLines(&scan.cursor, base, count, lineEnd: lineEnd)
                case .envelope: break
                }
            }
            let lineStart = scan.cursor.lineStart
            if lineStart >= count, atEnd { return .endOfInput }
            var lineEndIndex: Int
            let searchFrom = scan.cursor.searchedTo
            if searchFrom < count, let hit = memchr(base + searchFrom, lineEndByte, count - searchFrom) {
                lineEndIndex = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            } else {
                scan.cursor.searchedTo = count
                guard atEnd else {
                    // What can be decided about a partial line is decided now, exactly as it would be on
                    // the whole line, so that a long line need not be held (see `step`).
                    let partial = count - lineStart
                    switch scan.phase {
                    case .envelope:
                        if partial >= 5, !EnvelopeLine.startsWithFrom(buffer, lineStart, count) {
                            scan.defects.insert(.leadingGarbage)
                            scan.messageStart = 0
                            scan.phase = .body
                        }
                    case .header, .body:
                        if partial >= EnvelopeLine.maxBytesJudged,
                           isSeparator(buffer, lineStart, count, scan.cursor.previousLineBlank) {
                            return .separator(at: lineStart)
                        }
                    }
                    return .needMore
                }
                lineEndIndex = count
            }
            // The input's last line has no line end (recorded once the line is known to be this entry's).
            let unterminated = lineEndIndex == count
            let next = min(lineEndIndex + 1, count)
            var contentEnd = lineEndIndex
            if stripCR, contentEnd > lineStart, buffer[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
            let blank = contentEnd == lineStart

            switch scan.phase {
            case .envelope:
                if unterminated { scan.defects.insert(.missingFinalNewline) }
                if EnvelopeLine.startsWithFrom(buffer, lineStart, contentEnd) {
                    scan.envelopeEnd = contentEnd
                    scan.envelopeLineEnd = lineEndIndex
                    scan.messageStart = next
                    scan.phase = .header
                    if EnvelopeLine.isOdd(buffer, lineStart, contentEnd) { scan.defects.insert(.oddEnvelopeLine) }
                    scan.cursor.previousLineBlank = false
                    scan.cursor.previousLineStart = lineStart
                    scan.cursor.lineStart = next
                    scan.cursor.searchedTo = next
                    if lineEndIndex == count { return .endOfInput }
                    continue
                }
                // Bytes before the first From_ line: an entry without envelope.
                scan.defects.insert(.leadingGarbage)
                scan.messageStart = 0
                scan.phase = .body
            case .header, .body:
                if EnvelopeLine.startsWithFrom(buffer, lineStart, contentEnd),
                   scan.cursor.previousLineBlank || EnvelopeLine.isWellFormed(buffer, lineStart, contentEnd) {
                    return .separator(at: lineStart)
                }
                if unterminated { scan.defects.insert(.missingFinalNewline) }
            }

            if scan.phase == .header {
                if blank {
                    scan.phase = .body
                    // A header section (or From_ line) longer than the limit makes the message truncated
                    // whatever its Content-Length says; it is not checked (the same when the header arrives
                    // in pieces and `beginSkipping` takes over before its end).
                    if let length = scan.contentLength, next - scan.messageStart <= limits.maxMessageBytes + 2,
                       scan.envelopeLineEnd <= limits.maxMessageBytes + 2 {
                        scan.cursor.previousLineBlank = true
                        scan.cursor.previousLineStart = lineStart
                        scan.cursor.lineStart = next
                        scan.cursor.searchedTo = next
                        return .contentLength(bodyStart: next, length: length)
                    }
                } else if ASCII.lowercased(buffer[lineStart]) == UInt8(ascii: "c"),  // else no call (41,700 calls,
                          let length = Self.contentLengthValue(buffer, lineStart, contentEnd) {  // 1.5M on bsd.mbox x3)
                    scan.contentLength = length
                }
            }
            if !blank, buffer[lineStart] == ASCII.greaterThan, EnvelopeLine.isQuotedFrom(buffer, lineStart, contentEnd) {
                scan.quoted = true
            }
            scan.cursor.previousLineBlank = blank
            scan.cursor.previousLineStart = lineStart
            scan.cursor.lineStart = next
            scan.cursor.searchedTo = next
            if lineEndIndex == count { return .endOfInput }
        }
    }

    /// Passes over the whole header lines from `cursor.lineStart` on that `scanLines` would only step
    /// over (see `isPlainHeaderLineStart`), leaving the cursor where `scanLines` would. Stops at the first
    /// other line, or at a line without its end in `base[..<count]`, for `scanLines` to classify.
    /// (The 43,500 header lines of the sisimai bsd mbox x3 cost ~80 instructions each in `scanLines`
    /// besides the memchr; stepped over here, `scanLines` self 4.02M -> 2.57M, the memchr calls the same.
    /// Line ends found sixteen bytes a step instead (SSE2 compare of a `SIMD16` block read as two words,
    /// bit 7 of a byte set for a line end, the next line judged at each): this pass 5.93M against about
    /// 2.4M with a memchr a line, Main.main 252.95M -> 256.06M; the header lines average 58 bytes, which
    /// the AVX2 memchr reads 32 at a time.)
    @inline(__always)
    static func passPlainHeaderLines(_ cursor: inout LineCursor, _ base: UnsafePointer<UInt8>, _ count: Int,
                                     lineEnd: UInt8) {
        var lineStart = cursor.lineStart
        var searchFrom = max(lineStart, cursor.searchedTo)
        var passedStart = -1
        while lineStart < count, isPlainHeaderLineStart(base, lineStart, count, lineEnd: lineEnd) {
            guard let end = headerLineEnd(base, from: searchFrom, count, lineEnd: lineEnd) else { break }
            passedStart = lineStart
            lineStart = end &+ 1
            searchFrom = lineStart
        }
        guard passedStart >= 0 else { return }
        cursor.lineStart = lineStart
        cursor.searchedTo = lineStart
        cursor.previousLineBlank = false
        cursor.previousLineStart = passedStart
    }

    /// The first `lineEnd` in `base[from..<count]`, or nil: thirty-two bytes a step (two SSE2 compares,
    /// their masks joined), the last thirty-one by memchr. A header line is short (58 bytes on average,
    /// bsd.mbox x3), where memchr's entry and the call around it cost more than the compares.
    @inline(__always)
    static func headerLineEnd(_ base: UnsafePointer<UInt8>, from: Int, _ count: Int, lineEnd: UInt8) -> Int? {
        var i = from
        while i &+ 32 <= count {
            let first = base + i, second = base + (i &+ 16)
            let mask = bs_mask16_equal(first, lineEnd) | bs_mask16_equal(second, lineEnd) &<< 16
            if mask != 0 { return i &+ mask.trailingZeroBitCount }
            i &+= 32
        }
        guard i < count, let hit = memchr(base + i, Int32(lineEnd), count &- i) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// Whether the header line starting at `start` (`start < count`), once whole, needs nothing of
    /// `scanLines` but its end: it is not blank (no line end or CR first), not `>`-quoted, does not
    /// start `From ` (so it is no separator), and is no `Content-Length:` (whose ninth byte is an `l`).
    /// When the bytes that decide are not in `base[..<count]` yet, it is not.
    @inline(__always)
    static func isPlainHeaderLineStart(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, lineEnd: UInt8) -> Bool {
        let first = base[start]
        if first == lineEnd || first == ASCII.carriageReturn || first == ASCII.greaterThan { return false }
        if first == 0x46 {  // "F": "From " is a separator if well formed
            guard count &- start >= 5 else { return false }
            return !(base[start &+ 1] == 0x72 && base[start &+ 2] == 0x6F && base[start &+ 3] == 0x6D
                     && base[start &+ 4] == ASCII.space)
        }
        if first | 0x20 == 0x63 {  // "c", "C": "content-length" has an "l" ninth (`contentLengthValue`)
            guard count &- start >= 9 else { return false }
            return base[start &+ 8] | 0x20 != 0x6C
        }
        return true
    }

    /// Passes over the whole body lines from `cursor.lineStart` on that are neither a `From ` line (a
    /// possible separator) nor a `>+From ` line (mboxrd quoting), leaving the cursor where `scanLines`
    /// would: for such a line only its end and whether it is blank matter. Stops at the first other line,
    /// or at a line without its end in `base[..<count]`, for `scanLines` to classify. The first line,
    /// whose bytes before `cursor.searchedTo` may have been read before, is judged on its first bytes
    /// (`isPlainMarkedLine`) when it starts with `F` or `>`: it stops there too when they do not decide.
    ///
    /// Such a line holds `From ` after its `>`s, so the bytes are searched for `F` by memchr, and an `F`
    /// followed by `rom ` whose `>`s before it reach back to a line start stops the pass. Only the last
    /// line passed is read again (backwards, for its start and whether it is blank). Bytes before
    /// `cursor.searchedTo` hold no line end (`scanLines` searched them), so they are not searched again.
    /// (A memchr a line cost ~49 instructions a body line: 9.0M in `scanLines` for the 185,000 lines of
    /// the sisimai bsd mbox x3. A search for a line end followed by `F` or `>`, sixty-four bytes a step
    /// with SSE2 blocks, cost 4.0M; memchr for `F`, 34,148 calls: 2.34M with them.)
    @inline(__always)
    static func passPlainBodyLines(_ cursor: inout LineCursor, _ base: UnsafePointer<UInt8>, _ count: Int,
                                   lineEnd: UInt8, stripCR: Bool) {
        let firstStart = cursor.lineStart
        guard firstStart < count else { return }
        let first = base[firstStart]
        if first == 0x46 || first == ASCII.greaterThan, !isPlainMarkedLine(base, firstStart, count) { return }
        let searchFrom = max(firstStart, cursor.searchedTo)
        // The start of the first `From ` or `>+From ` line after the first line, if one is in the bytes.
        var stop = -1
        // An `F` of `From ` has four bytes after it: it is at `searchFrom ... count - 5`.
        var from = searchFrom
        while from < count &- 4 {
            guard let hit = memchr(base + from, 0x46, count &- 4 &- from) else { break }
            let f = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            // "rom " as a little-endian word.
            if UnsafeRawPointer(base + (f &+ 1)).loadUnaligned(as: UInt32.self) == UInt32(littleEndian: 0x206D_6F72) {
                var start = f
                while start > firstStart, base[start &- 1] == ASCII.greaterThan { start &-= 1 }
                if start == firstStart || base[start &- 1] == lineEnd {
                    stop = start
                    break
                }
            }
            from = f &+ 1
        }
        // The end of the last line passed: the line end before the stop, else the last line end there is.
        let end: Int
        if stop >= 0 {
            guard stop > firstStart else { return }
            end = stop &- 1
        } else {
            guard let last = lastLineEnd(base, from: searchFrom, before: count, lineEnd: lineEnd) else { return }
            end = last
        }
        let start = lastLineEnd(base, from: firstStart, before: end, lineEnd: lineEnd).map { $0 &+ 1 } ?? firstStart
        cursor.lineStart = end &+ 1
        cursor.searchedTo = end &+ 1
        cursor.previousLineBlank = end == start || (stripCR && end == start &+ 1 && base[start] == ASCII.carriageReturn)
        cursor.previousLineStart = start
    }

    /// The most `>` the first body line may start with for `passPlainBodyLines` to look past them: 15.
    /// A longer run is left to `scanLines`, so that a line of `>` arriving in pieces is not read again
    /// with each.
    static let quotesLookedPast = 15

    /// Whether the body line at `start` (`start < count`), whose first byte is `F` or `>`, is certainly
    /// neither `From ` nor `>`+`From ` (`EnvelopeLine.startsWithFrom`, `isQuotedFrom`; the five bytes
    /// hold no CR or LF, so the line's content reaches past them) from the bytes in `base[..<count]`.
    /// Not when fewer than five bytes follow its `>`s there, or it starts with more than
    /// `quotesLookedPast` of them.
    @inline(__always)
    static func isPlainMarkedLine(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> Bool {
        var i = start
        let quotesEnd = min(count, start &+ quotesLookedPast &+ 1)
        while i < quotesEnd, base[i] == ASCII.greaterThan { i &+= 1 }
        guard i < quotesEnd, count &- i >= 5 else { return false }
        return !(base[i] == 0x46 && base[i &+ 1] == 0x72 && base[i &+ 2] == 0x6F && base[i &+ 3] == 0x6D
                 && base[i &+ 4] == ASCII.space)
    }
    /// The last offset in `from ..< before` holding `lineEnd`, or nil: sixteen bytes at a time from the
    /// end (bytes before `from` read but not counted), one at a time in the first sixteen of the input.
    @inline(__always)
    static func lastLineEnd(_ base: UnsafePointer<UInt8>, from: Int, before: Int, lineEnd: UInt8) -> Int? {
        let ends = SIMD16<UInt8>(repeating: lineEnd)
        var q = before
        while q > from {
            guard q >= 16 else {
                q &-= 1
                if base[q] == lineEnd { return q }
                continue
            }
            let blockStart = q &- 16
            let block = UnsafeRawPointer(base + blockStart).loadUnaligned(as: SIMD16<UInt8>.self)
            let words = unsafeBitCast(block .== ends, to: SIMD2<UInt64>.self)
            var low = UInt64(littleEndian: words[0]), high = UInt64(littleEndian: words[1])
            if blockStart < from {
                // Only the bytes from `from` on count.
                let skip = from &- blockStart  // 1...15
                if skip >= 8 {
                    low = 0
                    high &= ~0 &<< UInt64((skip &- 8) &* 8)
                } else {
                    low &= ~0 &<< UInt64(skip &* 8)
                }
            }
            if high != 0 { return blockStart &+ 15 &- high.leadingZeroBitCount &>> 3 }
            if low != 0 { return blockStart &+ 7 &- low.leadingZeroBitCount &>> 3 }
            q = blockStart
        }
        return nil
    }

    /// The value of a `Content-Length:` header line (RFC 4155 §2 mentions it; mboxcl/mboxcl2 in mbox(5)),
    /// or nil if the line is not one or its value is not a plain decimal number.
    @inline(__always)
    static func contentLengthValue(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        contentLengthField(buffer, start, end)?.value
    }

    /// `contentLengthValue`, with where its digits lie in `buffer`: the reader's one definition of the
    /// line, for a writer that must keep what the reader trusts (`MailboxSplit`).
    package static func contentLengthField(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int)
        -> (value: Int, digits: Range<Int>)?
    {
        let name: StaticString = "content-length"
        let nameLength = name.utf8CodeUnitCount
        guard end - start > nameLength else { return nil }
        let matches = name.withUTF8Buffer { lower -> Bool in
            for k in 0..<nameLength where ASCII.lowercased(buffer[start + k]) != lower[k] { return false }
            return true
        }
        guard matches else { return nil }
        var i = start + nameLength
        while i < end, ASCII.isWhitespace(buffer[i]) { i += 1 }
        guard i < end, buffer[i] == ASCII.colon else { return nil }
        i += 1
        while i < end, ASCII.isWhitespace(buffer[i]) { i += 1 }
        let digitsStart = i
        var value = 0
        var digits = 0
        while i < end, ASCII.isDigit(buffer[i]) {
            value = value &* 10 &+ Int(buffer[i] &- ASCII.zero)
            digits += 1
            if digits > 15 { return nil }  // beyond any sane message: not trusted
            i += 1
        }
        let digitsEnd = i
        while i < end, ASCII.isWhitespace(buffer[i]) { i += 1 }
        return digits > 0 && i == end ? (value, digitsStart..<digitsEnd) : nil
    }

    /// The entry's end if a body of `bodyStart..<bodyEnd` lands exactly on a message boundary, else nil.
    func contentLengthVerdict(_ buffer: UnsafeBufferPointer<UInt8>, bodyStart: Int, bodyEnd: Int, atEnd: Bool) -> Int? {
        let count = buffer.count
        let p = bodyEnd
        if p > count { return nil }
        if p == count { return atEnd ? p : nil }
        // The body must end with a line end (or be empty) for the next byte to start a line.
        guard p == bodyStart || buffer[p - 1] == lineEnd else { return nil }
        if EnvelopeLine.startsWithFrom(buffer, p, count) { return p }
        var q = p
        if buffer[p] == lineEnd {
            q = p + 1
        } else if lineEnd == ASCII.lineFeed, buffer[p] == ASCII.carriageReturn, p + 1 < count,
                  buffer[p + 1] == ASCII.lineFeed {
            q = p + 2
        } else {
            return nil
        }
        if q == count { return atEnd ? q : nil }
        return EnvelopeLine.startsWithFrom(buffer, q, count) ? q : nil
    }

    /// Whether `buffer[from..<to]` has lines starting `>+From ` (quoted) and lines starting `From ` (bare).
    static func fromLines(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int, lineEnd: UInt8)
        -> (quoted: Bool, bare: Bool)
    {
        guard let base = buffer.baseAddress else { return (false, false) }
        var quoted = false, bare = false
        var lineStart = from
        while lineStart < to {
            var end = to
            if let hit = memchr(base + lineStart, Int32(lineEnd), to - lineStart) {
                end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            }
            let first = buffer[lineStart]
            if first == 0x46, EnvelopeLine.startsWithFrom(buffer, lineStart, end) { bare = true }
            if first == ASCII.greaterThan, EnvelopeLine.isQuotedFrom(buffer, lineStart, end) { quoted = true }
            lineStart = end + 1
        }
        return (quoted, bare)
    }
}

// MARK: - Emitting

extension MboxParser {
    /// Builds the message of the entry `input[..<entryEnd]`, drops the entry from `input` and starts the next.
    mutating func emit(_ scan: EntryScan, entryEnd: Int, messageEnd: Int, _ input: inout ByteSlice) -> MailboxMessage {
        let base = input.startIndex
        let start = min(scan.messageStart, entryEnd)
        var end = max(start, min(messageEnd, entryEnd))
        var defects = scan.defects
        var envelope = scan.envelopeEnd.map { input[base..<(base + $0)] }
        if scan.envelopeEnd != nil, scan.envelopeLineEnd > limits.maxMessageBytes + 2 {
            // A From_ line longer than the limit: treated as `beginSkipping` treats it when it arrives in
            // pieces (message empty, envelope cut), so that chunking never changes the result.
            end = start
            defects.insert(.truncated)
            defects.remove(.oddEnvelopeLine)
            envelope = input[base..<(base + Self.envelopeBytesKept(limits))]
        } else if end - start > limits.maxMessageBytes {
            end = start + limits.maxMessageBytes
            defects.insert(.truncated)
        }
        var bytes = input[(base + start)..<(base + end)]
        // A cut message is unquoted whatever its later lines hold, as `beginSkipping` does with the head
        // it keeps (where the line that made it too long may not have been seen whole).
        let truncatedFromDelimited = defects.contains(.truncated) && !scan.delimitedByContentLength
        if scan.quoted || truncatedFromDelimited { bytes = MboxQuoting.unquote(bytes, lineEnd: lineEnd) }
        let message = MailboxMessage(
            source: source, index: index, offset: streamOffset, length: entryEnd, envelopeLine: envelope,
            bytes: bytes, defects: defects,
            raw: defects.contains(.truncated) ? nil : input[base..<(base + entryEnd)])
        return finishEmitting(message, entryEnd: entryEnd, &input)
    }

    mutating func finishEmitting(_ message: MailboxMessage, entryEnd: Int, _ input: inout ByteSlice) -> MailboxMessage {
        index += 1
        streamOffset += message.length
        input = input[(input.startIndex + entryEnd)...]
        if case .finished = state {} else { state = .scanning(EntryScan()) }
        return message
    }

    /// The entry is longer than `maxMessageBytes`: keep a copy of its head, drop the rest as it comes.
    mutating func beginSkipping(_ scan: EntryScan, _ input: inout ByteSlice) {
        let base = input.startIndex
        // A From_ line longer than the limit leaves the message empty (as in `emit`).
        let envelopeTooLong = scan.phase == .envelope || scan.envelopeLineEnd > limits.maxMessageBytes + 2
        let messageStart = envelopeTooLong ? input.count : scan.messageStart
        let cut = min(input.count, messageStart + limits.maxMessageBytes)
        // Unquoted whatever the lines seen so far say: the line being read may be a quoted one.
        let bytes = MboxQuoting.unquote(input[(base + messageStart)..<(base + cut)], lineEnd: lineEnd)
        let envelope: ByteSlice? = envelopeTooLong
            ? ByteSlice(input[base..<(base + min(input.count, Self.envelopeBytesKept(limits)))])
            : scan.envelopeEnd.map { ByteSlice(input[base..<(base + $0)]) }
        var defects = scan.defects
        defects.insert(.truncated)
        if envelopeTooLong { defects.remove(.oddEnvelopeLine) }
        let pending = MailboxMessage(
            source: source, index: index, offset: streamOffset, length: 0, envelopeLine: envelope,
            bytes: bytes, defects: defects, raw: nil)
        // The partial line at the cursor is kept (it may yet turn out to be a separator), except the
        // envelope line of this very entry, which never is.
        let keepFrom = scan.cursor.lineStart
        var cursor = scan.cursor
        cursor.searchedTo -= keepFrom
        cursor.lineStart = 0
        let lastByteDropped = keepFrom > 0 ? input[base + keepFrom - 1] : nil
        input = input[(base + keepFrom)...]
        state = .skipping(Skip(pending: pending, consumed: keepFrom, cursor: cursor,
                               lineSettled: scan.phase == .envelope, lastByteDropped: lastByteDropped))
    }

    /// Line scan while skipping: returns the pending message (length set) when a separator is found at
    /// `skip.cursor.lineStart`, else nil with `skip` advanced.
    func skipLines(_ skip: inout Skip, _ buffer: UnsafeBufferPointer<UInt8>, atEnd: Bool) -> MailboxMessage? {
        let count = buffer.count
        guard let base = buffer.baseAddress else { return nil }
        let stripCR = lineEnd == ASCII.lineFeed
        /// A line is judged on its first bytes when its end is far away (`isWellFormed` reads no further).
        let judged = EnvelopeLine.maxBytesJudged
        while true {
            let lineStart = skip.cursor.lineStart
            var lineEndIndex: Int
            let searchFrom = skip.cursor.searchedTo
            if searchFrom < count, let hit = memchr(base + searchFrom, Int32(lineEnd), count - searchFrom) {
                lineEndIndex = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            } else {
                skip.cursor.searchedTo = count
                if !atEnd {
                    if !skip.lineSettled, count - lineStart >= judged {
                        if isSeparator(buffer, lineStart, lineStart + judged, skip.cursor.previousLineBlank) {
                            var message = skip.pending
                            message.length = skip.consumed + lineStart
                            return message
                        }
                        skip.lineSettled = true
                    }
                    return nil
                }
                if lineStart >= count { return nil }
                lineEndIndex = count
            }
            let next = min(lineEndIndex + 1, count)
            var contentEnd = lineEndIndex
            if stripCR, contentEnd > lineStart, buffer[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
            if !skip.lineSettled, isSeparator(buffer, lineStart, contentEnd, skip.cursor.previousLineBlank) {
                var message = skip.pending
                message.length = skip.consumed + lineStart
                return message
            }
            skip.cursor.previousLineBlank = !skip.lineSettled && contentEnd == lineStart
            skip.lineSettled = false
            skip.cursor.lineStart = next
            skip.cursor.searchedTo = next
            if lineEndIndex == count { return nil }
        }
    }

    /// How much of a From_ line longer than the limit is kept: 1000 bytes (RFC 5321 §4.5.3.1.6's line
    /// limit), or the message limit if smaller.
    static func envelopeBytesKept(_ limits: MailboxLimits) -> Int { min(1000, limits.maxMessageBytes) }

    func isSeparator(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ previousBlank: Bool) -> Bool {
        EnvelopeLine.startsWithFrom(buffer, start, end)
            && (previousBlank || EnvelopeLine.isWellFormed(buffer, start, end))
    }

    mutating func finishSkipping(_ message: MailboxMessage, entryEnd: Int, _ input: inout ByteSlice) -> MailboxMessage {
        state = .scanning(EntryScan())
        return finishEmitting(message, entryEnd: entryEnd, &input)
    }
}
