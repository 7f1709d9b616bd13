import Backscatter
import Foundation
import MailParsing
import Testing
import TestSupport

/// `ReceivedHop` reads its values from the from clause's byte ranges (`ReceivedField.readFromAndDate`);
/// it must give what it gave when it was built from `ReceivedField.parse`'s Strings: the names lower
/// case, the reverse name without its trailing dot, one String for both when they are equal.
struct ReceivedHopTests {
    /// The hop as it was built before (commit 9327470), from the public parser.
    static func reference(_ value: ByteSlice) -> (helo: String?, reverseName: String?, address: IPAddress?, date: Int64?) {
        let field = ReceivedField.parse(value, reading: [.from, .date])
        var reverseName = field.from?.reverseDNS?.lowercasedIfNeeded()
        if var name = reverseName, name.hasSuffix(".") { name.removeLast(); reverseName = name }
        var helo = field.from?.helo?.lowercasedIfNeeded()
        if let name = reverseName, helo == name { helo = name }
        return (helo, reverseName, field.from?.ip, field.date?.secondsSince1970)
    }

    static func expectAgreement(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let hop = ReceivedHop(bytes[...])
        let expected = reference(bytes[...])
        #expect(hop.helo == expected.helo && hop.reverseName == expected.reverseName && hop.address == expected.address
                    && hop.date == expected.date,
                "\(String(decoding: bytes, as: UTF8.self)): \(hop) against \(expected)", sourceLocation: sourceLocation)
        // A notice's connection is the hop's date, IP and first name.
        let connection = ReceivedHop.connection(bytes[...])
        #expect(connection.date == hop.date && connection.address == hop.address && connection.host == (hop.reverseName ?? hop.helo),
                "\(String(decoding: bytes, as: UTF8.self)): \(connection) against \(hop)", sourceLocation: sourceLocation)
        // The partial readings: the address always, the rest as the whole hop has it or nil. (The date
        // without the from clause's end, found from the value's end: the same date.)
        let addressAndDate = ReceivedHop(bytes[...], reading: .addressAndDate)
        #expect(addressAndDate == ReceivedHop(helo: nil, reverseName: nil, ip: hop.ip, date: hop.date) && addressAndDate.address == hop.address,
                "\(String(decoding: bytes, as: UTF8.self)): \(addressAndDate) against \(hop)", sourceLocation: sourceLocation)
        let whenPublic = ReceivedHop(bytes[...], reading: .wholeWhenPublic)
        #expect(whenPublic == (hop.address?.isPublic == true ? hop : ReceivedHop(helo: nil, reverseName: nil, ip: hop.ip, date: nil)),
                "\(String(decoding: bytes, as: UTF8.self)): \(whenPublic) against \(hop)", sourceLocation: sourceLocation)
        #expect(ReceivedHop(bytes[...], reading: .whole) == hop, sourceLocation: sourceLocation)
    }

    /// A mail fetcher's stamp (its with clause names POP or IMAP) is told when the hop is read whole, and
    /// the first public hop judged is the one below it, where the message came in by SMTP.
    @Test func aMailFetchersHopIsToldAndPassedOver() {
        func hop(_ text: String, _ reading: ReceivedHop.Reading = .whole) -> ReceivedHop { ReceivedHop(Array(text.utf8)[...], reading: reading) }
        let fetchmail = "from pop.partner.example [198.51.100.9]\r\n\tby home.partner.example with POP3 (fetchmail-6.4.37)\r\n\t"
            + "for <first@home.partner.example> (single-drop); Mon, 02 Feb 2026 10:00:01 +0000"
        let fetched = hop(fetchmail)
        #expect(fetched.fetchedFromMailbox && fetched.helo == "pop.partner.example" && fetched.ip == "198.51.100.9"
                    && fetched.date == 1_770_026_401, "\(fetched)")
        #expect(hop(fetchmail, .wholeWhenPublic) == fetched)
        #expect(!hop(fetchmail, .addressAndDate).fetchedFromMailbox)   // read without the names
        #expect(hop("from pop.example.net (pop.example.net [198.51.100.9]) by mx.google.com with POP3 id x1 for <a@gmail.com> (single-drop); "
                    + "Mon, 02 Feb 2026 10:00:01 -0800").fetchedFromMailbox)
        #expect(hop("from pop.example.net [198.51.100.9] by home.example with IMAP (fetchmail-6.4.37) for <a@home.example>").fetchedFromMailbox)
        // SMTP, the words POP3 or IMAP elsewhere (a name, a comment, the id), or no with clause: no fetcher.
        let smtp = hop("from mx-out1.example.com (mx-out1.example.com [192.0.2.4]) by mx.partner.example with ESMTPS id R1 for <a@b>; "
                       + "Mon, 12 Jan 2026 10:00:00 +0000")
        #expect(!smtp.fetchedFromMailbox)
        for text in ["from pop3.example.net (pop3.example.net [198.51.100.9]) by imap.example with ESMTP (POP3 later); Mon, 12 Jan 2026 10:00:00 +0000",
                     "from a (a [198.51.100.9]) by b with ESMTP id POP3; Mon, 12 Jan 2026 10:00:00 +0000",
                     "from a (a [198.51.100.9]) by b (with POP3); Mon, 12 Jan 2026 10:00:00 +0000",
                     "from a (a [198.51.100.9]) by b with; Mon, 12 Jan 2026 10:00:00 +0000"] {
            #expect(!hop(text).fetchedFromMailbox, "\(text)")
        }
        let local = hop("from localhost (localhost [127.0.0.1]) by home.partner.example (Postfix) with ESMTP id H1")
        #expect([local, fetched, smtp].topPublicIndex == 2)
        #expect([local, smtp, fetched].topPublicIndex == 1)
        #expect([local, fetched].topPublicIndex == nil)
    }

    @Test func randomValuesReadAsBefore() {
        var random = SplitMix64(seed: 0x40_9E)
        let pieces = ["from", "FROM", " ", " ", "by", "with", "id", "for", "(", ")", "\\", ";", "; ", "helo=", "HELO=",
                      "ehlo", "HELO", "unknown", "UNKNOWN", "localhost", "LocalHost.", "mx.example.org", "MX.Example.ORG.",
                      "mx.example.org.", "user@", "IDENT:root@", "[192.0.2.1]", "192.0.2.7", "[10.1.2.3]", "[IPv6:2001:db8::1]",
                      "(may be forged)", "\r\n\t", "\n ", "Mon, 12 Jan 2015", " 10:00:00 +0900", "\u{e9}",
                      "caf\u{e9}.example", "CAF\u{c9}.EXAMPLE", "\u{212a}.example", "k.example", "K.EXAMPLE", ".", "a.", "@"]
        var inputs: [[UInt8]] = [[], Array("from".utf8), Array("from mx.example.org (MX.example.org. [192.0.2.1])".utf8),
                                 Array("from \u{212a}.example (k.example [192.0.2.1])".utf8),
                                 Array("from k.example (\u{212a}.example [192.0.2.1])".utf8),
                                 // The reverse name as the clause's word (qmail, Exim): its trailing dot is the hop's to drop.
                                 Array("from mx.example.org. (HELO helo.example) ([192.0.2.1])".utf8),
                                 Array("from MX.Example.ORG. ([192.0.2.1] helo=mx.example.org)".utf8),
                                 Array("from caf\u{e9}.example. (HELO caf\u{e9}.example) ([192.0.2.1])".utf8)]
        for _ in 0..<5_000 {
            var bytes = Array((0..<random.below(24)).map { _ in pieces[random.below(pieces.count)] }.joined().utf8)
            if random.below(8) == 0, !bytes.isEmpty { bytes[random.below(bytes.count)] = 0xE9 }   // Latin-1
            inputs.append(bytes)
        }
        for bytes in inputs { Self.expectAgreement(bytes) }
    }

    @Test(.enabled(if: Corpus.isAvailable)) func corpusFieldsReadAsBefore() throws {
        let fields = try Corpus.sisimaiReceivedFields()
        for field in fields {
            Self.expectAgreement(Array(field.rawValue))
            Self.expectAgreement(Array(field.unfoldedValue))
        }
        #expect(fields.count > 500)
    }
}
