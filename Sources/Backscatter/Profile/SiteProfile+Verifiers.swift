extension SiteProfile {
    /// A BATV verifier with the profile's keys, or nil when the profile has no `[batv]` section.
    public var batvVerifier: BATVVerifier? { batv.map(BATVVerifier.init) }

    /// An SRS verifier with the profile's secrets, or nil when the profile has no `[srs]` secrets.
    public var srsVerifier: SRSVerifier? {
        guard let srs, !srs.secrets.isEmpty else { return nil }
        return SRSVerifier(srs)
    }

    /// A DKIM verifier with the profile's keys, or nil when the profile lists none.
    public var dkimVerifier: DKIMVerifier? { dkim.isEmpty ? nil : DKIMVerifier(keys: dkim) }

    /// Whether BATV signing was on at `time` (seconds since 1970 UTC): the profile has keys, and `since`
    /// is unset or not after `time`. Mail sent before then carries no tag, so a bounce of it cannot either.
    public func batvSigningWasOn(at time: Double) -> Bool {
        guard let batv, !batv.keys.isEmpty else { return false }
        return batv.since.map { $0 <= time } ?? true
    }
}
