@testable import Backscatter
import MailParsing
import Testing
import TestSupport

/// `ProfileInference.domain(of:is:)`, the byte test of an address's domain: when it answers, it answers
/// as `==` on the text after the last `@` would.
struct InferenceDomainTests {
    /// What the String test says: the text after the last `@` equals `domain`; false without an `@`.
    static func byText(_ address: String, _ domain: String) -> Bool {
        address.after(lastASCII: ASCII.at).map { domain == $0 } ?? false
    }

    @Test func edgeCases() {
        #expect(ProfileInference.domain(of: "a@example.org", is: "example.org") == true)
        #expect(ProfileInference.domain(of: "a@b@example.org", is: "example.org") == true)
        #expect(ProfileInference.domain(of: "a@xexample.org", is: "example.org") == false)
        #expect(ProfileInference.domain(of: "example.org", is: "example.org") == false)
        #expect(ProfileInference.domain(of: "a@example.org", is: "org") == false)
        #expect(ProfileInference.domain(of: "a@", is: "") == true)
        #expect(ProfileInference.domain(of: "a@b", is: "") == false)
        #expect(ProfileInference.domain(of: "", is: "") == false)
        #expect(ProfileInference.domain(of: "a@EXAMPLE.org", is: "example.org") == false)
        // Bytes that differ in canonically equal text: only `==` can tell.
        #expect(ProfileInference.domain(of: "a@caf\u{E9}.fr", is: "cafe\u{301}.fr") == nil)
        #expect(Self.byText("a@caf\u{E9}.fr", "cafe\u{301}.fr"))
        #expect(ProfileInference.domain(of: "a@\u{212A}.org", is: "K.org") == nil)
        #expect(ProfileInference.domain(of: "a@caf\u{E9}.fr", is: "caf\u{E9}.fr") == true)
    }

    /// Random addresses from a few letters (ASCII and not, `@`, a combining mark) against random domains.
    @Test func randomAgreeWithText() {
        var generator = SplitMix64(seed: 25)
        let pieces = ["a", "b", ".", "@", "\u{E9}", "e\u{301}", "\u{301}", "K", "\u{212A}"]
        func text(_ count: Int) -> String {
            (0..<count).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
        }
        for _ in 0..<20_000 {
            let address = text(Int.random(in: 0..<8, using: &generator))
            let domain = text(Int.random(in: 0..<4, using: &generator)).filter { $0 != "@" }
            guard !domain.utf8.contains(ASCII.at) else { continue }
            if let answer = ProfileInference.domain(of: address, is: domain) {
                #expect(answer == Self.byText(address, domain), "\(address.debugDescription) \(domain.debugDescription)")
            }
        }
    }
}

/// `ProfileInference.isASCIIName`, the byte test of whether a relay's name is one of the site's domains
/// or under one: when it answers, it answers as `==` and `hasSuffix` on the Strings do.
struct InferenceNameUnderDomainTests {
    @Test func edgeCases() {
        let dotted = [".example.org", ".b.net"]
        #expect(ProfileInference.isASCIIName("example.org", underDotted: dotted) == true)
        #expect(ProfileInference.isASCIIName("mx.example.org", underDotted: dotted) == true)
        #expect(ProfileInference.isASCIIName(".example.org", underDotted: dotted) == true)
        #expect(ProfileInference.isASCIIName("xexample.org", underDotted: dotted) == false)
        #expect(ProfileInference.isASCIIName("example.org.", underDotted: dotted) == false)
        #expect(ProfileInference.isASCIIName("b.net", underDotted: dotted) == true)
        #expect(ProfileInference.isASCIIName("net", underDotted: dotted) == false)
        #expect(ProfileInference.isASCIIName("", underDotted: dotted) == false)
        #expect(ProfileInference.isASCIIName("", underDotted: ["."]) == true)
        #expect(ProfileInference.isASCIIName("a.", underDotted: ["."]) == true)
        #expect(ProfileInference.isASCIIName("a.example.org", underDotted: []) == false)
        #expect(ProfileInference.isASCIIName("\u{212A}.example.org", underDotted: dotted) == nil)
    }

    /// Random names (ASCII, and some not: the String test then decides) against random ASCII domains.
    @Test func randomAgreeWithStrings() {
        var generator = SplitMix64(seed: 27)
        let pieces = ["a", "b", ".", ".", "-", "\r\n", "\r", "\n", "K", "\u{212A}", "\u{E9}"]
        func text(_ count: Int, ascii: Bool) -> String {
            (0..<count).map { _ in pieces[Int.random(in: 0..<(ascii ? 8 : pieces.count), using: &generator)] }.joined()
        }
        for _ in 0..<20_000 {
            let name = text(Int.random(in: 0..<7, using: &generator), ascii: false)
            let domains = (0..<Int.random(in: 0..<3, using: &generator)).map { _ in text(Int.random(in: 0..<4, using: &generator), ascii: true) }
            let dotted = domains.map { "." + $0 }
            let byStrings = ProfileInference.isName(name, under: domains, dotted: dotted)
            if let byBytes = ProfileInference.isASCIIName(name, underDotted: dotted) {
                #expect(byBytes == byStrings, "\(name.debugDescription) \(domains)")
            } else {
                #expect(name.utf8.contains { $0 >= 0x80 }, "\(name.debugDescription)")
            }
        }
    }
}
