import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// Each `Fixtures/dsn/NAME.eml` against `NAME.expected` (format in Fixtures/dsn/README.md).
@Suite struct FixtureTests {
    static let names: [String] = {
        let dir = Corpus.fixture("dsn")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return files.filter { $0.hasSuffix(".eml") }.map { String($0.dropLast(4)) }.sorted()
    }()

    @Test func fixturesExist() { #expect(FixtureTests.names.count >= 10) }

    @Test(arguments: FixtureTests.names)
    func fixture(_ name: String) throws {
        let base = Corpus.fixture("dsn/" + name)
        let data = try #require(FileManager.default.contents(atPath: base + ".eml"))
        let expected = try String(contentsOfFile: base + ".expected", encoding: .utf8)
        for variant in [Array(data), Self.crlf(Array(data)), Self.cr(Array(data))] {
            let report = BounceAnalyzer().analyze(bytes: variant[...])
            try Self.check(report, against: expected, name: name)
        }
    }

    static func check(_ report: BounceReport, against expected: String, name: String) throws {
        var recipients: [String] = []
        var extensionFields: [BounceReport.ExtensionField] = []
        for line in expected.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "kind": #expect(report.kind.rawValue == value, "\(name): kind")
            case "format": #expect(report.format == value, "\(name): format")
            case "original": #expect(report.original.presence.rawValue == value, "\(name): original")
            case "reporting-mta": #expect(report.reportingMTA == value, "\(name)")
            case "dsn-gateway": #expect(report.dsnGateway == value, "\(name)")
            case "received-from-mta": #expect(report.receivedFromMTA == value, "\(name)")
            case "arrival-date": #expect(report.arrivalDate == value, "\(name)")
            case "original-envelope-id": #expect(report.originalEnvelopeID == value, "\(name)")
            case "original-message-id": #expect(report.original.messageID == value, "\(name)")
            case "recipient": recipients.append(value)
            case "extension-field":
                let equals = try #require(value.firstIndex(of: "="), "\(name): extension-field needs NAME=VALUE")
                extensionFields.append(BounceReport.ExtensionField(name: String(value[..<equals]),
                                                                   value: String(value[value.index(after: equals)...])))
            default: Issue.record("\(name): unknown key \(key)")
            }
        }
        // Checked where the fixture lists them (all of them, in order).
        if !extensionFields.isEmpty { #expect(report.extensionFields == extensionFields, "\(name): extension fields") }
        #expect(report.recipients.count == recipients.count, "\(name): recipient count")
        for (i, spec) in recipients.enumerated() where i < report.recipients.count {
            let r = report.recipients[i]
            let parts = spec.components(separatedBy: "  ")
            let cols = parts[0].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(cols.count == 6, "\(name): malformed recipient line")
            func dash(_ s: String?) -> String { (s?.isEmpty ?? true) ? "-" : s! }
            #expect(r.recipient == cols[0], "\(name)")
            #expect(dash(r.action?.rawValue) == cols[1], "\(name): action")
            #expect(dash(r.status?.description) == cols[2], "\(name): status")
            #expect(dash(r.replyCode?.description) == cols[3], "\(name): reply code")
            #expect(r.reason.rawValue == cols[4], "\(name): reason")
            #expect((r.hard ? "hard" : "soft") == cols[5], "\(name): hard/soft")
            if parts.count > 1 {
                // key=value pairs; values may contain spaces, so split on " key=" boundaries.
                let extras = parts[1...].joined(separator: "  ")
                for (key, value) in Self.pairs(extras) {
                    switch key {
                    case "original-recipient": #expect(r.originalRecipient == value, "\(name)")
                    case "remote-mta": #expect(r.remoteMTA == value, "\(name)")
                    case "last-attempt-date": #expect(r.lastAttemptDate == value, "\(name)")
                    case "final-log-id": #expect(r.finalLogID == value, "\(name)")
                    case "will-retry-until": #expect(r.willRetryUntil == value, "\(name)")
                    case "command": #expect(r.command?.rawValue == value, "\(name)")
                    case "diagnostic": #expect(r.diagnostic == value, "\(name): diagnostic")
                    default: Issue.record("\(name): unknown recipient key \(key)")
                    }
                }
            }
        }
    }

    static let keys = ["original-recipient", "remote-mta", "last-attempt-date", "final-log-id", "will-retry-until", "command", "diagnostic"]

    static func pairs(_ s: String) -> [(String, String)] {
        var found: [(String, Range<String.Index>)] = []
        for k in keys {
            if let r = s.range(of: k + "=") { found.append((k, r)) }
        }
        found.sort { $0.1.lowerBound < $1.1.lowerBound }
        var out: [(String, String)] = []
        for (i, (k, r)) in found.enumerated() {
            let end = i + 1 < found.count ? found[i + 1].1.lowerBound : s.endIndex
            out.append((k, s[r.upperBound..<end].trimmingCharacters(in: .whitespaces)))
        }
        return out
    }

    static func crlf(_ b: [UInt8]) -> [UInt8] { b.flatMap { $0 == 10 ? [13, 10] : [$0] } }
    static func cr(_ b: [UInt8]) -> [UInt8] { b.map { $0 == 10 ? 13 : $0 } }
}

/// Hostile input: never crash, never hang, bounded output.
@Suite struct HostileInputTests {
    @Test func garbageAndEdgeCases() {
        let analyzer = BounceAnalyzer()
        let inputs: [[UInt8]] = [
            [], Array("\n\n\n".utf8), Array(repeating: 0xff, count: 5000),
            Array("Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822;\nStatus: 9.9.9\n--x--".utf8),
            Array(("From: MAILER-DAEMON@x\nSubject: failure notice\n\nHi. This is the qmail-send program\n" + String(repeating: "<a@b.c>:\n", count: 2000)).utf8),
            Array(("Subject: Undelivered\n\n" + String(repeating: "550 5.1.1 ", count: 20000)).utf8),
        ]
        for input in inputs {
            let r = analyzer.analyze(bytes: input[...])
            #expect(r.recipients.count <= 2000)
        }
    }
}
