/// The stage of `backscatter profile infer`: reads each message's classifier note and, in the stream
/// pass, infers the site profile from all of them (`ProfileInference`, which reads the held notes a few
/// times over). Records are not judged.
public struct InferenceStage: ScanStage {
    private let reader = ObservationReader()

    /// A stage that infers a profile.
    public init() {}

    /// Records are never revised.
    public var revisesRecords: Bool { false }

    /// Reads the message's note.
    public func examine(_ message: ExaminedMessage, into record: inout ScanRecord) -> ClassifierNote {
        ClassifierNote.read(message.parsed, report: message.bounce, reader: reader, known: message.originalValues,
                            shapedNoticeFrom: message.shapedNoticeFrom, noticeFirstTo: message.noticeFirstTo)
    }

    /// Infers the profile.
    public func finish(notes: some Sequence<ClassifierNote>) -> InferredProfile { ProfileInference.infer(notes) }

    /// Changes nothing.
    public func revise(_ record: inout ScanRecord, note: ClassifierNote, findings: inout InferredProfile) {}

    /// Puts the inferred facts and the profile as TOML into the summary.
    public func summarize(_ findings: InferredProfile, into summary: inout ScanSummary) {
        summary.inferredProfile = findings.facts
        summary.inferredProfileTOML = findings.profile.tomlText()
    }
}
