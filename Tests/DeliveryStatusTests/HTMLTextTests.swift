import Testing
import TestSupport
@testable import DeliveryStatus

/// `HTMLText.strip` must give what the byte-by-byte version it replaced gave (kept here as the
/// definition), and stay linear on spam's unclosed `<style>` and `<script>` tags.
@Suite struct HTMLTextTests {
    /// The byte-by-byte stripper `HTMLText.strip` replaced: the reference its output is compared with.
    static func reference(_ html: String) -> String {
        let h = Array(html.utf8)
        var out: [UInt8] = []
        var i = 0
        func hasPrefix(_ tag: ArraySlice<UInt8>, _ prefix: String) -> Bool {
            let p = Array(prefix.utf8)
            guard tag.count >= p.count else { return false }
            return zip(tag.prefix(p.count), p).allSatisfy { (a, b) in (a >= 0x41 && a <= 0x5A ? a | 0x20 : a) == b }
        }
        func find(_ needle: String, in hay: ArraySlice<UInt8>) -> Int? {
            let n = Array(needle.utf8)
            guard hay.count >= n.count else { return nil }
            var k = hay.startIndex
            while k <= hay.endIndex - n.count {
                if hay[k..<(k + n.count)].elementsEqual(n) { return k + n.count }
                k += 1
            }
            return nil
        }
        let entities: [(String, UInt8)] = [("&nbsp;", 0x20), ("&lt;", 0x3C), ("&gt;", 0x3E), ("&amp;", 0x26), ("&quot;", 0x22)]
        while i < h.count {
            let c = h[i]
            if c == 0x3C {
                guard let close = h[i...].firstIndex(of: 0x3E) else { break }
                let tag = h[(i + 1)..<close]
                if hasPrefix(tag, "br") || hasPrefix(tag, "/p") || hasPrefix(tag, "/div") || hasPrefix(tag, "/tr")
                    || hasPrefix(tag, "p ") || (tag.count == 1 && tag.first.map { $0 | 0x20 } == 0x70) {
                    out.append(10)
                }
                if hasPrefix(tag, "style") || hasPrefix(tag, "script") {
                    let end = hasPrefix(tag, "style") ? "</style" : "</script"
                    if let r = find(end, in: h[close...]) ?? find(end.uppercased(), in: h[close...]) {
                        i = h[r...].firstIndex(of: 0x3E).map { $0 + 1 } ?? h.count
                        continue
                    }
                }
                i = close + 1
                continue
            }
            if c == 0x26, let (entity, replacement) = entities.first(where: { h[i...].starts(with: $0.0.utf8) }) {
                out.append(replacement)
                i += entity.utf8.count
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let samples: [String] = [
        "", "plain", "<p>a</p><p>b</p>", "a<br>b<BR/>c<P>d</DIV>e</tr>f", "x &amp; y &lt;z&gt; &nbsp;&quot;q&quot; &bogus; &",
        "<style>p { color: red }</style>after", "<STYLE>x</STYLE>after", "<Style>mixed</Style>kept?",
        "<script>var a = '<b>';</script>text", "<style>never closed <b>bold</b>", "<style>a<style>b<style>c</style>d",
        "<script>x</SCRIPT>y", "a < b and c > d", "<<<>>>", "tag <unfinished", "&amp", "<p >sp</p >", "<p\n>nl",
        "caf\u{E9} <b>\u{65E5}\u{672C}</b> &lt;", "<br><br><br>", "<scripts>not a script</scripts>",
    ]

    @Test func fixedSamplesAreTheReferences() {
        for html in Self.samples {
            #expect(HTMLText.strip(html) == Self.reference(html), "\(html.debugDescription)")
        }
    }

    @Test func randomMarkupIsTheReferences() {
        var rng = SplitMix64(seed: 11)
        let pieces = ["<", ">", "&", "&amp;", "&lt;", "&nbsp;", "&quot;", "&gt;", "p", "br", "/p", "/div", "/tr", "style",
                      "script", "</style", "</STYLE", "</script", "</SCRIPT", "STYLE", "Script", " ", "\n", "text", "é", "x"]
        for _ in 0..<2_000 {
            let html = (0..<Int.random(in: 0...40, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(HTMLText.strip(html) == Self.reference(html), "\(html.debugDescription)")
        }
    }

    /// Tags told apart by their first byte (`strip` tries only the prefixes that start with it) and
    /// runs between the `<` and `&` it finds by memchr: upper- and mixed-case tag names, names that
    /// only start like one, tags ending the text, `<` and `&` next to each other.
    @Test func tagsByFirstByteAreTheReferences() {
        var rng = SplitMix64(seed: 23)
        let pieces = ["<", ">", "&", "<P>", "<p", "P", "BR", "Br", "bR", "b", "/", "/P", "/DIV", "/Div", "/TR", "/t", "/d",
                      "p ", "P ", "S", "s", "sTyle", "SCRIPT", "</Style", "&&", "<<", "&<", "<&", "&amp;", "&GT;", "x", "\n",
                      "\r\n", "\u{E9}", "</", "<>"]
        for _ in 0..<5_000 {
            let html = (0..<Int.random(in: 0...30, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(HTMLText.strip(html) == Self.reference(html), "\(html.debugDescription)")
        }
    }

    /// Spam's unclosed `<style>` and `<script>` tags, thousands of them: the same text as the reference
    /// (on a small copy), and the whole one read in one pass (the reference searched the rest of the
    /// text at every tag).
    @Test func unclosedStyleTagsStayLinear() {
        let unit = "<style>a<script>b<p>c&amp;"
        let small = String(repeating: unit, count: 200)
        #expect(HTMLText.strip(small) == Self.reference(small))
        let large = String(repeating: unit, count: 40_000)
        #expect(HTMLText.strip(small) == String(repeating: "ab\nc&", count: 200))
        #expect(HTMLText.strip(large) == String(repeating: "ab\nc&", count: 40_000))
        // Closed in upper case only: the lower-case end tag is looked for once, not at every element.
        let upper = "<style>x</STYLE>y<script>z</SCRIPT>w"
        #expect(HTMLText.strip(String(repeating: upper, count: 200)) == Self.reference(String(repeating: upper, count: 200)))
        #expect(HTMLText.strip(String(repeating: upper, count: 40_000)) == String(repeating: "yw", count: 40_000))
    }
}
