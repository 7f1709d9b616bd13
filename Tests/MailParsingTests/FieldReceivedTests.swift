import Foundation
import Testing
import TestSupport
@testable import MailParsing

/// Rows of Fixtures/fields/received.tsv: real Received values and the expected reading.
struct ReceivedRow: CustomTestStringConvertible, Sendable {
    var columns: [String]
    var testDescription: String { String(columns[0].prefix(60)) }
    func value(_ i: Int) -> String? { columns[i] == "-" ? nil : columns[i] }
}

let receivedRows: [ReceivedRow] = {
    guard let text = try? String(contentsOfFile: Corpus.fixture("fields/received.tsv"), encoding: .utf8) else { return [] }
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
        ReceivedRow(columns: $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
    }
}()

@Suite struct ReceivedFieldTests {
    @Test func fixtureIsPresent() {
        #expect(receivedRows.count >= 35)
        #expect(receivedRows.allSatisfy { $0.columns.count == 10 })
    }

    /// The classifier reads Received values as written, folded: the same reading as unfolded, and only
    /// the clauses asked for.
    @Test(arguments: receivedRows)
    func foldedValueReadsAsUnfolded(_ row: ReceivedRow) {
        let unfolded = ReceivedField.parse(Array(row.columns[0].utf8)[...])
        // Fold before every " by ", "(" and ";" (CRLF + tab), as MTAs do, and inside the date.
        var folded = row.columns[0].replacingOccurrences(of: " by ", with: "\r\n\tby ")
            .replacingOccurrences(of: " (", with: "\r\n (").replacingOccurrences(of: "; ", with: ";\r\n\t")
        if let comma = folded.range(of: ", ", options: .backwards) { folded.replaceSubrange(comma, with: ",\r\n ") }
        let field = ReceivedField.parse(Array(folded.utf8)[...], reading: [.from, .by, .date])
        #expect(field.from?.helo == unfolded.from?.helo)
        #expect(field.from?.reverseDNS == unfolded.from?.reverseDNS)
        #expect(field.from?.ip == unfolded.from?.ip)
        #expect(field.by == unfolded.by)
        #expect(field.date == unfolded.date)
        #expect(field.with == nil && field.id == nil && field.for == nil)
    }

    /// Reading stops once the clauses asked for are complete: what it gives is what reading every
    /// clause gives, whatever the order of the clauses, a comment before the from word, a keyword twice.
    @Test(arguments: receivedRows.map { $0.columns[0] } + [
        "from (comment) host.example.org (host.example.org [192.0.2.7]) by mx.example.net; 1 Jan 2020 00:00 +0000",
        "by mx.example.net from host.example.org ([192.0.2.8]) with SMTP id 1; 1 Jan 2020 00:00 +0000",
        "from a.example (b.example [192.0.2.9]) from c.example by d.example by e.example id X id Y; 2 Jan 2020 00:00 +0000",
        "with ESMTP id Z for <x@example.org> from f.example ([192.0.2.10] helo=g.example); 3 Jan 2020 00:00 +0000",
        "from h.example", "by i.example", "; 4 Jan 2020 00:00 +0000", "",
    ])
    func someClausesReadAsAll(_ value: String) {
        let bytes = Array(value.utf8)[...]
        let all = ReceivedField.parse(bytes)
        let hop = ReceivedField.parse(bytes, reading: [.from, .date])
        #expect(hop.from == all.from)
        #expect(hop.date == all.date)
        #expect(hop.by == nil && hop.with == nil && hop.id == nil && hop.for == nil && hop.via == nil)
        let by = ReceivedField.parse(bytes, reading: [.by, .id])
        #expect(by.by == all.by && by.id == all.id && by.from == nil && by.date == nil)
        let rest = ReceivedField.parse(bytes, reading: [.with, .for])
        #expect(rest.with == all.with && rest.for?.address == all.for?.address)
    }

    @Test(arguments: receivedRows)
    func parsesRealShapes(_ row: ReceivedRow) {
        guard row.columns.count == 10 else { return }
        let field = ReceivedField.parse(Array(row.columns[0].utf8)[...])
        #expect(field.from?.helo == row.value(1), "helo")
        #expect(field.from?.reverseDNS == row.value(2), "reverseDNS")
        #expect(field.from?.ip?.description == row.value(3), "ip")
        if let forged = row.value(4) { #expect(field.from?.mayBeForged == (forged == "yes"), "mayBeForged") }
        #expect(field.by == row.value(5), "by")
        #expect(field.with == row.value(6), "with")
        #expect(field.id == row.value(7), "id")
        #expect(field.for?.address == row.value(8), "for")
        #expect(field.date?.iso8601 == row.value(9), "date")
    }

    @Test func hostileInputsTerminate() {
        let parens = [UInt8](repeating: ASCII.openParen, count: 100_000) + Array("; 1 Jan 2020 00:00 +0000".utf8)
        #expect(ReceivedField.parse(parens[...]).date == nil)
        let words = Array(String(repeating: "from by with id for via ", count: 10_000).utf8)
        let field = ReceivedField.parse(words[...])
        #expect(field.from?.helo == nil)
        let nul: [UInt8] = Array("from a".utf8) + [0] + Array("b ([192.0.2.1]) by c; 1 Jan 2020 00:00 +0000".utf8)
        #expect(ReceivedField.parse(nul[...]).from?.ip == IPAddress("192.0.2.1"))
        let semicolons = [UInt8](repeating: ASCII.semicolon, count: 100_000)
        #expect(ReceivedField.parse(semicolons[...]).date == nil)
        let long = Array("from ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 100_000)
        #expect(ReceivedField.parse(long[...]).from?.helo?.utf8.count == ReceivedTokenizer.maxWordBytes)
    }

    /// Every Received field in sisimai's bounces: parses without a crash; those with a ";" date mostly
    /// have a readable date, and from-clauses showing an address literal yield its IP.
    @Test(.enabled(if: Corpus.isAvailable)) func corpusReceivedFields() throws {
        let folder = Corpus.path("sisimai/maildir/bsd")
        var total = 0, withSemicolon = 0, dated = 0, fromClauses = 0, fromWithIP = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".eml") {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let headers = HeaderSection.parse(Array(data)[...])
            for field in headers.all("received") {
                let value = field.unfoldedValue
                let parsed = ReceivedField.parse(value)
                total += 1
                if ReceivedField.lastTopLevelSemicolon(value) != nil {
                    withSemicolon += 1
                    if parsed.date != nil { dated += 1 } else if ProcessInfo.processInfo.environment["SHOW_MISSES"] != nil {
                        print("UNDATED", value.utf8String.suffix(120))
                    }
                }
                // From-clauses that show an address literal ("[192.0.2.1]", "[IPv6:...]") must yield an IP.
                let text = value.utf8String
                let fromPart = text.range(of: " by ").map { String(text[..<$0.lowerBound]) } ?? text
                let hasLiteral = fromPart.hasPrefix("from") && fromPart.split(separator: "[").dropFirst().contains {
                    $0.first?.isNumber == true || $0.hasPrefix("IPv6:")
                }
                if hasLiteral {
                    fromClauses += 1
                    if parsed.from?.ip != nil { fromWithIP += 1 } else if ProcessInfo.processInfo.environment["SHOW_MISSES"] != nil {
                        print("MISS", text.prefix(200))
                    }
                }
            }
        }
        print("Received in sisimai bsd: \(total) fields, \(dated)/\(withSemicolon) dated, \(fromWithIP)/\(fromClauses) from-clauses with an address literal yield the IP")
        #expect(total > 500)
        #expect(Double(dated) >= 0.98 * Double(withSemicolon))
        #expect(fromClauses > 300)
        #expect(Double(fromWithIP) >= 0.98 * Double(fromClauses))
    }
}

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"), ("[192.0.2.1]", "192.0.2.1"), ("[192.0.2.1]:2222", "192.0.2.1"),
        ("010.000.002.001", "10.0.2.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("2001:db8::1", "2001:db8::1"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"), ("[IPv6:2001:db8::c05:248]", "2001:db8::c05:248"),
        ("::", "::"), ("::1", "::1"), ("1::", "1::"), ("fe80::1%eth0", "fe80::1"), ("[fe80::ffff:ffff:ffff:ffff%22]", "fe80::ffff:ffff:ffff:ffff"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),  // RFC 5952 §4.2.3: first of equal runs
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),        // the longest run
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"), // RFC 5952 §4.2.2: one zero group stays
        ("::ffff:192.0.2.1", "192.0.2.1"), ("::192.0.2.1", "::c000:201"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ])
    func parsesAndPrintsCanonically(_ row: (String, String)) {
        #expect(IPAddress(row.0)?.description == row.1, "\(row.0)")
    }


    /// An IPv4 address's text is written into the String's storage from the bits: the same text as the
    /// octets joined by dots, for every octet of every place (each value 0-255 in each of the four
    /// places, the others drawn with a fixed seed) and the widest and narrowest addresses.
    @Test func printsEveryIPv4OctetAsDecimal() {
        var generator = SplitMix64(seed: 41)  // seeded: every run reads the same inputs
        func nextByte() -> UInt32 { UInt32(generator.below(256)) }
        for place in 0..<4 {
            for octet in UInt32(0)...255 {
                var octets = (0..<4).map { _ in nextByte() }
                octets[place] = octet
                let value = octets.reduce(UInt32(0)) { $0 << 8 | $1 }
                let expected = octets.map { String($0) }.joined(separator: ".")
                #expect(IPAddress(ipv4: value).description == expected)
            }
        }
        #expect(IPAddress(ipv4: 0).description == "0.0.0.0")
        #expect(IPAddress(ipv4: .max).description == "255.255.255.255")
    }

    /// An IPv6 address's text is written into the String's storage from the bits: the same text as
    /// RFC 5952 by arrays (each group `String(_:radix: 16)`, the longest zero run of two or more, the
    /// first on a tie, as `::`), over groups drawn mostly zero, with every digit count.
    @Test func printsIPv6AsByArrays() throws {
        func byArrays(_ groups: [UInt16]) -> String {
            var bestStart = -1, bestLength = 0, runStart = -1
            for i in 0...8 {
                if i < 8, groups[i] == 0 {
                    if runStart < 0 { runStart = i }
                } else if runStart >= 0 {
                    if i - runStart > bestLength, i - runStart >= 2 { bestStart = runStart; bestLength = i - runStart }
                    runStart = -1
                }
            }
            func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
            if bestStart < 0 { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
        }
        var generator = SplitMix64(seed: 6_952)  // seeded: every run reads the same inputs
        let values: [UInt16] = [0, 0, 0, 1, 0xa, 0xf0, 0x100, 0xabc, 0x1000, 0xffff, 0x0db8, 0x2001]
        for _ in 0..<3_000 {
            var groups = (0..<8).map { _ in values[generator.below(values.count)] }
            // Not IPv4-mapped (`::ffff:a.b.c.d` is read as the IPv4 address).
            if groups[0..<5].allSatisfy({ $0 == 0 }), groups[5] == 0xffff { groups[0] = 0x2001 }
            let full = groups.map { String($0, radix: 16) }.joined(separator: ":")
            let address = try #require(IPAddress(full), "\(full)")
            #expect(address.description == byArrays(groups), "\(full)")
        }
    }
    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4x", "a.b.c.d", "1::2::3", ":1", "1:", "12345::",
                      "1:2:3:4:5:6:7:8:9", "[1.2.3.4", "[1.2.3.4]x", "unknown", "1.2.3.-4", "::ffff:1.2.3", "g::1"])
    func rejectsNonAddresses(_ text: String) {
        #expect(IPAddress(text) == nil, "\(text)")
    }

    @Test func networkMembership() throws {
        let (v4net, v4len) = try #require(IPAddress.parseNetwork("198.51.100.0/24"))
        #expect(try #require(IPAddress("198.51.100.4")).isIn(network: v4net, prefixLength: v4len))
        #expect(!(try #require(IPAddress("198.51.101.4")).isIn(network: v4net, prefixLength: v4len)))
        let (v6net, v6len) = try #require(IPAddress.parseNetwork("2001:db8::/32"))
        #expect(try #require(IPAddress("2001:db8:ffff::1")).isIn(network: v6net, prefixLength: v6len))
        #expect(!(try #require(IPAddress("2001:db9::1")).isIn(network: v6net, prefixLength: v6len)))
        #expect(!(try #require(IPAddress("198.51.100.4")).isIn(network: v6net, prefixLength: 0)))
        #expect(try #require(IPAddress("::ffff:198.51.100.9")).isIn(network: v4net, prefixLength: v4len))
        let (host, hostLen) = try #require(IPAddress.parseNetwork("2001:db8::5"))
        #expect(hostLen == 128 && host.isIn(network: host, prefixLength: 128))
        let (single, singleLen) = try #require(IPAddress.parseNetwork("2001:db8::5/127"))
        #expect(try #require(IPAddress("2001:db8::4")).isIn(network: single, prefixLength: singleLen))
        #expect(IPAddress.parseNetwork("10.0.0.0/33") == nil)
        #expect(IPAddress(ipv4: 0xC000_0201).bytes == [192, 0, 2, 1])
        #expect(try #require(IPAddress("2001:db8::1")).bytes.count == 16)
    }
}

/// `IPAddress(bytes:)` reads a buffer pointer and gathers IPv6 groups in two numbers: the same answers
/// as the slice parser with group arrays it replaced (`IPReference`, commit 9327470), on random texts
/// made of the bytes each step turns on.
@Suite struct IPAddressBufferAgreementTests {
    /// The address bytes (4 or 16, network order) the slice parser read, or nil.
    enum IPReference {
        static func parse(_ bytes: ByteSlice) -> [UInt8]? {
            var text = bytes.trimmingWhitespace()
            if text.first == ASCII.openBracket {
                guard let close = text.firstIndex(ofByte: ASCII.closeBracket) else { return nil }
                let after = text[(close + 1)...]
                if !after.isEmpty {
                    guard after.first == ASCII.colon, after.dropFirst().allSatisfy(ASCII.isDigit) else { return nil }
                }
                text = text[(text.startIndex + 1)..<close]
            }
            if text.hasPrefixCaseInsensitive("ipv6:") { text = text.dropFirst(5) }
            if let percent = text.firstIndex(ofByte: UInt8(ascii: "%")) { text = text[..<percent] }
            guard !text.isEmpty, text.count <= 45 else { return nil }
            if text.firstIndex(ofByte: ASCII.colon) == nil {
                return parseV4(text).map { v4 in (0..<4).map { UInt8(truncatingIfNeeded: v4 >> (24 - 8 * UInt32($0))) } }
            }
            guard let groups = parseV6(text) else { return nil }
            if groups[0..<5].allSatisfy({ $0 == 0 }), groups[5] == 0xFFFF {
                return groups[6...].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            }
            return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        }

        static func parseV4(_ text: ByteSlice) -> UInt32? {
            var value: UInt32 = 0, parts = 0, part: UInt32 = 0, digits = 0
            for b in text {
                if ASCII.isDigit(b) {
                    part = part * 10 + UInt32(b - ASCII.zero)
                    digits += 1
                    if digits > 3 || part > 255 { return nil }
                } else if b == ASCII.dot {
                    guard digits > 0, parts < 3 else { return nil }
                    value = value << 8 | part
                    parts += 1
                    part = 0
                    digits = 0
                } else {
                    return nil
                }
            }
            guard digits > 0, parts == 3 else { return nil }
            return value << 8 | part
        }

        static func parseV6(_ text: ByteSlice) -> [UInt16]? {
            var head: [UInt16] = [], tail: [UInt16] = []
            var sawDoubleColon = false
            var i = text.startIndex
            let end = text.endIndex
            if text.count >= 2, text[i] == ASCII.colon {
                guard text[i + 1] == ASCII.colon else { return nil }
                sawDoubleColon = true
                i += 2
            }
            while i < end {
                var j = i
                var value: UInt32 = 0
                while j < end, let v = hexValue(text[j]), j - i < 4 {
                    value = value << 4 | UInt32(v)
                    j += 1
                }
                if j < end, text[j] == ASCII.dot {
                    guard let v4 = parseV4(text[i..<end]) else { return nil }
                    let groups = [UInt16(truncatingIfNeeded: v4 >> 16), UInt16(truncatingIfNeeded: v4)]
                    if sawDoubleColon { tail += groups } else { head += groups }
                    i = end
                    break
                }
                guard j > i else { return nil }
                if sawDoubleColon { tail.append(UInt16(value)) } else { head.append(UInt16(value)) }
                i = j
                if i == end { break }
                guard text[i] == ASCII.colon else { return nil }
                i += 1
                if i < end, text[i] == ASCII.colon {
                    guard !sawDoubleColon else { return nil }
                    sawDoubleColon = true
                    i += 1
                } else if i == end {
                    return nil
                }
            }
            let count = head.count + tail.count
            if sawDoubleColon { guard count <= 7 else { return nil } } else { guard count == 8 else { return nil } }
            return head + [UInt16](repeating: 0, count: 8 - count) + tail
        }
    }

    @Test func randomTextsReadAsTheSliceParser() {
        var random = SplitMix64(seed: 0x1_ADD2)
        let pieces = ["1", "0", "25", "255", "256", "1234", "12345", ".", ":", "::", "a", "F", "ffff", "g", "[", "]", "]:",
                      "IPv6:", "ipv6:", "%", "eth0", " ", "\t", "\r\n", "192.0.2.1", "::ffff:", "fe80", "x", ",", "-", "[192.0.2.1]", "[IPv6:::1]"]
        var texts: [[UInt8]] = [[], Array("[]".utf8), Array("[:]".utf8), Array(":".utf8), Array("::".utf8), Array("[1.2.3.4]:".utf8),
                                Array("1:2:3:4:5:6:7:8".utf8), Array("1:2:3:4:5:6:7::".utf8), Array("::1:2:3:4:5:6:7".utf8),
                                Array("1:2:3:4:5:6:7:8:9".utf8), Array("1::2:3:4:5:6:7:8".utf8), Array("1:2:3:4:5:6:1.2.3.4".utf8),
                                Array("1:2:3:4:5:6:7:1.2.3.4".utf8), Array("::1.2.3.4".utf8), Array(String(repeating: "1:", count: 30).utf8),
                                Array("[192.0.2.1]x".utf8), Array("[192.0.2.1]:25x".utf8), Array("[192.0.2.1]]".utf8),
                                // The "]" found where the address loop stops, or after a colon or a "%".
                                Array("[1.2.3.4%5]".utf8), Array("[1.2.3.4%]]:25".utf8), Array("[IPv6:fe80::1%eth0]:25".utf8),
                                Array("[::1]]".utf8), Array("[IPv]6:::1]".utf8), Array("[1.2.3.4".utf8), Array("[fe80::1%eth0".utf8),
                                Array(" [1.2.3.4] ".utf8), Array("1.2.3.4]".utf8), Array("[1.2.3.4]:2a".utf8)]
        for _ in 0..<20_000 {
            texts.append(Array((0..<random.below(12)).map { _ in pieces[random.below(pieces.count)] }.joined().utf8))
        }
        for text in texts {
            let padded = [UInt8(ascii: "9")] + text
            #expect(IPAddress(bytes: padded[1...])?.bytes == IPReference.parse(padded[1...]), "\(String(decoding: text, as: UTF8.self))")
        }
    }

    /// `IPAddress.plainDottedQuad`, read before the general reading: near-quads of three to five parts
    /// of zero to four digits (up to 9999), brackets on either side or both, read as the slice parser
    /// reads them.
    @Test func dottedQuadsReadAsTheSliceParser() {
        var random = SplitMix64(seed: 0x1_ADD3)
        for round in 0..<20_000 {
            let parts = (0..<(3 + random.below(3))).map { _ -> String in
                let digits = random.below(5)
                return digits == 0 ? "" : String(String(random.below(10_000)).prefix(digits))
            }
            var text = parts.joined(separator: round % 11 == 0 ? ".." : ".")
            if round % 3 != 2 { text = "[" + text }
            if round % 3 != 1 { text += "]" }
            if round % 13 == 0 { text += ":25" }
            let padded = Array(("9" + text).utf8)
            #expect(IPAddress(bytes: padded[1...])?.bytes == IPReference.parse(padded[1...]), "\(text)")
        }
    }
}

/// `lastTopLevelSemicolon` passes over eight bytes at a time where none of `; ( ) \` is: the same
/// answer as the byte-by-byte definition (RFC 5322 §3.6.7: the date follows the last `;` outside
/// comments; a quoted pair escapes the byte after `\`), on random values dense in those bytes.
/// The with clause's protocols a mail fetcher writes (`ReceivedField.isMailboxAccessProtocol`): POP and
/// IMAP and their variants, any case; the transfer protocols and anything else not.
@Suite struct MailboxAccessProtocolTests {
    @Test(arguments: [("POP3", true), ("pop3", true), ("POP", true), ("Pop3s", true), ("POP2", true), ("APOP", true), ("KPOP", true),
                      ("RPOP", true), ("SDPS", true), ("IMAP", true), ("imap4", true), ("IMAP4rev1", true), ("IMAPS", true),
                      ("ESMTP", false), ("ESMTPS", false), ("SMTP", false), ("LMTP", false), ("HTTP", false), ("MAPI", false),
                      ("local", false), ("pop-3", false), ("POP3\u{e9}", false), ("", false), ("PO", false), ("IMA", false),
                      ("IMAP4REV1X", false), ("APOPS", false), ("sdps2", false), ("0POP", false), ("P\u{0}P3", false)])
    func protocolWords(_ word: String, _ fetches: Bool) {
        #expect(Array(word.utf8).withUnsafeBufferPointer { ReceivedField.isMailboxAccessProtocol($0) } == fetches, "\(word)")
    }
}

@Suite struct LastTopLevelSemicolonTests {
    static func byBytes(_ value: ByteSlice) -> Int? {
        var depth = 0, last: Int? = nil, i = value.startIndex
        while i < value.endIndex {
            switch value[i] {
            case ASCII.backslash: i += 1
            case ASCII.openParen: depth += 1
            case ASCII.closeParen: depth = max(0, depth - 1)
            case ASCII.semicolon where depth == 0: last = i
            default: break
            }
            i += 1
        }
        return last
    }

    @Test func wordSkipIsTheByteDefinition() {
        var random = SplitMix64(seed: 0x5E_3100)
        let alphabet = Array("abcdefghij (;)\\ 0123456789.-:[]".utf8)
        // Sparse in the four bytes: whole sixteen-byte blocks and eight-byte words without a mark.
        let sparse = Array("abcdefghijklmnopqrstuvwxyz0123456789 .-:[]".utf8) + Array(";()\\".utf8)
        for round in 0..<6_000 {
            // Up to 300 bytes: values longer than the sixteen-byte blocks and eight-byte words, and
            // short ones read byte by byte.
            let body = random.bytes(round % 3 == 2 ? sparse : alphabet, count: random.below(round % 2 == 0 ? 64 : 300))
            // A prefix shifts the slice, so that its indices do not start at zero.
            let all = [UInt8](repeating: UInt8(ascii: "x"), count: round % 5) + body
            let value = all[(round % 5)...]
            #expect(ReceivedField.lastTopLevelSemicolon(value) == Self.byBytes(value), "\(value.utf8String)")
        }
        let stamp = Array("from a (b [192.0.2.1]) by mx.example.org (Postfix; id 1) with ESMTP id X; Mon, 1 Jan 2024 10:00:00 +0000 (UTC)".utf8)
        #expect(ReceivedField.lastTopLevelSemicolon(stamp[...]) == Self.byBytes(stamp[...]))
        #expect(Self.byBytes(stamp[...]) == 72)  // after "id X", not inside "(Postfix; id 1)"
    }

    /// `mayHoldFrom` and `startsWithFrom` (the test before a hop's reader reads the clauses) against
    /// their byte definitions, on values of 0-80 bytes with `from` in any case at any offset or cut short.
    @Test func fromSearchIsTheByteDefinition() {
        var random = SplitMix64(seed: 0x5E_3102)
        let pieces = ["from", "FROM", "fRoM", "fro", "f", "rom", " ", "\r\n\t", "by", "mx.example.org", "(x)", "ff", "Ffrom"]
        for round in 0..<6_000 {
            let text = (0..<random.below(12)).map { _ in pieces[random.below(pieces.count)] }.joined()
            let bytes = Array(text.utf8.prefix(round % 2 == 0 ? 80 : random.below(81)))
            let lower = bytes.map { $0 | 0x20 }
            let holds = bytes.count >= 4 && (0...(bytes.count - 4)).contains { Array(lower[$0..<($0 + 4)]) == Array("from".utf8) }
            let start = bytes.firstIndex { !ASCII.isWhitespaceOrNewline($0) } ?? bytes.count
            let starts = start + 4 <= bytes.count && Array(lower[start..<(start + 4)]) == Array("from".utf8)
            bytes.withUnsafeBufferPointer { buffer in
                #expect(ReceivedField.mayHoldFrom(buffer) == holds, "\(text)")
                #expect(ReceivedField.startsWithFrom(buffer) == starts, "\(text)")
            }
        }
    }

    /// The last `;` of all, found from the end, is taken when the bytes before it (read for `( ) \`
    /// only, sixteen at a time, the last block overlapping) leave it outside comments and unescaped:
    /// the byte definition's answer on values with one `;` after 0-80 bytes of words, comments and
    /// backslashes (an escaping `\` right before it too), followed by a date and a zone comment.
    @Test func lastSemicolonFromTheEndIsTheByteDefinition() {
        var random = SplitMix64(seed: 0x5E_3101)
        let before = Array("abcdefghij (()) ().-:[]".utf8) + Array("\\(".utf8)
        let after = Array("Mon, 1 Jan 2024 10:00:00 +0000 (UTC)".utf8)
        for round in 0..<6_000 {
            var head = random.bytes(round % 4 == 0 ? before : Array("abc ().".utf8), count: random.below(81))
            if round % 7 == 0 { head.append(ASCII.backslash) }
            let body = head + [ASCII.semicolon, ASCII.space] + after.prefix(random.below(after.count + 1))
            let all = [UInt8](repeating: UInt8(ascii: "x"), count: round % 3) + body
            let value = all[(round % 3)...]
            #expect(ReceivedField.lastTopLevelSemicolon(value) == Self.byBytes(value), "\(value.utf8String)")
        }
    }
}

/// `ReceivedField.Keyword` reads a word's bytes with one four-byte load when four bytes from its start
/// lie in the buffer, and byte by byte at the buffer's end: both readings name the keyword the word
/// spells in any case, and no other word (lengths 1-6, bytes that fold to a keyword letter and ones
/// that do not, 8-bit bytes, the word at the end of the buffer and followed by up to four more bytes).
@Suite struct ReceivedKeywordTests {
    static let keywords: [String: ReceivedField.Keyword] = ["from": .from, "by": .by, "via": .via, "with": .with,
                                                            "id": .id, "for": .for]

    /// The keyword a word spells, ASCII case aside, by its lower-cased text.
    static func byText(_ word: [UInt8]) -> ReceivedField.Keyword? {
        keywords[String(decoding: word.map { ASCII.lowercased($0) }, as: UTF8.self)]
    }

    @Test func loadAndLoopReadTheKeywords() {
        var random = SplitMix64(seed: 0x4B_E7)
        let alphabet = Array("fFrRoOmMbByYvViIaAwWtThHdDx@`;=\u{7F}".utf8) + [0x00, 0x20, 0x46 ^ 0x80, 0xE6]
        var words = Self.keywords.keys.map { Array($0.utf8) } + Self.keywords.keys.map { Array($0.uppercased().utf8) }
        for _ in 0..<20_000 { words.append(random.bytes(alphabet, count: 1 + random.below(6))) }
        for word in words {
            for after in 0...4 {
                // A byte before the word, so that it does not start the buffer; `after` bytes after it.
                let buffer = [UInt8(ascii: " ")] + word + [UInt8](repeating: UInt8(ascii: "m"), count: after)
                let found = buffer.withUnsafeBufferPointer { ReceivedField.Keyword($0, 1..<(1 + word.count)) }
                #expect(found == Self.byText(word), "\(word) + \(after)")
            }
        }
    }
}

/// `ReceivedField.nextCommentWord` passes eight bytes at a time over a word: the same words as splitting
/// byte by byte at white space and parentheses, up to `end` and never past it (an `end` short of the
/// buffer, words longer than eight bytes, 8-bit bytes, bytes just above `)`).
@Suite struct ReceivedCommentWordTests {
    /// The words of `bytes[start..<end]` split byte by byte.
    static func byBytes(_ bytes: [UInt8], _ start: Int, _ end: Int) -> [Range<Int>] {
        func splits(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A || b == 0x28 || b == 0x29 }
        var words: [Range<Int>] = [], i = start
        while i < end {
            while i < end, splits(bytes[i]) { i += 1 }
            guard i < end else { break }
            let wordStart = i
            while i < end, !splits(bytes[i]) { i += 1 }
            words.append(wordStart..<i)
        }
        return words
    }

    @Test func wordSkipIsTheByteDefinition() {
        var random = SplitMix64(seed: 0xC0_77E)
        // Bytes below `*` that split no word too (`!`, `"`, `%`, `'`, 0x01): the words' ends are found
        // at the first byte at most `)`, and the reading goes on past these.
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz.-_*+[]:@=!\"%'".utf8) + [0x00, 0x01, 0x2A, 0x80, 0xFF]
        let splitters = Array(" \t\r\n()".utf8)
        for round in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<random.below(12) {
                bytes += random.bytes(alphabet, count: random.below(round % 2 == 0 ? 12 : 30))
                bytes += random.bytes(splitters, count: random.below(3))
            }
            let end = bytes.count - (round % 3 == 0 ? Swift.min(bytes.count, random.below(9)) : 0)
            let start = Swift.min(end, round % 4)
            let words: [Range<Int>] = bytes.withUnsafeBufferPointer { buffer in
                var found: [Range<Int>] = [], i = start
                while let word = ReceivedField.nextCommentWord(buffer, &i, end) { found.append(word) }
                return found
            }
            #expect(words == Self.byBytes(bytes, start, end), "\(bytes) to \(end)")
        }
    }

    /// `ReceivedField.firstByte(below:in:from:to:)`, eight bytes a step and the last few as the eight
    /// ending at `end`: the first offset from `start` whose byte is below the limit, or `end`, as read
    /// byte by byte (every start and end in buffers of 0-40 bytes, limits 1 to 0x80, bytes dense
    /// around the limit and 8-bit ones; the buffer's bytes past `end` below the limit too).
    @Test func firstByteIsTheByteDefinition() {
        var random = SplitMix64(seed: 0xF1_257B)
        var failures: [String] = []
        for round in 0..<1_500 {
            let limit = UInt8([0x29, 0x2A, 0x01, 0x80, 0x21][round % 5])
            let near = [limit &- 1, limit, limit &+ 1, 0x00, 0x20, 0x7F, 0x80, 0xFF, 0x61]
            let bytes = random.bytes(near, count: random.below(41))
            let byBytes = { (start: Int, end: Int) -> Int in
                (start..<end).first { bytes[$0] < limit } ?? end
            }
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = UnsafeRawPointer(buffer.baseAddress) else { return }
                for end in 0...bytes.count {
                    for start in 0...end
                    where ReceivedField.firstByte(below: limit, in: base, from: start, to: end) != byBytes(start, end) {
                        failures.append("\(bytes) \(start)..<\(end) below \(limit)")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }
}

/// `parse` reads the from clause item by item as the tokenizer gives them: the same reading as
/// collecting the items in an array while walking the clauses, as it did before, on random values
/// made of the pieces that move the tokenizer (comments first, nested, unterminated, keywords, IPs).
@Suite struct ReceivedFromSpanTests {
    /// The from clause's items gathered the old way: every item after the clause's first word, that
    /// word too when a comment came first.
    static func fromByArray(_ value: ByteSlice) -> ReceivedFrom? {
        var clauses = value
        if let semicolon = ReceivedReference.lastTopLevelSemicolon(value) { clauses = value[value.startIndex..<semicolon] }
        var tokens = ReceivedReference.Cursor(clauses)
        var inFrom = false, seen = Set<String>(), sawFrom = false
        var word: Range<Int>? = nil
        var items: [ReceivedReference.Item] = []
        while let item = tokens.next() {
            if item.kind == .word {
                let lower = String(decoding: value[item.range], as: UTF8.self).lowercased()
                if ["from", "by", "via", "with", "id", "for"].contains(lower), !seen.contains(lower) {
                    seen.insert(lower)
                    inFrom = lower == "from"
                    if inFrom { sawFrom = true } else if sawFrom { break }
                    continue
                }
            }
            guard inFrom else { continue }
            if word == nil, item.kind == .word {
                word = item.range
                if !items.isEmpty { items.append(item) }
            } else {
                items.append(item)
            }
        }
        return sawFrom ? ReceivedReference.readFrom(value, word: word, items: items) : nil
    }

    @Test func spanReadsTheSameItems() {
        var random = SplitMix64(seed: 0xF0_5EA)
        let pieces = ["from", " ", "by", "with", "(", ")", "helo=", "HELO", "unknown", "mx.example.org", "[192.0.2.1]",
                      "192.0.2.7", "(may be forged)", "\\", "id", "x", "\r\n\t", "a-b.example", "[IPv6:2001:db8::1]", "for"]
        for _ in 0..<4_000 {
            let value = Array((0..<random.below(24)).map { _ in pieces[random.below(pieces.count)] }.joined().utf8)
            let expected = Self.fromByArray(value[...])
            let parsed = ReceivedField.parse(value[...], reading: [.from]).from
            #expect(parsed == expected, "\(String(decoding: value, as: UTF8.self))")
        }
    }
}

/// The buffer parser against `ReceivedReference`, the slice parser it replaced: every clause equal, for
/// every set of clauses asked for, on random values built from the pieces each of its steps turns on
/// (keywords in any case, comments nested and unterminated, quoted pairs, HELO forms, IPs and near-IPs,
/// host names with `@` and trailing dots, 8-bit bytes, CR / LF / CRLF folds, dates split by folds),
/// on the fixture rows, and on every Received field of the sisimai corpus.
@Suite struct ReceivedBufferAgreementTests {
    static func describe(_ field: ReceivedField) -> String {
        let from = field.from.map { "\($0.helo ?? "-")|\($0.reverseDNS ?? "-")|\($0.ip?.description ?? "-")|\($0.mayBeForged)" }
        return [from ?? "nofrom", field.by ?? "-", field.via ?? "-", field.with ?? "-", field.id ?? "-",
                field.for.map { $0.address } ?? "-", field.date.map { "\($0.secondsSince1970)\($0.utcOffsetMinutes)" } ?? "-"]
            .joined(separator: " ")
    }

    static let clauseSets: [ReceivedField.Clauses] = [.all, [.from, .date], [.from], [.by, .id], [.with, .for], [.via], [.date]]

    static func expectAgreement(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        // A prefix shifts the slice, so that its indices do not start at zero.
        let padded = [UInt8(ascii: "x"), UInt8(ascii: "y")] + bytes
        let value = padded[2...]
        for clauses in clauseSets {
            let parsed = describe(ReceivedField.parse(value, reading: clauses))
            let expected = describe(ReceivedReference.parse(value, reading: clauses))
            #expect(parsed == expected, "\(clauses.rawValue) \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        }
        // The hop's reading: the same from clause, its names as the bytes the texts are made of.
        let (from, date) = ReceivedField.readFromAndDate(value)
        let reference = ReceivedReference.parse(value, reading: [.from, .date])
        let fromText = from.map {
            ReceivedFrom(helo: $0.helo.map { CharsetDecoder.utf8OrWindows1252(value[$0]) },
                         reverseDNS: $0.reverseDNS.map { CharsetDecoder.utf8OrWindows1252(value[$0]) }, ip: $0.ip, mayBeForged: $0.mayBeForged)
        }
        #expect(fromText == reference.from && date == reference.date, "\(String(decoding: bytes, as: UTF8.self))",
                sourceLocation: sourceLocation)
        // The from clause alone and the date read after it: the hop's reading in two steps.
        value.withUnsafeBufferPointer { buffer in
            let (both, bothDate) = ReceivedField.readFromAndDate(buffer, in: value, readingForgedPhrase: false)
            let fromOnly = ReceivedField.readFrom(buffer, in: value)
            let dateAfter = ReceivedField.date(buffer)
            // The date's `;` looked for only after a leading from clause (`readFromAndDateStart`): the
            // reference's date, as the hop's reading in one step (`both`) reads it too.
            let (early, dateStart) = ReceivedField.readFromAndDateStart(buffer, in: value)
            let dateAfterClause = ReceivedField.date(buffer, searchingFrom: dateStart)
            // The date and the with clause's first word, read after the from clause: the reference's.
            let (restFrom, rest) = ReceivedField.readFromAndRest(buffer, in: value)
            let (protocolDate, protocolWord) = ReceivedField.dateAndProtocol(buffer, after: rest)
            #expect(rest.start == dateStart && restFrom?.ip == early?.ip && restFrom?.helo == early?.helo, sourceLocation: sourceLocation)
            let referenceProtocol = ReceivedReference.parse(value, reading: [.with]).with?.split(separator: " ").first.map(String.init)
            #expect(protocolDate == reference.date
                        && protocolWord.map { CharsetDecoder.utf8OrWindows1252(value[(value.startIndex + $0.lowerBound)..<(value.startIndex + $0.upperBound)]) }
                        == referenceProtocol,
                    "\(String(decoding: bytes, as: UTF8.self)) from \(dateStart): \(String(describing: protocolWord))", sourceLocation: sourceLocation)
            #expect(early?.helo == fromOnly?.helo && early?.reverseDNS == fromOnly?.reverseDNS && early?.ip == fromOnly?.ip
                        && (early == nil) == (fromOnly == nil) && dateAfterClause == reference.date && bothDate == reference.date,
                    "\(String(decoding: bytes, as: UTF8.self)) from \(dateStart)", sourceLocation: sourceLocation)
            // The address alone, read up to the item that gives it.
            #expect(ReceivedField.readAddress(buffer, in: value) == both?.ip, "\(String(decoding: bytes, as: UTF8.self))",
                    sourceLocation: sourceLocation)
            #expect(fromOnly?.helo == both?.helo && fromOnly?.reverseDNS == both?.reverseDNS && fromOnly?.ip == both?.ip
                        && fromOnly?.mayBeForged == both?.mayBeForged && (fromOnly == nil) == (both == nil) && dateAfter == bothDate,
                    "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        }
    }

    @Test func randomValuesReadAsTheSliceParser() {
        var random = SplitMix64(seed: 0xB0F_FE12)
        let pieces = ["from", "FROM", "From", " ", " ", "by", "BY", "via", "with", "WITH", "id", "for", "fro", "byx",
                      "(", ")", "((", "\\", "\\(", ";", "; ", "helo=", "HELO=", "ehlo", "HELO", "helo",
                      "unknown", "UNKNOWN", "localhost", "mx.example.org", "mx.example.org.", "user@", "IDENT:root@",
                      "a_b-c.example", "[192.0.2.1]", "192.0.2.7", "[192.0.2.1]:25", "[IPv6:2001:db8::1]", "[fe80::1%eth0]",
                      "2001:db8::2", "::ffff:192.0.2.9", "1.2.3", "1.2.3.4.5", "abc", "be", "[", "]", "[1.2.3.4",
                      "192.0.2.3,", "192.0.2.4;", "(may be forged)", "MAY BE FORGED", "<x@example.org>", "x@example.org",
                      "<postmaster>", "multiple", "ESMTPS", "Microsoft SMTP Server", "<Q1@mx>", "POP3", "imap", "\r\n\t", "\n ", "\r",
                      "\r\n", "\t", "Mon, 12 Jan 2015", " 10:00:00 +0900", " (JST)", "Jan", "2015", "\u{e9}", "caf\u{e9}.example",
                      "\u{65e5}\u{672c}.example", ".", "a.", "@", "(.", "(@",
                      "may", "MaY", "dismay", "be", "BE", "forged", "FORGEDx", "may be", "be forged", "may  be forged",
                      "may\tbe forged", "may(be forged", "may be(forged", "(may be forged", "may be forgedx", "may be forge"]
        var inputs: [[UInt8]] = [[], Array("from".utf8), Array("from (".utf8), Array(";".utf8), [0xE9, 0x20, 0x28, 0xFF],
                                 Array("from a ([192.0.2.1]".utf8), Array("from a\\".utf8)]
        for _ in 0..<6_000 {
            var bytes = Array((0..<random.below(28)).map { _ in pieces[random.below(pieces.count)] }.joined().utf8)
            // A Latin-1 byte now and then (invalid UTF-8).
            if random.below(8) == 0, !bytes.isEmpty { bytes[random.below(bytes.count)] = 0xE9 }
            inputs.append(bytes)
        }
        for bytes in inputs { Self.expectAgreement(bytes) }
    }

    /// Values that start with a from clause, as most do (`readFromAndDateStart` looks for the date's `;`
    /// after it): the clause's comments nested, unterminated, with quoted pairs and `;` inside, `\` and
    /// `)` in its words outside comments, `;` before and after where its reading stops, then a date.
    @Test func leadingFromClausesReadAsTheSliceParser() {
        var random = SplitMix64(seed: 0xDA7E_5747)
        let pieces = [" ", "\r\n\t", "mx.example.org", "[192.0.2.1]", "(", ")", "((", "\\", "\\(", "\\)", "\\;", ";", "; ",
                      "(a; b)", "(b [192.0.2.9])", "(helo=x)", "a)b", "x\\y", "by", "BY", "with", "id", "for", "from",
                      "unknown", "(may be forged)", "Mon, 12 Jan 2015 10:00:00 +0900", " (JST)", "(UTC)", "\u{e9}"]
        for round in 0..<4_000 {
            let head = ["from ", "FROM ", " from ", "\r\n from "][round % 4]
            let body = (0..<random.below(16)).map { _ in pieces[random.below(pieces.count)] }.joined()
            let tail = round % 3 == 0 ? "" : "; Mon, 12 Jan 2015 10:00:00 +0900 (JST)"
            Self.expectAgreement(Array((head + body + tail).utf8))
        }
    }

    @Test(arguments: receivedRows)
    func fixtureRowsReadAsTheSliceParser(_ row: ReceivedRow) {
        Self.expectAgreement(Array(row.columns[0].utf8))
    }

    @Test(.enabled(if: Corpus.isAvailable)) func corpusFieldsReadAsTheSliceParser() throws {
        let fields = try Corpus.sisimaiReceivedFields()
        for field in fields {
            // As written (folded, as the classifier reads it) and unfolded.
            Self.expectAgreement(Array(field.rawValue))
            Self.expectAgreement(Array(field.unfoldedValue))
        }
        #expect(fields.count > 500)
    }

    /// "may be forged" is found from the comment's words: every near miss reads as the substring search.
    @Test func forgedPhraseReadsAsTheSearch() {
        let phrases = ["may be forged", "MAY BE FORGED", "May Be Forgedly", "dismay be forged", "may be forge", "may be forg",
                       "may  be forged", "may\tbe forged", "may\r\n be forged", "may(be forged", "may be(forged", "may be)forged",
                       "may be be forged", "may may be forged", "may be may be forged", "may bee forged", "may b forged",
                       "mayy be forged", "ma be forged", "may be\u{0}forged", "may be forged(x)", "(may be forged)", "be forged",
                       "may be", "may", ""]
        for phrase in phrases {
            Self.expectAgreement(Array("from a (b [192.0.2.1] \(phrase)) by c; 1 Jan 2020 00:00 +0000".utf8))
            Self.expectAgreement(Array("from a (\(phrase) b [192.0.2.1]) by c".utf8))
            Self.expectAgreement(Array("from a (x) (\(phrase)) by c".utf8))
        }
    }

    @Test func longValuesReadAsTheSliceParser() {
        // Past `maxValueBytes`, words past `maxWordBytes`, and dates past the scanner's 200 tokens.
        let long = Array("from ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 300) + Array(" (b [192.0.2.1]) by c; 1 Jan 2020".utf8)
        Self.expectAgreement(long)
        let cut = Array("from a (b [192.0.2.1]) by c ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: ReceivedField.maxValueBytes)
            + Array("; 1 Jan 2020 00:00 +0000".utf8)
        Self.expectAgreement(cut)
        let manyTokens = Array("from a; ".utf8) + Array(String(repeating: "\r\n x", count: 150).utf8) + Array(" 1 Jan 2020".utf8)
        Self.expectAgreement(manyTokens)
        let folds = Array("from a;".utf8) + Array(String(repeating: "\r\n", count: 120).utf8) + Array(" 1 Jan 2020 10:00 +0100".utf8)
        Self.expectAgreement(folds)
    }
}

/// The Received parser as it was before it read the value through a buffer pointer (commit 9327470):
/// slices indexed byte by byte, an array of words per comment, every word that may start an IP tried
/// as one. Kept as the definition the buffer parser must agree with, clause for clause.
enum ReceivedReference {
    static func parse(_ whole: ByteSlice, reading wanted: ReceivedField.Clauses = .all) -> ReceivedField {
        let value = whole.prefix(ReceivedField.maxValueBytes)
        var by: String? = nil, via: String? = nil, id: String? = nil, recipient: MailAddress? = nil
        var date: MailDate? = nil
        var clauses = value
        if let semicolon = lastTopLevelSemicolon(value) {
            clauses = value[value.startIndex..<semicolon]
            if wanted.contains(.date) {
                let dateText = value[(semicolon + 1)...]
                let lineEnd = dateText.contains { $0 == ASCII.carriageReturn || $0 == ASCII.lineFeed }
                date = MailDate.parse(lineEnd ? dateText.filter { $0 != ASCII.carriageReturn && $0 != ASCII.lineFeed }[...] : dateText)
            }
        }
        var tokens = Cursor(clauses)
        var current: String? = nil
        var fromWord: Range<Int>? = nil
        var fromSpan: Range<Int>? = nil
        var wordOpensFrom = false
        var withWords: [Range<Int>] = []
        var seen = Set<String>()
        let clauseOf: [String: ReceivedField.Clauses] = ["from": .from, "by": .by, "via": .via, "with": .with, "id": .id, "for": .for]
        var open = wanted.subtracting(.date)
        while !open.isEmpty, let item = tokens.next() {
            let isWord = item.kind == .word
            if isWord {
                let lower = String(decoding: value[item.range].map(ASCII.lowercased), as: UTF8.self)
                if clauseOf[lower] != nil, !seen.contains(lower) {
                    if let current { open.subtract(clauseOf[current]!) }
                    current = lower
                    seen.insert(lower)
                    continue
                }
            }
            guard let name = current, let clause = clauseOf[name], wanted.contains(clause) else { continue }
            let w = item.range
            switch name {
            case "from":
                if fromWord == nil, isWord {
                    fromWord = w
                    wordOpensFrom = fromSpan == nil
                }
                fromSpan = (fromSpan?.lowerBound ?? (isWord ? w.lowerBound : w.lowerBound - 1))..<w.upperBound
            case "by":
                if by == nil, isWord { by = text(value[w]); open.subtract(clause) }
            case "via":
                if via == nil, isWord { via = text(value[w]); open.subtract(clause) }
            case "with":
                if isWord, withWords.count < 4 {
                    withWords.append(w)
                    if withWords.count == 4 { open.subtract(clause) }
                }
            case "id":
                if id == nil, isWord {
                    var range = w
                    if value[range.lowerBound] == ASCII.lessThan { range = (range.lowerBound + 1)..<range.upperBound }
                    if !range.isEmpty, value[range.upperBound - 1] == ASCII.greaterThan { range = range.lowerBound..<(range.upperBound - 1) }
                    id = text(value[range])
                    open.subtract(clause)
                }
            default:  // for
                if recipient == nil, isWord, value[w.lowerBound] == ASCII.lessThan || value[w].contains(ASCII.at) {
                    recipient = AddressParser.parseSingle(value[w])
                    open.subtract(clause)
                }
            }
        }
        let with = withWords.isEmpty ? nil : withWords.map { text(value[$0]) }.joined(separator: " ")
        var from: ReceivedFrom? = nil
        if seen.contains("from"), wanted.contains(.from) {
            let items = Cursor(fromSpan.map { value[$0] } ?? value[value.startIndex..<value.startIndex])
            from = readFrom(value, word: fromWord, items: items, skipping: wordOpensFrom ? fromWord : nil)
        }
        return ReceivedField(from: from, by: by, via: via, with: with, id: id, for: recipient, date: date)
    }

    static func text(_ bytes: ByteSlice) -> String { CharsetDecoder.utf8OrWindows1252(bytes) }

    /// RFC 5322 §3.6.7: the date follows the last ";" outside comments (byte by byte).
    static func lastTopLevelSemicolon(_ value: ByteSlice) -> Int? {
        var depth = 0, last: Int? = nil, i = value.startIndex
        while i < value.endIndex {
            let b = value[i]
            if b == ASCII.backslash { i += 2; continue }
            if b == ASCII.openParen { depth += 1 }
            else if b == ASCII.closeParen { depth = max(0, depth - 1) }
            else if b == ASCII.semicolon, depth == 0 { last = i }
            i += 1
        }
        return last
    }

    struct Item: Equatable {
        enum Kind { case word, comment }
        var kind: Kind
        var range: Range<Int>
    }

    /// Words and comments of a value, as index ranges into it.
    struct Cursor: Sequence, IteratorProtocol {
        let value: ByteSlice
        var i: Int
        init(_ value: ByteSlice) { self.value = value; i = value.startIndex }

        mutating func next() -> Item? {
            let end = value.endIndex
            while i < end, ASCII.isWhitespaceOrNewline(value[i]) { i += 1 }
            guard i < end else { return nil }
            if value[i] == ASCII.openParen {
                // RFC 5322 §3.2.2 comment: nested, quoted pairs skipped, unterminated to the end.
                var depth = 0, j = i
                while j < end {
                    let c = value[j]
                    if c == ASCII.backslash { j += 2; continue }
                    if c == ASCII.openParen { depth += 1 }
                    if c == ASCII.closeParen {
                        depth -= 1
                        if depth == 0 { let item = Item(kind: .comment, range: (i + 1)..<j); i = j + 1; return item }
                    }
                    j += 1
                }
                let item = Item(kind: .comment, range: (i + 1)..<Swift.max(i + 1, end))
                i = end
                return item
            }
            let start = i
            while i < end, !ASCII.isWhitespaceOrNewline(value[i]), value[i] != ASCII.openParen { i += 1 }
            return Item(kind: .word, range: start..<Swift.min(i, start + 255))
        }
    }

    static func words(of comment: Range<Int>, in value: ByteSlice) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var i = comment.lowerBound
        let end = comment.upperBound
        while i < end {
            let b = value[i]
            if ASCII.isWhitespaceOrNewline(b) || b == ASCII.openParen || b == ASCII.closeParen { i += 1; continue }
            let start = i
            while i < end, !ASCII.isWhitespaceOrNewline(value[i]), value[i] != ASCII.openParen,
                  value[i] != ASCII.closeParen { i += 1 }
            words.append(start..<i)
        }
        return words
    }

    static func readFrom(_ value: ByteSlice, word: Range<Int>?, items: some Sequence<Item>,
                         skipping: Range<Int>? = nil) -> ReceivedFrom {
        var result = ReceivedFrom()
        var heloInComment: ByteSlice? = nil
        var reverseDNS: ByteSlice? = nil
        var sawUnknown = false
        for item in items {
            if let skipping, item.kind == .word, item.range == skipping { continue }
            switch item.kind {
            case .comment:
                let comment = value[item.range]
                if comment.firstRange(ofCaseInsensitive: "may be forged") != nil { result.mayBeForged = true }
                let words = words(of: item.range, in: value)
                var commentIP: IPAddress? = nil
                var ipWordIndex = -1
                for (index, w) in words.enumerated() {
                    if let ip = ipLiteral(value[w]) { commentIP = ip; ipWordIndex = index; break }
                }
                var k = 0
                while k < words.count {
                    let w = value[words[k]]
                    if w.equalsCaseInsensitive("helo") || w.equalsCaseInsensitive("ehlo"), k + 1 < words.count {
                        heloInComment = heloInComment ?? value[words[k + 1]]
                        k += 2
                        continue
                    }
                    if w.hasPrefixCaseInsensitive("helo=") || w.hasPrefixCaseInsensitive("ehlo=") {
                        heloInComment = heloInComment ?? w.dropFirst(5)
                    } else if k == 0, k != ipWordIndex, reverseDNS == nil, !sawUnknown, let name = hostName(w),
                              commentIP != nil || (words.count == 1 && (name.contains(ASCII.dot) || name.equalsCaseInsensitive("localhost")))
                    {
                        if name.equalsCaseInsensitive("unknown") { sawUnknown = true } else { reverseDNS = name }
                    }
                    k += 1
                }
                if result.ip == nil { result.ip = commentIP }
            case .word:
                if result.ip == nil, let ip = ipLiteral(value[item.range]) { result.ip = ip }
            }
        }
        let wordIP = word.flatMap { ipLiteral(value[$0]) }
        let word = word.map { value[$0] }
        if let heloInComment {
            result.helo = text(heloInComment)
            if let wordIP {
                if result.ip == nil { result.ip = wordIP }
            } else if let word, !word.equalsCaseInsensitive("unknown") {
                reverseDNS = reverseDNS ?? word
            }
        } else {
            result.helo = word.map(text)
            if result.ip == nil { result.ip = wordIP }
        }
        result.reverseDNS = reverseDNS.map(text)
        return result
    }

    static func ipLiteral(_ word: ByteSlice) -> IPAddress? {
        var w = word
        while let last = w.last, last == ASCII.comma || last == ASCII.semicolon { w = w.dropLast() }
        guard let first = w.first, first == ASCII.openBracket || first == ASCII.colon
                || hexValue(first) != nil, w.count <= 64
        else { return nil }
        return IPAddress(bytes: w)
    }

    static func hostName(_ word: ByteSlice) -> ByteSlice? {
        var w = word
        if let at = w.lastIndex(of: ASCII.at) { w = w[(at + 1)...] }
        if w.last == ASCII.dot { w = w.dropLast() }
        guard !w.isEmpty, w.allSatisfy({ ASCII.isAlpha($0) || ASCII.isDigit($0) || $0 == ASCII.dot
            || $0 == ASCII.hyphen || $0 == UInt8(ascii: "_") || $0 >= 0x80 })
        else { return nil }
        return w
    }
}

/// `readDate` tries the canonical form on the text as it is before looking for line ends: the date of
/// the text with its CR and LF bytes left out (RFC 5322 §2.2.3), as `MailDate.parse` reads it, with
/// line ends put anywhere, in the trailing comment too, in dates of the canonical and other forms.
@Suite struct ReceivedDateReadingTests {
    @Test func readDateIsTheDateOfTheUnfoldedText() {
        var random = SplitMix64(seed: 0xDA7E)
        let dates = [" Mon, 1 Jan 2024 10:00:00 +0000 (UTC)", " Thu, 29 Apr 2015 23:34:45 +0900 (JST)", "29 Apr 2013 04:00:00 -0000",
                     "\tTue, 11 Oct 2016 05:39:01 -0700 (PDT)  ", "Sat, 31 Oct 2020 18:32:53 +0000", " Wed Feb  9 10:00 MET 2005",
                     "1 Jan 2024 10:00:00 +0000 (a(b))", "1 Jan 2024 10:00:00 +0000 (U\\TC)", "1 Jan 2024 10:00:00 +0000 (UTC",
                     "1 Jan 2024 10:00:00 +2460", "Mon, 31 Feb 2024 10:00:00 +0000", "", " ", "(x) 1 Jan 2024 10:00:00 +0000"]
        let lineEnds: [[UInt8]] = [[0x0D], [0x0A], [0x0D, 0x0A], [0x0D, 0x0A, 0x20], [0x0A, 0x09]]
        for round in 0..<6_000 {
            var text = Array(dates[round % dates.count].utf8)
            for _ in 0..<random.below(3) {
                text.insert(contentsOf: lineEnds[random.below(lineEnds.count)], at: random.below(text.count + 1))
            }
            let expected = MailDate.parse(text.filter { $0 != 0x0D && $0 != 0x0A }[...])
            let read = text.withUnsafeBufferPointer { ReceivedField.readDate($0) }
            #expect(read == expected, "\(text)")
        }
    }

    /// A folded stamp's date most often starts its own line (`...;\r\n\tMon, ...`): white space with
    /// line ends before it, passed over before the canonical reader, reads as the unfolded text.
    @Test func leadingLineEndsReadAsUnfolded() {
        var random = SplitMix64(seed: 0x1EAD)
        let dates = ["Mon, 1 Jan 2024 10:00:00 +0000 (UTC)", "29 Apr 2013 04:00:00 -0000", "Wed Feb  9 10:00 MET 2005",
                     "1 Jan 2024 10:00:00 +0000 (UTC", "(x) 1 Jan 2024 10:00:00 +0000", "Mon, 31 Feb 2024 10:00:00 +0000", ""]
        let pieces: [[UInt8]] = [[0x0D], [0x0A], [0x0D, 0x0A], [0x20], [0x09], [0x0D, 0x0A, 0x09], [0x0A, 0x0A]]
        for round in 0..<1_500 {
            var text: [UInt8] = []
            for _ in 0..<random.below(5) { text += pieces[random.below(pieces.count)] }
            text += Array(dates[round % dates.count].utf8)
            if random.below(3) == 0 { text.insert(contentsOf: pieces[random.below(pieces.count)], at: random.below(text.count + 1)) }
            let expected = MailDate.parse(text.filter { $0 != 0x0D && $0 != 0x0A }[...])
            let read = text.withUnsafeBufferPointer { ReceivedField.readDate($0) }
            #expect(read == expected, "\(text)")
        }
    }
}
