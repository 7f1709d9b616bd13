import Testing
import TestSupport
@testable import MailParsing

/// `MIMEParser.foldsOnlyBetweenParameters`: a folded Content-Type value it passes, parsed raw (trimmed,
/// line ends kept), gives what its unfolded value gives.
@Suite struct ContentTypeFoldTests {
    /// Values made of Content-Type pieces, line ends and the bytes that open quotes and comments.
    @Test func rawValueReadsAsUnfolded() {
        var generator = SplitMix64(seed: 2_045)
        let pieces = [
            "multipart/mixed", "text/plain", "multipart", "/", ";", ";", " ", "\t", "\r\n ", "\n\t", "\r", "\r\n",
            "boundary", "=", "\"", "(", ")", "\\", "a", "x=y", "charset=us-ascii", "report-type=delivery-status",
            "boundary=\"B1\"", "name*0=a", "name*1*=utf-8''%41", "=?utf-8?q?a?=", "*", "'",
        ]
        var checked = 0
        for _ in 0..<20_000 {
            var text = generator.below(2) == 0 ? "multipart/report;" : ""
            for _ in 0..<(1 + generator.below(12)) { text += pieces[generator.below(pieces.count)] }
            let raw = Array(text.utf8)[...]
            guard raw.contains(where: { $0 == ASCII.carriageReturn || $0 == ASCII.lineFeed }),
                  raw.withUnsafeBufferPointer(MIMEParser.foldsOnlyBetweenParameters) else { continue }
            checked += 1
            let unfolded = HeaderField.unfoldedValue(of: raw, isFolded: true, maxUnfoldedBytes: 100 * 1024)
            let trimmed = HeaderField.unfoldedValue(of: raw, isFolded: false, maxUnfoldedBytes: 100 * 1024)
            let expected = ContentType.parse(unfolded), actual = ContentType.parse(trimmed)
            #expect(expected?.0 == actual?.0 && expected?.malformed == actual?.malformed, "\(text.debugDescription)")
        }
        #expect(checked > 1_000)
    }

    @Test func refusesLineEndsInTokensQuotesAndComments() {
        let refused = ["multipart/mixed\r\n ;", "text/plain; a=\"b;\r\n c\"", "text/plain; a=b\r\n", "text/plain; (c;\r\n d)",
                       "text/plain; a=\\;\r\n b", "text/plain; a=\"b\";\r\n c=d"]
        for text in refused {
            #expect(!Array(text.utf8).withUnsafeBufferPointer(MIMEParser.foldsOnlyBetweenParameters), "\(text.debugDescription)")
        }
        let passed = ["multipart/report; report-type=delivery-status;\r\n\tboundary=\"B1\"", "text/plain;\n charset=us-ascii",
                      "text/plain; a=b; \r\n\r\n c=d"]
        for text in passed {
            #expect(Array(text.utf8).withUnsafeBufferPointer(MIMEParser.foldsOnlyBetweenParameters), "\(text.debugDescription)")
        }
    }
}
