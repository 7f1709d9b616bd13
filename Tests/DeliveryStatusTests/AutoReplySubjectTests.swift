import Testing
import TestSupport
@testable import DeliveryStatus

/// AutoReply's subject test on bytes answers as the pattern set it spells out.
@Suite struct AutoReplySubjectTests {
    /// `subjectIsAutoReply(_:)` is `subjects.hasMatch(in:)`, on subjects made of the set's words and
    /// pieces of them in any case, after blanks `\s` passes over or not (VT, FF, U+0085, U+00A0), with
    /// the bytes `\b` looks at after "ooo".
    @Test func subjectTestIsThePatternSet() {
        let words = AutoReplyRecognizer.subjectPrefixes.map(\.description) + AutoReplyRecognizer.replyWords.map(\.description)
        let pieces = ["auto", "AUTO", "Auto", "matic", "MATISCHE", "matisch", "mat", " ", "-", "--", "reply", "response", "Respons",
                      "autoreply", "autoresponder", "out of", " the ", "office", "away", " from", "on ", "vacation", "abwesenheits",
                      "notiz", "nachricht", "ich bin ", "nicht im büro", "BÜRO", "abwesend", "absen", "frånvaro", "FRÅNVARO",
                      "nieobecność", "NIEOBECNOŚĆ", "ooo", "OOO", "oo", "_", "1", "x", ".", ":", "自動", "応答", "返信", "自", "\t", "\n",
                      "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "re: ", "RE: ", "é", "\u{130}"]
        var rng = SplitMix64(seed: 3834)
        var matched = 0
        for _ in 0..<5_000 {
            var subject = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                Int.random(in: 0...2, using: &rng) == 0 ? words.randomElement(using: &rng)! : pieces.randomElement(using: &rng)!
            }.joined()
            if Int.random(in: 0...3, using: &rng) == 0 { subject = subject.uppercased() }
            var copy = subject
            let byBytes = copy.withUTF8 { AutoReplyRecognizer.subjectIsAutoReply($0) }
            let expected = AutoReplyRecognizer.subjects.hasMatch(in: subject)
            #expect(byBytes == expected, "\(subject.debugDescription)")
            if expected { matched += 1 }
        }
        #expect(matched > 1_000 && matched < 4_500)
    }
}
