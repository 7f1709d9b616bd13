import Testing
import TestSupport
import MailParsing
@testable import DeliveryStatus

/// `RFC3464Recognizer.leadHoldsExactly`, the exact-bytes search `complete(_:from:)` asks before
/// `containsIgnoringCase`: whenever it is true, `containsIgnoringCase` (and the reference it stands
/// for, `lowercased().contains(_:)`) is true too, so the answer `leadHoldsExactly || containsIgnoringCase`
/// is `containsIgnoringCase`'s.
@Suite struct LeadHoldsExactlyTests {
    static let pieces: [String] = [
        "550", " ", "5.1.1", "User unknown", "user UNKNOWN", "\u{0130}", "\u{212A}", "k", "K", "i", "\u{00E9}", "\u{00C9}",
        "mailbox", "Mailbox", "\t", "\n", "\r\n", "<a@b.example>", "\u{03A3}", "\u{03C3}", "\u{FFFD}", "",
    ]

    static func randomText(_ generator: inout SplitMix64, maxPieces: Int) -> String {
        var text = ""
        for _ in 0..<Int(generator.next() % UInt64(maxPieces + 1)) {
            text += pieces[Int(generator.next() % UInt64(pieces.count))]
        }
        return text
    }

    @Test func exactMatchImpliesCaseInsensitiveMatch() {
        var generator = SplitMix64(seed: 53)
        var exactHits = 0
        for _ in 0..<20_000 {
            let lead = Self.randomText(&generator, maxPieces: 12)
            // A needle cut from the lead (often found as it is) or made on its own.
            var own = Self.randomText(&generator, maxPieces: 3)
            if generator.next() % 2 == 0, !lead.isEmpty {
                let scalars = Array(lead.unicodeScalars)
                let from = Int(generator.next() % UInt64(scalars.count))
                let to = from + Int(generator.next() % UInt64(scalars.count - from + 1))
                own = String(String.UnicodeScalarView(scalars[from..<to]))
            }
            let exact = RFC3464Recognizer.leadHoldsExactly(lead, own)
            if exact { exactHits += 1 }
            let reference = lead.lowercased().contains(own.lowercased())
            #expect(!exact || lead.containsIgnoringCase(own), "\(lead.debugDescription) \(own.debugDescription)")
            #expect((exact || lead.containsIgnoringCase(own)) == reference, "\(lead.debugDescription) \(own.debugDescription)")
        }
        #expect(exactHits > 1_000)
        #expect(!RFC3464Recognizer.leadHoldsExactly("abc", ""))
        #expect(!RFC3464Recognizer.leadHoldsExactly("", "a"))
        #expect(!RFC3464Recognizer.leadHoldsExactly("ab", "abc"))
        #expect(!RFC3464Recognizer.leadHoldsExactly("x \u{00E9} y", "\u{00E9}"))  // not ASCII: left to containsIgnoringCase
        #expect(RFC3464Recognizer.leadHoldsExactly("550 5.1.1 User unknown", "User unknown"))
        #expect(!RFC3464Recognizer.leadHoldsExactly("550 5.1.1 User unknown", "user unknown"))
    }

    static let asciiPieces: [String] = [
        "550", " ", "5.1.1", "User unknown", "user UNKNOWN", "<a@b.example>", "A@B.EXAMPLE", "[10.0.0.1]", "said:",
        "mailbox", "Mailbox", "(in reply to RCPT TO command)", "k", "K", ";", "=", "-", ".", "Host or domain name",
    ]

    static func randomASCIIText(_ generator: inout SplitMix64, maxPieces: Int) -> String {
        var text = ""
        for _ in 0..<Int(generator.next() % UInt64(maxPieces + 1)) {
            text += asciiPieces[Int(generator.next() % UInt64(asciiPieces.count))]
        }
        return text
    }

    /// `leadHoldsIgnoringCase`, when it answers (a known-ASCII haystack, an ASCII needle), answers as
    /// `containsIgnoringCase`; its anchored search as the case-less search of the needle lower-cased.
    @Test func ignoringCaseAnswersAsContainsIgnoringCase() {
        var generator = SplitMix64(seed: 59)
        var answered = 0, found = 0
        for _ in 0..<20_000 {
            let lead = Self.randomASCIIText(&generator, maxPieces: 14)
            var own = Self.randomASCIIText(&generator, maxPieces: 3)
            if generator.next() % 2 == 0, !lead.isEmpty {
                // A piece of the lead, its letters' case changed at random.
                let bytes = Array(lead.utf8)
                let from = Int(generator.next() % UInt64(bytes.count))
                let to = from + Int(generator.next() % UInt64(bytes.count - from + 1))
                own = String(decoding: bytes[from..<to].map { b in
                    generator.next() % 3 == 0 && (b | 0x20) &- UInt8(ascii: "a") < 26 ? b ^ 0x20 : b
                }, as: UTF8.self)
            }
            if let answer = RFC3464Recognizer.leadHoldsIgnoringCase(lead, own) {
                answered += 1
                if answer { found += 1 }
                #expect(answer == lead.containsIgnoringCase(own), "\(lead.debugDescription) \(own.debugDescription)")
            }
            let reference = Array(own.utf8).map(ASCII.lowercased).withUnsafeBufferPointer { n in
                Array(lead.utf8).withUnsafeBufferPointer { ASCIICaseInsensitive.firstOffset(of: n, in: $0) != nil }
            }
            let anchored = Array(own.utf8).withUnsafeBufferPointer { n in
                Array(lead.utf8).withUnsafeBufferPointer { ASCIICaseInsensitive.contains(anyCase: n, in: $0) }
            }
            #expect(anchored == (own.isEmpty || reference), "\(lead.debugDescription) \(own.debugDescription)")
        }
        #expect(answered > 10_000)
        #expect(found > 3_000 && found < answered - 1_000)
        #expect(RFC3464Recognizer.leadHoldsIgnoringCase("x \u{00E9} y", "x") == nil)   // not known ASCII
        #expect(RFC3464Recognizer.leadHoldsIgnoringCase("550 User unknown", "\u{00E9}") == nil)
        #expect(RFC3464Recognizer.leadHoldsIgnoringCase("550 User unknown", "") == nil)
        #expect(RFC3464Recognizer.leadHoldsIgnoringCase("550 5.1.1 User unknown", "5.1.1 USER unknown") == true)
        #expect(RFC3464Recognizer.leadHoldsIgnoringCase("550 5.1.1 User unknown", "5.1.2 user unknown") == false)
    }
}
