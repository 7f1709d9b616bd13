import Testing
import MailParsing
import TestSupport
@testable import DeliveryStatus

/// `RFC3464Recognizer.isBlank`, which `complete(_:from:)` asks of a record's diagnostic, against what
/// it stands for, `trimmedSlice.isEmpty`.
@Suite struct RFC3464CompleteHelpersTests {
    static let pieces: [String] = [
        "", " ", "\t", "\r", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{00A0}", "\u{3000}", "a", "550 5.1.1",
        "\u{00E9}", "e\u{0301}", " \u{0301}", "User unknown", "\u{FFFD}", "0123456789abcdef",
    ]

    static func randomText(_ generator: inout SplitMix64, maxPieces: Int) -> String {
        var text = ""
        for _ in 0..<Int(generator.next() % UInt64(maxPieces + 1)) {
            text += pieces[Int(generator.next() % UInt64(pieces.count))]
        }
        return text
    }

    @Test func isBlankIsTrimmedSliceEmpty() {
        var generator = SplitMix64(seed: 24)
        var blanks = 0
        for _ in 0..<20_000 {
            let text = Self.randomText(&generator, maxPieces: 4)
            let blank = RFC3464Recognizer.isBlank(text)
            if blank { blanks += 1 }
            #expect(blank == text.trimmedSlice.isEmpty, "\(text.debugDescription)")
        }
        #expect(blanks > 1_000)
        #expect(RFC3464Recognizer.isBlank(""))
        #expect(RFC3464Recognizer.isBlank(" \t\r\n"))
        #expect(!RFC3464Recognizer.isBlank("\u{00A0}"))
        #expect(!RFC3464Recognizer.isBlank(" x "))
    }

    /// `joined(a, b)` is `a + " " + b`: the same bytes, characters and equality, for empty, non-ASCII,
    /// combining and long texts (past a stack-sized temporary buffer).
    @Test func joinedIsPlusSpacePlus() {
        var generator = SplitMix64(seed: 31)
        for _ in 0..<5_000 {
            let a = Self.randomText(&generator, maxPieces: 5), b = Self.randomText(&generator, maxPieces: 5)
            let joined = RFC3464Recognizer.joined(a, b), plus = a + " " + b
            #expect(joined == plus, "\(a.debugDescription) \(b.debugDescription)")
            #expect(Array(joined.utf8) == Array(plus.utf8))
            #expect(joined.count == plus.count)
            #expect(joined.lowercased() == plus.lowercased())
        }
        let long = String(repeating: "550 5.1.1 user unknown \u{00E9} ", count: 400)
        #expect(RFC3464Recognizer.joined(long, long) == long + " " + long)
        #expect(RFC3464Recognizer.joined("", "") == " ")
        #expect(RFC3464Recognizer.joined("a", "\u{0301}") == "a \u{0301}")
    }

    /// `Finalization.report` takes the swept diagnostic `complete(_:from:)` keeps on a single record
    /// (`sweptDiagnostic`) only while the record's diagnostic is the text it swept: a stale one is not
    /// taken, and either way the report is the one made without it.
    @Test func keptSweptDiagnosticIsTakenOnlyForItsText() {
        let diagnostic = "550  5.1.1\n  <user@example.jp>:   Recipient address rejected  "
        var plain = RecipientFinding(recipient: "user@example.jp")
        plain.diagnostic = diagnostic
        plain.decisionText = "The mail could not be delivered. " + Diagnostic.sweep(diagnostic)
        var kept = plain
        kept.sweptDiagnostic = (diagnostic, Diagnostic.sweep(diagnostic))
        var stale = plain
        stale.sweptDiagnostic = ("other text", "other text")
        let expected = Finalization.report(taking: &plain)
        #expect(expected.diagnostic == "550 5.1.1 <user@example.jp>: Recipient address rejected")
        #expect(Finalization.report(taking: &kept) == expected)
        #expect(Finalization.report(taking: &stale) == expected)
    }
}
