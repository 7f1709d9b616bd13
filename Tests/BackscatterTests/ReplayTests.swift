@testable import Backscatter
import Foundation
import Testing
import TestSupport

/// A message of ours sent on to others by someone else, soon after we sent it (before
/// `dkim-ours-replayed` can tell it by the signature's age): told by the sent log's recipients.
/// With the profile of the classifier's signal fixtures, whose sent log has
/// `20260112100000.ABCDEF0123@mx-out1.example.com` going to first@ and second@partner.example.
struct ReplayTests {
    static let sentID = "20260112100000.ABCDEF0123@mx-out1.example.com"

    static func profile() throws -> SiteProfile {
        try SiteProfile.load(path: Corpus.fixture("classifier/signals-profile-sentlog.toml"))
    }

    /// A bounce to alice@example.com of the message `id` (signed by us, the signature verified), for
    /// `failed`, reported by `reporter`, a minute after the one before.
    static func notice(_ i: Int, failed: String, originalRecipient: String? = nil, id: String = sentID) -> Observation {
        var o = Observation(kind: .bounce)
        o.victim = "alice@example.com"
        o.arrival = 1_768_212_300 + Int64(i * 60)   // 2026-01-12T10:05:00Z on
        o.recipients = [failed]
        o.recipientCount = 1
        o.originalRecipients = originalRecipient.map { [$0] } ?? []
        o.reportingMTA = "mx\(i).far\(i).example"
        var original = OriginalFacts(presence: .headers)
        original.from = "alice@example.com"
        original.messageID = id
        original.date = 1_768_212_000
        original.dkim = [DKIMFinding(domain: "example.com", selector: "s2026", result: .verified)]
        o.original = original
        return o
    }

    static func signals(_ j: Judgement) -> Set<String> { Set(j.evidence.map(\.signal)) }

    /// One notice naming none of the message's recipients is a hint only (a forward of ours looks the
    /// same); named as Original-Recipient, or failed in another case, a recipient of it is no hint.
    @Test func oneNoticeForAStrangerIsAHint() throws {
        let classifier = Classifier(profile: try Self.profile())
        let stranger = classifier.judge(Self.notice(0, failed: "stranger@far.example"))
        #expect(Self.signals(stranger).isSuperset(of: ["recipient-not-of-message", "message-id-sent", "dkim-ours-valid"]))
        #expect(stranger.verdict == .legitimate)
        let forwarded = classifier.judge(Self.notice(0, failed: "first@home.example", originalRecipient: "First@Partner.example"))
        #expect(!Self.signals(forwarded).contains("recipient-not-of-message"))
        let ours = classifier.judge(Self.notice(0, failed: "<SECOND@partner.example>"))
        #expect(!Self.signals(ours).contains("recipient-not-of-message"))
        // Not when the notice lists only some of its failed recipients.
        var partial = Self.notice(0, failed: "stranger@far.example")
        partial.recipientCount = 9
        #expect(!Self.signals(classifier.judge(partial)).contains("recipient-not-of-message"))
        // Nor when the sent log does not have the message.
        let unknown = classifier.judge(Self.notice(0, failed: "stranger@far.example", id: "other@mx-out1.example.com"))
        #expect(!Self.signals(unknown).contains("recipient-not-of-message"))
    }

    /// Three notices for three addresses the message was never sent to (it went to two): a replay.
    /// Their copied evidence gives way to `message-id-replayed`; a notice for a real recipient of it
    /// among them stays as it was.
    @Test func aMessageBouncedByMoreStrangersThanItWentToIsAReplay() throws {
        var notices = (0..<3).map { Self.notice($0, failed: "stranger\($0)@far\($0).example") }
        notices.insert(Self.notice(9, failed: "first@partner.example"), at: 1)
        let notes = notices.map { ClassifierNote(observation: $0) }
        let result = StreamClassifier(profile: try Self.profile(), notes: notes).run(notes)
        #expect(result.findings.replays == [.init(messageID: Self.sentID, notices: 3, recipients: 3, sentTo: 2)])
        for (i, judgement) in result.judgements.enumerated() {
            let signals = Self.signals(judgement)
            if i == 1 {
                #expect(signals.isSuperset(of: ["message-id-sent", "dkim-ours-valid"]))
                #expect(!signals.contains("message-id-replayed"))
                #expect(judgement.verdict == .legitimate)
            } else {
                #expect(signals.contains("message-id-replayed"), "\(signals.sorted())")
                #expect(signals.isDisjoint(with: ["message-id-sent", "dkim-ours-valid", "recipient-not-of-message"]))
                #expect(judgement.verdict == .backscatter, "\(judgement.evidence.map { "\($0.signal) \($0.weight)" })")
            }
        }
    }

    /// A message the log has going to more than `recipientCheckLimit` addresses (a bulk mailing) is not
    /// checked: its bounces keep `message-id-sent` and get no hint, at any count; at the limit it is.
    @Test(arguments: [(Classifier.recipientCheckLimit, true), (Classifier.recipientCheckLimit + 1, false)])
    func aBulkMailingIsNotCheckedForStrangers(_ recipients: Int, checked: Bool) throws {
        var profile = try Self.profile()
        let id = "20260112120000.ABCDEF0777@mx-out1.example.com"
        profile.sentLog?.insert(SentLogEntry(messageID: id, sentAt: 1_768_212_000,
                                             recipients: (0..<recipients).map { "member\($0)@list.example" }))
        let notes = (0..<4).map { ClassifierNote(observation: Self.notice($0, failed: "s\($0)@far\($0).example", id: id)) }
        let result = StreamClassifier(profile: profile, notes: notes).run(notes)
        #expect(result.judgements.allSatisfy { Self.signals($0).contains("message-id-sent") })
        #expect(result.judgements.allSatisfy { Self.signals($0).contains("recipient-not-of-message") == checked })
        #expect(result.findings.replays.isEmpty)   // 4 strangers never outnumber 1,000 recipients
    }

    /// Not a replay: two strangers (fewer than `replayMinimum`), or one stranger three times.
    @Test(arguments: [["a@far.example", "b@far.example"], ["a@far.example", "A@far.example", "a@far.example"]])
    func fewStrangersAreNoReplay(_ failed: [String]) throws {
        let notes = failed.enumerated().map { ClassifierNote(observation: Self.notice($0.offset, failed: $0.element)) }
        let result = StreamClassifier(profile: try Self.profile(), notes: notes).run(notes)
        #expect(result.findings.replays.isEmpty)
        #expect(result.judgements.allSatisfy { Self.signals($0).contains("message-id-sent") && $0.verdict == .legitimate })
    }

    /// Strangers must outnumber the message's recipients: a message sent to three, bounced for three
    /// others, may be three forwards; for four, it is a replay. A recipient the log names again (a
    /// retry) is one recipient. And never fewer than `replayMinimum` strangers.
    @Test(arguments: [
        (["r1@partner.example", "r2@partner.example", "r3@partner.example"], 3, false),
        (["r1@partner.example", "r2@partner.example", "r3@partner.example"], 4, true),
        (["r1@partner.example", "R1@partner.example", "<r1@partner.example>"], 3, true),
        // Sent to one: two strangers are still fewer than `replayMinimum`.
        (["r1@partner.example"], 2, false),
    ])
    func strangersMustOutnumberTheRecipients(_ recipients: [String], strangers: Int, replayed: Bool) throws {
        var profile = try Self.profile()
        let id = "20260112110000.ABCDEF0199@mx-out1.example.com"
        profile.sentLog?.insert(SentLogEntry(messageID: id, sentAt: 1_768_215_600, recipients: recipients))
        let notes = (0..<strangers).map { ClassifierNote(observation: Self.notice($0, failed: "s\($0)@far.example", id: id)) }
        let result = StreamClassifier(profile: profile, notes: notes).run(notes)
        let sentTo: [Int?] = replayed ? [Set(recipients.map { $0.lowercased().trimmingCharacters(in: ["<", ">"]) }).count] : []
        #expect(result.findings.replays.map(\.sentTo) == sentTo)
        #expect(result.judgements.allSatisfy { Self.signals($0).contains("message-id-replayed") == replayed })
    }

    /// An automatic reply from `replier` that answers the message `id`.
    static func autoReply(_ i: Int, replier: String, replyTo: String? = nil, id: String = sentID) -> Observation {
        var o = Observation(kind: .autoReply)
        o.victim = "alice@example.com"
        o.arrival = 1_768_212_300 + Int64(i * 60)
        o.noticeFrom = replier
        o.noticeReplyTo = replyTo
        o.replyIDs = ["<" + id + ">"]
        o.connectingHost = "mx\(i).far\(i).example"
        return o
    }

    /// Automatic replies answer our message too: one from somebody it was not sent to is the hint; from
    /// a recipient of it (From or Reply-To), none. Three from strangers, with a bounce of the same
    /// message for a fourth, are one replay of four addresses, `reply-to-our-id` given way.
    @Test func automaticRepliesFromStrangersJoinTheReplay() throws {
        let classifier = Classifier(profile: try Self.profile())
        #expect(Self.signals(classifier.judge(Self.autoReply(0, replier: "stranger@far.example")))
            .isSuperset(of: ["reply-to-our-id", "recipient-not-of-message"]))
        for ours in [Self.autoReply(0, replier: "First@partner.example"),
                     Self.autoReply(0, replier: "Second@Partner.example", replyTo: "desk@partner.example")] {
            let signals = Self.signals(classifier.judge(ours))
            #expect(signals.contains("reply-to-our-id") && !signals.contains("recipient-not-of-message"), "\(signals.sorted())")
        }
        var notices = (0..<3).map { Self.autoReply($0, replier: "stranger\($0)@far\($0).example") }
        notices.append(Self.notice(3, failed: "bounced@far.example"))
        let notes = notices.map { ClassifierNote(observation: $0) }
        let result = StreamClassifier(profile: try Self.profile(), notes: notes).run(notes)
        #expect(result.findings.replays == [.init(messageID: Self.sentID, notices: 4, recipients: 4, sentTo: 2)])
        for judgement in result.judgements {
            let signals = Self.signals(judgement)
            #expect(signals.contains("message-id-replayed"), "\(signals.sorted())")
            #expect(signals.isDisjoint(with: ["reply-to-our-id", "message-id-sent", "recipient-not-of-message"]))
        }
    }

    /// A notice about a message the log has us sending more than ten days before it arrived is not about
    /// our sending (`message-id-sent-long-ago` in place of `message-id-sent`, and no recipient hint); ten
    /// days exactly still is. The log's time for the id is 2026-01-12T10:00:00Z. (Unsigned: a verified
    /// signature of ours says `dkim-ours-replayed` first.)
    @Test(arguments: [(Int64(10 * 86_400), false), (Int64(10 * 86_400 + 1), true), (Int64(40 * 86_400), true)])
    func aMessageSentLongBeforeTheNoticeIsNotItsSending(_ after: Int64, longAgo: Bool) throws {
        let classifier = Classifier(profile: try Self.profile())
        var o = Self.notice(0, failed: "stranger@far.example")
        o.original?.dkim = []
        o.arrival = 1_768_212_000 + after
        let signals = Self.signals(classifier.judge(o))
        #expect(signals.contains("message-id-sent-long-ago") == longAgo, "\(signals.sorted())")
        #expect(signals.contains("message-id-sent") == !longAgo)
        #expect(signals.contains("recipient-not-of-message") == !longAgo)
    }

    /// A sent log's time that no date could be (an entry a library user inserted) dates nothing.
    @Test(arguments: [Double.nan, Double.infinity, -Double.infinity, 1e300])
    func aSentLogTimeOutOfRangeIsNoAge(_ sentAt: Double) {
        #expect(Classifier.daysBeyondQueueLifetime(sentAt: sentAt, arrival: 1_797_000_000) == nil)
        #expect(Classifier.daysBeyondQueueLifetime(sentAt: 1_768_212_000, arrival: nil) == nil)
        #expect(Classifier.daysBeyondQueueLifetime(sentAt: 1_768_212_000, arrival: 1_768_212_000 + 11 * 86_400) == 11)
    }

    /// A wait in a mailbox explains an original's age only when a mail fetcher ended it shortly before
    /// the notice and it lasted longer than servers keep a message (`Classifier.mailboxWait`).
    @Test func aWaitInAMailboxIsToldByItsTwoDates() {
        let day: Int64 = 86_400, sent: Int64 = 1_768_212_000
        func hops(fetched: Int64?, delivered: Int64?, fetching: Bool = true) -> [ReceivedHop] {
            [ReceivedHop(helo: "localhost", ip: "127.0.0.1", date: fetched),
             ReceivedHop(helo: "pop.partner.example", ip: "198.51.100.9", date: fetched, fetchedFromMailbox: fetching),
             ReceivedHop(helo: nil, reverseName: nil, ip: "192.0.2.4", date: delivered)]
        }
        let arrival = sent + 21 * day
        let wait = Classifier.mailboxWait(hops(fetched: arrival - 300, delivered: sent), arrival: arrival)
        #expect(wait?.days == 20 && wait?.server == "pop.partner.example", "\(String(describing: wait))")
        // A wait within the bound, a fetch itself long before the notice or long after it, no fetcher,
        // no date below the fetch, no arrival: nothing explained.
        #expect(Classifier.mailboxWait(hops(fetched: sent + 9 * day, delivered: sent), arrival: sent + 9 * day + 300) == nil)
        #expect(Classifier.mailboxWait(hops(fetched: sent + 12 * day, delivered: sent), arrival: arrival)?.days == 12)   // fetched 9 days before
        #expect(Classifier.mailboxWait(hops(fetched: sent + 60, delivered: sent), arrival: arrival) == nil)
        #expect(Classifier.mailboxWait(hops(fetched: arrival + 2 * day, delivered: sent), arrival: arrival) == nil)
        #expect(Classifier.mailboxWait(hops(fetched: arrival - 300, delivered: sent, fetching: false), arrival: arrival) == nil)
        #expect(Classifier.mailboxWait(hops(fetched: arrival - 300, delivered: nil), arrival: arrival) == nil)
        #expect(Classifier.mailboxWait(hops(fetched: arrival - 300, delivered: sent), arrival: nil) == nil)
        // Only a public fetcher's hop above the first public handover: what the lean reading reads whole.
        var local = hops(fetched: arrival - 300, delivered: sent)
        local[1].ip = "10.0.0.9"
        #expect(Classifier.mailboxWait(local, arrival: arrival) == nil)
        let below = [ReceivedHop(helo: "smarthost.partner.example", ip: "198.51.100.20", date: arrival - 200)] + hops(fetched: arrival - 300, delivered: sent)
        #expect(Classifier.mailboxWait(below, arrival: arrival) == nil)
    }

    /// The scan's summary carries the replays, and the remedies say what to do about them.
    @Test func theSummaryNamesTheReplayAndItsRemedy() throws {
        var summary = ScanSummary()
        summary.verdicts = [.backscatter: 3]
        summary.replays = [.init(messageID: Self.sentID, notices: 3, recipients: 3, sentTo: 2)]
        let remedy = summary.remedies.first { $0.contains("came back from 3 addresses you never sent it to") }
        #expect(remedy?.contains("Sign with an expiry") == true, "\(summary.remedies)")
    }

    /// A bounce of our message whose original our relay handed over three weeks before the notice
    /// (`relay-ip-ours-long-ago`, no sent log needed), among twelve bounces of the same mailing through
    /// our relay: the mailing's hint (`campaign-member`, negative) goes to the twelve, not to the copy,
    /// which stays backscatter on its own evidence; nine days before is no replay.
    @Test func aReplayAmongTheBouncesOfOurMailingKeepsItsOwnJudgement() throws {
        let profile = try SiteProfile.load(path: Corpus.fixture("classifier/signals-profile.toml"))
        let arrival: Int64 = 1_770_026_700   // 2026-02-02T10:05:00Z
        func bounce(_ i: Int, hops: [ReceivedHop]) -> Observation {
            var o = Observation(kind: .bounce)
            o.victim = "alice@example.com"
            o.arrival = arrival + Int64(i * 60)
            o.recipients = ["friend\(i)@partner\(i).example"]
            o.recipientCount = 1
            o.reportingMTA = "mx.partner\(i).example"
            var original = OriginalFacts(presence: .headers)
            original.from = "alice@example.com"
            original.messageID = "20260202090000.ABCDEF0123@mx-out1.example.com"
            original.subjectKey = 42
            original.hops = hops
            o.original = original
            return o
        }
        let relay = "192.0.2.4"
        var notices = (0..<12).map { bounce($0, hops: [ReceivedHop(ip: relay, date: arrival - 300)]) }
        let replayed = [ReceivedHop(ip: "203.0.113.50", date: arrival - 300), ReceivedHop(ip: relay, date: arrival - 21 * 86_400)]
        notices.append(bounce(12, hops: replayed))
        let notes = notices.map { ClassifierNote(observation: $0) }
        let result = StreamClassifier(profile: profile, notes: notes).run(notes)
        for judgement in result.judgements.dropLast() {
            #expect(judgement.evidence.contains { $0.signal == "campaign-member" && $0.weight < 0 }, "\(Self.signals(judgement).sorted())")
            #expect(judgement.verdict == .legitimate)
        }
        let replay = try #require(result.judgements.last)
        #expect(Self.signals(replay).contains("relay-ip-ours-long-ago"))
        #expect(!Self.signals(replay).contains("campaign-member"), "\(replay.evidence.map { "\($0.signal) \($0.weight)" })")
        #expect(replay.verdict == .backscatter)
        // Listed among the replays, dated by its notice alone: the sent log is not asked (`sentTo` nil).
        #expect(result.findings.replays == [.init(messageID: "20260202090000.ABCDEF0123@mx-out1.example.com", notices: 1,
                                                   recipients: 1, sentTo: nil)])
        // Nine days: within the time a server may keep a message.
        let late = [ReceivedHop(ip: "203.0.113.50", date: arrival - 300), ReceivedHop(ip: relay, date: arrival - 9 * 86_400)]
        let signals = Self.signals(Classifier(profile: profile).judge(bounce(0, hops: late)))
        #expect(signals.contains("relay-ip-ours-forwarded") && !signals.contains("relay-ip-ours-long-ago"))
    }
}
