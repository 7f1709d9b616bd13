import BytePatterns

/// What the classifier knows about the site it protects, read from a TOML profile (see the README, "The site profile").
///
/// Every section is optional: an empty profile is valid and means "infer what you can".
public struct SiteProfile: Sendable, Hashable {
    /// `[site]`: the site's mail domains and valid users.
    public struct Site: Sendable, Hashable {
        /// The site's mail domains, lower case.
        public var domains: [String] = []
        /// Valid users as written in the profile: local parts (valid at every domain) or full addresses.
        public var users: [String] = []
        /// `users_file` as written: a file with one user per line, like `users`.
        public var usersFile: String?
        /// The users read from `usersFile`.
        public var fileUsers: [String] = []

        /// An empty section.
        public init() {}
    }

    /// `[relays]`: the site's outbound MTAs.
    public struct Relays: Sendable, Hashable {
        /// Host names of the outbound relays, lower case.
        public var hosts: [String] = []
        /// Networks the outbound relays send from.
        public var networks = NetworkSet()

        /// An empty section.
        public init() {}
    }

    /// `[message_id]`: what the site's Message-IDs look like.
    public struct MessageIDFormat: Sendable, Hashable {
        /// Domains (right-hand sides) of the site's Message-IDs, lower case.
        public var domains: [String] = []
        /// A PCRE2 pattern matched against a Message-ID without its angle brackets; compiled when set
        /// (a pattern that does not compile leaves `compiledPattern` nil; `SiteProfile.load` reports it).
        public var pattern: String? {
            didSet { compiledPattern = pattern.flatMap { try? BytePattern($0) } }
        }
        /// `pattern`, compiled once.
        package private(set) var compiledPattern: BytePattern?

        /// An empty section.
        public init() {}

        /// Whether `messageID` (angle brackets optional) matches `pattern`; nil when there is no usable pattern.
        public func matchesPattern(_ messageID: some StringProtocol) -> Bool? {
            guard let compiledPattern else { return nil }
            return compiledPattern.hasMatch(in: SentLog.stripBrackets(messageID))
        }

        /// Whether the right-hand side of `messageID` is one of `domains` (ASCII case ignored); nil when no
        /// domains are given.
        public func hasSiteDomain(_ messageID: some StringProtocol) -> Bool? {
            guard !domains.isEmpty else { return nil }
            let id = SentLog.stripBrackets(messageID)
            guard let at = id.lastIndex(ofASCII: UInt8(ascii: "@")) else { return false }
            return domains.contains(id[id.index(after: at)...].lowercased())
        }

        /// Formats are equal when their domains and pattern text are (the compiled pattern is not compared).
        public static func == (lhs: MessageIDFormat, rhs: MessageIDFormat) -> Bool {
            lhs.domains == rhs.domains && lhs.pattern == rhs.pattern
        }

        /// Hashes what `==` compares.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(domains)
            hasher.combine(pattern)
        }
    }

    /// `[batv]`: the site's BATV signing (prvs, draft-levine-smtp-batv-01).
    public struct BATV: Sendable, Hashable {
        /// Secrets by key number (the tag's one-digit K).
        public var keys: [Int: [UInt8]] = [:]
        /// Days a tag stays valid after it was made. Default: 7.
        public var validDays = 7
        /// When signing began (seconds since 1970 UTC): a bounce of mail sent before has no tag.
        public var since: Double?
        /// `since` as written.
        public var sinceText: String?

        /// An empty section.
        public init() {}
    }

    /// `[srs]`: the site's SRS secrets (when it forwards with postsrsd or alike).
    public struct SRS: Sendable, Hashable {
        /// The secrets; the first signs, all verify.
        public var secrets: [String] = []

        /// An empty section.
        public init() {}
    }

    /// `[thresholds]`: scores at or above `backscatter` are backscatter, at or below `legitimate` legitimate.
    public struct Thresholds: Sendable, Hashable {
        /// Default: 0.8.
        public var backscatter = 0.8
        /// Default: 0.2.
        public var legitimate = 0.2

        /// The defaults.
        public init() {}
    }

    /// `[site]`.
    public var site = Site() { didSet { userIndex = UserIndex(site) } }
    /// `site.users` and `site.fileUsers`, indexed for `knowsUser(_:)`.
    private var userIndex = UserIndex(Site())
    /// `[relays]`.
    public var relays = Relays()
    /// `[message_id]`.
    public var messageID = MessageIDFormat()
    /// `[[dkim]]`: the site's DKIM keys.
    public var dkim: [DKIMKey] = []
    /// `[batv]`, nil when the site does not sign with BATV.
    public var batv: BATV?
    /// `[srs]`, nil when absent.
    public var srs: SRS?
    /// `[sent_log]`, nil when absent.
    public var sentLog: SentLog?
    /// `[thresholds]`.
    public var thresholds = Thresholds()
    /// Unknown keys and suspicious values found while loading (not compared by `==`).
    public var warnings: [ProfileWarning] = []

    /// An empty profile: no section given.
    public init() {}

    /// Whether `domain` is one of the site's mail domains (ASCII case and a trailing dot ignored).
    public func isSiteDomain(_ domain: some StringProtocol) -> Bool {
        var d = domain.lowercased()
        if d.hasSuffix(".") { d.removeLast() }
        return site.domains.contains(d)
    }

    /// Whether `address` (`local@domain`) is a known user, or nil when the profile lists no users.
    ///
    /// A user written as a bare local part is valid at every site domain. Local parts are compared
    /// ignoring ASCII case, as nearly every MTA does (RFC 5321 §2.4 allows, but hardly anyone uses, case).
    ///
    /// A `+detail` sub-address (RFC 5233) belongs to its user: `alice+news@` is known when `alice@` is.
    public func knowsUser(_ address: some StringProtocol) -> Bool? {
        guard !userIndex.isEmpty else { return nil }
        if knowsExactly(address.lowercased()) { return true }
        let lower = address.lowercased()
        if let plus = lower.firstIndex(ofASCII: UInt8(ascii: "+")), let at = lower.lastIndex(ofASCII: UInt8(ascii: "@")), plus < at {
            return knowsExactly(String(lower[..<plus] + lower[at...]))
        }
        return false
    }

    private func knowsExactly(_ lower: String) -> Bool {
        guard let at = lower.lastIndex(ofASCII: UInt8(ascii: "@")) else { return userIndex.localParts.contains(lower) }
        let local = String(lower[..<at])
        return userIndex.addresses.contains(lower) || (isSiteDomain(lower[lower.utf8.index(after: at)...])
            && userIndex.localParts.contains(local))
    }

    private struct UserIndex: Sendable, Hashable {
        var addresses = Set<String>()
        var localParts = Set<String>()
        var isEmpty: Bool { addresses.isEmpty && localParts.isEmpty }

        init(_ site: Site) {
            // Gathered first and made sets at once (inserted one by one, each set grew and rehashed a
            // dozen times for a users_file of 500,000).
            var addressList: [String] = [], localPartList: [String] = []
            for list in [site.users, site.fileUsers] {
                for user in list {
                    let u = user.lowercasedIfNeeded()
                    // An ASCII name's "@" is a byte of it; any other is asked by Characters, as before.
                    let isAddress = u.utf8.allSatisfy { $0 < 0x80 } ? u.utf8.contains(UInt8(ascii: "@")) : u.contains("@")
                    if isAddress { addressList.append(u) } else { localPartList.append(u) }
                }
            }
            addresses = Set(addressList)
            localParts = Set(localPartList)
        }
    }

    /// Profiles are equal when their settings are; warnings are not compared.
    public static func == (lhs: SiteProfile, rhs: SiteProfile) -> Bool {
        lhs.site == rhs.site && lhs.relays == rhs.relays && lhs.messageID == rhs.messageID && lhs.dkim == rhs.dkim
            && lhs.batv == rhs.batv && lhs.srs == rhs.srs && lhs.sentLog == rhs.sentLog
            && lhs.thresholds == rhs.thresholds
    }

    /// Hashes what `==` compares (warnings left out).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(site)
        hasher.combine(relays)
        hasher.combine(messageID)
        hasher.combine(dkim)
        hasher.combine(batv)
        hasher.combine(srs)
        hasher.combine(sentLog)
        hasher.combine(thresholds)
    }
}
