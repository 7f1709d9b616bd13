import Foundation
import MailParsing
import Testing
import TestSupport

/// Issue 2, "Done when": every message file, mbox and Maildir under `../shared/corpus` goes through
/// `backscatter scan` without a crash, and the records equal the messages: one per message file, as many
/// as an mbox holds. The reader's own counts are checked against the corpora's expectations in
/// `MailboxCorpusTests`; here the whole command must account for every message the reader finds.
@Suite struct CorpusScanTests {
    static let inputs = [
        "sisimai/maildir/bsd", "sisimai/maildir/dos", "sisimai/maildir/mac", "sisimai/maildir/not",
        "sisimai/maildir/err", "sisimai/mailbox", "parsers", "mbox", "backscatter-dev/corpus.mbox",
        "backscatter-dev/outbound.mbox",
    ]

    /// Messages the library's reader finds at a path (errors counted apart).
    static func readerCount(_ path: String) -> Int {
        guard var reader = try? MailboxReader(path: path) else { return -1 }
        var count = 0
        while true {
            do {
                guard try reader.next() != nil else { break }
                count += 1
            } catch {
                continue
            }
        }
        return count
    }

    @Test(.enabled(if: Corpus.isAvailable), arguments: inputs)
    func everyMessageIsAccountedFor(_ input: String) throws {
        let path = Corpus.path(input)
        let result = try CLI.run(["scan", "--format", "jsonl", "--quiet", "--jobs", "2", path])
        #expect(result.status == 0 || result.status == 1, "\(input): exit \(result.status), stderr \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"), "\(input): \(result.stderr)")
        let records = result.text.split(separator: "\n").count
        let expected = Self.readerCount(path)
        #expect(expected > 0)
        #expect(records == expected, "\(input): \(records) records for \(expected) messages")
        print("scan \(input): \(records) records, \(expected) messages")
    }

    @Test func corpusPresenceIsVisible() {
        if !Corpus.isAvailable { print(Corpus.skipMessage) }
    }
}
