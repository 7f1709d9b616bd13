import MailParsing

/// RFC 5965 Abuse Reporting Format (`multipart/report; report-type=feedback-report`), plus the
/// non-standard complaint forms found in the corpus (Hotmail's JMRP, iCloud's unsubscribe notice).
/// Feedback reports are not bounces: kind `feedback-report`, reason `feedback`.
struct FeedbackReportRecognizer: Recognizer {
    var name: String { "arf" }

    /// Placeholder recipient when a report names none (Sisimai does the same, under another name).
    static let undisclosed = "undisclosed-recipient@unknown.invalid"

    /// "@hotmail.com" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromHotmailCom: ClaimNeedle { ClaimNeedle("@hotmail.com") }
    /// "complaint about message from" in the lower-cased Subject, for `claims` (`BounceContext.subjectContainsLowercased`).
    @inline(__always) private static var subjectComplaintAboutMessageFrom: ClaimNeedle { ClaimNeedle("complaint about message from") }
    /// "@icloud.com" in the lower-cased From field, for `claims` (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromIcloudCom: ClaimNeedle { ClaimNeedle("@icloud.com") }

    func claims(_ context: BounceContext) -> Bool {
        // The root's media type read in place, its parameters only for a multipart/report: copying
        // the content type of every root retained and released its strings and parameters.
        let root = context.message.root
        if root.withMediaType({ MIMEPart.isName($0, "multipart") && MIMEPart.isName($1, "report") }),
           Self.isFeedbackReport(root.contentType.parameter("report-type")) { return true }
        if context.feedbackReportPart != nil { return true }
        // An ASCII subject asked before the sender (both are asked of nearly every message; the
        // subject's byte set or length answers most: bsd.mbox x3, the two From searches 0.62M
        // instructions); any other after it, as before (lower-casing it costs more than the search).
        let asciiSubject = context.subjectText.isASCII
        // Hotmail JMRP: "complaint about message from 192.0.2.222" (sisimai arf-22..24).
        if Self.both(subjectFirst: asciiSubject, context.subjectContainsLowercased(Self.subjectComplaintAboutMessageFrom),
                     context.fromContainsLowercased(Self.fromHotmailCom)) {
            return true
        }
        // iCloud unsubscribe request forwarded with the message attached (sisimai arf-26).
        if Self.both(subjectFirst: asciiSubject, Self.isUnsubscribe(context), context.fromContainsLowercased(Self.fromIcloudCom)) {
            return true
        }
        return false
    }

    /// The report's human-readable part (RFC 5965 §2: the first part of the multipart/report), read
    /// as the recipients' diagnostic: the first part of the multipart that holds the
    /// message/feedback-report part, wherever the report lies (a list or a gateway wraps it in a
    /// multipart/mixed, whose first part is the report itself: its raw body, boundaries and all, was
    /// the diagnostic), else the root's first part, or the root of a single-part message (sisimai
    /// arf-26, iCloud's unsubscribe notice, had none); a multipart's first leaf.
    static func summaryPart(_ context: BounceContext) -> MIMEPart? {
        let root = context.message.root
        var summary = root
        if let report = context.feedbackReportPart, let holder = multipart(holding: report.identity, under: root),
           let first = holder.parts.first {
            summary = first
        }
        while summary.isMultipart, let first = summary.parts.first { summary = first }
        // A returned message is no summary: Microsoft's reports (sisimai arf-22..24) are a multipart/mixed
        // whose only part is the complained-of message, and its headers were the diagnostic.
        return summary.isMultipart || summary.isEncapsulating ? nil : summary
    }

    /// The part among `part` and the parts under it that has the part `child` as one of its own
    /// (depth-first, as deep as the parser nests parts), or nil.
    private static func multipart(holding child: MIMEPart.Identity, under part: MIMEPart) -> MIMEPart? {
        var found: MIMEPart? = nil
        part.forEachPart { p in
            guard found == nil else { return }
            found = p.identity == child ? part : multipart(holding: child, under: p)
        }
        return found
    }

    /// `subject && from`, the subject's test asked first when `subjectFirst`, the sender's otherwise:
    /// the order decides only the cost.
    @inline(__always)
    private static func both(subjectFirst: Bool, _ subject: @autoclosure () -> Bool, _ from: @autoclosure () -> Bool) -> Bool {
        subjectFirst ? subject() && from() : from() && subject()
    }

    /// `value?.lowercasedIfNeeded() == "feedback-report"`, an ASCII value compared as bytes without
    /// case (`lowercasedIfNeeded` lower-cases ASCII letters alone there; a DSN's "delivery-status" is
    /// the same length, so the length alone does not tell them apart).
    static func isFeedbackReport(_ value: String?) -> Bool {
        // A value whose first byte is neither "f" nor "F" (a DSN's "delivery-status") is not
        // "feedback-report" lower-cased: only "F" lower-cases to "f" (a byte over 0x7F begins a
        // character that is not ASCII, whose lower case is not ASCII either but for U+212A and U+0130,
        // "k" and "i"). bsd.mbox x3: 1,032 DSN roots asked, Main.main 236.22M -> 236.14M.
        guard var value, let first = value.utf8.first, first | 0x20 == UInt8(ascii: "f") else { return false }
        let ascii: Bool? = value.withUTF8 { bytes in
            guard ASCII.isASCII(bytes) else { return nil }
            return ASCII.equals(bytes, ignoringCase: "feedback-report")
        }
        return ascii ?? (value.lowercasedIfNeeded() == "feedback-report")
    }

    /// `context.lowercaseSubject.trimmed == "unsubscribe"`, an ASCII subject compared as bytes without
    /// case (its lower-cased copy is its ASCII letters lower-cased; `lowercaseSubject` is made only
    /// for another).
    static func isUnsubscribe(_ context: BounceContext) -> Bool {
        let subject = context.subjectText
        guard subject.isASCII else { return context.lowercaseSubject.trimmed == "unsubscribe" }
        let (start, end) = subject.bytes.trimmedBounds
        return ASCII.equals(UnsafeBufferPointer(rebasing: subject.bytes[start..<end]), ignoringCase: "unsubscribe")
    }

    /// The report fields `recognize` reads.
    private enum ReportField { case recipient, feedbackType, arrivalDate, sourceIP, other }

    /// Which report field `field` is, by its name lower-cased as `String.lowercased()` does: an ASCII
    /// name read as it is, compared without case; any other lower-cased first (U+212A KELVIN SIGN
    /// lower-cases to "k", and "feedback-type" has one).
    private static func reportField(_ field: HeaderField) -> ReportField {
        if let ascii = field.name.withUnsafeBufferPointer({ ASCII.isASCII($0) ? reportField(named: $0) : nil }) { return ascii }
        var lowered = field.nameString.lowercased()
        return lowered.withUTF8 { reportField(named: $0) }
    }

    /// `reportField(_:)` of a name's bytes, compared with the fields' names without case.
    private static func reportField(named name: UnsafeBufferPointer<UInt8>) -> ReportField {
        if ASCII.equals(name, ignoringCase: "original-rcpt-to") || ASCII.equals(name, ignoringCase: "removal-recipient") { return .recipient }
        if ASCII.equals(name, ignoringCase: "feedback-type") { return .feedbackType }
        if ASCII.equals(name, ignoringCase: "arrival-date") || ASCII.equals(name, ignoringCase: "received-date") { return .arrivalDate }
        if ASCII.equals(name, ignoringCase: "source-ip") { return .sourceIP }
        return .other
    }

    func recognize(_ context: BounceContext) -> Finding? {
        var addresses: [String] = []
        var feedbackType: String? = nil
        var arrivalDate: String? = nil
        var sourceIP: String? = nil
        if let part = context.feedbackReportPart {
            let text = BounceContext.normalizedText(of: part)
            // Each group's fields read where they are parsed (`forEachGroup`), a value made a String only
            // for the fields read: an array of groups of (lower-cased name, value) Strings, made of every
            // field, cost more (bsd.mbox x3, 39 reports: `recognize` 1.51M -> 1.05M instructions, Main.main
            // 239.03M -> 238.55M).
            DeliveryStatusFields.forEachGroup(Array(text.utf8)[...]) { section in
                for field in section.fields {
                    switch Self.reportField(field) {
                    // RFC 5965 §3.2 Original-Rcpt-To; RFC 6650 §3 Removal-Recipient.
                    case .recipient:
                        let a = Addresses.bare(field.valueString)
                        if Addresses.isAddress(a) { addresses.append(a) }
                    case .feedbackType: if feedbackType == nil { feedbackType = field.valueString.trimmed.lowercasedIfNeeded() }
                    case .arrivalDate: if arrivalDate == nil { arrivalDate = field.valueString.trimmed }
                    case .sourceIP: if sourceIP == nil { sourceIP = field.valueString.trimmed }
                    case .other: break
                    }
                }
            }
        }
        let original = OriginalLocator.locate(context)
        if addresses.isEmpty, let hm = original.headers?.first("x-hmxmroriginalrecipient").map({ Addresses.bare($0.valueString) }),
           Addresses.isAddress(hm) {
            addresses.append(hm)
        }
        if addresses.isEmpty, let to = original.header("to").map(Addresses.bare), Addresses.isAddress(to) { addresses.append(to) }
        if context.lowercaseSubject.trimmed == "unsubscribe" {
            feedbackType = feedbackType ?? "opt-out"
        }
        if addresses.isEmpty { addresses.append(FeedbackReportRecognizer.undisclosed) }
        // Without a human-readable part, the report's subject is its own words ("complaint about message
        // from 192.0.2.222").
        let summary = Self.summaryPart(context).map { BounceContext.normalizedText(of: $0) } ?? context.subject.trimmed
        var finding = Finding(kind: .feedbackReport, original: original)
        finding.perMessage.arrivalDate = arrivalDate
        if let sourceIP { finding.perMessage.extensionFields.append(BounceReport.ExtensionField(name: "source-ip", value: sourceIP)) }
        for a in addresses {
            var r = RecipientFinding(recipient: a)
            r.reason = .feedback
            r.feedbackType = feedbackType ?? "abuse"
            r.diagnostic = summary
            finding.recipients.append(r)
        }
        return finding
    }
}
