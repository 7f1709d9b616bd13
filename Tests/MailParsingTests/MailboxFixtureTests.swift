import Foundation
import MailParsing
import Testing
import TestSupport

/// The mbox fixtures in Fixtures/mailbox/, each with NAME.expected.tsv beside it (written by
/// make-fixtures.py from the original messages, not by this reader).
@Suite("mailbox fixtures")
struct MailboxFixtureTests {
    static let names = ["mboxrd-quoting", "mboxcl2-from-lines", "bad-content-length", "odd-from-lines", "no-final-newline"]

    struct ExpectedMessage: Equatable, CustomStringConvertible {
        var index: Int, offset: Int, length: Int
        var sha256: String
        var defects: [String]
        var envelope: String
        var description: String { "#\(index) @\(offset)+\(length) \(sha256.prefix(12)) \(defects)" }
    }

    static func expected(_ name: String) throws -> [ExpectedMessage] {
        let text = try String(contentsOfFile: Corpus.fixture("mailbox/\(name).expected.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst(2).map { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return ExpectedMessage(
                index: Int(c[0]) ?? -1, offset: Int(c[1]) ?? -1, length: Int(c[2]) ?? -1, sha256: c[3],
                defects: c[4] == "-" ? [] : c[4].split(separator: ",").map(String.init), envelope: c[5])
        }
    }

    static func actual(_ messages: [MailboxMessage]) -> [ExpectedMessage] {
        messages.map {
            ExpectedMessage(index: $0.index, offset: $0.offset, length: $0.length, sha256: SHA256.hex($0.bytes),
                            defects: $0.defects.names,
                            envelope: $0.envelopeLine.map { String(decoding: $0, as: UTF8.self) } ?? "")
        }
    }

    @Test("reader output equals the expected TSV", arguments: names)
    func fixture(_ name: String) throws {
        let path = Corpus.fixture("mailbox/\(name).mbox")
        let messages = try MailboxTesting.read(path)
        #expect(Self.actual(messages) == (try Self.expected(name)))
        #expect(MailboxTesting.tiles(messages, try MailboxTesting.bytes(path)))
        #expect(messages.allSatisfy { $0.source == path })
    }

    @Test("every chunking gives the same output", arguments: names)
    func chunking(_ name: String) throws {
        let file = try MailboxTesting.bytes(Corpus.fixture("mailbox/\(name).mbox"))
        let report = ChunkingVerifier.verify(file, randomRuns: 8) { MailboxTesting.parse($0).map(MessageSummary.init) }
        #expect(report.mismatches.isEmpty)
    }

    /// CRLF and CR-only copies (made here from the LF fixture) give the same messages once line ends are
    /// made LF again. Not for the Content-Length fixtures: converting line ends changes the byte counts.
    @Test("CRLF and CR copies agree", arguments: ["mboxrd-quoting", "odd-from-lines", "no-final-newline"])
    func lineEnds(_ name: String) throws {
        let lf = try MailboxTesting.bytes(Corpus.fixture("mailbox/\(name).mbox"))
        let crlf = lf.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
        let cr = lf.map { $0 == 0x0A ? 0x0D : $0 }
        let expected = try Self.expected(name)
        for copy in [crlf, cr] {
            let messages = MailboxTesting.parse(copy)
            #expect(messages.count == expected.count)
            for (message, row) in zip(messages, expected) {
                #expect(SHA256.hex(MailboxTesting.toLF(message.bytes)) == row.sha256)
                #expect(message.defects.names == row.defects)
            }
            #expect(MailboxTesting.tiles(messages, copy))
            let report = ChunkingVerifier.verify(copy, randomRuns: 4) { MailboxTesting.parse($0).map(MessageSummary.init) }
            #expect(report.mismatches.isEmpty)
        }
    }
}
