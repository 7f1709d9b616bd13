import Backscatter
@testable import BackscatterCLI
import MailParsing
import Testing
import TestSupport

/// The JSON writer's strings (`JSONWriter.string`, sixteen bytes at a time, escapes written from the
/// end pointer each write returns) read as a plain escaper a byte at a time writes them, in blocks of
/// every size from too small to ample (`withDocument`: the line written again when it did not fit).
struct JSONWriterStringTests {
    /// `text` quoted and escaped a byte at a time.
    static func reference(_ text: String) -> String {
        var out = Array("\"".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// The document of `texts` as an array of strings, written into a block of `capacity` bytes.
    static func written(_ texts: [String], capacity: Int) -> String {
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { block.deallocate() }
        return JSONWriter.withDocument(in: block, capacity: capacity, { $0.strings(texts) }) {
            String(decoding: $0, as: UTF8.self)
        }
    }

    @Test func stringsReadAsAByteAtATimeEscaperWritesThem() {
        // Mostly plain bytes, some that need an escape, some beyond ASCII.
        let alphabet: [String] = ["a", "b", "Z", " ", "0", "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{C}",
                                  "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}"]
        var generator = SplitMix64(seed: 41)
        for _ in 0..<400 {
            var texts: [String] = []
            for _ in 0..<generator.below(4) &+ 1 {
                let length = generator.below(70)
                let escapes = generator.below(3) == 0
                texts.append((0..<length).map { _ in
                    escapes ? alphabet[generator.below(alphabet.count)] : alphabet[generator.below(5)]
                }.joined())
            }
            let expected = "[" + texts.map(Self.reference).joined(separator: ",") + "]"
            for capacity in [1, 8, 16, 24, 40, 64, 100, expected.utf8.count, expected.utf8.count + 8, 4096] {
                #expect(Self.written(texts, capacity: capacity) == expected, "\(texts) in \(capacity)")
            }
        }
    }

    /// A plain string with one byte to escape at each place, of every length up to five blocks: the
    /// plain blocks before it written by the sixteen-byte loop, the rest from that block or the last
    /// sixteen bytes on by the escaping one (`writeContentEscaping`).
    @Test func oneEscapeAtEachPlaceAfterPlainBlocks() {
        for length in 1...80 {
            for place in 0..<length {
                for escaped in ["\"", "\n", "\u{1}", "\u{7F}"] {
                    let text = String(repeating: "a", count: place) + escaped
                        + String(repeating: "é", count: (length &- place &- 1) / 2) + String(repeating: "b", count: (length &- place &- 1) % 2)
                    let expected = "[" + Self.reference(text) + "]"
                    for capacity in [16, expected.utf8.count, 4096] {
                        #expect(Self.written([text], capacity: capacity) == expected, "\(text) in \(capacity)")
                    }
                }
            }
        }
    }

    /// Every ASCII byte at each place of strings of the lengths where the paths change: escaped
    /// exactly where the byte-at-a-time escaper escapes it (`escapeMarks`' flipped-bit compare
    /// takes in `"` and no neighbour of it or of 0x20).
    @Test func everyASCIIByteAtEachPlace() {
        for length in [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 64, 65] {
            for place in 0..<length {
                for byte in UInt8(0)..<0x80 {
                    let text = String(repeating: "a", count: place) + String(UnicodeScalar(byte))
                        + String(repeating: "z", count: length &- place &- 1)
                    #expect(Self.written([text], capacity: 4096) == "[" + Self.reference(text) + "]", "\(text)")
                }
            }
        }
    }

    /// The byte-at-a-time path for a string whose UTF-8 is not contiguous (`appendQuoted(bytes:)`, never
    /// taken on Linux, where every String is) writes what the sixteen-byte path writes, in every block size.
    @Test func bytesOneAtATimeReadAsTheStringPathWritesThem() {
        let alphabet: [String] = ["a", "Z", " ", "\"", "\\", "\n", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1F}", "\u{7F}",
                                  "é", "😀"]
        var generator = SplitMix64(seed: 43)
        for _ in 0..<200 {
            let text = (0..<generator.below(40)).map { _ in alphabet[generator.below(alphabet.count)] }.joined()
            let expected = Self.reference(text)
            for capacity in [1, 8, 16, 24, expected.utf8.count, expected.utf8.count + 8, 4096] {
                let block = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                defer { block.deallocate() }
                let written = JSONWriter.withDocument(in: block, capacity: capacity, {
                    $0.appendQuoted(bytes: text.utf8)
                }) { String(decoding: $0, as: UTF8.self) }
                #expect(written == expected, "\(text) in \(capacity)")
            }
        }
    }

    /// A date's ISO 8601 bytes stored as words (`JSONWriter.member(_:isoWords:)`, `MailDate.iso8601Words`)
    /// read as its text written as a string, in every block size: random dates over the whole range
    /// the words cover and past its ends (nil words there: the text is made otherwise), every offset
    /// sign, and the edges (0001-01-01, 9999-12-31T23:59:59, offsets of 99:59 and 100:00).
    @Test func isoDatesReadAsTheirText() {
        var dates = [MailDate(secondsSince1970: -62_135_596_800, utcOffsetMinutes: 0),
                     MailDate(secondsSince1970: 253_402_300_799, utcOffsetMinutes: 0),
                     MailDate(secondsSince1970: 253_402_300_800, utcOffsetMinutes: 0),
                     MailDate(secondsSince1970: -62_135_596_801, utcOffsetMinutes: 0),
                     MailDate(secondsSince1970: 0, utcOffsetMinutes: 99 * 60 + 59),
                     MailDate(secondsSince1970: 0, utcOffsetMinutes: -(100 * 60)),
                     MailDate(secondsSince1970: 1_767_225_600, utcOffsetMinutes: -330)]
        var generator = SplitMix64(seed: 59)
        for _ in 0..<2_000 {
            let seconds = Int64(bitPattern: generator.next() % 320_000_000_000) - 64_000_000_000
            let offset = Int(generator.next() % 12_001) - 6_000
            dates.append(MailDate(secondsSince1970: seconds, utcOffsetMinutes: offset))
        }
        for date in dates {
            if let words = date.iso8601Words {
                var bytes: [UInt8] = []
                for word in [words.0, words.1, words.2] { for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: word >> (8 * k))) } }
                bytes.append(UInt8(truncatingIfNeeded: words.3))
                #expect(words.3 >> 8 == 0, "\(date)")
                #expect(String(decoding: bytes, as: UTF8.self) == date.iso8601, "\(date)")
                let expected = "{\"date\":" + Self.reference(date.iso8601) + ",\"n\":1}"
                for capacity in [1, 16, 30, 40, expected.utf8.count, expected.utf8.count + 8, 256] {
                    let block = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                    defer { block.deallocate() }
                    let written = JSONWriter.withDocument(in: block, capacity: capacity, { json in
                        json.beginObject()
                        json.member("date", isoWords: words)
                        json.member("n", 1)
                        json.endObject()
                    }) { String(decoding: $0, as: UTF8.self) }
                    #expect(written == expected, "\(date) in \(capacity)")
                }
            }
        }
    }

    /// A record's dates written as the record holds them (`JSONLinesFormat`'s `writeDate`): a date read
    /// (`RecordDate.mail`, its bytes stored from `MailDate.iso8601Words`, or the text `iso8601` makes
    /// outside their range) gives the line the same record gives with the text set (`RecordDate.text`),
    /// and no date gives null, for the record's date and its original's.
    @Test func recordDatesWriteAsTheirText() {
        var dates = [MailDate(secondsSince1970: 1_767_225_600, utcOffsetMinutes: -330),
                     MailDate(secondsSince1970: 253_402_300_800, utcOffsetMinutes: 0),
                     MailDate(secondsSince1970: 0, utcOffsetMinutes: -(100 * 60))]
        var generator = SplitMix64(seed: 61)
        for _ in 0..<300 {
            let seconds = Int64(bitPattern: generator.next() % 320_000_000_000) - 64_000_000_000
            dates.append(MailDate(secondsSince1970: seconds, utcOffsetMinutes: Int(generator.next() % 12_001) - 6_000))
        }
        for (index, date) in dates.enumerated() {
            let other = dates[(index + 1) % dates.count]
            var read = ScanRecord(source: "s", index: index, offset: 0, length: 1, sequence: index)
            read.dateValue = .mail(date)
            read.original.dateValue = .mail(other)
            var given = read
            given.date = date.iso8601
            given.original.date = other.iso8601
            let line = String(decoding: JSONLinesFormat.line(read), as: UTF8.self)
            #expect(line == String(decoding: JSONLinesFormat.line(given), as: UTF8.self), "\(date)")
            #expect(line.contains("\"date\":\"" + date.iso8601 + "\""), "\(date)")
            #expect(read.date == date.iso8601 && read.original == given.original, "\(date)")
        }
        var none = ScanRecord(source: "s", index: 0, offset: 0, length: 1, sequence: 0)
        none.dateValue = .init(nil)
        let line = String(decoding: JSONLinesFormat.line(none), as: UTF8.self)
        #expect(line.contains("\"messageId\":null,\"date\":null,"))
        #expect(line.contains("\"subject\":null,\"date\":null,"))
    }
}

/// `explain`'s word wrap: lines stay within their width whatever the words (`ExplainReport.wrap`).
@Suite struct ExplainWrapTests {
    static func width(_ text: String) -> Int { text.split(separator: "\n").map(\.count).max() ?? 0 }

    @Test func wordsLongerThanALineAreCutAcrossLines() {
        let run = String(repeating: "a", count: 1_000)
        let text = ExplainReport.wrap("before " + run + " after", first: "    the server said: ", rest: "      ", width: 100)
        #expect(Self.width(text) <= 100, "\(text)")
        #expect(text.replacingOccurrences(of: "\n      ", with: "").contains(run), "nothing lost")
        #expect(text.hasPrefix("    the server said: before aaa"))
        #expect(text.hasSuffix(" after\n"))
    }

    @Test func ordinaryWordsWrapAsBefore() {
        let words = (0..<40).map { "word\($0)" }.joined(separator: " ")
        let text = ExplainReport.wrap(words, first: "  ", width: 40)
        #expect(Self.width(text) <= 40)
        #expect(text.split(separator: "\n").allSatisfy { !$0.hasSuffix(" ") })
        #expect(text.split(separator: "\n").joined(separator: " ").split(separator: " ").joined(separator: " ") == words)
    }

    @Test func longValuesAreShortenedWithAnEllipsis() {
        #expect(ExplainReport.shortened("abc", 5) == "abc")
        #expect(ExplainReport.shortened(String(repeating: "x", count: 600)) == String(repeating: "x", count: 500) + "…")
    }
}
