import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The feedback report's fields found by name as `String.lowercased()` gives it: ASCII without case,
/// and a name whose lower case is the field's (U+212A KELVIN SIGN lower-cases to "k", as the fields'
/// former reader compared them); a name that only looks like one is no field.
@Suite struct FeedbackReportFieldNameTests {
    /// `Fixtures/dsn/arf.eml` with its `Feedback-Type: abuse` line written as `name: fraud`.
    static func feedbackType(named name: String) throws -> String? {
        let data = try #require(FileManager.default.contents(atPath: Corpus.fixture("dsn/arf.eml")))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("Feedback-Type: abuse\n"))
        let changed = text.replacingOccurrences(of: "Feedback-Type: abuse\n", with: name + ": fraud\n")
        let report = BounceAnalyzer().analyze(bytes: Array(changed.utf8)[...])
        #expect(report.kind == .feedbackReport)
        return report.recipients.first?.feedbackType
    }

    @Test func asciiNamesWithoutCase() throws {
        #expect(try Self.feedbackType(named: "Feedback-Type") == "fraud")
        #expect(try Self.feedbackType(named: "FEEDBACK-TYPE") == "fraud")
    }

    @Test func aKelvinSignLowerCasesToK() throws {
        #expect(try Self.feedbackType(named: "Feedbac\u{212A}-Type") == "fraud")
    }

    @Test func anotherNameIsNoField() throws {
        // Not read: the report's type is then RFC 5965's default.
        #expect(try Self.feedbackType(named: "Feedbacx-Type") == "abuse")
        #expect(try Self.feedbackType(named: "Feedbac\u{0138}-Type") == "abuse")   // U+0138 KRA, no "k"
    }
}
