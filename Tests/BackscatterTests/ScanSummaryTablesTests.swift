import Backscatter
import Testing
import TestSupport

/// `ScanOptions.summaryTables`: off, the summary's tables stay empty and nothing else changes.
struct ScanSummaryTablesTests {
    static func summary(tables: Bool) -> ScanSummary {
        var options = ScanOptions(jobs: 1)
        options.summaryTables = tables
        return Scan(paths: [Corpus.fixture("example/inbox.mbox")], options: options)
            .run(stage: ClassifierStage(profile: nil)) { _ in }
    }

    @Test func tablesOffLeavesThemEmptyAndTheTotalsAlone() {
        let full = Self.summary(tables: true)
        let totals = Self.summary(tables: false)
        // The example inbox has failed recipients, dated bounces to victims and backscatter.
        #expect(!full.reasons.isEmpty)
        #expect(!full.victims.isEmpty)
        #expect(!full.hourly.isEmpty)
        #expect(!full.reportedReflectors.isEmpty)
        #expect(totals.reasons.isEmpty)
        #expect(totals.victims.isEmpty)
        #expect(totals.hourly.isEmpty)
        #expect(totals.undated == 0)
        #expect(totals.messages == full.messages)
        #expect(totals.bytes == full.bytes)
        #expect(totals.verdicts == full.verdicts)
        #expect(totals.kinds == full.kinds)
        #expect(totals.floods == full.floods)
        #expect(totals.campaigns == full.campaigns)
        #expect(totals.foundBackscatter == full.foundBackscatter)
    }
}
