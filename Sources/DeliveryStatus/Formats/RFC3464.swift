/// Standard delivery status notifications: `multipart/report; report-type=delivery-status`
/// (RFC 6522, RFC 3464) and `message/global-delivery-status` (RFC 6533), also nested in a
/// `multipart/mixed` by a gateway. Also the base other recognisers build on.
struct RFC3464Recognizer: Recognizer {
    var name: String { "rfc3464" }

    func claims(_ context: BounceContext) -> Bool { context.deliveryStatusPart != nil }

    func recognize(_ context: BounceContext) -> Finding? {
        guard let text = context.deliveryStatusText else { return nil }
        let finding = RFC3464Recognizer.read(text)
        return finding.recipients.isEmpty ? nil : finding
    }

    /// Reads the groups of a delivery-status body (RFC 3464 §2.2 and §2.3).
    static func read(_ text: String) -> Finding {
        var finding = Finding()
        for group in DeliveryStatusFields.groups(text) {
            let isRecipient = group.has("final-recipient") || group.has("original-recipient")
            if !isRecipient {
                if finding.recipients.isEmpty { readPerMessage(group, into: &finding.perMessage) }
                continue
            }
            if let r = readRecipient(group) { finding.recipients.append(r) }
        }
        return finding
    }

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
        }
        if let mta = group.first("remote-mta") { r.remoteMTA = TypedValue(mta).value }
        if let d = group.first("diagnostic-code") {
            let typed = TypedValue(d)
            r.diagnosticType = typed.type?.uppercased()
            r.diagnostic = typed.value
        }
        r.lastAttemptDate = group.first("last-attempt-date")?.trimmed
        r.finalLogID = group.first("final-log-id")?.trimmed
        r.willRetryUntil = group.first("will-retry-until")?.trimmed
        return r
    }
}
