import Testing
import TestSupport
@testable import MailParsing

/// `EnvelopeLine.isWellFormed` judges each word by its first byte and matches month names by one
/// compare of three bytes: it must say what the word-by-word tests it replaced said, on real envelope
/// lines, near misses, and random lines dense in digits, colons, month letters and blanks.
@Suite struct EnvelopeLineShapeTests {
    /// The former `isWellFormed`: every word tried as a time, a year, then each month in turn.
    static func formerIsWellFormed(_ line: [UInt8], _ start: Int, _ end: Int) -> Bool {
        func isTime(_ s: Int, _ e: Int) -> Bool {
            var groups = 0, digits = 0, i = s
            while i < e {
                let byte = line[i]
                if ASCII.isDigit(byte) {
                    digits += 1
                    if digits > 2 { return false }
                } else if byte == ASCII.colon {
                    if digits == 0 { return false }
                    groups += 1
                    digits = 0
                } else if byte == ASCII.comma, i == e - 1 {
                    break
                } else {
                    return false
                }
                i += 1
            }
            return digits == 2 && (groups == 1 || groups == 2)
        }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }
        guard end - start >= 5, Array(line[start..<(start + 5)]) == Array("From ".utf8) else { return false }
        let stop = min(end, start + EnvelopeLine.maxBytesJudged)
        var sawTime = false, sawMonth = false, sawYear = false
        var i = start + 5
        while i < stop {
            while i < stop, ASCII.isWhitespace(line[i]) { i += 1 }
            let wordStart = i
            while i < stop, !ASCII.isWhitespace(line[i]) { i += 1 }
            let length = i - wordStart
            guard length > 0 else { break }
            if isTime(wordStart, i) {
                sawTime = true
            } else if length == 4, (wordStart..<i).allSatisfy({ ASCII.isDigit(line[$0]) }) {
                sawYear = true
            } else if length >= 3, months.contains((wordStart..<(wordStart + 3)).map { ASCII.lowercased(line[$0]) }) {
                sawMonth = true
            }
        }
        return sawTime && sawMonth && sawYear
    }

    @Test func isWellFormedAgreesWithTheFormerWordTests() {
        var lines = ["From MAILER-DAEMON Wed Apr 29 00:00:00 2009", "From a@b Thu Jul  2 12:05:05 2020",
                     "From a Wed Feb  9 22:02 MET 2000", "From  Thu Apr 29 1:02 2004", "From my point of view",
                     "From a 2009 APR 12:30,", "From a 2009 aPr 12:30:1", "From a 2009 Apr 123:30", "From a 2009 Apr :30",
                     "From a 20x9 Apr 12:30", "From a 2009 Ap 12:30", "From a 2009 Aprx 12:30", "From a 2009 @pr 12:30",
                     "From a 2009 Apr 12:30:00:00", "From a 2009\tDEC\t12:30", "From ", "From", "from a 2009 Apr 12:30",
                     "From a 2009 `pr 12:30", "From a 2009 Apr 12:3,", "From a 2009 Apr ,12:30"]
        lines.append("From a " + String(repeating: "x", count: 240) + " Apr 12:30 2009")
        lines.append("From a Apr 12:30 " + String(repeating: " ", count: 236) + "2009")
        var generator = SplitMix64(seed: 21)
        let alphabet = Array("0123456789:: ,\tAaPpRrJjNnDdEeCcOoVvx".utf8) + [0xE1, 0x60, 0x40]
        var values = lines.map { Array($0.utf8) }
        for _ in 0..<6000 { values.append(Array("From ".utf8) + generator.bytes(alphabet, count: generator.below(30))) }
        for value in values {
            // At an offset, and judged short of the line's end too.
            let padded = Array("xy".utf8) + value
            for end in Set([padded.count, max(2, padded.count - 3)]) {
                let got = padded.withUnsafeBufferPointer { EnvelopeLine.isWellFormed($0, 2, end) }
                #expect(got == Self.formerIsWellFormed(padded, 2, end), "\(String(decoding: value, as: UTF8.self)) \(end)")
            }
        }
    }
    /// The asctime(3) tail that `isWellFormed` accepts without walking the words: near misses of it
    /// (each byte of the tail replaced, the blank before the month moved or missing, lines too short
    /// or longer than `maxBytesJudged`) must get the word-by-word answer.
    @Test func asctimeTailAgreesWithTheFormerWordTests() {
        var generator = SplitMix64(seed: 34)
        let replacements = Array("0123456789: \tAaJjxX,".utf8) + [0xE1, 0x0D]
        let senders = ["", "a", "MAILER-DAEMON", " ", "x\t", "2009", "Apr", "12:30"]
        let tails = ["Wed Apr 29 00:00:00 2009", "Sun Apr  9 23:34:45 2006", "Apr  9 23:34:45 2006", "pr  9 23:34:45 2006",
                     "Thu Jul 12 1:05:05 2020", "Thu JUL 12 12:05:05 20201", "Thu Jul 12 12:05:05  2020"]
        var values: [[UInt8]] = []
        for sender in senders {
            for tail in tails {
                let line = Array(("From " + sender + " " + tail).utf8)
                values.append(line)
                // Each of the last 22 bytes replaced by something else.
                for back in 1...min(22, line.count - 5) {
                    var changed = line
                    changed[line.count - back] = replacements[generator.below(replacements.count)]
                    values.append(changed)
                }
            }
        }
        values.append(Array(("From " + String(repeating: "a", count: 226) + " Wed Apr 29 00:00:00 2009").utf8))
        values.append(Array(("From " + String(repeating: "a", count: 227) + " Wed Apr 29 00:00:00 2009").utf8))
        for value in values {
            let padded = Array("xy".utf8) + value
            for end in Set([padded.count, max(2, padded.count - 1)]) {
                let got = padded.withUnsafeBufferPointer { EnvelopeLine.isWellFormed($0, 2, end) }
                #expect(got == Self.formerIsWellFormed(padded, 2, end), "\(String(decoding: value, as: UTF8.self)) \(end)")
            }
        }
    }
}
