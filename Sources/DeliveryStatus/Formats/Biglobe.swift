import MailParsing

/// BIGLOBE (a Japanese ISP, also inacatv, tmtv, ttv): "----- The following addresses had delivery
/// problems -----", bare addresses, then "----- Non-delivered information -----" with the reason.
///
/// Layout from sisimai lhost-biglobe-01 and Sisimai's Lhost::Biglobe.
struct BiglobeRecognizer: Recognizer {
    var name: String { "biglobe" }

    /// The senders' addresses, in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromBiglobe: ClaimNeedle { ClaimNeedle("postmaster@biglobe.ne.jp") }
    @inline(__always) private static var fromInacatv: ClaimNeedle { ClaimNeedle("postmaster@inacatv.ne.jp") }
    @inline(__always) private static var fromTmtv: ClaimNeedle { ClaimNeedle("postmaster@tmtv.ne.jp") }
    @inline(__always) private static var fromTtv: ClaimNeedle { ClaimNeedle("postmaster@ttv.ne.jp") }

    /// `claims` holds only for a subject "Returned mail:" (`Recognizer.claimSubjectLeads`: its first byte).
    static var claimSubjectLeads: StaticString? { "R" }

    func claims(_ context: BounceContext) -> Bool {
        guard context.subjectText.hasPrefix("Returned mail:") else { return false }
        // Asked of the sender's lower-cased bytes, not of `lowercaseFrom` made a String for this
        // (sendmail's "Returned mail: ..." subjects: bsd.mbox x3, 270 Strings and 1,080 searches).
        return context.fromContainsLowercased(Self.fromBiglobe) || context.fromContainsLowercased(Self.fromInacatv)
            || context.fromContainsLowercased(Self.fromTmtv) || context.fromContainsLowercased(Self.fromTtv)
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
