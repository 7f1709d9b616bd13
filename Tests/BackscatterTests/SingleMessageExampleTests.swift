import Backscatter
import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The README's "one message at a time" example, line for line, on the classifier's fixtures: a
/// library user's path without a scan gives the verdict the fixtures' table expects.
@Suite struct SingleMessageExampleTests {
    @Test func theReadmeExampleJudgesOneMessage() throws {
        let profile = try SiteProfile.load(path: Corpus.fixture("classifier/signals-profile.toml"))
        for (file, expected) in [("original-spam-shape.eml", Verdict.backscatter), ("batv-valid.eml", .legitimate)] {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("classifier/signals/" + file))))
            let message = ParsedMessage(parsing: bytes[...])
            let report = BounceAnalyzer().analyze(message)
            let observation = ObservationReader(dkimKeys: profile.dkim).observe(message, report: report)
            let judgement = Classifier(profile: profile).judge(observation)
            #expect(report.kind == .bounce, "\(file)")
            #expect(judgement.verdict == expected, "\(file): \(judgement.evidence.map(\.signal))")
            #expect(!judgement.evidence.isEmpty, "\(file)")
        }
        // Not bounce-like: no observation, and the classifier says so.
        let plain = Array("From: a@example.org\nTo: b@example.net\nSubject: lunch\n\nNoon?\n".utf8)
        let message = ParsedMessage(parsing: plain[...])
        let report = BounceAnalyzer().analyze(message)
        let observation = ObservationReader(dkimKeys: profile.dkim).observe(message, report: report)
        #expect(observation == nil)
        #expect(Classifier(profile: profile).judge(observation).verdict == .notBounce)
    }
}
