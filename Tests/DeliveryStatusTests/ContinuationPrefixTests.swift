import Testing
@testable import DeliveryStatus
import TestSupport

/// `Diagnostic.removingContinuationPrefixes` removes its needles in place; these hold it to the four
/// `replacingAll` calls it replaced, over generated texts full of codes, separators and statuses.
@Suite struct ContinuationPrefixTests {
    /// The String form: each needle removed from the previous answer, then the code put in front.
    static func reference(_ s: String, reply: ReplyCode, status: EnhancedStatusCode?) -> String {
        guard s.contains(reply.description + "-") else { return s }
        let r = reply.description
        var t = s
        for sep in ["-", " "] {
            if let st = status { t = t.replacingAll(r + sep + st.description, with: "") }
            t = t.replacingAll(r + sep, with: "")
        }
        if t.contains(r) { t = r + " " + (status?.description ?? "") + " " + t }
        return t
    }

    @Test func agreesWithReplacingAll() {
        var generator = SplitMix64(seed: 3464)
        let pieces = ["550", "55", "0", "-", " ", "5.7.1", "5.7.", "1", "550-5.7.1 ", "550 5.7.1", "é", "x", "\u{301}",
                      "421-", "5.1.10", "550550-"]
        let statuses: [EnhancedStatusCode?] = [nil, EnhancedStatusCode("5.7.1"), EnhancedStatusCode("5.1.10")]
        let replies = [ReplyCode(550)!, ReplyCode(421)!]
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<generator.below(14) { text += pieces[generator.below(pieces.count)] }
            let reply = replies[generator.below(replies.count)], status = statuses[generator.below(statuses.count)]
            #expect(Diagnostic.removingContinuationPrefixes(text, reply: reply, status: status)
                    == Self.reference(text, reply: reply, status: status), "\(text.debugDescription)")
        }
    }
}
