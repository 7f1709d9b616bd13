/// Every signal the classifier knows, with its stable name and its weight in log-odds (positive toward
/// backscatter). The score is `logistic(sum of weights)`, so a weight of ±2.2 alone moves a neutral
/// message to 0.9 / 0.1, ±4.6 to 0.99 / 0.01.
///
/// Calibration (`backscatter-harness dev --dump F`, then `Fixtures/classifier/calibration/fit-weights.py F`):
/// weights were set from what each signal can prove (a verified DKIM signature, a valid BATV tag or a
/// sent-log hit cannot be made by a spammer: large; a name, a format or a shape can be copied: small),
/// then checked on backscatter-dev against an L2-regularised logistic fit, with the bounce templates split
/// into two halves by family so that no template family is seen in both fit and test. On each held-out
/// half these weights give precision 1.000 / recall 0.982 and 1.000 / 0.991 (thresholds 0.8 / 0.2, with
/// and without profile), the fitted model 0.998 / 0.964 and 1.000 / 0.988: the fit does not generalise
/// better, so the weights that say what a signal proves were kept. The dev set is one site; a weight only
/// this site earns would mislead on the next. The fit puts stream findings (flood, campaign) at 2-3.5 and
/// spam shape at 1.7 per fact; ours are 2.0, 2.5 and 0.9 (at most three facts), kept below what the
/// signals that carry proof weigh.
public enum Signal: String, Sendable, Hashable, CaseIterable {
    // MARK: the path the original took
    /// The server that received the original recorded one of our relay IPs as the sender.
    case relayIPOurs = "relay-ip-ours"
    /// Our relay IP appears further down the original's Received chain (it was forwarded on).
    case relayIPOursForwarded = "relay-ip-ours-forwarded"
    /// The original passed our relay, but longer before the notice than any server keeps a message (by
    /// the date the server it was handed to recorded): our message was sent again by someone else (a
    /// replay). It replaces `relay-ip-ours` and `relay-ip-ours-forwarded`. Not for an automatic reply or
    /// a challenge, which may come late (`Classifier.datesCopy`), nor are `message-id-sent-long-ago` and
    /// `dkim-ours-replayed`.
    case relayIPOursLongAgo = "relay-ip-ours-long-ago"
    /// The original's sender named itself as our relay, but the IP recorded is not ours.
    case relayHeloForged = "relay-helo-forged"
    /// The original entered the mail system from an IP outside our relays.
    case relayIPForeign = "relay-ip-foreign"
    /// How the original was built and sent looks like bulk spam.
    case originalSpamShape = "original-spam-shape"

    // MARK: Message-ID
    /// The original's Message-ID is in our sent log.
    case messageIDSent = "message-id-sent"
    /// The original's Message-ID is in our sent log, but we sent it longer before the notice than any
    /// server keeps a message: the notice is not about our sending (a copy sent again, or our old id
    /// quoted in a forgery).
    case messageIDSentLongAgo = "message-id-sent-long-ago"
    /// The original's Message-ID is not in our sent log, which covers its date.
    case messageIDNotSent = "message-id-not-sent"
    /// The original's Message-ID has our format.
    case messageIDOurFormat = "message-id-our-format"
    /// The original's Message-ID plainly is not ours.
    case messageIDForeign = "message-id-foreign"
    /// The original has no Message-ID (our relays always add one).
    case messageIDMissing = "message-id-missing"

    // MARK: DKIM
    /// Our DKIM signature on the original verifies (header hash).
    case dkimOursValid = "dkim-ours-valid"
    /// A DKIM signature in our name on the original does not verify.
    case dkimOursFailed = "dkim-ours-failed"
    /// Our DKIM signature on the original verifies, but it was made longer before the notice than any
    /// server keeps a message queued: our signed message was sent again by someone else (a replay).
    case dkimOursReplayed = "dkim-ours-replayed"
    /// A DKIM signature in our name is present but could not be checked (no key known).
    case dkimOursUnchecked = "dkim-ours-unchecked"
    /// We sign our mail, but the returned headers carry no signature of ours.
    case dkimOursAbsent = "dkim-ours-absent"
    /// The original claims to be from us but is signed by another domain.
    case dkimForeign = "dkim-foreign-domain"

    // MARK: BATV and SRS
    /// The bounce's address carries a valid BATV tag of ours.
    case batvValid = "batv-valid"
    /// The bounce's address carries a BATV tag that does not verify.
    case batvInvalid = "batv-invalid"
    /// The bounce's address carries an expired BATV tag.
    case batvExpired = "batv-expired"
    /// We signed envelope senders with BATV when the original was sent, but the bounce has no tag.
    case batvMissing = "batv-missing"
    /// The bounce's address carries a BATV tag that could not be checked (no key known).
    case batvUnchecked = "batv-unchecked"
    /// The bounce's address is one of our SRS addresses and verifies.
    case srsValid = "srs-valid"
    /// The bounce's address looks like one of our SRS addresses but does not verify.
    case srsInvalid = "srs-invalid"

    // MARK: recipients
    /// The bounce went to a local part that does not exist here (the profile's users). Zero-config, one
    /// the stream never shows receiving mail, weighed as complete as that census is
    /// (`InferredProfile.absentMailboxWeight`: at most this weight, and not given below 1.0).
    case recipientUnknownHere = "recipient-unknown-here"
    /// The bounce lists several failed recipients.
    case severalRecipients = "several-recipients"
    /// We wrote to the failed recipient (sent log).
    case recipientWrittenTo = "recipient-written-to"
    /// We never wrote to the failed recipient (sent log).
    case recipientNeverWrittenTo = "recipient-never-written-to"
    /// The DSN's Original-Envelope-Id is one we gave.
    case envelopeIDOurs = "envelope-id-ours"
    /// The notice is about a message in our sent log (the original's Message-ID, or the one an automatic
    /// reply answers), but names none of those we sent it to (failed, or as who replied): a forward of
    /// our message, or our message sent on by someone else.
    case recipientNotOfMessage = "recipient-not-of-message"

    // MARK: dates
    /// The original is dated after the bounce.
    case originalAfterBounce = "original-after-bounce"
    /// The original is dated weeks before the bounce.
    case originalWeeksBefore = "original-weeks-before"
    /// A mail fetcher took the original out of a mailbox (a hop whose with clause names POP or IMAP:
    /// `ReceivedHop.fetchedFromMailbox`) shortly before the notice, after it had waited there longer than
    /// any server keeps a message: that wait is the original's age, so nothing dates a copy sent again
    /// (`relay-ip-ours-long-ago`, `message-id-sent-long-ago`, `dkim-ours-replayed` and
    /// `original-weeks-before` are not given). Told, not weighed.
    case originalFetchedLate = "original-fetched-late"

    // MARK: auto-replies and challenges
    /// The auto-reply refers to one of our Message-IDs.
    case replyToOurID = "reply-to-our-id"
    /// The auto-reply refers to Message-IDs that are not ours.
    case replyToForeignID = "reply-to-foreign-id"
    /// We wrote to the person whose auto-reply this is (sent log).
    case replierWrittenTo = "replier-written-to"
    /// We never wrote to the person whose auto-reply this is (sent log).
    case replierNeverWrittenTo = "replier-never-written-to"

    // MARK: stream findings
    /// The message belongs to a campaign: the same original reflected by many servers.
    case campaignMember = "campaign-member"
    /// The victim got a flood of bounces in a short window.
    case flood = "flood"
    /// An undecided notice among clearly judged notices to the same victim, nearly all backscatter.
    case victimUnderAttack = "victim-under-attack"
    /// The recipient's local part looks machine-made and got only bounces.
    case randomRecipient = "random-local-part"
    /// One of our messages came back from more addresses we never sent it to than we sent it to:
    /// someone is sending it again (a replay), so its Message-ID and signature are not evidence.
    case messageIDReplayed = "message-id-replayed"

    // MARK: facts that explain without moving the score
    /// Nothing of the original came back.
    case noOriginal = "no-original"
    /// No signal applied.
    case nothingKnown = "no-signal"
    /// Mail dressed as a notice (a return address, or our own name from outside, and nothing returned): not a bounce.
    case fakeNotice = "fake-notice"

    /// The signals that say the original was the site's once and the notice is about a copy of it that
    /// someone else sent (a replay).
    public static let replays: [Signal] = [.messageIDReplayed, .dkimOursReplayed, .messageIDSentLongAgo, .relayIPOursLongAgo]

    /// Whether `name` (an `Evidence.signal`) is one of `replays`. Asked of the evidence of every record
    /// judged backscatter (`ScanSummary`), so by its length (the four names' lengths differ) and its
    /// first and last bytes before the Strings are compared: a comparison of two names of other lengths
    /// is ~100 instructions (four a piece of evidence of every notice were +2.0M on sisimai bsd x3).
    public static func isReplay(_ name: String) -> Bool {
        let replay: Signal, first: UInt8, last: UInt8
        switch name.utf8.count {
        case 19: (replay, first, last) = (.messageIDReplayed, UInt8(ascii: "m"), UInt8(ascii: "d"))
        case 18: (replay, first, last) = (.dkimOursReplayed, UInt8(ascii: "d"), UInt8(ascii: "d"))
        case 24: (replay, first, last) = (.messageIDSentLongAgo, UInt8(ascii: "m"), UInt8(ascii: "o"))
        case 22: (replay, first, last) = (.relayIPOursLongAgo, UInt8(ascii: "r"), UInt8(ascii: "o"))
        default: return false
        }
        return name.utf8.first == first && name.utf8.last == last && name == replay.rawValue
    }

    /// The weight in log-odds (see the type's comment for how it was calibrated).
    public var weight: Double {
        switch self {
        // A relay IP is recorded by the receiving server, not chosen by the sender: strong either way.
        case .relayIPOurs: -4.0
        // A lower Received can be forged by whoever wrote the top of the chain: weaker.
        case .relayIPOursForwarded: -2.0
        // As `message-id-sent-long-ago`, by the relay hop's date, which needs no profile: no real notice
        // comes that late. (A forger who wrote the old hop is no sender of ours either.)
        case .relayIPOursLongAgo: 4.0
        // Naming our relay from a foreign IP is what a forger does (VBounce's blind spot).
        case .relayHeloForged: 4.0
        case .relayIPForeign: 3.0
        // Per spam-shape fact; capped in the classifier at 3 facts.
        case .originalSpamShape: 0.9
        // The sent log is the ground truth of what we sent.
        case .messageIDSent: -6.0
        case .messageIDNotSent: 4.5
        // As `dkim-ours-replayed`, by the sent log's time: no real notice comes that late.
        case .messageIDSentLongAgo: 4.0
        // A format is easy to copy (backscatter-dev: 18 forged ids in our format).
        case .messageIDOurFormat: -1.5
        case .messageIDForeign: 2.5
        case .messageIDMissing: 1.0
        // A verified signature cannot be forged without our private key.
        case .dkimOursValid: -5.0
        case .dkimOursFailed: 4.0
        // A replay keeps the signature valid (the signed fields are copied as they are), so it says the
        // headers were ours once, not that this notice is about our sending; as strong as a failure.
        case .dkimOursReplayed: 4.0
        case .dkimOursUnchecked: -0.5
        // Returned headers may be cut (truncated-legit), so an absent signature is a hint.
        case .dkimOursAbsent: 1.5
        case .dkimForeign: 1.5
        case .batvValid: -5.0
        case .batvInvalid: 5.0
        case .batvExpired: 4.0
        case .batvMissing: 2.5
        // An unexpired tag in our scheme (zero-config: no key): a forger would have to copy it.
        case .batvUnchecked: -1.8
        case .srsValid: -3.0
        case .srsInvalid: 3.0
        case .recipientUnknownHere: 4.0
        // Our users mostly write to one recipient; multi-recipient bounces of ours exist.
        case .severalRecipients: 1.2
        case .recipientWrittenTo: -3.0
        case .recipientNeverWrittenTo: 2.5
        case .envelopeIDOurs: -2.0
        // A forward of ours names its new address, not ours (RFC 3464's Original-Recipient is often
        // missing after a hop): a hint, below what the Message-ID it contradicts weighs.
        case .recipientNotOfMessage: 1.5
        case .originalAfterBounce: 3.0
        case .originalWeeksBefore: 2.0
        case .originalFetchedLate: 0
        case .replyToOurID: -3.0
        case .replyToForeignID: 2.5
        case .replierWrittenTo: -3.0
        case .replierNeverWrittenTo: 2.5
        case .campaignMember: 2.5
        // Only given when most decided messages of the flood are backscatter.
        case .flood: 2.0
        case .randomRecipient: 1.5
        // Given in place of `message-id-sent`, `dkim-ours-valid` and `recipient-not-of-message`, which
        // a replay copies: as strong as `dkim-ours-replayed`.
        case .messageIDReplayed: 4.0
        // Only for undecided notices, and only when 90% of at least 3 judged neighbours are backscatter.
        case .victimUnderAttack: 2.0
        case .noOriginal: 0
        case .nothingKnown: 0
        case .fakeNotice: 0
        }
    }
}
