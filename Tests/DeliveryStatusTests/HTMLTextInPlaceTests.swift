import Testing
import TestSupport
@testable import DeliveryStatus
import MailParsing

/// `HTMLText.strip` in place (the HTML part of `BounceContext.text`, decoded into the text and stripped
/// there) gives what `strip` of the String gives, after whatever the text held before.
@Suite struct HTMLTextInPlaceTests {
    @Test func inPlaceIsTheStringsStrip() {
        var rng = SplitMix64(seed: 31)
        let pieces = ["<", ">", "&", "&amp;", "&lt;", "&nbsp;", "<p>", "<br>", "</div>", "<style>", "</style>", "<script>",
                      "</SCRIPT>", " ", "\n", "text", "\u{E9}", "\u{65E5}", "x"]
        var samples = HTMLTextTests.samples
        for _ in 0..<2_000 {
            samples.append((0..<Int.random(in: 0...40, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
        }
        for html in samples {
            for prefix in ["", "a\n", "\u{E9}\n"] {
                var buffer = TextBuffer(capacity: 1)
                buffer.append(prefix)
                let (start, asciiBefore) = (buffer.count, buffer.isASCII)
                buffer.append(html)
                buffer.rewrite(from: start, asciiBefore: asciiBefore) { HTMLText.strip($0) }
                let expected = prefix + HTMLText.strip(html)
                let (text, isASCII) = (buffer.makeString(), buffer.isASCII)
                #expect(Array(text.utf8) == Array(expected.utf8), "\(html.debugDescription)")
                #expect(isASCII == expected.utf8.allSatisfy { $0 < 0x80 })
            }
        }
    }
}
