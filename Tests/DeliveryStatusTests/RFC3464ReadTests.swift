@testable import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// `RFC3464Recognizer.read(bytes:)` reads each group's fields where the group parser put them: it
/// must read the records and per-message fields the stream reader it replaced read (`Reference`,
/// kept below as it was: fields copied into a record list and a per-message list, the latter read
/// after the last group), for random groups and for every delivery-status text of the sisimai bsd
/// corpus.
@Suite struct RFC3464ReadTests {
    /// Calls `body` with each file of the sisimai bsd corpus (`sisimai/maildir/bsd`, name order) and its
    /// bytes as they stand: the corpus walk of the tests below that hold a fast path to the old one.
    static func forEachSisimaiFile(_ body: (_ file: String, _ bytes: [UInt8]) throws -> Void) throws {
        let folder = Corpus.path("sisimai/maildir/bsd")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            try body(file, [UInt8](data))
        }
    }

    enum Reference {
        typealias Field = DeliveryStatusFields.Field

        /// `read(bytes:)` as it was.
        static func read(bytes: ArraySlice<UInt8>) -> Finding {
            var recipients: [RecipientFinding] = []
            var current: [Field] = []
            var hasFinal = false, hasOriginal = false
            var perMessage: [Field] = []
            func flush() {
                let appended = (hasFinal || hasOriginal)
                    && current.withUnsafeBufferPointer { fields in
                        bytes.withUnsafeBufferPointer { RFC3464Recognizer.appendRecipient(fields, in: bytes, buffer: $0, to: &recipients) }
                    }
                if !appended && recipients.isEmpty { perMessage += current }
                current.removeAll()
                hasFinal = false
                hasOriginal = false
            }
            func add(_ field: Field) {
                let isFinal = field.name == .finalRecipient
                let isOriginal = field.name == .originalRecipient
                if isFinal && hasFinal { flush() }
                if isOriginal && hasFinal && hasOriginal { flush() }
                if !hasFinal && !hasOriginal && field.name.isPerMessage {
                    perMessage.append(field)
                    return
                }
                current.append(field)
                hasFinal = hasFinal || isFinal
                hasOriginal = hasOriginal || isOriginal
            }
            var groups = DeliveryStatusFields.Groups(bytes)
            var fields: [Field] = []
            while groups.next(into: &fields) {
                for field in fields { add(field) }
                flush()
                fields.removeAll()
            }
            var m = PerMessageFields()
            bytes.withUnsafeBufferPointer { buffer in
                for field in perMessage { RFC3464Recognizer.readPerMessage(field, in: bytes, buffer: buffer, into: &m) }
            }
            return Finding(recipients: recipients, perMessage: m)
        }
    }

    /// Everything a finding holds, to compare.
    static func summary(_ f: Finding) -> String { String(reflecting: f) }

    /// The reader's stack buffer of a group's fields (`FieldBuffer`) reads what the array of
    /// `readGrowing` reads, and a report with a group of more fields than the buffer holds is read
    /// whole (again, by `readGrowing`): groups of every size around the buffer's room.
    @Test func bufferedReadIsTheGrowingRead() {
        let room = DeliveryStatusFields.FieldBuffer.capacity
        for n in [0, 1, room - 2, room - 1, room, room + 1, 3 * room] {
            let perMessage = ["Reporting-MTA: dns; mx.example.net"] + (0..<n).map { "X-Extra-\($0): v\($0)" }
            let recipient = ["Final-Recipient: rfc822; a@b.example", "Action: failed"] + (0..<n).map { "X-R-\($0): w" }
                + ["Status: 5.1.1", "", "Final-Recipient: rfc822; c@d.example", "Status: 4.2.2"]
            let bytes = Array((perMessage + [""] + recipient).joined(separator: "\n").utf8)[...]
            let read = RFC3464Recognizer.read(bytes: bytes)
            #expect(Self.summary(read) == Self.summary(RFC3464Recognizer.readGrowing(bytes: bytes)), "\(n)")
            #expect(Self.summary(read) == Self.summary(Reference.read(bytes: bytes)), "\(n)")
            #expect(read.perMessage.extensionFields.count == n)
            #expect(read.recipients.map(\.recipient) == ["a@b.example", "c@d.example"])
            #expect(read.recipients.first?.status == EnhancedStatusCode("5.1.1"))
        }
    }

    /// Field lines in every order: per-message fields before, between and after recipient fields, a
    /// second Final-Recipient or Original-Recipient without a blank line, groups naming no address,
    /// extension fields, folded values, 8-bit bytes, empty groups, CR/LF/CRLF line ends, text cut
    /// mid-line.
    @Test func readsAsTheStreamReader() {
        let pieces = [
            "Reporting-MTA: dns; mx.example.net", "Reporting-MTA: dns; second.example", "Final-Recipient: rfc822; a@b.example",
            "Final-Recipient: rfc822; c@d.example", "Final-Recipient: rfc822; not an address", "Final-Recipient:",
            "Original-Recipient: rfc822;e@f.example", "Original-Recipient: rfc822; nobody", "Action: failed", "ACTION: Delayed",
            "Status: 5.1.1 (bad destination)", "status:4.4.7", "Diagnostic-Code: smtp; 550 5.1.1 no", "Diagnostic-Code:",
            "Remote-MTA: dns; [192.0.2.1]", "Received-From-MTA: dns; in.example", "DSN-Gateway: dns; gw.example",
            "Arrival-Date: Mon, 1 Jan 2024", "Original-Envelope-Id: a+2Bb", "X-Postfix-Queue-ID: 4ABC", "X-Actual-Recipient: rfc822; x@y.example",
            "X-Actual-Recipient: rfc822; \u{00E9}@x.example", "X-\u{00C9}xt: v", "Last-Attempt-Date: Tue", "Final-Log-ID: 77",
            "Will-Retry-Until: soon", "Other: thing", "  folded line", "\tfolded tab", "no colon here", "", "   ",
        ]
        let ends = ["\n", "\r\n", "\r", "\n\n", " \n", "\r\n\r\n"]
        var generator = SplitMix64(seed: 3464)  // seeded: every run reads the same inputs
        var withRecords = 0, withPerMessage = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 16) {
                text += pieces[Int(generator.next() % UInt64(pieces.count))]
                text += ends[Int(generator.next() % UInt64(ends.count))]
            }
            if generator.next() % 4 == 0 { text = String(text.dropLast(Int(generator.next() % 6))) }
            let bytes = Array(text.utf8)[...]
            let got = RFC3464Recognizer.read(bytes: bytes)
            let expected = Reference.read(bytes: bytes)
            #expect(Self.summary(got) == Self.summary(expected), "\(text.debugDescription)")
            if !expected.recipients.isEmpty { withRecords += 1 }
            if !expected.perMessage.extensionFields.isEmpty || expected.perMessage.reportingMTA != nil { withPerMessage += 1 }
        }
        // The comparison is not vacuous.
        #expect(withRecords > 5_000)
        #expect(withPerMessage > 5_000)
        #expect(Self.summary(RFC3464Recognizer.read(bytes: [])) == Self.summary(Reference.read(bytes: [])))
    }

    @Test func readsTheSisimaiDeliveryStatusTextsAsTheStreamReader() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        var texts = 0
        try Self.forEachSisimaiFile { file, data in
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(data)))
            var all = context.allDeliveryStatusTexts
            if let inline = context.inlineDeliveryStatusText { all.append(inline) }
            for text in all {
                texts += 1
                let bytes = Array(text.utf8)[...]
                #expect(Self.summary(RFC3464Recognizer.read(bytes: bytes)) == Self.summary(Reference.read(bytes: bytes)), "\(file)")
            }
        }
        #expect(texts > 300)
    }

    /// The delivery-status body read in place (`soleDeliveryStatusBodyAsIs`) holds the bytes
    /// `deliveryStatusBytes` copies out of the decoded texts, so that `read(bytes:)` finds the same in
    /// both; `deliveryStatusTextContains` answers as `deliveryStatusText` did; and `text`, made after
    /// the part was read in place, is the text of a context that decoded it first: every message of
    /// the sisimai bsd corpus, and hand-made parts that are not their own text (CRLF line ends,
    /// quoted-printable, invalid UTF-8, windows-1252, two parts).
    @Test func deliveryStatusBodyReadInPlaceIsTheDecodedText() throws {
        /// Whether `bytes` was read in place.
        @discardableResult func check(_ bytes: [UInt8], _ label: String) -> Bool {
            let inPlace = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            let decoded = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            // The decoded context's texts made first, as the reader and Postfix's claims made them before.
            let expectedText = decoded.deliveryStatusText
            let expectedBytes = RFC3464Recognizer.deliveryStatusBytes(of: decoded)
            for needle in ["X-Postfix-", "Final-Recipient:", "absent needle", "é"] {
                #expect(inPlace.deliveryStatusTextContains(needle) == (expectedText?.contains(needle) == true), "\(label) \(needle)")
            }
            let body = inPlace.soleDeliveryStatusBodyAsIs
            if let body {
                #expect(Array(body) == expectedBytes, "\(label)")
                #expect(Self.summary(RFC3464Recognizer.read(bytes: body)) == Self.summary(RFC3464Recognizer.read(bytes: expectedBytes?[...] ?? [])), "\(label)")
            }
            #expect(RFC3464Recognizer().recognize(inPlace).map(Self.summary) == RFC3464Recognizer().recognize(decoded).map(Self.summary), "\(label)")
            #expect(inPlace.text == decoded.text, "\(label)")
            return body != nil
        }
        let dsn = "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\nX-Postfix-Sender: rfc822; c@d.example\n"
        func report(_ parts: [(headers: String, body: [UInt8])]) -> [UInt8] {
            var m = Array(("From: MAILER-DAEMON@example.net\nSubject: Undeliverable: x\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nfailed\n").utf8)
            for p in parts { m += Array(("--B\nContent-Type: message/delivery-status" + p.headers + "\n\n").utf8) + p.body }
            return m + Array("--B--\n".utf8)
        }
        let plain = Array(dsn.utf8)
        #expect(check(report([("", plain)]), "plain"))
        #expect(check(report([("; charset=utf-8", Array(dsn.replacingOccurrences(of: "failed", with: "échoué").utf8))]), "UTF-8"))
        #expect(!check(report([("", Array(dsn.replacingOccurrences(of: "\n", with: "\r\n").utf8))]), "CRLF"))
        #expect(!check(report([("\nContent-Transfer-Encoding: quoted-printable", Array(dsn.replacingOccurrences(of: "a@b", with: "a=40b").utf8))]), "quoted-printable"))
        #expect(!check(report([("", plain + [0xE9, 0x0A])]), "invalid UTF-8"))
        #expect(!check(report([("; charset=windows-1252", plain + [0xE9, 0x0A])]), "windows-1252"))
        #expect(!check(report([("", plain), ("", plain)]), "two parts"))
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        var inPlace = 0
        try Self.forEachSisimaiFile { file, bytes in if check(bytes, file) { inPlace += 1 } }
        #expect(inPlace > 200)
    }

    /// `sweptLeadText` swept from the pieces before the delivery-status part, without `text`
    /// (`sweptLeadTextBeforeDeliveryStatus`), is the sweep of the whole text, and `text` made after it
    /// is the text of a context that made it first: every message of the sisimai bsd corpus, and
    /// hand-made reports whose lead pieces end the lead text themselves, end without an LF, hold HTML,
    /// alternatives and transcript lines, whose part opens with blank lines or with no DSN field, or
    /// sits after the returned original or after another delivery-status part.
    @Test func sweptLeadTextBeforeTheDeliveryStatusPartIsTheTextsSweep() throws {
        /// Whether `bytes`' swept lead text was swept without the text.
        @discardableResult func check(_ bytes: [UInt8], _ label: String) -> Bool {
            let lead = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            let whole = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            let text = whole.text
            #expect(lead.sweptLeadText == whole.sweptLeadText, "\(label)")
            let withoutText = lead.flattenedText == nil
            #expect(lead.text == text, "\(label)")
            return withoutText
        }
        let dsn = "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n"
        func report(_ parts: [String]) -> [UInt8] {
            var m = "From: MAILER-DAEMON@example.net\nSubject: Undeliverable: x\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
            for p in parts { m += "--B\n" + p }
            return Array((m + "--B--\n").utf8)
        }
        let ds = "Content-Type: message/delivery-status\n\n"
        let lead = "Content-Type: text/plain\n\nThis is the mail system at host mx.example.net.\n\n  I'm sorry   to have to inform you\t that\n\n"
        #expect(check(report([lead, ds + dsn]), "plain"))
        #expect(check(report([lead, ds + "\n \t\n\n" + dsn]), "blank lines first"))
        // The LF before a delimiter is the delimiter's: the second piece has none of its own.
        #expect(check(report([lead, "Content-Type: text/plain\n\nno newline at the end\n", ds + "   Final-Recipient: rfc822; a@b.example\n"]), "no LF"))
        #expect(check(report([lead + "Original-Recipient: rfc822; c@d.example\nmore\n", ds + dsn]), "end in the lead"))
        #expect(check(report(["Content-Type: text/plain\n\nwords\n----- Transcript of session follows -----\n--- The following x\nwords -- more\n", ds + dsn]), "transcript"))
        #expect(check(report(["Content-Type: text/html\n\n<p>Delivery <b>failed</b></p><br>to a@b.example\n", ds + dsn]), "HTML"))
        #expect(check(report(["Content-Type: multipart/alternative; boundary=\"A\"\n\n--A\nContent-Type: text/html\n\n<p>x</p>\n--A\nContent-Type: text/plain\n\nplain words\n--A--\n", ds + dsn]), "alternative"))
        #expect(check(report([ds + dsn]), "no lead"))
        #expect(check(report(["Content-Type: text/plain\n\n", ds + dsn]), "empty lead"))
        #expect(!check(report([lead, ds + "X-Note: first\n" + dsn]), "no field first"))
        #expect(!check(report([lead, "Content-Type: message/rfc822\n\nFrom: a@b.example\n\nbody\n", ds + dsn]), "after the original"))
        #expect(check(report([lead, ds + dsn, ds + dsn]), "two parts"))
        #expect(!check(report([lead, ds + "X-Note: first\n" + dsn, ds + dsn]), "the first of two parts without a field first"))
        #expect(!check(report([lead, ds + dsn.replacingOccurrences(of: "\n", with: "\r\n")]), "CRLF part"))
        #expect(!check(Array("From: a@b.example\nSubject: x\n\n".utf8) + Array(dsn.utf8), "single part"))
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        var withoutText = 0
        try Self.forEachSisimaiFile { file, bytes in if check(bytes, file) { withoutText += 1 } }
        #expect(withoutText > 100)
    }

    /// `firstPartNamesRecipient` answers as `read` of the first delivery-status part's text did for
    /// Office 365, and `recognize` after it (taking the reading it kept) finds what `recognize` finds
    /// in a context asked nothing before, twice in a row too: every message of the sisimai bsd corpus,
    /// and hand-made ones without a part, with a part that names no recipient, with two parts and a
    /// part's text cut anywhere.
    @Test func keptReadingIsTheFreshReading() throws {
        func check(_ bytes: [UInt8], _ label: String) {
            let asked = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            let fresh = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            let simple = fresh.deliveryStatusText.map { !RFC3464Recognizer.read($0).recipients.isEmpty } ?? false
            #expect(RFC3464Recognizer.firstPartNamesRecipient(asked) == simple, "\(label)")
            let expected = RFC3464Recognizer().recognize(fresh).map(Self.summary)
            #expect(RFC3464Recognizer().recognize(asked).map(Self.summary) == expected, "\(label)")
            // Taken by `recognize`; kept again only by a reading that names no recipient, for the
            // per-message fields Postfix's "Delivery report unavailable" reads on, as read afresh.
            if expected != nil {
                #expect(asked.keptDeliveryStatusReading == nil, "\(label)")
            } else if let kept = asked.keptDeliveryStatusReading {
                #expect(kept.finding.recipients.isEmpty, "\(label)")
                let bytes = RFC3464Recognizer.deliveryStatusBytes(of: fresh)
                #expect(bytes.map { RFC3464Recognizer.read(bytes: $0[...]).perMessage.reportingMTA } == kept.finding.perMessage.reportingMTA, "\(label)")
            }
            #expect(RFC3464Recognizer().recognize(asked).map(Self.summary) == expected, "\(label)")
        }
        let dsn = "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n"
        func report(_ parts: [String]) -> [UInt8] {
            var m = "From: MAILER-DAEMON@example.net\nSubject: Undeliverable: x\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nfailed\n"
            for p in parts { m += "--B\nContent-Type: message/delivery-status\n\n" + p }
            return Array((m + "--B--\n").utf8)
        }
        check(Array("From: a@b.example\nSubject: hello\n\nno report\n".utf8), "no part")
        check(report(["Reporting-MTA: dns; mx.example.net\n\nAction: failed\n"]), "no recipient")
        check(report([dsn]), "one part")
        check(report([dsn, dsn.replacingOccurrences(of: "a@b", with: "c@d")]), "two parts")
        check(report(["Reporting-MTA: dns; mx.example.net\n\n", dsn]), "recipient in the second part")
        let utf8 = Array(dsn.utf8)
        for cut in stride(from: 0, through: utf8.count, by: 7) {
            check(report([String(decoding: utf8[..<cut], as: UTF8.self)]), "cut at \(cut)")
        }
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        var kept = 0
        try Self.forEachSisimaiFile { file, bytes in
            let context = BounceContext(ParsedMessage(parsing: ArraySlice(bytes)))
            if context.deliveryStatusText != nil && context.allDeliveryStatusTexts.count == 1 { kept += 1 }
            check(bytes, file)
        }
        #expect(kept > 300)
    }
}

/// `Addresses.isASCIIAddress` reads eight bytes a word: it must answer as the byte loop it replaced
/// for addresses of every length around the word size, with `@`, blanks and 8-bit bytes in each lane
/// and in the tail, and at the length limits (3 and 320 bytes).
@Suite struct ASCIIAddressTests {
    static func reference(_ u: [UInt8]) -> Bool? {
        var lastAt = -1
        var blank = false
        var any: UInt8 = 0
        for i in 0..<u.count {
            let b = u[i]
            any |= b
            if b == UInt8(ascii: "@") { lastAt = i } else if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { blank = true }
        }
        if any >= 0x80 { return nil }
        guard u.count >= 3, u.count <= 320 else { return false }
        return lastAt > 0 && lastAt + 1 < u.count && !blank
    }

    @Test func wordReadingAgreesWithTheByteLoop() {
        let bytes: [UInt8] = [UInt8(ascii: "a"), UInt8(ascii: "z"), UInt8(ascii: "."), UInt8(ascii: "@"), UInt8(ascii: " "),
                              UInt8(ascii: "\t"), 0x80, 0xC3, 0xFF, 0x7F, 0x00, UInt8(ascii: "-")]
        var generator = SplitMix64(seed: 320)  // seeded: every run reads the same inputs
        var addresses = 0, nonASCII = 0
        var inputs: [[UInt8]] = [[], Array("a@b".utf8), Array("@ab".utf8), Array("ab@".utf8),
                                 Array(repeating: UInt8(ascii: "a"), count: 318) + Array("@b".utf8),
                                 Array(repeating: UInt8(ascii: "a"), count: 319) + Array("@b".utf8)]
        for _ in 0..<30_000 {
            let count = Int(generator.next() % 42)
            // Mostly letters, so that many inputs are addresses.
            inputs.append((0..<count).map { _ in
                generator.next() % 3 == 0 ? bytes[Int(generator.next() % UInt64(bytes.count))] : UInt8(ascii: "a")
            })
        }
        for input in inputs {
            let got = input.withUnsafeBufferPointer { Addresses.isASCIIAddress($0) }
            #expect(got == Self.reference(input), "\(input)")
            if got == true { addresses += 1 }
            if got == nil { nonASCII += 1 }
        }
        #expect(addresses > 400)
        #expect(nonASCII > 1_000)
    }
}

/// `Addresses.bareAddress` reads a recipient sixteen bytes a block and answers most without `bare`:
/// it must answer as `bare` then `isAddress` for values of every length around the block size, with
/// each byte `bare` cuts or trims at, `@`, `.` and 8-bit bytes in each lane, and at the length limits.
@Suite struct BareAddressTests {
    static func reference(_ s: String) -> String? {
        let b = Addresses.bare(s)
        return Addresses.isAddress(b) ? b : nil
    }

    @Test func blockReadingIsBareThenIsAddress() {
        let specials = Array(" \t\r\n\"'(),.:;<=>[]+-_@!#mailto".unicodeScalars).map(String.init) + ["é", "\u{80}", "ü@"]
        var generator = SplitMix64(seed: 3461)  // seeded: every run reads the same inputs
        var inputs = ["", "a@b", "@ab", "ab@", "a@b.", "<a@b>", "mailto:a@b", "a@b@c", "\"a@b\"",
                      String(repeating: "a", count: 318) + "@b", String(repeating: "a", count: 319) + "@b",
                      String(repeating: "a", count: 15) + "@", String(repeating: "a", count: 16) + "@b"]
        for _ in 0..<40_000 {
            let count = Int(generator.next() % 44)
            // Mostly letters, so that many values are addresses.
            inputs.append((0..<count).map { _ in
                generator.next() % 4 == 0 ? specials[Int(generator.next() % UInt64(specials.count))] : "a"
            }.joined())
        }
        var addresses = 0, cut = 0
        for input in inputs {
            let got = Addresses.bareAddress(input)
            #expect(got == Self.reference(input), "\(input.debugDescription)")
            if let got { addresses += 1; if got != input { cut += 1 } }
        }
        #expect(addresses > 2_000)
        #expect(cut > 200)
    }
}
