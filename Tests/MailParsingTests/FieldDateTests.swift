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
