/// One named signal that moved a score, with a sentence a mail administrator understands.
public struct Evidence: Sendable, Hashable {
    /// A stable kebab-case name (`relay-ip-ours`, `message-id-not-sent`, ...): see `Signal`.
    public var signal: String
    /// Its signed contribution in log-odds: positive toward backscatter, negative toward legitimate,
    /// 0 for a fact that explains but does not move the score.
    public var weight: Double
    /// One plain sentence saying what was seen.
    public var detail: String

    /// A piece of evidence.
    public init(signal: String, weight: Double, detail: String) {
        self.signal = signal
        self.weight = weight
        self.detail = detail
    }

    /// Evidence for a known signal with its calibrated weight (`Signal.weight`).
    public init(_ signal: Signal, _ detail: String) {
        self.init(signal: signal.rawValue, weight: signal.weight, detail: detail)
    }
}
