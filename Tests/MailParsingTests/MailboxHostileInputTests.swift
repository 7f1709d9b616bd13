import Foundation
import MailParsing
import Testing
import TestSupport

/// Inputs assembled at random from the pieces that steer an mbox parser (From_ lines, quoting, blank lines,
/// Content-Length headers with right and wrong values, CR, LF, CRLF, long lines, no final newline): the
/// parser must never crash, must tile the input exactly, and must give the same output however the input
/// is chunked. Seeded, so a failure names an input that can be rebuilt.
@Suite("mailbox hostile input")
struct MailboxHostileInputTests {
    static let pieces: [String] = [
        "From a@b Thu Jul  2 12:05:05 2020", "From - ", "From  Thu Apr 29 23:34:45 2015", "From my point of view",
        ">From x", ">>From y", "Subject: s", "Content-Length: 0", "Content-Length: 5", "Content-Length: 17",
        "Content-Length: 99999999999999999999", "Content-Length:", "body text", "", "", "", "\r", "x\ry",
        String(repeating: "z", count: 300), String(repeating: "y", count: 1500), "From", ">", "F",
        "From " + String(repeating: "q", count: 400) + " Thu Jul  2 12:05:05 2020",
    ]
    static let lineEnds = ["\n", "\r\n", "\r", "\n", "\n"]

    static func input(seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var text = ""
        let lines = Int(generator.next() % 60)
        for _ in 0..<lines {
            text += pieces[Int(generator.next() % UInt64(pieces.count))]
            text += lineEnds[Int(generator.next() % UInt64(lineEnds.count))]
        }
        if generator.next() % 3 == 0, !text.isEmpty { text.removeLast() }
        return Array(text.utf8)
    }

    @Test("random inputs: tiles, bounded, same however chunked", arguments: 0..<150)
    func random(seed: Int) {
        let input = Self.input(seed: UInt64(seed))
        for limits in [MailboxLimits(), MailboxLimits(maxMessageBytes: 64), MailboxLimits(maxMessageBytes: 300)] {
            let messages = MailboxTesting.parse([input[...]], limits: limits)
            #expect(MailboxTesting.tiles(messages, input), "seed \(seed)")
            #expect(messages.allSatisfy { $0.bytes.count <= limits.maxMessageBytes })
            #expect(messages.enumerated().allSatisfy { $0.offset == $0.element.index })
            let report = ChunkingVerifier.verify(input, randomRuns: 3) {
                MailboxTesting.parse($0, limits: limits).map(MessageSummary.init)
            }
            #expect(report.mismatches.isEmpty, "seed \(seed)")
        }
    }
}
