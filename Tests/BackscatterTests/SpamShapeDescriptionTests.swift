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
}
