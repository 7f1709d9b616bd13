@testable import Backscatter
import MailParsing

// The sent-log reader before its lines were read on the buffer (commit 5cd304d), kept as the reference
// the byte reader is checked against. Changed since in two things only, as the reader was: every recipient
// of a Sendmail `to=<a>,<b>` line is read, not the first alone (`SentLog.moreRecipients`), and Exim's
// lines of attempted deliveries (`>>`, `**`, `==`) name recipients as its deliveries do.

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
/// - an Exim main log (`<=` arrival lines with `id=`, `=>`/`->` delivery lines).
/// In the mail logs, a message delivered only locally (inbound mail) is left out.
/// Lines starting with `#` and blank lines are skipped.
///
/// Memory: the log's bytes are kept, and its TSV lines and bare ids are indexed where they are
/// (`FoldedByteIndex`: no String per id or recipient), made `SentLogEntry`s only when asked for; the
/// entries of mail logs, joined from several lines, are built as they are read.
struct ReferenceSentLog: Sendable, Hashable {
    /// The path as the profile wrote it.
    var path: String
    /// The file actually read (relative paths resolved against the profile's folder).
    var resolvedPath: String
    /// The bytes read; a TSV line or a bare id is kept here, and made an entry only when asked for.
    private var text: [UInt8] = []
    /// The ASCII Message-IDs found in `text` (TSV lines, bare ids), by their key's range (`asciiKeyRange`).
    private var idIndex = FoldedByteIndex()
    /// Where each entry of `idIndex` is.
    private var idLocations: [Location] = []
    /// The other ids by key (`key(_:)`): non-ASCII ones, and those of `assembled` entries not in `idIndex`.
    private var otherIDs: [String: Location] = [:]
    /// Entries joined from mail-log lines, and inserted ones.
    private var assembled: [SentLogEntry] = []
    /// The ASCII recipients found in `text`.
    private var recipientIndex = FoldedByteIndex()
    /// The other recipients, lower case: non-ASCII ones, and those of `assembled` entries.
    private var otherRecipients: Set<String> = []
    /// The earliest and the latest send time of the entries that have one.
    private(set) var span: ClosedRange<Double>?

    /// Where an entry is: a line of `text` (parsed again when the entry is asked for: a scan asks only
    /// whether an id is there), or one of `assembled`.
    private enum Location: Sendable, Hashable {
        case line(start: Int, end: Int)
        case assembled(Int)
    }

    /// An empty log for `path`.
    init(path: String, resolvedPath: String) {
        self.path = path
        self.resolvedPath = resolvedPath
    }

    /// The number of distinct Message-IDs.
    var count: Int { idIndex.count + otherIDs.count }

    /// The entry for a Message-ID (with or without angle brackets; compared ignoring ASCII case).
    func entry(forMessageID id: some StringProtocol) -> SentLogEntry? {
        location(of: id).map(entry(at:))
    }

    /// Whether the site sent the message with this Message-ID.
    func contains(messageID id: some StringProtocol) -> Bool {
        location(of: id) != nil
    }

    /// All entries, in no particular order (made on each call).
    var allEntries: [SentLogEntry] { (idLocations + otherIDs.values).map(entry(at:)) }

    /// Every recipient of every entry, lower case: the addresses the log says we wrote to (made on
    /// each call; `wasSent(to:)` asks for one).
    var recipients: Set<String> {
        otherRecipients.union(recipientIndex.keys.map { ASCII.lowercasedString(text[$0]) })
    }

    /// Whether any entry names a recipient.
    var hasRecipients: Bool { recipientIndex.count + otherRecipients.count > 0 }

    /// Whether the log names `address`, in lower case as the classifier writes addresses, among the
    /// recipients (an address with an upper-case letter is never found, as in `recipients`).
    func wasSent(to address: String) -> Bool {
        var native = address   // native, so that its UTF-8 can be read in place
        let indexed = native.withUTF8 { utf8 -> Bool? in
            if utf8.contains(where: ASCII.isUppercase) { return false }
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            return text.withUnsafeBufferPointer({ recipientIndex.find(utf8, in: $0) }) != nil ? true : nil
        }
        return indexed ?? otherRecipients.contains(address)
    }

    /// Adds or replaces an entry.
    mutating func insert(_ entry: SentLogEntry) {
        assembled.append(entry)
        let location = Location.assembled(assembled.count - 1)
        var key = ReferenceSentLog.key(entry.messageID)
        let indexed = key.withUTF8 { utf8 in
            utf8.allSatisfy({ $0 < 0x80 }) ? text.withUnsafeBufferPointer { idIndex.find(utf8, in: $0) } : nil
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
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            let key = UnsafeBufferPointer(rebasing: utf8[ReferenceSentLog.asciiKeyRange(utf8)])
            return self.text.withUnsafeBufferPointer { idIndex.find(key, in: $0) }.map { idLocations[$0] }
        }
        if let indexed { return indexed }
        return otherIDs.isEmpty ? nil : otherIDs[ReferenceSentLog.key(id)]
    }

    /// Indexes an id (a slice of the bytes being read, `base` bytes into `text`).
    private mutating func indexID(_ id: ByteSlice, base: Int, at location: Location, text: UnsafeBufferPointer<UInt8>) {
        guard id.allSatisfy({ $0 < 0x80 }) else {
            otherIDs[ReferenceSentLog.key(String(decoding: id, as: UTF8.self))] = location
            return
        }
        // A later line replaces an entry inserted before it, as it replaces an earlier line's.
        if !otherIDs.isEmpty { otherIDs.removeValue(forKey: ReferenceSentLog.asciiKey(id)) }
        let key = ReferenceSentLog.asciiKeyRange(id)
        let range = (base + key.lowerBound)..<(base + key.upperBound)
        let (entry, inserted) = idIndex.insert(range, in: text)
        if inserted { idLocations.append(location) } else { idLocations[entry] = location }
    }

    /// Indexes a recipient (a slice of the bytes being read, `base` bytes into `text`).
    private mutating func indexRecipient(_ recipient: ByteSlice, base: Int, text: UnsafeBufferPointer<UInt8>) {
        guard recipient.allSatisfy({ $0 < 0x80 }) else {
            otherRecipients.insert(String(decoding: recipient, as: UTF8.self).lowercased())
            return
        }
        let range = (base + recipient.startIndex)..<(base + recipient.endIndex)
        _ = recipientIndex.insert(range, in: text)
    }

    private func entry(at location: Location) -> SentLogEntry {
        switch location {
        case .assembled(let i):
            return assembled[i]
        case .line(let start, let end):
            let line = text[start..<end]
            if let columns = ReferenceSentLog.tsvColumns(line) { return ReferenceSentLog.entry(columns) }
            return SentLogEntry(messageID: String(decoding: ReferenceSentLog.unbracket(line), as: UTF8.self))
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
            utf8.allSatisfy({ $0 < 0x80 }) ? asciiKey(utf8) : stripBrackets(id).lowercased()
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

    /// What a mail log says about one queue id.
    private struct QueueRecord {
        var messageID: String?
        var sentAt: Double?
        var sender: String?
        var recipients: [String] = []
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
        let all = text   // the same storage, read by the indexes while they change
        all.withUnsafeBufferPointer { readLines(bytes, base: base, text: $0) }
    }

    /// `read(bytes:)`'s work: `bytes` is `text[base...]`, given whole as `text` for the indexes.
    private mutating func readLines(_ bytes: [UInt8], base: Int, text: UnsafeBufferPointer<UInt8>) {
        var queues: [Substring: QueueRecord] = [:]
        var order: [Substring] = []
        func update(_ queueID: Substring, _ change: (inout QueueRecord) -> Void) {
            if queues[queueID] == nil { order.append(queueID) }
            change(&queues[queueID, default: QueueRecord()])
        }
        var next = 0
        while next < bytes.count {
            var end = next
            while end < bytes.count, bytes[end] != ASCII.lineFeed, bytes[end] != ASCII.carriageReturn { end += 1 }
            let lineBytes = bytes[next..<end]
            next = end + 1
            if end < bytes.count, bytes[end] == ASCII.carriageReturn, next < bytes.count, bytes[next] == ASCII.lineFeed {
                next += 1
            }
            let trimmedBytes = lineBytes.trimmingWhitespace()
            if trimmedBytes.isEmpty || trimmedBytes.first == UInt8(ascii: "#") { continue }
            // The mail-log forms are tested on bytes first (a date at the start, or a `name=<` field), so
            // that a TSV or a plain list of ids is never decoded into a String line by line.
            if ReferenceSentLog.mayBeMailLogLine(trimmedBytes) {
                let line = Substring(String(decoding: trimmedBytes, as: UTF8.self))
                if let exim = ReferenceSentLog.eximLine(line) {
                    update(exim.queueID) { record in
                        switch exim.kind {
                        case .arrival(let id, let sender):
                            record.messageID = id
                            record.sender = sender
                            record.sentAt = exim.time
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
                if let syslog = ReferenceSentLog.syslogLine(line) {
                    update(syslog.queueID) { record in
                        if let id = syslog.messageID {
                            record.messageID = id
                            if let time = ReferenceSentLog.leadingTime(line) { record.sentAt = time }
                        }
                        if let sender = syslog.sender, !sender.isEmpty { record.sender = sender }
                        if let (recipients, remote) = syslog.delivery {
                            record.hasDelivery = true
                            if remote {
                                record.deliveredRemotely = true
                                record.recipients.append(contentsOf: recipients)
                            }
                        }
                    }
                    continue
                }
            }
            let location = Location.line(start: base + trimmedBytes.startIndex, end: base + trimmedBytes.endIndex)
            if trimmedBytes.contains(ASCII.tab) {
                // Only the key, the time and the recipients are taken now; the rest when asked for.
                if let columns = ReferenceSentLog.tsvColumns(trimmedBytes) {
                    // A TSV has a line per message, rarely shorter than 128 bytes (backscatter-dev's
                    // average 135): room for all at once instead of a dozen rehashes.
                    if idIndex.count == 0 {
                        idIndex.reserveCapacity(bytes.count / 128)
                        recipientIndex.reserveCapacity(bytes.count / 128)
                    }
                    indexID(columns.id, base: base, at: location, text: text)
                    if let time = columns.time, let t = ReferenceSentLog.sendTime(time) { widenSpan(t) }
                    columns.recipients?.forEachPiece(separatedBy: ASCII.comma) { piece in
                        let recipient = ReferenceSentLog.unbracket(piece)
                        if !recipient.isEmpty { indexRecipient(recipient, base: base, text: text) }
                    }
                }
                continue
            }
            // One Message-ID per line.
            let id = ReferenceSentLog.unbracket(trimmedBytes)
            if !id.isEmpty, !id.contains(ASCII.space), id.contains(UInt8(ascii: "@")) {
                indexID(id, base: base, at: location, text: text)
            }
        }
        for queueID in order {
            guard let record = queues[queueID], let id = record.messageID, !id.isEmpty else { continue }
            if record.hasDelivery && !record.deliveredRemotely { continue }   // inbound mail delivered here
            insert(SentLogEntry(messageID: id, sentAt: record.sentAt, sender: record.sender,
                                recipients: record.recipients))
        }
    }

    /// A syslog line of Postfix or Sendmail about one queue id.
    private struct SyslogFields {
        var queueID: Substring
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
            guard let range = ReferenceSentLog.find(": " + field, in: line) else { continue }
            // The queue id is the token before ": field"; a program tag ("postfix/smtpd[12]") is not one.
            guard let queueID = line[..<range.lowerBound].split(separator: " ").last, !queueID.isEmpty,
                  !queueID.hasSuffix("]") else { continue }
            var out = SyslogFields(queueID: queueID)
            let value = bracketValue(line, after: range.upperBound)
            switch field {
            case "message-id=<":
                out.messageID = value
            case "from=<":
                out.sender = value
                // Sendmail writes the Message-ID on its from= line.
                if let msgid = ReferenceSentLog.find("msgid=<", in: line) { out.messageID = bracketValue(line, after: msgid.upperBound) }
            default:
                guard let recipient = value, !recipient.isEmpty,
                      let close = line[range.upperBound...].firstIndex(of: ">") else { return nil }
                let recipients = [recipient] + SentLog.moreRecipients(line, after: close)
                let program = line[..<range.lowerBound]
                let remote = ReferenceSentLog.find("/smtp[", in: program) != nil || ReferenceSentLog.find("/relay[", in: program) != nil
                    || ReferenceSentLog.find("mailer=esmtp", in: line) != nil || ReferenceSentLog.find("mailer=relay", in: line) != nil
                    || ReferenceSentLog.find("mailer=smtp", in: line) != nil
                out.delivery = (recipients, remote)
            }
            return out
        }
        return nil
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
        var queueID: Substring
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
            return EximFields(queueID: queueID, time: time, kind: .arrival(id: id, sender: sender))
        case "=>", "->", ">>", "**", "==":
            guard let recipient = rest.first else { return nil }
            var remote = false
            for token in rest {
                if token.hasPrefix("T="), token.lowercased().contains("smtp") { remote = true }
                if token.hasPrefix("H=") { remote = true }
            }
            return EximFields(queueID: queueID, time: time,
                              kind: .delivery(recipient: String(unbracket(recipient)), remote: remote))
        default:
            return nil
        }
    }

    /// Whether a line may be an Exim line (`YYYY-MM-DD ` first) or a Postfix/Sendmail one (a `name=<` field).
    private static func mayBeMailLogLine(_ line: ByteSlice) -> Bool {
        let start = line.startIndex
        if line.count >= 11, line[start + 4] == ASCII.hyphen, line[start + 7] == ASCII.hyphen,
           line[start + 10] == ASCII.space, ASCII.isDigit(line[start]) {
            return true
        }
        var i = start
        while let equals = line.firstIndex(ofByte: UInt8(ascii: "="), from: i) {
            if equals + 1 < line.endIndex, line[equals + 1] == UInt8(ascii: "<") { return true }
            i = equals + 1
        }
        return false
    }

    /// The columns of a TSV line: the first column that is `<id@host>` is the Message-ID (given without
    /// its brackets), an RFC 3339 first column before it the send time, the next column the envelope
    /// sender, the one after it the recipients (commas). Nil when no column is an id.
    private static func tsvColumns(_ line: ByteSlice) -> (id: ByteSlice, time: ByteSlice?, sender: ByteSlice?, recipients: ByteSlice?)? {
        // The columns are taken one after another, without an array of them: the first (the time when
        // the id is not first), the id's, and the two after it.
        func column(from start: Int) -> (text: ByteSlice, next: Int?) {
            guard let tab = line.firstIndex(ofByte: ASCII.tab, from: start) else { return (line[start...], nil) }
            return (line[start..<tab], tab + 1)
        }
        var cursor: Int? = line.startIndex
        var firstColumn: ByteSlice?
        var idColumn: ByteSlice?
        while let start = cursor {
            let (column, next) = column(from: start)
            cursor = next
            if looksLikeBracketedID(column) { idColumn = column; break }
            if start == line.startIndex { firstColumn = column }
        }
        guard let idColumn else { return nil }
        var sender: ByteSlice?, recipients: ByteSlice?
        if let start = cursor {
            let (column, next) = column(from: start)
            cursor = next
            sender = column
        }
        if let start = cursor { recipients = column(from: start).text }
        return (unbracket(idColumn), firstColumn?.trimmingWhitespace(), sender, recipients)
    }

    /// The entry of a TSV line's columns.
    private static func entry(_ columns: (id: ByteSlice, time: ByteSlice?, sender: ByteSlice?, recipients: ByteSlice?)) -> SentLogEntry {
        func text(_ bytes: ByteSlice) -> String { String(decoding: bytes, as: UTF8.self) }
        var entry = SentLogEntry(messageID: text(columns.id))
        entry.sentAt = columns.time.flatMap(sendTime)
        if let sender = columns.sender?.trimmingWhitespace(), !sender.isEmpty { entry.sender = text(unbracket(sender)) }
        columns.recipients?.forEachPiece(separatedBy: ASCII.comma) { piece in
            let recipient = unbracket(piece)
            if !recipient.isEmpty { entry.recipients.append(text(recipient)) }
        }
        return entry
    }

    /// A TSV's send time: `YYYY-MM-DDTHH:MM:SSZ` read on bytes, else any RFC 3339 date-time.
    private static func sendTime(_ time: ByteSlice) -> Double? {
        utcSeconds(time).map(Double.init) ?? TOMLParser.dateTime(String(decoding: time, as: UTF8.self))?.secondsSince1970
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` with every field in range, the form sent logs write, read without a
    /// String; nil for anything else (which the TOML date-time reader then takes, RFC 3339 in full).
    private static func utcSeconds(_ text: ByteSlice) -> Int? {
        guard text.count == 20 else { return nil }
        let b = text.startIndex
        func number(_ at: Int, _ count: Int) -> Int? {
            var value = 0
            for i in (b + at)..<(b + at + count) {
                guard ASCII.isDigit(text[i]) else { return nil }
                value = value * 10 + Int(text[i] - ASCII.zero)
            }
            return value
        }
        guard text[b + 4] == ASCII.hyphen, text[b + 7] == ASCII.hyphen, text[b + 10] == UInt8(ascii: "T"),
              text[b + 13] == ASCII.colon, text[b + 16] == ASCII.colon, text[b + 19] == UInt8(ascii: "Z"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60
        else { return nil }
        return Timestamps.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
    }

    private static func looksLikeBracketedID(_ column: ByteSlice) -> Bool {
        let c = column.trimmingWhitespace()
        return c.first == UInt8(ascii: "<") && c.last == UInt8(ascii: ">") && c.contains(UInt8(ascii: "@"))
    }

    /// The bytes without surrounding whitespace and one pair of angle brackets.
    private static func unbracket(_ bytes: ByteSlice) -> ByteSlice {
        var s = bytes.trimmingWhitespace()
        if s.count >= 2, s.first == UInt8(ascii: "<"), s.last == UInt8(ascii: ">") {
            s = s.dropFirst().dropLast()
        }
        return s
    }

    private static func unbracket(_ text: Substring) -> Substring {
        var s = text.trimmedSlice
        if s.hasPrefix("<"), s.hasSuffix(">"), s.count >= 2 { s = s.dropFirst().dropLast() }
        return s
    }
}
