/// Standard delivery status notifications: `multipart/report; report-type=delivery-status`
/// (RFC 6522, RFC 3464) and `message/global-delivery-status` (RFC 6533), also nested in a
/// `multipart/mixed` by a gateway. Also the base other recognisers build on.
struct RFC3464Recognizer: Recognizer {
    var name: String { "rfc3464" }

    func claims(_ context: BounceContext) -> Bool {
        context.deliveryStatusPart != nil || context.inlineDeliveryStatusText != nil
    }

    func recognize(_ context: BounceContext) -> Finding? {
        // Every delivery-status part: a report may carry several (sisimai rfc3464-28 nests two reports).
        var texts = context.allDeliveryStatusTexts
        if texts.isEmpty, let inline = context.inlineDeliveryStatusText { texts = [inline] }
        guard !texts.isEmpty else { return nil }
        var finding = RFC3464Recognizer.read(texts.joined(separator: "\n\n"))
        RFC3464Recognizer.complete(&finding, from: context)
        return finding.recipients.isEmpty ? nil : finding
    }

    /// Completes each record from the human-readable part: the diagnostic when the DSN gave none, and
    /// the SMTP command, which only the text usually names (Postfix "in reply to RCPT TO command").
    static func complete(_ finding: inout Finding, from context: BounceContext) {
        // A single recipient's record is read together with the report's own words (the DSN often
        // carries only "5.0.0" while the text says why), as Sisimai does.
        if finding.recipients.count == 1 {
            let lead = context.sweptLeadText
            let own = Diagnostic.sweep(finding.recipients[0].diagnostic)
            if !lead.isEmpty {
                finding.recipients[0].decisionText = lead.containsIgnoringCase(own) ? lead : lead + " " + own
            }
        }
        for i in finding.recipients.indices {
            let r = finding.recipients[i]
            // The text's block for the address is looked up only when the DSN gave no diagnostic.
            if r.diagnostic.trimmedSlice.isEmpty, let block = TextScan.block(for: r.recipient, in: context) {
                finding.recipients[i].diagnostic = TextScan.withoutAddressPrefix(block, address: r.recipient)
            }
            if r.command == nil {
                finding.recipients[i].command = SMTPCommandFinder.find(in: r.decisionText ?? r.diagnostic)
                    ?? context.leadTextCommand
            }
        }
    }

    /// Reads the fields of a delivery-status body (RFC 3464 §2.2 and §2.3) as a stream: a blank
    /// line ends a recipient's group, and so does a second `Final-Recipient` without one (sisimai
    /// rhost-aol-03 runs the groups together).
    static func read(_ text: String) -> Finding {
        var finding = Finding()
        var current: [(name: String, value: String)] = []
        // Whether `current` holds a Final-Recipient / an Original-Recipient field.
        var hasFinal = false
        var hasOriginal = false
        var perMessage: [(name: String, value: String)] = []
        func flush() {
            if hasFinal || hasOriginal, let r = readRecipient(DeliveryStatusFields.Group(fields: current)) {
                finding.recipients.append(r)
            } else if finding.recipients.isEmpty {
                perMessage += current
            }
            current = []
            hasFinal = false
            hasOriginal = false
        }
        for group in DeliveryStatusFields.groups(text) {
            for field in group.fields {
                let isFinal = field.name == "final-recipient"
                let isOriginal = field.name == "original-recipient"
                if isFinal && hasFinal { flush() }
                if isOriginal && hasFinal && hasOriginal { flush() }
                // RFC 3464 §2.2 per-message fields before any recipient field belong to the message even
                // when no blank line separates them from the first recipient (sisimai rhost-aol-03).
                if !hasFinal && !hasOriginal && RFC3464Recognizer.perMessageNames.contains(field.name) {
                    perMessage.append(field)
                    continue
                }
                current.append(field)
                hasFinal = hasFinal || isFinal
                hasOriginal = hasOriginal || isOriginal
            }
            flush()
        }
        readPerMessage(DeliveryStatusFields.Group(fields: perMessage), into: &finding.perMessage)
        return finding
    }

    static let perMessageNames: Set<String> = [
        "reporting-mta", "dsn-gateway", "received-from-mta", "arrival-date", "original-envelope-id",
    ]

    static func readPerMessage(_ group: DeliveryStatusFields.Group, into m: inout PerMessageFields) {
        for (name, value) in group.fields {
            switch name {
            case "reporting-mta": m.reportingMTA = TypedValue(value).value
            case "dsn-gateway": m.dsnGateway = TypedValue(value).value
            case "received-from-mta": m.receivedFromMTA = TypedValue(value).value
            case "arrival-date": m.arrivalDate = value.trimmed
            case "original-envelope-id": m.originalEnvelopeID = XText.decode(value.trimmed)
            default:
                if name.hasPrefix("x-") { m.extensionFields.append((name, value)) }
            }
        }
    }

    static func readRecipient(_ group: DeliveryStatusFields.Group) -> RecipientFinding? {
        let final = group.first("final-recipient").map(TypedValue.init)
        let original = group.first("original-recipient").map(TypedValue.init)
        // RFC 3464 §2.3.2: Final-Recipient is required; fall back to Original-Recipient, then to the
        // X-Actual-Recipient some MTAs add.
        var address = final?.address ?? ""
        if !Addresses.isAddress(address), let o = original?.address, Addresses.isAddress(o) { address = o }
        if !Addresses.isAddress(address), let x = group.first("x-actual-recipient").map({ TypedValue($0).address }), Addresses.isAddress(x) {
            address = x
        }
        guard !address.isEmpty else { return nil }
        var r = RecipientFinding(recipient: address)
        r.finalRecipient = final?.address
        r.originalRecipient = original?.address
        if let a = group.first("action") { r.action = DeliveryAction(field: a) }
        if let s = group.first("status") {
            // "5.1.1", "5.1.1 (bad destination)", "#5.1.1": first token.
            let token = s.trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" }).first.map(String.init) ?? ""
            r.status = EnhancedStatusCode(token)
            // "Status: 4.0.0 (cat.example.net: host name lookup failure)": the comment is a diagnostic too.
            if let open = s.firstIndex(of: "("), let close = s.lastIndex(of: ")"), open < close {
                r.diagnostic = String(s[s.index(after: open)..<close])
            }
        }
        if let mta = group.first("remote-mta") { r.remoteMTA = TypedValue(mta).value }
        if let d = group.first("diagnostic-code") {
            let typed = TypedValue(d)
            r.diagnosticType = typed.type?.uppercased()
            r.diagnostic = r.diagnostic.isEmpty ? typed.value : r.diagnostic + " " + typed.value
        }
        r.lastAttemptDate = group.first("last-attempt-date")?.trimmed
        r.finalLogID = group.first("final-log-id")?.trimmed
        r.willRetryUntil = group.first("will-retry-until")?.trimmed
        return r
    }
}
