#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DeliveryStatus
import MailParsing
import Synchronization

/// Judges bounce-like messages: turns an `Observation` into evidence, a score and a verdict, with what
/// the site's profile (given or inferred) says.
///
/// Per message the cost is a few set lookups and at most one PCRE2 match; no Foundation, no allocation
/// beyond the evidence list. (Lookups are passed as closures, `{ site.isOurHost($0) }`, never as method
/// references, `site.isOurHost`: a method reference copies the whole site knowledge, a retain per field.)
public struct Classifier: Sendable {
    /// What the classifier knows about the site.
    public let site: SiteKnowledge
    /// One piece of evidence with its sentence.
    private func make(_ signal: Signal, _ detail: @autoclosure () -> String) -> Evidence {
        Evidence(signal, detail())
    }

    /// A classifier for a site.
    public init(site: SiteKnowledge) {
        self.site = site
    }

    /// A classifier for a given profile.
    public init(profile: SiteProfile) {
        self.init(site: SiteKnowledge(profile))
    }

    /// The score for a sum of log-odds: the logistic function, 0...1.
    public static func score(_ logOdds: Double) -> Double {
        1 / (1 + exp(-logOdds))
    }

    /// The verdict the profile's thresholds give for a score.
    public func verdict(for score: Double) -> Verdict {
        if score >= site.profile.thresholds.backscatter { return .backscatter }
        if score <= site.profile.thresholds.legitimate { return .legitimate }
        return .uncertain
    }

    /// Judges one observation, with extra evidence (from stream findings) added to it.
    public func judge(_ o: Observation?, extra: [Evidence] = [], campaign: String? = nil) -> Judgement {
        guard let o else { return .notBounce }
        if let fake = fakeNotice(o) { return fake }
        return judge(evidence: self.evidence(for: o) + extra, campaign: campaign)
    }

    /// A "bounce" that claims to come from our own domain yet was delivered by an outside host and
    /// returns nothing of an original is phishing dressed as a bounce (backscatter-dev's fake-bounce
    /// kind; SpamAssassin phishing_*.eml): not a notice about any message, so `not-bounce`.
    public func fakeNotice(_ o: Observation) -> Judgement? {
        // RFC 5321 §4.5.5, RFC 3464 §2: a delivery notice is sent with the null reverse-path. One that
        // came with a sender, returns nothing and carries no delivery-status report is mail dressed as one.
        let dsnLike = o.kind == .bounce || o.kind == .delay || o.kind == .success || o.kind == .virusNotice
        // Tested by pattern: `o.original == nil` took Optional's Equatable `==`, which copied the facts
        // (a few dozen retains) into a pair of optionals, twice a message. Tested once (a computed
        // test, asked twice, copied the facts' bytes out to read their tag each time).
        let returnsNothing: Bool = if case .none = o.original { true } else { false }
        if dsnLike, returnsNothing, o.reportingMTA == nil, let sender = o.returnPath, !sender.isEmpty {
            let evidence = Evidence(.fakeNotice, EvidenceText.joined("It looks like a delivery notice, but it came with a return address (", sender, "), which real notices never have, and returns no message: ordinary mail dressed as a bounce."))
            return Judgement(verdict: .notBounce, score: nil, evidence: [evidence])
        }
        guard returnsNothing, let from = o.noticeFrom, site.isOurAddress(from), let ip = o.connectingIP,
              HostShape.isPublicAddress(ip), !(IPAddress(ip).map { site.isRelayAddress($0) } ?? false) else { return nil }
        let evidence = Evidence(.fakeNotice, EvidenceText.joined("It claims to be a delivery notice from ", from, ", our own address, but an outside host (", ip, ") delivered it and it returns no message: phishing dressed as a bounce."))
        return Judgement(verdict: .notBounce, score: nil, evidence: [evidence])
    }

    /// Scores a list of evidence of one bounce-like message.
    /// - Parameter evidence: taken over (consumed), so that a list its caller no longer needs is sorted
    ///   in place rather than copied first (1,700 copies in the stream pass of sisimai bsd x3).
    public func judge(evidence: consuming [Evidence], campaign: String? = nil) -> Judgement {
        if evidence.isEmpty {
            evidence.append(Evidence(.nothingKnown, "Nothing in this notice shows whether we sent the message it is about."))
        }
        let sum = evidence.reduce(0) { $0 + $1.weight }
        let score = Self.score(sum)
        evidence.sort { abs($0.weight) > abs($1.weight) }
        return Judgement(verdict: verdict(for: score), score: score, evidence: evidence, campaign: campaign)
    }

    /// The evidence one observation gives on its own.
    public func evidence(for o: Observation) -> [Evidence] {
        evidence(for: o, victim: site.standing(ofVictim: o.victim))
    }

    /// `evidence(for:)`, with what the site knows of the victim (`SiteKnowledge.standing(ofVictim:)` of
    /// `o.victim`) already asked by the caller.
    func evidence(for o: Observation, victim: VictimStanding) -> [Evidence] {
        var ignored = ReplayClues()
        return evidence(for: o, victim: victim, replay: &ignored)
    }

    /// `evidence(for:victim:)`, telling the stream pass what the evidence says toward a replay
    /// (`replay`), so that it groups replays by what this judged.
    func evidence(for o: Observation, victim: VictimStanding, replay: inout ReplayClues) -> [Evidence] {
        var out: [Evidence] = []
        out.reserveCapacity(8)   // room for the stream pass's additions too: one allocation per message
        addRecipientEvidence(o, victim: victim, into: &out)
        addEnvelopeEvidence(o, into: &out)
        if let original = o.original {
            // When the notice came, for the signals that date the copy it is about (`Self.datesCopy`),
            // unless the original's age is a wait in a mailbox (`mailboxWait`).
            let wait = Self.mailboxWait(original.hops, arrival: o.arrival)
            let dating = Self.datesCopy(o.kind) && wait == nil ? o.arrival : nil
            replay.datesCopy = addPathEvidence(original, arrival: dating, into: &out)
            // A replayed signature of ours carries the original's Message-ID with it, signed: the id is our
            // first sending's and says nothing of this notice (`dkim-ours-replayed` says why).
            // (Asked only of a site with keys: zero-config has none, and the call cost ~150 instructions a
            // message when it carried the finding out, sisimai bsd x3.)
            let replayedDays = site.dkimDomains.isEmpty ? nil : replayedDays(original, arrival: dating)
            if replayedDays != nil {
                replay.datesCopy = true
            } else {
                switch addMessageIDEvidence(original, arrival: dating, into: &out) {
                case .sent(let id, let recipients?)?:
                    addNotOfMessageEvidence(o, messageID: id, sentTo: recipients, into: &out, found: &replay.notOfMessage)
                case .sentLongAgo?: replay.datesCopy = true
                default: break
                }
            }
            addDKIMEvidence(original, replayedDays: replayedDays, into: &out)
            addDateEvidence(original, arrival: o.arrival, waited: wait != nil, into: &out)
            if let wait {
                out.append(make(.originalFetchedLate, EvidenceText.joined(
                    "The original waited ", String(wait.days), " days in a mailbox before a mail fetcher took it from ", wait.server,
                    " (POP or IMAP) and passed it on, shortly before this notice: that wait is its age, not a copy sent again.")))
            }
            let facts = original.spamShape.intersection(.described)
            if !facts.isEmpty {
                let count = facts.rawValue.nonzeroBitCount   // `descriptions.count`
                let n = Double(min(count, 3))
                out.append(Evidence(signal: Signal.originalSpamShape.rawValue, weight: Signal.originalSpamShape.weight * n,
                                    detail: Self.spamShapeSentence(facts)))
            }
        } else {
            out.append(make(.noOriginal, "Nothing of the original message came back, so it is judged by the notice alone."))
        }
        if Self.isReply(o.kind) { addReplyEvidence(o, into: &out, notOfMessage: &replay.notOfMessage) }
        return out
    }

    /// What one notice's evidence says toward a replay, for the stream pass: `recipient-not-of-message`
    /// with what it was given for (grouped into `message-id-replayed`), and whether a dated signal
    /// (`dkim-ours-replayed`, `message-id-sent-long-ago`, `relay-ip-ours-long-ago`) was given (listed
    /// under the summary's replays). Told where each is decided, not looked for among the evidence.
    struct ReplayClues {
        var notOfMessage: NotOfMessage?
        var datesCopy = false
    }

    /// An automatic reply or a challenge: a notice that answers a message rather than reporting on its
    /// delivery.
    static func isReply(_ kind: MessageKind) -> Bool {
        kind == .autoReply || kind == .challenge
    }

    /// Whether a notice of this kind comes within the time servers keep a message, so that an original
    /// of ours from longer before dates a copy sent again (`dkim-ours-replayed`, `message-id-sent-long-ago`,
    /// `relay-ip-ours-long-ago`): bounces, delay and success notices and virus notices do. An automatic
    /// reply need not: a read receipt (RFC 8098) goes when the reader opens the message, weeks later
    /// perhaps, with its headers, and a mail client's reply rules run when the client does.
    static func datesCopy(_ kind: MessageKind) -> Bool {
        !isReply(kind)
    }

    /// The wait in a mailbox that a mail fetcher ended (`ReceivedHop.fetchedFromMailbox`), when it
    /// explains an original's age: the newest fetcher's hop dated within `queueLifetimeBound` of the
    /// notice's `arrival` (a notice follows the fetch as it follows any sending), and the hop below it,
    /// the delivery into the mailbox, dated more than `queueLifetimeBound` before it. Its whole days and
    /// the mailbox's server (the fetcher's from clause). A fetchmail user's mail sent on weeks late and
    /// bounced then is about our sending, not a copy: `original-fetched-late`. The fetcher's hop counts
    /// only as the first with a public address (above `topPublicIndex`): the lean reading of
    /// `ObservationReader` reads no other whole, so that both readings judge alike. (One loop over the
    /// hops up to the first public one, the same as `topPublicIndex`'s; nil for any other original.)
    static func mailboxWait(_ hops: [ReceivedHop], arrival: Int64?) -> (days: Int64, server: String)? {
        guard let arrival, let fetch = hops.firstIndex(where: { $0.address?.isPublic == true }), hops[fetch].fetchedFromMailbox,
              let fetched = hops[fetch].date, fetched &- arrival <= 86_400,
              daysBeyondQueueLifetime(sent: fetched, arrival: arrival) == nil,
              let below = hops[(fetch + 1)...].firstIndex(where: { $0.date != nil }), let delivered = hops[below].date,
              let days = daysBeyondQueueLifetime(sent: delivered, arrival: fetched) else { return nil }
        let hop = hops[fetch]
        return (days, hop.reverseName ?? hop.helo ?? hop.ip ?? "its server")
    }

    /// The spam-shape sentences made so far, at the index of their facts (`SpamShape.rawValue`, of
    /// `described` only, twelve bits: 4,096 places, "" where none is made yet): the same few sets of
    /// facts come back notice after notice, and a kept sentence is shared (a retain; made, ~1,300
    /// instructions: sisimai bsd x3, 642 sentences of 32 sets). A flat array, no dictionary: a
    /// `[UInt32: String]` cost ~0.32M instructions for its 32 inserts (its storage grown and its
    /// generic metadata made at run time), more than the lookups it saved. Behind a lock, as a
    /// classifier is shared by threads.
    private static let spamShapeSentences = Mutex<[String]>(
        [String](repeating: "", count: Int(SpamShape.described.rawValue) + 1))

    /// The sentence of the `original-spam-shape` evidence for `facts` (members of `SpamShape.described`):
    /// `spamShapeSentenceMade(facts)`, kept after it is first made. Sets with other members are made
    /// each time, never kept.
    static func spamShapeSentence(_ facts: SpamShape) -> String {
        let index = Int(facts.rawValue)
        guard facts.isSubset(of: .described) else { return spamShapeSentenceMade(facts) }
        let kept = spamShapeSentences.withLock { table in index < table.count ? table[index] : "" }
        if !kept.isEmpty { return kept }
        let made = spamShapeSentenceMade(facts)
        spamShapeSentences.withLock { table in
            if index < table.count { table[index] = made }
        }
        return made
    }

    /// The sentence of the `original-spam-shape` evidence for `facts`, made: the facts' descriptions
    /// between "; " and the sentence around them, in one piece, the facts handed over where they lie, no
    /// array of them (the descriptions' array grown and a literal's array grown again cost ~0.6M
    /// instructions over 642 originals, sisimai bsd x3; an array of the pieces made at its size, ~0.3M more).
    static func spamShapeSentenceMade(_ facts: SpamShape) -> String {
        EvidenceText.joined { piece in
            piece("The returned message looks like bulk spam: ")
            var first = true
            facts.forEachDescription { fact in
                if !first { piece("; ") }
                first = false
                piece(fact)
            }
            piece(".")
        }
    }

    // MARK: - recipients, BATV, SRS

    private func addRecipientEvidence(_ o: Observation, victim standing: VictimStanding, into out: inout [Evidence]) {
        if standing == .doesNotExist, let victim = o.victim {
            // A census of the stream's mailboxes (zero-config) weighs as complete as it is.
            let text = site.inferred
                ? EvidenceText.joined("It was sent to ", victim, ", which is none of the ", String(site.knownLocalParts.count),
                                      " mailboxes this mail shows receiving mail: most likely a made-up address, so nobody here sent the original.")
                : EvidenceText.joined("It was sent to ", victim, ", a mailbox that does not exist here, so nobody here could have sent the original.")
            out.append(Evidence(signal: Signal.recipientUnknownHere.rawValue, weight: site.absentMailboxWeight, detail: text))
        }
        if o.recipientCount >= 2 {
            out.append(make(.severalRecipients, EvidenceText.joined("It reports ", String(o.recipientCount), " failed recipients at once; a bounce of our own mail usually names the one recipient we wrote to.")))
        }
        guard site.knowsSentRecipients, o.kind != .autoReply, o.kind != .challenge else { return }
        let candidates = o.recipients + o.originalRecipients
        guard !candidates.isEmpty else { return }
        if let hit = candidates.first(where: { site.wroteTo($0) }) {
            out.append(make(.recipientWrittenTo, EvidenceText.joined("Our sent log shows we did write to ", hit, ".")))
        } else if o.original?.hasMessageID != true || site.profile.sentLog == nil,
                  !(o.original?.hops.contains { $0.address.map { site.isRelayAddress($0) } ?? false } ?? false) {
            // (Not when the original passed our relay: it was forwarded, and we wrote to the forwarder.)
            out.append(make(.recipientNeverWrittenTo, EvidenceText.joined("Our sent log has no message to ", candidates[0], "; we never wrote to that address.")))
        }
    }

    private func addEnvelopeEvidence(_ o: Observation, into out: inout [Evidence]) {
        let dsnLike = o.kind == .bounce || o.kind == .delay || o.kind == .success || o.kind == .virusNotice
        if let written = o.victimAsWritten {
            // Neither parser is asked about an address without an "=", which neither would take.
            let mayBeTagged = ObservationReader.mayHoldTag(written)
            if mayBeTagged, let tagged = BATVAddress(parsing: written) {
                if let verifier = site.batv, let time = o.arrival {
                    switch verifier.verify(tagged, at: Double(time)) {
                    case .valid:
                        out.append(make(.batvValid, EvidenceText.joined("It was sent to our BATV-signed return address ", written, ", and the signature is valid: only our server makes these.")))
                    case .expired(let days):
                        out.append(make(.batvExpired, EvidenceText.joined("Its BATV-signed return address expired ", String(days), " days before the notice came; real bounces come back within days.")))
                    case .badSignature, .unknownKey:
                        out.append(make(.batvInvalid, EvidenceText.joined("Its BATV-signed return address ", written, " does not verify with our key: someone made it up.")))
                    case .notSigned:
                        break
                    }
                } else if let time = o.arrival {
                    // Without the key only the expiry day (plain text in the tag) can be checked.
                    let today = Int(time / 86_400) % 1000
                    let late = ((today - tagged.expiryDay) % 1000 + 1000) % 1000
                    if late >= 1 && late < 900 {
                        out.append(make(.batvExpired, EvidenceText.joined("Its BATV return address expired ", String(late), " days before the notice came; real bounces come back within days.")))
                    } else {
                        out.append(make(.batvUnchecked, EvidenceText.joined("It was sent to a BATV-signed return address ", written, "; without our key it could not be checked.")))
                    }
                }
            } else if dsnLike, let missing = batvMissing(o) {
                out.append(make(.batvMissing, missing))
            }
            if mayBeTagged, let verifier = site.srs, let srs = SRSAddress(parsing: written), site.isOurDomain(srs.forwarderDomain) {
                switch verifier.verify(written, at: Double(o.arrival ?? 0)) {
                case .valid:
                    out.append(make(.srsValid, EvidenceText.joined("It came back to our forwarding (SRS) address ", written, ", which verifies.")))
                case .badHash, .badTimestamp, .expired:
                    out.append(make(.srsInvalid, EvidenceText.joined("It came to a forwarding (SRS) address of ours, ", written, ", that does not verify.")))
                case .notSRS:
                    break
                }
            }
        }
        if let envid = o.envelopeID, !envid.isEmpty {
            if site.profile.sentLog?.contains(messageID: envid) == true || site.hasOurFormat(envid) == true {
                out.append(make(.envelopeIDOurs, EvidenceText.joined("Its Original-Envelope-Id ", envid, " is one our relay gave.")))
            }
        }
    }

    /// The sentence for a bounce without a BATV tag although we signed at the time, or nil.
    private func batvMissing(_ o: Observation) -> String? {
        guard let since = site.profile.batv?.since ?? site.batvSinceUnkeyed, let arrival = o.arrival else { return nil }
        let validDays = Double(site.profile.batv?.validDays ?? 7)
        if let sent = o.original?.date {
            guard Double(sent) >= since + 3600 else { return nil }
            return "We signed every return address with BATV when the original was dated, but this notice came to an unsigned one."
        }
        guard Double(arrival) >= since + validDays * 86_400 else { return nil }
        return "We have signed every return address with BATV for longer than a bounce can take, but this notice came to an unsigned one."
    }

    // MARK: - the original's path

    /// Adds the evidence of the original's path; true when it is `relay-ip-ours-long-ago`.
    /// - Parameter arrival: when the notice arrived; a hop of our relay dated longer before it than
    ///   `queueLifetimeBound` is `relay-ip-ours-long-ago` (`relayReplaySentence`).
    private func addPathEvidence(_ original: OriginalFacts, arrival: Int64?, into out: inout [Evidence]) -> Bool {
        let hasNetworks = !site.profile.relays.networks.isEmpty
        let hops = original.hops
        guard !hops.isEmpty else { return false }
        // Hops found by their index and read in place: a hop taken out by `enumerated().first` was
        // copied and destroyed, its references retained and released (backscatter-dev: 0.12M).
        guard let top = hops.topPublicIndex else { return false }
        if hasNetworks {
            if let ours = hops.firstIndex(where: { $0.address.map { site.isRelayAddress($0) } ?? false }) {
                let ip = hops[ours].ip ?? ""
                if ours >= top, let sentence = Self.relayReplaySentence(hops[ours], relay: ip, arrival: arrival) {
                    out.append(make(.relayIPOursLongAgo, sentence))
                    return true
                } else if ours == top {
                    out.append(make(.relayIPOurs, EvidenceText.joined("The server that received the original recorded it as coming from ", ip, ", one of our relays.")))
                } else if ours > top {
                    out.append(make(.relayIPOursForwarded, EvidenceText.joined("The original passed our relay ", ip, " and was then forwarded by ", hops[top].reverseName ?? hops[top].ip ?? "another server", ".")))
                }
                return false
            }
        } else if !site.relayHosts.isEmpty {
            // No networks: only the receiver-recorded reverse-DNS name can stand for the IP.
            if let name = hops[top].reverseName, site.relayHosts.contains(name) {
                guard let sentence = Self.relayReplaySentence(hops[top], relay: name, arrival: arrival) else {
                    out.append(make(.relayIPOurs, EvidenceText.joined("The server that received the original recorded its sender as ", name, ", one of our relays.")))
                    return false
                }
                out.append(make(.relayIPOursLongAgo, sentence))
                return true
            }
        } else {
            return false
        }
        let ip = hops[top].ip ?? "?"
        // Each name asked once (the reverse name was asked twice), without an array of the two.
        let helo = hops[top].helo, reverseName = hops[top].reverseName
        let reverseNameOurs = reverseName.map { site.isOurHost($0) } ?? false
        let claimed = helo.map { site.isOurHost($0) } == true ? helo : reverseNameOurs ? reverseName : nil
        if let claimed, !reverseNameOurs || hasNetworks {
            out.append(make(.relayHeloForged, EvidenceText.joined("The original's sender called itself ", claimed, ", but the receiving server recorded the address ", ip, ", which is none of our relays: a forged greeting.")))
        } else {
            out.append(make(.relayIPForeign, EvidenceText.joined("The original was handed over by ", ip, " (", reverseName ?? "no reverse DNS",
                                                                 "), which is none of our relays.")))
        }
        return false
    }

    /// The sentence of `relay-ip-ours-long-ago` when `hop`, where our relay (`relay`: its IP or name)
    /// handed the original over, is dated longer than `queueLifetimeBound` before the notice's
    /// `arrival`: the server it was handed to received our message then, and no server keeps a message
    /// that long before it bounces or answers; someone who kept a copy sent it again (a replay, e.g. of a
    /// signed message: draft-chuang-dkim-replay-problem), or wrote the old hop. Nil otherwise, and when
    /// either date is unknown. Told without a profile: the relays are inferred, and the hop's date is
    /// the receiving server's.
    static func relayReplaySentence(_ hop: ReceivedHop, relay: String, arrival: Int64?) -> String? {
        guard let sent = hop.date, let arrival, let days = daysBeyondQueueLifetime(sent: sent, arrival: arrival) else { return nil }
        return EvidenceText.joined("Our relay ", relay, " handed the original over ", String(days),
                                   " days before this notice arrived (by the date the next server recorded), longer than servers keep a message: someone sent our message again (a replay), and this notice is about their copy.")
    }

    // MARK: - Message-ID

    /// What the sent log says of the original's Message-ID, when it has it (`addMessageIDEvidence`).
    private enum Sending {
        /// `message-id-sent`: the id, and the log's recipients of the message (nil past
        /// `recipientCheckLimit`: `SentLog.sending(ofMessageID:recipientLimit:)`).
        case sent(id: String, recipients: [String]?)
        /// `message-id-sent-long-ago`.
        case sentLongAgo
    }

    /// Adds the Message-ID's evidence, and says what the sent log has of it (nil when it has not).
    /// A message the log has sent more than `queueLifetimeBound` before the notice's `arrival` is
    /// `message-id-sent-long-ago`, not `message-id-sent`: no server keeps a message that long, so the
    /// notice is about a copy sent again, or a forgery that quotes our old Message-ID (a list archive
    /// shows them), not about our sending.
    private func addMessageIDEvidence(_ original: OriginalFacts, arrival: Int64?, into out: inout [Evidence]) -> Sending? {
        // The id read where the facts hold it (`OriginalFacts.messageIDText`, most often the record's
        // bracketed String), without a String of its own; the sentences write it in angle brackets,
        // the held text itself when that is bracketed.
        guard let text = original.messageIDText else {
            if original.from != nil {
                out.append(make(.messageIDMissing, "The original has no Message-ID; our relays always add one."))
            }
            return nil
        }
        let bracketed = original.messageIDIsBracketed
        /// `before` + "<id>" + `after`.
        func sentence(_ before: String, _ after: String, _ more: String = "", _ end: String = "") -> String {
            bracketed ? EvidenceText.joined(before, text, after, more, end) : EvidenceText.joined(before, "<", text, ">" + after, more, end)
        }
        if let log = site.profile.sentLog, let id = original.messageID {
            if let sending = log.sending(ofMessageID: id, recipientLimit: Self.recipientCheckLimit) {
                if let days = Self.daysBeyondQueueLifetime(sentAt: sending.sentAt, arrival: arrival) {
                    out.append(make(.messageIDSentLongAgo, sentence("The original's Message-ID ", " is in our sent log, but we sent it ",
                        String(days), " days before this notice arrived, longer than servers keep a message: the notice is about a copy sent again or a forgery quoting our old Message-ID, not about our sending.")))
                    return .sentLongAgo
                }
                out.append(make(.messageIDSent, sentence("The original's Message-ID ", " is in our sent log: we sent it.")))
                return .sent(id: id, recipients: sending.recipients)
            }
            let covered = original.date.map { t in site.sentSpan.map { $0.contains(Double(t)) } ?? true } ?? true
            if covered {
                let format = site.hasOurFormat(idText: text, bracketed: bracketed) == true ? ", although it is written in our format" : ""
                out.append(make(.messageIDNotSent, sentence("The original's Message-ID ", " is not in our sent log", format, ": we did not send it.")))
                return nil
            }
        }
        switch site.hasOurFormat(idText: text, bracketed: bracketed) {
        case .some(true):
            out.append(make(.messageIDOurFormat, sentence("The original's Message-ID ", " has the format our relays write.")))
        case .some(false):
            out.append(make(.messageIDForeign, sentence("The original's Message-ID ", " is not in the format our relays write.")))
        case .none:
            break
        }
        return nil
    }

    /// A notice about a message of ours that names none of the recipients the sent log has it going to
    /// (`recipient-not-of-message`): what the stream pass groups into replays (`message-id-replayed`).
    struct NotOfMessage {
        /// The message's id as the notice gives it (the original's Message-ID, or the one an automatic
        /// reply answers), without angle brackets.
        var messageID: String
        /// The address the notice names: a bounce's first failed recipient, or who sent the reply.
        var address: String
        /// The log's recipients of the message, each once, in the log's order (at least one).
        var sentTo: [String]
    }

    /// Adds `recipient-not-of-message` when the notice names none of `sentTo`, the sent log's recipients
    /// of the message of ours it is about (`messageID`; `recipientNotOfMessage(_:sentTo:)`), and says
    /// so in `found`; not when `found` is set already. One notice like this may be a forward (we wrote
    /// to a, a sent it on to b, b's server bounced or b's vacation program answered); many of one
    /// message are a replay (`message-id-replayed`, in the stream pass).
    private func addNotOfMessageEvidence(_ o: Observation, messageID: String, sentTo: [String], into out: inout [Evidence],
                                         found: inout NotOfMessage?) {
        guard found == nil, let other = recipientNotOfMessage(o, sentTo: sentTo) else { return }
        let and = other.sentTo.count == 1 ? "" : " and \(other.sentTo.count - 1) more"
        let text = Self.isReply(o.kind)
            ? EvidenceText.joined("Our sent log has the message it answers going to ", other.sentTo[0], and, ", not to ",
                                  other.address, ", who sent this automatic reply: a forward of our message, or our message sent on by someone else.")
            : EvidenceText.joined("Our sent log has the original going to ", other.sentTo[0], and, ", not to ",
                                  other.address, ": a forward of our message, or our message sent on by someone else.")
        out.append(make(.recipientNotOfMessage, text))
        found = NotOfMessage(messageID: SentLog.stripBrackets(messageID), address: other.address, sentTo: other.sentTo)
    }

    /// A message the sent log has going to more recipients than this (a bulk mailing) gets no
    /// `recipient-not-of-message` check: its list, made for each of its bounces, would cost its length
    /// each (a mailing to 100,000 with 5,000 bounces: 500 million Strings), and a replay of it would have
    /// to come back from more addresses still. 1,000.
    static let recipientCheckLimit = 1_000

    /// The address a notice names and the log's recipients of the message it is about (`recipients`),
    /// each once, when the notice names none of them; nil when the list is empty, when a bounce lists no
    /// failed recipient or not all of them (`Observation.maxListed`), and when the notice names one:
    /// failed or as its Original-Recipient (RFC 3464 §2.3.1), or as an automatic reply's From or
    /// Reply-To. Addresses compare without angle brackets, in lower case.
    private func recipientNotOfMessage(_ o: Observation, sentTo recipients: [String]) -> (address: String, sentTo: [String])? {
        let replies = Self.isReply(o.kind)
        guard !recipients.isEmpty, let first = replies ? o.noticeReplyTo ?? o.noticeFrom : o.recipients.first,
              replies || o.recipients.count == o.recipientCount,
              // The common answer first, asked of the Strings as they are: a real bounce names a recipient
              // as the log wrote it (lower case, no brackets; backscatter-dev: every one).
              !recipients.contains(first) else { return nil }
        // Each recipient once: a mail log names one again at each retry (Postfix `status=deferred`,
        // Exim `==`).
        var sentTo: [String] = [], seen = Set<String>()
        for recipient in recipients where seen.insert(Self.comparableAddress(recipient)).inserted { sentTo.append(recipient) }
        let named = replies ? [o.noticeReplyTo, o.noticeFrom].compactMap { $0 } : o.recipients + o.originalRecipients
        for candidate in named where seen.contains(Self.comparableAddress(candidate)) {
            return nil
        }
        return (first, sentTo)
    }

    /// An address as `recipientNotOfMessage` compares it: without angle brackets, in lower case.
    private static func comparableAddress(_ address: String) -> String {
        let bare = address.hasPrefix("<") && address.hasSuffix(">") && address.utf8.count >= 2
            ? String(address.dropFirst().dropLast()) : address
        return bare.lowercasedIfNeeded()
    }

    // MARK: - DKIM

    /// The longest a real notice comes after the message it is about: servers give up on a message
    /// within about five days (Postfix's `maximal_queue_lifetime` and Sendmail's `Timeout.queuereturn`
    /// default to 5 days, the retry rule of Exim's default configuration to 4), so ten leave room for a
    /// late one.
    static let queueLifetimeBound: Int64 = 10 * 86_400

    /// Whole days from `sentAt` (a sent log's time, any Double) to `arrival` when they are more than
    /// `queueLifetimeBound`; nil otherwise or when either is unknown.
    static func daysBeyondQueueLifetime(sentAt: Double?, arrival: Int64?) -> Int64? {
        guard let arrival, let sentAt, sentAt.magnitude < 1e15 else { return nil }   // (an inserted entry may hold any Double)
        return daysBeyondQueueLifetime(sent: Int64(sentAt), arrival: arrival)
    }

    /// `daysBeyondQueueLifetime(sentAt:arrival:)` of whole seconds.
    static func daysBeyondQueueLifetime(sent: Int64, arrival: Int64) -> Int64? {
        arrival &- sent > queueLifetimeBound ? (arrival &- sent) / 86_400 : nil
    }

    /// How many days before the notice's arrival our first verified signature on the original was
    /// made, when that is more than `queueLifetimeBound`: the signed message was sent again long
    /// after we sent it, a DKIM replay (draft-chuang-dkim-replay-problem: a message signed once is sent
    /// on to many others, its signature still valid). When it was made: its `t=`, or else when the sent
    /// log says the message went out. Not the original's Date, even where the signature covers it: a
    /// client with a wrong clock writes a Date weeks off, and our relay signs it as it is. Nil otherwise,
    /// and when neither the signature, the sent log nor the notice says when.
    package func replayedDays(_ original: OriginalFacts, arrival: Int64?) -> Int64? {
        guard let arrival,
              let verified = original.dkim.first(where: { $0.result == .verified && site.dkimDomains.contains($0.domain) })
        else { return nil }
        if let signed = verified.signedAt { return Self.daysBeyondQueueLifetime(sent: signed, arrival: arrival) }
        // The time alone (no recipient listed: a bulk mailing's list would cost its length a notice).
        let logged = original.messageID.flatMap { site.profile.sentLog?.sending(ofMessageID: $0, recipientLimit: 0)?.sentAt }
        return Self.daysBeyondQueueLifetime(sentAt: logged, arrival: arrival)
    }

    /// - Parameter replayedDays: `replayedDays(_:arrival:)`, when it found a replay: the first verified
    ///   signature of ours is then `dkim-ours-replayed`, not `dkim-ours-valid`.
    private func addDKIMEvidence(_ original: OriginalFacts, replayedDays: Int64?, into out: inout [Evidence]) {
        // Our signatures' first verified, first failed and first one, found in one pass without an
        // array of them (the filtered array: 321 made on backscatter-dev, 0.07M).
        var verified: DKIMFinding?, failed: DKIMFinding?, first: DKIMFinding?
        for finding in original.dkim where site.dkimDomains.contains(finding.domain) || site.unkeyedDKIMDomains.contains(finding.domain) {
            if first == nil { first = finding }
            if verified == nil, finding.result == .verified { verified = finding }
            if failed == nil, finding.result == .failed { failed = finding }
        }
        if let v = verified, let days = replayedDays {
            out.append(make(.dkimOursReplayed, EvidenceText.joined(
                "Our DKIM signature (d=", v.domain, ", s=", v.selector, ") on the returned headers verifies, but it was made ",
                String(days), " days before this notice arrived, longer than servers keep a message: someone sent our signed message again (a DKIM replay), so it and the Message-ID it covers are from our first sending, not from the one this notice is about.")))
            return
        }
        if let v = verified {
            out.append(make(.dkimOursValid, EvidenceText.joined("Our DKIM signature (d=", v.domain, ", s=", v.selector, ") on the returned headers verifies with our public key.")))
            return
        }
        if let f = failed {
            out.append(make(.dkimOursFailed, EvidenceText.joined("A DKIM signature in our name (d=", f.domain, ") on the returned headers does not verify: it was forged or the headers were changed.")))
            return
        }
        if let u = first {
            out.append(make(.dkimOursUnchecked, EvidenceText.joined("The returned headers carry a DKIM signature in our name (d=", u.domain, "); without our key it was not checked.")))
            return
        }
        // Whether the original is from us, asked only when a signature or our signing makes it matter.
        guard !original.dkim.isEmpty || site.signsDKIM, let from = original.from, site.isOurAddress(from) else { return }
        if let foreign = original.dkim.first {
            out.append(make(.dkimForeign, EvidenceText.joined("The original claims to be from ", from, " but is signed by ", foreign.domain, ", not by us.")))
            return
        }
        if site.signsDKIM {
            out.append(make(.dkimOursAbsent, "We sign all our mail with DKIM, but the returned headers carry no signature of ours."))
        }
    }

    // MARK: - dates

    /// Adds `original-after-bounce` or `original-weeks-before`; not the latter when the original
    /// `waited` in a mailbox (`mailboxWait`).
    private func addDateEvidence(_ original: OriginalFacts, arrival: Int64?, waited: Bool, into out: inout [Evidence]) {
        guard let sent = original.date, let arrival else { return }
        // Dates come from MailDate (years 1900-9999), so these differences cannot overflow; &- anyway.
        if sent > arrival &+ 6 * 3600 {
            out.append(make(.originalAfterBounce, EvidenceText.joined("The original is dated ", String((sent &- arrival) / 3600), " hours after the notice about it arrived.")))
        } else if arrival &- sent > Self.queueLifetimeBound, !waited {
            out.append(make(.originalWeeksBefore, EvidenceText.joined("The original is dated ", String((arrival &- sent) / 86_400), " days before the notice; servers give up within about five days.")))
        }
    }

    // MARK: - auto-replies

    private func addReplyEvidence(_ o: Observation, into out: inout [Evidence], notOfMessage: inout NotOfMessage?) {
        // The first message of ours the reply answers, with the sent log's recipients of it (none past
        // `recipientCheckLimit`).
        var answered: (id: String, recipients: [String])?
        if !o.replyIDs.isEmpty {
            var ours = false
            if let log = site.profile.sentLog {
                for id in o.replyIDs {
                    if let sending = log.sending(ofMessageID: id, recipientLimit: Self.recipientCheckLimit) {
                        ours = true
                        answered = sending.recipients.map { (id, $0) }
                        break
                    }
                }
            } else {
                ours = o.replyIDs.contains { site.hasOurFormat($0) == true }
            }
            if ours {
                out.append(make(.replyToOurID, "It answers a message we sent (its In-Reply-To/References names our Message-ID)."))
            } else if site.profile.sentLog != nil || site.hasOurFormat(o.replyIDs[0]) != nil {
                out.append(make(.replyToForeignID, EvidenceText.joined("It answers <", o.replyIDs[0], ">, which is not a message we sent.")))
            }
        }
        guard site.knowsSentRecipients, let replier = o.noticeReplyTo ?? o.noticeFrom else { return }
        if site.wroteTo(replier) || o.noticeFrom.map({ site.wroteTo($0) }) == true {
            out.append(make(.replierWrittenTo, EvidenceText.joined("Our sent log shows we wrote to ", replier, ", who sent this automatic reply.")))
        } else {
            out.append(make(.replierNeverWrittenTo, EvidenceText.joined("Our sent log has no message to ", replier, ", who sent this automatic reply.")))
        }
        if let answered { addNotOfMessageEvidence(o, messageID: answered.id, sentTo: answered.recipients, into: &out, found: &notOfMessage) }
    }
}
