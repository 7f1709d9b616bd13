@testable import Backscatter
import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The observation read with the returned original's Subject and Date that the scan's record read
/// (`OriginalHeaderValues`) is the observation read without them.
struct KnownOriginalValuesTests {
    static let fixtures = ["legitimate-bounce", "backscatter-bounce", "not-bounce"]

    static func analysed(_ name: String) throws -> (ParsedMessage, BounceReport) {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("classifier/\(name).eml"))))
        let parsed = ParsedMessage(parsing: bytes[...])
        return (parsed, BounceAnalyzer().analyze(parsed))
    }

    @Test(arguments: fixtures)
    func sameObservation(_ name: String) throws {
        let (parsed, report) = try Self.analysed(name)
        var values: OriginalHeaderValues? = nil
        _ = HeaderValues.original(report.original, values: &values)
        let reader = ObservationReader()
        #expect(reader.observe(parsed, report: report, known: values) == reader.observe(parsed, report: report))
        // With the notice's From as the scan's record read it too.
        let record = HeaderValues.record(of: parsed)
        let shapedFrom = record.shapedFrom
        #expect(record.from == PerNameHeaderValues.firstAddressAndShape(parsed.headers, "from").address)
        #expect(reader.observe(parsed, report: report, known: values, shapedNoticeFrom: shapedFrom)
                == reader.observe(parsed, report: report))
    }

    /// The values given are the ones used (a reader that ignored them would pass the test above).
    @Test func givenValuesAreUsed() throws {
        let (parsed, report) = try Self.analysed("backscatter-bounce")
        let reader = ObservationReader()
        guard let plain = reader.observe(parsed, report: report), plain.original != nil else {
            Issue.record("the fixture has no returned original")
            return
        }
        let other = reader.observe(parsed, report: report, known: OriginalHeaderValues(subject: "ZZ other", date: nil))
        #expect(other?.original?.subject == "ZZ other")
        #expect(other?.original?.date == nil)
        let none = reader.observe(parsed, report: report, known: OriginalHeaderValues(subject: nil, date: nil))
        #expect(none?.original?.subject == nil)
        #expect(none?.original?.subjectKey == nil)
        // The first From's address and the To count, when given, are the ones used (Cc still counted).
        let given = reader.observe(parsed, report: report,
                                   known: OriginalHeaderValues(subject: nil, date: nil, shapedFromAddress: "ZZ@Other.example",
                                                               toAddressCount: 1000))
        if plain.original?.from != nil { #expect(given?.original?.from == "zz@other.example") }
        #expect((given?.original?.recipientCount ?? 0) >= 1000)
    }
}
