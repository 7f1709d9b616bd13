import Backscatter
import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The classifier on small messages written for it (Fixtures/classifier/), each with its expected
/// verdict and signals beside it.
struct ClassifierFixtureTests {
    static let fixtures = ["legitimate-bounce", "backscatter-bounce", "not-bounce"]

    static func profile() throws -> SiteProfile {
        try SiteProfile.load(path: Corpus.fixture("classifier/profile.toml"))
    }

    static func note(_ name: String, profile: SiteProfile) throws -> ClassifierNote {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("classifier/\(name).eml"))))
        let parsed = ParsedMessage(parsing: bytes[...])
        return ClassifierNote.read(parsed, report: BounceAnalyzer().analyze(parsed), reader: ObservationReader(dkimKeys: profile.dkim))
    }

    @Test(arguments: fixtures)
    func verdictAndSignals(_ name: String) throws {
        let profile = try Self.profile()
        let note = try Self.note(name, profile: profile)
        let judgement = Classifier(profile: profile).judge(note.observation)
        let expected = try String(contentsOfFile: Corpus.fixture("classifier/\(name).expected"), encoding: .utf8)
        var verdict = "", signals: [String] = []
        for line in expected.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            if words.first == "verdict" { verdict = words.dropFirst().first ?? "" }
            if words.first == "signals" { signals = Array(words.dropFirst()) }
        }
        #expect(judgement.verdict.rawValue == verdict)
        let got = Set(judgement.evidence.map(\.signal))
        for signal in signals { #expect(got.contains(signal), "\(name): expected \(signal), got \(got.sorted())") }
        if judgement.verdict != .notBounce {
            #expect(!judgement.evidence.isEmpty)
            #expect(judgement.evidence.allSatisfy { !$0.detail.isEmpty && $0.detail.hasSuffix(".") })
        }
    }

    @Test func everySignalHasAStableKebabCaseName() {
        for signal in Signal.allCases {
            #expect(signal.rawValue.allSatisfy { $0.isLowercase || $0 == "-" })
            #expect(signal.weight.isFinite)
        }
    }

    @Test func scoreIsTheLogisticOfTheLogOdds() {
        #expect(Classifier.score(0) == 0.5)
        #expect(Classifier.score(4.6) > 0.99)
        #expect(Classifier.score(-4.6) < 0.01)
    }

    @Test func machineMadeLocalPartsAreTold() {
        #expect(RandomLocalPart.looksRandom("qcqmikdgrb@acme.example"))
        #expect(RandomLocalPart.looksRandom("pgdjvp240@crestlo.com.br"))
        #expect(!RandomLocalPart.looksRandom("olga.martin@acme.example"))
        #expect(!RandomLocalPart.looksRandom("support@acme.example"))
    }

    @Test func auditSortsRelayedInternalBulkAndOrdinary() throws {
        let profile = try Self.profile()
        let rows = try String(contentsOfFile: Corpus.fixture("classifier/audit/expected.tsv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        for row in rows where row.count == 2 {
            let report = try QueueAudit(profile: profile).audit(paths: [Corpus.fixture("classifier/audit/\(row[0])")])
            #expect(report.records.first?.verdict.rawValue == row[1], "\(row[0])")
        }
    }
}
