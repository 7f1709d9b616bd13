/// The classifier as a `ScanStage`: reads each message's note on the worker threads (observation,
/// DKIM check), then in the stream pass infers a profile when none is given, judges every message with
/// the stream findings, and writes verdict, score, evidence and campaign into the records.
///
/// Records are revised (`revisesRecords`), because zero-config can only judge after the whole stream is
/// seen and stream findings (campaigns, floods) become evidence on the messages they cover.
///
/// Memory: the notes and records wait in the scan's `SpillStore`s (see `ScanStage`); the stream pass
/// reads the notes back one to six times and keeps only a `StreamJudge` (32 bytes per bounce-like
/// message and maps capped at `StreamClassifier.maxGroups` keys), and each message is judged in
/// `revise`, as its record and note are read back for delivery.
public struct ClassifierStage: ScanStage {
    /// The given profile, or nil for zero-config.
    public let profile: SiteProfile?
    private let reader: ObservationReader

    /// A stage with a given profile, or nil to infer one from the stream.
    public init(profile: SiteProfile?) {
        self.profile = profile
        reader = ObservationReader(dkimKeys: profile?.dkim ?? [], keepsInferenceFacts: profile == nil,
                                   keepsRecipients: profile?.sentLog?.hasRecipients ?? false, readsOnlyJudgedFacts: true)
    }

    /// What the stream pass found.
    public struct Findings: Sendable {
        /// Judges each message in `revise`; floods, campaigns, and the reflectors and made-up
        /// recipients of the messages revised so far.
        public var judge: StreamJudge
        /// The inferred profile, when none was given.
        public var inferred: InferredProfile?
    }

    /// Always true: judgements are made in the stream pass.
    public var revisesRecords: Bool { true }

    /// Reads the message's note; the verdict comes in `revise`.
    public func examine(_ message: ExaminedMessage, into record: inout ScanRecord) -> ClassifierNote {
        ClassifierNote.read(message.parsed, report: message.bounce, reader: reader, known: message.originalValues,
                            shapedNoticeFrom: message.shapedNoticeFrom, noticeFirstTo: message.noticeFirstTo)
    }

    /// Infers (when needed), judges and finds.
    public func finish(notes: some Sequence<ClassifierNote>) -> Findings {
        let pass = StreamClassifier(profile: profile, notes: notes)
        return Findings(judge: pass.prepare(notes), inferred: pass.inferred)
    }

    /// Judges the message and writes the judgement into its record.
    public func revise(_ record: inout ScanRecord, note: ClassifierNote, findings: inout Findings) {
        let j = findings.judge.judge(note, at: record.sequence)
        record.verdict = j.verdict
        record.score = j.score
        record.evidence = j.evidence
        record.campaign = j.campaign
    }

    /// Copies floods, campaigns, replays, reflectors, the inferred profile and whether the site signs with BATV
    /// into the summary.
    public func summarize(_ findings: Findings, into summary: inout ScanSummary) {
        let stream = findings.judge.findings
        summary.floods = stream.floods
        summary.campaigns = stream.campaigns
        summary.replays = stream.replays
        summary.reflectors = stream.reflectors
        summary.inferredProfile = findings.inferred?.facts ?? []
        summary.signsBATV = (profile?.batv ?? findings.inferred?.profile.batv) != nil
    }
}
