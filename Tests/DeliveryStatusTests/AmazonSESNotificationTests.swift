@testable import DeliveryStatus
import MailParsing
import Testing

/// The JSON reader (`JSONValue.parse`) and Amazon SES's JSON notifications (`AmazonSESRecognizer`):
/// values, escapes and limits; sendmail's line splits; SNS's envelope; each notification type's
/// kind and records. The whole messages are in `Fixtures/dsn/amazonses` (`FormatsSmallFamiliesTests`).
@Suite struct AmazonSESNotificationTests {
    static func parse(_ text: String) -> (value: JSONValue, end: Int)? {
        var text = text
        return text.withUTF8 { JSONValue.parse($0) }
    }

    @Test func readsNestedValues() throws {
        let parsed = try #require(Self.parse(#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d"}} trailing text"#))
        #expect(parsed.value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(parsed.value["b"]?["c"]?.string == "d")
        #expect(parsed.value["missing"] == nil)
        // The value ends at its closing brace; what follows is left unread.
        #expect(parsed.end == #" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d"}}"#.utf8.count)
    }

    @Test func decodesEscapes() throws {
        let parsed = try #require(Self.parse(#""q\"b\\s\/n\nt\tu\u00e9 pair\ud83d\ude00 lone\ud800 end""#))
        #expect(parsed.value.string == "q\"b\\s/n\nt\tu\u{e9} pair\u{1F600} lone\u{FFFD} end")
    }

    @Test func turnsAwayMalformedText() {
        for text in [#"{"a" 1}"#, #"{"a": 1,}"#, #"[1, 2"#, #""open"#, #""bad \x escape""#, "tru", "{\"a\": nul}", "-", "", "   ", #"{"a": 1 "b": 2}"#,
                     #""\u12""#] {
            #expect(Self.parse(text) == nil, "\(text)")
        }
    }

    /// Nesting deeper than `maxDepth` is malformed, so that hostile text cannot exhaust the stack.
    @Test func limitsNesting() {
        let deepest = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(Self.parse(deepest) != nil)
        let deeper = String(repeating: "[", count: JSONValue.maxDepth + 1) + String(repeating: "]", count: JSONValue.maxDepth + 1)
        #expect(Self.parse(deeper) == nil)
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        #expect(Self.parse(hostile) == nil)
    }

    @Test func removesSendmailLineSplits() {
        func joined(_ text: String) -> String {
            var text = text
            return String(decoding: text.withUTF8 { AmazonSESRecognizer.withoutLineSplits($0) }, as: UTF8.self)
        }
        #expect(joined("{\"a\":\"sim!\n ulator\"}") == "{\"a\":\"simulator\"}")
        #expect(joined("{\"a\":\"sim!\r\n ulator\"}") == "{\"a\":\"simulator\"}")
        // A "!" not followed by a line end and a space stays.
        #expect(joined("{\"a\":\"wow! yes!\nno\"}") == "{\"a\":\"wow! yes!\nno\"}")
    }

    @Test func readsTheNotificationInsideSNSsEnvelope() throws {
        let inner = #"{\"notificationType\":\"Delivery\",\"delivery\":{\"recipients\":[\"a@example.net\"],\"smtpResponse\":\"250 ok\"}}"#
        let text = "{\n  \"Type\" : \"Notification\",\n  \"Message\" : \"\(inner)\"\n}\n"
        let notification = try #require(AmazonSESRecognizer.notification(in: text))
        #expect(AmazonSESRecognizer.type(of: notification) == "Delivery")
        // Another SNS notification, or text without a notification, is not SES's.
        #expect(AmazonSESRecognizer.notification(in: "{\"Type\" : \"Notification\", \"Message\" : \"disk full\"}") == nil)
        #expect(AmazonSESRecognizer.notification(in: "Your mail was not delivered. {not json}") == nil)
    }

    static func finding(_ json: String) -> Finding? {
        AmazonSESRecognizer.notification(in: json).flatMap(AmazonSESRecognizer.finding(of:))
    }

    @Test func readsEachTypeAsItsKind() throws {
        let bounce = try #require(Self.finding(#"""
            {"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"OnAccountSuppressionList",
             "bouncedRecipients":[{"emailAddress":"Bob <bob@example.net>"},{"status":"5.1.1"},{"emailAddress":"no address"}],
             "reportingMTA":"dns; a1.smtp-out.amazonses.com"}}
            """#))
        #expect(bounce.kind == .bounce)
        // Only the entries with an address; the account suppression list's reason, said by no text.
        #expect(bounce.recipients.map(\.recipient) == ["bob@example.net"])
        #expect(bounce.recipients.first?.reason == .suppressed)
        #expect(bounce.recipients.first?.action == .failed)
        #expect(bounce.perMessage.reportingMTA == "a1.smtp-out.amazonses.com")
        #expect(bounce.original?.presence == ReturnedOriginal.Presence.none)

        let general = try #require(Self.finding(#"""
            {"notificationType":"Bounce","bounce":{"bounceSubType":"General","bouncedRecipients":[
             {"emailAddress":"c@example.net","action":"failed","status":"5.7.1","diagnosticCode":"smtp; 554 5.7.1 rejected"}]}}
            """#))
        let record = try #require(general.recipients.first)
        #expect(record.reason == nil && record.status == EnhancedStatusCode("5.7.1"))
        #expect(record.diagnosticType == "SMTP" && record.diagnostic == "554 5.7.1 rejected")

        let complaint = try #require(Self.finding(#"{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"d@example.net"}]}}"#))
        #expect(complaint.kind == .feedbackReport)
        #expect(complaint.recipients.first?.reason == .feedback && complaint.recipients.first?.feedbackType == "abuse")

        let delay = try #require(Self.finding(#"{"eventType":"DeliveryDelay","deliveryDelay":{"delayedRecipients":[{"emailAddress":"e@example.net","status":"4.4.1"}]}}"#))
        #expect(delay.kind == .delay && delay.recipients.first?.action == .delayed)

        // Types that report on no delivery, and notifications without a recipient, are no finding.
        #expect(Self.finding(#"{"eventType":"Open","open":{"ipAddress":"192.0.2.1"}}"#) == nil)
        #expect(Self.finding(#"{"notificationType":"Bounce","bounce":{"bouncedRecipients":[]}}"#) == nil)
    }

    /// A notification from SNS that is not SES's is left to the other readers, not named amazonses.
    @Test func leavesOtherSNSNotificationsAlone() {
        let message = """
            From: Alarms <no-reply@sns.amazonaws.com>
            To: ops@example.org
            Subject: ALARM: disk usage

            {"AlarmName":"disk","NewStateValue":"ALARM","Trigger":{"MetricName":"DiskUsed"}}

            """
        let report = BounceAnalyzer().analyze(ParsedMessage(parsing: ArraySlice(message.utf8)))
        #expect(report.format != "amazonses")
    }
}
