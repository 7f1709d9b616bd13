/// The classifier's stream pass: with the notes of every message of a scan, infers a profile when none
/// is given, judges each bounce-like message, finds floods, campaigns, reflectors and made-up
/// recipients, and turns those findings into evidence on the messages they cover.
///
/// Memory: the notes (one compact `Observation` per bounce-like message) plus maps capped at
/// `maxGroups` keys; no message bytes.
public struct StreamClassifier: Sendable {
    /// At most this many campaign keys, victims and reflectors are tracked. Default: 200 000.
    public static let maxGroups = 200_000
    /// A flood: at least this many bounce-like messages to one victim within `floodWindow`. Default: 10.
    public static let floodMinimum = 10
    /// The flood window in seconds. Default: 3600.
    public static let floodWindow: Int64 = 3600
    /// A campaign: at least this many messages with one original. Default: 5.
    public static let campaignMinimum = 5
    /// ... returned by at least this many different servers. Default: 3.
    public static let campaignReflectors = 3

    /// How far either side an undecided notice looks for other notices to the same victim. Default: 12 h.
    public static let attackWindow: Int64 = 12 * 3600

    /// The classifier used (the given or inferred profile).
    public let classifier: Classifier
    /// The inferred profile, when none was given.
    public let inferred: InferredProfile?

    /// A stream pass with a given profile, or (nil) one inferred from `notes`.
    public init(profile: SiteProfile?, notes: [ClassifierNote]) {
        if let profile {
            classifier = Classifier(profile: profile)
            inferred = nil
        } else {
            let inference = ProfileInference.infer(notes)
            classifier = Classifier(site: inference.knowledge)
            inferred = inference
        }
    }

    /// What the pass gives: one judgement per note, in order, and the findings.
    public struct Result: Sendable {
        /// One per note, in the notes' order.
        public var judgements: [Judgement]
        /// Floods, campaigns, reflectors, made-up recipients.
        public var findings: StreamFindings
    }

    /// Judges every note with stream evidence.
    public func run(_ notes: [ClassifierNote]) -> Result {
        var findings = StreamFindings()
        // 1. Each message on its own.
        var base: [[Evidence]?] = []
        var baseScore: [Double?] = []
        base.reserveCapacity(notes.count)
        baseScore.reserveCapacity(notes.count)
        for note in notes {
            if let o = note.observation, classifier.fakeNotice(o) == nil {
                let e = classifier.evidence(for: o)
                base.append(e)
                baseScore.append(Classifier.score(e.reduce(0) { $0 + $1.weight }))
            } else {
                base.append(nil)
                baseScore.append(nil)
            }
        }
        let backscatterAt = classifier.site.profile.thresholds.backscatter
        let legitimateAt = classifier.site.profile.thresholds.legitimate
        var extra: [Int: [Evidence]] = [:]
        var campaignOf: [Int: String] = [:]

        // 2. Campaigns: one original (normalised subject, else body) returned by many servers.
        struct Group { var members: [Int] = []; var reflectors = Set<String>(); var subject: String?; var letters: String?; var by: String }
        var groups: [UInt64: Group] = [:]
        var unkeyed: [Int] = []
        for (i, note) in notes.enumerated() {
            guard let o = note.observation else { continue }
            let key: UInt64?
            let by: String
            if let s = o.original?.subjectKey { key = s; by = "subject" } else if let b = o.original?.bodyKey { key = b; by = "body" } else { key = nil; by = "" }
            guard let key else { unkeyed.append(i); continue }
            if groups[key] == nil, groups.count >= Self.maxGroups { continue }
            groups[key, default: Group(by: by)].members.append(i)
            if groups[key]!.reflectors.count < 64 { groups[key]!.reflectors.insert(o.reportingMTA ?? o.connectingHost ?? o.connectingIP ?? "?") }
            if groups[key]!.subject == nil { groups[key]!.subject = o.original?.subject; groups[key]!.letters = o.original?.subjectLetters }
        }
        var campaigns = groups.values.filter { $0.members.count >= Self.campaignMinimum && $0.reflectors.count >= Self.campaignReflectors }
        campaigns.sort { $0.members[0] < $1.members[0] }
        // A notice that returned nothing of the original often quotes its subject at the end of its own.
        var tails: [(letters: String, index: Int)] = []
        for (n, c) in campaigns.enumerated() { if let l = c.letters, l.count >= 12 { tails.append((l, n)) } }
        for i in unkeyed {
            guard let tail = notes[i].observation?.noticeSubjectTail else { continue }
            if let hit = tails.first(where: { tail.hasSuffix($0.letters) }) { campaigns[hit.index].members.append(i) }
        }
        for c in campaigns {
            let id = "c\(findings.campaigns.count + 1)"
            var decided = 0, spam = 0
            var victims: [String: Int] = [:]
            var first: Int64?, last: Int64?
            for i in c.members {
                if let s = baseScore[i] {
                    if s >= backscatterAt { decided += 1; spam += 1 } else if s <= legitimateAt { decided += 1 }
                }
                if let o = notes[i].observation {
                    if let v = o.victim, victims.count < 10_000 { victims[v, default: 0] += 1 }
                    if let t = o.arrival { first = min(first ?? t, t); last = max(last ?? t, t) }
                }
            }
            let share = decided > 0 ? Double(spam) / Double(decided) : 0.5
            let size = c.members.count
            if decided >= 3, share >= 0.9 {
                for i in c.members {
                    campaignOf[i] = id
                    extra[i, default: []].append(Evidence(signal: Signal.campaignMember.rawValue, weight: Signal.campaignMember.weight,
                        detail: "It belongs to campaign \(id): the same original came back from \(c.reflectors.count) servers in \(size) notices, \(Int(share * 100))% of them clearly backscatter."))
                }
            } else if decided >= 3, share <= 0.1 {
                for i in c.members {
                    extra[i, default: []].append(Evidence(signal: Signal.campaignMember.rawValue, weight: -Signal.campaignMember.weight,
                        detail: "The same original came back in \(size) notices, nearly all of them bounces of mail we really sent (a mailing of ours)."))
                }
                continue
            } else if decided >= 3 {
                // Mixed: not one spam run (templates that share a subject, a list, a test text): not a campaign.
                continue
            } else {
                for i in c.members { campaignOf[i] = id }
            }
            findings.campaigns.append(.init(id: id, subject: c.subject, messages: size, first: first, last: last,
                                            victims: victims.count,
                                            topVictims: victims.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5).map(\.key),
                                            reflectors: c.reflectors.count, groupedBy: c.by, backscatterShare: share))
        }

        // 3. Floods: bounce-like messages per victim in a sliding window.
        var byVictim: [String: [Int]] = [:]
        for (i, note) in notes.enumerated() {
            guard let v = note.observation?.victim, note.observation?.arrival != nil else { continue }
            if byVictim[v] == nil, byVictim.count >= Self.maxGroups { continue }
            byVictim[v, default: []].append(i)
        }
        for (victim, indices) in byVictim where indices.count >= Self.floodMinimum {
            let sorted = indices.sorted { (notes[$0].observation?.arrival ?? 0) < (notes[$1].observation?.arrival ?? 0) }
            let times = sorted.map { notes[$0].observation?.arrival ?? 0 }
            var best = (count: 0, start: 0, end: 0)
            var lo = 0
            var inFlood = Set<Int>()
            for hi in times.indices {
                while times[hi] - times[lo] > Self.floodWindow { lo += 1 }
                let count = hi - lo + 1
                if count > best.count { best = (count, lo, hi) }
                if count >= Self.floodMinimum { for k in lo...hi { inFlood.insert(sorted[k]) } }
            }
            guard best.count >= Self.floodMinimum else { continue }
            let decided = inFlood.compactMap { baseScore[$0] }.filter { $0 >= backscatterAt || $0 <= legitimateAt }
            let spam = decided.filter { $0 >= backscatterAt }.count
            let rule = "at least \(Self.floodMinimum) bounces within \(Self.floodWindow / 60) minutes"
            findings.floods.append(.init(victim: victim, start: times[best.start], end: times[best.end], messages: best.count,
                                         windowSeconds: Self.floodWindow, ratePerHour: Double(best.count) * 3600 / Double(Self.floodWindow),
                                         rule: rule))
            guard decided.count >= 3, spam * 10 >= decided.count * 8 else { continue }
            for i in inFlood {
                extra[i, default: []].append(Evidence(.flood, "\(victim) got \(best.count) bounces within an hour (\(rule)), mostly backscatter."))
            }
        }
        findings.floods.sort { $0.messages != $1.messages ? $0.messages > $1.messages : $0.victim < $1.victim }

        // 3b. A victim under attack: an undecided notice (nothing of its original came back, or nothing
        //     conclusive) among notices to the same address that were clearly judged, nearly all
        //     backscatter, within `attackWindow` either side. Campaigns spread over days hit their
        //     victims in bursts; a notice in such a burst is most likely one more of it.
        for (victim, indices) in byVictim where indices.count >= 4 {
            let sorted = indices.sorted { (notes[$0].observation?.arrival ?? 0) < (notes[$1].observation?.arrival ?? 0) }
            let times = sorted.map { notes[$0].observation?.arrival ?? 0 }
            var lo = 0, hi = 0
            for (k, i) in sorted.enumerated() {
                guard let s = baseScore[i], s < backscatterAt, s > legitimateAt else { continue }
                while times[lo] < times[k] - Self.attackWindow { lo += 1 }
                while hi + 1 < times.count, times[hi + 1] <= times[k] + Self.attackWindow { hi += 1 }
                var spam = 0, decided = 0
                for n in lo...hi where n != k {
                    guard let t = baseScore[sorted[n]] else { continue }
                    if t >= backscatterAt { spam += 1; decided += 1 } else if t <= legitimateAt { decided += 1 }
                }
                guard decided >= 3, spam * 10 >= decided * 9 else { continue }
                extra[i, default: []].append(Evidence(.victimUnderAttack, "In the \(Self.attackWindow / 3600) hours either side of it, \(spam) of the \(decided) notices to \(victim) that could be judged were backscatter: it came in the middle of an attack."))
            }
        }

        // 4. Made-up recipients: machine-made local parts of ours that are not known to exist.
        var random: [String: Int] = [:]
        for (i, note) in notes.enumerated() {
            guard let o = note.observation, let victim = o.victim, classifier.site.isOurAddress(victim),
                  classifier.site.userExists(victim) != true, RandomLocalPart.looksRandom(victim) else { continue }
            if random[victim] != nil || random.count < Self.maxGroups { random[victim, default: 0] += 1 }
            if classifier.site.userExists(victim) == nil {
                extra[i, default: []].append(Evidence(.randomRecipient, "It was sent to \(victim), a machine-made-looking address that never received ordinary mail here."))
            }
        }
        findings.randomRecipients = random.map { .init(address: $0.key, messages: $0.value) }
            .sorted { $0.messages != $1.messages ? $0.messages > $1.messages : $0.address < $1.address }

        // 5. Final judgements, and the reflectors of what was judged backscatter.
        var judgements: [Judgement] = []
        judgements.reserveCapacity(notes.count)
        var reflectors: [String: (ip: String?, count: Int)] = [:]
        for (i, note) in notes.enumerated() {
            guard let o = note.observation, var evidence = base[i] else { judgements.append(.notBounce); continue }
            if let fake = classifier.fakeNotice(o) { judgements.append(fake); continue }
            evidence.append(contentsOf: extra[i] ?? [])
            let j = classifier.judge(evidence: evidence, campaign: campaignOf[i])
            if j.verdict == .backscatter, let host = o.reportingMTA ?? o.connectingHost ?? o.connectingIP {
                if reflectors[host] != nil || reflectors.count < Self.maxGroups { reflectors[host, default: (o.connectingIP, 0)].count += 1 }
            }
            judgements.append(j)
        }
        findings.reflectors = reflectors.map { .init(host: $0.key, address: $0.value.ip, messages: $0.value.count) }
            .sorted { $0.messages != $1.messages ? $0.messages > $1.messages : $0.host < $1.host }
        return Result(judgements: judgements, findings: findings)
    }
}

/// Whether a local part looks machine-made (`qcqmikdgrb`, `pgdjvp240`) rather than a person's or a role's
/// name: long runs of consonants, letters mixed with digits, or too few vowels. Letters of any script
/// other than Latin are never judged.
package enum RandomLocalPart {
    package static func looksRandom(_ address: String) -> Bool {
        let local = address.split(separator: "@").first.map(String.init) ?? address
        let bytes = Array(local.utf8)
        guard bytes.count >= 6, bytes.allSatisfy({ $0 < 0x80 }) else { return false }
        var letters = 0, vowels = 0, digits = 0, run = 0, longestRun = 0, separators = 0
        for b in bytes {
            let l = b | 0x20
            if l >= 0x61 && l <= 0x7A {
                letters += 1
                if "aeiouy".utf8.contains(l) { vowels += 1; run = 0 } else { run += 1; longestRun = max(longestRun, run) }
            } else if b >= 0x30 && b <= 0x39 {
                digits += 1; run = 0
            } else {
                separators += 1; run = 0
            }
        }
        if separators > 0 { return false }
        if letters >= 4, digits >= 2 { return true }
        if longestRun >= 5 { return true }
        return letters >= 6 && vowels * 5 < letters
    }
}
