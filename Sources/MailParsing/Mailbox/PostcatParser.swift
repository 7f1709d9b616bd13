#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A push parser for the output of Postfix's `postcat` (its queue file printer, in its default form),
/// which is how a Postfix queue is read: `postcat -q QUEUE_ID...`, or `postcat FILE...` over the
/// files of `/var/spool/postfix/deferred`. Each queue file prints as
///
///     *** ENVELOPE RECORDS deferred/4F1B2C3D4E ***
///     message_size: ...
///     sender:
///     recipient: victim@example.org
///     *** MESSAGE CONTENTS deferred/4F1B2C3D4E ***
///     Received: ...                       <- the queued message, its lines as queued
///     ...
///     *** HEADER EXTRACTED deferred/4F1B2C3D4E ***
///     ...
///     *** MESSAGE FILE END deferred/4F1B2C3D4E ***
///
/// (postcat.c: the ENVELOPE RECORDS line before the first record, then a line for each of the records
/// REC_TYPE_MESG, REC_TYPE_XTRA and REC_TYPE_END). Feed it as `MboxParser` is fed: append bytes to
/// `input` and call `next(_:)` until it returns nil; at the end, `finish(_:)` until nil.
///
/// - A message is the text after its MESSAGE CONTENTS line, up to the HEADER EXTRACTED or MESSAGE FILE
///   END line that names the same queue file, or to the end of the input. A line of the message that
///   copies a marker ends nothing unless it names that queue file, whose ID was given when the message
///   had already been written.
/// - `offset` and `length` are the message's text in the input (so that `split` can copy it); the
///   envelope records and markers between messages are in no message's range.
/// - An entry without a MESSAGE CONTENTS line holds no message. Outside the messages, only markers and
///   the envelope's `sender:` and `recipient:` lines are read: they become the message's
///   `queueEnvelope` (its sender empty for `<>`; no arrival time, which postcat prints in the local
///   time of the machine that ran it). Recipients postcat lists after HEADER EXTRACTED (extracted
///   from the headers by `sendmail -t`) come after the message is returned and are not in it.
///
/// Limits: a message longer than `MailboxLimits.maxMessageBytes` is cut to it (`.truncated`; its
/// `length` still covers the whole text) and the rest is dropped as it comes; a line outside a message
/// longer than `maxMarkerBytes` is dropped as it comes (no marker is that long). So the input it holds
/// is bounded by `maxMessageBytes` plus one read, whatever it is fed.
/// - Complexity: O(n) in the bytes fed, however they are chunked.
public struct PostcatParser: Sendable {
    /// The path reported in each message's `source`.
    public let source: String
    /// The limits this parser keeps to.
    public let limits: MailboxLimits

    /// The longest line outside a message that is read as a possible marker: the fixed words plus a
    /// queue file's path (`PATH_MAX`).
    public static let maxMarkerBytes = 4096 + 64
    /// The most bytes of one entry's envelope addresses kept (its `sender:` and `recipient:` values,
    /// each no longer than `maxMarkerBytes`): recipients past it are not kept. 1 MiB.
    public static let maxEnvelopeBytes = 1 << 20

    private enum Phase: Sendable {
        /// Between messages (envelope records, extracted records, markers): looking for MESSAGE
        /// CONTENTS, each line dropped once read.
        case between
        /// In a message, held from `input.startIndex`, looking for its end marker.
        case message
        /// In a message past the limit: its head kept in `cut`, the rest dropped as it is read.
        case droppingMessage
    }

    private var phase = Phase.between
    /// Offset in the whole input of `input.startIndex`.
    private var streamOffset: Int
    private var index = 0
    /// Start of the first line not yet classified, from `input.startIndex`.
    private var lineStart = 0
    /// Bytes before this offset (from `input.startIndex`) hold no line end after `lineStart`.
    private var searchedTo = 0
    /// Set while the line at `lineStart` began before bytes already dropped: too long to be a marker.
    private var insideLongLine = false
    /// The queue file's path as the current entry's MESSAGE CONTENTS line gives it.
    private var queuePath: [UInt8] = []
    /// The message being dropped past the limit: its head, and where it began.
    private var cut: (head: ByteSlice, offset: Int, dropped: Int)?
    /// The current entry's envelope as read so far: its `sender:` value, its `recipient:` values and
    /// their bytes (bounded by `maxEnvelopeBytes`).
    private var envelopeSender: [UInt8]?
    private var envelopeRecipients: [[UInt8]] = []
    private var envelopeBytes = 0
    /// The envelope of the message being read, made at its MESSAGE CONTENTS line.
    private var messageEnvelope: QueueEnvelope?

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

    /// Bytes enough for `isPostcatOutput`.
    public static let bytesToDetect = envelopeRecords.count

    /// Whether `bytes` begin as `postcat` output does: with an ENVELOPE RECORDS line.
    public static func isPostcatOutput<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        bytes.starts(with: envelopeRecords)
    }

    /// The next message whose end is known, its bytes removed from the front of `input` with what
    /// precedes them; nil when more bytes are needed.
    public mutating func next(_ input: inout ByteSlice) -> MailboxMessage? {
        step(&input, atEnd: false)
    }

    /// At the end of the input: the next remaining message (one that runs to the end), or nil when all
    /// have been returned.
    public mutating func finish(_ input: inout ByteSlice) -> MailboxMessage? {
        step(&input, atEnd: true)
    }

    // MARK: - Markers (postcat.c)

    private static let envelopeRecords = Array("*** ENVELOPE RECORDS ".utf8)
    private static let messageContents = Array("*** MESSAGE CONTENTS ".utf8)
    private static let headerExtracted = Array("*** HEADER EXTRACTED ".utf8)
    private static let messageFileEnd = Array("*** MESSAGE FILE END ".utf8)
    private static let markerEnd = Array(" ***".utf8)
    // postcat.c prints REC_TYPE_FROM as "sender: " and REC_TYPE_RCPT as "recipient: ".
    private static let senderLabel = Array("sender:".utf8)
    private static let recipientLabel = Array("recipient:".utf8)

    /// Whether `line` (its content, without the line end) is `prefix`, a queue file's path, ` ***`; the path.
    private static func marker(_ line: ByteSlice, _ prefix: [UInt8]) -> ByteSlice? {
        guard line.count >= prefix.count + markerEnd.count, line.starts(with: prefix),
              line.suffix(markerEnd.count).elementsEqual(markerEnd) else { return nil }
        return line[(line.startIndex + prefix.count)..<(line.endIndex - markerEnd.count)]
    }

    /// Whether `line` is the marker `prefix` for the current entry's queue file.
    private func endsCurrent(_ line: ByteSlice, _ prefix: [UInt8]) -> Bool {
        guard let path = Self.marker(line, prefix) else { return false }
        return path.elementsEqual(queuePath)
    }

    // MARK: - The walk

    private mutating func step(_ input: inout ByteSlice, atEnd: Bool) -> MailboxMessage? {
        while true {
            // The next line: its content (without LF and a CR before it) and the offset after it.
            let base = input.startIndex
            let found: Int? = input.withUnsafeBufferPointer { buffer in
                let from = max(searchedTo, lineStart)
                guard from < buffer.count, let base = buffer.baseAddress,
                      let hit = memchr(base + from, Int32(ASCII.lineFeed), buffer.count - from) else { return nil }
                return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            }
            guard let lineEnd = found else {
                searchedTo = input.count
                if atEnd { return finishInput(&input) }
                dropWhatCannotMatter(&input)
                return nil
            }
            var contentEnd = lineEnd
            if contentEnd > lineStart, input[base + contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
            let line = input[(base + lineStart)..<(base + contentEnd)]
            let next = lineEnd + 1
            let longLine = insideLongLine
            insideLongLine = false
            switch phase {
            case .between:
                if !longLine, let path = Self.marker(line, Self.messageContents) {
                    queuePath = Array(path)
                    phase = .message
                    messageEnvelope = envelopeSender == nil && envelopeRecipients.isEmpty ? nil
                        : QueueEnvelope(sender: envelopeSender, recipients: envelopeRecipients, arrivalTime: nil)
                    forgetEnvelope()
                } else if !longLine, line.count <= Self.maxMarkerBytes {
                    readEnvelopeLine(line)
                }
                consume(next, &input)
            case .message, .droppingMessage:
                if !longLine, endsCurrent(line, Self.headerExtracted) || endsCurrent(line, Self.messageFileEnd) {
                    let markerBytes = next - lineStart
                    let message = phase == .message ? emit(end: lineStart, &input) : emitCut(end: lineStart, &input)
                    phase = .between
                    consume(markerBytes, &input)
                    return message
                }
                lineStart = next
                if phase == .droppingMessage {
                    dropLines(&input)
                } else if lineStart > limits.maxMessageBytes {
                    beginDropping(&input)
                }
            }
        }
    }

    /// Reads a line outside the messages: an ENVELOPE RECORDS line starts a new envelope, a `sender:`
    /// or `recipient:` line adds to it (its value without the spaces around it).
    private mutating func readEnvelopeLine(_ line: ByteSlice) {
        if Self.marker(line, Self.envelopeRecords) != nil {
            forgetEnvelope()
        } else if line.starts(with: Self.senderLabel) {
            let value = line.dropFirst(Self.senderLabel.count).trimmingWhitespace()
            if envelopeBytes + value.count <= Self.maxEnvelopeBytes {
                envelopeSender = Array(value)
                envelopeBytes += value.count
            }
        } else if line.starts(with: Self.recipientLabel) {
            let value = line.dropFirst(Self.recipientLabel.count).trimmingWhitespace()
            if envelopeBytes + value.count <= Self.maxEnvelopeBytes {
                envelopeRecipients.append(Array(value))
                envelopeBytes += value.count
            }
        }
    }

    private mutating func forgetEnvelope() {
        envelopeSender = nil
        envelopeRecipients = []
        envelopeBytes = 0
    }

    /// Drops `count` bytes from the front of `input`, lines already classified.
    private mutating func consume(_ count: Int, _ input: inout ByteSlice) {
        input = input[(input.startIndex + count)...]
        streamOffset += count
        lineStart = 0
        searchedTo = 0
    }

    /// With no line end in sight: a partial line outside a message that is too long to be a marker is
    /// dropped (and its rest with it, as it comes); in a message past the limit, the same.
    private mutating func dropWhatCannotMatter(_ input: inout ByteSlice) {
        switch phase {
        case .between:
            if input.count - lineStart > Self.maxMarkerBytes {
                insideLongLine = true
                consume(input.count, &input)
            }
        case .message:
            if input.count > limits.maxMessageBytes { beginDropping(&input, partialLine: true) }
        case .droppingMessage:
            dropLines(&input, partialLine: true)
        }
    }

    /// The message so far is longer than the limit: its head is kept, the rest of the lines read are
    /// dropped.
    private mutating func beginDropping(_ input: inout ByteSlice, partialLine: Bool = false) {
        let kept = ByteSlice(input.prefix(limits.maxMessageBytes))
        cut = (kept, streamOffset, 0)
        phase = .droppingMessage
        dropLines(&input, partialLine: partialLine)
    }

    /// In a message being dropped: the lines classified go, and with `partialLine` (no line end in the
    /// input after them) the line being read too when it is too long to be a marker.
    private mutating func dropLines(_ input: inout ByteSlice, partialLine: Bool = false) {
        var count = lineStart
        if partialLine, input.count - lineStart > Self.maxMarkerBytes {
            count = input.count
            insideLongLine = true
        }
        guard count > 0 else { return }
        cut?.dropped += count
        consume(count, &input)
    }

    /// The message `input[..<end]`, removed from `input`.
    private mutating func emit(end: Int, _ input: inout ByteSlice) -> MailboxMessage {
        let bytes = input[input.startIndex..<(input.startIndex + end)]
        let message = MailboxMessage(source: source, index: index, offset: streamOffset, length: end, envelopeLine: nil,
                                     bytes: bytes, defects: [], raw: bytes, queueEnvelope: messageEnvelope)
        messageEnvelope = nil
        index += 1
        consume(end, &input)
        return message
    }

    /// The message cut at the limit, its dropped bytes and `input[..<end]` counted in its length.
    private mutating func emitCut(end: Int, _ input: inout ByteSlice) -> MailboxMessage {
        let (head, offset, dropped) = cut ?? (ByteSlice(), streamOffset, 0)
        cut = nil
        let message = MailboxMessage(source: source, index: index, offset: offset, length: dropped + end,
                                     envelopeLine: nil, bytes: head, defects: .truncated, raw: nil,
                                     queueEnvelope: messageEnvelope)
        messageEnvelope = nil
        index += 1
        consume(end, &input)
        return message
    }

    /// At the end of the input: a message that runs to it is returned; the rest goes.
    private mutating func finishInput(_ input: inout ByteSlice) -> MailboxMessage? {
        switch phase {
        case .message:
            phase = .between
            guard !input.isEmpty else { return nil }
            if input.count > limits.maxMessageBytes {
                beginDropping(&input)
                phase = .between
                return emitCut(end: input.count, &input)
            }
            var message = emit(end: input.count, &input)
            if message.bytes.last != ASCII.lineFeed { message.defects.insert(.missingFinalNewline) }
            return message
        case .droppingMessage:
            phase = .between
            return emitCut(end: input.count, &input)
        case .between:
            consume(input.count, &input)
            return nil
        }
    }
}
