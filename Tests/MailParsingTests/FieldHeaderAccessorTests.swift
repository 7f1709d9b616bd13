import Foundation
import Testing
import TestSupport
@testable import MailParsing

@Suite struct HeaderFieldAccessorTests {
    func render(_ a: MailAddress) -> String { (a.displayName ?? "") + "|" + a.address }

    /// Fixtures/fields/header-accessors.eml against the expectations written beside it.
    @Test func accessorsMatchTheFixture() throws {
        let message = try #require(FileManager.default.contents(atPath: Corpus.fixture("fields/header-accessors.eml")))
        let expectedText = try String(contentsOfFile: Corpus.fixture("fields/header-accessors.expected"), encoding: .utf8)
        var expected: [String: String] = [:]
        for line in expectedText.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { expected[String(parts[0])] = String(parts[1]) }
        }
        let headers = HeaderSection.parse(Array(message)[...])
        let received = headers.received
        func fromText(_ f: ReceivedFrom?) -> String {
            [f?.helo ?? "-", f?.reverseDNS ?? "-", f?.ip?.description ?? "-"].joined(separator: "|")
        }
        var actual: [String: String] = [
            "returnPath.isNull": String(headers.returnPath?.isNull ?? false),
            "from": headers.from.map(render).joined(separator: " | "),
            "to": headers.to.map(render).joined(separator: " | "),
            "cc": headers.cc.map(render).joined(separator: " | "),
            "replyTo": headers.replyTo.map(render).joined(separator: " | "),
            "subject": headers.subject ?? "-",
            "date": headers.date?.iso8601 ?? "-",
            "messageID": headers.messageID ?? "-",
            "inReplyTo": headers.inReplyTo.joined(separator: " | "),
            "references": headers.references.joined(separator: " | "),
            "received.count": String(received.count),
        ]
        if received.count == 2 {
            actual["received[0].from"] = fromText(received[0].from)
            actual["received[0].by"] = received[0].by ?? "-"
            actual["received[0].for"] = received[0].for?.address ?? "-"
            actual["received[0].date"] = received[0].date?.iso8601 ?? "-"
            actual["received[1].from"] = fromText(received[1].from)
            actual["received[1].date"] = received[1].date?.iso8601 ?? "-"
        }
        #expect(expected.count == 17)
        for (key, value) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(actual[key] == value, "\(key)")
        }
    }

    @Test func absentFieldsGiveEmptyResults() {
        let headers = HeaderSection.parse(Array("X-Other: 1\r\n\r\n".utf8)[...])
        #expect(headers.from.isEmpty && headers.to.isEmpty && headers.references.isEmpty && headers.received.isEmpty)
        #expect(headers.subject == nil && headers.date == nil && headers.messageID == nil && headers.returnPath == nil)
    }

    /// The labelled inbox (backscatter-dev/corpus.mbox, 3,922 messages): how many messages give each field.
    @Test(.enabled(if: Corpus.isAvailable)) func corpusInboxFields() throws {
        var reader = try MailboxReader(path: Corpus.path("backscatter-dev/corpus.mbox"))
        var messages = 0, dateFields = 0, dates = 0, fromFields = 0, froms = 0, idFields = 0, ids = 0
        var envelopeLines = 0, envelopeDates = 0, subjects = 0, encodedSubjects = 0, undecoded = 0
        while let message = try reader.next() {
            messages += 1
            let headers = HeaderSection.parse(message.bytes)
            if headers.first("date") != nil { dateFields += 1; if headers.date != nil { dates += 1 } }
            // A From field with an address in it ("@" or "<>") must give a mailbox.
            if let field = headers.first("from"), field.unfoldedValue.firstIndex(ofByte: ASCII.at) != nil
                || field.unfoldedValue.firstRange(ofCaseInsensitive: "<>") != nil
            {
                fromFields += 1
                if !headers.from.isEmpty { froms += 1 } else if ProcessInfo.processInfo.environment["SHOW_MISSES"] != nil {
                    print("NOFROM", field.valueString)
                }
            }
            if headers.first("message-id") != nil { idFields += 1; if headers.messageID != nil { ids += 1 } }
            if let line = message.envelopeLine {
                envelopeLines += 1
                if MailDate.parseMboxFromLine(line) != nil { envelopeDates += 1 }
            }
            if let raw = headers.first("subject") {
                subjects += 1
                if raw.unfoldedValue.firstRange(ofCaseInsensitive: "=?") != nil {
                    encodedSubjects += 1
                    // An encoded word left undecoded shows as "=?charset?Q?" in the output.
                    let text = headers.subject ?? ""
                    if text.range(of: "?q?", options: .caseInsensitive) != nil
                        || text.range(of: "?b?", options: .caseInsensitive) != nil { undecoded += 1 }
                }
            }
        }
        print("backscatter-dev inbox: \(messages) messages; Date \(dates)/\(dateFields), From with an address \(froms)/\(fromFields), "
            + "Message-ID \(ids)/\(idFields), From_ line dates \(envelopeDates)/\(envelopeLines), "
            + "encoded subjects left undecoded \(undecoded)/\(encodedSubjects)")
        #expect(messages == 3922)
        #expect(Double(dates) >= 0.99 * Double(dateFields))
        #expect(fromFields > 3800)
        #expect(froms == fromFields)
        #expect(ids == idFields)
        #expect(envelopeDates == envelopeLines)
        #expect(undecoded == 0)
    }
}
