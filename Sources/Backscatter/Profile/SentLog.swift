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
/// Three formats are read, line by line, and may even be mixed:
/// - one Message-ID per line (angle brackets optional);
/// - a TSV (backscatter-dev/sent.log): the first column that is `<id@host>` is the Message-ID, an RFC 3339
///   first column the send time, the column after the id the envelope sender, then the recipients;
/// - a Postfix mail log: `QUEUEID: message-id=<...>` (cleanup), with `QUEUEID: from=<...>` (qmgr) for the
///   sender and `QUEUEID: to=<...>` (smtp) for recipients, joined by queue id; an RFC 3339 syslog time
///   (rsyslog's high-precision format) at the start of the line becomes the send time.
/// Lines starting with `#` and blank lines are skipped.
public struct SentLog: Sendable, Hashable {
    /// The path as the profile wrote it.
    public var path: String
    /// The file actually read (relative paths resolved against the profile's folder).
    public var resolvedPath: String
    private var entries: [String: SentLogEntry] = [:]

    /// An empty log for `path`.
    public init(path: String, resolvedPath: String) {
        self.path = path
        self.resolvedPath = resolvedPath
    }

    /// The number of distinct Message-IDs.
    public var count: Int { entries.count }

    /// The entry for a Message-ID (with or without angle brackets; compared ignoring ASCII case).
    public func entry(forMessageID id: some StringProtocol) -> SentLogEntry? {
        entries[SentLog.key(id)]
    }

    /// Whether the site sent the message with this Message-ID.
    public func contains(messageID id: some StringProtocol) -> Bool {
        entries[SentLog.key(id)] != nil
    }

    /// All entries, in no particular order.
    public var allEntries: Dictionary<String, SentLogEntry>.Values { entries.values }

    /// Adds or replaces an entry.
    public mutating func insert(_ entry: SentLogEntry) {
        entries[SentLog.key(entry.messageID)] = entry
    }

    /// The lookup key: brackets and whitespace removed, ASCII lower case. Message-IDs are case-sensitive
    /// by RFC 5322, but MTAs that rewrite them change case, and two ids differing only in case do not occur.
    static func stripBrackets(_ id: some StringProtocol) -> String {
        var s = Substring(id).trimmingASCIIWhitespace()
        if s.hasPrefix("<") { s = s.dropFirst() }
        if s.hasSuffix(">") { s = s.dropLast() }
        return String(s)
    }

    static func key(_ id: some StringProtocol) -> String {
        stripBrackets(id).lowercased()
    }

    /// Reads log text in any of the three formats.
    mutating func read(_ text: String) {
        var postfixIDs: [Substring: String] = [:]      // queue id -> message-id key
        var postfixFrom: [Substring: String] = [:]
        var postfixTo: [Substring: [String]] = [:]
        var postfixTime: [Substring: Double] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = rawLine.trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let (queueID, field, value) = SentLog.postfixField(line) {
                switch field {
                case "message-id":
                    postfixIDs[queueID] = value
                    if let first = line.split(separator: " ", maxSplits: 1).first,
                       let time = TOMLParser.dateTime(first)?.secondsSince1970 {
                        postfixTime[queueID] = time
                    }
                case "from":
                    postfixFrom[queueID] = value
                default:
                    postfixTo[queueID, default: []].append(value)
                }
                continue
            }
            if line.contains("\t") {
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard let idColumn = columns.firstIndex(where: { SentLog.looksLikeBracketedID($0) }) else { continue }
                var entry = SentLogEntry(messageID: String(SentLog.unbracket(columns[idColumn])))
                if idColumn > 0 { entry.sentAt = TOMLParser.dateTime(columns[0].trimmingASCIIWhitespace())?.secondsSince1970 }
                if idColumn + 1 < columns.count {
                    let sender = columns[idColumn + 1].trimmingASCIIWhitespace()
                    if !sender.isEmpty { entry.sender = String(SentLog.unbracket(sender)) }
                }
                if idColumn + 2 < columns.count {
                    entry.recipients = columns[idColumn + 2].split(separator: ",").map {
                        String(SentLog.unbracket($0.trimmingASCIIWhitespace()))
                    }.filter { !$0.isEmpty }
                }
                insert(entry)
                continue
            }
            // One Message-ID per line.
            let id = SentLog.unbracket(line)
            if !id.isEmpty, !id.contains(" ") { insert(SentLogEntry(messageID: String(id))) }
        }
        for (queueID, id) in postfixIDs {
            insert(SentLogEntry(messageID: id, sentAt: postfixTime[queueID], sender: postfixFrom[queueID],
                                recipients: postfixTo[queueID] ?? []))
        }
    }

    /// `... QUEUEID: message-id=<x>` / `from=<x>,` / `to=<x>,` in a Postfix log line.
    private static func postfixField(_ line: Substring) -> (Substring, String, String)? {
        for field in ["message-id", "from", "to"] {
            guard let range = line.range(of: ": \(field)=<") else { continue }
            let before = line[..<range.lowerBound]
            guard let queueID = before.split(separator: " ").last, !queueID.isEmpty else { continue }
            let rest = line[range.upperBound...]
            guard let close = rest.firstIndex(of: ">") else { continue }
            let value = String(rest[..<close])
            if field == "message-id" || !value.isEmpty { return (queueID, field, value) }
            return nil
        }
        return nil
    }

    private static func looksLikeBracketedID(_ column: Substring) -> Bool {
        let c = column.trimmingASCIIWhitespace()
        return c.hasPrefix("<") && c.hasSuffix(">") && c.contains("@")
    }

    private static func unbracket(_ text: Substring) -> Substring {
        var s = text.trimmingASCIIWhitespace()
        if s.hasPrefix("<"), s.hasSuffix(">"), s.count >= 2 { s = s.dropFirst().dropLast() }
        return s
    }
}
