@testable import Backscatter
import Testing

/// `SpamShape.described` counts `descriptions` (the classifier sizes its sentence by it), and
/// `forEachDescription` gives them in order, for every set of the twelve facts and an unknown bit.
struct SpamShapeDescriptionTests {
    @Test func describedCountsTheDescriptions() {
        for raw in UInt32(0)..<(1 << 13) {
            let shape = SpamShape(rawValue: raw)
            var given: [String] = []
            shape.forEachDescription { given.append($0) }
            #expect(given == shape.descriptions)
            #expect(shape.intersection(.described).rawValue.nonzeroBitCount == shape.descriptions.count, "\(raw)")
        }
    }

    /// The spam-shape sentence, kept after it is first made (`Classifier.spamShapeSentence`), is the
    /// sentence made from the descriptions (the definition), asked twice for every set of the twelve
    /// facts, in a random order each time (so kept ones are read among ones being made), byte for byte;
    /// sets with members beyond `described` (hostile raw values) are made, never kept, and never read
    /// past the table.
    @Test func keptSpamShapeSentencesAreTheMadeOnes() {
        var rng = SystemRandomNumberGenerator()
        let facts = (UInt32(0)..<(1 << 12)).map { SpamShape(rawValue: $0).intersection(.described) }.filter { !$0.isEmpty }
        for _ in 0..<2 {
            for shape in facts.shuffled(using: &rng) {
                let definition = "The returned message looks like bulk spam: " + shape.descriptions.joined(separator: "; ") + "."
                #expect(Array(Classifier.spamShapeSentence(shape).utf8) == Array(definition.utf8))
                #expect(Classifier.spamShapeSentenceMade(shape) == definition)
            }
        }
        for raw in [UInt32(1 << 12), 1 << 12 | 3, 1 << 31 | 5, .max] + (0..<200).map({ _ in UInt32.random(in: 4096 ... .max, using: &rng) }) {
            let shape = SpamShape(rawValue: raw)
            let definition = "The returned message looks like bulk spam: " + shape.descriptions.joined(separator: "; ") + "."
            #expect(Classifier.spamShapeSentence(shape) == definition, "\(raw)")
        }
    }
}
