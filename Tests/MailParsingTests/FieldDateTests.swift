import Foundation
import Testing
@testable import MailParsing
import TestSupport

/// Date values and the expected ISO 8601 (writer's zone), or nil. Shapes from RFC 5322 §A and the
/// corpora (`grep -h '^Date:'` over ../shared/corpus).
let dateTable: [(input: String, expected: String?)] = [
    ("Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T09:55:06-06:00"),          // RFC 5322 §A.1.1
    ("Tue, 1 Jul 2003 10:52:37 +0200", "2003-07-01T10:52:37+02:00"),           // §A.1.2
    ("Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n               -0330 (Newfoundland Time)",
     "1969-02-13T23:32:00-03:30"),                                             // §A.5
    ("21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06+00:00"),                   // §A.6.2, two-digit year
    ("Thu, 13 Feb 2049 23:32 -0330", "2049-02-13T23:32:00-03:30"),
    ("Mon, 1 Jan 49 00:00:00 +0000", "2049-01-01T00:00:00+00:00"),             // §4.3: 49 → 2049
    ("Mon, 1 Jan 50 00:00:00 +0000", "1950-01-01T00:00:00+00:00"),             // §4.3: 50 → 1950
    ("Mon, 1 Jan 101 00:00:00 +0000", "2001-01-01T00:00:00+00:00"),            // §4.3: three digits + 1900
    ("Thu, 10 Apr 2014 20:25:34 +0900 (JST)", "2014-04-10T20:25:34+09:00"),
    ("Tue, 9 Jan 2018 12:00:00 EST", "2018-01-09T12:00:00-05:00"),
    ("Tue, 9 Jan 2018 12:00:00 EDT", "2018-01-09T12:00:00-04:00"),
    ("Tue, 9 Jan 2018 12:00:00 PST", "2018-01-09T12:00:00-08:00"),
    ("Tue, 9 Jan 2018 12:00:00 UT", "2018-01-09T12:00:00+00:00"),
    ("Tue, 9 Jan 2018 12:00:00 A", "2018-01-09T12:00:00+00:00"),              // military: §4.3 says -0000
    ("Tue, 9 Jan 2018 12:00:00 MET", "2018-01-09T12:00:00+01:00"),
    ("Tue, 9 Jan 2018 12:00:00 +0100 (MET DST)", "2018-01-09T12:00:00+01:00"),
    ("Tue, 9 Jan 2018 12:00:00 +0000 (UTC)", "2018-01-09T12:00:00+00:00"),
    ("Tue, 9 Jan 2018 12:00:00 GMT+0200", "2018-01-09T12:00:00+02:00"),        // numeric wins over the name
    ("9 Jan 2018 12:00:00 -0800", "2018-01-09T12:00:00-08:00"),                // no day name
    ("Tue 9 Jan 2018 12:00 +0100", "2018-01-09T12:00:00+01:00"),              // no comma, no seconds
    ("Tue, 9 Jan 2018 12:00:00", "2018-01-09T12:00:00+00:00"),                 // no zone
    ("Tue,  9 Jan 2018 12:00:00 +0900 (ùòåï)", "2018-01-09T12:00:00+09:00"),
    ("Tue, 029 Apr 2019 23:34:45 -0800 (PST)", "2019-04-29T23:34:45-08:00"),  // sisimai: three-digit day
    ("Mon, 21 Aug 95 13:30:57 -600", "1995-08-21T13:30:57-06:00"),              // sisimai: three-digit zone
    ("Fri, 16 Jan 2026 08:07:46 &#43;0000", "2026-01-16T08:07:46+00:00"),      // HTML-escaped sign
    ("May 8, 2005 1:17 PM", "2005-05-08T13:17:00+00:00"),
    ("Thursday, April 10, 2014 9:05 AM", "2014-04-10T09:05:00+00:00"),
    ("Thursday, April 10, 2014 12:05 AM", "2014-04-10T00:05:00+00:00"),
    ("Fri May 13 10:00:00 EDT 2005", "2005-05-13T10:00:00-04:00"),             // asctime with zone
    ("Wed Feb  9 10:00 MET 2005", "2005-02-09T10:00:00+01:00"),
    ("2026-11-29T05:33:05Z", "2026-11-29T05:33:05+00:00"),                     // ISO 8601
    ("2026-11-29T05:33:05.123+05:30", "2026-11-29T05:33:05+05:30"),
    ("2026-11-29 05:33:05 -0100", "2026-11-29T05:33:05-01:00"),
    ("29-04-2017 23:34", "2017-04-29T23:34:00+00:00"),                         // corpus: day first
    ("04/29/2017 23:34", "2017-04-29T23:34:00+00:00"),
    ("'Sun, 11 Jan 2026 14:37:00 +0000'", "2026-01-11T14:37:00+00:00"),
    ("Tue, 9 Jan 2018 12:00:00 -0800 From: Mail Delivery Subsystem <MAILER-DAEMON@NEKO.EXAMPLE.ORG>",
     "2018-01-09T12:00:00-08:00"),                                             // sisimai: extra text
    ("Sat, 29 Feb 2020 23:59:60 +0000", "2020-02-29T23:59:59+00:00"),           // leap day; leap second → :59
    ("Sun, 31 Dec 2000 23:59:59 -1200", "2000-12-31T23:59:59-12:00"),
    ("Thu, 1 Jan 1970 00:00:00 +0000", "1970-01-01T00:00:00+00:00"),
    ("Wed, 31 Dec 1969 23:59:59 +0000", "1969-12-31T23:59:59+00:00"),
    ("Tue, 9 Jan 2018 12:00:00 +9999", "2018-01-09T12:00:00+00:00"),           // impossible zone ignored
    // Not dates.
    ("Whenever", nil),
    ("TBD", nil),
    ("Pn, 29 paX 2007 21:13:00 +0100", nil),                                   // corpus: no month
    ("Sat, 30 Feb 2019 10:00:00 +0000", nil),
    ("Tue, 9 Foo 2018 12:00:00 +0000", nil),
    ("Tue, 9 Jan 2018 25:00:00 +0000", nil),
    ("Tue, 9 Jan 2018 12:61:00 +0000", nil),
    ("Tue, 9 Jan 2018 08:07:t <rimap-test@example.test>", nil),                // corpus: broken time
    ("", nil),
    ("(((", nil),
]

@Suite struct MailDateTests {
    @Test(arguments: dateTable.indices)
    func parses(_ index: Int) {
        let row = dateTable[index]
        let date = MailDate.parse(Array(row.input.utf8)[...])
        #expect(date?.iso8601 == row.expected, "\(row.input)")
        // The UTC seconds agree with Foundation's reading of the same ISO 8601 text .
        if let date, let expected = row.expected {
            let formatter = ISO8601DateFormatter()
            let reference = formatter.date(from: expected).map { Int64($0.timeIntervalSince1970) }
            #expect(reference == date.secondsSince1970, "\(row.input)")
        }
    }

    @Test func knownEpochValues() {
        #expect(MailDate.parse(Array("Thu, 1 Jan 1970 00:00:00 +0000".utf8)[...])?.secondsSince1970 == 0)
        #expect(MailDate.parse(Array("Thu, 1 Jan 1970 01:00:00 +0100".utf8)[...])?.secondsSince1970 == 0)
        #expect(MailDate.parse(Array("Sun, 9 Sep 2001 01:46:40 +0000".utf8)[...])?.secondsSince1970 == 1_000_000_000)
        #expect(MailDate.parse(Array("1 Jan 1900 00:00 +0000".utf8)[...])?.secondsSince1970 == -2_208_988_800)
    }

    /// mbox From_ lines, shapes from ../shared/corpus/mbox (`grep -h '^From '`).
    @Test(arguments: [
        ("From MAILER-DAEMON Mon Jul 14 10:00:01 2008", "2008-07-14T10:00:01+00:00"),
        ("From sender@example.com Wed Feb  9 10:00 MET 2005", "2005-02-09T10:00:00+01:00"),
        ("From  Sun May  4 00:00:00 2003", "2003-05-04T00:00:00+00:00"),
        ("From sender@example.com Thu Jan  1 00:00:00 1970 remote from example", "1970-01-01T00:00:00+00:00"),
        ("From sender@example.com", nil),
    ] as [(String, String?)])
    func parsesMboxFromLines(_ row: (String, String?)) {
        #expect(MailDate.parseMboxFromLine(Array(row.0.utf8)[...])?.iso8601 == row.1, "\(row.0)")
    }

    @Test func hostileInputsTerminate() {
        let digits = [UInt8](repeating: ASCII.nine, count: 100_000)
        #expect(MailDate.parse(digits[...]) == nil)
        let parens = [UInt8](repeating: ASCII.openParen, count: 100_000)
        #expect(MailDate.parse(parens[...]) == nil)
        let words = Array(String(repeating: "Jan 1 ", count: 20_000).utf8)
        _ = MailDate.parse(words[...])
        let nul: [UInt8] = Array("Tue, 9 Jan 2018 12:00:00".utf8) + [0] + Array(" +0100".utf8)
        #expect(MailDate.parse(nul[...])?.iso8601 == "2018-01-09T12:00:00+01:00")
        var generator = SplitMix64(seed: 201)  // seeded: every run reads the same inputs
        let alphabet = Array("0123456789:+-/. ,()JanMonZ&#;".utf8)
        for _ in 0..<500 {
            let input = (0..<Int.random(in: 0...60, using: &generator)).map { _ in
                alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
            }
            if let date = MailDate.parse(input[...]) { #expect(date.iso8601.utf8.count == 25) }
        }
    }

    /// The digit-by-digit ISO 8601 text equals the padded-Strings reading it replaced, over the whole
    /// range of years (and outside it, where the padded reading is kept), every zone offset.
    @Test func iso8601IsThePaddedFields() {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        func reference(_ date: MailDate) -> String {
            let local = date.secondsSince1970 + Int64(date.utcOffsetMinutes * 60)
            var days = local / 86_400
            var rest = local % 86_400
            if rest < 0 { rest += 86_400; days -= 1 }
            let (y, m, d) = CivilCalendar.civilFromDays(days)
            let offset = abs(date.utcOffsetMinutes)
            return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(Int(rest / 3600), 2) + ":"
                + pad(Int(rest % 3600 / 60), 2) + ":" + pad(Int(rest % 60), 2) + (date.utcOffsetMinutes < 0 ? "-" : "+")
                + pad(offset / 60, 2) + ":" + pad(offset % 60, 2)
        }
        var generator = SplitMix64(seed: 202)  // seeded: every run reads the same inputs
        let year0: Int64 = -62_167_219_200   // 0000-01-01T00:00:00Z
        let year10000: Int64 = 253_402_300_800
        for _ in 0..<5_000 {
            let seconds = Int64.random(in: (year0 - 86_400 * 400)...(year10000 + 86_400 * 400), using: &generator)
            let offset = Int.random(in: -1_439...1_439, using: &generator)
            let date = MailDate(secondsSince1970: seconds, utcOffsetMinutes: offset)
            #expect(date.iso8601 == reference(date), "\(seconds) \(offset)")
        }
        for date in [MailDate(secondsSince1970: 0, utcOffsetMinutes: 0), MailDate(secondsSince1970: year0, utcOffsetMinutes: -1),
                     MailDate(secondsSince1970: year10000 - 1, utcOffsetMinutes: 0), MailDate(secondsSince1970: 0, utcOffsetMinutes: 6_000)] {
            #expect(date.iso8601 == reference(date))
        }
    }
}

/// `DateScanner` compares words with packed constants and reads digits without overflow checks: the
/// same fields as `ReferenceDateScanner`, the scanner before that, on random values made of the pieces
/// each step turns on (month names whole and cut, day names, AM/PM, zone names, military letters, ISO
/// and numeric dates, comments, escaped signs, long digit runs), and on the table above.
@Suite struct DateScannerAgreementTests {
    static func expectAgreement(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = DateScanner()
            scanner.scan(buffer)
            var reference = ReferenceDateScanner()
            reference.scan(buffer)
            let got = [scanner.day, scanner.month, scanner.year, scanner.hour, scanner.minute, scanner.second,
                       scanner.meridiem, scanner.numericZone, scanner.namedZone]
            let expected = [reference.day, reference.month, reference.year, reference.hour, reference.minute, reference.second,
                            reference.meridiem, reference.numericZone, reference.namedZone]
            #expect(got == expected, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
            #expect(scanner.result() == reference.result(), "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        }
        #expect(MailDate.parse(bytes[...]) == {
            var reference = ReferenceDateScanner()
            reference.scan(bytes[...])
            return reference.result()
        }(), sourceLocation: sourceLocation)
    }

    @Test func packedWordsAreTheirTexts() {
        #expect(DateScanner.am == DateScanner.PackedWord("am") && DateScanner.amDotted == DateScanner.PackedWord("a.m"))
        #expect(DateScanner.pm == DateScanner.PackedWord("pm") && DateScanner.pmDotted == DateScanner.PackedWord("p.m"))
        #expect(DateScanner.t == DateScanner.PackedWord("t") && DateScanner.j == DateScanner.PackedWord("j"))
        for (index, name) in DateScanner.months.enumerated() {
            #expect(DateScanner.monthName(index) == DateScanner.PackedWord(name), "\(name)")
        }
        // Past eight bytes and past twelve (only twelve are kept; the count is the whole length).
        #expect(DateScanner.PackedWord("SePtEmBeRxyzw") == DateScanner.PackedWord("septemberxyzQ"))
        #expect(DateScanner.PackedWord("septemberxy") != DateScanner.PackedWord("septemberxz"))
    }

    /// `zoneMinutes`' switch names the reference's zones, each with its offset, and nothing else: every
    /// other word of one to five letters of the zones' alphabet, a dot, any case.
    @Test func zoneMinutesAreTheReferencesZones() {
        for (name, minutes) in ReferenceDateScanner.zones {
            #expect(DateScanner.zoneMinutes(DateScanner.PackedWord(name)) == minutes, "\(name)")
            #expect(DateScanner.zoneMinutes(DateScanner.PackedWord(name.uppercased())) == minutes, "\(name)")
        }
        let letters = Array(Set(ReferenceDateScanner.zones.keys.joined()).sorted()) + ["q", "."]
        var random = SplitMix64(seed: 0x2011_E5)
        for _ in 0..<20_000 {
            let word = String((0..<(1 + random.below(5))).map { _ in letters[random.below(letters.count)] })
            #expect(DateScanner.zoneMinutes(DateScanner.PackedWord(word)) == ReferenceDateScanner.zones[word], "\(word)")
        }
        #expect(DateScanner.zoneMinutes(DateScanner.PackedWord("nzdtnzdtnzdt")) == nil)
    }

    @Test func randomValuesScanAsTheReference() {
        var random = SplitMix64(seed: 0xDA7E_5CA4)
        let pieces = ["Mon", "mon", "Tue,", "Thursday", "Jan", "JAN", "janu", "January", "janx", "Sep", "Sept", "September",
                      "Septemberx", "May", "Ma", "Dec.", "Feb", "Febr", "AM", "am", "a.m.", "P.M.", "pm", "T", "t", "Z", "J",
                      "A", "GMT", "UT", "utc", "EST", "EDT", "MET", "CEST", "Foo", "xyz", " ", " ", ", ", "\t", "\r\n ",
                      "1", "9", "12", "31", "029", "2015", "97", "101", "12345", "1234567890123", ":", "10:00", "10:00:00",
                      "23:59:60", "08:07:", "1:17", ".123", "+", "-", "+0900", "-0330", "-600", "+05:30", "+9999", "&#43;",
                      "&#45;", "&#4", "(", ")", "(JST)", "(MET DST)", "\\", "2026-11-29", "T05:33:05Z", "29-04-2017",
                      "04/29/2017", "29.04.2017", "/", ".", "'", "\u{e9}", "Septemberxyzw", "Septemberxyz.", "abcdefghijklm", "Decemberxyz",
                      "Jan..", "a.m..", "..."]
        var values: [[UInt8]] = dateTable.map { Array($0.input.utf8) }
        for _ in 0..<8_000 {
            values.append(Array((0..<random.below(14)).map { _ in pieces[random.below(pieces.count)] }.joined().utf8))
        }
        for value in values { Self.expectAgreement(value) }
    }
}

/// The date scanner as it was before its words were compared with constants (commit 9327470): kept as
/// the definition `DateScanner` must agree with, field for field.
struct ReferenceDateScanner {
    var day: Int? = nil
    var month: Int? = nil
    var year: Int? = nil
    var hour: Int? = nil
    var minute = 0
    var second = 0
    var meridiem: Int? = nil  // 0 AM, 12 PM
    var numericZone: Int? = nil
    var namedZone: Int? = nil

    /// Reads the fields of `value`, through a buffer pointer (indexing the slice checked its bounds at
    /// every byte: 17.0M -> 13.5M instructions for the 8,799 dates of the sisimai bsd mbox x3).
    mutating func scan(_ value: ByteSlice) {
        value.withUnsafeBufferPointer { scan($0) }
    }

    mutating func scan(_ value: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let end = value.count
        var tokens = 0
        while i < end {
            tokens += 1
            if tokens > 200 { return }  // a date has a dozen tokens; the rest is junk
            let b = value[i]
            if b == ASCII.openParen {
                i = Comment.scan(value, openingAt: i).next
                continue
            }
            // HTML-escaped sign, seen in backscatter-dev: "Fri, 16 Jan 2026 08:07:46 &#43;0000".
            if b == UInt8(ascii: "&"), i + 4 < end, value[i + 1] == UInt8(ascii: "#"), value[i + 4] == UInt8(ascii: ";") {
                if value[i + 2] == UInt8(ascii: "4"), value[i + 3] == UInt8(ascii: "3") || value[i + 3] == UInt8(ascii: "5") {
                    let sign = value[i + 3] == UInt8(ascii: "3") ? 1 : -1
                    i = scanZone(value, from: i + 5, sign: sign)
                    continue
                }
            }
            if (b == UInt8(ascii: "+") || b == ASCII.hyphen), hour != nil, numericZone == nil,
               i + 1 < end, ASCII.isDigit(value[i + 1])
            {
                i = scanZone(value, from: i + 1, sign: b == ASCII.hyphen ? -1 : 1)
                continue
            }
            if ASCII.isAlpha(b) {
                let start = i
                while i < end, ASCII.isAlpha(value[i]) || value[i] == ASCII.dot { i += 1 }
                word(UnsafeBufferPointer(rebasing: value[start..<i]))
                continue
            }
            if ASCII.isDigit(b) {
                i = scanNumber(value, from: i)
                continue
            }
            i += 1
        }
    }

    /// Reads digits at `from`; returns the value and the index after them (at most 9 digits kept).
    static func digits(_ value: UnsafeBufferPointer<UInt8>, from: Int) -> (Int, Int, Int) {
        var i = from
        var n = 0
        var count = 0
        while i < value.count, ASCII.isDigit(value[i]) {
            if count < 9 { n = n * 10 + Int(value[i] - ASCII.zero) }
            count += 1
            i += 1
        }
        return (n, count, i)
    }

    mutating func scanNumber(_ value: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        let end = value.count
        let (n, count, after) = Self.digits(value, from: from)
        var i = after
        // hh:mm[:ss]
        if i + 1 < end, value[i] == ASCII.colon, ASCII.isDigit(value[i + 1]), hour == nil {
            let (m, mc, afterM) = Self.digits(value, from: i + 1)
            i = afterM
            var s = 0
            if i + 1 < end, value[i] == ASCII.colon, ASCII.isDigit(value[i + 1]) {
                let (sv, sc, afterS) = Self.digits(value, from: i + 1)
                s = sc <= 2 ? sv : 99
                i = afterS
            } else if i < end, value[i] == ASCII.colon {
                hour = 99  // "08:07:t": broken time
                return i + 1
            }
            hour = count <= 2 ? n : 99
            minute = mc <= 2 ? m : 99
            second = s
            // ISO 8601 fraction and zone: ".123", "Z".
            if i < end, value[i] == ASCII.dot || value[i] == ASCII.comma {
                i += 1
                while i < end, ASCII.isDigit(value[i]) { i += 1 }
            }
            if i < end, value[i] == UInt8(ascii: "Z") || value[i] == UInt8(ascii: "z") {
                numericZone = 0
                i += 1
            }
            return i
        }
        // Numeric dates: 2026-11-29, 29-04-2017, 04/29/2017, 29.04.2017.
        if i + 1 < end, value[i] == ASCII.hyphen || value[i] == ASCII.slash || value[i] == ASCII.dot,
           ASCII.isDigit(value[i + 1]), month == nil
        {
            let separator = value[i]
            let (second, sc, afterSecond) = Self.digits(value, from: i + 1)
            if afterSecond + 1 < end, value[afterSecond] == separator, ASCII.isDigit(value[afterSecond + 1]), sc <= 2 {
                let (third, tc, afterThird) = Self.digits(value, from: afterSecond + 1)
                if count == 4 {
                    year = n; month = second; day = third
                } else if tc == 4 || tc == 2 {
                    let y = tc == 2 ? Self.expandYear(third, digits: 2) : third
                    if second > 12 || (separator == ASCII.slash && n <= 12) {
                        month = n; day = second  // US order: 04/29/2017
                    } else {
                        day = n; month = second
                    }
                    year = y
                }
                var j = afterThird
                if j + 1 < end, value[j] == UInt8(ascii: "T") || value[j] == UInt8(ascii: "t"), ASCII.isDigit(value[j + 1]) {
                    j += 1
                }
                return j
            }
        }
        number(n, digits: count)
        return i
    }

    static func expandYear(_ y: Int, digits: Int) -> Int {
        // RFC 5322 §4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999; three digits + 1900.
        switch digits {
        case 1, 2: return y < 50 ? 2000 + y : 1900 + y
        case 3: return 1900 + y
        default: return y
        }
    }

    mutating func number(_ n: Int, digits: Int) {
        if digits <= 2 || (digits == 3 && day == nil && n <= 31) {
            // "Tue, 029 Apr 2019" (sisimai): a zero-padded three-digit day.
            if day == nil { day = n } else if year == nil { year = Self.expandYear(n, digits: digits) }
        } else if digits <= 4, year == nil {
            year = Self.expandYear(n, digits: digits)
        }
    }

    /// A numeric zone after its sign: `0900`, `600` (h mm), `09`, `05:30`.
    mutating func scanZone(_ value: UnsafeBufferPointer<UInt8>, from: Int, sign: Int) -> Int {
        let (n, count, after) = Self.digits(value, from: from)
        var i = after
        var hours = 0, minutes = 0
        switch count {
        case 1, 2:
            hours = n
            if i < value.count, value[i] == ASCII.colon {
                let (m, mc, afterM) = Self.digits(value, from: i + 1)
                if mc == 2 { minutes = m; i = afterM }
            }
        case 3, 4: hours = n / 100; minutes = n % 100
        default: return i  // junk
        }
        if numericZone == nil, hours <= 23, minutes <= 59 { numericZone = sign * (hours * 60 + minutes) }
        return i
    }

    mutating func word(_ word: UnsafeBufferPointer<UInt8>) {
        var count = word.count
        while count > 0, word[count - 1] == ASCII.dot { count -= 1 }
        guard count > 0, count <= 12 else { return }
        let w = UnsafeBufferPointer(rebasing: word[..<count])
        // The word lower-cased, packed into two integers (at most 12 bytes), compared with the known
        // words without a String per word (a String, a month search and a dictionary lookup per word
        // were most of the cost of reading Received dates).
        let lower = PackedWord(w)
        if lower == Self.am || lower == Self.amDotted { meridiem = 0; return }
        if lower == Self.pm || lower == Self.pmDotted { meridiem = 12; return }
        // The first three letters name at most one month (jan ... dec differ): only that month is
        // tested for the word being a prefix of its name.
        if month == nil, w.count >= 3, let m = Self.monthIndex(firstThree: lower.low & 0xFF_FFFF),
           Self.packedMonths[m].hasPrefix(lower) {
            month = m + 1
            return
        }
        if lower == Self.t && hour == nil { return }  // ISO 8601 separator
        if hour != nil, namedZone == nil, let zone = Self.packedZones[lower] { namedZone = zone; return }
        // RFC 5322 §4.3: military zones "SHOULD be considered equivalent to -0000".
        if hour != nil, namedZone == nil, w.count == 1, lower != Self.j { namedZone = 0 }
    }

    /// Up to 12 bytes, ASCII letters lower-cased, and their count: equal when the lower-cased words are.
    struct PackedWord: Hashable {
        var low: UInt64 = 0
        var high: UInt32 = 0
        var count: Int

        init(_ bytes: some Collection<UInt8>) {
            count = bytes.count
            for (i, b) in bytes.prefix(12).enumerated() {
                let folded = UInt64(ASCII.lowercased(b))
                if i < 8 { low |= folded << UInt64(8 * i) } else { high |= UInt32(folded) << UInt32(8 * (i - 8)) }
            }
        }

        init(_ text: String) { self.init(Array(text.utf8)) }

        /// Whether `prefix`'s bytes begin this word's.
        func hasPrefix(_ prefix: PackedWord) -> Bool {
            guard prefix.count <= count else { return false }
            let lowBytes = min(prefix.count, 8), highBytes = max(0, prefix.count - 8)
            let lowMask: UInt64 = lowBytes == 8 ? ~0 : (1 << UInt64(8 * lowBytes)) - 1
            let highMask: UInt32 = highBytes == 4 ? ~0 : (1 << UInt32(8 * highBytes)) - 1
            return low & lowMask == prefix.low && high & highMask == prefix.high
        }
    }

    /// The month (0-based) whose name starts with these three lower-case bytes (little-endian), or nil.
    static func monthIndex(firstThree key: UInt64) -> Int? {
        @inline(__always) func pack(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar) -> UInt64 {
            UInt64(a.value) | UInt64(b.value) << 8 | UInt64(c.value) << 16
        }
        switch key {
        case pack("j", "a", "n"): return 0
        case pack("f", "e", "b"): return 1
        case pack("m", "a", "r"): return 2
        case pack("a", "p", "r"): return 3
        case pack("m", "a", "y"): return 4
        case pack("j", "u", "n"): return 5
        case pack("j", "u", "l"): return 6
        case pack("a", "u", "g"): return 7
        case pack("s", "e", "p"): return 8
        case pack("o", "c", "t"): return 9
        case pack("n", "o", "v"): return 10
        case pack("d", "e", "c"): return 11
        default: return nil
        }
    }

    static let am = PackedWord("am"), amDotted = PackedWord("a.m"), pm = PackedWord("pm"), pmDotted = PackedWord("p.m")
    static let t = PackedWord("t"), j = PackedWord("j")
    static let packedMonths = months.map(PackedWord.init)
    static let packedZones: [PackedWord: Int] = Dictionary(uniqueKeysWithValues: zones.map { (PackedWord($0.key), $0.value) })

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august",
                         "september", "october", "november", "december"]

    /// Zone names in minutes east of UTC: RFC 5322 §4.3 obs-zone, plus names common in mail headers
    /// (comments like "(MET DST)", "(JST)", mbox From_ lines "MET").
    static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "bst": 60, "ist": 330, "west": 60,
        "edt": -240, "est": -300, "cdt": -300, "cst": -360, "mdt": -360, "mst": -420, "pdt": -420, "pst": -480,
        "akst": -540, "akdt": -480, "hst": -600, "ast": -240, "adt": -180, "nst": -210, "ndt": -150,
        "cet": 60, "met": 60, "mez": 60, "cest": 120, "mest": 120, "mesz": 120, "eet": 120, "eest": 180,
        "msk": 180, "msd": 240, "jst": 540, "kst": 540, "hkt": 480, "sgt": 480, "awst": 480, "wst": 480,
        "acst": 570, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780, "pkt": 300, "idt": 180,
        "cat": 120, "eat": 180, "wat": 60, "sast": 120, "brt": -180, "art": -180,
    ]

    func result() -> MailDate? {
        guard let day, let month, let year else { return nil }
        var h = hour ?? 0
        if let meridiem, h <= 12 { h = h % 12 + meridiem }
        return MailDate(year: year, month: month, day: day, hour: h, minute: minute, second: second,
                        utcOffsetMinutes: numericZone ?? namedZone ?? 0)
    }
}

/// The canonical-form reader (`DateScanner.scanCanonical`) must set exactly what the general scan sets,
/// and must decline whatever it does not read whole.
@Suite struct CanonicalDateReaderTests {
    /// Both readers' fields, or nil where the canonical one declines.
    private func fields(_ text: String, canonical: Bool) -> String? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { mutable -> String? in
            let buffer = UnsafeBufferPointer(mutable)
            var scanner = DateScanner()
            if canonical { guard scanner.scanCanonical(buffer) else { return nil } } else { scanner.scanGeneral(buffer) }
            return "\(scanner.day as Any) \(scanner.month as Any) \(scanner.year as Any) \(scanner.hour as Any) "
                + "\(scanner.minute) \(scanner.second) \(scanner.meridiem as Any) \(scanner.numericZone as Any) \(scanner.namedZone as Any)"
        }
    }

    @Test func agreesWithTheGeneralScanWhereItReads() {
        let heads = ["", " ", " \t", "Mon, ", "thu, ", "SUN, ", "Xyz, ", "Jan, ", "Mon,  ", "Mon,\t", "Mon ", "Mo, ", "Mon,", " Mon, "]
        let days = ["1", "09", "30", "31", "0", "123", "", "3a"]
        let months = ["Nov", "nov", "DEC", "Sept", "Xyz", "May", "Ma"]
        let years = ["2026", "0000", "97", "2026x", "20266"]
        let times = ["09:23:58", "23:59:60", "9:23:58", "09:23", "24:00:00", "09:23:58.123", "09:23:5x"]
        let zones = ["+0000", "-0330", "+2359", "+2400", "-0060", "+00000", "+000", "GMT", "+09:00", "-0000"]
        let tails = ["", " ", "\t", " (UTC)", " (JST) ", " (a(b)c)", " (a\\)b)", " (open", " PST", " junk", "(x)", " (x) y", "\r\n"]
        // 200,000 of the 3.6 million combinations, drawn with a fixed seed (all of them, each also
        // written with other blanks, took 82 s in the parallel test run).
        var generator = SplitMix64(seed: 29)
        func any(_ pieces: [String]) -> String { pieces[Int(generator.next() % UInt64(pieces.count))] }
        var read = 0, declined = 0
        for _ in 0..<200_000 {
            let (head, day, month, year, time, zone, tail) = (any(heads), any(days), any(months), any(years), any(times), any(zones), any(tails))
            let text = head + day + " " + month + " " + year + " " + time + " " + zone + tail
            let spaced = head + day + "  " + month + "\t" + year + " \t" + time + "   " + zone + tail
            if let canonical = fields(text, canonical: true) {
                #expect(canonical == fields(text, canonical: false), "\(text)")
                read += 1
            } else {
                declined += 1
            }
            if let canonical = fields(spaced, canonical: true) {
                #expect(canonical == fields(spaced, canonical: false), "\(spaced)")
            }
        }
        // Both branches exercised: the canonical reader reads the plain forms and declines the rest.
        #expect(read > 1_000)
        #expect(declined > read)
        #expect(fields("Mon, 30 Nov 2026 09:23:58 +0000", canonical: true) != nil)
        #expect(fields("30 Nov 2026 09:23:58 -0330 (NST)", canonical: true) != nil)
        #expect(fields(" Mon,  9 Nov 2026 09:23:58 -0330 (NST)", canonical: true) != nil)
        #expect(fields("Mon, 30 Nov 2026 09:23:58 +0000 (a(b))", canonical: true) == nil)
    }

    /// The date made straight from the canonical reader's fields (`DateScanner.date`, as `MailDate.parse`
    /// and the Received date use it) is the scanner's `result()` after `scanCanonical`, and `MailDate.parse`
    /// the general scan's result where the canonical reader declines.
    @Test func directDateIsTheScannersResult() {
        let texts = ["Mon, 30 Nov 2026 09:23:58 +0000", "30 Nov 2026 09:23:58 -0330 (NST)", "31 Feb 2026 09:23:58 +0000",
                     " 9 Dec 1999 23:59:60 +2359 ", "1 Jan 0000 10:00:00 -0000", "29 Feb 2024 00:00:00 +2300",
                     "29 Feb 2023 00:00:00 +0100", "Mon, 30 Nov 2026 09:23 +0000", "30 Nov 2026 9:23:58 PM EST", "junk"]
        for text in texts {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { v in
                var scanner = DateScanner()
                if let fields = DateScanner.readCanonical(v) {
                    let read = scanner.scanCanonical(v)
                    #expect(read)
                    #expect(DateScanner.date(fields) == scanner.result(), "\(text)")
                } else {
                    let read = scanner.scanCanonical(v)
                    #expect(!read)
                    scanner.scanGeneral(v)
                }
                #expect(MailDate.parse(ByteSlice(bytes)) == scanner.result(), "\(text)")
            }
        }
    }

    /// The fixed-layout reader inside the canonical one (`readFixedLayout`) with one byte of a date
    /// replaced at each place: what the canonical reader reads is what the general scan reads (a
    /// replaced month letter, `@` and `[` and `{` next to the letters' cases, digits, blanks, a line end, NUL;
    /// bytes that are not UTF-8 are left out, as `fields` reads a String).
    @Test func oneByteReplacedReadsAlike() {
        let replacements: [UInt8] = Array("09aAzZ@[`{:+- \t,(".utf8) + [0x80, 0xFF, 0x0A, 0x00]
        for date in ["Mon, 30 Nov 2026 09:23:58 +0000 (UTC)", "1 Jan 2024 10:00:00 -0330", " 9 Dec 1999 23:59:59 +2359 "] {
            let bytes = Array(date.utf8)
            var read = 0
            for k in 0..<bytes.count {
                for b in replacements {
                    var changed = bytes
                    changed[k] = b
                    let text = String(decoding: changed, as: UTF8.self)
                    guard Array(text.utf8) == changed else { continue }
                    if let canonical = fields(text, canonical: true) {
                        #expect(canonical == fields(text, canonical: false), "\(text.debugDescription)")
                        read += 1
                    }
                }
            }
            #expect(read > bytes.count)
        }
    }

    /// The fixed layout is read where it is, and only there.
    @Test func fixedLayoutReadsTheCommonForm() {
        func fixed(_ text: String) -> [Int]? {
            Array(text.utf8).withUnsafeBufferPointer { v in
                DateScanner.readFixedLayout(v, dayAt: 0).map { [$0.day, $0.month, $0.year, $0.hour, $0.minute, $0.second, $0.zoneSign, $0.zoneHours, $0.zoneMinutes, $0.next] }
            }
        }
        #expect(fixed("30 Nov 2026 09:23:58 +0130") == [30, 10, 2026, 9, 23, 58, 1, 1, 30, 26])
        #expect(fixed("1 jan 1999 23:59:60 -2359 (UTC)") == [1, 0, 1999, 23, 59, 60, -1, 23, 59, 25])
        #expect(fixed("30 Nov 2026 09:23:58 +013") == nil)
        #expect(fixed("30 Nov 2026  09:23:58 +0130") == nil)
        #expect(fixed("30 Nov 2026 09:23:5a +0130") == nil)
        #expect(fixed("30 N@v 2026 09:23:58 +0130") == nil)
    }

    /// A value cut anywhere is read by neither reader past its end (guards against reading out of bounds).
    @Test func everyPrefixIsReadSafely() {
        let full = "Mon, 30 Nov 2026 09:23:58 +0000 (UTC)"
        let bytes = Array(full.utf8)
        for n in 0...bytes.count {
            let text = String(decoding: bytes[..<n], as: UTF8.self)
            let canonical = fields(text, canonical: true)
            if let canonical { #expect(canonical == fields(text, canonical: false), "\(text)") }
            #expect((canonical != nil) == (n == 31 || n == 32 || n == bytes.count), "\(n)")
        }
    }
}

/// `MailDate.iso8601` writes each field at its fixed place: the same text as the fields' padded
/// decimal Strings joined, over many instants and offsets (year 0 to 9999, both signs, minutes).
@Suite struct ISO8601WriterTests {
    private static func joined(_ date: MailDate) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let local = date.secondsSince1970 + Int64(date.utcOffsetMinutes * 60)
        var days = local / 86_400, rest = local % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (y, m, d) = CivilCalendar.civilFromDays(days)
        let offset = abs(date.utcOffsetMinutes)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(Int(rest / 3600), 2) + ":" + pad(Int(rest % 3600 / 60), 2)
            + ":" + pad(Int(rest % 60), 2) + (date.utcOffsetMinutes < 0 ? "-" : "+") + pad(offset / 60, 2) + ":" + pad(offset % 60, 2)
    }

    @Test func writesTheFieldsPadded() {
        var generator = SplitMix64(seed: 8_601)
        // 0000-01-01 to 9999-12-31, as seconds since 1970 (local time within the range too).
        let first: Int64 = -62_167_219_200 + 86_400 * 2, last: Int64 = 253_402_300_799 - 86_400 * 2
        var instants: [Int64] = [0, -1, 86_399, 86_400, 951_782_400, first, last]
        for _ in 0..<5_000 { instants.append(Int64.random(in: first...last, using: &generator)) }
        for seconds in instants {
            for offset in [0, 1, -1, 59, -59, 60, 330, -210, 24 * 60, -24 * 60, Int.random(in: -1440...1440, using: &generator)] {
                let date = MailDate(secondsSince1970: seconds, utcOffsetMinutes: offset)
                #expect(date.iso8601 == Self.joined(date), "\(seconds) \(offset)")
            }
        }
        #expect(MailDate(secondsSince1970: 0, utcOffsetMinutes: -90).iso8601 == "1969-12-31T22:30:00-01:30")
    }

    /// `digitPairs` writes every value 0...99 in every lane, whatever the other lanes hold.
    @Test func digitPairsOfEveryValue() {
        for value in UInt64(0)...99 {
            let text = Array(String(format: "%02d", Int(value)).utf8)
            let pair = UInt64(text[0]) | UInt64(text[1]) << 8
            for lane in UInt64(0)..<4 {
                for other in [UInt64(0), 99, 9, 10] {
                    var lanes = value << (16 * lane)
                    for k in UInt64(0)..<4 where k != lane { lanes |= other << (16 * k) }
                    #expect(MailDate.digitPairs(lanes) >> (16 * lane) & 0xFFFF == pair, "\(value) lane \(lane) beside \(other)")
                }
            }
        }
    }

    /// `civilFromDaysSinceYearOne` is `civilFromDays` over the years 1...9999 (its ends, every day of
    /// years around the leap rules, and random days).
    @Test func civilFromDaysSinceYearOneMatches() {
        var random = SplitMix64(seed: 0x1_0001)
        let yearOne: Int64 = -719_162, last: Int64 = 2_932_896  // 0001-01-01 and 9999-12-31, days since 1970
        var days: [Int64] = [yearOne, last, 0, -1]
        for start in [yearOne, -135_140 /* 1600 */, -25_567 /* 1900 */, 10_957 /* 2000 */, 47_482 /* 2100 */, last - 800] {
            days += (start...(start + 800)).filter { $0 <= last }
        }
        for _ in 0..<20_000 { days.append(yearOne + Int64(random.below(Int(last - yearOne + 1)))) }
        for day in days {
            let (y, m, d) = CivilCalendar.civilFromDaysSinceYearOne(UInt64(day - yearOne))
            let expected = CivilCalendar.civilFromDays(day)
            #expect(Int(y) == expected.0 && Int(m) == expected.1 && Int(d) == expected.2, "\(day)")
        }
    }
}

/// `DateScanner.date`, which checks only what the canonical reading leaves unchecked, makes the date
/// `MailDate`'s checking initializer makes of the same fields, over the ranges the reading gives.
@Suite struct CanonicalFieldsDateTests {
    @Test func matchesTheCheckingInitializer() {
        var random = SplitMix64(seed: 0xCA7E)
        for k in 0..<40_000 {
            let year = k < 20 ? [0, 1, 9999, 1600, 1900, 2000, 2024, 2100, 4, 100][k % 10] : random.below(10_000)
            let f = DateScanner.CanonicalFields(
                day: random.below(100), month: 1 + random.below(12), year: year, hour: random.below(100) / (k % 2 + 1),
                minute: random.below(100) / (k % 2 + 1), second: random.below(100) / (k % 2 + 1),
                zone: (random.below(2) == 0 ? -1 : 1) * (random.below(24) * 60 + random.below(60)))
            let expected = MailDate(year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute,
                                    second: f.second, utcOffsetMinutes: f.zone)
            #expect(DateScanner.date(f) == expected, "\(f)")
        }
    }
}

/// `CivilCalendar.daysFromValidCivil`, the table and unsigned arithmetic `MailDate` uses, is
/// `daysFromCivil` on every valid date of the years around each leap rule and of random years.
@Suite struct DaysFromValidCivilTests {
    @Test func matchesDaysFromCivil() {
        var random = SplitMix64(seed: 0xDA75)
        var years = [1, 2, 3, 4, 5, 99, 100, 101, 399, 400, 401, 1600, 1700, 1899, 1900, 1969, 1970, 1971, 2000,
                     2023, 2024, 2100, 2400, 9996, 9999]
        for _ in 0..<200 { years.append(1 + random.below(9999)) }
        for year in years {
            for month in 1...12 {
                for day in 1...CivilCalendar.daysInMonth(year: year, month: month) {
                    #expect(CivilCalendar.daysFromValidCivil(year: year, month: month, day: day)
                            == CivilCalendar.daysFromCivil(year: year, month: month, day: day), "\(year)-\(month)-\(day)")
                }
            }
        }
    }
}
