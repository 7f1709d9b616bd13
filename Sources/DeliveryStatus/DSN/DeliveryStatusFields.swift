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

    /// The field names the RFC 3464 reader looks at (§2.2 per-message, §2.3 per-recipient), recognised
    /// once per field from its bytes.
    enum Name: UInt8 {
        case finalRecipient, originalRecipient, xActualRecipient, action, status, remoteMTA, diagnosticCode
        case lastAttemptDate, finalLogID, willRetryUntil
        case reportingMTA, dsnGateway, receivedFromMTA, arrivalDate, originalEnvelopeID
        case other

        /// RFC 3464 §2.2: the per-message fields.
        var isPerMessage: Bool { rawValue >= Name.reportingMTA.rawValue && self != .other }

        /// The name of a field, compared ASCII case-insensitively. A name with a byte above 0x7F is
        /// `other`: the only non-ASCII characters whose lower case holds ASCII are U+0130 ("i̇", not
        /// ASCII as a whole) and U+212A KELVIN SIGN ("k"), and no name here has a "k".
        init(_ bytes: ArraySlice<UInt8>) {
            switch bytes.count {
            case 6:
                if bytes.equalsCaseInsensitive("action") { self = .action; return }
                if bytes.equalsCaseInsensitive("status") { self = .status; return }
            case 10:
                if bytes.equalsCaseInsensitive("remote-mta") { self = .remoteMTA; return }
            case 11:
                if bytes.equalsCaseInsensitive("dsn-gateway") { self = .dsnGateway; return }
            case 12:
                if bytes.equalsCaseInsensitive("arrival-date") { self = .arrivalDate; return }
                if bytes.equalsCaseInsensitive("final-log-id") { self = .finalLogID; return }
            case 13:
                if bytes.equalsCaseInsensitive("reporting-mta") { self = .reportingMTA; return }
            case 15:
                if bytes.equalsCaseInsensitive("final-recipient") { self = .finalRecipient; return }
                if bytes.equalsCaseInsensitive("diagnostic-code") { self = .diagnosticCode; return }
            case 16:
                if bytes.equalsCaseInsensitive("will-retry-until") { self = .willRetryUntil; return }
            case 17:
                if bytes.equalsCaseInsensitive("received-from-mta") { self = .receivedFromMTA; return }
                if bytes.equalsCaseInsensitive("last-attempt-date") { self = .lastAttemptDate; return }
            case 18:
                if bytes.equalsCaseInsensitive("original-recipient") { self = .originalRecipient; return }
                if bytes.equalsCaseInsensitive("x-actual-recipient") { self = .xActualRecipient; return }
            case 20:
                if bytes.equalsCaseInsensitive("original-envelope-id") { self = .originalEnvelopeID; return }
            default:
                break
            }
            self = .other
        }
    }

    /// One field of a group, its name recognised and its value left as bytes until read.
    struct Field {
        var name: Name
        var header: HeaderField
        /// Whether the field's bytes are all ASCII (its header section had no 8-bit byte).
        var isASCII: Bool

        /// The unfolded, trimmed value (what `Group` holds).
        var value: String { header.valueString }
        /// The unfolded, trimmed value's bytes.
        var valueBytes: ArraySlice<UInt8> { header.unfoldedValue }
        /// The name, lower-cased (what `Group` holds).
        var lowercasedName: String { header.nameString.lowercased() }
    }

    /// Splits the text into groups. Lines that are not fields end a group like a blank line does;
    /// bounded by `maxGroups`.
    static func groups(_ text: String, maxGroups: Int = 1_000) -> [Group] {
        var out: [Group] = []
        forEachGroup(Array(text.utf8)[...], maxGroups: maxGroups) { section in
            out.append(Group(fields: section.fields.map { ($0.nameString.lowercased(), $0.valueString) }))
        }
        return out
    }

    /// Calls `body` with the header section of each group that has a field, in order, at most
    /// `maxGroups` of them.
    static func forEachGroup(_ bytes: ArraySlice<UInt8>, maxGroups: Int = 1_000, _ body: (HeaderSection) -> Void) {
        var groups = Groups(bytes, maxGroups: maxGroups)
        while let section = groups.next() { body(section) }
    }

    /// The header section of each group that has a field, in order, at most `maxGroups` of them.
    /// Lines that are not fields end a group like a blank line does.
    struct Groups {
        let bytes: ArraySlice<UInt8>
        let maxGroups: Int
        var position: Int
        var count = 0

        init(_ bytes: ArraySlice<UInt8>, maxGroups: Int = 1_000) {
            self.bytes = bytes
            self.maxGroups = maxGroups
            position = bytes.startIndex
        }

        mutating func next() -> HeaderSection? {
            let end = bytes.endIndex
            while position < end, count < maxGroups {
                // Skip blank lines between groups.
                while position < end, bytes[position] == 10 || bytes[position] == 32 || bytes[position] == 9 {
                    // A line of only whitespace counts as blank.
                    var p = position
                    while p < end, bytes[p] == 32 || bytes[p] == 9 { p += 1 }
                    if p < end, bytes[p] != 10 { break }
                    position = min(p + 1, end)
                }
                guard position < end else { break }
                let section = HeaderSection.parse(bytes[position...])
                var next = section.bodyStart
                if next <= position {
                    // Not a field line: skip it.
                    next = position
                    while next < end, bytes[next] != 10 { next += 1 }
                    next += 1
                }
                position = next
                if !section.fields.isEmpty {
                    count += 1
                    return section
                }
            }
            return nil
        }
    }
}
