/// The classifier's judgement of one message. Raw values are the names used in output (issue 4).
public enum Verdict: String, Sendable, Hashable, CaseIterable, Codable {
    /// The site never sent the message the notice is about: a spammer forged the site's address.
    case backscatter
    /// The site really sent the message the notice is about.
    case legitimate
    /// The evidence does not decide either way.
    case uncertain
    /// Not a notice about another message.
    case notBounce = "not-bounce"
}

/// What the classifier says about one message: verdict, score and the evidence behind them.
/// Optional fields spelled `Optional<T>`, set once in place (see `ScanRecord`).
public struct Judgement: Sendable, Hashable {
    /// The verdict the profile's thresholds give for `score`.
    public var verdict: Verdict
    /// 0 surely legitimate ... 1 surely backscatter; nil for a non-bounce.
    public var score: Optional<Double>
    /// Every piece of evidence, strongest first (by absolute weight).
    public var evidence: [Evidence]
    /// The campaign the message belongs to (an id from `StreamFindings.campaigns`), or nil.
    public var campaign: Optional<String>

    /// A judgement.
    public init(verdict: Verdict, score: Double?, evidence: [Evidence], campaign: String? = nil) {
        self.verdict = verdict
        self.score = score
        self.evidence = evidence
        self.campaign = campaign
    }

    /// The judgement of a message that is not a bounce.
    public static let notBounce = Judgement(verdict: .notBounce, score: nil, evidence: [])
}
