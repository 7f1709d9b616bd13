import MailParsing

/// The classifier's stream pass: with the notes of every message of a scan, infers a profile when none
/// is given, judges each bounce-like message, finds floods, campaigns, reflectors and made-up
/// recipients, and turns those findings into evidence on the messages they cover.
///
/// It reads the notes sequentially, a few times over, and never holds them: `prepare` reads them once
/// (twice when there are campaigns) and keeps a `StreamJudge`, a compact index of 32 bytes per
/// bounce-like message (its position, base score and the findings that cover it) plus maps capped at
/// `maxGroups` keys; the judge then judges each message as its note is read again in the final pass.
/// Zero-config inference reads the notes three or four more times first (`ProfileInference`).
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
    /// At most this many distinct victims are counted per campaign, in input order (when a campaign
    /// has more, which ones are counted can differ from a count over its members in any other order).
    /// Default: 10 000.
    public static let maxCampaignVictims = 10_000

    /// A replay: notices about one message of ours naming at least this many distinct addresses we
    /// never sent it to (`recipient-not-of-message`), and more than it was sent to. Default: 3.
    public static let replayMinimum = 3

    /// How far either side an undecided notice looks for other notices to the same victim. Default: 12 h.
    public static let attackWindow: Int64 = 12 * 3600

    /// The classifier used (the given or inferred profile).
    public let classifier: Classifier
    /// The inferred profile, when none was given.
    public let inferred: InferredProfile?

    /// A stream pass with a given profile, or (nil) one inferred from `notes` (read several times).
    public init(profile: SiteProfile?, notes: some Sequence<ClassifierNote>) {
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

    /// Judges every note with stream evidence, keeping every judgement in memory (for small inputs and
    /// tests; a scan judges with `prepare` and `StreamJudge.judge` as it delivers).
    /// - Parameter notes: read two or three times.
    public func run(_ notes: some Sequence<ClassifierNote>) -> Result {
        var judge = prepare(notes)
        var judgements: [Judgement] = []
        for (i, note) in notes.enumerated() { judgements.append(judge.judge(note, at: i)) }
        return Result(judgements: judgements, findings: judge.findings)
    }

    /// The evidence of a message on its own, or nil for a fake notice (`Classifier.fakeNotice`).
    /// The observation is read where it lies in `box`, a parameter that outlives the two calls: read
    /// in `prepare` from a box held by the loop's note, it was copied out for them, every String and
    /// array retained, and destroyed after (sisimai bsd mbox x3: 1.10M + 0.84M instructions over
    /// 1,824 observations). Not inlined, for that reason.
    /// `victim`: what the site knows of its victim (`SiteKnowledge.standing(ofVictim:)`).
    /// `replay`: what the evidence says toward a replay (`Classifier.ReplayClues`).
    @inline(never)
    private func evidenceOnItsOwn(_ box: ClassifierNote.Box, victim: VictimStanding,
                                  replay: inout Classifier.ReplayClues) -> [Evidence]? {
        // The observation's bytes copied out of the box once for both calls, without retains (each
        // call copied them: the box is a class, which either could change as far as Swift knows;
        // sisimai bsd x3, `evidenceOnItsOwn` 6.51M -> 6.39M instructions, memcpy 3,525 -> 1,824).
        let o = box.observation
        return classifier.fakeNotice(o) == nil ? classifier.evidence(for: o, victim: victim, replay: &replay) : nil
    }

    /// Finds campaigns and floods and the evidence they give each message, without judging yet.
    /// - Parameter notes: every message's note in input order; read once, or twice when there are campaigns.
    /// - Returns: the judge for the final pass, with `findings` complete but for reflectors and
    ///   made-up recipients, which it counts as it judges.
    public func prepare(_ notes: some Sequence<ClassifierNote>) -> StreamJudge {
        var judge = StreamJudge(classifier: classifier)
        let backscatterAt = classifier.site.profile.thresholds.backscatter
        let legitimateAt = classifier.site.profile.thresholds.legitimate

        // 1. Each message on its own (its base score), and the groups of steps 2 and 3.
        // The groups in the order made, each found by its key's place (`FingerprintIndex`, see there).
        var groups: [CampaignGroup] = []
        // Room for a thousand groups and victims from the start: grown from empty, each map was rehashed
        // (every key hashed again) at each doubling (sisimai bsd mbox x3: ~0.3M and ~0.15M instructions).
        var groupPlaces = FingerprintIndex(capacity: 1024)
        groups.reserveCapacity(1024)
        // 3. Floods: each victim of a message with an arrival numbered at its first such message (at most
        // `maxGroups` of them), with the name it wrote there; its messages counted by number, and each one
        // kept in one flat list, grouped by victim below: a map of arrays (an array made and grown for each
        // victim) and a campaign's victims counted by name, hashed and compared as Strings again, cost
        // allocations and lookups (sisimai bsd mbox x3).
        // Numbered and counted by `CountedNames` (its ASCII names found by their bytes: hashed and
        // compared as Strings, each message's victim cost ~600 instructions, sisimai bsd mbox x3, 1,812
        // lookups: 1.10M).
        var victimCounts = CountedNames(capacity: 1024)
        var victimMessages: [(victim: Int32, slot: Int32, arrival: Int64)] = []
        var slotVictims: [Int32] = []   // by slot: the number of its victim, -1 for none
        var slots: [StreamJudge.Slot] = []
        var ownEvidence: [[Evidence]?] = []
        var victims: [VictimStanding] = []
        // What the site knows of each numbered victim (`victimCounts`' places), asked at its first
        // message: a victim is asked again in each of its notices (sisimai bsd mbox x3: 1,818 asked,
        // `isOurAddress` and `userExists` ~800 instructions a victim). The same for every spelling of
        // a place: canonically equal names, which `SiteKnowledge` tests alike (its byte tests are its
        // String tests where they answer).
        var victimStandings: [VictimStanding] = []
        // Room for a slot of every note from the start, where their number is known (the scan's held
        // notes): grown from empty, the five arrays below were reallocated a dozen times each (sisimai bsd
        // mbox x3, 1,887 notes: ~0.3M instructions).
        if let expected = (notes as? SpilledSequence<ClassifierNote>)?.count {
            slots.reserveCapacity(expected)
            slotVictims.reserveCapacity(expected)
            ownEvidence.reserveCapacity(expected)
            victims.reserveCapacity(expected)
            victimMessages.reserveCapacity(expected)
        }
        // 1b. Replays: the notices whose own evidence has `recipient-not-of-message`, by the message of
        // ours they are about (as that evidence found it).
        var replays = ReplayGroups(), datedReplays = ReplayGroups()
        for (i, note) in notes.enumerated() {
            guard let box = note.observationBox else { continue }
            // Read through the box: copying the observation out would retain each of its fields.
            let n = Int32(truncatingIfNeeded: slots.count)
            var slot = StreamJudge.Slot(sequence: i)
            // 3. Floods: bounce-like messages per victim (the victim hashed once, not twice), numbered
            // first, for its standing.
            var victimNumber: Int32 = -1
            var victimIsNew = false
            if let v = box.observation.victim, let arrival = box.observation.arrival {
                if let counted = victimCounts.add(v, limit: Self.maxGroups) {
                    victimNumber = Int32(truncatingIfNeeded: counted.place)
                    victimIsNew = counted.isNew
                    victimMessages.append((victimNumber, n, arrival))
                }
            }
            slotVictims.append(victimNumber)
            // The message's own evidence, sentences and all, kept for its judgement (building it
            // twice, once to score and once to judge, was a fifth of the classifier's cost).
            // What the site knows of the victim, asked once for the evidence and the judgement both.
            let victim: VictimStanding
            if victimNumber >= 0, !victimIsNew, Int(victimNumber) < victimStandings.count {
                victim = victimStandings[Int(victimNumber)]
            } else {
                victim = classifier.site.standing(ofVictim: box.observation.victim)
                if victimIsNew, Int(victimNumber) == victimStandings.count { victimStandings.append(victim) }
            }
            var replay = Classifier.ReplayClues()
            let evidence = evidenceOnItsOwn(box, victim: victim, replay: &replay)
            if let evidence { slot.baseScore = Classifier.score(evidence.reduce(0) { $0 + $1.weight }) }
            slots.append(slot)
            ownEvidence.append(evidence)
            victims.append(victim)
            if let notOfMessage = replay.notOfMessage {
                replays.add(n, notOfMessage)
            } else if replay.datesCopy, let id = box.observation.original?.messageID {
                datedReplays.add(n, messageID: SentLog.stripBrackets(id), address: box.observation.recipients.first, sentTo: nil)
            }

            // 2. Campaigns: one original (normalised subject, else body) returned by many servers.
            let key: UInt64?
            let by: String
            if let s = box.observation.original?.subjectKey { key = s; by = "subject" } else if let b = box.observation.original?.bodyKey { key = b; by = "body" } else { key = nil; by = "" }
            // Each group found (or made) once and changed in place: the member, its reflector, the
            // first subject (six lookups of the key were ~1,500 instructions a message).
            if let key {
                let reflector = Self.fingerprint(box.observation.reportingMTA ?? box.observation.connectingHost ?? box.observation.connectingIP ?? "?")
                func add(to group: inout CampaignGroup) {
                    group.members.append(n)
                    if group.reflectors.count < 64, !group.reflectors.contains(reflector) { group.reflectors.append(reflector) }
                    if group.subject == nil {
                        group.subject = box.observation.original?.subject
                        group.letters = box.observation.original?.subjectLetters
                    }
                }
                if let place = groupPlaces.place(of: key) {
                    add(to: &groups[Int(place)])
                } else if groups.count < Self.maxGroups {
                    groupPlaces.insert(key, place: Int32(truncatingIfNeeded: groups.count))
                    groups.append(CampaignGroup(by: by))
                    add(to: &groups[groups.count - 1])
                }
            }
        }
        // 1b. Replays, continued, before anything reads the base scores: a replay's notices lose the
        // evidence it copied from our first sending and gain `message-id-replayed`.
        for group in replays.groups where group.isReplay {
            let id = "<" + group.messageID + ">"
            let count = group.sentTo ?? 0   // (set in every group of `replays`)
            let sentTo = count == 1 ? "1 address" : "\(count) addresses"
            let evidence = Evidence(.messageIDReplayed, EvidenceText.joined(
                "Our message ", id, " came back from ", String(group.strangers.count), " addresses we never sent it to (our sent log has it going to ",
                sentTo, "): someone is sending it on to others (a replay), so its Message-ID and any signature of ours it carries are from our sending, not from the one this notice is about."))
            for n in group.members {
                guard var own = ownEvidence[Int(n)] else { continue }
                own.removeAll { ReplayGroups.copied.contains($0.signal) }
                own.append(evidence)
                slots[Int(n)].baseScore = Classifier.score(own.reduce(0) { $0 + $1.weight })
                ownEvidence[Int(n)] = own
            }
            judge.base.replays.append(group.finding)
        }
        // Then the messages whose notices date the copy, each once (not again when the sent log's
        // recipients told it already).
        let told = datedReplays.groups.isEmpty ? [] : Set(replays.groups.lazy.filter(\.isReplay).map(\.key))
        for group in datedReplays.groups where !told.contains(group.key) { judge.base.replays.append(group.finding) }
        replays = ReplayGroups()
        datedReplays = ReplayGroups()
        func base(_ n: Int32) -> Double? { slots[Int(n)].baseScore }

        // 2. Campaigns, continued: members numbered by their first message.
        var campaigns = groups.filter { $0.members.count >= Self.campaignMinimum && $0.reflectors.count >= Self.campaignReflectors }
        groups = []
        groupPlaces = FingerprintIndex()
        campaigns.sort { $0.members[0] < $1.members[0] }
        for (c, campaign) in campaigns.enumerated() {
            for n in campaign.members { slots[Int(n)].campaign = Int32(truncatingIfNeeded: c) }
        }
        if !campaigns.isEmpty {
            // A notice that returned nothing of the original often quotes its subject at the end of its
            // own: those join the first campaign whose subject they end with. Then each campaign's
            // victims and time span, from a second reading of the notes.
            var letters: [(letters: String, campaign: Int)] = []
            // A whole subject's letters made here, of the campaigns alone (the lean reader leaves them to
            // be made: `OriginalFacts.subjectLetters`).
            for (c, campaign) in campaigns.enumerated() {
                if let l = campaign.letters ?? campaign.subject.flatMap({ Fingerprint.letters($0, last: 60) }), l.count >= 12 {
                    letters.append((l, c))
                }
            }
            let tails = CampaignTails(letters)
            // Each member's victim, in input order, with its campaign and the name it wrote: its number
            // (`slotVictims`, or looked up by name when the member's own message had no arrival), -1
            // for a victim no message numbered. Counted campaign by campaign below.
            var memberVictims: [(campaign: Int32, victim: Int32, name: String)] = []
            var spans = [(first: Int64?, last: Int64?)](repeating: (nil, nil), count: campaigns.count)
            var unkeyed = [[Int32]](repeating: [], count: campaigns.count)
            var n = 0
            for note in notes {
                guard let box = note.observationBox else { continue }
                // Read through the box: copying the observation out would retain each of its fields.
                defer { n += 1 }
                guard n < slots.count else { break }
                var c = Int(slots[n].campaign)
                if c < 0 {
                    guard box.observation.original?.subjectKey == nil, box.observation.original?.bodyKey == nil, !tails.isEmpty,
                          let tail = box.observation.noticeSubjectTail, let hit = tails.firstCampaign(endingWith: tail) else { continue }
                    c = hit
                    slots[n].campaign = Int32(truncatingIfNeeded: c)
                    unkeyed[c].append(Int32(truncatingIfNeeded: n))
                }
                if let v = box.observation.victim {
                    let number = n < slotVictims.count && slotVictims[n] >= 0 ? slotVictims[n] : victimCounts.place(of: v).map { Int32(truncatingIfNeeded: $0) } ?? -1
                    memberVictims.append((Int32(truncatingIfNeeded: c), number, v))
                }
                if let t = box.observation.arrival { spans[c].first = min(spans[c].first ?? t, t); spans[c].last = max(spans[c].last ?? t, t) }
            }
            // The member victims grouped by campaign, in input order within each (a counting sort):
            // campaign c's are `campaignVictims[campaignStarts[c] ..< campaignStarts[c + 1]]`.
            var campaignStarts = [Int](repeating: 0, count: campaigns.count + 1)
            for m in memberVictims { campaignStarts[Int(m.campaign) + 1] += 1 }
            for c in campaigns.indices { campaignStarts[c + 1] += campaignStarts[c] }
            var campaignVictims = [(victim: Int32, name: String)](repeating: (-1, ""), count: memberVictims.count)
            var campaignFill = campaignStarts
            for m in memberVictims {
                let c = Int(m.campaign)
                campaignVictims[campaignFill[c]] = (m.victim, m.name)
                campaignFill[c] += 1
            }
            memberVictims = []
            // By victim number: the campaign that last counted it, and its place in that campaign's count.
            var countedIn = [Int32](repeating: -1, count: victimCounts.count)
            var countedAt = [Int32](repeating: 0, count: victimCounts.count)
            for (c, campaign) in campaigns.enumerated() {
                let members = campaign.members + unkeyed[c]
                let id = "c\(judge.base.campaigns.count + 1)"
                var decided = 0, spam = 0
                for n in members {
                    if let s = base(n) {
                        if s >= backscatterAt { decided += 1; spam += 1 } else if s <= legitimateAt { decided += 1 }
                    }
                }
                let share = decided > 0 ? Double(spam) / Double(decided) : 0.5
                let size = members.count
                if decided >= 3, share >= 0.9 {
                    judge.campaignMarks.append(.init(id: id, evidence: Evidence(signal: Signal.campaignMember.rawValue, weight: Signal.campaignMember.weight,
                        detail: "It belongs to campaign \(id): the same original came back from \(campaign.reflectors.count) servers in \(size) notices, \(Int(share * 100))% of them clearly backscatter.")))
                } else if decided >= 3, share <= 0.1 {
                    judge.campaignMarks.append(.init(id: nil, evidence: Evidence(signal: Signal.campaignMember.rawValue, weight: -Signal.campaignMember.weight,
                        detail: "The same original came back in \(size) notices, nearly all of them bounces of mail we really sent (a mailing of ours).")))
                    continue
                } else if decided >= 3 {
                    // Mixed: not one spam run (templates that share a subject, a list, a test text): not a campaign.
                    judge.campaignMarks.append(.init(id: nil, evidence: nil))
                    continue
                } else {
                    judge.campaignMarks.append(.init(id: id, evidence: nil))
                }
                // The campaign's victims and their counts, in input order: a numbered victim by number
                // (with the name its first member here wrote, as a map by name keeps its first key:
                // canonically equal names can differ in their bytes), another by name. A victim is
                // counted one way only (a numbered one is looked up by name when its message had no
                // arrival). At most `maxCampaignVictims` of them: members past that are not counted.
                var counted: [(key: String, value: Int)] = []
                var named: [String: Int] = [:]   // place in `counted`
                for m in campaignVictims[campaignStarts[c] ..< campaignStarts[c + 1]] {
                    guard counted.count < Self.maxCampaignVictims else { break }
                    let k = Int(m.victim)
                    if k >= 0, k < countedIn.count {
                        if countedIn[k] == Int32(truncatingIfNeeded: c) {
                            counted[Int(countedAt[k])].value += 1
                        } else {
                            countedIn[k] = Int32(truncatingIfNeeded: c)
                            countedAt[k] = Int32(truncatingIfNeeded: counted.count)
                            counted.append((m.name, 1))
                        }
                    } else if let at = named[m.name] {
                        counted[at].value += 1
                    } else {
                        named[m.name] = counted.count
                        counted.append((m.name, 1))
                    }
                }
                judge.base.campaigns.append(.init(id: id, subject: campaign.subject, messages: size, first: spans[c].first, last: spans[c].last,
                                                  victims: counted.count,
                                                  topVictims: counted.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5).map(\.key),
                                                  reflectors: campaign.reflectors.count, groupedBy: campaign.by, backscatterShare: share))
            }
        }

        // 3. Floods, continued: each victim's messages together, in input order (a counting sort):
        // victim k's are `byVictim[victimStarts[k] ..< victimStarts[k + 1]]`, then sorted by arrival
        // in place, once for the floods and the attacks both, where there are enough for either.
        var victimStarts = [Int](repeating: 0, count: victimCounts.count + 1)
        for (k, count) in victimCounts.counts.enumerated() { victimStarts[k + 1] = victimStarts[k] + count }
        var byVictim = [(slot: Int32, arrival: Int64)](repeating: (0, 0), count: victimMessages.count)
        var victimFill = victimStarts
        for m in victimMessages {
            let k = Int(m.victim)
            byVictim[victimFill[k]] = (m.slot, m.arrival)
            victimFill[k] += 1
        }
        victimMessages = []
        for k in victimCounts.names.indices where victimStarts[k + 1] - victimStarts[k] >= min(Self.floodMinimum, 4) {
            byVictim[victimStarts[k] ..< victimStarts[k + 1]].sort { $0.arrival < $1.arrival }
        }

        // 3. Floods: bounce-like messages per victim in a sliding window.
        for (k, victim) in victimCounts.names.enumerated() where victimStarts[k + 1] - victimStarts[k] >= Self.floodMinimum {
            let sorted = Array(byVictim[victimStarts[k] ..< victimStarts[k + 1]])
            var best = (count: 0, start: 0, end: 0)
            var lo = 0
            // The messages of every window that makes a flood. Both ends of the window only move on,
            // so each message is marked once: a Set fed the whole window at each step took time
            // quadratic in the window (25 inserts a message on sisimai's bounces 20 times over, and
            // ~10^10 for a victim of 100,000 bounces within the hour).
            var inWindow = [Bool](repeating: false, count: sorted.count)
            var markedUpTo = 0
            for hi in sorted.indices {
                while sorted[hi].arrival - sorted[lo].arrival > Self.floodWindow { lo += 1 }
                let count = hi - lo + 1
                if count > best.count { best = (count, lo, hi) }
                if count >= Self.floodMinimum {
                    for k in max(lo, markedUpTo)...hi { inWindow[k] = true }
                    markedUpTo = hi + 1
                }
            }
            guard best.count >= Self.floodMinimum else { continue }
            // Made once (a lazy filter was counted and walked again by each reader).
            let inFlood = sorted.indices.filter { inWindow[$0] }.map { sorted[$0].slot }
            let decided = inFlood.compactMap { base($0) }.filter { $0 >= backscatterAt || $0 <= legitimateAt }
            let spam = decided.filter { $0 >= backscatterAt }.count
            let rule = "at least \(Self.floodMinimum) bounces within \(Self.floodWindow / 60) minutes"
            judge.base.floods.append(.init(victim: victim, start: sorted[best.start].arrival, end: sorted[best.end].arrival, messages: best.count,
                                           windowSeconds: Self.floodWindow, ratePerHour: Double(best.count) * 3600 / Double(Self.floodWindow),
                                           rule: rule))
            guard decided.count >= 3, spam * 10 >= decided.count * 8 else { continue }
            let mark = Int32(truncatingIfNeeded: judge.floodEvidence.count)
            judge.floodEvidence.append(Evidence(.flood, "\(victim) got \(best.count) bounces within an hour (\(rule)), mostly backscatter."))
            for n in inFlood { slots[Int(n)].flood = mark }
        }
        judge.base.floods.sort { $0.messages != $1.messages ? $0.messages > $1.messages : $0.victim < $1.victim }

        // 3b. A victim under attack: an undecided notice (nothing of its original came back, or nothing
        //     conclusive) among notices to the same address that were clearly judged, nearly all
        //     backscatter, within `attackWindow` either side. Campaigns spread over days hit their
        //     victims in bursts; a notice in such a burst is most likely one more of it.
        for k in victimCounts.names.indices where victimStarts[k + 1] - victimStarts[k] >= 4 {
            let sorted = Array(byVictim[victimStarts[k] ..< victimStarts[k + 1]])
            // Running counts of the clearly judged notices and of the backscatter among them, so that a
            // window's counts are two subtractions: counting each window afresh took time quadratic in
            // its size (~10^10 steps for 100,000 undecided notices to one victim within 12 hours).
            var spamBefore = [Int](repeating: 0, count: sorted.count + 1)
            var decidedBefore = [Int](repeating: 0, count: sorted.count + 1)
            for (m, entry) in sorted.enumerated() {
                var spam = false, decided = false
                if let t = base(entry.slot) {
                    spam = t >= backscatterAt
                    decided = spam || t <= legitimateAt
                }
                spamBefore[m + 1] = spamBefore[m] + (spam ? 1 : 0)
                decidedBefore[m + 1] = decidedBefore[m] + (decided ? 1 : 0)
            }
            var lo = 0, hi = 0
            for entry in sorted {
                guard let s = base(entry.slot), s < backscatterAt, s > legitimateAt else { continue }
                while sorted[lo].arrival < entry.arrival - Self.attackWindow { lo += 1 }
                while hi + 1 < sorted.count, sorted[hi + 1].arrival <= entry.arrival + Self.attackWindow { hi += 1 }
                // The notice itself is undecided: it counts in neither.
                let spam = spamBefore[hi + 1] - spamBefore[lo]
                let decided = decidedBefore[hi + 1] - decidedBefore[lo]
                guard decided >= 3, spam * 10 >= decided * 9 else { continue }
                slots[Int(entry.slot)].attackSpam = Int32(clamping: spam)
                slots[Int(entry.slot)].attackDecided = Int32(clamping: decided)
            }
        }
        judge.slots = slots
        judge.ownEvidence = ownEvidence
        judge.victims = victims
        return judge
    }

    /// A 64-bit fingerprint of a reflector's name: campaigns count distinct reflectors by it.
    static func fingerprint(_ name: String) -> UInt64 {
        var f = Fingerprint()
        // The bytes read in place (the UTF-8 view's iterator cost ~600 instructions a name).
        let read: Void? = name.utf8.withContiguousStorageIfAvailable { bytes in
            for b in bytes { f.add(b) }
        }
        if read == nil {
            for b in name.utf8 { f.add(b) }
        }
        return f.value
    }
}

/// Notices about messages of ours grouped by the message (its id as the sent log keys it): those with
/// `recipient-not-of-message` (a replay when they name at least `StreamClassifier.replayMinimum` such
/// addresses, and more than it was sent to), or, in a second set of groups, those with a dated replay
/// signal (`Classifier.ReplayClues.datesCopy`). At most `StreamClassifier.maxGroups` messages and as
/// many addresses over all of them are counted.
private struct ReplayGroups {
    /// One message of ours.
    struct Group {
        /// Its id as the sent log keys it.
        var key: String
        /// Its Message-ID, as the first notice gave it, without angle brackets.
        var messageID: String
        /// How many recipients the sent log has it going to; nil in the dated groups.
        var sentTo: Int?
        /// The notices' slots, in input order.
        var members: [Int32] = []
        /// The addresses the notices name (failed recipients, or who sent an automatic reply), lower case.
        var strangers: Set<String> = []

        /// Whether the sent log's recipients tell a replay (`message-id-replayed`).
        var isReplay: Bool {
            guard let sentTo else { return false }
            return strangers.count >= StreamClassifier.replayMinimum && strangers.count > sentTo
        }

        /// The group as the summary lists it; its count of addresses nil when none was known (a dated
        /// group whose notices kept no recipients).
        var finding: StreamFindings.Replay {
            .init(messageID: messageID, notices: members.count, recipients: sentTo == nil && strangers.isEmpty ? nil : strangers.count,
                  sentTo: sentTo)
        }
    }

    /// The evidence a replay copies from our first sending, which `message-id-replayed` replaces.
    static let copied: Set<String> = [Signal.messageIDSent.rawValue, Signal.dkimOursValid.rawValue,
                                      Signal.replyToOurID.rawValue, Signal.recipientNotOfMessage.rawValue]

    private(set) var groups: [Group] = []
    private var places: [String: Int] = [:]
    private var recipientsCounted = 0

    /// Counts the notice in slot `n`, whose own evidence has `recipient-not-of-message` for `found`.
    mutating func add(_ n: Int32, _ found: Classifier.NotOfMessage) {
        add(n, messageID: found.messageID, address: found.address, sentTo: found.sentTo.count)
    }

    /// Counts the notice in slot `n` about the message `messageID` (bare) that names `address`, a group
    /// made with `sentTo` when the message has none yet.
    mutating func add(_ n: Int32, messageID: String, address: String?, sentTo: Int?) {
        let key = SentLog.key(messageID)
        let place: Int
        if let known = places[key] {
            place = known
        } else {
            guard groups.count < StreamClassifier.maxGroups else { return }
            place = groups.count
            places[key] = place
            groups.append(Group(key: key, messageID: messageID, sentTo: sentTo))
        }
        groups[place].members.append(n)
        if let address, recipientsCounted < StreamClassifier.maxGroups,
           groups[place].strangers.insert(address.lowercasedIfNeeded()).inserted {
            recipientsCounted += 1
        }
    }
}

/// Messages with one original (by subject or body fingerprint): a campaign when big enough.
private struct CampaignGroup {
    /// Slots (`StreamJudge.slots`) of the members, in input order.
    var members: [Int32] = []
    /// Fingerprints of the reflecting servers' names, at most 64.
    var reflectors: [UInt64] = []
    /// The first member's original subject and its last letters (nil: made of `subject` when asked, the
    /// whole subject: see `OriginalFacts.subjectLetters`).
    var subject: String?
    var letters: String?
    /// `subject` or `body`.
    var by: String
}

/// The stream pass's findings and a compact index of every bounce-like message (32 bytes each), ready to
/// judge each message, in input order, as its note is read again: the final pass of `StreamClassifier`.
public struct StreamJudge: Sendable {
    /// What one bounce-like message's judgement needs besides its note.
    struct Slot: Sendable {
        /// Its position in the scan (`ScanRecord.sequence`).
        var sequence: Int
        /// Its score on its own evidence; NaN for a fake notice (judged `not-bounce`).
        var baseScoreBits = Double.nan
        /// Its mark in `campaignMarks`, or -1.
        var campaign: Int32 = -1
        /// Its evidence in `floodEvidence`, or -1.
        var flood: Int32 = -1
        /// Notices to the same victim around it: judged backscatter, and judged at all (-1: not under attack).
        var attackSpam: Int32 = -1
        var attackDecided: Int32 = -1

        init(sequence: Int) { self.sequence = sequence }

        var baseScore: Double? {
            get { baseScoreBits.isNaN ? nil : baseScoreBits }
            set { baseScoreBits = newValue ?? .nan }
        }
    }

    /// What a campaign (or a group that is not one) gives its members: the id and the evidence.
    struct CampaignMark: Sendable {
        var id: String?
        var evidence: Evidence?
    }

    /// The classifier used.
    public let classifier: Classifier
    var base = StreamFindings()
    var slots: [Slot] = []
    /// Each slot's own evidence as `prepare` built it, until its judgement takes it (nil after).
    var ownEvidence: [[Evidence]?] = []
    /// Each slot's `SiteKnowledge.standing(ofVictim:)`, as `prepare` asked it (kept beside the slots,
    /// not in them, so that a slot stays 32 bytes).
    var victims: [VictimStanding] = []
    var campaignMarks: [CampaignMark] = []
    var floodEvidence: [Evidence] = []
    private var cursor = 0
    /// Made-up recipients and their messages.
    private var random = CountedNames()
    /// Reflectors and their messages, with the IP of each one's first (by place in `reflectors`).
    private var reflectors = CountedNames()
    private var reflectorIPs: [String?] = []

    init(classifier: Classifier) {
        self.classifier = classifier
    }

    /// Floods and campaigns; reflectors and made-up recipients over the messages judged so far.
    public var findings: StreamFindings {
        var out = base
        out.randomRecipients = random.names.indices.map { .init(address: random.names[$0], messages: random.counts[$0]) }
            .sorted { $0.messages != $1.messages ? $0.messages > $1.messages : $0.address < $1.address }
        out.reflectors = reflectors.names.indices.map {
            .init(host: reflectors.names[$0], address: reflectorIPs[$0], messages: reflectors.counts[$0])
        }
            .sorted { $0.messages != $1.messages ? $0.messages > $1.messages : $0.host < $1.host }
        return out
    }

    /// Judges one message with the stream evidence that covers it, and counts it among the reflectors
    /// and made-up recipients.
    /// - Parameters:
    ///   - note: the message's note, as `prepare` read it.
    ///   - sequence: its position among the notes `prepare` read. Fastest in input order; a message
    ///     `prepare` did not see is judged on its own evidence.
    public mutating func judge(_ note: ClassifierNote, at sequence: Int) -> Judgement {
        guard let box = note.observationBox else { return .notBounce }
        return judge(box, at: sequence)
    }

    /// `judge(_:at:)` of a bounce-like message's observation, read where it lies in its note's box.
    /// (Given the observation as a borrowed parameter, the scan's inlined `judge(_:at:)` copied it out
    /// of the box for the call, every String and array retained, and destroyed the copy after:
    /// sisimai bsd mbox x3, 1.10M + 0.84M instructions over 1,824 observations.)
    private mutating func judge(_ box: ClassifierNote.Box, at sequence: Int) -> Judgement {
        // 4. Made-up recipients: machine-made local parts of ours that are not known to exist.
        var randomEvidence: Evidence?
        let index = slotIndex(at: sequence)
        // Whether the victim is ours and exists, as `prepare` asked it for the message's own evidence
        // (asked here again, it cost ~1,000 instructions a message); asked here for a message it did
        // not see.
        let standing: VictimStanding
        if let index, index < victims.count { standing = victims[index] } else { standing = classifier.site.standing(ofVictim: box.observation.victim) }
        if let victim = box.observation.victim, standing != .notOurs {
            if standing != .exists, RandomLocalPart.looksRandom(victim) {
                // One lookup of the victim (two were ~600 instructions a message).
                random.add(victim, limit: StreamClassifier.maxGroups)
                if standing == .unknown {
                    randomEvidence = Evidence(.randomRecipient, EvidenceText.joined("It was sent to ", victim, ", a machine-made-looking address that never received ordinary mail here."))
                }
            }
        }
        guard let index else { return classifier.judge(box.observation) }
        let slot = slots[index]
        // A fake notice has no base score and is not judged as a bounce: `not-bounce`, with the
        // evidence that says why (`Classifier.fakeNotice`; without it the verdict went unexplained).
        guard slot.baseScore != nil else { return classifier.fakeNotice(box.observation) ?? .notBounce }

        // 5. The final judgement: its own evidence, then campaign, flood, attack and made-up recipient.
        var evidence: [Evidence]
        if index < ownEvidence.count, let kept = ownEvidence[index] {
            evidence = kept
            ownEvidence[index] = nil
        } else {
            evidence = classifier.evidence(for: box.observation, victim: standing)
        }
        var campaign: String?
        if slot.campaign >= 0, Int(slot.campaign) < campaignMarks.count {
            let mark = campaignMarks[Int(slot.campaign)]
            campaign = mark.id
            // A mailing of ours (the negative mark) says nothing of a member whose own evidence says it
            // is a copy someone else sent: the replays of a message join the bounces of its real sending.
            if let e = mark.evidence, e.weight > 0 || !evidence.contains(where: { Signal.isReplay($0.signal) }) {
                evidence.append(e)
            }
        }
        // A success notice is sent only where the sender asked for one (RFC 3461 §4.1, `NOTIFY=SUCCESS`;
        // an Amazon SES delivery notice comes by an SNS topic the address subscribed to): the failures
        // around it say nothing of whether this sender asked, so neither a flood nor an attack on its
        // recipient counts against it (backscatter-dev 1236, an SES delivery notice amid an attack, was
        // judged backscatter on `victim-under-attack` alone). A campaign still does: it names the original.
        let amidAttackCounts = box.observation.kind != .success
        if amidAttackCounts, slot.flood >= 0, Int(slot.flood) < floodEvidence.count { evidence.append(floodEvidence[Int(slot.flood)]) }
        if amidAttackCounts, slot.attackDecided >= 0, let victim = box.observation.victim {
            evidence.append(Evidence(.victimUnderAttack, EvidenceText.joined("In the ", String(StreamClassifier.attackWindow / 3600), " hours either side of it, ", String(slot.attackSpam), " of the ", String(slot.attackDecided), " notices to ", victim, " that could be judged were backscatter: it came in the middle of an attack.")))
        }
        if let randomEvidence { evidence.append(randomEvidence) }
        let j = classifier.judge(evidence: consume evidence, campaign: campaign)
        // The IP's text made only where it names the reflector or a new one is listed (`connectingIP`).
        if j.verdict == .backscatter,
           let host = box.observation.reportingMTA ?? box.observation.connectingHost ?? box.observation.connectingIP {
            if let added = reflectors.add(host, limit: StreamClassifier.maxGroups), added.isNew {
                reflectorIPs.append(box.observation.connectingIP)
            }
        }
        return j
    }

    /// The slot of the message at `sequence`: the next one when judging in order, else a binary search.
    private mutating func slotIndex(at sequence: Int) -> Int? {
        if cursor < slots.count, slots[cursor].sequence == sequence {
            cursor += 1
            return cursor - 1
        }
        var lo = 0, hi = slots.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if slots[mid].sequence < sequence { lo = mid + 1 } else { hi = mid }
        }
        guard lo < slots.count, slots[lo].sequence == sequence else { return nil }
        cursor = lo + 1
        return lo
    }
}

/// The campaigns' subject letters, looked up by a notice's subject tail: the first campaign (in order)
/// whose letters the tail ends with. Indexed by their last 12 bytes (every campaign's letters have 12 or
/// more), so that a tail is compared only with the campaigns that end as it does: comparing each notice
/// without an original with every campaign was quadratic in a hostile mailbox (~10^9 comparisons for
/// 100,000 such notices and 20,000 campaigns).
///
/// The index is a list sorted by those bytes, searched by halves: a `[LastBytes: [Int]]` map cost
/// ~0.31M instructions to make for four campaigns (its generic metadata and `Hashable` conformance
/// looked up at run time, sisimai bsd mbox x3) and a hash of each tail looked up (~240 instructions).
struct CampaignTails {
    private let letters: [(letters: String, campaign: Int)]
    /// Each letters' last 12 bytes (`LastBytes`) and its place in `letters`, sorted by the bytes, then
    /// by place: the letters that end alike lie together, in order.
    private let byLastBytes: [(high: UInt64, low: UInt32, place: Int)]

    /// The last 12 bytes of a text.
    private struct LastBytes {
        var high: UInt64
        var low: UInt32

        init?(_ text: String) {
            var text = text
            guard let value = text.withUTF8({ bytes -> LastBytes? in
                guard bytes.count >= 12, let base = bytes.baseAddress else { return nil }
                let end = UnsafeRawPointer(base + bytes.count - 12)
                return LastBytes(high: end.loadUnaligned(as: UInt64.self), low: end.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            }) else { return nil }
            self = value
        }

        private init(high: UInt64, low: UInt32) {
            self.high = high
            self.low = low
        }
    }

    /// The campaigns' letters (12 characters or more each) with their campaign numbers, in order.
    init(_ letters: [(letters: String, campaign: Int)]) {
        self.letters = letters
        var byLastBytes: [(high: UInt64, low: UInt32, place: Int)] = []
        byLastBytes.reserveCapacity(letters.count)
        for (i, entry) in letters.enumerated() {
            if let key = LastBytes(entry.letters) { byLastBytes.append((key.high, key.low, i)) }
        }
        byLastBytes.sort { ($0.high, $0.low, $0.place) < ($1.high, $1.low, $1.place) }
        self.byLastBytes = byLastBytes
    }

    /// Whether there are no campaigns to look up.
    var isEmpty: Bool { letters.isEmpty }

    /// The campaign of the first letters (in order) that `tail` ends with, byte for byte.
    func firstCampaign(endingWith tail: String) -> Int? {
        guard let key = LastBytes(tail) else { return nil }
        // The first entry whose bytes are not below the tail's, then those equal to them, in order.
        var lo = 0, hi = byLastBytes.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if (byLastBytes[mid].high, byLastBytes[mid].low) < (key.high, key.low) { lo = mid + 1 } else { hi = mid }
        }
        var k = lo
        while k < byLastBytes.count, byLastBytes[k].high == key.high, byLastBytes[k].low == key.low {
            let i = byLastBytes[k].place
            if tail.hasSuffix(letters[i].letters) { return letters[i].campaign }
            k += 1
        }
        return nil
    }
}

/// Whether a local part looks machine-made (`qcqmikdgrb`, `pgdjvp240`) rather than a person's or a role's
/// name: long runs of consonants, letters mixed with digits, or too few vowels. Letters of any script
/// other than Latin are never judged.
package enum RandomLocalPart {
    package static func looksRandom(_ address: String) -> Bool {
        var address = address
        return address.withUTF8 { utf8 in
            // The local part: the first piece between `@`s that is not empty. Judged only when all
            // ASCII, so the bytes split exactly where `split(separator: "@")` splits the Characters
            // (a Character is one ASCII byte there; `split`'s grapheme walk was ~13,000 instructions).
            var start = 0
            while start < utf8.count, utf8[start] == ASCII.at { start += 1 }
            var end = start
            while end < utf8.count, utf8[end] != ASCII.at { end += 1 }
            // A combining mark after the `@` would make it part of another Character: not judged.
            if end + 1 < utf8.count, utf8[end + 1] >= 0x80 { return false }
            return looksRandom(localPart: UnsafeBufferPointer(rebasing: utf8[start..<end]))
        }
    }

    /// Bit n: the letter `a` + n is a vowel (`aeiouy`). A bit test, where searching the letter in
    /// `"aeiouy".utf8` cost ~200 instructions a letter.
    private static let vowels: UInt32 = 1 << 0 | 1 << 4 | 1 << 8 | 1 << 14 | 1 << 20 | 1 << 24

    /// `looksRandom` of a local part's bytes (judged only when ASCII, 6 bytes or more).
    package static func looksRandom(localPart bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 6, ASCII.isASCII(bytes) else { return false }
        var letters = 0, vowels = 0, digits = 0, run = 0, longestRun = 0, separators = 0
        for b in bytes {
            let l = b | 0x20
            if l >= 0x61 && l <= 0x7A {
                letters += 1
                if Self.vowels >> UInt32(l - 0x61) & 1 != 0 { vowels += 1; run = 0 } else { run += 1; longestRun = max(longestRun, run) }
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
