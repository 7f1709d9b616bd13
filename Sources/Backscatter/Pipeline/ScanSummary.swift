import MailParsing

/// Totals over the records a scan delivered, and the stream findings: what the summary reports show.
///
/// The pipeline adds every delivered record (`add`); the classifier's `ScanStage.summarize` fills in
/// floods, campaigns and reflectors. Memory grows with the distinct victims, reasons and hours, not
/// with the messages, and victims, hours and sender domains are capped at `maxKeys` each.
public struct ScanSummary: Sendable {
    /// Messages delivered (after filters).
    public var messages = 0
    /// Bytes of the delivered messages' entries.
    public var bytes = 0
    /// Messages per verdict (`ScanRecord.effectiveVerdict`); a verdict no message had is absent.
    public var verdicts: [ScanRecord.Verdict: Int] {
        get { Self.table(verdictCounts, ScanRecord.Verdict.allCases, slot: Self.slot) }
        set { verdictCounts = Self.counts(newValue, slots: verdictCounts.count, slot: Self.slot) }
    }
    /// Messages per kind; a kind no message had is absent.
    public var kinds: [ScanRecord.Kind: Int] {
        get { Self.table(kindCounts, ScanRecord.Kind.allCases, slot: Self.slot) }
        set { kindCounts = Self.counts(newValue, slots: kindCounts.count, slot: Self.slot) }
    }
    // Counted in a slot per case, not in the dictionaries: a String-valued enum hashes its raw value,
    // and the two lookups a message cost ~1,000 instructions (sisimai bsd x3: `add` 2.10M -> 0.16M).
    private var verdictCounts = [Int](repeating: 0, count: 4)
    private var kindCounts = [Int](repeating: 0, count: 8)
    /// Failed recipients per reason (`unknown` when the analysis gave none).
    public var reasons: [String: Int] = [:]
    /// Bounce-like messages per victim (the address the notice was sent to), split by verdict.
    public var victims: [String: VerdictCounts] = [:]
    /// Bounce-like messages per hour (hours since 1970-01-01T00:00Z), split by verdict.
    public var hourly: [Int64: VerdictCounts] = [:]
    /// Bounce-like messages without a usable date (absent from `hourly`).
    public var undated = 0
    /// Notices judged backscatter whose returned original carries a replayed signature of the site's
    /// (`dkim-ours-replayed`): its signed mail is being sent again by someone else.
    public var replayedSignatures = 0
    /// Notices judged backscatter about a message of the site's that left it longer before than any
    /// server keeps a message, by the sent log (`message-id-sent-long-ago`) or by its relay's hop in the
    /// returned Received chain (`relay-ip-ours-long-ago`), with no replayed signature: copies someone kept
    /// and sent again.
    public var replayedLongAgo = 0
    /// Floods found by the stream pass.
    public var floods: [Flood] = []
    /// Campaigns found by the stream pass.
    public var campaigns: [Campaign] = []
    /// Messages of ours the stream pass found sent on to others by someone else (`StreamFindings.replays`).
    public var replays: [Replay] = []
    /// Servers that sent the backscatter, from the stream pass; when it gives none, the pipeline
    /// counts the senders of bounce-like messages judged backscatter or uncertain.
    public var reflectors: [Reflector] = []
    /// Inputs or entries that could not be read.
    public var errors: [ScanError] = []
    /// What the classifier inferred about the site when no profile was given, one fact per line
    /// (empty with a profile).
    public var inferredProfile: [String] = []
    /// The inferred profile as TOML (set by `InferenceStage`, for `profile infer`).
    public var inferredProfileTOML: String?
    /// The queue audit's report (set by `AuditStage`, for `audit`).
    public var audit: AuditReport?
    /// Whether the site signs its envelope senders with BATV: its profile has `[batv]`, or zero-config
    /// saw its own bounces come back tagged (set by `ClassifierStage`; nil when the scan did not classify).
    public var signsBATV: Bool?

    private var fallbackReflectors: [String: Int] = [:]

    /// Whether `add` counts `reasons`, `victims`, `hourly`, `undated` and the fallback reflectors
    /// (`ScanOptions.summaryTables`); they stay empty when not.
    var countsTables = true

    /// At most this many distinct victims, hours and sender domains are counted; new ones past it are not
    /// (a hostile mailbox could send each bounce to another address). Default: 200 000.
    public static let maxKeys = 200_000

    /// An empty summary.
    public init() {}

    /// Counts one delivered record.
    public mutating func add(_ record: ScanRecord) {
        messages += 1
        bytes += record.length
        let verdict = record.effectiveVerdict
        verdictCounts[Self.slot(verdict)] += 1
        kindCounts[Self.slot(record.kind)] += 1
        guard countsTables else { return }
        for recipient in record.failedRecipients { reasons[recipient.reason ?? "unknown", default: 0] += 1 }
        guard record.isBounceLike else { return }
        for victim in record.to.prefix(4) {
            let key = victim.lowercasedIfNeeded()
            if victims[key] != nil || victims.count < Self.maxKeys { victims[key, default: VerdictCounts()].add(verdict) }
        }
        if let timestamp = record.timestamp {
            let hour = timestamp >= 0 ? timestamp / 3600 : (timestamp - 3599) / 3600
            if hourly[hour] != nil || hourly.count < Self.maxKeys { hourly[hour, default: VerdictCounts()].add(verdict) }
        } else {
            undated += 1
        }
        if verdict == .backscatter {
            var signature = false, longAgo = false
            for evidence in record.evidence where Signal.isReplay(evidence.signal) {
                switch Signal(rawValue: evidence.signal) {
                case .dkimOursReplayed: signature = true
                case .messageIDSentLongAgo, .relayIPOursLongAgo: longAgo = true
                default: break   // `message-id-replayed`: the stream pass's `replays`
                }
            }
            if signature { replayedSignatures += 1 } else if longAgo { replayedLongAgo += 1 }
        }
        if verdict != .legitimate, let from = record.from, let after = from.after(lastASCII: UInt8(ascii: "@")) {
            let domain = String(after).lowercasedIfNeeded()
            if fallbackReflectors[domain] != nil || fallbackReflectors.count < Self.maxKeys { fallbackReflectors[domain, default: 0] += 1 }
        }
    }

    /// The reflectors to report: the stream pass's, or else the fallback count by sender domain.
    public var reportedReflectors: [Reflector] {
        if !reflectors.isEmpty { return reflectors }
        return fallbackReflectors.map { Reflector(host: $0.key, address: nil, messages: $0.value) }
            .sorted { $0.messages != $1.messages ? $0.messages > $1.messages : $0.host < $1.host }
    }

    /// Whether any delivered message was judged backscatter.
    public var foundBackscatter: Bool { verdictCounts[Self.slot(.backscatter)] > 0 }

    /// What the site can do about the backscatter found, one plain paragraph each, the most effective
    /// first; empty when none was found. The remedies a victim has: tags on its own envelope senders
    /// that forged mail cannot carry (BATV, draft-levine-smtp-batv-01), sender authentication that lets
    /// other servers refuse the forged mail before it is accepted (SPF, RFC 7208; DMARC, RFC 7489), the
    /// reflectors' own fix (recipient filtering at RCPT time), and shelter during a flood.
    public var remedies: [String] {
        let count = verdictCounts[Self.slot(.backscatter)]
        guard count > 0 else { return [] }
        var out: [String] = []
        let notices = count == 1 ? "1 notice was" : "\(count) notices were"
        if signsBATV == true {
            out.append("\(notices) backscatter. Your mail's envelope senders carry BATV tags: refuse null-sender mail (bounces) to addresses without a valid tag while it is offered (at RCPT time), as the forged mail's bounces cannot carry one.")
        } else {
            out.append("\(notices) backscatter. Sign your envelope senders with BATV (prvs tags): bounces of your own mail then come back to a tagged address that forged mail cannot carry, and null-sender mail to an untagged address can be refused while it is offered. Add the key under [batv] in the profile so that scans check the tags.")
        }
        // (A replay dated by its notices alone is counted in the first two when judged backscatter.)
        if replayedSignatures > 0 || replayedLongAgo > 0 || replays.contains(where: { $0.sentTo != nil }) {
            // RFC 6376 §3.5 (x=), §5.4.2 (a field name signed once more than it occurs: none can be added).
            var found: [String] = []
            if replayedSignatures > 0 {
                let notices = replayedSignatures == 1 ? "1 of them returns" : "\(replayedSignatures) of them return"
                found.append("\(notices) a message of yours whose DKIM signature still verifies but was made long before.")
            }
            if replayedLongAgo > 0 {
                let notices = replayedLongAgo == 1 ? "1 of them returns" : "\(replayedLongAgo) of them return"
                found.append("\(notices) a message of yours that left your relays more than ten days before the notice came (by your sent log or your relay's Received field), a copy someone kept.")
            }
            // The first replay the sent log's recipients told (the others are dated, and counted above).
            let told = replays.filter { $0.sentTo != nil }
            if let first = told.first, let sentTo = first.sentTo, let recipients = first.recipients {
                let id = first.messageID.hasPrefix("<") ? first.messageID : "<" + first.messageID + ">"
                let messages = told.count == 1 ? "" : " (and \(told.count - 1) more of your messages)"
                found.append("Your message \(id) came back from \(recipients) addresses you never sent it to, though your sent log has it going to \(sentTo)\(messages).")
            }
            out.append(found.joined(separator: " ") + " Someone is sending your mail again to others (a replay), and servers accept the copies where your DKIM signature on them still verifies. Sign with an expiry a few days ahead (x=), so that old copies stop verifying, and sign From, To, Cc, Subject and Date once more than they occur (h=), so that a copy cannot be given a To or Subject of the replayer's own.")
        }
        out.append("Publish an SPF record ending in -all and a DMARC policy of p=reject for your domains, and sign your mail with DKIM: servers that check them refuse the forged mail while it is offered, so they have nothing to bounce to you.")
        let reflectors = reportedReflectors
        if let busiest = reflectors.first {
            let servers = reflectors.count == 1 ? "1 server" : "\(reflectors.count) servers"
            // Sorted by count: when the first sent one, each did.
            let most = busiest.messages > 1 ? "\(busiest.host) sent the most: \(busiest.messages)" : reflectors.count == 1 ? busiest.host : "one each"
            out.append("\(servers) accepted the forged mail and then sent you a notice about it (\(most)). Their postmasters stop this by rejecting unknown recipients during the SMTP conversation, and by never bouncing or answering mail judged as spam; a note to postmaster@ at their domain with one notice attached shows them the problem.")
        }
        if let flood = floods.first {
            out.append("\(flood.victim) got \(flood.messages) bounces within \(flood.windowSeconds / 60) minutes. While such a flood lasts, file null-sender mail to that address in a folder of its own, or refuse it while it is offered (real bounces to it are lost then).")
        }
        return out
    }

    /// The slot of `verdictCounts` for a verdict.
    private static func slot(_ verdict: ScanRecord.Verdict) -> Int {
        switch verdict {
        case .backscatter: 0
        case .legitimate: 1
        case .uncertain: 2
        case .notBounce: 3
        }
    }

    /// The slot of `kindCounts` for a kind.
    private static func slot(_ kind: ScanRecord.Kind) -> Int {
        switch kind {
        case .notBounce: 0
        case .bounce: 1
        case .delay: 2
        case .success: 3
        case .autoReply: 4
        case .challenge: 5
        case .virusNotice: 6
        case .feedbackReport: 7
        }
    }

    /// The counts in `slots` by key, without the keys counted zero times.
    private static func table<Key: Hashable>(_ slots: [Int], _ keys: [Key], slot: (Key) -> Int) -> [Key: Int] {
        var table: [Key: Int] = [:]
        for key in keys where slots[slot(key)] != 0 { table[key] = slots[slot(key)] }
        return table
    }

    /// `table`'s counts put into their slots.
    private static func counts<Key: Hashable>(_ table: [Key: Int], slots: Int, slot: (Key) -> Int) -> [Int] {
        var counts = [Int](repeating: 0, count: slots)
        for (key, count) in table { counts[slot(key)] = count }
        return counts
    }

    /// The `count` victims with most bounce-like messages, ties by address.
    public func topVictims(_ count: Int) -> [Victim] {
        victims.sorted { $0.value.total != $1.value.total ? $0.value.total > $1.value.total : $0.key < $1.key }
            .prefix(count).map { Victim(address: $0.key, counts: $0.value) }
    }

    /// Reasons by count, then name.
    public var sortedReasons: [ReasonCount] {
        reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { ReasonCount(reason: $0.key, count: $0.value) }
    }
}

extension ScanSummary {
    /// An address bounce-like messages were sent to, and their verdicts (`topVictims`).
    public struct Victim: Sendable, Hashable {
        /// The recipient address of the bounces.
        public var address: String
        /// Its messages per verdict.
        public var counts: VerdictCounts
    }

    /// A reason and how many failed recipients had it (`sortedReasons`).
    public struct ReasonCount: Sendable, Hashable {
        /// The reason's name, as in output (`userunknown`, ...).
        public var reason: String
        /// Failed recipients.
        public var count: Int
    }

    /// Counts of messages per verdict.
    public struct VerdictCounts: Sendable, Hashable {
        /// Judged backscatter.
        public var backscatter = 0
        /// Judged legitimate.
        public var legitimate = 0
        /// Judged uncertain (or not judged).
        public var uncertain = 0
        /// Not bounce-like.
        public var notBounce = 0

        /// All zero.
        public init() {}

        /// Counts one message.
        public mutating func add(_ verdict: ScanRecord.Verdict) {
            switch verdict {
            case .backscatter: backscatter += 1
            case .legitimate: legitimate += 1
            case .uncertain: uncertain += 1
            case .notBounce: notBounce += 1
            }
        }

        /// The sum of all four.
        public var total: Int { backscatter + legitimate + uncertain + notBounce }
    }

    /// Many bounces to one victim within a short window (the stream pass's finding, as is).
    public typealias Flood = StreamFindings.Flood
    /// One spam run reflected by many servers.
    public typealias Campaign = StreamFindings.Campaign
    /// A message of ours someone else is sending on to others.
    public typealias Replay = StreamFindings.Replay
    /// A server that sent backscatter.
    public typealias Reflector = StreamFindings.Reflector
}

/// An input, or one entry of it, that could not be read; the scan goes on with the rest.
public struct ScanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file concerned.
    public var path: String
    /// Index of the message that could not be read within `path` (the count read before the failure).
    public var index: Int
    /// Byte offset in `path` where reading failed.
    public var byteOffset: Int
    /// What went wrong, in a few words.
    public var reason: String

    /// An error record.
    public init(path: String, index: Int, byteOffset: Int, reason: String) {
        self.path = path
        self.index = index
        self.byteOffset = byteOffset
        self.reason = reason
    }

    /// `path: message N at byte B: reason`, one line (the path as `NativePath.displayed` shows it).
    public var description: String { "\(NativePath.displayed(path)): message \(index) at byte \(byteOffset): \(reason)" }
}
