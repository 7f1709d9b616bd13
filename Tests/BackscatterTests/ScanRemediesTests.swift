@testable import Backscatter
import Testing
import TestSupport

/// `ScanSummary.remedies`: what the reports' "What to do" says, from what the scan found.
struct ScanRemediesTests {
    @Test func noBackscatterNoRemedies() {
        var summary = ScanSummary()
        summary.verdicts = [.legitimate: 4, .uncertain: 1]
        summary.signsBATV = false
        #expect(summary.remedies.isEmpty)
    }

    /// BATV advice by whether the site signs; reflectors and a flood each add their paragraph.
    @Test func remediesFollowTheFindings() {
        var summary = ScanSummary()
        summary.verdicts = [.backscatter: 3]
        summary.signsBATV = false
        #expect(summary.remedies.count == 2)
        #expect(summary.remedies.first?.hasPrefix("3 notices were backscatter. Sign your envelope senders with BATV") == true)
        #expect(summary.remedies.last?.hasPrefix("Publish an SPF record ending in -all") == true)
        summary.signsBATV = true
        #expect(summary.remedies.first?.contains("carry BATV tags: refuse null-sender mail") == true)
        summary.reflectors = [.init(host: "mx.reflector.example", address: "192.0.2.9", messages: 2),
                              .init(host: "mx2.reflector.example", address: nil, messages: 1)]
        summary.floods = [.init(victim: "alice@example.org", start: 0, end: 1_800, messages: 12, windowSeconds: 3_600,
                                ratePerHour: 12, rule: "at least 10 bounces within 60 minutes")]
        let remedies = summary.remedies
        #expect(remedies.count == 4)
        #expect(remedies[2].hasPrefix("2 servers accepted the forged mail and then sent you a notice about it (mx.reflector.example sent the most: 2)"))
        #expect(remedies[3].hasPrefix("alice@example.org got 12 bounces within 60 minutes."))
        // Reflectors that sent one notice each: none is named as the busiest.
        summary.reflectors[0].messages = 1
        #expect(summary.remedies[2].hasPrefix("2 servers accepted the forged mail and then sent you a notice about it (one each)."))
    }

    /// Backscatter that returns a replayed signature of ours adds the replay's remedy, second; the
    /// count comes from the records' evidence (`dkim-ours-replayed`, on notices judged backscatter).
    @Test func replayedSignaturesAddTheirRemedy() throws {
        let profile = try SiteProfile.load(path: Corpus.fixture("classifier/signals-profile.toml"))
        var records: [ScanRecord] = []
        let summary = Scan(paths: [Corpus.fixture("classifier/signals/dkim-ours-replayed.eml"),
                                   Corpus.fixture("classifier/signals/dkim-ours-valid.eml")], options: ScanOptions(jobs: 1))
            .run(stage: ClassifierStage(profile: profile)) { records.append($0) }
        #expect(records.map(\.verdict) == [.backscatter, .legitimate])
        #expect(summary.replayedSignatures == 1)
        #expect(summary.remedies.count == 4, "\(summary.remedies)")   // BATV, the replay, SPF, the reflector
        #expect(summary.remedies[1].hasPrefix("1 of them returns a message of yours whose DKIM signature still verifies"))
        var none = ScanSummary()
        none.verdicts = [.backscatter: 2]
        #expect(!none.remedies.contains { $0.contains("a replay") })
    }

    /// The classifier stage says whether the site signs with BATV: from the profile's `[batv]`.
    @Test func theStageSaysWhetherTheSiteSignsWithBATV() throws {
        let withBATV = try SiteProfile.load(path: Corpus.fixture("classifier/signals-profile.toml"))
        var without = withBATV
        without.batv = nil
        for (profile, signs) in [(withBATV, true), (without, false)] {
            let summary = Scan(paths: [Corpus.fixture("example/inbox.mbox")], options: ScanOptions(jobs: 1))
                .run(stage: ClassifierStage(profile: profile)) { _ in }
            #expect(summary.signsBATV == signs)
        }
    }
}
