@testable import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// `GoogleGroupsRecognizer.notice` cuts the text before the first line starting with "----- Original
/// message" instead of joining the lines before it with spaces; swept, both must be the same.
@Suite struct GoogleGroupsNoticeTests {
    /// The notice as it was made: the lines before the marker line joined with spaces, swept.
    static func reference(_ text: String) -> String {
        var paragraph: [Substring] = []
        for line in text.lineSlices {
            if line.hasPrefix("----- Original message") { break }
            paragraph.append(line)
        }
        return Diagnostic.sweep(paragraph.joined(separator: " "))
    }

    @Test func sweptNoticeIsTheSweptJoinedLines() throws {
        let pieces = ["----- Original message", "----- Original message -----", " ----- Original message", "x----- Original message",
                      "\n", "\r\n", "\r", " ", "\t", "  ", "word", "\u{E9}t\u{E9}", "e\u{301}", "groups.google.com", "-----", "\n\n"]
        var texts: [String] = ["", "\n", "----- Original message", "a\n----- Original message\nb", "a\r\n----- Original message -----\r\nb",
                               "----- Original message\n", "a b\n\n c\n----- Original", " a\n"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var t = ""
            for _ in 0..<Int.random(in: 0...10, using: &generator) { t += pieces.randomElement(using: &generator)! }
            texts.append(t)
        }
        if Corpus.isAvailable {
            for (_, bytes) in try RecognizerLineLoopTests.bsdMessages() {
                for variant in RecognizerLineLoopTests.variants(bytes) {
                    texts.append(BounceContext(ParsedMessage(parsing: ArraySlice(variant))).text)
                }
            }
        }
        for text in texts {
            #expect(Diagnostic.sweep(GoogleGroupsRecognizer.notice(text)) == Self.reference(text), "\(Array(text.utf8))")
        }
    }
}
