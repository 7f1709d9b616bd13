@testable import Backscatter
import DeliveryStatus
import MailParsing
import Testing
import TestSupport

/// The returned original's values as the scan's record reads them in one walk (`HeaderValues.original`)
/// agree with the readers they stand for: each Received value is its field's unfolded value as a String
/// (`HeaderField.valueString`); the bracketed Message-ID the observation takes is `MessageIDParser.parse`'s
/// id in angle brackets, nil exactly when it finds none.
struct OriginalHeaderValuesTests {
    /// Checks one returned original's header section.
    static func check(_ headers: HeaderSection, _ label: String) {
        var values: OriginalHeaderValues? = nil
        let record = HeaderValues.original(ReturnedOriginal(presence: .headers, headers: headers), values: &values)
        #expect(record.received == headers.all("received").map { $0.unfoldedValue.utf8String }, "\(label)")
        guard let values else {
            Issue.record("no values read: \(label)")
            return
        }
        #expect(values.readsMessageID, "\(label)")
        let parsed = headers.first("message-id").flatMap { MessageIDParser.parse($0.unfoldedValue) }
        #expect(values.bracketedMessageID.map(ObservationReader.withoutBrackets) == parsed, "\(label)")
        if let parsed, let taken = values.bracketedMessageID.map(ObservationReader.withoutBrackets) {
            #expect(Array(taken.utf8) == Array(parsed.utf8), "\(label)")
        }
    }

    static let lineEnds = ["\n", "\r\n", "\r"]

    /// Made-up header sections: folded and unfolded Received values with each line end, 8-bit bytes
    /// (valid UTF-8 and not), empty and over-long values, and Message-IDs of every shape `parse` reads.
    @Test(arguments: lineEnds)
    func madeUpSections(_ end: String) {
        let receivedValues: [[UInt8]] = [
            Array("from a.example (a.example [192.0.2.1]) by mx.example with ESMTP id X; Mon, 5 Jan 2026 03:24:15 +0000".utf8),
            Array("from a.example (a.example [192.0.2.1])\(end)\tby mx.example with ESMTP id X;\(end) Mon, 5 Jan 2026 03:24:15 +0000".utf8),
            Array("\(end) from b\(end)\t\(end) by c;   ".utf8),
            [],
            Array("   ".utf8),
            Array("from h\u{e9}llo.example by mx".utf8),
            Array("from ".utf8) + [0xFF, 0xFE, 0xC3] + Array("\(end) by x ".utf8) + [0xE9],
            Array(String(repeating: "from x.example (x [192.0.2.9])\(end) ", count: 4_000).utf8),
        ]
        let ids = ["<20260105032415.4009812558@mx-out1.acme.example>", "  <a@b>  ", "a@b", "<a@b", "junk here", "",
                   "<a@b>,\(end) <c@d>", "(comment) <x@y>", "<\u{e9}t\u{e9}@h\u{f4}te>", "<>", "<a b@c>",
                   "<" + String(repeating: "x", count: 2_000) + "@h>"]
        for (r, received) in receivedValues.enumerated() {
            for (k, id) in ids.enumerated() {
                var bytes: [UInt8] = Array("Message-ID: \(id)\(end)From: <s@example.org>\(end)Received: ".utf8)
                bytes += received
                bytes += Array("\(end)Subject: hi\(end)received: second\(end) folded\(end)To: a@b\(end)\(end)".utf8)
                Self.check(HeaderSection.parse(bytes[...]), "received \(r), id \(k), \(end.debugDescription)")
            }
        }
        // No Message-ID and no Received at all.
        Self.check(HeaderSection.parse(Array("From: a@b\(end)Subject: x\(end)\(end)".utf8)[...]), "none")
    }

    /// Every returned original of the backscatter-dev corpus and of the sisimai bsd mails.
    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()),
          arguments: ["backscatter-dev/corpus.mbox", "sisimai/maildir/bsd"])
    func corpusOriginals(_ relative: String) throws {
        var reader = try MailboxReader(path: Corpus.path(relative))
        var originals = 0
        while let message = try reader.next() {
            let parsed = ParsedMessage(parsing: message.bytes)
            let report = BounceAnalyzer().analyze(parsed)
            guard let headers = report.original.headers else { continue }
            originals += 1
            Self.check(headers, "\(message.source)#\(message.index)")
        }
        #expect(originals > 100)
    }

    /// The fields the record's walk notes for the observation (`OriginalHeaderFields`) give the facts
    /// the observation's own walk over the section gives (`unnoted`), for both readers: each notice of
    /// the corpora, and made-up originals with Cc, DKIM-Signature, many Received fields and none.
    /// - Returns: whether the fields were all noted (the observation did not walk the section).
    @discardableResult
    static func checkNotedFields(_ message: [UInt8], _ label: String) -> Bool {
        let parsed = ParsedMessage(parsing: message[...])
        let report = BounceAnalyzer().analyze(parsed)
        var values: OriginalHeaderValues? = nil
        _ = HeaderValues.original(report.original, values: &values)
        guard var values else { return false }
        let noted = values
        values.fields = .unnoted
        for reader in [ObservationReader(), ObservationReader(readsOnlyJudgedFacts: true)] {
            let taken = reader.observe(parsed, report: report, known: noted)
            #expect(taken == reader.observe(parsed, report: report, known: values), "\(label)")
        }
        return !noted.fields.isIncomplete
    }

    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()),
          arguments: ["backscatter-dev/corpus.mbox", "sisimai/maildir/bsd"])
    func notedFieldsInCorpus(_ relative: String) throws {
        var reader = try MailboxReader(path: Corpus.path(relative))
        while let message = try reader.next() { Self.checkNotedFields(Array(message.bytes), "\(message.source)#\(message.index)") }
    }

    @Test func notedFieldsMadeUp() throws {
        let hops = (1...6).map { "Received: from h\($0).example (h\($0).example [198.51.100.\($0)]) by mx\($0).example; Mon, 5 Jan 2026 0\($0):00:00 +0000\n" }
        let extras = ["", "Cc: c@d.example, e@f.example\nCC: g@h.example\n",
                      "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; b=abc\n", "To: <>\n"]
        for count in [0, 1, 4, 5, 6] {
            for (e, extra) in extras.enumerated() {
                let original = hops.prefix(count).joined() + extra
                    + "From: Sender <s@example.org>\nTo: a@b.example\nMessage-ID: <1@example.org>\nSubject: hi\n\nbody\n"
                let notice = "From: MAILER-DAEMON@mx.example\nTo: s@example.org\nSubject: Undelivered Mail Returned to Sender\n"
                    + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
                    + "--B\nContent-Type: text/plain\n\nfailed\n--B\nContent-Type: message/delivery-status\n\n"
                    + "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n\n"
                    + "--B\nContent-Type: message/rfc822\n\n" + original + "--B--\n"
                let allNoted = Self.checkNotedFields(Array(notice.utf8), "\(count) hops, extra \(e)")
                // Received fields past `maxReceived` leave the walk to the observation; a DKIM-Signature is
                // noted as there (`hasDKIMSignature`), its fields looked up by name.
                #expect(allNoted == (count <= OriginalHeaderFields.maxReceived), "\(count) hops, extra \(e)")
                let parsed = ParsedMessage(parsing: Array(notice.utf8)[...])
                let (_, values) = HeaderValues.original(BounceAnalyzer().analyze(parsed).original)
                #expect(values?.fields.hasDKIMSignature == (e == 2), "\(count) hops, extra \(e)")
            }
        }
    }

    /// The observation takes the id it is given (a reader that parsed the value itself would pass the
    /// tests above), and parses the value itself when none was read.
    @Test func givenMessageIDIsUsed() throws {
        let (parsed, report) = try KnownOriginalValuesTests.analysed("backscatter-bounce")
        let reader = ObservationReader()
        guard let plain = reader.observe(parsed, report: report), plain.original?.messageID != nil else {
            Issue.record("the fixture's original has no Message-ID")
            return
        }
        var given = OriginalHeaderValues(subject: nil, date: nil, bracketedMessageID: "<zz@other.example>", readsMessageID: true)
        #expect(reader.observe(parsed, report: report, known: given)?.original?.messageID == "zz@other.example")
        given.readsMessageID = false
        #expect(reader.observe(parsed, report: report, known: given)?.original?.messageID == plain.original?.messageID)
    }
}
