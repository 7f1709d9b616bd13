import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// `BounceAnalyzer.analyze(_:)` of several messages (each step over all of them, as a scan runs it)
/// must give each message the report that analysing it alone gives: no step may read another
/// message's context, finding or original.
@Suite struct BatchAnalysisTests {
    /// Every field of the report, nested values and references followed.
    static func dumped(_ report: BounceReport) -> String {
        var text = ""
        dump(report, to: &text)
        return text
    }

    /// The messages analysed alone and in one run, in their order and reversed.
    static func expectSameReports(_ messages: [ParsedMessage], names: [String]) {
        let alone = messages.map { dumped(BounceAnalyzer().analyze($0)) }
        let together = BounceAnalyzer().analyze(messages).map(dumped)
        let reversed = BounceAnalyzer().analyze(Array(messages.reversed())).map(dumped)
        #expect(together.count == messages.count)
        #expect(reversed.count == messages.count)
        for i in messages.indices where i < together.count && i < reversed.count {
            #expect(together[i] == alone[i], "\(names[i]): in a run")
            #expect(reversed[messages.count - 1 - i] == alone[i], "\(names[i]): in a reversed run")
        }
    }

    /// Our own fixtures: every recogniser's small messages, each with an original found by its
    /// recogniser, by the locator, or none.
    @Test func fixturesInOneRunAsAlone() throws {
        let dir = Corpus.fixture("dsn")
        let files = FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []
        let names = files.filter { $0.hasSuffix(".eml") }.sorted()
        #expect(names.count >= 100)
        let messages = try names.map { name in
            let data = try #require(FileManager.default.contents(atPath: dir + "/" + name))
            return ParsedMessage(parsing: Array(data)[...])
        }
        Self.expectSameReports(messages, names: names)
    }

    /// An empty run and a run of one.
    @Test func emptyAndSingleRuns() throws {
        #expect(BounceAnalyzer().analyze([ParsedMessage]()).isEmpty)
        let data = try #require(FileManager.default.contents(atPath: Corpus.fixture("dsn/postfix-agent-failed.eml")))
        let message = ParsedMessage(parsing: Array(data)[...])
        let one = BounceAnalyzer().analyze([message])
        #expect(one.count == 1)
        #expect(one.map(Self.dumped) == [Self.dumped(BounceAnalyzer().analyze(message))])
        #expect(one.first?.kind == .bounce)
    }

    /// The Sisimai corpus (611 messages, every format it knows) in runs of 64, as a scan reads it.
    @Test(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
    func sisimaiCorpusInRunsAsAlone() throws {
        let dir = Corpus.path("sisimai/maildir/bsd")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".eml") }.sorted()
        #expect(names.count >= 600)
        var start = 0
        while start < names.count {
            let run = Array(names[start..<min(names.count, start + 64)])
            let messages = try run.map { name in
                let data = try #require(FileManager.default.contents(atPath: dir + "/" + name))
                return ParsedMessage(parsing: Array(data)[...])
            }
            Self.expectSameReports(messages, names: run)
            start += 64
        }
    }
}
