import Testing
import TestSupport
@testable import DeliveryStatus

/// The report subjects' quick test: a common word found by byte search is a match of `subjects`.
@Suite struct BounceSignsSubjectTests {
    /// Every common word is one of the subjects' alternatives, and each subject found to hold one (in
    /// any case, among other bytes) is matched by the pattern set, as are none it turns away but by it.
    @Test func commonWordsAreSubjectMatches() {
        for word in BounceSigns.commonSubjectWords {
            #expect(BounceSigns.hasCommonSubjectWord(word.description.uppercased()))
            #expect(BounceSigns.subjects.hasMatch(in: word.description.uppercased()))
        }
        let pieces = ["Undelivered", "UNDELIVERABLE", "Mail delivery FAILED", "Failure notice", "fail", "ure", "Returned  mail",
                      "Returned mail:", "Delivery Status Notification", "notif", "ERROR", "errors", "ü", "\u{130}", "\u{212A}",
                      "配信エラー", " ", "re: ", "x", "-", "out of office", "hello"]
        var rng = SplitMix64(seed: 57)
        var found = 0
        for _ in 0..<5_000 {
            var subject = (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            if Int.random(in: 0...2, using: &rng) == 0 { subject = subject.lowercased() }
            if BounceSigns.hasCommonSubjectWord(subject) {
                found += 1
                #expect(BounceSigns.subjects.hasMatch(in: subject), "\(subject.debugDescription)")
            }
        }
        #expect(found > 1_000)
    }
}
