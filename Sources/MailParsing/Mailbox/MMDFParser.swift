#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A push parser for MMDF mailboxes, the other mbox: SCO's and MMDF's own spool format, which Mutt and
/// NeoMutt still write (`mbox_type=MMDF`). Every message stands between two lines of four Control-A bytes
/// (mmdf(5)):
///
///     ^A^A^A^A
///     From MAILER-DAEMON Sat Dec  5 10:00:00 2026      <- optional: Mutt writes one, MMDF did not
///     Return-Path: <>
///     ...
///     ^A^A^A^A
///     ^A^A^A^A
///     ...the next message...
///     ^A^A^A^A
///
/// Feed it as `MboxParser` is fed: append bytes to `input` and call `next(_:)` until it returns nil; at
/// the end, `finish(_:)` until nil. Line ends are LF, CRLF or CR-only, told by the first line end
/// (`MboxParser`'s rule).
///
/// - A separator line is exactly four `0x01` bytes and its line end. The format quotes nothing, so a message
///   line of exactly four Control-A bytes would end its message; Control-A is no text character, and mail
///   does not hold such a line in practice.
/// - The message is every byte between its separators, as written; a `From ` line right after the
///   opening separator is its envelope (`envelopeLine`, `.oddEnvelopeLine` when it is not dated as
///   `EnvelopeLine` expects), unless it is a `From :` header field (RFC 5322 §4.5.3, obs-optional) or
///   longer than 1000 bytes (RFC 5321 §4.5.3.1.6).
/// - `offset` and `length` are the message's text in the input, its separators and envelope line left
///   out (as `PostcatParser` leaves out its markers), so `raw` is the message itself and `split` writes it
///   into an mbox as it writes a message file, with a From_ line and mboxrd quoting.
/// - Hostile or damaged files: blank lines between messages are passed over; any other line there starts
///   a message without its opening separator (`.missingSeparator`), which runs to the next separator.
///   Bytes before the first separator are a message of their own (`.leadingGarbage`) and that separator
///   opens the first message. A message that runs to the end of the input
///   without its closing separator is `.missingSeparator` too. Two separators with nothing between
///   them hold no message. A `Content-Length` header is not read (Mutt trusts one only where it ends on a
///   separator, which the search for separators finds as well, unless a body held a separator line, which
///   the format cannot carry anyway).
///
/// Limits: a message longer than `MailboxLimits.maxMessageBytes` is cut to it (`.truncated`; its
/// `length` still covers the whole text) and the rest is dropped as it comes. So the input it holds is
/// bounded by `maxMessageBytes` plus one read, whatever it is fed.
/// - Complexity: O(n) in the bytes fed, however they are chunked: the separators are found with memchr(3)
///   for Control-A, which mail text almost never holds.
public struct MMDFParser: Sendable {
    /// The path reported in each message's `source`.
    public let source: String
    /// The limits this parser keeps to.
    public let limits: MailboxLimits

    /// The byte a separator line is made of: Control-A (mmdf(5)).
    static let controlA: UInt8 = 0x01
    /// The longest From_ line taken for an envelope after the opening separator, line end aside: RFC
    /// 5321 §4.5.3.1.6's line limit (`MboxParser.envelopeBytesKept` keeps as much). A longer line is the
    /// message's first. 1,000 bytes.
    public static let maxEnvelopeBytes = 1000

    private enum Phase: Sendable {
        /// Between messages, at a line start: after a closing separator, or at the start of the input.
        case outside
        /// At the first line after an opening separator, where a From_ line is the envelope.
        case opened
        /// In a message, held from `input.startIndex`; its text starts at `messageStart`.
        case message
        /// In a message past the limit: its head kept in `cut`, the rest dropped as it is read.
        case dropping
    }

    /// A message being dropped past the limit.
    private struct Cut: Sendable {
        var head: ByteSlice
        var envelope: ByteSlice?
        /// Where its text starts in the whole input.
        var offset: Int
    }

    private var phase = Phase.outside
    /// The byte that ends lines (LF for LF and CRLF input, CR for CR-only); nil until the first line end.
    private var lineEnd: UInt8?
    /// How far the line end has been looked for while it is not known.
    private var lineEndSearchedTo = 0
    /// Offset in the whole input of `input.startIndex`.
    private var streamOffset: Int
    private var index = 0
    /// A separator line has been read: content outside a message lacks its opening separator.
    private var sawSeparator = false
    /// The message being read: where its text starts, where its envelope's content ends (the envelope is
    /// `input[..<envelopeEnd]`), both from `input.startIndex` while `.message`; and its defects so far.
    private var messageStart = 0
    private var envelopeEnd: Int?
    private var defects: MailboxDefects = []
    /// Bytes before this offset (from `input.startIndex`) hold no separator line of the current message.
    private var searchedTo = 0
    private var cut: Cut?

    /// Creates a parser.
    /// - Parameters:
    ///   - source: the path to report in `MailboxMessage.source`.
    ///   - limits: bounds on message size.
    ///   - startOffset: offset in `source` of the first byte that will be fed.
    public init(source: String = "-", limits: MailboxLimits = .init(), startOffset: Int = 0) {
        self.source = source
        self.limits = limits
        self.streamOffset = startOffset
    }

    /// Bytes enough for `isMMDF`: a separator and a CRLF line end.
    public static let bytesToDetect = 6

    /// Whether `bytes` begin as an MMDF mailbox does: with a separator line (four Control-A bytes, then
    /// CR or LF).
    public static func isMMDF<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var i = bytes.startIndex
        for _ in 0..<4 {
            guard i != bytes.endIndex, bytes[i] == controlA else { return false }
            i = bytes.index(after: i)
        }
        return i != bytes.endIndex && (bytes[i] == ASCII.lineFeed || bytes[i] == ASCII.carriageReturn)
    }

    /// The next message whose end is known, removed from the front of `input` with the separators and
    /// blank lines before it; nil when more bytes are needed.
    public mutating func next(_ input: inout ByteSlice) -> MailboxMessage? {
        step(&input, atEnd: false)
    }

    /// At the end of the input: the next remaining message (one that runs to the end), or nil when all
    /// have been returned.
    public mutating func finish(_ input: inout ByteSlice) -> MailboxMessage? {
        step(&input, atEnd: true)
    }
}

// MARK: - The walk

extension MMDFParser {
    /// What the line at an offset is, from its first bytes.
    private enum Line {
        /// Not decidable from the bytes there are.
        case needMore
        /// An empty line, its line end this many bytes.
        case blank(Int)
        /// A separator line of this many bytes, its line end included.
        case separator(Int)
        /// Anything else.
        case content
    }

    private mutating func step(_ input: inout ByteSlice, atEnd: Bool) -> MailboxMessage? {
        if lineEnd == nil {
            switch MboxParser.detectLineEnding(input, from: lineEndSearchedTo, atEnd: atEnd, within: limits.maxMessageBytes) {
            case .decided(let byte):
                lineEnd = byte
            case .undecided(let searched):
                guard atEnd else {
                    lineEndSearchedTo = searched
                    return nil
                }
                lineEnd = ASCII.lineFeed  // no line end at all
            }
        }
        while true {
            switch phase {
            case .outside:
                guard !input.isEmpty else { return nil }
                switch line(input, at: 0, atEnd: atEnd) {
                case .needMore:
                    return nil
                case .blank(let length):
                    consume(length, &input)
                case .separator(let length):
                    consume(length, &input)
                    sawSeparator = true
                    phase = .opened
                case .content:
                    // A message without its opening separator: it runs to the next one.
                    begin(at: 0, envelopeEnd: nil, defects: sawSeparator ? .missingSeparator : .leadingGarbage)
                }

            case .opened:
                guard !input.isEmpty else { return nil }  // a separator at the very end opens nothing
                switch line(input, at: 0, atEnd: atEnd) {
                case .needMore:
                    return nil
                case .separator(let length):
                    // Two separators with nothing between them: no message; the second one closes.
                    consume(length, &input)
                    phase = .outside
                case .blank, .content:
                    switch envelope(input, atEnd: atEnd) {
                    case .needMore:
                        return nil
                    case .none:
                        begin(at: 0, envelopeEnd: nil, defects: [])
                    case .envelope(let contentEnd, let next, let odd):
                        begin(at: next, envelopeEnd: contentEnd, defects: odd ? .oddEnvelopeLine : [])
                    }
                }

            case .message, .dropping:
                if let (at, length) = findSeparator(input, atEnd: atEnd) {
                    // Bytes before the first separator were no message MMDF wrote: the separator after
                    // them opens the first one rather than closing them.
                    let opensNext = defects.contains(.leadingGarbage)
                    let message = emit(end: at, &input)
                    consume(length, &input)
                    sawSeparator = true
                    phase = opensNext ? .opened : .outside
                    return message
                }
                if atEnd {
                    // To the end of the input without its closing separator.
                    defects.insert(.missingSeparator)
                    let last = input.last
                    if last != lineEnd, phase == .dropping || input.count > messageStart {
                        defects.insert(.missingFinalNewline)
                    }
                    let message = emit(end: input.count, &input)
                    phase = .outside
                    return message
                }
                // Held past the limit and a separator line's bytes: the message will be cut, so its
                // head is kept and the rest dropped as it comes.
                if phase == .message, input.count - messageStart > limits.maxMessageBytes + Self.bytesToDetect + 2 {
                    beginDropping(&input)
                }
                if phase == .dropping { dropSettled(&input) }
                return nil
            }
        }
    }

    /// Starts a message whose text begins at `start`.
    private mutating func begin(at start: Int, envelopeEnd: Int?, defects: MailboxDefects) {
        messageStart = start
        self.envelopeEnd = envelopeEnd
        self.defects = defects
        searchedTo = start
        phase = .message
    }

    /// What the line at `offset` is (`offset` a line start).
    private func line(_ input: ByteSlice, at offset: Int, atEnd: Bool) -> Line {
        let lineEnd = self.lineEnd ?? ASCII.lineFeed
        let count = input.count - offset
        let base = input.startIndex + offset
        // The line end at `base + at`: its length, 0 when there is none there, nil when it is not known yet.
        func lineEndLength(at: Int) -> Int? {
            guard at < count else { return atEnd ? 0 : nil }
            let byte = input[base + at]
            if byte == lineEnd { return 1 }
            guard lineEnd == ASCII.lineFeed, byte == ASCII.carriageReturn else { return 0 }
            guard at + 1 < count else { return atEnd ? 0 : nil }
            return input[base + at + 1] == ASCII.lineFeed ? 2 : 0
        }
        if input[base] == Self.controlA {
            for k in 1..<4 {
                guard k < count else { return atEnd ? .content : .needMore }
                if input[base + k] != Self.controlA { return .content }
            }
            guard let ending = lineEndLength(at: 4) else { return .needMore }
            // Four Control-A bytes at the very end are a separator without its line end.
            if ending == 0, 4 < count { return .content }
            return .separator(4 + ending)
        }
        guard let ending = lineEndLength(at: 0) else { return .needMore }
        return ending > 0 ? .blank(ending) : .content
    }

    /// What the first line after an opening separator is.
    private enum EnvelopeLook {
        /// Not decidable from the bytes there are.
        case needMore
        /// Not an envelope: the message starts with it.
        case none
        /// An envelope line: its content's end, the offset after its line end, and whether its shape is odd.
        case envelope(contentEnd: Int, next: Int, odd: Bool)
    }

    /// `From ` at the start of every mbox envelope line (RFC 4155 §2).
    private static let fromSpace: [UInt8] = [0x46, 0x72, 0x6F, 0x6D, 0x20]

    /// Whether the first line of `input` is an envelope line: `From `, no colon after the blanks that follow,
    /// and its line end within `maxEnvelopeBytes`.
    private func envelope(_ input: ByteSlice, atEnd: Bool) -> EnvelopeLook {
        let lineEnd = self.lineEnd ?? ASCII.lineFeed
        return input.withUnsafeBufferPointer { buffer -> EnvelopeLook in
            let count = buffer.count
            guard let base = buffer.baseAddress else { return .none }
            for k in 0..<Self.fromSpace.count {
                guard k < count else { return atEnd ? .none : .needMore }
                if buffer[k] != Self.fromSpace[k] { return .none }
            }
            let window = min(count, Self.maxEnvelopeBytes + 2)
            guard let hit = memchr(base, Int32(lineEnd), window) else {
                return atEnd || count >= Self.maxEnvelopeBytes + 2 ? .none : .needMore
            }
            let end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            var contentEnd = end
            if lineEnd == ASCII.lineFeed, contentEnd > 0, buffer[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
            guard contentEnd <= Self.maxEnvelopeBytes,
                  !EnvelopeLine.isFromFieldWithBlanks(buffer[..<contentEnd]) else { return .none }
            return .envelope(contentEnd: contentEnd, next: end + 1, odd: EnvelopeLine.isOdd(buffer, 0, contentEnd))
        }
    }

    /// The current message's closing separator, from `searchedTo` on: its offset and length; nil when it
    /// is not in `input` (with `searchedTo` moved past what cannot hold one).
    private mutating func findSeparator(_ input: ByteSlice, atEnd: Bool) -> (Int, Int)? {
        let lineEnd = self.lineEnd ?? ASCII.lineFeed
        let count = input.count
        var from = searchedTo
        while from < count {
            let hit: Int? = input.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress,
                      let found = memchr(base + from, Int32(Self.controlA), count - from) else { return nil }
                return UnsafeRawPointer(found) - UnsafeRawPointer(base)
            }
            guard let at = hit else { break }
            // A separator starts a line: the message's first, or one after a line end.
            let startsLine = (phase == .message && at == messageStart) || (at > 0 && input[input.startIndex + at - 1] == lineEnd)
            if startsLine {
                switch line(input, at: at, atEnd: atEnd) {
                case .separator(let length):
                    searchedTo = at
                    return (at, length)
                case .needMore:
                    searchedTo = at
                    return nil
                case .blank, .content:
                    break
                }
            }
            from = at + 1
        }
        searchedTo = count
        return nil
    }

    /// The message is longer than the limit: its head (and envelope) kept, its bytes dropped from here on.
    private mutating func beginDropping(_ input: inout ByteSlice) {
        let base = input.startIndex
        let head = ByteSlice(input[(base + messageStart)..<(base + messageStart + limits.maxMessageBytes)])
        let envelope = envelopeEnd.map { ByteSlice(input[base..<(base + $0)]) }
        cut = Cut(head: head, envelope: envelope, offset: streamOffset + messageStart)
        defects.insert(.truncated)
        phase = .dropping
    }

    /// While dropping: every byte before `searchedTo` goes but the last, which tells whether a separator
    /// starts at `searchedTo` (a line end before it). From `searchedTo` on are the bytes of a separator
    /// arriving in pieces, if any.
    private mutating func dropSettled(_ input: inout ByteSlice) {
        let drop = searchedTo - 1
        if drop > 0 { consume(drop, &input) }
    }

    /// The message ending at `end` (from `input.startIndex`), its bytes not yet dropped from `input`.
    private mutating func emit(end: Int, _ input: inout ByteSlice) -> MailboxMessage {
        let base = input.startIndex
        var message: MailboxMessage
        if phase == .dropping, let cut {
            message = MailboxMessage(source: source, index: index, offset: cut.offset,
                                     length: streamOffset + end - cut.offset, envelopeLine: cut.envelope,
                                     bytes: cut.head, defects: defects, raw: nil)
            self.cut = nil
        } else {
            let length = end - messageStart
            let truncated = length > limits.maxMessageBytes
            if truncated { defects.insert(.truncated) }
            let kept = min(length, limits.maxMessageBytes)
            let bytes = input[(base + messageStart)..<(base + messageStart + kept)]
            message = MailboxMessage(source: source, index: index, offset: streamOffset + messageStart, length: length,
                                     envelopeLine: envelopeEnd.map { input[base..<(base + $0)] },
                                     bytes: bytes, defects: defects, raw: truncated ? nil : bytes)
        }
        index += 1
        consume(end, &input)
        return message
    }

    /// Drops `count` bytes from the front of `input`. Never while a message is held from its start
    /// (`.message`), so `messageStart` and `envelopeEnd` need not move; `searchedTo` does, for dropping.
    private mutating func consume(_ count: Int, _ input: inout ByteSlice) {
        input = input[(input.startIndex + count)...]
        streamOffset += count
        searchedTo = max(0, searchedTo - count)
    }
}
