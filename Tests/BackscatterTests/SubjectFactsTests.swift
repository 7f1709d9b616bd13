@testable import Backscatter
import Testing
import TestSupport

/// `Fingerprint.subjectFacts`, one reading of an original's Subject, gives what the three readings it
/// stands for give: `subjectKey`, `letters(_, last: 60)` and `HostShape.isShouting` of the first 120
/// Characters.
@Suite struct SubjectFactsTests {
    /// The three readings, as `ObservationReader.originalFacts` made them before.
    static func byThreeReadings(_ subject: String) -> (key: UInt64?, letters: String?, shouting: Bool) {
        let head = subject.utf8.count <= 120 ? subject : String(subject.prefix(120))
        return (Fingerprint.subjectKey(subject), Fingerprint.letters(subject, last: 60), HostShape.isShouting(head))
    }

    static func expectSame(_ subject: String) {
        let facts = Fingerprint.subjectFacts(subject), expected = byThreeReadings(subject)
        #expect(facts.key == expected.key && facts.letters == expected.letters && facts.shouting == expected.shouting,
                "\(subject.debugDescription)")
        // Without the letters (the lean reader's): the same key and shouting, no letters.
        let lean = Fingerprint.subjectFacts(subject, readsLetters: false)
        #expect(lean.key == expected.key && lean.letters == nil && lean.shouting == expected.shouting, "\(subject.debugDescription)")
    }

    @Test(arguments: ["", "Re: hi there", "RE: Fwd: AW: [SPAM]: Cheap meds", "  re :x", "Re:Re:Re:abc", "Fwd:", "Re:",
                      "a:b:c:def", "Re: \r\nfolded subject", "ab12: not a marker", "[ext]: marker", "Tr: Ünzustellbar",
                      "FREE MONEY NOW", "Free money!!", "Cost: $$$", "x\ty: z", "Undelivered Mail", "ABCDEFGh", "ABCDEfgh"])
    func sameAsThreeReadings(subject: String) {
        Self.expectSame(subject)
    }

    /// Over many made-up subjects, short and longer than 120 bytes (the shouting count's cut, the last
    /// 60 letters): markers, capitals, `!` and `$`, non-ASCII letters and line ends.
    @Test func sameAsThreeReadingsOverMadeUpSubjects() {
        var generator = SplitMix64(seed: 2_711)
        let pieces = ["Re:", "AW: ", "[ext]:", " ", "\t", ":", "a", "b", "Q", "Z", "FREE", "free", "1", "23", "!", "$", "?",
                      "[", "]", "@", ".", "Ünz:", "é", "配信", "\r\n", "Ж", "😀", "\u{7F}", "\u{0}"]
        for round in 0..<4_000 {
            let subject = HostShapeTests.randomText(&generator, pieces: round % 4 == 0 ? Array(pieces.prefix(19)) : pieces,
                                                    upTo: round % 3 == 0 ? 80 : 16)
            Self.expectSame(subject)
        }
    }
}
