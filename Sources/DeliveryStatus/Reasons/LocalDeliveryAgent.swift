#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// The messages of local delivery agents that a bounce quotes: the program that was to write the
/// message into the mailbox (mail.local, procmail, maildrop, vpopmail's vdelivermail, vmailmgr's
/// vdeliver, Dovecot's LDA) says why it could not, on a line of its own ("mail.local: unknown user:
/// kijitora", "maildrop: maildir over quota."). That line names the cause more exactly than the
/// DSN, which often carries only "5.5.0" or "5.3.0" (sisimai rfc3464-06). Sendmail's own line for a
/// recipient that is a pipe to an agent names the agent by its program and says what the program's
/// exit status meant (`554 "|exec /usr/bin/procmail -f-"... Service unavailable`: sisimai
/// rfc3464-04). The agents' words are those their sources write, the table Sisimai's MDA reader holds.
enum LocalDeliveryAgent {
    /// What an agent's line says.
    struct Message: Equatable {
        /// The agent's name (`mail.local`, `procmail`, ...).
        var agent: String
        /// The reason its words name.
        var reason: Reason
        /// The line that says it, trimmed.
        var text: String
        /// The first `maxFirstLineBytes` of the agent's first line, trimmed and ASCII lower-cased: where
        /// `message(for:among:)` looks for a recipient's name.
        var firstLineKey: [UInt8]
    }

    /// How much of an agent's first line is searched for a recipient's name (a recipient's line is short;
    /// a hostile one of megabytes is not searched once for each recipient of the report).
    static let maxFirstLineBytes = 512

    /// An agent: the start of its lines, its program's name in a pipe command, and its words for each
    /// reason (lower case).
    struct Agent {
        let name: String
        /// The program's file name, as a pipe recipient's command runs it (`/usr/bin/procmail -f-`).
        let program: StaticString
        /// How a line of the agent starts; Dovecot's whole first line is "Your message to <...> was
        /// automatically rejected:", matched by its start and end.
        let lineStart: StaticString
        let lineEnd: StaticString?
        let words: [(Reason, [String])]
    }

    static let agents: [Agent] = [
        Agent(name: "dovecot", program: "dovecot-lda", lineStart: "Your message to ", lineEnd: " was automatically rejected:", words: [
            (.userUnknown, ["mailbox doesn't exist: "]),
            (.mailboxFull, ["quota exceeded", "not enough disk space"]),
        ]),
        Agent(name: "mail.local", program: "mail.local", lineStart: "mail.local: ", lineEnd: nil, words: [
            (.userUnknown, [": unknown user:", ": user unknown", ": invalid mailbox path", ": user missing home directory"]),
            (.mailboxFull, ["disc quota exceeded", "mailbox full or quota exceeded"]),
            (.systemError, ["temporary file write error"]),
        ]),
        Agent(name: "procmail", program: "procmail", lineStart: "procmail: ", lineEnd: nil, words: [
            (.mailboxFull, ["quota exceeded while writing", "user over quota"]),
            (.systemFull, ["no space left to finish writing"]),
            // Sendmail's words for the program's exit status EX_UNAVAILABLE (sysexits.h, 69).
            (.systemError, ["service unavailable"]),
        ]),
        Agent(name: "maildrop", program: "maildrop", lineStart: "maildrop: ", lineEnd: nil, words: [
            (.userUnknown, ["invalid user specified.", "cannot find system user"]),
            (.mailboxFull, ["maildir over quota."]),
        ]),
        Agent(name: "vpopmail", program: "vdelivermail", lineStart: "vdelivermail: ", lineEnd: nil, words: [
            (.userUnknown, ["sorry, no mailbox here by that name."]),
            // A locked account is suspended (Sisimai 5's lda table; Sisimai 4's MDA table said filtered,
            // while its own Suspend reason listed the same words).
            (.suspend, ["account is locked email bounced"]),
            (.filtered, ["user does not exist, but will deliver to "]),
            (.mailboxFull, ["domain is over quota", "user is over quota"]),
        ]),
        Agent(name: "vmailmgr", program: "vdeliver", lineStart: "vdeliver: ", lineEnd: nil, words: [
            (.userUnknown, ["invalid or unknown base user or domain", "invalid or unknown virtual user",
                            "user name does not refer to a virtual user"]),
            (.mailboxFull, ["delivery failed due to system quota violation"]),
        ]),
    ]

    /// The words before the colon of each agent's first line, for `namesAgent`: `lineStart` without its
    /// ": ", or Dovecot's `lineEnd` without its leading space and its colon.
    static let namesBeforeColon: [[UInt8]] = agents.map { agent in
        if let end = agent.lineEnd { return Array(end.withUTF8Buffer { $0.dropFirst().dropLast() }) }
        return Array(agent.lineStart.withUTF8Buffer { $0.dropLast(2) })
    }

    /// Whether `text` (a swept decision text, a report's whole text or a record's diagnostic) holds an
    /// agent's name followed by a colon at a word's or a line's start, found by memchr for the colons:
    /// with `holdsPipeCommand`, the cheap test before `message(in:)` reads the report's lines (the lines
    /// of every report read for an agent cost ~4,000 instructions a report and made the text of reports
    /// that are otherwise read without it: bsd.mbox x3, +4.1M).
    @inline(__always)
    static func namesAgentBeforeAColon(_ text: String) -> Bool {
        anyOffset(of: UInt8(ascii: ":"), in: text) { bytes, colon in
            // Each name ends in l, p, r or d: most colons (times, URLs, field names) are passed at once.
            guard colon > 0 else { return false }
            let last = bytes[colon - 1]
            guard last == UInt8(ascii: "l") || last == UInt8(ascii: "p") || last == UInt8(ascii: "r") || last == UInt8(ascii: "d") else { return false }
            for name in namesBeforeColon where colon >= name.count {
                let start = colon - name.count
                if start == 0 || bytes[start - 1] == ASCII.space || bytes[start - 1] == ASCII.lineFeed,
                   UnsafeBufferPointer(rebasing: bytes[start..<colon]).elementsEqual(name) { return true }
            }
            return false
        }
    }

    /// Whether `text` quotes a pipe command: a `|` right after a double quote.
    static func holdsPipeCommand(_ text: String) -> Bool {
        anyOffset(of: UInt8(ascii: "|"), in: text) { bytes, bar in bar > 0 && bytes[bar - 1] == UInt8(ascii: "\"") }
    }

    /// Whether `test` holds at some offset of `byte` in `text`'s UTF-8 bytes, the offsets found by memchr.
    @inline(__always)
    private static func anyOffset(of byte: UInt8, in text: String,
                                  where test: (UnsafeBufferPointer<UInt8>, Int) -> Bool) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            let n = bytes.count
            var from = 0
            while from < n, let hit = memchr(base + from, Int32(byte), n - from) {
                let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if test(bytes, offset) { return true }
                from = offset + 1
            }
            return false
        }
    }

    /// Whether `text` holds, anywhere and in any case, the words with which some agent names a reason.
    /// Compared as bytes, ASCII lower-cased (every agent's words are ASCII): `String.contains` for each of
    /// the two dozen words cost ~80,000 instructions a text.
    static func holdsAnAgentsWords(_ text: String) -> Bool {
        let lower = text.utf8.map(ASCII.lowercased)
        return lower.withUnsafeBufferPointer { haystack in
            agents.contains { agent in agent.words.contains { holdsAny(of: $0.1, in: haystack) } }
        }
    }

    /// Whether ASCII lower-cased `haystack` holds one of `words` (ASCII lower case).
    private static func holdsAny(of words: [String], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        words.contains { word in
            word.utf8.withContiguousStorageIfAvailable { ByteSubstring.firstOffset(of: $0, in: haystack) != nil } ?? false
        }
    }

    /// The most lines read from the agent's first line on (its message ends at a blank line).
    static let maxLines = 20

    /// The message of the first agent whose line starts a line of `text` (or whose program a pipe
    /// recipient's line of sendmail runs: `pipeAgent`), when its words (on that line or the lines after
    /// it up to a blank one) name a reason; nil otherwise. The lines are found
    /// on the bytes by memchr, and only a line whose first byte starts some agent's line is compared
    /// (a byte-by-byte walk cost ~10,000 instructions a report: bsd.mbox x3, 10.7M).
    static func message(in text: String) -> Message? {
        var text = text
        let start: (agent: Int, at: Int)? = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return nil }
            let n = bytes.count
            var at = 0
            while at < n {
                if let k = agentLine(at: at, bytes) { return (k, at) }
                if ASCII.isDigit(base[at]), let k = pipeAgent(bytes, at) { return (k, at) }
                guard let lf = memchr(base + at, Int32(ASCII.lineFeed), n - at) else { break }
                at = UnsafeRawPointer(lf) - UnsafeRawPointer(base) + 1
            }
            return nil
        }
        guard let start else { return nil }
        let agent = agents[start.agent]
        // The agent's lines: from its first up to a blank one, at most `maxLines`, each trimmed.
        let lines: [String] = text.withUTF8 { bytes in
            var lines: [String] = []
            var at = start.at
            guard let base = bytes.baseAddress else { return lines }
            while at < bytes.count, lines.count < maxLines {
                let end = memchr(base + at, Int32(ASCII.lineFeed), bytes.count - at).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? bytes.count
                let line = UnsafeBufferPointer(rebasing: bytes[at..<end])
                let (first, last) = line.trimmedBounds
                if first == last { break }
                lines.append(String(decoding: UnsafeBufferPointer(rebasing: line[first..<last]), as: UTF8.self))
                at = end + 1
            }
            return lines
        }
        return decide(agent, lines: lines)
    }

    /// The most agent lines `messages(in:)` reads.
    static let maxMessages = 100

    /// Each agent line of `text` whose words name a reason, with the lines that continue it (up to a
    /// blank line, the next agent line or `maxLines`), at most `maxMessages`: for a report of several
    /// recipients, where each agent line speaks of one (`mail.local: unknown user: bob`, dovecot's
    /// `Your message to <bob@example.net> was automatically rejected:`) and `message(for:among:)` picks it.
    /// Sendmail's lines for pipe recipients are not among them: they name a program, not a recipient.
    static func messages(in text: String) -> [Message] {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return [] }
            let n = bytes.count
            var found: [Message] = []
            var lines: [String] = []
            var current: Int? = nil   // the agent whose lines are being read
            func close() {
                if let k = current, found.count < maxMessages, let message = decide(agents[k], lines: lines) { found.append(message) }
                current = nil
                lines.removeAll(keepingCapacity: true)
            }
            var at = 0
            while at < n, found.count < maxMessages {
                let end = memchr(base + at, Int32(ASCII.lineFeed), n - at).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? n
                let starts = agentLine(at: at, bytes)
                let line = UnsafeBufferPointer(rebasing: bytes[at..<end])
                let (first, last) = line.trimmedBounds
                if let k = starts {
                    close()
                    current = k
                } else if first == last || lines.count >= maxLines {
                    close()
                }
                if current != nil {
                    lines.append(String(decoding: UnsafeBufferPointer(rebasing: line[first..<last]), as: UTF8.self))
                }
                at = end + 1
            }
            close()
            return found
        }
    }

    /// The message among `messages` whose first line names `recipient`: the whole address, else its
    /// local part as a word of its own (`mail.local: unknown user: bob`), compared without case; nil
    /// when none does, or when none names the whole address and two that name the local part differ.
    static func message(for recipient: String, among messages: [Message]) -> Message? {
        let address = recipient.utf8.map(ASCII.lowercased)
        guard let at = address.lastIndex(of: UInt8(ascii: "@")), at > 0 else { return nil }
        let local = Array(address[..<at])
        var byLocalPart: Message? = nil
        var disagree = false
        for message in messages {
            let line = message.firstLineKey
            if names(address, in: line) { return message }
            if names(local, in: line) {
                if let earlier = byLocalPart, earlier.reason != message.reason { disagree = true }
                byLocalPart = byLocalPart ?? message
            }
        }
        return disagree ? nil : byLocalPart
    }

    /// Whether `word` stands in `line` with no address byte (letter, digit, `.`, `_`, `+`, `-`) on
    /// either side; an `@` after it is allowed (the local part of an address).
    private static func names(_ word: [UInt8], in line: [UInt8]) -> Bool {
        func isAddressByte(_ b: UInt8) -> Bool {
            ASCII.isAlpha(b) || ASCII.isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
        }
        guard !word.isEmpty, word.count <= line.count else { return false }
        return line.withUnsafeBufferPointer { l in
            word.withUnsafeBufferPointer { w in
                var from = 0
                while from + w.count <= l.count, let hit = ByteSubstring.firstOffset(of: w, in: UnsafeBufferPointer(rebasing: l[from...])) {
                    let start = from + hit, stop = start + w.count
                    if (start == 0 || !isAddressByte(l[start - 1])) && (stop == l.count || !isAddressByte(l[stop])) { return true }
                    from = start + 1
                }
                return false
            }
        }
    }

    /// The reason `agent`'s words name in `lines` (its reasons in order, each over the lines in
    /// order), with the line that says it. Compared as ASCII lower-cased bytes (every word is ASCII
    /// lower case): `String.lowercased` and `contains` for two dozen words read a long line slowly.
    private static func decide(_ agent: Agent, lines: [String]) -> Message? {
        guard let firstLine = lines.first else { return nil }
        let lowered = lines.map { $0.utf8.map(ASCII.lowercased) }
        for (reason, words) in agent.words {
            for (k, lower) in lowered.enumerated() where lower.withUnsafeBufferPointer({ holdsAny(of: words, in: $0) }) {
                return Message(agent: agent.name, reason: reason, text: lines[k],
                               firstLineKey: Array(firstLine.utf8.prefix(maxFirstLineBytes).map(ASCII.lowercased)))
            }
        }
        return nil
    }

    /// The quoted command of the line at `at` of `bytes` when the line is sendmail's for a pipe
    /// recipient: a reply code, a space and the command in quotes, `|` first (`554 "|IFS=' ' && exec
    /// /usr/local/bin/procmail -f- || exit 75 #user"... Service unavailable`); the bytes between `|` and
    /// the closing quote, which must stand on the same line.
    static func pipeCommand(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Range<Int>? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        let quote = UInt8(ascii: "\"")
        guard n - at > 6, ASCII.isDigit(base[at]), ASCII.isDigit(base[at + 1]), ASCII.isDigit(base[at + 2]),
              base[at + 3] == ASCII.space, base[at + 4] == quote, base[at + 5] == UInt8(ascii: "|") else { return nil }
        let from = at + 6
        var end = from
        while end < n, base[end] != quote, base[end] != ASCII.lineFeed { end += 1 }
        guard end < n, base[end] == quote else { return nil }
        return from..<end
    }

    /// The agent whose program the pipe command of the line at `at` of `bytes` runs (`pipeCommand`): the
    /// program's name after a slash or a space and before a space or the command's end.
    static func pipeAgent(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int? {
        guard let range = pipeCommand(bytes, at) else { return nil }
        let command = UnsafeBufferPointer(rebasing: bytes[range])
        for (k, agent) in agents.enumerated() {
            let named = agent.program.withUTF8Buffer { program -> Bool in
                var offset = 0
                while offset < command.count,
                      let hit = ByteSubstring.firstOffset(of: program, in: UnsafeBufferPointer(rebasing: command[offset...])) {
                    let start = offset + hit, stop = start + program.count
                    let before = start == 0 ? ASCII.space : command[start - 1]
                    let after = stop == command.count ? ASCII.space : command[stop]
                    if (before == UInt8(ascii: "/") || before == ASCII.space) && after == ASCII.space { return true }
                    offset = start + 1
                }
                return false
            }
            if named { return k }
        }
        return nil
    }

    /// Sendmail's line for a pipe recipient (`pipeCommand`), the first at a line's start in `text`,
    /// trimmed: what the program's exit status meant, whatever the program (a filter of the site's own
    /// as much as an agent), for a record whose DSN gives no diagnostic.
    static func pipeRecipientLine(in text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard let base = bytes.baseAddress else { return nil }
            let n = bytes.count
            var at = 0
            while at < n {
                let end = memchr(base + at, Int32(ASCII.lineFeed), n - at).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? n
                if ASCII.isDigit(base[at]), pipeCommand(bytes, at) != nil {
                    let line = UnsafeBufferPointer(rebasing: bytes[at..<end])
                    let (first, last) = line.trimmedBounds
                    return String(decoding: UnsafeBufferPointer(rebasing: line[first..<last]), as: UTF8.self)
                }
                at = end + 1
            }
            return nil
        }
    }

    /// The agent whose line starts at `start` of `bytes` (`startsLine`), compared only when the line's
    /// first byte starts some agent's line (m, p, v or Y).
    private static func agentLine(at start: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let b = bytes[start]
        guard b == UInt8(ascii: "m") || b == UInt8(ascii: "p") || b == UInt8(ascii: "v") || b == UInt8(ascii: "Y") else { return nil }
        return agents.indices.first { startsLine(agents[$0], bytes, start) }
    }

    /// Whether the line at `at` of `bytes` is `agent`'s.
    private static func startsLine(_ agent: Agent, _ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let n = bytes.count
        let starts = agent.lineStart.withUTF8Buffer { prefix in
            prefix.count <= n - at && memcmp(base + at, prefix.baseAddress!, prefix.count) == 0
        }
        guard starts else { return false }
        guard let lineEnd = agent.lineEnd else { return true }
        let end = memchr(base + at, Int32(ASCII.lineFeed), n - at).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? n
        let (_, trimmedEnd) = UnsafeBufferPointer(rebasing: bytes[at..<end]).trimmedBounds
        return lineEnd.withUTF8Buffer { suffix in
            trimmedEnd >= suffix.count && memcmp(base + at + trimmedEnd - suffix.count, suffix.baseAddress!, suffix.count) == 0
        }
    }
}
