import Backscatter
import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The classifier on small messages written for it (Fixtures/classifier/), each with its expected
/// verdict and signals beside it.
struct ClassifierFixtureTests {
    static let fixtures = ["legitimate-bounce", "backscatter-bounce", "not-bounce", "fake-notice"]

    static func profile() throws -> SiteProfile {
        try SiteProfile.load(path: Corpus.fixture("classifier/profile.toml"))
    }

    static func note(_ name: String, profile: SiteProfile) throws -> ClassifierNote {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("classifier/\(name).eml"))))
        let parsed = ParsedMessage(parsing: bytes[...])
        return ClassifierNote.read(parsed, report: BounceAnalyzer().analyze(parsed), reader: ObservationReader(dkimKeys: profile.dkim))
    }

    @Test(arguments: fixtures)
    func verdictAndSignals(_ name: String) throws {
        let profile = try Self.profile()
        let note = try Self.note(name, profile: profile)
        let judgement = Classifier(profile: profile).judge(note.observation)
        let expected = try String(contentsOfFile: Corpus.fixture("classifier/\(name).expected"), encoding: .utf8)
        var verdict = "", signals: [String] = []
        for line in expected.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            if words.first == "verdict" { verdict = words.dropFirst().first ?? "" }
            if words.first == "signals" { signals = Array(words.dropFirst()) }
        }
        #expect(judgement.verdict.rawValue == verdict)
        let got = Set(judgement.evidence.map(\.signal))
        for signal in signals { #expect(got.contains(signal), "\(name): expected \(signal), got \(got.sorted())") }
        if judgement.verdict != .notBounce {
            #expect(!judgement.evidence.isEmpty)
            #expect(judgement.evidence.allSatisfy { !$0.detail.isEmpty && $0.detail.hasSuffix(".") })
        }
    }

    /// A verified signature of ours made more than ten days before the notice arrived is a replay
    /// (`Classifier.replayedDays`): `dkim-ours-replayed` in place of `dkim-ours-valid`, and no
    /// Message-ID evidence. The time is `t=`, or else the sent log's for the Message-ID (the fixture
    /// log's entry for it was sent on 2026-01-12), never the original's Date; ten days exactly is still
    /// a late real notice.
    @Test(arguments: [
        // (t= days before the arrival, a sent log in the profile, the finding's result, replay)
        (Int64?.some(11), false, DKIMFinding.Result.verified, true),
        (Int64?.some(10), false, DKIMFinding.Result.verified, false),
        (Int64?.none, true, DKIMFinding.Result.verified, true),
        // Neither t= nor a sent log: the original's Date, 330 days before, dates nothing.
        (Int64?.none, false, DKIMFinding.Result.verified, false),
        // t= wins over the sent log.
        (Int64?.some(2), true, DKIMFinding.Result.verified, false),
        // A failed signature is `dkim-ours-failed` however old.
        (Int64?.some(40), false, DKIMFinding.Result.failed, false),
    ])
    func aLateSignatureOfOursIsAReplay(_ signedDaysBefore: Int64?, sentLog: Bool, result: DKIMFinding.Result,
                                       replayed: Bool) throws {
        let profile = try SiteProfile.load(path: Corpus.fixture(
            sentLog ? "classifier/signals-profile-sentlog.toml" : "classifier/signals-profile.toml"))
        let arrival: Int64 = 1_797_000_000   // 2026-12-10
        let sentAt: Int64 = 1_768_212_000    // 2026-01-12T10:00:00Z, the sent log's time for the id
        var o = Observation(kind: .bounce)
        o.victim = "alice@example.com"
        o.arrival = arrival
        var original = OriginalFacts(presence: .headers)
        original.from = "alice@example.com"
        original.messageID = "20260112100000.ABCDEF0123@mx-out1.example.com"
        original.date = sentAt
        original.dkim = [DKIMFinding(domain: "example.com", selector: "s2026", result: result,
                                     signedAt: signedDaysBefore.map { arrival - $0 * 86_400 })]
        o.original = original
        let classifier = Classifier(profile: profile)
        let signals = Set(classifier.evidence(for: o).map(\.signal))
        #expect(signals.contains("dkim-ours-replayed") == replayed, "\(signals.sorted())")
        if replayed {
            #expect(!signals.contains("dkim-ours-valid"))
            #expect(!signals.contains { $0.hasPrefix("message-id-") })
            #expect(classifier.replayedDays(original, arrival: arrival) == (signedDaysBefore ?? (arrival - sentAt) / 86_400))
        } else {
            #expect(signals.contains(result == .verified ? "dkim-ours-valid" : "dkim-ours-failed"))
            #expect(signals.contains { $0.hasPrefix("message-id-") })
        }
        // A verified signature of a domain that is not ours says nothing of a replay.
        original.dkim[0].domain = "other.example"
        #expect(classifier.replayedDays(original, arrival: arrival) == nil)
    }

    /// A sent log's time that no date could be (an entry a library user inserted) dates nothing: no
    /// replay, and no trap converting it.
    @Test(arguments: [Double.infinity, -Double.infinity, Double.nan, 1e300])
    func aSentLogTimeOutOfRangeDatesNothing(_ sentAt: Double) throws {
        var profile = try SiteProfile.load(path: Corpus.fixture("classifier/signals-profile-sentlog.toml"))
        let id = "20260112100000.ABCDEF0123@mx-out1.example.com"
        profile.sentLog?.insert(SentLogEntry(messageID: id, sentAt: sentAt))
        var original = OriginalFacts(presence: .headers)
        original.messageID = id
        original.dkim = [DKIMFinding(domain: "example.com", selector: "s2026", result: .verified)]
        #expect(Classifier(profile: profile).replayedDays(original, arrival: 1_797_000_000) == nil)
    }

    @Test func everySignalHasAStableKebabCaseName() {
        for signal in Signal.allCases {
            #expect(signal.rawValue.allSatisfy { $0.isLowercase || $0 == "-" })
            #expect(signal.weight.isFinite)
            // The fast test of a replay signal's name says what the list says.
            #expect(Signal.isReplay(signal.rawValue) == Signal.replays.contains(signal), "\(signal)")
        }
    }

    @Test func scoreIsTheLogisticOfTheLogOdds() {
        #expect(Classifier.score(0) == 0.5)
        #expect(Classifier.score(4.6) > 0.99)
        #expect(Classifier.score(-4.6) < 0.01)
    }

    @Test func machineMadeLocalPartsAreTold() {
        #expect(RandomLocalPart.looksRandom("qcqmikdgrb@acme.example"))
        #expect(RandomLocalPart.looksRandom("pgdjvp240@crestlo.com.br"))
        #expect(!RandomLocalPart.looksRandom("olga.martin@acme.example"))
        #expect(!RandomLocalPart.looksRandom("support@acme.example"))
        // The local part is read on bytes: the same as the first piece of `split(separator: "@")`, judged
        // by the same scoring.
        func bySplit(_ address: String) -> Bool {
            let local = Array((address.split(separator: "@").first.map(String.init) ?? address).utf8)
            return local.withUnsafeBufferPointer { RandomLocalPart.looksRandom(localPart: $0) }
        }
        for address in ["@qcqmikdgrb@acme.example", "@@pgdjvp240", "qcqmikdgrb", "", "@", "a@", "qcqmikdgrb@",
                        "qcqmi\u{E9}kdgrb@x", "olga.martin", "q@cqmikdgrb", "@\u{301}qcqmikdgrb@x", "qcqmikdgrb@\u{301}x"] {
            #expect(RandomLocalPart.looksRandom(address) == bySplit(address), "\(address)")
        }
        // The scoring (vowels by a bit test) against its definition, on every two-letter pair in a
        // vowel-poor frame and every letter repeated (runs of consonants, vowel shares).
        func byDefinition(_ local: [UInt8]) -> Bool {
            guard local.count >= 6, local.allSatisfy({ $0 < 0x80 }) else { return false }
            var letters = 0, vowels = 0, digits = 0, run = 0, longestRun = 0, separators = 0
            for b in local {
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
        let letters = Array("abcdefghijklmnopqrstuvwxyzAEIOUYQ".utf8)
        for a in letters {
            for b in letters {
                for local in [[a, b, 0x6D, 0x61, 0x72, 0x6B, 0x73], [a, a, a, b, b, b], [0x74, a, 0x74, b, 0x74, 0x74, 0x74], [a, b, a, b, a, b, a]] {
                    #expect(local.withUnsafeBufferPointer { RandomLocalPart.looksRandom(localPart: $0) } == byDefinition(local))
                }
            }
        }
    }

    @Test func auditSortsRelayedInternalBulkAndOrdinary() throws {
        let profile = try Self.profile()
        let rows = try String(contentsOfFile: Corpus.fixture("classifier/audit/expected.tsv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        for row in rows where row.count == 2 {
            let report = try QueueAudit(profile: profile).audit(paths: [Corpus.fixture("classifier/audit/\(row[0])")])
            #expect(report.records.first?.verdict.rawValue == row[1], "\(row[0])")
        }
    }

    static let signalRows: [[String]] = {
        guard let text = try? String(contentsOfFile: Corpus.fixture("classifier/signals/expected.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
            .filter { $0.count == 4 }
    }()

    /// One small message per signal (Fixtures/classifier/signals, made by make-signal-fixtures.py): the
    /// signal must be among the evidence, and the verdict as given where the row asserts one.
    @Test(arguments: signalRows)
    func everySignalOnItsOwnMessage(_ row: [String]) throws {
        let profile = try SiteProfile.load(path: Corpus.fixture("classifier/\(row[1])"))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("classifier/signals/\(row[0])"))))
        let parsed = ParsedMessage(parsing: bytes[...])
        let report = BounceAnalyzer().analyze(parsed)
        let note = ClassifierNote.read(parsed, report: report, reader: ObservationReader(dkimKeys: profile.dkim))
        let judgement = Classifier(profile: profile).judge(note.observation)
        let signals = judgement.evidence.map(\.signal)
        #expect(signals.contains(row[2]), "\(row[0]) (\(report.kind.rawValue)): got \(signals)")
        if row[3] != "-" { #expect(judgement.verdict.rawValue == row[3], "\(row[0]): \(judgement.evidence.map { "\($0.signal) \($0.weight)" })") }
    }

    /// Stream signals: a flood of one backscatter notice, a campaign of one original, a made-up recipient.
    @Test func streamFindingsBecomeEvidence() throws {
        let (profile, copies) = try ReflectedCopies.make(12) { _ in "qzxkvwtrpl@example.com" }
        guard !copies.isEmpty else { Issue.record("the fixture is not bounce-like"); return }
        let notes = copies.map { ClassifierNote(observation: $0) }
        let result = StreamClassifier(profile: profile, notes: notes).run(notes)
        #expect(result.findings.campaigns.count == 1)
        #expect(result.findings.campaigns.first?.messages == 12)
        #expect(result.findings.campaigns.first?.reflectors == 12)
        #expect(result.findings.floods.first?.messages == 12)
        #expect(result.findings.randomRecipients.first?.address == "qzxkvwtrpl@example.com")
        let signals = Set(result.judgements[0].evidence.map(\.signal))
        #expect(signals.contains("campaign-member"))
        #expect(signals.contains("flood"))
        #expect(result.judgements.allSatisfy { $0.verdict == .backscatter && $0.campaign == "c1" })
    }

    /// A flood's messages are those of every window of an hour holding at least ten of the victim's
    /// bounces: marked once each as the window slides (a set fed the whole window at each step took
    /// quadratic time). Runs of 12 and 3 with gaps of more than an hour, then 2,000 within one hour: the
    /// flood evidence goes to the first 12 and the 2,000, not to the 3.
    @Test func floodMembersAreTheWindowsOfTenOrMore() throws {
        let (profile, copies) = try ReflectedCopies.make(12 + 3 + 2_000) { _ in "olga@example.com" }
        guard let start = copies.first?.arrival else { Issue.record("the fixture is not bounce-like"); return }
        var timed = copies
        for i in timed.indices {
            let minute: Int64 = i < 12 ? Int64(i) : i < 15 ? 200 + Int64(i) : 400 + Int64(i - 15) / 40
            timed[i].arrival = start + minute * 60
            timed[i].original?.subjectKey = UInt64(i)   // no campaign: flood evidence only
            timed[i].original?.bodyKey = nil
        }
        let notes = timed.map { ClassifierNote(observation: $0) }
        let result = StreamClassifier(profile: profile, notes: notes).run(notes)
        let flooded = result.judgements.map { $0.evidence.contains { $0.signal == "flood" } }
        #expect(flooded[..<12].allSatisfy { $0 })
        #expect(flooded[12..<15].allSatisfy { !$0 })
        #expect(flooded[15...].allSatisfy { $0 })
        // One flood per victim is reported: its busiest hour.
        #expect(result.findings.floods.map(\.messages) == [2_000])
    }

    /// A campaign's victims, counted by the number the flood step gave each victim (by name for one it
    /// did not number: no arrival), are those a count by name over its members gives: the same count,
    /// the same five first, each written as its first member wrote it (canonically equal names that
    /// differ in their bytes are one victim). Random victims, some missing, some without an arrival.
    @Test func campaignVictimsAreThoseCountedByName() throws {
        let pool = ["olga@example.com", "qzxkvwtrpl@example.com", "caf\u{E9}@example.com", "cafe\u{301}@example.com",
                    "bob@example.com", "x@y.z", "K@example.com", "\u{212A}@example.com"]
        for round in 0..<24 {
            var seed = UInt64(round) &* 0x9E37_79B9_7F4A_7C15 &+ 1
            func next(_ n: Int) -> Int {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int(seed >> 33) % n
            }
            let (profile, made) = try ReflectedCopies.make(40) { _ in "olga@example.com" }
            var copies = made
            guard !copies.isEmpty else { Issue.record("the fixture is not bounce-like"); return }
            for i in copies.indices {
                copies[i].victim = next(7) == 0 ? nil : pool[next(pool.count)]
                if next(3) == 0 { copies[i].arrival = nil }
            }
            let notes = copies.map { ClassifierNote(observation: $0) }
            let result = StreamClassifier(profile: profile, notes: notes).run(notes)
            // The definition: one count by name over the members, in order.
            var counts: [String: Int] = [:]
            for o in copies { if let v = o.victim { counts[v, default: 0] += 1 } }
            let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5).map(\.key)
            guard let campaign = result.findings.campaigns.first else { Issue.record("round \(round): no campaign"); continue }
            #expect(campaign.victims == counts.count)
            #expect(campaign.topVictims.map { Array($0.utf8) } == top.map { Array($0.utf8) }, "round \(round)")
        }
    }

    /// Each victim's flood, from its messages grouped by number and sorted in place, is the one a
    /// grouping by name gives (the definition: a map by name, each victim's busiest hour found by a
    /// plain search of every window): the same victims, written as their first message wrote them
    /// (canonically equal names of other bytes are one victim), the same counts, starts and ends.
    /// Random victims over two hours, some missing, some without an arrival.
    @Test func floodsAreThoseOfEachVictimByName() throws {
        let pool = ["olga@example.com", "caf\u{E9}@example.com", "cafe\u{301}@example.com", "bob@example.com",
                    "K@example.com", "\u{212A}@example.com", "x@y.z"]
        for round in 0..<12 {
            var seed = UInt64(round) &* 0x9E37_79B9_7F4A_7C15 &+ 7
            func next(_ n: Int) -> Int {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int(seed >> 33) % n
            }
            let (profile, made) = try ReflectedCopies.make(240) { _ in "olga@example.com" }
            guard let start = made.first?.arrival else { Issue.record("the fixture is not bounce-like"); return }
            var copies = made
            for i in copies.indices {
                copies[i].victim = next(9) == 0 ? nil : pool[next(pool.count)]
                copies[i].arrival = next(8) == 0 ? nil : start + Int64(next(2 * 3600))
                copies[i].original?.subjectKey = UInt64(i)   // no campaign
                copies[i].original?.bodyKey = nil
            }
            let notes = copies.map { ClassifierNote(observation: $0) }
            let result = StreamClassifier(profile: profile, notes: notes).run(notes)
            // The definition.
            var byName: [String: [Int64]] = [:]
            for o in copies { if let v = o.victim, let t = o.arrival { byName[v, default: []].append(t) } }
            var expected: [(victim: String, messages: Int, start: Int64, end: Int64)] = []
            for (victim, times) in byName {
                let sorted = times.sorted()
                var best = (count: 0, start: Int64(0), end: Int64(0))
                for hi in sorted.indices {
                    let lo = sorted.firstIndex { sorted[hi] - $0 <= StreamClassifier.floodWindow } ?? hi
                    if hi - lo + 1 > best.count { best = (hi - lo + 1, sorted[lo], sorted[hi]) }
                }
                if best.count >= StreamClassifier.floodMinimum { expected.append((victim, best.count, best.start, best.end)) }
            }
            expected.sort { $0.messages != $1.messages ? $0.messages > $1.messages : $0.victim < $1.victim }
            let floods = result.findings.floods
            #expect(floods.map { Array($0.victim.utf8) } == expected.map { Array($0.victim.utf8) }, "round \(round)")
            #expect(floods.map(\.messages) == expected.map(\.messages), "round \(round)")
            #expect(floods.map(\.start) == expected.map(\.start), "round \(round)")
            #expect(floods.map(\.end) == expected.map(\.end), "round \(round)")
        }
    }

    /// A notice that cannot be judged on its own, among notices to the same victim that were (nearly all
    /// backscatter) within 12 hours either side, gets the victim-under-attack evidence with their counts:
    /// counted from running totals (counting each window afresh was quadratic in its size).
    @Test func undecidedNoticesInAnAttackCountTheirNeighbours() throws {
        // A user of the site, and no BATV: a notice without its original has nothing to go on.
        var (profile, copies) = try ReflectedCopies.make(4 + 3_000) { _ in "alice@example.com" }
        profile.batv = nil
        guard let start = copies.first?.arrival else { Issue.record("the fixture is not bounce-like"); return }
        var timed = copies
        for i in timed.indices {
            timed[i].original?.subjectKey = UInt64(i)   // no campaign
            timed[i].original?.bodyKey = nil
            if i >= 4 {
                // Nothing of the original came back: the notice alone cannot be judged.
                timed[i].original = nil
            }
            // One notice every 10 s, the four judged ones first: all within 12 hours of one another
            // (they make a flood as well; only the attack evidence is looked at here).
            timed[i].arrival = start + Int64(i) * 10
        }
        let notes = timed.map { ClassifierNote(observation: $0) }
        let classifier = Classifier(profile: profile)
        let undecided = timed[4...].filter { o in
            let score = Classifier.score(classifier.evidence(for: o).reduce(0) { $0 + $1.weight })
            return score < profile.thresholds.backscatter && score > profile.thresholds.legitimate
        }.count
        guard undecided == 3_000 else {
            Issue.record("the notices without their original are not undecided: \(classifier.evidence(for: timed[4]).map(\.signal))")
            return
        }
        let result = StreamClassifier(profile: profile, notes: notes).run(notes)
        let attacked = result.judgements[4...].filter { j in j.evidence.contains { $0.signal == "victim-under-attack" } }
        #expect(attacked.count == 3_000)
        #expect(result.judgements[4].evidence.first { $0.signal == "victim-under-attack" }?.detail.contains("4 of the 4 notices") == true)
    }

    /// A success notice without its original, amid a flood of judged backscatter to its recipient, gets
    /// neither the flood's nor the attack's evidence: it is sent only where the sender asked for one
    /// (RFC 3461 §4.1), so the failures around it say nothing of it (backscatter-dev 1236, an Amazon SES
    /// delivery notice, was judged backscatter on `victim-under-attack` alone). A failure notice in the
    /// same place gets both.
    @Test func aSuccessNoticeAmidAnAttackIsNotJudgedByIt() throws {
        var (profile, copies) = try ReflectedCopies.make(4 + 8) { _ in "alice@example.com" }
        profile.batv = nil
        guard let start = copies.first?.arrival else { Issue.record("the fixture is not bounce-like"); return }
        for i in copies.indices {
            copies[i].original?.subjectKey = UInt64(i)   // no campaign
            copies[i].original?.bodyKey = nil
            if i >= 4 { copies[i].original = nil }
            copies[i].arrival = start + Int64(i) * 10   // twelve notices in two minutes: a flood
        }
        copies[6].kind = .success
        let notes = copies.map { ClassifierNote(observation: $0) }
        let result = StreamClassifier(profile: profile, notes: notes).run(notes)
        let failure = result.judgements[5].evidence.map(\.signal)
        #expect(failure.contains("victim-under-attack") && failure.contains("flood"), "\(failure)")
        #expect(result.judgements[5].verdict == .backscatter)
        let success = result.judgements[6].evidence.map(\.signal)
        #expect(!success.contains("victim-under-attack") && !success.contains("flood"), "\(success)")
        #expect(result.judgements[6].verdict == .uncertain)
    }

    /// A bounce to alice@example.org from `reflector` returning her original (`subject`), which the host
    /// `name` at `ip` handed over (its greeting and reverse DNS both `name`).
    static func bounceOfOurs(handedOverBy ip: String, name: String, reflector: String, subject: String,
                             messageID: String? = nil) -> ClassifierNote {
        var o = Observation(kind: .bounce)
        o.victim = "alice@example.org"
        o.reportingMTA = reflector
        var original = OriginalFacts(presence: .headers)
        original.messageID = messageID
        original.from = "alice@example.org"
        original.subject = subject
        original.subjectKey = UInt64(subject.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) })
        original.hops = [ReceivedHop(helo: name, reverseName: name, ip: ip)]
        o.original = original
        return ClassifierNote(observation: o)
    }

    /// Zero-config relays named outside the site's domains (a hosted outbound service): found by an IP
    /// that hands our originals to several servers with several subjects; one host repeating one subject
    /// (a spam run) is not taken for a relay.
    @Test func relaysOutsideOurDomainsAreInferredFromVariety() {
        func note(ip: String, reflector: String, subject: String) -> ClassifierNote {
            Self.bounceOfOurs(handedOverBy: ip, name: "out.mailhost.test", reflector: reflector, subject: subject)
        }
        var notes: [ClassifierNote] = (0..<6).map { ClassifierNote(observation: nil, deliveredTo: "user\($0)@example.org") }
        for (n, subject) in ["Minutes", "Invoice 7", "Lunch"].enumerated() {
            notes.append(note(ip: "203.0.113.10", reflector: "mx\(n).partner.test", subject: subject))
        }
        for n in 0..<6 { notes.append(note(ip: "198.51.100.99", reflector: "mx\(n).victim.test", subject: "Cheap pills")) }
        let inferred = ProfileInference.infer(notes)
        #expect(inferred.profile.site.domains == ["example.org"])
        #expect(inferred.profile.relays.networks.contains("203.0.113.10"))
        #expect(!inferred.profile.relays.networks.contains("198.51.100.99"))
        #expect(inferred.profile.relays.hosts == ["out.mailhost.test"])
    }

    /// Zero-config relays named under the site's domains count from one sighting: a small mailbox shows
    /// a second relay once (a bounce through mx-out2 among three through mx-out1); a hosted relay is
    /// still looked for while no relay named ours is seen twice.
    @Test func aRelayNamedOursCountsFromOneSighting() {
        func note(ip: String, name: String, reflector: String, subject: String) -> ClassifierNote {
            Self.bounceOfOurs(handedOverBy: ip, name: name, reflector: reflector, subject: subject)
        }
        let ordinary: [ClassifierNote] = (0..<6).map { ClassifierNote(observation: nil, deliveredTo: "user\($0)@example.org") }
        var notes = ordinary
        for n in 0..<3 { notes.append(note(ip: "192.0.2.4", name: "mx-out1.example.org", reflector: "mx\(n).partner.test", subject: "Report \(n)")) }
        notes.append(note(ip: "192.0.2.5", name: "mx-out2.example.org", reflector: "mx9.partner.test", subject: "Minutes"))
        let inferred = ProfileInference.infer(notes)
        #expect(inferred.profile.relays.networks.contains("192.0.2.4") && inferred.profile.relays.networks.contains("192.0.2.5"))
        #expect(inferred.profile.relays.hosts == ["mx-out1.example.org", "mx-out2.example.org"])
        // One relay named ours, seen once, and a hosted one: both.
        var hosted = ordinary
        hosted.append(note(ip: "192.0.2.5", name: "mx-out2.example.org", reflector: "mx9.partner.test", subject: "Minutes"))
        for (n, subject) in ["Minutes 2", "Invoice 7", "Lunch"].enumerated() {
            hosted.append(note(ip: "203.0.113.10", name: "out.mailhost.test", reflector: "mx\(n).partner.test", subject: subject))
        }
        let both = ProfileInference.infer(hosted)
        #expect(both.profile.relays.networks.contains("192.0.2.5") && both.profile.relays.networks.contains("203.0.113.10"),
                "\(both.facts)")
    }

    /// A relay's own name is a domain of our Message-IDs from its first original, though a fifth of them
    /// is asked of any other: six originals through mx-out1 and one through mx-out2 make a format for both.
    @Test func aRelaysNameIsAMessageIDDomainFromOneOriginal() {
        var notes: [ClassifierNote] = (0..<6).map { ClassifierNote(observation: nil, deliveredTo: "user\($0)@example.org") }
        for n in 0..<6 {
            notes.append(Self.bounceOfOurs(handedOverBy: "192.0.2.4", name: "mx-out1.example.org", reflector: "mx\(n).partner.test",
                                           subject: "Report \(n)", messageID: "2026011210000\(n).ABCDEF012\(n)@mx-out1.example.org"))
        }
        notes.append(Self.bounceOfOurs(handedOverBy: "192.0.2.5", name: "mx-out2.example.org", reflector: "mx9.partner.test",
                                       subject: "Minutes", messageID: "20260113100000.FEDCBA0987@mx-out2.example.org"))
        let inferred = ProfileInference.infer(notes)
        #expect(inferred.profile.messageID.domains == ["mx-out1.example.org", "mx-out2.example.org"], "\(inferred.facts)")
        #expect(inferred.profile.messageID.pattern == #"^\d+\.[A-Za-z0-9]+@(?:mx\-out1\.example\.org|mx\-out2\.example\.org)$"#,
                "\(inferred.profile.messageID.pattern ?? "none")")
    }

    /// Zero-config's mailboxes are a census of the stream: a victim missing from it weighs as much as the
    /// census is complete (Good-Turing: the share of sightings whose mailbox was seen once), up to the
    /// signal's 4.0, and nothing below 1.0. Each mailbox seen once is no census: a real user the small
    /// mailbox did not show is not called made up.
    @Test(arguments: [(1, 4, 1, 0.0), (2, 1, 3, 0.5), (2, 4, 1, 2.1), (30, 4, 1, 4.0)])
    func aVictimMissingFromTheCensusWeighsAsTheCensusIsComplete(_ sightingsEach: Int, _ mailboxes: Int, _ seenOnce: Int, _ weight: Double) {
        // `mailboxes` mailboxes seen `sightingsEach` times each, `seenOnce` more seen once; the census's
        // weight is ln(sightings / mailboxes seen once), in tenths, at most 4.0.
        var notes: [ClassifierNote] = []
        for _ in 0..<sightingsEach {
            for n in 0..<mailboxes { notes.append(ClassifierNote(observation: nil, deliveredTo: "user\(n)@example.org")) }
        }
        for n in 0..<seenOnce { notes.append(ClassifierNote(observation: nil, deliveredTo: "once\(n)@example.org")) }
        var notice = Observation(kind: .bounce)
        notice.victim = "zed@example.org"
        notice.original = OriginalFacts(presence: .none)
        notes.append(ClassifierNote(observation: notice))
        let inferred = ProfileInference.infer(notes)
        #expect(inferred.mailboxSightings == sightingsEach * mailboxes + seenOnce)
        #expect(inferred.mailboxesSeenOnce == (sightingsEach == 1 ? mailboxes : 0) + seenOnce)
        #expect(inferred.absentMailboxWeight == weight, "\(inferred.facts)")
        let judged = StreamClassifier(profile: nil, notes: notes).run(notes).judgements.last
        let unknown = judged?.evidence.first { $0.signal == "recipient-unknown-here" }
        #expect(unknown?.weight == (weight >= 1 ? weight : nil), "\(judged?.evidence.map(\.signal) ?? [])")
        #expect(unknown.map { $0.detail.contains("none of the \(mailboxes + seenOnce) mailboxes this mail shows") } ?? true)
    }

    /// What inference writes, `profile check` reads back: a name no profile can hold (a Message-ID's
    /// right-hand side, a relay's reverse name, a Delivered-To's domain, a DKIM `d=` that is no domain
    /// name) is not inferred, and a control character in a fact stays inside its comment. (`outputs.py`
    /// seed 799: `profile infer` wrote `message_id.domains` holding
    /// `examcontent-type:multipart/mixed;boundary="n0"`, which `profile check` refused.)
    @Test func inferredProfileReadsBack() throws {
        let hostile = "examcontent-type:multipart/mixed;boundary=\"n0\""
        func note(_ n: Int, idDomain: String) -> ClassifierNote {
            var o = Observation(kind: .bounce)
            o.victim = "alice@example.org"
            o.reportingMTA = "mx\(n).partner.test"
            var original = OriginalFacts(presence: .headers)
            original.from = "alice@example.org"
            original.messageID = "a1b2c3.\(n)@\(idDomain)"
            original.dkim = [DKIMFinding(domain: "example.org\n[site]", selector: "s1", result: .unchecked)]
            original.subjectKey = UInt64(n)
            original.hops = [ReceivedHop(helo: "out", reverseName: n % 2 == 0 ? "out.example.org" : "out\n.example.org", ip: "203.0.113.\(10 + n % 2)")]
            o.original = original
            return ClassifierNote(observation: o)
        }
        var notes: [ClassifierNote] = (0..<6).map { ClassifierNote(observation: nil, deliveredTo: "user\($0)@example.org") }
        notes += (0..<6).map { ClassifierNote(observation: nil, deliveredTo: "user\($0)@exa mple\n.org") }
        notes += (0..<8).map { note($0, idDomain: $0 < 4 ? hostile : "example.org") }
        let inferred = ProfileInference.infer(notes)
        #expect(inferred.profile.site.domains == ["example.org"])
        #expect(inferred.profile.relays.hosts == ["out.example.org"])
        #expect(inferred.profile.messageID.domains == ["example.org"])
        #expect(inferred.dkimDomains.isEmpty)
        let readBack = try SiteProfile.parse(inferred.tomlText)
        #expect(readBack.site.domains == ["example.org"])
        #expect(readBack.messageID.domains == ["example.org"])
        // The facts quote the mail: a relay's name with a line end among them, kept inside its comment.
        #expect(inferred.facts.contains { $0.contains("out\n.example.org") })
        #expect(inferred.tomlText.contains("#   relay out .example.org [203.0.113.11]"))
    }

    /// Mail delivered to a BATV-tagged address of ours (a reply to our envelope sender) shows that the
    /// mailbox under the tag exists, not one named after the tag (backscatter-dev 3541).
    @Test func aTaggedAddressNamesTheMailboxUnderItsTag() {
        var notes: [ClassifierNote] = (0..<6).map { ClassifierNote(observation: nil, deliveredTo: "user\($0)@example.org") }
        notes.append(ClassifierNote(observation: nil, deliveredTo: "prvs=3476143005=plindqvist@example.org"))
        notes.append(ClassifierNote(observation: nil, deliveredTo: "sven+prvs=3476143005@example.org"))
        let inferred = ProfileInference.infer(notes)
        #expect(inferred.profile.site.domains == ["example.org"])
        #expect(inferred.knownLocalParts.contains("plindqvist"))
        #expect(inferred.knownLocalParts.contains("sven"))
        #expect(!inferred.knownLocalParts.contains { $0.contains("prvs") })
        #expect(inferred.knownLocalParts.count == 8)
    }

    /// Inference names at most `ProfileInference.maxRelays` relays, the busiest: a stream that makes up
    /// more candidates (here 1,200 IPs, each handing three originals to three servers) does not make
    /// every message's relay test read them all.
    @Test func inferredRelaysAreCapped() {
        func note(ip: String, reflector: Int, subject: Int) -> ClassifierNote {
            var o = Observation(kind: .bounce)
            o.victim = "alice@example.org"
            o.reportingMTA = "mx\(reflector).partner.test"
            var original = OriginalFacts(presence: .headers)
            original.from = "alice@example.org"
            original.subjectKey = UInt64(subject)
            original.hops = [ReceivedHop(helo: "out.hosted.test", reverseName: "out.hosted.test", ip: ip)]
            o.original = original
            return ClassifierNote(observation: o)
        }
        var notes: [ClassifierNote] = (0..<6).map { ClassifierNote(observation: nil, deliveredTo: "user\($0)@example.org") }
        for k in 0..<1_200 {
            let ip = "20.\(k / 250).\(k % 250).1"
            for n in 0..<(k == 1_199 ? 5 : 3) { notes.append(note(ip: ip, reflector: n, subject: n)) }
        }
        let inferred = ProfileInference.infer(notes)
        #expect(inferred.profile.relays.networks.networks.count == min(1_200, ProfileInference.maxRelays))
        #expect(inferred.profile.relays.networks.contains("20.4.199.1"))   // the busiest, the last one made up
    }
}
