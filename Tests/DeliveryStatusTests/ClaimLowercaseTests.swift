import Testing
import MailParsing
@testable import DeliveryStatus
import TestSupport

/// The subject's and sender's lower-cased bytes that `BounceContext.init` writes (sixteen bytes at a
/// time, the last sixteen or eight overlapping, byte by byte under eight) against `lowercased()`:
/// values of every length 0-60 made of letters in both cases, the bytes beside A-Z (`@`, `[`, `` ` ``,
/// `{`), spaces and now and then a non-ASCII letter, each holding a needle in random case.
@Suite struct ClaimLowercaseTests {
    static let needles: [ClaimNeedle] = [ClaimNeedle("a[b"), ClaimNeedle("a{b"), ClaimNeedle("z@`"), ClaimNeedle("q"),
                                         ClaimNeedle("mail delivery")]
    static let planted = ["a[b", "A[B", "a{b", "A{B", "Z@`", "z@`", "z@@", "Q", "MAIL Delivery", "mail delivery"]

    @Test func lowerCasedBytesAreLowercased() {
        var random = SplitMix64(seed: 31)
        let alphabet = Array("aAzZqQbB@[`{ -x".utf8)
        for length in 0...60 {
            for round in 0..<40 {
                func value() -> String {
                    var bytes = random.bytes(alphabet, count: length)
                    let plant = Array(Self.planted[random.below(Self.planted.count)].utf8)
                    if plant.count <= bytes.count {
                        let at = random.below(bytes.count - plant.count + 1)
                        bytes.replaceSubrange(at..<(at + plant.count), with: plant)
                    }
                    var text = String(decoding: bytes, as: UTF8.self)
                    if round % 10 == 9 { text += "é" }
                    return text
                }
                let subject = value(), from = value()
                let message = "From: \(from)\nSubject: \(subject)\n\nbody\n"
                let context = BounceContext(ParsedMessage(parsing: ArraySlice(Array(message.utf8))))
                for needle in Self.needles {
                    let text = needle.text.description
                    #expect(context.subjectContainsLowercased(needle) == context.lowercaseSubject.contains(text),
                            "\(subject.debugDescription) \(text)")
                    #expect(context.fromContainsLowercased(needle) == context.lowercaseFrom.contains(text),
                            "\(from.debugDescription) \(text)")
                }
            }
        }
    }
}
