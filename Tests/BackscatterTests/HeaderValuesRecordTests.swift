@testable import Backscatter
import Foundation
import MailParsing
import Testing
import TestSupport

/// `HeaderValues.record`, the record's four values read in one walk of a name table, gives what the
/// four walks by name give (`PerNameHeaderValues`, what the scan read before): the first Message-ID and
/// Date, the first From that holds an address (else the first From's text), every To.
struct HeaderValuesRecordTests {
    static let sections: [String] = [
        // Repeated fields: only the first Message-ID and Date count; From's first value holds no
        // address, the second does; two To fields, one with the null path.
        "Message-ID: <first@example.org>\nMessage-ID: <second@example.org>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n"
            + "Date: Tue, 2 Jan 2024 10:00:00 +0000\nFrom: Mail Delivery System\nFrom: x@example.net\n"
            + "To: a@example.com, d@example.com\nTo: <>, <g@example.com>\nSubject: s\n\nbody\n",
        // Folded values, names in other cases, From holding its address at once.
        "from: \"Someone\" <someone@example.jp>\nTO: one@example.jp,\n two@example.jp\nmessage-id:\n <folded@example.jp>\n"
            + "DATE: Wed, 3 Jan 2024\n 11:00:00 +0900\n\n",
        // None of the four.
        "Subject: nothing here\nReceived: from a by b; Mon, 1 Jan 2024 10:00:00 +0000\n\nbody\n",
        // A From with an encoded word and no address, the other fields empty.
        "From: =?UTF-8?B?w4lsw6huZQ==?=\nTo:\nMessage-ID:\nDate:\n\n",
    ]

    @Test(arguments: sections)
    func recordReadsAsTheFourWalks(_ section: String) {
        let parsed = ParsedMessage(parsing: Array(section.utf8)[...])
        let headers = parsed.headers
        let record = HeaderValues.record(of: parsed)
        let (from, shaped) = PerNameHeaderValues.firstAddressAndShape(headers, "from")
        #expect(record.messageId == PerNameHeaderValues.messageId(headers))
        #expect(record.date == PerNameHeaderValues.date(headers))
        #expect(record.from == from)
        #expect(record.shapedFrom == shaped)
        #expect(record.to == PerNameHeaderValues.addresses(headers, "to"))
    }

    /// The first section's answers, spelled out (two readers wrong alike would pass the test above).
    @Test func firstSectionAnswers() {
        let record = HeaderValues.record(of: ParsedMessage(parsing: Array(Self.sections[0].utf8)[...]))
        #expect(record.messageId == "<first@example.org>")
        #expect(record.date == MailDate.parse(Array("Mon, 1 Jan 2024 10:00:00 +0000".utf8)[...]))
        #expect(record.from == "x@example.net")
        #expect(record.to == ["a@example.com", "d@example.com", "g@example.com"])
    }

    /// The classifier fixtures' headers, as the scan reads them.
    @Test(arguments: ["legitimate-bounce", "backscatter-bounce", "not-bounce"])
    func fixtures(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("classifier/\(name).eml"))))
        let parsed = ParsedMessage(parsing: bytes[...])
        let headers = parsed.headers
        let record = HeaderValues.record(of: parsed)
        #expect(record.messageId == PerNameHeaderValues.messageId(headers))
        #expect(record.date == PerNameHeaderValues.date(headers))
        #expect(record.from == PerNameHeaderValues.firstAddressAndShape(headers, "from").address)
        #expect(record.to == PerNameHeaderValues.addresses(headers, "to"))
    }
}

/// The record's four header values read each by a walk of its own, by name: what `Scan` read before
/// `HeaderValues.record`, kept as the reference it is held to.
enum PerNameHeaderValues {
    /// The first unfolded value of the fields named `lowercaseName`.
    static func firstUnfoldedValue(_ headers: HeaderSection, _ lowercaseName: String) -> ByteSlice? {
        var found: ByteSlice? = nil
        headers.forEachUnfoldedValue(named: lowercaseName) { value in
            found = value
            return false
        }
        return found
    }

    /// The first Message-ID in angle brackets.
    static func messageId(_ headers: HeaderSection) -> String? {
        firstUnfoldedValue(headers, "message-id").flatMap(MessageIDParser.parseBracketed)
    }

    /// The first Date.
    static func date(_ headers: HeaderSection) -> MailDate? {
        firstUnfoldedValue(headers, "date").flatMap(MailDate.parse)
    }

    /// The addr-specs of every field named `name`, in order; the null path `<>` left out.
    static func addresses(_ headers: HeaderSection, _ name: String) -> [String] {
        var out: [String] = []
        headers.forEachUnfoldedValue(named: name) { value in
            out += AddressParser.addressStrings(value)
            return true
        }
        return out
    }

    /// The first address of `name` (or the first field's decoded text when none holds one), and the
    /// first field's address when of a shape `AddressParser.singleAddressString` reads alike.
    static func firstAddressAndShape(_ headers: HeaderSection, _ name: String) -> (address: String?, shapedFirst: String?) {
        var reading = HeaderValues.FirstAddressReading()
        headers.forEachUnfoldedValue(named: name) { reading.read($0) }
        return reading.take()
    }
}
