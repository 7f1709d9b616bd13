import DeliveryStatus
import MailParsing

/// What the audit says about one message our own server holds or sent (issue 4, "the queue audit").
public enum AuditVerdict: String, Sendable, Hashable, CaseIterable, Codable {
    /// An NDR our server made for forged spam, going to a third party (backscatter we sent).
    case reflected
    /// An NDR about real mail: a real sender, a real recipient, a real failure.
    case legitimateNDR = "legitimate-ndr"
    /// Mail from an outside sender to an outside recipient passing through us (relay abuse).
    case relayed
    /// Part of a burst from one internal account to many outside recipients (a compromised account).
    case internalBulk = "internal-bulk"
    /// Normal outbound mail.
    case ordinary
}

/// The audit of one message.
public struct AuditRecord: Sendable, Hashable {
    /// 0-based position in the audited input.
    public var index: Int
    /// The verdict.
    public var verdict: AuditVerdict
    /// The evidence, strongest first.
    public var evidence: [Evidence]
}

/// The audit of a queue, Badmail folder or sent mailbox: one record per message, totals, the top
/// forged senders, non-existent recipients and internal senders, and the remedy in plain words.
public struct AuditReport: Sendable {
    /// One per message, in input order.
    public var records: [AuditRecord] = []
    /// Messages per verdict.
    public var totals: [AuditVerdict: Int] = [:]
    /// The share of NDRs among all messages (0...1).
    public var ndrShare: Double = 0
    /// Senders our server bounced forged spam to (the forged addresses), most first, at most 10.
    public var topForgedSenders: [AddressCount] = []
    /// Made-up recipients at our domains that caused NDRs, most first, at most 10.
    public var topNonexistentRecipients: [AddressCount] = []
    /// Internal senders of bulk bursts, most first, at most 10.
    public var topInternalSenders: [AddressCount] = []
    /// NDRs judged `legitimate-ndr` that still say a recipient at our domains does not exist: mail our
    /// server accepted and bounced afterwards. Nothing marks them as reflected spam, but the setting that
    /// let them in (no recipient filtering at RCPT time) is the one a spam run turns into backscatter.
    public var legitimateNDRsForUnknownRecipients = 0

    /// An address and how many messages it stands in.
    public struct AddressCount: Sendable, Hashable {
        /// The address, lower-cased.
        public var address: String
        /// Messages.
        public var count: Int

        /// Creates a count.
        public init(address: String, count: Int) {
            self.address = address
            self.count = count
        }
    }
    /// When the input looks like mail received (an inbox) rather than mail the site sent or queued: the
    /// domain it is addressed to (`QueueAudit.InputShape`). The verdicts assume the site's own outbound
    /// mail; on an inbox they do not hold, and the first remedy says to read it with `scan`.
    public var looksLikeInboxOf: String?
    /// What to do, one plain paragraph per problem found.
    public var remedies: [String] = []
}

/// Sorts what the site's own server holds or sent into reflected, legitimate-ndr, relayed,
/// internal-bulk and ordinary.
public struct QueueAudit: Sendable {
    /// The profile (domains and users sharpen the audit); an empty one lets the audit infer the domains.
    public var profile: SiteProfile
    /// A burst: at least this many outside recipients from one internal sender within an hour. Default: 30.
    public static let burstRecipients = 30

    /// An audit with a profile (or an empty one).
    public init(profile: SiteProfile = SiteProfile()) {
        self.profile = profile
    }

    /// What the audit keeps of one message.
    public struct Item: Sendable {
        var isNDR = false
        var from: String?
        var recipients: [String] = []
        var failed: [String] = []
        var reasons: [Reason] = []
        var original: OriginalFacts?
        var originalFrom: String?
        /// The returned original's first Authentication-Results fields (at most 4), in order: each
        /// one's authserv-id (RFC 8601 §2.2, lower-cased), and whether it claims both an SPF and a DKIM
        /// pass.
        var originalAuthServIDs: [String] = []
        var originalAuthPasses: [Bool] = []
        var time: Int64?
        /// For an NDR, the recogniser that read it (`BounceReport.format`): the MTA that made it.
        var format: String?
        /// Whether the message came with its queue's envelope: it is in a queue, not in an inbox.
        var isQueued = false

        /// Reads one message, and the envelope its queue kept (`MailboxMessage.queueEnvelope`), if any.
        /// The envelope's recipients are where the message goes, so they stand for the To, Cc and Bcc
        /// fields (relayed spam often has only `To: undisclosed-recipients:;`); its sender stands for a
        /// missing From field, its arrival time for a missing or unreadable Date.
        public init(_ message: ParsedMessage, report: BounceReport, envelope: QueueEnvelope? = nil) {
            let headers = message.headers
            if let f = headers.first("from"), let a = AddressParser.parseSingle(f.unfoldedValue) { from = a.address.lowercased() }
            isQueued = envelope != nil
            if let envelope, !envelope.recipients.isEmpty {
                recipients = envelope.recipients.map { String(decoding: $0, as: UTF8.self).lowercased() }
            } else {
                for name in ["to", "cc", "bcc"] {
                    for field in headers.all(name) { recipients += AddressParser.parseList(field.unfoldedValue).map { $0.address.lowercased() } }
                }
            }
            if from == nil, let sender = envelope?.sender, !sender.isEmpty { from = String(decoding: sender, as: UTF8.self).lowercased() }
            if let d = headers.first("date") { time = MailDate.parse(d.unfoldedValue)?.secondsSince1970 }
            if time == nil, let arrival = envelope?.arrivalTime { time = Int64(arrival) }
            guard report.kind == .bounce || report.kind == .delay else { return }
            isNDR = true
            format = report.format
            failed = report.recipients.prefix(8).map { $0.recipient.lowercased() }
            reasons = report.recipients.prefix(8).map(\.reason)
            if let section = report.original.headers, let o = ObservationReader().observe(message, report: report)?.original {
                original = o
                originalFrom = o.from
                for field in section.all("authentication-results").prefix(4) {
                    let value = field.valueString.lowercased()
                    originalAuthServIDs.append(QueueAudit.authServID(value))
                    originalAuthPasses.append(value.contains("spf=pass") && value.contains("dkim=pass"))
                }
            }
        }
    }

    /// What the audit learns from the whole input before it judges one message: the site's domains
    /// (inferred when the profile has none), its real mailboxes, the subjects reflected to many senders
    /// and each internal sender's outside recipients per hour. Bounded: `maxKeys` subjects and senders.
    public struct Context: Sendable {
        var domains: Set<String>
        var knownUsers: Set<String>
        var knownLocals: Set<String>
        /// Without a user list: the local parts of our addresses that sent ordinary mail through us
        /// (those mailboxes exist).
        var senderLocals: Set<String> = []
        var subjectSenders: [UInt64: Set<String>] = [:]
        var burst: [String: [Int64: Int]] = [:]
        /// The domain the input's mail is addressed to when it looks like an inbox (`inboxDomain`).
        var looksLikeInboxOf: String?
        /// `knownLocals` and `senderLocals` of 3 bytes or more by length, each length in byte order, for
        /// the typo test (made by `indexLocals` once both are complete).
        private(set) var localsByLength: [Int: [[UInt8]]] = [:]

        /// Makes `localsByLength` from `knownLocals` and `senderLocals`. In byte order, so that which are
        /// compared under the limit does not depend on the hash seed.
        mutating func indexLocals() {
            localsByLength = [:]
            for local in knownLocals.union(senderLocals) where local.utf8.count >= 3 {
                localsByLength[local.utf8.count, default: []].append(Array(local.utf8))
            }
            for length in localsByLength.keys { localsByLength[length]?.sort { $0.lexicographicallyPrecedes($1) } }
        }

        /// Whether `local` is within two edits of a known local part other than itself (both at least 3
        /// bytes long): a person mistyped a real mailbox. Only the local parts whose length is within two
        /// of its own are compared, those of its own length first, then one off, then two, each length
        /// in byte order; at most `QueueAudit.maxTypoComparisons` of them (a limit: past it the test
        /// answers no). Comparing with every known local part was quadratic in the queue: up to 200,000
        /// learned local parts, each against each failed recipient.
        func hasNearMiss(_ local: String) -> Bool {
            var local = local
            return local.withUTF8 { x -> Bool in
                guard x.count >= 3 else { return false }
                var compared = 0
                for offset in QueueAudit.typoLengthOffsets where x.count + offset >= 3 {
                    let length = x.count + offset
                    for candidate in localsByLength[length] ?? [] {
                        guard compared < QueueAudit.maxTypoComparisons else { return false }
                        compared += 1
                        let near = candidate.withUnsafeBufferPointer { y in
                            !x.elementsEqual(y) && QueueAudit.withinTwoEdits(x, y)
                        }
                        if near { return true }
                    }
                }
                return false
            }
        }

        func ours(_ address: String) -> Bool {
            guard let d = QueueAudit.domain(address) else { return false }
            return ownsHost(d)
        }

        /// Whether `host` (lower-cased) is one of our domains or a name under one.
        func ownsHost(_ host: String) -> Bool {
            domains.contains { host == $0 || host.hasSuffix("." + $0) }
        }
    }

    /// The most distinct subjects, senders and addresses the audit's tables keep.
    public static let maxKeys = 200_000
    /// The most known local parts a failed recipient is compared with in the typo test.
    public static let maxTypoComparisons = 1_000
    /// The lengths the typo test compares, as offsets from the recipient's: its own first, then one and
    /// two off.
    private static let typoLengthOffsets = [0, -1, 1, -2, 2]

    /// Audits `items`, in order: the context from every item, then each item judged.
    public func audit(_ items: [Item]) -> AuditReport {
        let context = prepare(items)
        var report = tally(items, context: context)
        report.records = items.enumerated().map { judge($1, index: $0, context: context) }
        return report
    }

    /// The context, from passes over `items` (a sequence that can be read more than once).
    public func prepare(_ items: some Sequence<Item>) -> Context {
        var domains = Set(profile.site.domains)
        if domains.isEmpty {
            // Infer: the domain most failed recipients of NDRs belong to, and the senders' of ordinary mail.
            var counts: [String: Int] = [:]
            for item in items {
                for a in item.failed {
                    if let d = Self.domain(a), counts[d] != nil || counts.count < Self.maxKeys { counts[d, default: 0] += 1 }
                }
                if !item.isNDR, let f = item.from, let d = Self.domain(f), counts[d] != nil || counts.count < Self.maxKeys {
                    counts[d, default: 0] += 1
                }
            }
            let total = counts.values.reduce(0, +)
            domains = Set(counts.filter { $0.value * 10 >= total }.map(\.key))
        }
        let knownUsers = Set(profile.site.users.map { $0.lowercased() } + profile.site.fileUsers.map { $0.lowercased() })
        var context = Context(domains: domains, knownUsers: knownUsers, knownLocals: Set(knownUsers.map(Self.localPart)))
        var shape = InputShape(inferred: profile.site.domains.isEmpty)
        for item in items {
            shape.add(item, context: context)
            if knownUsers.isEmpty && item.isNDR && context.knownLocals.count < Self.maxKeys {
                // No user list: a mailbox that was full (or failed for any reason but "no such user") exists.
                for (r, reason) in zip(item.failed, item.reasons) where context.ours(r) && reason != .userUnknown && reason != .hostUnknown {
                    context.knownLocals.insert(Self.localPart(r))
                }
            }
            if knownUsers.isEmpty, !item.isNDR, let f = item.from, context.ours(f), context.senderLocals.count < Self.maxKeys {
                // No user list: a mailbox of ours that sent ordinary mail through us exists.
                context.senderLocals.insert(Self.localPart(f))
            }
            // Campaigns among NDR originals: one subject reflected to many different senders.
            if item.isNDR, let key = item.original?.subjectKey, let f = item.originalFrom,
               (context.subjectSenders[key]?.count ?? 0) < 64,
               context.subjectSenders[key] != nil || context.subjectSenders.count < Self.maxKeys {
                context.subjectSenders[key, default: []].insert(f)
            }
            // Bursts: outside recipients per internal sender per hour.
            if !item.isNDR, let f = item.from, context.ours(f), let t = item.time {
                let outside = item.recipients.filter { !context.ours($0) }.count
                if outside > 0, context.burst[f] != nil || context.burst.count < Self.maxKeys {
                    context.burst[f, default: [:]][t / 3600, default: 0] += outside
                }
            }
        }
        context.indexLocals()
        context.looksLikeInboxOf = shape.inboxDomain
        return context
    }

    /// Whether the input is mail received rather than mail the site sent or queued (`audit` run on an
    /// inbox by mistake): what the audit's verdicts assume fails there (an NDR in an inbox was made by
    /// another server, mail from outside to us is not relayed), so the report says so first.
    ///
    /// Measured on backscatter-dev's inbox (`corpus.mbox`, 3,922 messages): 76% of its messages are
    /// addressed to acme.example, its senders' three commonest domains (example.com, spamassassin.org,
    /// dkim.org) send 39%; its outbound queue (`outbound.mbox`) has no recipient domain above 3%, and
    /// every message from acme.example (counted by this type's own rule, 2026-12-06). The rule: at
    /// least `minimumMessages` messages, none with a queue's envelope, and at least half of them
    /// addressed to one domain (with a profile: to ours, from outside) while (zero-config) the three
    /// commonest sender domains, by their last two labels, send fewer than half. A site's own queue sends
    /// from its few domains.
    struct InputShape {
        /// Fewer messages say nothing about the input.
        static let minimumMessages = 20
        /// Whether the site's domains were inferred (no profile's): then any recipient domain counts,
        /// and the senders' concentration decides; with a profile, only mail from outside to ours.
        let inferred: Bool
        var messages = 0
        var queued = 0
        /// Messages by recipient domain (each message once a domain), and by sender domain's last two labels.
        var recipientDomains: [String: Int] = [:]
        var senderDomains: [String: Int] = [:]
        /// With a profile: messages from outside to one of our domains.
        var inbound = 0

        init(inferred: Bool) { self.inferred = inferred }

        mutating func add(_ item: Item, context: Context) {
            messages += 1
            if item.isQueued { queued += 1 }
            let sender = item.from.flatMap(QueueAudit.domain)
            var seen: Set<String> = []
            for recipient in item.recipients {
                // With a profile only our domains count: the question is whether mail comes in to us.
                guard let domain = QueueAudit.domain(recipient), inferred || context.ownsHost(domain),
                      seen.insert(domain).inserted else { continue }
                if recipientDomains[domain] != nil || recipientDomains.count < QueueAudit.maxKeys { recipientDomains[domain, default: 0] += 1 }
            }
            if inferred {
                if let sender {
                    let key = sender.split(separator: ".").suffix(2).joined(separator: ".")
                    if senderDomains[key] != nil || senderDomains.count < QueueAudit.maxKeys { senderDomains[key, default: 0] += 1 }
                }
            } else if !seen.isEmpty, !(sender.map(context.ownsHost) ?? false) {
                inbound += 1
            }
        }

        /// The domain the mail is addressed to, when the input looks like an inbox; else nil.
        var inboxDomain: String? {
            guard messages >= Self.minimumMessages, queued == 0,
                  let top = recipientDomains.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
                  top.value * 2 >= messages else { return nil }
            if inferred {
                let topSenders = senderDomains.values.sorted(by: >).prefix(3).reduce(0, +)
                return topSenders * 2 < messages ? top.key : nil
            }
            return inbound * 2 >= messages ? top.key : nil
        }
    }

    /// The totals, the top lists and the remedies (no per-message records), from one pass that judges
    /// every item.
    public func tally(_ items: some Sequence<Item>, context: Context) -> AuditReport {
        var report = AuditReport()
        var forged: [String: Int] = [:], nonexistent: [String: Int] = [:], insiders: [String: Int] = [:]
        func count(_ key: String, in table: inout [String: Int]) {
            if table[key] != nil || table.count < Self.maxKeys { table[key, default: 0] += 1 }
        }
        var all = 0, ndrs = 0
        var reflectedFormats: [String: Int] = [:], unknownRecipientFormats: [String: Int] = [:]
        for item in items {
            let verdict = judge(item, index: all, context: context).verdict
            all += 1
            if item.isNDR { ndrs += 1 }
            report.totals[verdict, default: 0] += 1
            switch verdict {
            case .reflected:
                if let format = item.format { reflectedFormats[format, default: 0] += 1 }
                if let f = item.recipients.first { count(f, in: &forged) }
                for r in item.failed where context.ours(r) { count(r, in: &nonexistent) }
            case .legitimateNDR:
                if Self.unknownRecipientOfOurs(item, context: context) != nil {
                    report.legitimateNDRsForUnknownRecipients += 1
                    if let format = item.format { unknownRecipientFormats[format, default: 0] += 1 }
                }
            case .internalBulk:
                if let f = item.from { count(f, in: &insiders) }
            case .relayed, .ordinary:
                break
            }
        }
        report.ndrShare = all == 0 ? 0 : Double(ndrs) / Double(all)
        report.looksLikeInboxOf = context.looksLikeInboxOf
        func top(_ d: [String: Int]) -> [AuditReport.AddressCount] {
            d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10)
                .map { AuditReport.AddressCount(address: $0.key, count: $0.value) }
        }
        report.topForgedSenders = top(forged)
        report.topNonexistentRecipients = top(nonexistent)
        report.topInternalSenders = top(insiders)
        // The NDRs are the site's own: the MTA that wrote most of them is the one to set up.
        func mostCommon(_ formats: [String: Int]) -> String? {
            formats.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        }
        if let domain = report.looksLikeInboxOf {
            report.remedies.append("These messages look like mail received, not mail your server sent or holds in its queue: most are addressed to \(domain), from \(profile.site.domains.isEmpty ? "many other domains" : "outside senders"). The audit judges a server's own outbound mail and queue, so on an inbox its verdicts do not hold (an NDR another server made is counted as yours, mail from outside to you as relayed). Read an inbox with backscatter scan, which finds the backscatter that reached it.\(profile.site.domains.isEmpty ? " If \(domain) is not yours and this is your queue, name your domains with --profile." : "")")
        }
        if report.totals[.reflected, default: 0] > 0 {
            report.remedies.append("Your server accepts mail for mailboxes that do not exist and then bounces it to the forged sender. Reject unknown recipients during the SMTP conversation (recipient filtering at RCPT time) instead of accepting and bouncing, and never send a bounce for mail judged as spam.")
            if let mostly = mostCommon(reflectedFormats), let advice = Self.recipientFilteringAdvice[mostly] { report.remedies.append(advice) }
        } else if report.legitimateNDRsForUnknownRecipients > 0 {
            // Nothing proves these were spam, but they show the reflector's precondition (issue 4's
            // remedy: "reject unknown recipients at RCPT time instead of accepting and bouncing").
            let n = report.legitimateNDRsForUnknownRecipients
            report.remedies.append("\(n) \(n == 1 ? "NDR here says" : "NDRs here say") that a recipient at your domains does not exist: your server accepted the mail and bounced it afterwards. Nothing marks \(n == 1 ? "it" : "them") as reflected spam, but the same setting turns your server into a reflector when a spam run with forged senders arrives. Reject unknown recipients during the SMTP conversation (recipient filtering at RCPT time): the sender's own server then reports the failure, and yours sends no NDR at all.")
            if let mostly = mostCommon(unknownRecipientFormats), let advice = Self.recipientFilteringAdvice[mostly] { report.remedies.append(advice) }
        }
        if report.totals[.relayed, default: 0] > 0 {
            report.remedies.append("Your server passes mail from outsiders to outsiders: close the relay, so that only authenticated users and your own networks may send to other domains.")
        }
        if report.totals[.internalBulk, default: 0] > 0 {
            report.remedies.append("An internal account or machine sends bulk mail: reset the compromised account's password (and check the machine for malware), then rate-limit outbound mail per user.")
        }
        if [AuditVerdict.reflected, .relayed, .internalBulk].contains(where: { report.totals[$0, default: 0] > 0 }) {
            report.remedies.append("Then clear the queue of the messages found here, so that legitimate mail flows again.")
        }
        return report
    }

    /// One message's verdict and evidence, in `context`.
    public func judge(_ item: Item, index: Int, context: Context) -> AuditRecord {
        let knownUsers = context.knownUsers, knownLocals = context.knownLocals
        var evidence: [Evidence] = []
        let verdict: AuditVerdict
        if item.isNDR {
            var sum = 0.0
            for r in item.failed where context.ours(r) {
                let exists: Bool? = knownUsers.isEmpty ? nil : (knownUsers.contains(r) || knownLocals.contains(Self.localPart(r)))
                if exists == true {
                    sum -= 4
                    evidence.append(Evidence(signal: "recipient-exists", weight: -4, detail: "\(r) is a real mailbox here: the failure is real."))
                } else if knownLocals.contains(Self.localPart(r)) {
                    // Before the typo test: a mailbox known to exist is no near-miss of another one.
                    sum -= 4
                    evidence.append(Evidence(signal: "recipient-exists", weight: -4, detail: "\(r) is a real mailbox here (another NDR found it full, or failing for a reason other than no such user): the failure is real."))
                } else if context.senderLocals.contains(Self.localPart(r)) {
                    sum -= 4
                    evidence.append(Evidence(signal: "recipient-exists", weight: -4, detail: "\(r) is a real mailbox here (it sent mail through us): the failure is real."))
                } else if context.hasNearMiss(Self.localPart(r)) {
                    sum -= 3
                    evidence.append(Evidence(signal: "typo-of-real-user", weight: -3, detail: "\(r) is a near-miss of a real mailbox: a person mistyped it."))
                } else if RandomLocalPart.looksRandom(r) {
                    sum += 3
                    evidence.append(Evidence(signal: "random-local-part", weight: 3, detail: "\(r) is a made-up, machine-looking address: spam sent to guessed names."))
                } else if exists == false {
                    sum += 1
                    evidence.append(Evidence(signal: "recipient-unknown-here", weight: 1, detail: "\(r) does not exist here."))
                }
                break
            }
            if item.reasons.contains(.mailboxFull) {
                sum -= 2
                evidence.append(Evidence(signal: "mailbox-full", weight: -2, detail: "The mailbox was full: the sender wrote to a real person."))
            }
            if let o = item.original {
                let facts = o.spamShape.descriptions
                if !facts.isEmpty {
                    let w = 1.0 * Double(min(facts.count, 3))
                    sum += w
                    evidence.append(Evidence(signal: "original-spam-shape", weight: w, detail: "The bounced message looks like spam: " + facts.joined(separator: "; ") + "."))
                }
                if let key = o.subjectKey, let senders = context.subjectSenders[key], senders.count >= 5 {
                    sum += 2
                    evidence.append(Evidence(signal: "campaign-member", weight: 2, detail: "The same message was bounced to \(senders.count) different senders: a spam run with forged senders."))
                }
            }
            // RFC 8601 §5: a site's MTAs delete the Authentication-Results fields that claim its own
            // authserv-id but came from outside, so the first one naming one of our hosts is our
            // server's. SPF and DKIM passes there mean the sender was not forged: the NDR went back to
            // whoever really sent the mail. A field naming no host of ours could be the spammer's own.
            if let ours = item.originalAuthServIDs.firstIndex(where: { context.ownsHost($0) }) {
                if item.originalAuthPasses.indices.contains(ours), item.originalAuthPasses[ours] {
                    sum -= 3
                    evidence.append(Evidence(signal: "sender-authenticated", weight: -3, detail: "Our server (\(item.originalAuthServIDs[ours])) recorded SPF and DKIM passes for the sender: the NDR went back to the real sender, not to a forged one."))
                }
            } else if item.originalAuthPasses.contains(true) {
                sum -= 1
                evidence.append(Evidence(signal: "sender-authentication-claimed", weight: -1, detail: "An Authentication-Results field of a host not known to be ours claims SPF and DKIM passes for the sender."))
            }
            verdict = sum > 0 ? .reflected : .legitimateNDR
            if verdict == .legitimateNDR, let r = Self.unknownRecipientOfOurs(item, context: context) {
                evidence.append(Evidence(signal: "accepted-unknown-recipient", weight: 0, detail: "Our server accepted mail for \(r), which does not exist here, and bounced it afterwards: refused at RCPT time, it would have sent no NDR."))
            }
            if evidence.isEmpty {
                // Every verdict says why, this one too (a zero-config audit of a small queue often has
                // nothing else to go on).
                evidence.append(Evidence(signal: "no-sign-of-reflection", weight: 0, detail: "Nothing marks this NDR as reflected spam (no made-up or missing recipient of ours, no spam-shaped original, no campaign): counted as an NDR about real mail."))
            }
        } else if let f = item.from, !context.ours(f), !item.recipients.isEmpty, item.recipients.allSatisfy({ !context.ours($0) }) {
            verdict = .relayed
            evidence.append(Evidence(signal: "outside-to-outside", weight: 0, detail: "From \(f), an outside sender, to outside recipients only: our server relayed it."))
        } else if let f = item.from, context.ours(f), let t = item.time, let n = context.burst[f]?[t / 3600], n >= Self.burstRecipients,
                  item.recipients.contains(where: { !context.ours($0) }) {
            verdict = .internalBulk
            evidence.append(Evidence(signal: "internal-burst", weight: 0, detail: "\(f) sent to \(n) outside recipients within one hour: a compromised account or an infected machine."))
        } else {
            verdict = .ordinary
            evidence.append(Evidence(signal: "ordinary", weight: 0, detail: "Normal outbound mail."))
        }
        evidence.sort { abs($0.weight) > abs($1.weight) }
        return AuditRecord(index: index, verdict: verdict, evidence: evidence)
    }

    /// How each MTA family rejects unknown recipients at RCPT time, by the recogniser name of its NDRs.
    static let recipientFilteringAdvice: [String: String] = [
        "postfix": "These NDRs were written by Postfix. Give it the list of valid recipients of every domain it accepts mail for, so that smtpd rejects the others with 550 at RCPT time: keep local_recipient_maps set (never empty; it needs updating when mail goes to a mailbox_transport, fallback_transport or luser_relay, see LOCAL_RECIPIENT_README), virtual_mailbox_maps for virtual domains, relay_recipient_maps for relay domains (or reject_unverified_recipient when the mailboxes live on an inner server), and smtpd_reject_unlisted_recipient = yes (the default). Postfix's BACKSCATTER_README covers the rest.",
        "exim": "These NDRs were written by Exim. Verify recipients in the RCPT ACL (acl_smtp_rcpt: require verify = recipient for the local and relay domains), so that unknown ones are refused at RCPT time; for domains relayed to an inner server, verify with a callout (verify = recipient/callout).",
        "qmail": "These NDRs were written by qmail, which accepts mail for every recipient of its domains by design and bounces afterwards. Add recipient validation at RCPT time (a recipient-checking patch or front end such as chkuser, or a filtering proxy in front of it), or replace it.",
        "sendmail": "These NDRs were written by Sendmail. Reject unknown recipients at RCPT time: no catch-all entries (@domain) in the virtusertable, and for domains relayed to an inner server a list of valid recipients to check against (LDAP routing with its bounce option, for example) instead of relaying everything to it.",
        "exchange2007": "These NDRs were written by Exchange. Turn on recipient validation so that unknown recipients are refused at RCPT time: on Exchange 2007-2019, Set-RecipientFilterConfig -RecipientValidationEnabled $true (the anti-spam agents on the Edge or Hub transport), or Directory-Based Edge Blocking in Exchange Online Protection.",
        // Verified with OpenSMTPD 6.8 (Fixtures/mailbox/opensmtpd-queue/make-queue.sh): an unknown local user
        // was refused at RCPT time ("550 Invalid recipient") until a virtual table's "@example.net" catch-all
        // took it; smtpd.conf(5) since 6.4 refuses every envelope that matches no rule.
        "opensmtpd": "These NDRs were written by OpenSMTPD. Let it accept only recipients that exist, so that the others are refused at RCPT time: an envelope that matches no match rule is refused, so give the rules for relayed domains the list of their recipients (match from any for domain <relay_domains> rcpt-to <relay_recipients> action ...), and take catch-all entries (@example.net) out of the virtual tables of local domains; OpenSMTPD already refuses local users that do not exist.",
        // Verified with Courier 1.0.16 (Debian's courier-mta, its shipped settings) on 2026-12-07: an unknown
        // local user was refused at RCPT time ("550 User <nosuchuser> unknown"; "450 Service temporarily
        // unavailable" for every local recipient while courier-authdaemon was not running); a domain in
        // esmtpacceptmailfor relayed on took every recipient, and the bounce for one the next server
        // refused was logged "250 Backscatter bounce dropped" (ESMTP_BLOCKBACKSCATTER=smtp/dsn, whose
        // conditions and `authsmtp/dsn` are as the comment in /etc/courier/courierd gives them), after
        // which that address was refused at RCPT time ("556 Address unavailable"; courier(8): for two
        // hours, listed by `courier show all`). The bounce in Fixtures/mailbox/courier-queue was queued,
        // not dropped: its spam came by /usr/sbin/sendmail, not SMTP.
        "courier": "These NDRs were written by Courier. As shipped, it refuses unknown local users at RCPT time (while courier-authdaemon runs; without it, every local recipient gets 450) and drops each bounce about mail that came by SMTP from a sender without relaying rights (ESMTP_BLOCKBACKSCATTER=smtp/dsn in /etc/courier/courierd). These were not dropped: put that setting back if it was taken out (smtp/dsn,authsmtp/dsn drops the bounces about mail from authenticated users and trusted networks too), and find what hands Courier mail without SMTP (a script or web form calling sendmail), which the setting does not cover. Domains in esmtpacceptmailfor that are relayed to an inner server take every recipient at RCPT time: Courier refuses such an address only for two hours after a delivery to it failed (courier show all lists them).",
        "exchange2003": "These NDRs were written by Exchange 2003. Turn on recipient filtering: \"Filter recipients who are not in the Directory\" in the Recipient Filtering tab of the Message Delivery properties, and enable it on the SMTP virtual server.",
    ]

    /// The first failed recipient at our domains that the NDR says does not exist (reason
    /// `userunknown`), if any, when the NDR goes to someone outside them: mail our server accepted for a
    /// mailbox it does not have and bounced to an outside sender. (An NDR to one of our own users is
    /// mail that came in, or an internal mistake that sent nothing out.)
    static func unknownRecipientOfOurs(_ item: Item, context: Context) -> String? {
        guard item.isNDR, item.recipients.contains(where: { !context.ours($0) }) else { return nil }
        return zip(item.failed, item.reasons).first { context.ours($0.0) && $0.1 == .userUnknown }?.0
    }

    /// The authserv-id of an Authentication-Results value (RFC 8601 §2.2: a token or a quoted string
    /// first, before an optional version and the first `;`), without its quotes.
    static func authServID(_ value: String) -> String {
        let start = value.drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        let id = start.prefix { $0 != ";" && $0 != " " && $0 != "\t" && $0 != "\r" && $0 != "\n" }
        return String(id.count >= 2 && id.first == "\"" && id.last == "\"" ? id.dropFirst().dropLast() : id)
    }

    static func localPart(_ a: String) -> String { a.split(separator: "@").first.map(String.init) ?? a }

    /// Reads and audits mailboxes, folders or message files.
    public func audit(paths: [String]) throws -> AuditReport {
        let analyzer = BounceAnalyzer()
        var items: [Item] = []
        for path in paths {
            var reader = try MailboxReader(path: path)
            while let entry = try reader.next() {
                let parsed = ParsedMessage(parsing: entry.bytes)
                items.append(Item(parsed, report: analyzer.analyze(parsed), envelope: entry.queueEnvelope))
            }
        }
        return audit(items)
    }

    static func domain(_ address: String) -> String? {
        address.after(lastASCII: ASCII.at).map(String.init)
    }

    /// Whether the Levenshtein distance of two byte strings is at most 2: the dynamic programme on two
    /// rows in a temporary buffer, given up once a whole row is over 2.
    static func withinTwoEdits(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = x.count, m = y.count
        guard abs(n - m) <= 2 else { return false }
        guard n > 0, m > 0 else { return max(n, m) <= 2 }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (m + 1)) { rows -> Bool in
            guard let base = rows.baseAddress else { return false }
            var previous = base, current = base + (m + 1)
            for j in 0...m { previous[j] = j }
            for i in 1...n {
                current[0] = i
                var rowMinimum = i
                for j in 1...m {
                    let value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                    current[j] = value
                    rowMinimum = min(rowMinimum, value)
                }
                if rowMinimum > 2 { return false }
                swap(&previous, &current)
            }
            return previous[m] <= 2
        }
    }
}
