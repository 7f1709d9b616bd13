import MailParsing

/// Reads the body of a `message/delivery-status` (RFC 3464 §2.1) or `message/global-delivery-status`
/// (RFC 6533 §6) part: one per-message group, then one group per recipient, each a header-like block,
/// groups separated by blank lines. Parsed with the project's header parser.
enum DeliveryStatusFields {
    struct Group {
        var fields: [(name: String, value: String)]
        func first(_ lowercaseName: String) -> String? { fields.first { $0.name == lowercaseName }?.value }
        func has(_ lowercaseName: String) -> Bool { fields.contains { $0.name == lowercaseName } }
    }

    /// Splits the text into groups. Lines that are not fields end a group like a blank line does;
    /// bounded by `maxGroups`.
    static func groups(_ text: String, maxGroups: Int = 1_000) -> [Group] {
        let bytes = Array(text.utf8)
        var out: [Group] = []
        var position = 0
        while position < bytes.count, out.count < maxGroups {
            // Skip blank lines between groups.
            while position < bytes.count, bytes[position] == 10 || bytes[position] == 32 || bytes[position] == 9 {
                // A line of only whitespace counts as blank.
                var p = position
                while p < bytes.count, bytes[p] == 32 || bytes[p] == 9 { p += 1 }
                if p < bytes.count, bytes[p] != 10 { break }
                position = min(p + 1, bytes.count)
            }
            guard position < bytes.count else { break }
            let section = HeaderSection.parse(bytes[position...])
            var fields: [(String, String)] = []
            for f in section.fields {
                fields.append((f.nameString.lowercased(), f.valueString))
            }
            if !fields.isEmpty { out.append(Group(fields: fields)) }
            var next = section.bodyStart
            if next <= position {
                // Not a field line: skip it.
                next = position
                while next < bytes.count, bytes[next] != 10 { next += 1 }
                next += 1
            }
            position = next
        }
        return out
    }
}
