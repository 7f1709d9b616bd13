import Backscatter
import MailParsing

/// `audit` as text: totals, the share of NDRs, the top forged senders, made-up recipients and internal
/// senders, what to do, and the flagged messages.
struct AuditReportText {
    var report: AuditReport
    /// The first flagged messages, at most `listed`.
    var rows: [ScanRecord]
    /// How many messages were flagged in all.
    var rowCount: Int
    var paths: [String]
    var style: Style
    /// Messages listed at the end.
    static let listed = 20

    func render() -> String {
        let total = report.totals.values.reduce(0, +)
        var out = style.bold("backscatter audit") + "  " + paths.map { NativePath.displayed($0) }.joined(separator: " ") + "\n"
        out += "  " + Numbers.grouped(total) + " messages, NDRs " + Numbers.percent(Int((report.ndrShare * 1000).rounded()), of: 1000)
        out += " of them\n"
        if let domain = report.looksLikeInboxOf {
            out += "  " + style.bold("This looks like an inbox") + ": mail received at \(domain), not mail your server sent or queued\n"
            out += "  (see the first point of \"What to do\"; read an inbox with backscatter scan)\n"
        }
        let unknown = report.legitimateNDRsForUnknownRecipients
        if unknown > 0 {
            out += "  " + Numbers.grouped(unknown) + (unknown == 1 ? " NDR judged legitimate is" : " NDRs judged legitimate are")
            out += " for recipients of ours that do not exist (accepted, then bounced)\n"
        }
        var totals = TextTable([.init("verdict"), .init("messages", .right), .init("share", .right), .init("meaning", flexible: true)])
        for verdict in AuditVerdict.allCases {
            let count = report.totals[verdict, default: 0]
            totals.add([verdict.rawValue, Numbers.grouped(count), Numbers.percent(count, of: total), Self.meaning(verdict)])
        }
        out += "\n" + style.bold("Verdicts") + "\n" + totals.render(style: style)
        out += list("Forged senders our server bounced spam to", report.topForgedSenders)
        out += list("Made-up recipients at our domains", report.topNonexistentRecipients)
        out += list("Internal senders of bulk bursts", report.topInternalSenders)
        if !report.remedies.isEmpty {
            out += "\n" + style.bold("What to do") + "\n"
            for (i, remedy) in report.remedies.enumerated() {
                out += ExplainReport.wrap(remedy, first: "  \(i + 1). ", rest: "     ", width: 100)
            }
        }
        if !rows.isEmpty {
            var table = TextTable([.init("#", .right), .init("date"), .init("verdict"), .init("from"), .init("to", flexible: true)])
            for row in rows.prefix(Self.listed) {
                table.add([String(row.sequence), row.timestamp.map(Dates.short) ?? "", row.audit?.rawValue ?? "",
                           TextReport.cut(row.from ?? "", 34), row.to.first ?? ""])
            }
            out += "\n" + style.bold("Flagged messages") + "\n" + table.render(style: style)
            let shown = min(rows.count, Self.listed)
            if rowCount > shown { out += "  … and \(rowCount - shown) more (--format jsonl lists them all)\n" }
        }
        return out
    }

    private func list(_ title: String, _ items: [AuditReport.AddressCount]) -> String {
        guard !items.isEmpty else { return "" }
        var table = TextTable([.init("address", flexible: true), .init("messages", .right)])
        for item in items { table.add([item.address, Numbers.grouped(item.count)]) }
        return "\n" + style.bold(title) + "\n" + table.render(style: style)
    }

    static func meaning(_ verdict: AuditVerdict) -> String {
        switch verdict {
        case .reflected: "NDRs our server made for forged spam (we are the reflector)"
        case .legitimateNDR: "NDRs about real mail"
        case .relayed: "outside sender to outside recipient through us (relay abuse)"
        case .internalBulk: "bursts from one internal sender (compromised account?)"
        case .ordinary: "normal outbound mail"
        }
    }
}
