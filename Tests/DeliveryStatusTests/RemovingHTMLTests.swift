import MailParsing
import Testing
@testable import DeliveryStatus
import TestSupport

/// `Diagnostic.removingHTML` searches the String's bytes in place; these hold it to the Array-copy
/// form it replaced, over edge cases and many generated texts.
@Suite struct RemovingHTMLTests {
    /// The former implementation, kept as the reference.
    static func reference(_ s: String) -> String {
        guard s.utf8.contains(0x3C) else { return s }
        let u = Array(s.utf8)
        guard let a = u[...].firstRange(ofCaseInsensitive: "<html>"), a.lowerBound > 0,
              let b = u[...].firstRange(ofCaseInsensitive: "</html>"), a.lowerBound < b.lowerBound else { return s }
        return String(decoding: u[..<a.lowerBound], as: UTF8.self) + " " + String(decoding: u[b.upperBound...], as: UTF8.self)
    }

    @Test(arguments: [
        "", "<", "<html>", "x<html>", "x<html></html>", "x<HTML>body</Html>tail", "<html>at start</html> after",
        "a </html> before <html> b", "a <html> no end", "a <htm> b </html>", "x<html>", "x<html></html",
        "550 <user@example.com> unknown", "é<HtMl>ü</hTmL>ß", "x<html>one</html>two</html>three",
        "x<html><html></html>", "tail at end <html>", "x\u{212A}<html>y</html>z", "<<html>>",
        "x<html", "x<htmlx</html>", "x<HTML", "<", "x<h", "x<<<<<<", "x<hTmL>", "x<(tml></html>", "x<hrml></html>",
        "x<Html>\u{0}</html>", "x<h\u{8}ml></html>", "a<b<c<html>d</html>e", "x<html]</html>", "\u{FF}<html></html>",
    ])
    func edgeCases(_ text: String) {
        #expect(Diagnostic.removingHTML(text) == Self.reference(text))
    }

    @Test func agreesWithReferenceOverGeneratedTexts() {
        let pieces = ["<html>", "</html>", "<HTML>", "</HtMl>", "<", ">", "html", " ", "a", "é", "\r\n", "<htm", "l>", "</", "x@y",
                      "h", "H", "t", "T", "m", "M", "l", "L", "(", "\u{8}", "]"]
        var generator = SplitMix64(seed: 29)  // seeded: every run reads the same inputs
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<generator.below(16) { text += pieces[generator.below(pieces.count)] }
            #expect(Diagnostic.removingHTML(text) == Self.reference(text), "\(text)")
        }
    }
}

/// `Diagnostic.containsContinuation(of:in:)` against the String search it replaced.
@Suite struct ContinuationGuardTests {
    @Test func agreesWithStringSearch() {
        let texts = ["", "550", "550-", "x550-5.1.1 y", "550 5.1.1", "5505-", "550-\u{301}", "a 421-b 550-c", "é550-", "55-0-", "599-"]
        for value in 200...599 {
            guard let reply = ReplyCode(value) else { continue }
            for text in texts + ["\(value)-", "pre \(value)- post", "\(value)\(value)"] {
                #expect(Diagnostic.containsContinuation(of: reply, in: text) == text.contains(reply.description + "-"), "\(value) \(text)")
            }
        }
    }
}

/// `Finalization.lowercaseDiagnosticType` against `lowercasedIfNeeded()`, which it answers for.
@Suite struct DiagnosticTypeLowercaseTests {
    @Test(arguments: ["", "SMTP", "smtp", "Smtp", "SMTP ", "X-UNIX", "x-unix", "X-Unix", "X-POSTFIX", "X-UNIX\u{301}", "İSMTP", "\u{212A}"])
    func agrees(_ type: String) {
        #expect(Finalization.lowercaseDiagnosticType(type) == type.lowercasedIfNeeded())
    }
}
