import Foundation
import Testing
import TestSupport
@testable import DeliveryStatus
import MailParsing

/// The byte-scanning code finders against the String-era versions they replaced (kept here as
/// references), on edge cases and on random texts dense in digits, dots and the bytes the rules
/// look at.
@Suite struct CodeFinderReferenceTests {
    static let edgeCases: [String] = [
        "", "5", "5.1.1", " 5.1.1", "5.1.1 ", "x5.1.1", "v5.1.1", "/5.1.1", "15.1.1", ".5.1.1", "5.1.1000", "5.1.100",
        "5.0.0 5.1.1", "4.4.7 and 5.7.1", "192.0.2.1", "192.0.2.15.1.1", "1.2.3.4.5.1.1", "5.1.1.1.1", "255.255.255.255 5.2.2",
        "256.1.1.1 5.1.1", "1.2.3 5.1.3 5.7.1", "5.1.1 5.5.1", "5.1.1 5.0.1", "5.3.0 4.7.0", "4.5.1 4.5.2 5.5.4 5.5.5",
        "550 5.1.1 <a@b.example>... User unknown", "X-Unix; 550 exit 5.1.1", "x-unix 421", "421 then 550", "2.0.0 250 ok",
        "5.1.1\u{301} é 5.7.1", "5.8.1 5.7.10 4.2.01", "5.1.1.", "5.1.", "5..1.1", "4.4.70 5.0.00 5.0.0123",
        "550-5.7.26 DMARC 550 5.7.26 https://x", "1234 999 600 199 550.", "x550 550x -550- /550/ 5501",
        "550 X-UNIX", "550 x-Unix;", "550 -unix", "550 x-uni", "ax-unixb 421", "x--unix 550", "x-unix", "550x-unix", "-x-unix- 550",
        "12345678901234567890 550 12345678 421 1234567 251", "abcdefg550hijklmn 550 opqrstu 452,", "        550", "550        ",
    ]

    static func randomTexts(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        let alphabet = Array("0123456789012345.........  vV/x-unixX-UNIX;é".unicodeScalars)
        return (0..<count).map { _ in
            let length = Int(generator.next() % 40)
            var s = String.UnicodeScalarView()
            for _ in 0..<length { s.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            return String(s)
        }
    }

    @Test func enhancedStatusCodeFindMatchesReference() {
        for text in Self.edgeCases + Self.randomTexts(count: 50_000, seed: 1) {
            for statusClass in [nil, 2, 4, 5] as [UInt8?] {
                #expect(EnhancedStatusCode.find(in: text, statusClass: statusClass) == Reference.findStatus(in: text, statusClass: statusClass),
                        "\(text) class \(String(describing: statusClass))")
                #expect(EnhancedStatusCode.find(in: text[...], statusClass: statusClass) == Reference.findStatus(in: text, statusClass: statusClass))
            }
        }
    }

    @Test func replyCodeFindMatchesReference() {
        for text in Self.edgeCases + Self.randomTexts(count: 50_000, seed: 2) {
            for statusClass in [nil, 2, 3, 4, 5] as [UInt8?] {
                #expect(ReplyCode.find(in: text, statusClass: statusClass) == Reference.findReply(in: text, statusClass: statusClass),
                        "\(text) class \(String(describing: statusClass))")
            }
        }
    }
}

extension CodeFinderReferenceTests {
    /// `findNotingContinuation` is `find` and, when it finds a code, `Diagnostic.containsContinuation`
    /// (one walk over the dashes for both): on the edge cases, random texts, long texts, and texts of
    /// codes before dashes (`550-`, `1550-`, `550--`, at the text's start and end).
    @Test func findNotingContinuationIsFindAndTheContinuationTest() {
        var texts = Self.edgeCases + Self.randomTexts(count: 20_000, seed: 5) + Self.longTexts()
        let pieces = ["550-", "421-", "1550-", "550--", "-", "--", "x-unix", "X-UNIX-", " ", "550 ", "5.1.1", "999-", "55-", "a"]
        var generator = SplitMix64(seed: 6)
        for _ in 0..<20_000 {
            texts.append((0..<Int(generator.next() % 8)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined())
        }
        for text in texts {
            for statusClass in [nil, 2, 4, 5] as [UInt8?] {
                let code = ReplyCode.find(in: text, statusClass: statusClass)
                let found = ReplyCode.findNotingContinuation(in: text, statusClass: statusClass)
                #expect(found.code == code, "\(text) class \(String(describing: statusClass))")
                #expect(found.continued == (code.map { Diagnostic.containsContinuation(of: $0, in: text) } ?? false),
                        "\(text) class \(String(describing: statusClass))")
            }
        }
    }

    /// Codes and near-misses at every offset of texts 16 to 72 bytes long, next to a letter or a digit
    /// (the finders read sixteen starts at a time from 17 or 18 bytes on, the last block overlapping),
    /// and random texts up to 300 bytes with codes dropped in.
    static func longTexts() -> [String] {
        let pieces = ["550", "421", "251", "354", "5.1.1", "4.4.7", "2.0.0", "5.0.0", "4.2.01", "5501", "55", "5a0", "600",
                      "x-unix", "192.0.2.1", "v5.1.1", ".550", "550.", "-550-", "/421", "5.1", "5.", "5.1.1000"]
        var texts: [String] = []
        for filler in ["a", "7", " "] {
            for length in 16...72 {
                for piece in pieces where piece.utf8.count <= length {
                    for offset in 0...(length - piece.utf8.count) {
                        texts.append(String(repeating: filler, count: offset) + piece
                                     + String(repeating: filler, count: length - offset - piece.utf8.count))
                    }
                }
            }
        }
        var generator = SplitMix64(seed: 4)
        let alphabet = Array("0123456789012345.........  vV/x-unixX-UNIX;é\r\nab".unicodeScalars)
        for _ in 0..<5_000 {
            let length = Int(generator.next() % 300)
            var s = String.UnicodeScalarView()
            for _ in 0..<length {
                if generator.next() % 16 == 0 {
                    s.append(contentsOf: pieces[Int(generator.next() % UInt64(pieces.count))].unicodeScalars)
                } else {
                    s.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
                }
            }
            texts.append(String(s))
        }
        return texts
    }

    @Test func findersMatchReferenceOnLongTexts() {
        for text in Self.longTexts() {
            for statusClass in [nil, 2, 4, 5] as [UInt8?] {
                #expect(ReplyCode.find(in: text, statusClass: statusClass) == Reference.findReply(in: text, statusClass: statusClass),
                        "\(text) class \(String(describing: statusClass))")
                #expect(EnhancedStatusCode.find(in: text, statusClass: statusClass) == Reference.findStatus(in: text, statusClass: statusClass),
                        "\(text) class \(String(describing: statusClass))")
            }
        }
    }
}

extension CodeFinderReferenceTests {
    /// `ReplyCode.findCodes` (both codes from one sixteen-byte pass) is `EnhancedStatusCode.find` and then
    /// `findNotingContinuation` of its class: on the edge cases, random texts, the long texts (codes at
    /// every offset, across the last block's overlap), and texts dense in status code candidates whose
    /// order matters (a class digit's resumption, masked addresses, runs of digits and dots).
    @Test func findCodesIsBothFinders() {
        var texts = Self.edgeCases + Self.randomTexts(count: 20_000, seed: 7) + Self.longTexts()
        let pieces = ["5.x", "5.1.1", "4.4.7", "5.0.0", "2.0.0", "192.0.2.1", "10.5.1.1", "5.5.1.1", "550", "421-", "550-",
                      "x-unix", "v", "/", ".", "4.", "2.1.", "1.2.3.4.5.1.1", " ", "a", "7", "5.1.1000", "4.2.01"]
        var generator = SplitMix64(seed: 8)
        for _ in 0..<20_000 {
            texts.append((0..<Int(generator.next() % 40)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined())
        }
        for text in texts {
            let status = EnhancedStatusCode.find(in: text)
            let (reply, continued) = ReplyCode.findNotingContinuation(in: text, statusClass: status?.statusClass)
            let found = ReplyCode.findCodes(in: text)
            #expect(found.status == status && found.reply == reply && found.continued == continued, "\(text)")
        }
    }
}

extension CodeFinderReferenceTests {
    /// `prefer` on the codes' numbers against `preferText` on their descriptions, as it was.
    @Test func preferMatchesTheTextRule() {
        var generator = SplitMix64(seed: 3)
        let parts: [Int] = [0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 13, 20, 26, 40, 50, 100, 120, 200, 404, 500, 999]
        var codes: [EnhancedStatusCode?] = [nil]
        for c in [2, 4, 5] { for s in parts { for d in parts { codes.append(EnhancedStatusCode(statusClass: c, subject: s, detail: d)) } } }
        let replies: [ReplyCode?] = [nil, ReplyCode(250), ReplyCode(421), ReplyCode(550)]
        for _ in 0..<200_000 {
            let f = codes[Int(generator.next() % UInt64(codes.count))]
            let t = codes[Int(generator.next() % UInt64(codes.count))]
            let r = replies[Int(generator.next() % UInt64(replies.count))]
            let expected = EnhancedStatusCode(EnhancedStatusCode.preferText(f?.description ?? "", t?.description ?? "", r?.description))
            #expect(EnhancedStatusCode.prefer(field: f, inText: t, replyCode: r) == expected, "\(String(describing: f)) \(String(describing: t)) \(String(describing: r))")
        }
    }
}

extension CodeFinderReferenceTests {
    /// The digit-by-digit description against string interpolation.
    @Test func descriptionMatchesInterpolation() {
        for c in [2, 4, 5] {
            for s in 0...999 {
                for d in [0, 1, 9, 10, 11, 99, 100, 101, 999, s] {
                    let code = EnhancedStatusCode(statusClass: c, subject: s, detail: d)
                    #expect(code?.description == "\(c).\(s).\(d)")
                }
            }
        }
    }
}

/// The String-era finders, as they were before the byte scans.
enum Reference {
    static func findStatus(in text: some StringProtocol, statusClass: UInt8? = nil) -> EnhancedStatusCode? {
        guard text.utf8.count >= 5 else { return nil }
        var bytes: [UInt8] = []
        bytes.append(ASCIIByte.space)
        bytes.append(contentsOf: text.utf8)
        bytes.append(contentsOf: [ASCIIByte.space, ASCIIByte.space, ASCIIByte.space])
        maskIPv4(&bytes)
        let classes: [UInt8] = statusClass.map { [$0 + ASCIIByte.zero] } ?? [UInt8(ascii: "5"), UInt8(ascii: "4"), UInt8(ascii: "2")]
        var starts: [Int] = []
        var resume = [Int](repeating: 1, count: classes.count)
        var i = 1
        while i + 1 < bytes.count {
            if bytes[i + 1] == ASCIIByte.dot, let k = classes.firstIndex(of: bytes[i]), i >= resume[k] {
                starts.append(i)
                resume[k] = i + 5
            }
            i += 1
        }
        var found: [String] = []
        var weak: String? = nil
        for i in starts {
            let before = bytes[i - 1]
            if ASCIIByte.isDigit(before) || before == ASCIIByte.dot || before == ASCIIByte.slash { continue }
            if before == ASCIIByte.upperV || before == ASCIIByte.lowerV { continue }
            guard i + 4 < bytes.count else { continue }
            let subject = bytes[i + 2]
            guard subject >= ASCIIByte.zero, subject <= UInt8(ascii: "7"), bytes[i + 3] == ASCIIByte.dot,
                  ASCIIByte.isDigit(bytes[i + 4]) else { continue }
            var end = i + 5
            while end < bytes.count, end < i + 7, ASCIIByte.isDigit(bytes[end]) { end += 1 }
            let first = String(decoding: bytes[i..<(i + 5)], as: UTF8.self)
            if first.hasSuffix(".0.0") || first == "4.4.7" {
                weak = first
                continue
            }
            if end < bytes.count, ASCIIByte.isDigit(bytes[end]) { continue }
            found.append(String(decoding: bytes[i..<end], as: UTF8.self))
        }
        if let weak { found.append(weak) }
        guard var chosen = found.first else { return nil }
        for next in found.dropFirst() { chosen = EnhancedStatusCode.preferText(chosen, next, nil) }
        return EnhancedStatusCode(chosen)
    }

    static func maskIPv4(_ bytes: inout [UInt8]) {
        var i = 0
        while i < bytes.count {
            guard ASCIIByte.isDigit(bytes[i]), i == 0 || !(ASCIIByte.isDigit(bytes[i - 1]) || bytes[i - 1] == ASCIIByte.dot) else {
                i += 1; continue
            }
            var j = i, octets = 0, ok = true
            while octets < 4 {
                var value = 0, n = 0
                while j < bytes.count, n < 4, ASCIIByte.isDigit(bytes[j]) { value = value * 10 + Int(bytes[j] - ASCIIByte.zero); j += 1; n += 1 }
                if n == 0 || n > 3 || value > 255 { ok = false; break }
                octets += 1
                if octets < 4 {
                    if j < bytes.count, bytes[j] == ASCIIByte.dot { j += 1 } else { ok = false; break }
                }
            }
            if ok, octets == 4, !(j < bytes.count && ASCIIByte.isDigit(bytes[j])) {
                for k in i..<j where ASCIIByte.isDigit(bytes[k]) { bytes[k] = UInt8(ascii: "*") }
                i = j
            } else {
                i += 1
            }
        }
    }

    static func findReply(in text: some StringProtocol, statusClass: UInt8? = nil) -> ReplyCode? {
        guard text.utf8.count >= 3 else { return nil }
        var bytes: [UInt8] = []
        bytes.append(ASCIIByte.space)
        bytes.append(contentsOf: text.utf8)
        bytes.append(ASCIIByte.space)
        if bytes[...].firstRange(ofCaseInsensitive: "x-unix") != nil { return nil }
        let candidates: [UInt16]
        switch statusClass {
        case 2: candidates = ReplyCode.successCodes
        case 4: candidates = ReplyCode.transientCodes
        case 5: candidates = ReplyCode.permanentCodes
        default: candidates = ReplyCode.permanentCodes + ReplyCode.transientCodes + ReplyCode.successCodes
        }
        func joins(_ b: UInt8) -> Bool { b > 45 && b < 58 }
        func digit(_ b: UInt8) -> Bool { b >= ASCIIByte.zero && b <= ASCIIByte.nine }
        var present = [Bool](repeating: false, count: 600)
        var any = false
        var i = 1
        while i + 3 < bytes.count {
            let b0 = bytes[i]
            if b0 >= UInt8(ascii: "2"), b0 <= UInt8(ascii: "5"), digit(bytes[i + 1]), digit(bytes[i + 2]),
               !joins(bytes[i - 1]), !joins(bytes[i + 3]) {
                present[Int(b0 - ASCIIByte.zero) * 100 + Int(bytes[i + 1] - ASCIIByte.zero) * 10 + Int(bytes[i + 2] - ASCIIByte.zero)] = true
                any = true
            }
            i += 1
        }
        guard any else { return nil }
        for code in candidates where present[Int(code)] { return ReplyCode(Int(code)) }
        return nil
    }
}

extension CodeFinderReferenceTests {
    /// Every diagnostic of the sisimai bsd maildir, every line of its messages and each message whole.
    static func sisimaiTexts() throws -> [String] {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return [] }
        var texts = try SisimaiDiagnostics.texts()
        let folder = Corpus.path("sisimai/maildir/bsd")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let bytes = [UInt8](data)
            texts.append(String(decoding: bytes, as: UTF8.self))
            for line in bytes.split(separator: 10, omittingEmptySubsequences: false) { texts.append(String(decoding: line, as: UTF8.self)) }
        }
        return texts
    }

    /// Random texts made of the pieces the status finder's rules turn on: class digits before dots,
    /// IPv4-like runs (some too long, some with an octet over 255, some of six or seven bytes), versions
    /// and paths, codes at the start and the end, CR/LF, 8-bit bytes.
    static func statusFinderTexts(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SplitMix64(seed: seed)
        let pieces: [[UInt8]] = ["5.1.1", "4.4.7", "2.0.0", "5.0.0", "4.7.0", "5.3.4", "5.5.1", "5.1.10", "4.2.01", "5.7.1000",
                                 "192.0.2.1", "10.5.1.1", "5.1.1.1", "2.5.1.", "1.2.5.3", "25.5.1", "1.2.3.45", "1.2.3.4.5.1.1", "256.1.1.1", "1.2.3.", "2.5.", "5.x5.1.1",
                                 "v5.1.1", "/4.2.2", "-5.2.2", "550 ", "5.", ".", "..", "4", "5", "2", " ", "\r\n", "\u{e9}"]
            .map { Array($0.utf8) }
        let bytes: [UInt8] = Array("0123456789.. aZvV/-;".utf8) + [0x80, 0xC3, 0xFF]
        return (0..<count).map { _ in
            var text: [UInt8] = []
            let length = Int(generator.next() % 120)
            while text.count < length {
                if generator.next() % 3 == 0 {
                    text += pieces[Int(generator.next() % UInt64(pieces.count))]
                } else {
                    text.append(bytes[Int(generator.next() % UInt64(bytes.count))])
                }
            }
            return text
        }
    }

    /// `EnhancedStatusCode.find(inUTF8:statusClass:)`, which parses no run shorter than seven bytes as
    /// an address, against the scan that parsed every run (kept below) and the String-era reference,
    /// on the corpus and on random byte texts.
    @Test func statusFinderMatchesTheEveryRunScan() throws {
        // A seven-byte address masks a class digit in it, which then holds back no candidate after it.
        var texts = ["1.2.5.3x5.1.1", "1.2.5.3 5.1.1", "10.2.5.3x5.1.1", "1.2.5x5.1.1", "1.2.4.3x4.1.1", "1.2.2.3x2.1.1"].map { Array($0.utf8) }
        #expect(EnhancedStatusCode.find(in: "1.2.5.3x5.1.1") == EnhancedStatusCode(statusClass: 5, subject: 1, detail: 1))
        texts += try Self.sisimaiTexts().map { Array($0.utf8) }
        texts += Self.statusFinderTexts(count: 60_000, seed: 5)
        for text in texts {
            for statusClass in [nil, 2, 4, 5] as [UInt8?] {
                let found = text.withUnsafeBufferPointer { EnhancedStatusCode.find(inUTF8: $0, statusClass: statusClass) }
                let everyRun = text.withUnsafeBufferPointer { EveryRunReference.findStatus(inUTF8: $0, statusClass: statusClass) }
                #expect(found == everyRun, "\(text) class \(String(describing: statusClass))")
            }
        }
        for text in Self.statusFinderTexts(count: 5_000, seed: 6) {
            let string = String(decoding: text, as: UTF8.self)
            #expect(EnhancedStatusCode.find(in: string) == Reference.findStatus(in: string), "\(text)")
        }
    }
}

/// The status finder as it was before runs under seven bytes were let pass unparsed: every run of
/// digits and dots holding a candidate was parsed as an address.
enum EveryRunReference {
    static func findStatus(inUTF8 text: UnsafeBufferPointer<UInt8>, statusClass: UInt8?) -> EnhancedStatusCode? {
        let n = text.count
        guard n >= 5, let base = text.baseAddress else { return nil }
        func digitOrDot(_ b: UInt8) -> Bool { ASCIIByte.isDigit(b) || b == ASCIIByte.dot }
        let only = statusClass.map { $0 + ASCIIByte.zero }
        var resume5 = 0, resume4 = 0, resume2 = 0
        var runEnd = 0, maskedEnd = 0
        var chosen: Range<Int>? = nil
        var weak: Range<Int>? = nil
        var from = 1
        while from < n, let hit = memchr(base + from, Int32(ASCIIByte.dot), n - from) {
            let dot = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            from = dot + 1
            let i = dot - 1
            let b = text[i]
            if let only {
                guard b == only else { continue }
            } else {
                guard b == UInt8(ascii: "5") || b == UInt8(ascii: "4") || b == UInt8(ascii: "2") else { continue }
            }
            if i >= runEnd {
                var start = i
                while start > 0, digitOrDot(text[start - 1]) { start -= 1 }
                var end = dot + 1
                while end < n, digitOrDot(text[end]) { end += 1 }
                runEnd = end
                maskedEnd = ASCIIByte.isDigit(text[start]) ? (EnhancedStatusCode.ipv4End(in: text, from: start) ?? start) : start
            }
            if i < maskedEnd { continue }
            if only != nil || b == UInt8(ascii: "5") {
                guard i >= resume5 else { continue }
                resume5 = i + 5
            } else if b == UInt8(ascii: "4") {
                guard i >= resume4 else { continue }
                resume4 = i + 5
            } else {
                guard i >= resume2 else { continue }
                resume2 = i + 5
            }
            let before = i == 0 ? ASCIIByte.space : text[i - 1]
            if digitOrDot(before) || before == ASCIIByte.slash { continue }
            if before == ASCIIByte.upperV || before == ASCIIByte.lowerV { continue }
            guard i + 4 < n else { continue }
            let subject = text[i + 2]
            guard subject >= ASCIIByte.zero, subject <= UInt8(ascii: "7"), text[i + 3] == ASCIIByte.dot,
                  ASCIIByte.isDigit(text[i + 4]) else { continue }
            var end = i + 5
            while end < n, end < i + 7, ASCIIByte.isDigit(text[end]) { end += 1 }
            if (subject == ASCIIByte.zero && text[i + 4] == ASCIIByte.zero)
                || (b == UInt8(ascii: "4") && subject == UInt8(ascii: "4") && text[i + 4] == UInt8(ascii: "7")) {
                weak = i..<(i + 5)
                continue
            }
            if end < n, ASCIIByte.isDigit(text[end]) { continue }
            let found = i..<end
            chosen = chosen.map { EnhancedStatusCode.preferred(field: $0, inText: found, in: text) } ?? found
        }
        if let weak { chosen = chosen.map { EnhancedStatusCode.preferred(field: $0, inText: weak, in: text) } ?? weak }
        guard let chosen else { return nil }
        var detail = 0
        for k in (chosen.lowerBound + 4)..<chosen.upperBound { detail = detail * 10 + Int(text[k] - ASCIIByte.zero) }
        return EnhancedStatusCode(statusClass: Int(text[chosen.lowerBound] - ASCIIByte.zero),
                                  subject: Int(text[chosen.lowerBound + 2] - ASCIIByte.zero), detail: detail)
    }
}
