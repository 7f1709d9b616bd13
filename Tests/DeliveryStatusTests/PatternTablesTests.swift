import BytePatterns
import Testing
@testable import DeliveryStatus

/// The phrase tables are compiled on first use (`PatternSet(deferring:)`), where a pattern that does not
/// compile would just never match: each one is compiled here, so that such a mistake fails a test.
@Suite struct PatternTablesTests {
    static let sets: [(name: String, set: PatternSet)] =
        DiagnosticWords.tables.map { ("reason \($0.key)", $0.value) }.sorted { $0.name < $1.name } + [
            ("temporaryWords", DiagnosticWords.temporaryWords), ("permanentWords", DiagnosticWords.permanentWords),
            ("rejectedButNotSender", DiagnosticWords.rejectedButNotSender),
            ("BounceSigns.subjects", BounceSigns.subjects), ("BounceSigns.senders", BounceSigns.senders),
            ("BounceSigns.daemonSubjects", BounceSigns.daemonSubjects),
            ("TextScan.failureCodes", TextScan.failureCodes), ("TextScan.failureWords", TextScan.failureWords),
            ("VirusNotice.subjects", VirusNoticeRecognizer.subjects), ("AutoReply.subjects", AutoReplyRecognizer.subjects),
            ("Exim.subjects", EximRecognizer.subjects), ("Challenge.subjects", ChallengeRecognizer.subjects),
            ("Challenge.bodies", ChallengeRecognizer.bodies),
        ]

    @Test(arguments: sets.indices)
    func everyTableCompiles(_ index: Int) {
        let (name, set) = Self.sets[index]
        #expect(!set.patterns.isEmpty, "\(name)")
        #expect(throws: Never.self, "\(name)") { _ = try PatternSet(set.patterns, options: set.options) }
    }

    /// A deferred set answers as the same set compiled at once.
    @Test func deferredSetsAnswerAsCompiledOnes() throws {
        let texts = ["550 5.1.1 <a@b>: Recipient address rejected: User unknown in virtual mailbox table",
                     "mailbox full", "Message rejected as spam", "", "no such user here", "Quota exceeded (mailbox for user is full)"]
        for (name, set) in Self.sets {
            let eager = try PatternSet(set.patterns, options: set.options)
            for text in texts {
                #expect(set.hasMatch(in: text) == eager.hasMatch(in: text), "\(name): \(text)")
                #expect(set.firstMatch(in: text)?.index == eager.firstMatch(in: text)?.index, "\(name): \(text)")
                #expect(set.firstMatch(in: text)?.match.range == eager.firstMatch(in: text)?.match.range, "\(name): \(text)")
            }
        }
    }

    /// A deferred set whose alternation does not compile never matches on its own, and crashes
    /// nothing in a group (where its phrases that compile alone may still be found).
    @Test func aBrokenDeferredSetNeverMatches() {
        let broken = PatternSet(deferring: ["fine", "broken("], options: [.caseless])
        #expect(!broken.hasMatch(in: "fine"))
        #expect(broken.firstMatch(in: "fine") == nil)
        let group = PatternSetGroup([broken, PatternSet(deferring: ["fine"], options: [.caseless])])
        #expect(group.matches(in: "no").allSatisfy { !$0 })
        #expect(group.matches(in: "fine")[1])
    }
}
