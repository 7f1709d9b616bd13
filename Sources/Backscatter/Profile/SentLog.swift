#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// One message the site sent, as its sent log records it.
public struct SentLogEntry: Sendable, Hashable {
    /// The Message-ID without angle brackets, as written.
    public var messageID: String
    /// When it was sent, in seconds since 1970 UTC, when the log says (an RFC 3339 time).
    public var sentAt: Double?
    /// The envelope sender, when the log says (BATV-tagged as it was sent, e.g. `prvs=...=alice@acme.example`).
    public var sender: String?
    /// The recipients, when the log says.
    public var recipients: [String]

    /// An entry.
    public init(messageID: String, sentAt: Double? = nil, sender: String? = nil, recipients: [String] = []) {
        self.messageID = messageID
        self.sentAt = sentAt
        self.sender = sender
        self.recipients = recipients
    }
}

/// The Message-IDs of the mail the site sent, loaded from a `[sent_log]` file.
///
/// These formats are read, line by line, and may even be mixed:
/// - one Message-ID per line (angle brackets optional);
/// - a TSV (backscatter-dev/sent.log): the first column that is `<id@host>` is the Message-ID, an RFC 3339
///   first column the send time, the column after the id the envelope sender, then the recipients;
/// - a Postfix mail log: `QUEUEID: message-id=<...>` (cleanup), with `QUEUEID: from=<...>` (qmgr) for the
///   sender and `QUEUEID: to=<...>` (smtp) for recipients, joined by queue id; an RFC 3339 syslog time
///   (rsyslog's high-precision format) at the start of the line becomes the send time;
/// - a Sendmail log (`QUEUEID: from=<...>, ..., msgid=<...>` and `QUEUEID: to=<...>, ..., mailer=esmtp`);
/// - an Exim main log (`<=` arrival lines with `id=`, and the lines of deliveries and attempts: `=>`,
///   `->`, `>>`, `**` failed, `==` deferred).
/// In the mail logs, a message delivered only locally (inbound mail) is left out.
/// Lines starting with `#` and blank lines are skipped.
///
/// Memory: the log's bytes are kept, and its TSV lines and bare ids are indexed where they are
/// (`FoldedByteIndex`: no String per id or recipient), made `SentLogEntry`s only when asked for; so are
/// the entries of mail logs, joined from several lines by queue id as ranges of the same bytes. Lines of
/// ASCII (nearly all) are read on their bytes, others as Strings, with the same result.
public struct SentLog: Sendable, Hashable {
    /// The path as the profile wrote it.
    public var path: String
    /// The file actually read (relative paths resolved against the profile's folder).
    public var resolvedPath: String
    /// The bytes read; a TSV line or a bare id is kept here, and made an entry only when asked for.
    private var text: [UInt8] = []
    /// The ASCII Message-IDs found in `text` (TSV lines, bare ids), by their key's range (`asciiKeyRange`).
    private var idIndex = FoldedByteIndex()
    /// Where each entry of `idIndex` is.
    private var idLocations: [Location] = []
    /// The other ids by key (`key(_:)`): non-ASCII ones, and those of `assembled` entries not in `idIndex`.
    private var otherIDs: [String: Location] = [:]
    /// Inserted entries (`insert`).
    private var assembled: [SentLogEntry] = []
    /// Entries joined from mail-log lines, their values ranges of `text` (see `LoggedEntry`).
    private var logged: [LoggedEntry] = []
    /// The recipients of `logged`'s entries, each entry's a run of them.
    private var loggedRecipients: [Range<Int>] = []
    /// The ASCII recipients found in `text`.
    private var recipientIndex = FoldedByteIndex()
    /// The other recipients, lower case: non-ASCII ones, and those of `assembled` entries.
    private var otherRecipients: Set<String> = []
    /// The earliest and the latest send time of the entries that have one.
    public private(set) var span: ClosedRange<Double>?

    /// Where an entry is: a line of `text` (parsed again when the entry is asked for: a scan asks only
    /// whether an id is there), or one of `assembled`.
    private enum Location: Sendable, Hashable {
        case line(start: Int, end: Int)
        case assembled(Int)
        case logged(Int)
    }

    /// A message a mail log tells of, joined from its lines by queue id: its values are ranges of `text`
    /// (of the log's bytes, or of those added after them for a line that is not ASCII, whose values were
    /// read as Strings), made Strings only when the entry is asked for.
    private struct LoggedEntry: Sendable, Hashable {
        var messageID: Range<Int>
        var sentAt: Double?
        var sender: Range<Int>?
        /// Its recipients' places in `loggedRecipients`.
        var recipients: Range<Int>
    }

    /// An empty log for `path`.
    public init(path: String, resolvedPath: String) {
        self.path = path
        self.resolvedPath = resolvedPath
    }

    /// The number of distinct Message-IDs.
    public var count: Int { idIndex.count + otherIDs.count }

    /// The entry for a Message-ID (with or without angle brackets; compared ignoring ASCII case).
    public func entry(forMessageID id: some StringProtocol) -> SentLogEntry? {
        location(of: id).map(entry(at:))
    }

    /// When the message with this Message-ID was sent and to whom, as `entry(forMessageID:)` gives them
    /// (without making the entry's id and sender Strings); nil when the id is not in the log. The
    /// recipients are nil when the log names more than `recipientLimit` of them (a recipient named again
    /// counted again): a bulk mailing's list, made for each of its bounces, would cost its length each.
    /// A negative limit is 0.
    public func sending(ofMessageID id: some StringProtocol, recipientLimit: Int = .max)
        -> (sentAt: Double?, recipients: [String]?)? {
        guard let location = location(of: id) else { return nil }
        let limit = max(recipientLimit, 0)
        switch location {
        case .assembled(let i):
            let e = assembled[i]
            return (e.sentAt, e.recipients.count <= limit ? e.recipients : nil)
        case .logged(let i):
            let e = logged[i]
            guard e.recipients.count <= limit else { return (e.sentAt, nil) }
            return (e.sentAt, loggedRecipients[e.recipients].map { String(decoding: text[$0], as: UTF8.self) })
        case .line(let start, let end):
            return text.withUnsafeBufferPointer { buffer -> (sentAt: Double?, recipients: [String]?) in
                // (No more of a long recipients column read than the limit needs: `forEachRecipient`.)
                guard let c = SentLog.tsvColumns(buffer, start, end) else { return (nil, []) }
                let sentAt = c.time.flatMap { SentLog.sendTime(UnsafeBufferPointer(rebasing: buffer[$0])) }
                guard let column = c.recipients else { return (sentAt, []) }
                var pieces: [Range<Int>] = [], over = false
                SentLog.forEachRecipient(in: buffer, column) { piece in
                    over = pieces.count == limit
                    if !over { pieces.append(piece) }
                    return !over
                }
                return (sentAt, over ? nil : pieces.map { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) })
            }
        }
    }

    /// Whether the site sent the message with this Message-ID.
    public func contains(messageID id: some StringProtocol) -> Bool {
        location(of: id) != nil
    }

    /// All entries, in no particular order (made on each call).
    public var allEntries: [SentLogEntry] { (idLocations + otherIDs.values).map(entry(at:)) }

    /// Every recipient of every entry, lower case: the addresses the log says we wrote to (made on
    /// each call; `wasSent(to:)` asks for one).
    public var recipients: Set<String> {
        otherRecipients.union(recipientIndex.keys.map { ASCII.lowercasedString(text[$0]) })
    }

    /// Whether any entry names a recipient.
    public var hasRecipients: Bool { recipientIndex.count + otherRecipients.count > 0 }

    /// Whether the log names `address`, in lower case as the classifier writes addresses, among the
    /// recipients (an address with an upper-case letter is never found, as in `recipients`).
    public func wasSent(to address: String) -> Bool {
        var native = address   // native, so that its UTF-8 can be read in place
        let indexed = native.withUTF8 { utf8 -> Bool? in
            if utf8.contains(where: ASCII.isUppercase) { return false }
            guard ASCII.isASCII(utf8) else { return nil }
            return text.withUnsafeBufferPointer({ recipientIndex.find(utf8, in: $0) }) != nil ? true : nil
        }
        return indexed ?? otherRecipients.contains(address)
    }

    /// Adds or replaces an entry.
    public mutating func insert(_ entry: SentLogEntry) {
        assembled.append(entry)
        let location = Location.assembled(assembled.count - 1)
        var key = SentLog.key(entry.messageID)
        let indexed = key.withUTF8 { utf8 in
            ASCII.isASCII(utf8) ? text.withUnsafeBufferPointer { idIndex.find(utf8, in: $0) } : nil
        }
        if let indexed { idLocations[indexed] = location } else { otherIDs[key] = location }
        for r in entry.recipients { otherRecipients.insert(r.lowercasedIfNeeded()) }
        if let t = entry.sentAt { widenSpan(t) }
    }

    /// Widens `span` to `time` (an entry replaced later does not shrink it, nor the recipients).
    private mutating func widenSpan(_ time: Double) {
        span = span.map { min($0.lowerBound, time)...max($0.upperBound, time) } ?? time...time
    }

    private func location(of id: some StringProtocol) -> Location? {
        var text = String(id)   // native, so that its UTF-8 can be read in place
        let indexed = text.withUTF8 { utf8 -> Location? in
            guard ASCII.isASCII(utf8) else { return nil }
            let key = UnsafeBufferPointer(rebasing: utf8[SentLog.asciiKeyRange(utf8)])
            return self.text.withUnsafeBufferPointer { idIndex.find(key, in: $0) }.map { idLocations[$0] }
        }
        if let indexed { return indexed }
        return otherIDs.isEmpty ? nil : otherIDs[SentLog.key(id)]
    }

    /// Indexes an id, `text[id]`.
    private mutating func indexID(_ id: Range<Int>, at location: Location, text: UnsafeBufferPointer<UInt8>) {
        let bytes = UnsafeBufferPointer(rebasing: text[id])
        guard ASCII.isASCII(bytes) else {
            otherIDs[SentLog.key(String(decoding: bytes, as: UTF8.self))] = location
            return
        }
        // A later line replaces an entry inserted before it, as it replaces an earlier line's.
        if !otherIDs.isEmpty { otherIDs.removeValue(forKey: SentLog.asciiKey(bytes)) }
        let key = SentLog.asciiKeyRange(bytes)
        let (entry, inserted) = idIndex.insert((id.lowerBound + key.lowerBound)..<(id.lowerBound + key.upperBound), in: text)
        if inserted { idLocations.append(location) } else { idLocations[entry] = location }
    }

    /// Indexes a recipient, `text[recipient]`.
    private mutating func indexRecipient(_ recipient: Range<Int>, text: UnsafeBufferPointer<UInt8>) {
        let bytes = UnsafeBufferPointer(rebasing: text[recipient])
        guard ASCII.isASCII(bytes) else {
            otherRecipients.insert(String(decoding: bytes, as: UTF8.self).lowercased())
            return
        }
        _ = recipientIndex.insert(recipient, in: text)
    }

    /// The first index of `byte` in `text[from..<to]`, by `memchr`.
    private static func index(of byte: UInt8, in text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let base = text.baseAddress,
              let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    private func entry(at location: Location) -> SentLogEntry {
        switch location {
        case .assembled(let i):
            return assembled[i]
        case .logged(let i):
            let e = logged[i]
            func string(_ range: Range<Int>) -> String { String(decoding: text[range], as: UTF8.self) }
            return SentLogEntry(messageID: string(e.messageID), sentAt: e.sentAt, sender: e.sender.map(string),
                                recipients: loggedRecipients[e.recipients].map(string))
        case .line(let start, let end):
            return text.withUnsafeBufferPointer { buffer in
                func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self) }
                guard let c = SentLog.tsvColumns(buffer, start, end) else { return SentLogEntry(messageID: string(SentLog.unbracket(buffer, start..<end))) }
                var entry = SentLogEntry(messageID: string(c.id))
                entry.sentAt = c.time.flatMap { SentLog.sendTime(UnsafeBufferPointer(rebasing: buffer[$0])) }
                if let sender = c.sender, !SentLog.trimmed(buffer, sender).isEmpty { entry.sender = string(SentLog.unbracket(buffer, sender)) }
                if let column = c.recipients {
                    SentLog.forEachRecipient(in: buffer, column) { entry.recipients.append(string($0)); return true }
                }
                return entry
            }
        }
    }

    /// The lookup key: brackets and whitespace removed, ASCII lower case. Message-IDs are case-sensitive
    /// by RFC 5322, but MTAs that rewrite them change case, and two ids differing only in case do not occur.
    static func stripBrackets(_ id: some StringProtocol) -> String {
        var s = Substring(id).trimmedSlice
        if s.hasPrefix("<") { s = s.dropFirst() }
        if s.hasSuffix(">") { s = s.dropLast() }
        return String(s)
    }

    static func key(_ id: some StringProtocol) -> String {
        var text = String(id)   // native, so that its UTF-8 can be read in place
        return text.withUTF8 { utf8 -> String in
            ASCII.isASCII(utf8) ? asciiKey(utf8) : stripBrackets(id).lowercased()
        }
    }

    /// `key` of an ASCII id given as bytes (nearly every id), written straight into the String.
    static func asciiKey<Bytes: RandomAccessCollection<UInt8>>(_ utf8: Bytes) -> String where Bytes.Index == Int {
        ASCII.lowercasedString(utf8[asciiKeyRange(utf8)])
    }

    /// The part of an ASCII id `asciiKey` keeps (before lower-casing it): whitespace and one leading
    /// `<` and one trailing `>` removed.
    static func asciiKeyRange<Bytes: RandomAccessCollection<UInt8>>(_ utf8: Bytes) -> Range<Int> where Bytes.Index == Int {
        var start = utf8.startIndex, end = utf8.endIndex
        while start < end, ASCII.isWhitespaceOrNewline(utf8[start]) { start += 1 }
        while start < end, ASCII.isWhitespaceOrNewline(utf8[end - 1]) { end -= 1 }
        if start < end, utf8[start] == ASCII.lessThan { start += 1 }
        if start < end, utf8[end - 1] == ASCII.greaterThan { end -= 1 }
        return start..<end
    }

    /// What a mail log says about one queue id: ranges of `text` (see `LoggedEntry`).
    private struct QueueRecord {
        var messageID: Range<Int>?
        var sentAt: Double?
        var sender: Range<Int>?
        var recipients: [Range<Int>] = []
        /// Whether any delivery line was seen for it, and whether one went out to a remote host.
        var hasDelivery = false
        var deliveredRemotely = false
    }

    /// Reads log text in any of the supported formats (see the type's documentation).
    ///
    /// A mail log also records mail the site received. A queue id whose deliveries are all local
    /// (Postfix `local`/`virtual`/`lmtp`, Sendmail `mailer=local`, Exim local transports) is inbound mail and
    /// is left out; one with a remote delivery (Postfix `smtp`/`relay`, Sendmail `mailer=esmtp|relay|smtp`,
    /// Exim SMTP transports) or with no delivery line in the log is kept.
    mutating func read(_ text: String) {
        read(bytes: Array(text.utf8))
    }

    /// Reads log bytes (UTF-8; invalid bytes repaired), line by line (LF, CRLF or CR).
    /// - Complexity: O(n); lines are cut on bytes, not on grapheme clusters, so big logs read fast.
    mutating func read(bytes: [UInt8]) {
        // Lines are indexed as ranges of `text`: the bytes themselves on a first read (no copy).
        let base = text.count
        if text.isEmpty { text = bytes } else { text += bytes }
        var mailLog = MailLogReading(valuesBase: text.count)
        do {
            let all = text   // the same storage, read by the indexes while they change
            all.withUnsafeBufferPointer { readLines(base: base, text: $0, mailLog: &mailLog) }
        }
        guard !mailLog.records.isEmpty else { return }
        // The values of lines that are not ASCII, after the log (`MailLogReading.values`).
        if !mailLog.values.isEmpty { text += mailLog.values }
        let all = text
        all.withUnsafeBufferPointer { insertLogged(mailLog.records, text: $0) }
    }

    /// The queue records of the mail-log lines `readLines` reads, each queue id's in the order the ids
    /// first appear (keys compare as Strings do, as the Substrings of the lines did before them); and the
    /// values read as Strings from lines that are not ASCII, put after the log's bytes in `text` at
    /// `valuesBase` (where the log ends), so that every value is a range of `text`.
    private struct MailLogReading {
        var valuesBase: Int
        var values: [UInt8] = []
        var places: [String: Int] = [:]
        var records: [QueueRecord] = []

        /// Changes the record of `queueID`, made at its first line.
        mutating func update(_ queueID: String, _ change: (inout QueueRecord) -> Void) {
            if let place = places[queueID] {
                change(&records[place])
            } else {
                places[queueID] = records.count
                records.append(QueueRecord())
                change(&records[records.count - 1])
            }
        }

        /// Ends the record of `queueID`: its next line starts a record of its own.
        mutating func finish(_ queueID: String) {
            places.removeValue(forKey: queueID)
        }

        /// A String value's range of `text`: its bytes put after the log.
        mutating func place(_ value: String) -> Range<Int> {
            let start = valuesBase + values.count
            values.append(contentsOf: value.utf8)
            return start..<(valuesBase + values.count)
        }
    }

    /// The entries of a mail log's queue records, indexed: those with a Message-ID, but for inbound
    /// mail (every delivery local). As `insert` of each, in order: a later one replaces an earlier.
    private mutating func insertLogged(_ records: [QueueRecord], text: UnsafeBufferPointer<UInt8>) {
        // Room for all at once (grown one doubling at a time, the indexes were a fifth of the reading).
        let recipientCount = records.reduce(0) { $0 + $1.recipients.count }
        idIndex.reserveCapacity(idIndex.count + records.count)
        idLocations.reserveCapacity(idLocations.count + records.count)
        recipientIndex.reserveCapacity(recipientIndex.count + recipientCount)
        logged.reserveCapacity(logged.count + records.count)
        loggedRecipients.reserveCapacity(loggedRecipients.count + recipientCount)
        for record in records {
            guard let id = record.messageID, !id.isEmpty else { continue }
            if record.hasDelivery && !record.deliveredRemotely { continue }   // inbound mail delivered here
            let first = loggedRecipients.count
            loggedRecipients.append(contentsOf: record.recipients)
            logged.append(LoggedEntry(messageID: id, sentAt: record.sentAt, sender: record.sender,
                                      recipients: first..<loggedRecipients.count))
            let location = Location.logged(logged.count - 1)
            let idBytes = UnsafeBufferPointer(rebasing: text[id])
            if ASCII.isASCII(idBytes), SentLog.asciiKeyRange(idBytes).isEmpty {
                otherIDs[""] = location   // (as `insert` keys it: no byte of it is indexed)
            } else {
                indexID(id, at: location, text: text)
            }
            for recipient in record.recipients {
                if recipient.isEmpty { otherRecipients.insert("") } else { indexRecipient(recipient, text: text) }
            }
            if let t = record.sentAt { widenSpan(t) }
        }
    }

    /// `read(bytes:)`'s work on `text[base...]` (the bytes just added), given whole as `text` for the
    /// indexes. Lines are cut with `memchr`, and TSV lines and bare ids are read on the buffer itself.
    private mutating func readLines(base: Int, text: UnsafeBufferPointer<UInt8>, mailLog: inout MailLogReading) {
        let total = text.count
        var next = base
        while next < total {
            // The line ends at the first LF or CR (CRLF is one line end).
            var end = SentLog.index(of: ASCII.lineFeed, in: text, from: next, to: total) ?? total
            if let cr = SentLog.index(of: ASCII.carriageReturn, in: text, from: next, to: end) { end = cr }
            var lo = next, hi = end
            next = end + 1
            if end < total, text[end] == ASCII.carriageReturn, next < total, text[next] == ASCII.lineFeed { next += 1 }
            while lo < hi, ASCII.isWhitespaceOrNewline(text[lo]) { lo += 1 }
            while hi > lo, ASCII.isWhitespaceOrNewline(text[hi - 1]) { hi -= 1 }
            if lo == hi || text[lo] == UInt8(ascii: "#") { continue }
            // Postfix's last word on a queue id (`QID: removed`): a later line with the same id is about
            // another message (short queue ids come round again in a long log).
            if let queueID = SentLog.removedQueueID(text, lo, hi) {
                mailLog.finish(queueID)
                continue
            }
            if SentLog.mayBeMailLogLine(text, lo, hi) {
                let lineBytes = UnsafeBufferPointer(rebasing: text[lo..<hi])
                // An ASCII line (nearly every one) is read on its bytes, whose Characters they are; any
                // other as a String, Characters and all (`eximLine(_:)`, `syslogLine(_:)`): the same fields.
                // (As Strings, a Postfix log of 200,000 messages took 6.2 s to read.)
                let facts: MailLogFacts?
                if ASCII.isASCII(lineBytes) {
                    facts = SentLog.eximLine(ascii: lineBytes, at: lo) ?? SentLog.syslogLine(ascii: lineBytes, at: lo)
                } else {
                    facts = SentLog.mailLogFacts(Substring(String(decoding: lineBytes, as: UTF8.self)), into: &mailLog)
                }
                if let facts {
                    mailLog.update(facts.queueID) { record in
                        switch facts.kind {
                        case .arrival(let id, let sender, let time):
                            record.messageID = id
                            record.sender = sender
                            record.sentAt = time
                        case .syslog(let id, let time, let sender, let delivery):
                            if let id {
                                record.messageID = id
                                if let time { record.sentAt = time }
                            }
                            if let sender, !sender.isEmpty { record.sender = sender }
                            if let (recipients, remote) = delivery {
                                record.hasDelivery = true
                                if remote {
                                    record.deliveredRemotely = true
                                    record.recipients.append(contentsOf: recipients)
                                }
                            }
                        case .delivery(let recipient, let remote):
                            record.hasDelivery = true
                            if remote {
                                record.deliveredRemotely = true
                                record.recipients.append(recipient)
                            }
                        }
                    }
                    continue
                }
            }
            let location = Location.line(start: lo, end: hi)
            if SentLog.index(of: ASCII.tab, in: text, from: lo, to: hi) != nil {
                // Only the key, the time and the recipients are taken now; the rest when asked for.
                if let columns = SentLog.tsvColumns(text, lo, hi) {
                    // A TSV has a line per message, rarely shorter than 128 bytes (backscatter-dev's
                    // average 135): room for all at once instead of a dozen rehashes.
                    if idIndex.count == 0 {
                        idIndex.reserveCapacity((total - base) / 128)
                        idLocations.reserveCapacity(idLocations.count + (total - base) / 128)
                        recipientIndex.reserveCapacity((total - base) / 128)
                    }
                    indexID(columns.id, at: location, text: text)
                    if let time = columns.time, let t = SentLog.sendTime(UnsafeBufferPointer(rebasing: text[time])) { widenSpan(t) }
                    if let recipients = columns.recipients {
                        SentLog.forEachRecipient(in: text, recipients) { indexRecipient($0, text: text); return true }
                    }
                }
                continue
            }
            // One Message-ID per line.
            let id = SentLog.unbracket(text, lo..<hi)
            if !id.isEmpty, SentLog.index(of: ASCII.space, in: text, from: id.lowerBound, to: id.upperBound) == nil,
               SentLog.index(of: UInt8(ascii: "@"), in: text, from: id.lowerBound, to: id.upperBound) != nil {
                indexID(id, at: location, text: text)
            }
        }
    }

    /// What one mail-log line says about its queue id, its values ranges of `text` (`QueueRecord`).
    private struct MailLogFacts {
        enum Kind {
            /// An Exim arrival (`<=`): the id, the sender (nil for `<>`) and the time, each set even when nil.
            case arrival(id: Range<Int>?, sender: Range<Int>?, time: Double?)
            /// A Postfix or Sendmail line: an id (with the line's time), a sender, a delivery, set where given.
            case syslog(id: Range<Int>?, time: Double?, sender: Range<Int>?, delivery: (recipients: [Range<Int>], remote: Bool)?)
            /// An Exim delivery or an attempt at one (`=>`, `->`, `>>`, `**`, `==`: `isEximDelivery`).
            case delivery(recipient: Range<Int>, remote: Bool)
        }
        var queueID: String
        var kind: Kind
    }

    /// The facts of a line that is not ASCII, read as a String (`eximLine(_:)`, `syslogLine(_:)`), its
    /// values put after the log (`MailLogReading.place`).
    private static func mailLogFacts(_ line: Substring, into mailLog: inout MailLogReading) -> MailLogFacts? {
        if let exim = eximLine(line) {
            switch exim.kind {
            case .arrival(let id, let sender):
                return MailLogFacts(queueID: exim.queueID, kind: .arrival(id: id.map { mailLog.place($0) },
                                                                          sender: sender.map { mailLog.place($0) }, time: exim.time))
            case .delivery(let recipient, let remote):
                return MailLogFacts(queueID: exim.queueID, kind: .delivery(recipient: mailLog.place(recipient), remote: remote))
            }
        }
        guard let syslog = syslogLine(line) else { return nil }
        let id = syslog.messageID.map { mailLog.place($0) }
        return MailLogFacts(queueID: syslog.queueID, kind: .syslog(
            id: id, time: id == nil ? nil : leadingTime(line), sender: syslog.sender.map { mailLog.place($0) },
            delivery: syslog.delivery.map { delivery in (delivery.recipients.map { mailLog.place($0) }, delivery.remote) }))
    }

    /// A syslog line of Postfix or Sendmail about one queue id.
    private struct SyslogFields {
        var queueID: String
        var messageID: String?
        var sender: String?
        var delivery: (recipients: [String], remote: Bool)?
    }

    /// Postfix: `postfix/cleanup[..]: QID: message-id=<x>`, `postfix/qmgr[..]: QID: from=<x>, ...`,
    /// `postfix/smtp[..]: QID: to=<x>, relay=...` (smtp/relay deliver remotely; local/virtual/lmtp do not).
    /// Sendmail: `sendmail[..]: QID: from=<x>, size=.., msgid=<x>, ...` and `QID: to=<x>, ..., mailer=esmtp, ...`.
    private static func syslogLine(_ line: Substring) -> SyslogFields? {
        // Cheap test first (byte search): every field below is written `name=<`.
        guard line.contains("=<") else { return nil }
        for field in ["message-id=<", "from=<", "to=<"] {
            guard let range = SentLog.find(": " + field, in: line) else { continue }
            // The queue id is the token before ": field"; a program tag ("postfix/smtpd[12]") is not one.
            guard let queueID = line[..<range.lowerBound].split(separator: " ").last, !queueID.isEmpty,
                  !queueID.hasSuffix("]") else { continue }
            var out = SyslogFields(queueID: String(queueID))
            let value = bracketValue(line, after: range.upperBound)
            switch field {
            case "message-id=<":
                out.messageID = value
            case "from=<":
                out.sender = value
                // Sendmail writes the Message-ID on its from= line.
                if let msgid = SentLog.find("msgid=<", in: line) { out.messageID = bracketValue(line, after: msgid.upperBound) }
            default:
                guard let recipient = value, !recipient.isEmpty,
                      let close = line[range.upperBound...].firstIndex(of: ">") else { return nil }
                let recipients = [recipient] + SentLog.moreRecipients(line, after: close)
                let program = line[..<range.lowerBound]
                let remote = SentLog.find("/smtp[", in: program) != nil || SentLog.find("/relay[", in: program) != nil
                    || SentLog.find("mailer=esmtp", in: line) != nil || SentLog.find("mailer=relay", in: line) != nil
                    || SentLog.find("mailer=smtp", in: line) != nil
                out.delivery = (recipients, remote)
            }
            return out
        }
        return nil
    }

    /// The recipients after the first on a Sendmail line, `to=<a>,<b>, delay=...` (Sendmail lists a
    /// message's recipients on one line): each `<...>` right after a comma that follows the `>` at `close`,
    /// the empty ones left out. (The reference reader of the tests takes them with this too.)
    static func moreRecipients(_ line: Substring, after close: Substring.Index) -> [String] {
        var out: [String] = []
        var close = close
        while case let next = line.index(after: close), line[next...].hasPrefix(",<"),
              let end = line[line.index(next, offsetBy: 2)...].firstIndex(of: ">") {
            let more = line[line.index(next, offsetBy: 2)..<end]
            if !more.isEmpty { out.append(String(more)) }
            close = end
        }
        return out
    }

    /// The first occurrence of `needle` in `line`, searched on UTF-8 bytes (Foundation's `range(of:)`
    /// compares grapheme clusters and is many times slower on long logs).
    static func find(_ needle: String, in line: Substring) -> Range<Substring.Index>? {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return nil }
        let utf8 = line.utf8
        var i = utf8.startIndex
        while i < utf8.endIndex {
            if utf8[i] == first {
                var j = i
                var k = 0
                while k < pattern.count, j < utf8.endIndex, utf8[j] == pattern[k] {
                    j = utf8.index(after: j)
                    k += 1
                }
                if k == pattern.count { return i..<j }
            }
            i = utf8.index(after: i)
        }
        return nil
    }

    /// The text up to the next '>' after `start`.
    private static func bracketValue(_ line: Substring, after start: Substring.Index) -> String? {
        let rest = line[start...]
        guard let close = rest.firstIndex(of: ">") else { return nil }
        return String(rest[..<close])
    }

    /// An RFC 3339 time at the start of a line (rsyslog's high-precision format), in seconds since 1970.
    private static func leadingTime(_ line: Substring) -> Double? {
        guard let first = line.split(separator: " ", maxSplits: 1).first else { return nil }
        return TOMLParser.dateTime(first)?.secondsSince1970
    }

    /// One Exim main log line about a message.
    private struct EximFields {
        enum Kind {
            case arrival(id: String?, sender: String?)
            case delivery(recipient: String, remote: Bool)
        }
        var queueID: String
        var time: Double?
        var kind: Kind
    }

    /// Exim mainlog (Exim spec, "Log files"): `2026-01-02 00:57:26 1vXyZa-000123-AB <= sender H=... id=msgid`
    /// for an arrival, `... => rcpt R=... T=remote_smtp H=...` (or `->` for more recipients) for a delivery.
    /// A delivery is remote when its transport (T=) is an SMTP one or a remote host (H=) is named. Times
    /// without a zone (`log_timezone` unset) are taken as UTC.
    private static func eximLine(_ line: Substring) -> EximFields? {
        // Cheap test before splitting: "YYYY-MM-DD ".
        let head = Array(line.utf8.prefix(11))
        guard head.count == 11, head[4] == ASCII.hyphen, head[7] == ASCII.hyphen, head[10] == ASCII.space,
              ASCII.isDigit(head[0]) else { return nil }
        let tokens = line.split(separator: " ", omittingEmptySubsequences: true)
        guard tokens.count >= 5, tokens[0].count == 10, tokens[0].dropFirst(4).first == "-",
              tokens[1].count >= 8, tokens[1].dropFirst(2).first == ":" else { return nil }
        var index = 2
        var zone = "Z"
        if let z = tokens[index].first, z == "+" || z == "-", tokens[index].count == 5 {
            zone = String(tokens[index].prefix(3)) + ":" + String(tokens[index].suffix(2))
            index += 1
        }
        guard index + 2 < tokens.count else { return nil }
        let queueID = tokens[index]
        let marker = tokens[index + 1]
        // Exim message ids: three base-62 groups joined by '-' (6-6-2, or 6-11-4 since Exim 4.97).
        guard queueID.split(separator: "-", omittingEmptySubsequences: false).count == 3 else { return nil }
        let time = TOMLParser.dateTime("\(tokens[0])T\(tokens[1].prefix(8))\(zone)")?.secondsSince1970
        let rest = tokens[(index + 2)...]
        switch marker {
        case "<=":
            let sender = rest.first.flatMap { $0 == "<>" ? nil : String($0) }   // "<>": a null sender
            var id: String?
            for token in rest where token.hasPrefix("id=") { id = String(unbracket(token.dropFirst(3))) }
            return EximFields(queueID: String(queueID), time: time, kind: .arrival(id: id, sender: sender))
        case let m where m.utf8.count == 2 && Self.isEximDelivery(m.utf8.first!, m.utf8.last!):
            guard let recipient = rest.first else { return nil }
            var remote = false
            for token in rest {
                if token.hasPrefix("T="), token.lowercased().contains("smtp") { remote = true }
                if token.hasPrefix("H=") { remote = true }
            }
            return EximFields(queueID: String(queueID), time: time,
                              kind: .delivery(recipient: String(unbracket(recipient)), remote: remote))
        default:
            return nil
        }
    }

    /// Whether an Exim main-log line's flag (its two bytes) is a delivery to a recipient or an attempt at
    /// one (the Exim specification, "Log files"): `=>` delivered, `->` another address of the same
    /// delivery, `>>` a cutthrough delivery, `**` failed and bounced, `==` deferred. Our relay's own
    /// bounce of a recipient it could not reach is about a message we sent to that recipient. (`*>`, a
    /// delivery suppressed by `-N`, sent nothing.)
    private static func isEximDelivery(_ first: UInt8, _ second: UInt8) -> Bool {
        switch (first, second) {
        case (ASCII.equals, ASCII.greaterThan), (ASCII.hyphen, ASCII.greaterThan), (ASCII.greaterThan, ASCII.greaterThan),
             (UInt8(ascii: "*"), UInt8(ascii: "*")), (ASCII.equals, ASCII.equals): true
        default: false
        }
    }

    /// The queue id of a Postfix `QID: removed` line, `text[lo..<hi]`: the token before the line's
    /// final ": removed", letters and digits (as Postfix writes its queue ids, short or long).
    private static func removedQueueID(_ text: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> String? {
        let suffix: StaticString = ": removed"
        let n = suffix.utf8CodeUnitCount
        guard hi - lo > n, text[hi - 1] == UInt8(ascii: "d"),
              suffix.withUTF8Buffer({ memcmp(text.baseAddress! + (hi - n), $0.baseAddress!, n) == 0 }) else { return nil }
        var start = hi - n
        while start > lo, ASCII.isAlpha(text[start - 1]) || ASCII.isDigit(text[start - 1]) { start -= 1 }
        guard start < hi - n, start == lo || text[start - 1] == ASCII.space else { return nil }
        return string(UnsafeBufferPointer(rebasing: text[start..<(hi - n)]), 0..<(hi - n - start))
    }

    /// Whether the line `text[lo..<hi]` may be an Exim line (`YYYY-MM-DD ` first) or a Postfix/Sendmail one
    /// (a `name=<` field).
    private static func mayBeMailLogLine(_ text: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Bool {
        if hi - lo >= 11, text[lo + 4] == ASCII.hyphen, text[lo + 7] == ASCII.hyphen,
           text[lo + 10] == ASCII.space, ASCII.isDigit(text[lo]) {
            return true
        }
        var i = lo
        while let equals = index(of: UInt8(ascii: "="), in: text, from: i, to: hi) {
            if equals + 1 < hi, text[equals + 1] == UInt8(ascii: "<") { return true }
            i = equals + 1
        }
        return false
    }

    // MARK: - Mail-log lines of ASCII, on their bytes

    // Each reader below gives what its String twin above gives for the same ASCII line: a line is cut at
    // CR and LF, so each of its bytes is a Character of its own, and every search, split and comparison
    // of the twin reads the same bytes. (`SentLogBytesTests` checks them against the reader before them
    // on the fixtures and on mutated logs.)

    /// The offset of the first `needle` in `line[from..<to]`.
    @inline(__always)
    private static func offset(of needle: StaticString, in line: UnsafeBufferPointer<UInt8>, from: Int = 0, to: Int) -> Int? {
        guard from < to else { return nil }
        return needle.withUTF8Buffer { ByteSubstring.firstOffset(of: $0, in: UnsafeBufferPointer(rebasing: line[from..<to])) }
            .map { from + $0 }
    }

    /// `line[range]` as a String (ASCII: made unchecked).
    @inline(__always)
    private static func string(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        UncheckedUTF8.asciiString(UnsafeBufferPointer(rebasing: line[range]))
    }

    /// `bracketValue`: the bytes from `start` up to the next `>`, nil without one.
    private static func bracketValue(_ line: UnsafeBufferPointer<UInt8>, after start: Int) -> Range<Int>? {
        guard start <= line.count else { return nil }
        guard let close = index(of: ASCII.greaterThan, in: line, from: start, to: line.count) else { return nil }
        return start..<close
    }

    /// `syslogLine(_:)` of an ASCII line, the line `text[lo...]`: its values as ranges of `text`.
    private static func syslogLine(ascii line: UnsafeBufferPointer<UInt8>, at lo: Int) -> MailLogFacts? {
        let end = line.count
        guard offset(of: "=<", in: line, to: end) != nil else { return nil }
        func global(_ range: Range<Int>?) -> Range<Int>? { range.map { (lo + $0.lowerBound)..<(lo + $0.upperBound) } }
        for field in 0..<3 {
            let needle: StaticString = field == 0 ? ": message-id=<" : field == 1 ? ": from=<" : ": to=<"
            guard let at = offset(of: needle, in: line, to: end) else { continue }
            // The queue id: the last token before ": field" between spaces, unless it ends in "]".
            var tokenEnd = at
            while tokenEnd > 0, line[tokenEnd - 1] == ASCII.space { tokenEnd -= 1 }
            guard tokenEnd > 0, line[tokenEnd - 1] != ASCII.closeBracket else { continue }
            var tokenStart = tokenEnd
            while tokenStart > 0, line[tokenStart - 1] != ASCII.space { tokenStart -= 1 }
            let queueID = string(line, tokenStart..<tokenEnd)
            let value = bracketValue(line, after: at + needle.utf8CodeUnitCount)
            switch field {
            case 0:
                let id = global(value)
                return MailLogFacts(queueID: queueID, kind: .syslog(id: id, time: id == nil ? nil : leadingTime(ascii: line),
                                                                    sender: nil, delivery: nil))
            case 1:
                // Sendmail writes the Message-ID on its from= line.
                let id = offset(of: "msgid=<", in: line, to: end).flatMap { global(bracketValue(line, after: $0 + 7)) }
                return MailLogFacts(queueID: queueID, kind: .syslog(id: id, time: id == nil ? nil : leadingTime(ascii: line),
                                                                    sender: global(value), delivery: nil))
            default:
                guard let first = value, !first.isEmpty else { return nil }
                // Sendmail lists a message's recipients on one line: `to=<a>,<b>, delay=...`.
                var recipients = [global(first)!]
                var close = first.upperBound   // the ">" after it
                while close + 2 < end, line[close + 1] == ASCII.comma, line[close + 2] == ASCII.lessThan,
                      let next = index(of: ASCII.greaterThan, in: line, from: close + 3, to: end) {
                    if next > close + 3 { recipients.append((lo + close + 3)..<(lo + next)) }
                    close = next
                }
                let remote = offset(of: "/smtp[", in: line, to: at) != nil || offset(of: "/relay[", in: line, to: at) != nil
                    || offset(of: "mailer=esmtp", in: line, to: end) != nil || offset(of: "mailer=relay", in: line, to: end) != nil
                    || offset(of: "mailer=smtp", in: line, to: end) != nil
                return MailLogFacts(queueID: queueID, kind: .syslog(id: nil, time: nil, sender: nil, delivery: (recipients, remote)))
            }
        }
        return nil
    }

    /// `leadingTime(_:)` of an ASCII line: its first token, up to a space.
    private static func leadingTime(ascii line: UnsafeBufferPointer<UInt8>) -> Double? {
        let end = index(of: ASCII.space, in: line, from: 0, to: line.count) ?? line.count
        guard end > 0 else { return nil }
        return TOMLParser.dateTime(string(line, 0..<end))?.secondsSince1970
    }

    /// `eximLine(_:)` of an ASCII line, the line `text[lo...]`: its tokens between spaces taken one after
    /// another, its values as ranges of `text`.
    private static func eximLine(ascii line: UnsafeBufferPointer<UInt8>, at lo: Int) -> MailLogFacts? {
        let end = line.count
        guard end >= 11, line[4] == ASCII.hyphen, line[7] == ASCII.hyphen, line[10] == ASCII.space,
              ASCII.isDigit(line[0]) else { return nil }
        var cursor = 0
        func nextToken() -> Range<Int>? {
            while cursor < end, line[cursor] == ASCII.space { cursor += 1 }
            guard cursor < end else { return nil }
            let start = cursor
            while cursor < end, line[cursor] != ASCII.space { cursor += 1 }
            return start..<cursor
        }
        func global(_ range: Range<Int>) -> Range<Int> { (lo + range.lowerBound)..<(lo + range.upperBound) }
        // At least five tokens: date, time, [zone,] queue id, marker and one more.
        guard let date = nextToken(), let time = nextToken(), let third = nextToken(), let fourth = nextToken(),
              let fifth = nextToken() else { return nil }
        guard date.count == 10, line[date.lowerBound + 4] == ASCII.hyphen,
              time.count >= 8, line[time.lowerBound + 2] == ASCII.colon else { return nil }
        var zone = "Z"
        let queueID: Range<Int>, marker: Range<Int>, firstOfRest: Range<Int>
        if third.count == 5, line[third.lowerBound] == UInt8(ascii: "+") || line[third.lowerBound] == ASCII.hyphen {
            zone = string(line, third.lowerBound..<(third.lowerBound + 3)) + ":" + string(line, (third.upperBound - 2)..<third.upperBound)
            guard let sixth = nextToken() else { return nil }
            (queueID, marker, firstOfRest) = (fourth, fifth, sixth)
        } else {
            (queueID, marker, firstOfRest) = (third, fourth, fifth)
        }
        // Exim message ids: three base-62 groups joined by '-' (6-6-2, or 6-11-4 since Exim 4.97).
        var hyphens = 0
        for i in queueID where line[i] == ASCII.hyphen { hyphens += 1 }
        guard hyphens == 2 else { return nil }
        func hasPrefix(_ token: Range<Int>, _ prefix: StaticString) -> Bool {
            token.count >= prefix.utf8CodeUnitCount && offset(of: prefix, in: line, from: token.lowerBound,
                                                              to: token.lowerBound + prefix.utf8CodeUnitCount) != nil
        }
        let isArrival = marker.count == 2 && line[marker.lowerBound] == ASCII.lessThan && line[marker.lowerBound + 1] == ASCII.equals
        let isDelivery = marker.count == 2 && Self.isEximDelivery(line[marker.lowerBound], line[marker.lowerBound + 1])
        if isArrival {
            let stamp = string(line, date) + "T" + string(line, time.lowerBound..<(time.lowerBound + 8)) + zone
            let isNullSender = firstOfRest.count == 2 && line[firstOfRest.lowerBound] == ASCII.lessThan
                && line[firstOfRest.lowerBound + 1] == ASCII.greaterThan
            // The last `id=` token's value.
            var id: Range<Int>?
            var token: Range<Int>? = firstOfRest
            while let t = token {
                if hasPrefix(t, "id=") { id = global(unbracket(line, (t.lowerBound + 3)..<t.upperBound)) }
                token = nextToken()
            }
            return MailLogFacts(queueID: string(line, queueID), kind: .arrival(
                id: id, sender: isNullSender ? nil : global(firstOfRest), time: TOMLParser.dateTime(stamp)?.secondsSince1970))
        }
        guard isDelivery else { return nil }
        var remote = false
        var token: Range<Int>? = firstOfRest
        while let t = token {
            if hasPrefix(t, "T="), ("smtp" as StaticString).withUTF8Buffer({
                ASCIICaseInsensitive.firstOffset(of: $0, in: UnsafeBufferPointer(rebasing: line[t])) }) != nil {
                remote = true
            }
            if hasPrefix(t, "H=") { remote = true }
            token = nextToken()
        }
        return MailLogFacts(queueID: string(line, queueID), kind: .delivery(recipient: global(unbracket(line, firstOfRest)), remote: remote))
    }

    /// The columns of the TSV line `text[lo..<hi]`, as ranges of `text`: the first column that is
    /// `<id@host>` is the Message-ID (given without its brackets), an RFC 3339 first column before it
    /// the send time, the next column the envelope sender, the one after it the recipients (commas).
    /// Nil when no column is an id. The columns are taken one after another, without an array of them.
    /// The recipients column is given to the line's end: `forEachRecipient` stops at its tab, so that its
    /// end is not searched for apart (nor more of a long one read than a reader with a limit needs).
    private static func tsvColumns(_ text: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int)
        -> (id: Range<Int>, time: Range<Int>?, sender: Range<Int>?, recipients: Range<Int>?)? {
        func column(from start: Int) -> (range: Range<Int>, next: Int?) {
            guard let tab = index(of: ASCII.tab, in: text, from: start, to: hi) else { return (start..<hi, nil) }
            return (start..<tab, tab + 1)
        }
        var cursor: Int? = lo
        var firstColumn: Range<Int>?
        var idColumn: Range<Int>?
        while let start = cursor {
            let (column, next) = column(from: start)
            cursor = next
            if looksLikeBracketedID(text, column) { idColumn = column; break }
            if start == lo { firstColumn = column }
        }
        guard let idColumn else { return nil }
        var sender: Range<Int>?, recipients: Range<Int>?
        if let start = cursor {
            let (senderColumn, next) = column(from: start)
            sender = senderColumn
            if let next { recipients = next..<hi }
        }
        return (unbracket(text, idColumn), firstColumn.map { trimmed(text, $0) }, sender, recipients)
    }

    /// `text[range]` without leading and trailing WSP, CR and LF.
    private static func trimmed(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, ASCII.isWhitespaceOrNewline(text[lo]) { lo += 1 }
        while hi > lo, ASCII.isWhitespaceOrNewline(text[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    private static func looksLikeBracketedID(_ text: UnsafeBufferPointer<UInt8>, _ column: Range<Int>) -> Bool {
        let c = trimmed(text, column)
        return !c.isEmpty && text[c.lowerBound] == UInt8(ascii: "<") && text[c.upperBound - 1] == UInt8(ascii: ">")
            && index(of: UInt8(ascii: "@"), in: text, from: c.lowerBound, to: c.upperBound) != nil
    }

    /// `unbracket` of `text[range]`, as a range.
    private static func unbracket(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        let s = trimmed(text, range)
        if s.count >= 2, text[s.lowerBound] == UInt8(ascii: "<"), text[s.upperBound - 1] == UInt8(ascii: ">") {
            return (s.lowerBound + 1)..<(s.upperBound - 1)
        }
        return s
    }

    /// Each recipient of a TSV line's recipients column, `text[column]`: the pieces between commas,
    /// without white space and one pair of angle brackets around them, empty ones left out, up to a tab
    /// (the column's end: `tsvColumns` gives it to the line's end). `body` returns false to stop.
    /// Indexing, `entry(at:)` and `sending(ofMessageID:recipientLimit:)` read the column alike through it.
    private static func forEachRecipient(in text: UnsafeBufferPointer<UInt8>, _ column: Range<Int>,
                                         _ body: (Range<Int>) -> Bool) {
        var lo = column.lowerBound
        while lo < column.upperBound {
            let comma = index(of: ASCII.comma, in: text, from: lo, to: column.upperBound) ?? column.upperBound
            let tab = index(of: ASCII.tab, in: text, from: lo, to: comma)
            let piece = unbracket(text, lo..<(tab ?? comma))
            if !piece.isEmpty, !body(piece) { return }
            if tab != nil { return }
            lo = comma + 1
        }
    }

    /// A TSV's send time: `YYYY-MM-DDTHH:MM:SSZ` read on bytes, else any RFC 3339 date-time.
    private static func sendTime<Bytes: RandomAccessCollection<UInt8>>(_ time: Bytes) -> Double? where Bytes.Index == Int {
        utcSeconds(time).map(Double.init) ?? TOMLParser.dateTime(String(decoding: time, as: UTF8.self))?.secondsSince1970
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` with every field in range, the form sent logs write, read without a
    /// String; nil for anything else (which the TOML date-time reader then takes, RFC 3339 in full).
    private static func utcSeconds<Bytes: RandomAccessCollection<UInt8>>(_ text: Bytes) -> Int? where Bytes.Index == Int {
        guard text.count == 20 else { return nil }
        if let done = text.withContiguousStorageIfAvailable(utcSeconds(contiguous:)) { return done }
        return Array(text).withUnsafeBufferPointer { utcSeconds(contiguous: $0) }
    }

    /// `utcSeconds` of 20 contiguous bytes: each digit checked and read once, the month's length asked
    /// for only past the 28th.
    private static func utcSeconds(contiguous t: UnsafeBufferPointer<UInt8>) -> Int? {
        guard t.count == 20, t[4] == ASCII.hyphen, t[7] == ASCII.hyphen, t[10] == UInt8(ascii: "T"),
              t[13] == ASCII.colon, t[16] == ASCII.colon, t[19] == UInt8(ascii: "Z") else { return nil }
        var digits = 0
        @inline(__always) func digit(_ i: Int) -> Int {
            let d = t[i] &- ASCII.zero
            if d > 9 { digits = -1 }
            return Int(d)
        }
        let year = ((digit(0) * 10 + digit(1)) * 10 + digit(2)) * 10 + digit(3)
        let month = digit(5) * 10 + digit(6)
        let day = digit(8) * 10 + digit(9)
        let hour = digit(11) * 10 + digit(12)
        let minute = digit(14) * 10 + digit(15)
        let second = digit(17) * 10 + digit(18)
        guard digits == 0, month >= 1, month <= 12, day >= 1,
              day <= 28 || day <= CivilCalendar.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60
        else { return nil }
        return Timestamps.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
    }

    private static func unbracket(_ text: Substring) -> Substring {
        var s = text.trimmedSlice
        if s.hasPrefix("<"), s.hasSuffix(">"), s.count >= 2 { s = s.dropFirst().dropLast() }
        return s
    }
}
