import MailParsing

/// BIGLOBE (a Japanese ISP, also inacatv, tmtv, ttv): "----- The following addresses had delivery
/// problems -----", bare addresses, then "----- Non-delivered information -----" with the reason.
///
/// Layout from sisimai lhost-biglobe-01 and Sisimai's Lhost::Biglobe.
struct BiglobeRecognizer: Recognizer {
    var name: String { "biglobe" }

    func claims(_ context: BounceContext) -> Bool {
        guard context.subjectText.hasPrefix("Returned mail:") else { return false }
        let from = context.lowercaseFrom
        return ["postmaster@biglobe.ne.jp", "postmaster@inacatv.ne.jp", "postmaster@tmtv.ne.jp", "postmaster@ttv.ne.jp"]
            .contains { from.contains($0) }
    }

    static let phrases: [(Reason, [String])] = [
        (.filtered, ["Mail Delivery Failed... User unknown"]),
        (.mailboxFull, ["The number of messages in recipient's mailbox exceeded the local limit."]),   // -01
    ]

    func recognize(_ context: BounceContext) -> Finding? {
        let lines = TextReport.section(context, start: ["----- The following addresses had delivery problems -----"],
                                       stop: [], trimmingLeading: true)
        var recipients = TextReport.blocks(lines, opens: { line in
            let t = line.trimmed
            guard !t.contains(" "), let a = TextReport.firstAddress(line), t == a || t == "<" + a + ">" else { return nil }
            return (a, "")
        }, continues: { line, r in
            // Lines that start with a word character carry the reason; the "-----" rulers do not.
            guard let c = line.unicodeScalars.first, c.properties.isAlphabetic || ("0"..."9").contains(c) else { return }
            TextReport.appendLine(line, to: &r)
        })
        for i in recipients.indices {
            recipients[i].reason = TextReport.reason(in: recipients[i].diagnostic, table: BiglobeRecognizer.phrases)
        }
        return recipients.isEmpty ? nil : Finding(recipients: recipients)
    }
}
