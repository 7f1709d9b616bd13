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
        #expect(f["zero-config backscatter recall", default: 0] >= 0.95)
        #expect(f["audit reflected precision", default: 0] >= 0.98)
        #expect(f["audit reflected recall", default: 0] >= 0.95)
        #expect(f["backscatter recall", default: 0] >= 0.99)
    }
}

/// Zero-config: the profile inferred from backscatter-dev names the site and its relays, and its TOML
/// loads back as a profile.
struct ProfileInferenceCorpusTests {
    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()))
    func inferredProfileFindsTheSiteAndRoundTrips() throws {
        let inferred = try ProfileInference.infer(paths: [Corpus.path("backscatter-dev/corpus.mbox")])
        #expect(inferred.profile.site.domains.contains("acme.example"))
        #expect(inferred.profile.relays.networks.contains("198.51.100.4"))
        #expect(inferred.profile.relays.networks.contains("198.51.100.5"))
        #expect(!inferred.profile.relays.networks.contains("87.52.200.235"), "a forged-HELO bot must not become a relay")
        #expect(inferred.dkimDomains == ["acme.example"])
        let reloaded = try SiteProfile.parse(inferred.tomlText)
        #expect(reloaded.site.domains == inferred.profile.site.domains)
        #expect(reloaded.relays.networks == inferred.profile.relays.networks)
    }
}
