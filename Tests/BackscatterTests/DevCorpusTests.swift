import Backscatter
import Testing
import TestSupport

/// The issue-4 targets on the labelled backscatter-dev inbox: the same measurement as
/// `backscatter-harness dev`. Skips visibly without the corpus.
struct DevCorpusTests {
    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()))
    func targetsOnBackscatterDev() throws {
        let result = try DevMeasurement.run(corpus: Corpus.path("backscatter-dev"))
        print(result.report)
        let f = result.figures
        #expect(f["backscatter precision", default: 0] >= 0.995)
        #expect(f["legitimate judged backscatter", default: 1] <= 0.005)
        #expect(f["uncertain share of bounce-like", default: 1] <= 0.02)
        #expect(f["non-bounces judged bounce-like", default: 1] <= 0.005)
        #expect(f["bounce-like messages with evidence", default: 0] >= 1.0)
        #expect(f["zero-config backscatter precision", default: 0] >= 0.98)
        #expect(f["audit reflected precision", default: 0] >= 0.98)
        #expect(f["audit reflected recall", default: 0] >= 0.95)
        // Recall depends on the bounce analyzer recognising every bounce (56 of 928 are still read as
        // not-bounce by DeliveryStatus): kept visible as known issues until it does.
        withKnownIssue("recall waits for DeliveryStatus to recognise the remaining bounce formats") {
            #expect(f["backscatter recall", default: 0] >= 0.99)
            #expect(f["zero-config backscatter recall", default: 0] >= 0.95)
        }
    }
}
