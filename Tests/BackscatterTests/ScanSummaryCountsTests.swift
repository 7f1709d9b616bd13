import Backscatter
import Testing

/// `ScanSummary.verdicts` and `kinds`, counted in a slot per case: every case set and read back, a case
/// never counted absent, and `foundBackscatter` from the same count.
struct ScanSummaryCountsTests {
    @Test func everyCaseSetAndReadBack() {
        var summary = ScanSummary()
        #expect(summary.verdicts.isEmpty)
        #expect(summary.kinds.isEmpty)
        #expect(!summary.foundBackscatter)
        var verdicts: [ScanRecord.Verdict: Int] = [:]
        for (i, verdict) in ScanRecord.Verdict.allCases.enumerated() { verdicts[verdict] = i + 1 }
        var kinds: [ScanRecord.Kind: Int] = [:]
        for (i, kind) in ScanRecord.Kind.allCases.enumerated() { kinds[kind] = 10 * (i + 1) }
        summary.verdicts = verdicts
        summary.kinds = kinds
        #expect(summary.verdicts == verdicts)
        #expect(summary.kinds == kinds)
        #expect(summary.foundBackscatter)
    }

    @Test func uncountedCasesAreAbsent() {
        var summary = ScanSummary()
        summary.verdicts = [.uncertain: 2]
        summary.kinds = [.bounce: 3, .feedbackReport: 1]
        #expect(summary.verdicts == [.uncertain: 2])
        #expect(summary.kinds == [.bounce: 3, .feedbackReport: 1])
        #expect(!summary.foundBackscatter)
        summary.verdicts[.backscatter, default: 0] += 1
        #expect(summary.verdicts == [.uncertain: 2, .backscatter: 1])
        #expect(summary.foundBackscatter)
    }
}
