import BytePatterns
import MailParsing

/// A site profile made ready for judging many messages: patterns compiled once, sets built once.
/// Built once per scan (cold path); shared by all worker threads.
public struct SiteKnowledge: Sendable {
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
    /// Each site domain with a dot before it, for the subdomain test (made once, not per call).
    private let dottedDomains: [String]

    /// Prepares a profile. An invalid Message-ID pattern is ignored (`SiteProfile` validates it on load).
    public init(_ profile: SiteProfile, inferred: Bool = false, unkeyedDKIMDomains: Set<String> = [],
                batvSinceUnkeyed: Double? = nil, knownLocalParts: Set<String> = []) {
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
    }

    /// Whether `domain` is one of ours: a site domain or a subdomain of one.
    func isOurDomain(_ domain: String) -> Bool {
        let d = domain.lowercasedIfNeeded()
        for (own, dotted) in zip(profile.site.domains, dottedDomains) where d == own || d.hasSuffix(dotted) { return true }
        return relayHosts.contains(d) || messageIDDomains.contains(d)
    }

    /// Whether an address belongs to one of our domains.
    func isOurAddress(_ address: String) -> Bool {
        guard let domain = address.after(lastASCII: ASCII.at) else { return false }
        return isOurDomain(String(domain))
    }

    /// Whether a host name is one of our relays (named in the profile, or under a site domain).
    func isOurHost(_ name: String) -> Bool {
        relayHosts.contains(name) || isOurDomain(name)
    }

    /// Whether the local part of `address` exists here: true, false, or nil when unknown.
    func userExists(_ address: String) -> Bool? {
        guard isOurAddress(address) else { return nil }
        if let known = profile.knowsUser(address) { return known }
        guard !knownLocalParts.isEmpty, let at = address.lastIndex(ofASCII: UInt8(ascii: "@")) else { return nil }
        return knownLocalParts.contains(String(address[..<at]))
    }

    /// Whether a Message-ID (without brackets) has our format: the pattern when given, else our domains.
    func hasOurFormat(_ id: String) -> Bool? {
        if let pattern = messageIDPattern { return pattern.hasMatch(in: id) }
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
