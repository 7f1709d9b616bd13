import BytePatterns
import MailParsing

/// A site profile made ready for judging many messages: patterns compiled once, sets built once.
/// Built once per scan (cold path); shared by all worker threads.
///
/// A class of constants, so that a `Classifier` is one reference: as a struct of 552 bytes it was copied
/// whole into each function whose closures read it (`evidence`'s readers, `fakeNotice`, the stream
/// pass's own evidence: ~5,200 copies on the sisimai bsd mbox x3, `Main.main` 286.77M -> 286.16M).
/// Nothing in it changes after `init`, so it reads as the struct did.
public final class SiteKnowledge: Sendable {
    /// The profile it was made from.
    public let profile: SiteProfile
    /// Whether the profile was inferred from the stream (zero-config) rather than given.
    public let inferred: Bool
    let messageIDPattern: BytePattern?
    let batv: BATVVerifier?
    let srs: SRSVerifier?
    let relayHosts: Set<String>
    let messageIDDomains: Set<String>
    let dkimDomains: Set<String>
    /// Domains we are known to sign with, without keys (zero-config: seen on our originals).
    let unkeyedDKIMDomains: Set<String>
    /// Whether the site is known to sign with BATV without knowing its key (zero-config).
    let batvSinceUnkeyed: Double?
    let sentSpan: ClosedRange<Double>?
    /// Local parts known to exist (from the profile, or seen receiving ordinary mail when inferred).
    let knownLocalParts: Set<String>
    /// What a victim's absence from `knownLocalParts` weighs as `recipient-unknown-here`: the signal's
    /// own weight unless the local parts are a census of the stream (zero-config), whose completeness
    /// sets it (`InferredProfile.absentMailboxWeight`). Below `minimumAbsenceWeight`, absence tells
    /// nothing: such a mailbox's standing is unknown (`userExists` nil).
    public let absentMailboxWeight: Double
    /// 1.0, a likelihood ratio of e: a census mostly of mailboxes seen once tells less.
    static let minimumAbsenceWeight = 1.0
    /// `knownLocalParts` as bytes, for the test of ASCII local parts (nil when there are many, or one
    /// is not ASCII).
    private let localPartList: ByteNameList?
    /// Each site domain with a dot before it, for the subdomain test (made once, not per call).
    private let dottedDomains: [String]
    /// `relayHosts` and `messageIDDomains` in one Set: a name is ours when it is in either.
    private let otherNames: Set<String>
    /// The site domains and `otherNames` as bytes, for the test of ASCII names (nil when one of them
    /// is not ASCII).
    private let siteNames: SiteNames?
    /// The relay networks of one address each (`/32`, `/128`, as inferred relays are), and the wider
    /// ones: `isRelayAddress` looks an address up among the first and tests it against each of the
    /// others.
    private let relayAddresses: IPAddressList
    private let widerRelayNetworks: [IPNetwork]

    /// Prepares a profile. An invalid Message-ID pattern is ignored (`SiteProfile` validates it on load).
    public init(_ profile: SiteProfile, inferred: Bool = false, unkeyedDKIMDomains: Set<String> = [],
                batvSinceUnkeyed: Double? = nil, knownLocalParts: Set<String> = [],
                absentMailboxWeight: Double = Signal.recipientUnknownHere.weight) {
        self.profile = profile
        self.inferred = inferred
        dottedDomains = profile.site.domains.map { "." + $0 }
        messageIDPattern = profile.messageID.pattern.flatMap { try? BytePattern($0) }
        batv = profile.batv.flatMap { $0.keys.isEmpty ? nil : BATVVerifier($0) }
        srs = profile.srs.flatMap { $0.secrets.isEmpty ? nil : SRSVerifier($0) }
        relayHosts = Set(profile.relays.hosts.map { $0.lowercased() })
        messageIDDomains = Set(profile.messageID.domains.map { $0.lowercased() })
        dkimDomains = Set(profile.dkim.map(\.domain))
        self.unkeyedDKIMDomains = unkeyedDKIMDomains
        self.batvSinceUnkeyed = batvSinceUnkeyed
        sentSpan = profile.sentLog?.span
        self.knownLocalParts = knownLocalParts
        self.absentMailboxWeight = absentMailboxWeight
        localPartList = ByteNameList(knownLocalParts)
        otherNames = relayHosts.union(messageIDDomains)
        siteNames = SiteNames(siteDomains: profile.site.domains, otherNames: otherNames)
        // A network as long as its addresses holds one address: in it exactly when equal to its base.
        let networks = profile.relays.networks.networks
        relayAddresses = IPAddressList(networks.filter { $0.prefixLength >= ($0.base.family == .v4 ? 32 : 128) }.map(\.base))
        widerRelayNetworks = networks.filter { $0.prefixLength < ($0.base.family == .v4 ? 32 : 128) }
    }

    /// Whether `address` lies in one of the relay networks (`profile.relays.networks.contains`): one
    /// lookup for the single addresses (a search by halves, `IPAddressList`), where each network was
    /// tested in turn (sisimai bsd x3, zero-config: 18 relays, 17,238 tests of 981 hops' addresses,
    /// ~36 instructions a test).
    func isRelayAddress(_ address: IPAddress) -> Bool {
        (!relayAddresses.isEmpty && relayAddresses.contains(address)) || widerRelayNetworks.contains { $0.contains(address) }
    }

    /// Whether `domain` is one of ours: a site domain or a subdomain of one, a relay host, a Message-ID
    /// domain (any case).
    ///
    /// An ASCII name is tested on its bytes in place (`SiteNames`): lower-casing it, comparing it with
    /// each domain as Strings and hashing it twice cost ~1,000 instructions a call, 8.3M of sisimai bsd
    /// x3 (zero-config) over 8,259 calls.
    func isOurDomain(_ domain: String) -> Bool {
        switch domain.utf8.withContiguousStorageIfAvailable({ siteNames?.answer($0) }) ?? nil {
        case .ours: return true
        case .notOurs: return false
        case .askOtherNames: return otherNames.contains(domain.lowercasedIfNeeded())
        case .unanswered, nil: return isOurDomainByStrings(domain)
        }
    }

    /// `isOurDomain` by Strings: the definition, and the test of names that are not ASCII.
    func isOurDomainByStrings(_ domain: String) -> Bool {
        let d = domain.lowercasedIfNeeded()
        for (own, dotted) in zip(profile.site.domains, dottedDomains) where d == own || d.hasSuffix(dotted) { return true }
        return relayHosts.contains(d) || messageIDDomains.contains(d)
    }

    /// Whether an address belongs to one of our domains (the part after its last `@`).
    func isOurAddress(_ address: String) -> Bool {
        // The domain read where it is (a String made of it cost ~300 instructions more).
        switch answerAfterLastAt(address) {
        case .ours: return true
        case .notOurs: return false
        case .askOtherNames, .unanswered, nil: return isOurAddressByStrings(address)
        }
    }

    /// What `siteNames` says of the text after the last `@` of `text`, read in place: `.notOurs` without
    /// an `@`; nil when the text is not contiguous UTF-8 or there are no site names.
    private func answerAfterLastAt(_ text: String) -> SiteNames.Answer? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> SiteNames.Answer? in
            guard let at = ASCIIText.lastOffset(of: ASCII.at, in: bytes) else { return .notOurs }
            return siteNames?.answer(UnsafeBufferPointer(rebasing: bytes[(at + 1)...]))
        } ?? nil
    }

    /// `isOurAddress` by Strings: the definition, and the test of addresses that are not ASCII.
    func isOurAddressByStrings(_ address: String) -> Bool {
        guard let domain = address.after(lastASCII: ASCII.at) else { return false }
        return isOurDomain(String(domain))
    }

    /// Whether a host name is one of our relays (named in the profile, or under a site domain).
    func isOurHost(_ name: String) -> Bool {
        // With the byte table (`siteNames`: every relay host ASCII) `isOurDomain` alone answers: a relay
        // host, lower case as `relayHosts` holds it, is one of its other names (the Set asked first hashed
        // nearly every name for nothing: sisimai bsd x3, `addPathEvidence` 2.41M -> 2.10M over 582 names).
        (siteNames == nil && relayHosts.contains(name)) || isOurDomain(name)
    }

    /// Whether the local part of `address` exists here: true, false, or nil when unknown.
    func userExists(_ address: String) -> Bool? {
        guard isOurAddress(address) else { return nil }
        return userExists(ourAddress: address)
    }

    /// `userExists` of a notice's victim, or nil without one, as one value: asked once a message by the
    /// stream pass for both its readers, the message's own evidence (`Classifier.addRecipientEvidence`)
    /// and the made-up-recipient test (`StreamJudge.judge`), which each asked it (sisimai bsd mbox x3:
    /// ~1,000 instructions a message, 1,695 messages).
    func standing(ofVictim victim: String?) -> VictimStanding {
        guard let victim, isOurAddress(victim) else { return .notOurs }
        switch userExists(ourAddress: victim) {
        case .some(true): return .exists
        case .some(false): return .doesNotExist
        case .none: return .unknown
        }
    }

    /// `userExists` of an address `isOurAddress` has accepted (for callers that asked that first): the
    /// profile's users, else `knownLocalParts` (a local part not among them: false, or nil when its
    /// absence tells nothing, `absentMailboxWeight`).
    func userExists(ourAddress address: String) -> Bool? {
        if let known = profile.knowsUser(address) { return known }
        guard !knownLocalParts.isEmpty else { return nil }
        // The local part read from the address's bytes in place (the index, the Substring and the String
        // made of it cost ~230 instructions more a victim: sisimai bsd x3, 1,281 victims,
        // `standing(ofVictim:)` 2.28M -> 1.98M), and an ASCII one compared as bytes with a few known
        // ones (`localPartList`; the String made of it and hashed for the Set cost ~360 instructions
        // more: `userExists(ourAddress:)` 1.07M -> 0.60M).
        var address = address
        return address.withUTF8 { bytes -> Bool? in
            guard let at = ASCIIText.lastOffset(of: ASCII.at, in: bytes) else { return nil }
            let local = UnsafeBufferPointer(rebasing: bytes[..<at])
            let known = localPartList?.contains(local)
                // A String's valid UTF-8 cut before an ASCII "@": valid, made a String unchecked.
                ?? knownLocalParts.contains(UncheckedUTF8.string(local, isASCII: false))
            return known || absentMailboxWeight >= Self.minimumAbsenceWeight ? known : nil
        }
    }

    /// Whether a Message-ID (without brackets) has our format: the pattern when given, else our domains.
    func hasOurFormat(_ id: String) -> Bool? {
        var id = id
        return id.withUTF8 { hasOurFormat(idBytes: $0) }
    }

    /// `hasOurFormat` of the id `text` holds as `OriginalFacts.messageIDText` does (`bracketed`: the `<id>`
    /// String), read where it lies.
    func hasOurFormat(idText text: String, bracketed: Bool) -> Bool? {
        // (Opened with `withUTF8` of a copy, ~50 instructions an id more.)
        let answer = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            // The brackets `parseBracketed` writes are ASCII: the id is the bytes between.
            guard bracketed else { return hasOurFormat(idBytes: bytes) }
            guard bytes.count >= 2, bytes[0] < 0x80, bytes[bytes.count - 1] < 0x80 else {
                return hasOurFormat(ObservationReader.withoutBrackets(text))
            }
            return hasOurFormat(idBytes: UnsafeBufferPointer(rebasing: bytes[1..<(bytes.count - 1)]))
        }
        if let answer { return answer }
        return hasOurFormat(bracketed ? ObservationReader.withoutBrackets(text) : text)
    }

    /// `hasOurFormat` of an id's UTF-8 bytes, read where they lie (`OriginalFacts.withMessageIDBytes`): a
    /// String made of them only for the String test.
    func hasOurFormat(idBytes bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        if let pattern = messageIDPattern { return pattern.firstMatch(in: UnsafeRawBufferPointer(bytes)) != nil }
        if messageIDDomains.isEmpty && profile.site.domains.isEmpty { return nil }
        // An ASCII domain tested where it is: `isOurDomain` of it (whose names include the Message-ID
        // domains) is the answer.
        let answer: SiteNames.Answer?
        if let at = ASCIIText.lastOffset(of: ASCII.at, in: bytes) {
            answer = siteNames?.answer(UnsafeBufferPointer(rebasing: bytes[(at + 1)...]))
        } else {
            answer = .notOurs
        }
        switch answer {
        case .ours: return true
        case .notOurs: return false
        case .askOtherNames, .unanswered, nil: return hasOurFormatByStrings(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// `hasOurFormat` by Strings, without a pattern: the definition, and the test of other ids.
    func hasOurFormatByStrings(_ id: String) -> Bool? {
        guard let at = id.lastIndex(ofASCII: UInt8(ascii: "@")) else { return messageIDDomains.isEmpty && profile.site.domains.isEmpty ? nil : false }
        let domain = String(id[id.utf8.index(after: at)...]).lowercasedIfNeeded()
        if messageIDDomains.isEmpty && profile.site.domains.isEmpty { return nil }
        return messageIDDomains.contains(domain) || isOurDomain(domain)
    }

    /// Whether the sent log names recipients, so that an address it does not name is telling.
    var knowsSentRecipients: Bool { profile.sentLog?.hasRecipients ?? false }

    /// Whether the sent log says we wrote to `address` (lower case).
    func wroteTo(_ address: String) -> Bool { profile.sentLog?.wasSent(to: address) ?? false }

    /// Whether we are known to sign with DKIM (keys in the profile, or seen on our originals).
    var signsDKIM: Bool { !dkimDomains.isEmpty || !unkeyedDKIMDomains.isEmpty }
}

/// What the site knows of a notice's victim (`SiteKnowledge.standing(ofVictim:)`): `userExists` of it,
/// with its nil split in two: not one of our addresses (or no victim), and ours but not known.
enum VictimStanding: UInt8, Sendable {
    /// No victim, or not an address of ours (`isOurAddress` false).
    case notOurs
    /// Ours, and the mailbox exists (`userExists` true).
    case exists
    /// Ours, and the mailbox does not exist (`userExists` false).
    case doesNotExist
    /// Ours, and whether the mailbox exists is not known (`userExists` nil).
    case unknown
}
