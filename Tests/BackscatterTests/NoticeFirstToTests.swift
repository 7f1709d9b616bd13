@testable import Backscatter
import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The notice's first To address as the scan's record reads it (`HeaderValues.record`'s `firstTo`) is
/// what the observation reads of the first To field, and handed over (`noticeFirstTo`) it changes no
/// observation: several To fields, groups, case, a To without an address, a higher-ranked field before
/// or after the To.
struct NoticeFirstToTests {
    /// The backscatter fixture (its one To: `xkqzvtrw7@example.test`) with `before` put at the top of its
    /// header section and `after` at its end.
    static func notice(before: String = "", after: String = "") throws -> ParsedMessage {
        let text = try String(contentsOf: URL(fileURLWithPath: Corpus.fixture("classifier/backscatter-bounce.eml")), encoding: .utf8)
        guard let end = text.range(of: "\n\n") else { throw CocoaError(.fileReadCorruptFile) }
        let changed = before + String(text[..<end.lowerBound]) + "\n" + after + String(text[end.lowerBound...].dropFirst())
        return ParsedMessage(parsing: Array(changed.utf8)[...])
    }

    static let variants: [(before: String, after: String)] = [
        ("", ""),
        // A first To without an address: the later To's is the record's first, not the observation's.
        ("To: undisclosed-recipients:;\n", ""),
        ("To:\n", ""),
        ("To: <>\n", ""),
        // A group, upper case, a display name, a folded list.
        ("To: Friends: Some.One@Example.TEST, b@example.test;\n", ""),
        ("To: \"Some One\" <Some.One@Example.TEST>\n", ""),
        ("To: postmaster,\n b@example.test\n", ""),
        ("To: a@example.test (Comment)\nTo: b@example.test\n", ""),
        // Higher-ranked fields before and after the To.
        ("X-Original-To: v@example.test\n", ""),
        ("", "Delivered-To: d@example.test\n"),
        ("", "X-Original-To: <>\n"),
        ("Delivered-To: d@example.test\n", "X-Original-To: v@example.test\n"),
    ]

    @Test(arguments: variants.indices)
    func sameAsReadByTheObservation(_ index: Int) throws {
        let (before, after) = Self.variants[index]
        let parsed = try Self.notice(before: before, after: after)
        let record = HeaderValues.record(of: parsed)
        let firstTo = parsed.headers.firstUnfoldedValue(named: "to").flatMap(AddressParser.firstAddressString)
        #expect(record.firstTo == firstTo)
        let report = BounceAnalyzer().analyze(parsed)
        for reader in [ObservationReader(), ObservationReader(dkimKeys: [], keepsInferenceFacts: false,
                                                              keepsRecipients: false, readsOnlyJudgedFacts: true)] {
            let plain = reader.observe(parsed, report: report)
            #expect(plain != nil)
            #expect(reader.observe(parsed, report: report, known: nil, noticeFirstTo: record.firstTo) == plain)
        }
    }

    /// The first section's answers, spelled out, and the address given is the one used where the To
    /// ranks highest (a reader that ignored it would pass the test above).
    @Test func givenAddressIsUsed() throws {
        #expect(HeaderValues.record(of: try Self.notice()).firstTo == "xkqzvtrw7@example.test")
        #expect(HeaderValues.record(of: try Self.notice(before: "To:\n")).firstTo == nil)
        #expect(HeaderValues.record(of: try Self.notice(before: "To: Friends: Some.One@Example.TEST;\n")).firstTo
                == "Some.One@Example.TEST")
        let reader = ObservationReader()
        let parsed = try Self.notice()
        let report = BounceAnalyzer().analyze(parsed)
        let given = reader.observe(parsed, report: report, known: nil, noticeFirstTo: "ZZ@Given.example")
        #expect(given?.victimAsWritten == "ZZ@Given.example")
        // A later X-Original-To still wins.
        let ranked = try Self.notice(after: "X-Original-To: v@example.test\n")
        let rankedGiven = reader.observe(ranked, report: BounceAnalyzer().analyze(ranked), known: nil,
                                         noticeFirstTo: "ZZ@Given.example")
        #expect(rankedGiven?.victimAsWritten == "v@example.test")
    }
}
