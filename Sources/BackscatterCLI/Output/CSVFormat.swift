import Backscatter
import MailParsing

/// `--format csv`: one row per failed recipient (RFC 4180: CRLF line ends, fields with a comma, quote,
/// CR or LF quoted, quotes doubled), after one header row. Text from the mail that a spreadsheet would
/// run as a formula gets a `'` in front (`asText`).
enum CSVFormat {
    static let columns = ["source", "index", "offset", "messageId", "date", "kind", "format", "verdict", "score",
                          "recipient", "action", "status", "replyCode", "reason", "hard", "diagnostic", "remoteMTA",
                          "originalMessageId", "originalFrom", "originalSubject", "campaign"]

    static var header: String { columns.joined(separator: ",") + "\r\n" }

    static func rows(_ record: ScanRecord) -> String {
        var out = ""
        for recipient in record.failedRecipients {
            let fields: [String] = [
                NativePath.displayed(record.source), String(record.index), String(record.offset), asText(record.messageId ?? ""),
                record.date ?? "", record.kind.rawValue, record.format ?? "", record.effectiveVerdict.rawValue,
                record.score.map { Decimals.format($0, places: 3) } ?? "",
                asText(recipient.recipient), recipient.action ?? "", recipient.status ?? "",
                recipient.replyCode.map(String.init) ?? "", recipient.reason ?? "",
                recipient.hard.map { $0 ? "true" : "false" } ?? "", asText(recipient.diagnostic ?? ""),
                asText(recipient.remoteMTA ?? ""), asText(record.original.messageId ?? ""),
                asText(record.original.from ?? ""), asText(record.original.subject ?? ""), record.campaign ?? "",
            ]
            out += fields.map(quote).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// `field`, a text from the mail (an address, an id, a diagnostic, a subject: a spammer's to write),
    /// with a `'` in front when it starts with `=`, `+`, `-` or `@`, or a tab or CR (which a spreadsheet
    /// skips before one): opened in a spreadsheet, such a cell is run as a formula
    /// (`=HYPERLINK(...)`, `=cmd|...`: "CSV injection", OWASP), and with the quote it shows as text. The
    /// columns the scan writes itself (numbers, codes, names, dates) never start so.
    static func asText(_ field: String) -> String {
        guard let first = field.utf8.first else { return field }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return "'" + field
        default: return field
        }
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
