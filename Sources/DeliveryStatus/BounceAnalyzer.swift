import MailParsing

/// The entry point: reads one message and says whether it is a bounce (or delay, success notice,
/// auto-reply, challenge, virus notice, feedback report) and what it says about each recipient.
///
/// Stateless and `Sendable`: one analyzer can serve many threads; its pattern tables are compiled once.
public struct BounceAnalyzer: Sendable {
    /// An analyzer with the built-in recognisers.
    public init() {}

    /// Analyzes a parsed message.
    /// - Complexity: one cheap dispatch per recogniser, then linear in the report's text.
    public func analyze(_ message: ParsedMessage) -> BounceReport {
        let context = BounceContext(message)
        guard let (name, finding) = RecognizerRegistry.recognize(context) else { return .notBounce }
        var reports: [RecipientReport] = []
        for raw in finding.recipients {
            var r = raw
            r.recipient = Addresses.bare(r.recipient)
            guard Addresses.isAddress(r.recipient) else { continue }
            var report = Finalization.report(r, reportProviders: context.receivedProviders)
            if finding.kind == .challenge || finding.kind == .virusNotice {
                // Not a delivery report: no made-up status code or action.
                if report.statusIsPseudo { report.status = nil; report.statusIsPseudo = false }
                if r.action == nil { report.action = nil }
                report.hard = false
            }
            reports.append(report)
        }
        let kind = Finalization.kind(of: reports, declared: finding.kind)
        if kind == .notBounce { return .notBounce }
        var report = BounceReport(kind: kind, format: name, recipients: reports,
                                  original: finding.original ?? OriginalLocator.locate(context))
        report.reportingMTA = finding.perMessage.reportingMTA
        report.dsnGateway = finding.perMessage.dsnGateway
        report.receivedFromMTA = finding.perMessage.receivedFromMTA
        report.arrivalDate = finding.perMessage.arrivalDate
        report.originalEnvelopeID = finding.perMessage.originalEnvelopeID
        report.extensionFields = finding.perMessage.extensionFields
        return report
    }

    /// How each recogniser saw the message (diagnostics for the harness; not a stable format).
    package func explain(_ message: ParsedMessage) -> [String] {
        RecognizerRegistry.trace(BounceContext(message))
    }

    /// Parses and analyzes raw message bytes.
    public func analyze(bytes: ByteSlice) -> BounceReport {
        analyze(ParsedMessage(parsing: bytes))
    }
}
