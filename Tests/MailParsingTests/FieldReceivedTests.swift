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

/// `lastTopLevelSemicolon` passes over eight bytes at a time where none of `; ( ) \` is: the same
/// answer as the byte-by-byte definition (RFC 5322 §3.6.7: the date follows the last `;` outside
/// comments; a quoted pair escapes the byte after `\`), on random values dense in those bytes.
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
        for round in 0..<4_000 {
            let body = random.bytes(alphabet, count: random.below(64))
            // A prefix shifts the slice, so that its indices do not start at zero.
            let all = [UInt8](repeating: UInt8(ascii: "x"), count: round % 5) + body
            let value = all[(round % 5)...]
            #expect(ReceivedField.lastTopLevelSemicolon(value) == Self.byBytes(value), "\(value.utf8String)")
        }
        let stamp = Array("from a (b [192.0.2.1]) by mx.example.org (Postfix; id 1) with ESMTP id X; Mon, 1 Jan 2024 10:00:00 +0000 (UTC)".utf8)
        #expect(ReceivedField.lastTopLevelSemicolon(stamp[...]) == Self.byBytes(stamp[...]))
        #expect(Self.byBytes(stamp[...]) == 72)  // after "id X", not inside "(Postfix; id 1)"
    }
}

/// `parse` keeps the from clause as a span of the value and reads its items again: the same reading as
/// collecting the items in an array while walking the clauses, as it did before, on random values
/// made of the pieces that move the tokenizer (comments first, nested, unterminated, keywords, IPs).
@Suite struct ReceivedFromSpanTests {
    /// The from clause's items gathered the old way: every item after the clause's first word, that
    /// word too when a comment came first.
    static func fromByArray(_ value: ByteSlice) -> ReceivedFrom? {
        var clauses = value
        if let semicolon = ReceivedField.lastTopLevelSemicolon(value) { clauses = value[value.startIndex..<semicolon] }
        var tokens = ReceivedTokenizer.Cursor(clauses)
        var inFrom = false, seen = Set<String>(), sawFrom = false
        var word: Range<Int>? = nil
        var items: [ReceivedTokenizer.Item] = []
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
        return sawFrom ? ReceivedField.readFrom(value, word: word, items: items) : nil
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
