@testable import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// `BounceContext` finds its delivery-status, feedback-report and original parts in one walk of the
/// part tree (`reportParts`): it must find the parts the array of every part (`ParsedMessage.allParts`)
/// gave, read as it was (`Reference`), for every sisimai bsd message and for part trees written here.
@Suite struct ReportPartsWalkTests {
    enum Reference {
        /// The report parts as they were read from `allParts`: the delivery-status parts, the first
        /// feedback-report part, the first encapsulating part after the root.
        static func reportParts(_ message: ParsedMessage) -> [String] {
            let parts = message.allParts()
            let deliveryStatus = parts.filter {
                $0.contentType.type == "message"
                    && ($0.contentType.subtype == "delivery-status" || $0.contentType.subtype == "global-delivery-status")
            }
            let feedback = parts.first { $0.contentType.type == "message" && $0.contentType.subtype == "feedback-report" }
            let original = parts.dropFirst().first { $0.isEncapsulating }
            return deliveryStatus.map(place) + ["feedback " + (feedback.map(place) ?? "-"), "original " + (original.map(place) ?? "-")]
        }
    }

    /// Where a part is: its media type, depth, and its body's first byte and length.
    static func place(_ part: MIMEPart) -> String {
        let (start, count) = part.body.withUnsafeBufferPointer { (Int(bitPattern: $0.baseAddress), $0.count) }
        return "\(part.contentType.mimeType)@\(part.depth):\(start)+\(count)"
    }

    /// The report parts as the context finds them, in `Reference.reportParts`' form.
    static func reportParts(_ context: BounceContext) -> [String] {
        // The original part first: it must not depend on the delivery-status parts having been asked.
        let original = context.originalPart
        let deliveryStatus = context.deliveryStatusParts
        #expect(context.deliveryStatusPart.map(place) == deliveryStatus.first.map(place))
        return deliveryStatus.map(place) + ["feedback " + (context.feedbackReportPart.map(place) ?? "-"),
                                            "original " + (original.map(place) ?? "-")]
    }

    @Test func sisimaiMessagesHaveTheSameParts() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let folder = Corpus.path("sisimai/maildir/bsd")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count > 400)
        var withOriginal = 0, withReport = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            let message = ParsedMessage(parsing: ArraySlice([UInt8](data)))
            let context = BounceContext(message)
            #expect(Self.reportParts(context) == Reference.reportParts(message), "\(file)")
            if context.originalPart != nil { withOriginal += 1 }
            if context.deliveryStatusPart != nil { withReport += 1 }
        }
        // Most of the corpus has an original, many a delivery-status part: the comparison is not vacuous.
        #expect(withOriginal > 200)
        #expect(withReport > 100)
    }

    /// Part trees written for the walk: nested multiparts, several delivery-status and feedback parts,
    /// a root that is itself a `message/rfc822` (not its own original), an original nested in a
    /// multipart, headers-only originals, upper-case types, a lone part, a multipart without parts.
    @Test(arguments: [
        "Content-Type: text/plain\n\nhello\n",
        "Content-Type: message/rfc822\n\nSubject: inner\n\nbody\n",
        "Content-Type: MESSAGE/Delivery-Status\n\nFinal-Recipient: rfc822; a@example.com\n",
        """
        Content-Type: multipart/report; boundary="b"

        --b
        Content-Type: text/plain

        text
        --b
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; a@example.com
        --b
        Content-Type: multipart/mixed; boundary="c"

        --c
        Content-Type: message/global-delivery-status

        Final-Recipient: rfc822; b@example.com
        --c
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        --c
        Content-Type: Message/Feedback-Report

        Feedback-Type: fraud
        --c
        Content-Type: text/rfc822-headers

        Subject: first original
        --c--
        --b
        Content-Type: message/rfc822

        Subject: second original

        body
        --b--
        """,
        """
        Content-Type: multipart/mixed; boundary="b"

        --b
        Content-Type: message/rfc822

        Content-Type: multipart/report; boundary="c"

        --c
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; inner@example.com
        --c--
        --b
        Content-Type: message/global-headers

        Subject: x
        --b--
        """,
        """
        Content-Type: multipart/report; boundary="b"

        --b--
        """,
    ])
    func writtenTreesHaveTheSameParts(_ text: String) {
        for lineEnd in ["\n", "\r\n", "\r"] {
            let bytes = ArraySlice(Array(text.replacingOccurrences(of: "\n", with: lineEnd).utf8))
            let message = ParsedMessage(parsing: bytes)
            #expect(Self.reportParts(BounceContext(message)) == Reference.reportParts(message))
        }
    }
}
