@testable import DeliveryStatus
import Testing
import TestSupport

/// `Exchange2003Recognizer.codeParentheses` searches an ASCII line's bytes: it must find the
/// parentheses the Characters' reading found (`lastIndex(of: "(")`, the first `)` after it, nine
/// Characters apart), and read by Characters a line with a byte a Character may span (CR, non-ASCII).
@Suite struct Exchange2003CodeTests {
    static func reference(_ line: String) -> (Int, Int)? {
        guard let open = line.lastIndex(of: "("), let close = line[open...].firstIndex(of: ")"),
              line.distance(from: open, to: close) == 9 else { return nil }
        let u = line.utf8
        return (u.distance(from: u.startIndex, to: open), u.distance(from: u.startIndex, to: close))
    }

    @Test func byteSearchIsTheCharacterSearch() {
        let pieces = ["(", ")", "0", "A", " ", "\r", "\r\n", "é", "\u{301}", "MSEXCH:", "(000C05A6)"]
        var generator = SplitMix64(seed: 2003)  // seeded: every run reads the same inputs
        var inputs = ["", "(", ")", "(12345678)", "x (000C05A6) Unknown Recipient", "(1234567)", "(123456789)",
                      "(000C05A6)(", "(0000)0000)", "(\u{301}0000000)", "(000\r\n0000)", "(00000000)\u{301}"]
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 24)
            inputs.append((0..<count).map { _ in
                generator.next() % 3 == 0 ? pieces[Int(generator.next() % UInt64(pieces.count))] : "0"
            }.joined())
        }
        var found = 0
        for line in inputs {
            let got = Exchange2003Recognizer.codeParentheses(line).map { pair -> (Int, Int) in
                let u = line.utf8
                return (u.distance(from: u.startIndex, to: pair.open), u.distance(from: u.startIndex, to: pair.close))
            }
            let want = Self.reference(line)
            #expect(got?.0 == want?.0 && got?.1 == want?.1, "\(line.debugDescription)")
            if got != nil { found += 1 }
        }
        #expect(found > 500)
    }
}
