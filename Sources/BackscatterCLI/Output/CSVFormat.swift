import Backscatter

/// `--format csv`: one row per failed recipient (RFC 4180: CRLF line ends, fields with a comma, quote,
/// CR or LF quoted, quotes doubled), after one header row.
enum CSVFormat {
    static let columns = ["source", "index", "offset", "messageId", "date", "kind", "format", "verdict", "score",
                          "recipient", "action", "status", "replyCode", "reason", "hard", "diagnostic", "remoteMTA",
                          "originalMessageId", "originalFrom", "originalSubject", "campaign"]

    static var header: String { columns.joined(separator: ",") + "\r\n" }

    static func rows(_ record: ScanRecord) -> String {
        var out = ""
        for recipient in record.failedRecipients {
            let fields: [String] = [
                record.source, String(record.index), String(record.offset), record.messageId ?? "", record.date ?? "",
                record.kind.rawValue, record.format ?? "", record.effectiveVerdict.rawValue,
                record.score.map { Decimals.format($0, places: 3) } ?? "",
                recipient.recipient, recipient.action ?? "", recipient.status ?? "",
                recipient.replyCode.map(String.init) ?? "", recipient.reason ?? "",
                recipient.hard.map { $0 ? "true" : "false" } ?? "", recipient.diagnostic ?? "",
                recipient.remoteMTA ?? "", record.original.messageId ?? "", record.original.from ?? "",
                record.original.subject ?? "", record.campaign ?? "",
            ]
            out += fields.map(quote).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// RFC 4180 §2: a field holding a comma, a double quote, CR or LF is enclosed in double quotes,
    /// and a double quote inside it is doubled.
    static func quote(_ field: String) -> String {
        var needs = false
        for byte in field.utf8 where byte == 0x2C || byte == 0x22 || byte == 0x0D || byte == 0x0A {
            needs = true
            break
        }
        guard needs else { return field }
        var out = "\""
        for character in field.unicodeScalars {
            if character == "\"" { out += "\"\"" } else { out.unicodeScalars.append(character) }
        }
        return out + "\""
    }
}
