import MailParsing
import Testing
import TestSupport
@testable import Backscatter

/// The campaigns a notice without its original joins by its subject's tail: looked up by the last 12
/// bytes of the campaigns' letters, the same campaign as trying every campaign in order.
@Suite struct CampaignTailsTests {
    @Test func lookupIsTheFirstInOrder() {
        var random = SplitMix64(seed: 0xCA_4A)
        let pieces = ["ab", "ba", "a", "b", "é", "ñab", "ba", "ab"]
        func text(_ parts: Int) -> String { (0..<parts).map { _ in pieces[random.below(pieces.count)] }.joined() }
        for _ in 0..<200 {
            // Campaign letters of 12 characters or more (as the stream pass keeps them), some sharing ends.
            var letters: [(letters: String, campaign: Int)] = []
            for c in 0..<random.below(30) {
                let l = text(6 + random.below(8))
                if l.count >= 12 { letters.append((l, c)) }
            }
            let tails = CampaignTails(letters)
            for _ in 0..<50 {
                // Tails that end with some campaign's letters, and tails that are random.
                let tail = random.below(2) == 0 && !letters.isEmpty
                    ? text(random.below(4)) + letters[random.below(letters.count)].letters : text(random.below(16))
                let linear = letters.first { tail.hasSuffix($0.letters) }?.campaign
                #expect(tails.firstCampaign(endingWith: tail) == linear, "\(tail)")
            }
        }
    }
}
