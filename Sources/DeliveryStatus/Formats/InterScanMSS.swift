/// Trend Micro InterScan Messaging Security Suite notifications (`"InterScan Notification"`,
/// "Mail could not be delivered"): "Unable to deliver message to <address> (and other recipients in
/// the same domain)." The suite writes it when the recipient was refused; Sisimai counts it as
/// `userunknown`. Seen in sisimai lhost-trendmicro-02, -03.
struct InterScanMSSRecognizer: Recognizer {
    var name: String { "interscanmss" }

    func claims(_ context: BounceContext) -> Bool {
        context.from.contains("InterScan") || context.subject == "Mail could not be delivered"
    }

    func recognize(_ context: BounceContext) -> Finding? {
        var records: [RecipientFinding] = []
        for line in context.lines {
            guard let r = line.firstRange(of: "Unable to deliver message to ") else { continue }
            let address = Addresses.bare(String(line[r.upperBound...]))
            guard Addresses.isAddress(address), !records.contains(where: { $0.recipient == address }) else { continue }
            var f = RecipientFinding(recipient: address)
            f.diagnostic = String(line).trimmed
            f.reason = .userUnknown
            records.append(f)
        }
        return records.isEmpty ? nil : Finding(recipients: records)
    }
}
