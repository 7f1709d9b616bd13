import Backscatter
import DeliveryStatus
import MailParsing
import Testing
import TestSupport

/// The classifier's reader (`ObservationReader.readsOnlyJudgedFacts`, and the recipients kept only
/// where the sent log names recipients, as `ClassifierStage` reads) leaves unread only facts the
/// classifier does not judge: every message of the corpora is judged the same from its observation as
/// from the full reader's, while the observations themselves differ (the test is not vacuous).
struct LeanReaderTests {
    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()),
          arguments: ["backscatter-dev/corpus.mbox", "sisimai/maildir/bsd"])
    func leanReaderJudgesAsTheFullOne(_ relative: String) throws {
        let profile = try SiteProfile.load(path: Corpus.path("backscatter-dev/profile.toml"))
        let classifier = Classifier(profile: profile)
        // No DKIM keys for either: the option reads no signature, and the checks would only slow the test.
        let full = ObservationReader()
        let lean = ObservationReader(keepsRecipients: profile.sentLog?.hasRecipients ?? false, readsOnlyJudgedFacts: true)
        var reader = try MailboxReader(path: Corpus.path(relative))
        var observed = 0, differing = 0
        while let message = try reader.next() {
            let parsed = ParsedMessage(parsing: message.bytes)
            let report = BounceAnalyzer().analyze(parsed)
            let all = full.observe(parsed, report: report), judged = lean.observe(parsed, report: report)
            #expect(classifier.judge(judged) == classifier.judge(all), "\(message.source)#\(message.index)")
            if all != nil { observed += 1 }
            if all != judged { differing += 1 }
        }
        #expect(observed > 100 && differing > 100, "\(observed) observed, \(differing) differing")
    }
}
