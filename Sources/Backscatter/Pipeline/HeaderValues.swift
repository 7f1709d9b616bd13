import DeliveryStatus
import MailParsing

/// The few header values a `ScanRecord` shows, read with MailParsing's field parsers.
enum HeaderValues {
    /// The Message-ID in angle brackets (`<id@host>`), as the corpora's labels write it.
    static func messageId(_ headers: HeaderSection) -> String? {
        guard let field = headers.first("message-id") else { return nil }
        return MessageIDParser.parseBracketed(field.unfoldedValue)
    }

    /// The Subject, RFC 2047 words decoded.
    static func subject(_ headers: HeaderSection) -> String? {
        guard let field = headers.first("subject") else { return nil }
        return EncodedWords.decode(field.unfoldedValue)
    }

    /// The addr-specs of every field named `name`, in order; the null path `<>` left out.
    static func addresses(_ headers: HeaderSection, _ name: String) -> [String] {
        var out: [String] = []
        // The fields are walked in place (`all` would copy the matches into a new array).
        let length = name.utf8.count
        for i in headers.fields.indices where headers.fields[i].name.count == length && headers.fields[i].hasName(name) {
            let found = AddressParser.addressStrings(headers.fields[i].unfoldedValue)
            if out.isEmpty { out = found } else { out += found }
        }
        return out
    }

    /// The first address of `name`, or the field's decoded text when it holds no address.
    static func firstAddress(_ headers: HeaderSection, _ name: String) -> String? {
        let length = name.utf8.count
        for i in headers.fields.indices where headers.fields[i].name.count == length && headers.fields[i].hasName(name) {
            if let first = AddressParser.addressStrings(headers.fields[i].unfoldedValue).first { return first }
        }
        guard let field = headers.first(name) else { return nil }
        let text = EncodedWords.decode(field.unfoldedValue)
        return text.isEmpty ? nil : text
    }

    /// The Date field.
    static func date(_ headers: HeaderSection) -> MailDate? {
        guard let field = headers.first("date") else { return nil }
        return MailDate.parse(field.unfoldedValue)
    }

    /// The returned original's fields for the record.
    /// `values`: set to the Subject and Date read, when the original has a header section.
    static func original(_ original: ReturnedOriginal, values: inout OriginalHeaderValues?) -> ScanRecord.Original {
        var out = ScanRecord.Original()
        switch original.presence {
        case .full: out.present = .full
        case .headers: out.present = .headers
        case .none: out.present = .none
        }
        guard let headers = original.headers else { return out }
        out.messageId = messageId(headers)
        out.from = firstAddress(headers, "from")
        out.to = addresses(headers, "to")
        out.subject = subject(headers)
        let date = date(headers)
        out.date = date.map(\.iso8601)
        values = OriginalHeaderValues(subject: out.subject, date: date)
        var received: [String] = []
        for i in headers.fields.indices where headers.fields[i].name.count == 8 && headers.fields[i].hasName("received") {
            received.append(headers.fields[i].valueString)
        }
        out.received = received
        return out
    }

    /// A recipient report in the record's terms.
    static func recipient(_ report: RecipientReport) -> ScanRecord.Recipient {
        ScanRecord.Recipient(
            recipient: report.recipient, action: report.action?.rawValue,
            status: report.status.map(\.description), replyCode: report.replyCode.map { Int($0.value) },
            reason: report.reason.rawValue, hard: report.hard,
            diagnostic: report.diagnostic.isEmpty ? nil : report.diagnostic, remoteMTA: report.remoteMTA)
    }
}
