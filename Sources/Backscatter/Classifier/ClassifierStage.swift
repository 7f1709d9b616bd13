/// The classifier as a `ScanStage`: reads each message's note on the worker threads (observation,
/// DKIM check), then in the stream pass infers a profile when none is given, judges every message with
/// the stream findings, and writes verdict, score, evidence and campaign into the records.
///
/// Records are revised (`revisesRecords`), because zero-config can only judge after the whole stream is
/// seen and stream findings (campaigns, floods) become evidence on the messages they cover.
public struct ClassifierStage: ScanStage {
    /// The given profile, or nil for zero-config.
    public let profile: SiteProfile?
    private let reader: ObservationReader

    /// A stage with a given profile, or nil to infer one from the stream.
    public init(profile: SiteProfile?) {
        self.profile = profile
        reader = ObservationReader(dkimKeys: profile?.dkim ?? [])
    }

    /// What the stream pass found.
    public struct Findings: Sendable {
        /// One judgement per message, by `ScanRecord.sequence`.
        public var judgements: [Judgement]
        /// Floods, campaigns, reflectors, made-up recipients.
        public var stream: StreamFindings
        /// The inferred profile, when none was given.
        public var inferred: InferredProfile?
    }

    /// Always true: judgements are made in the stream pass.
    public var revisesRecords: Bool { true }

    /// Reads the message's note; the verdict comes in `revise`.
    public func examine(_ message: ExaminedMessage, into record: inout ScanRecord) -> ClassifierNote {
        ClassifierNote.read(message.parsed, report: message.bounce, reader: reader)
    }

    /// Infers (when needed), judges and finds.
    public func finish(notes: [ClassifierNote]) -> Findings {
        let pass = StreamClassifier(profile: profile, notes: notes)
        let result = pass.run(notes)
        return Findings(judgements: result.judgements, stream: result.findings, inferred: pass.inferred)
    }

    /// Writes the message's judgement into its record.
    public func revise(_ record: inout ScanRecord, findings: Findings) {
        guard record.sequence >= 0, record.sequence < findings.judgements.count else { return }
        let j = findings.judgements[record.sequence]
        record.verdict = j.verdict
        record.score = j.score
        record.evidence = j.evidence
        record.campaign = j.campaign
    }

    /// Copies floods, campaigns, reflectors and the inferred profile into the summary.
    public func summarize(_ findings: Findings, into summary: inout ScanSummary) {
        summary.floods = findings.stream.floods.map {
            ScanSummary.Flood(victim: $0.victim, start: $0.start, end: $0.end, messages: $0.messages, rule: $0.rule)
        }
        summary.campaigns = findings.stream.campaigns.map {
            ScanSummary.Campaign(id: $0.id, subject: $0.subject, messages: $0.messages, first: $0.first, last: $0.last,
                                 victims: $0.victims, reflectors: $0.reflectors)
        }
        summary.reflectors = findings.stream.reflectors.map {
            ScanSummary.Reflector(host: $0.host, address: $0.address, messages: $0.messages)
        }
        summary.inferredProfile = findings.inferred?.facts ?? []
    }
}
