#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MailParsing

/// Amazon SES, the sending side (`ReceivingSES` is its inbound side), in its two forms:
/// - its delivery-status notifications, from `MAILER-DAEMON@...amazonses.com`: RFC 3464, which the shared
///   reader reads (`SmallFamilies.readAsUsual`; sisimai lhost-amazonses-01..08 and 14..21);
/// - the JSON notifications it publishes through Amazon SNS to an e-mail subscription, from
///   `no-reply@sns.amazonaws.com` with the subject "AWS Notification Message": an object whose
///   `notificationType` (or, for event publishing, `eventType`) is `Bounce`, `Complaint`, `Delivery` or
///   `DeliveryDelay`, read here (sisimai lhost-amazonses-09..13), also inside SNS's own JSON envelope
///   (`"Type": "Notification"`, SES's object as its `Message` string: lhost-amazonses-10). Their recipients are the JSON's
///   `bouncedRecipients`, `complainedRecipients`, `recipients` or `delayedRecipients`; the text around
///   them names the sender (`mail.source`), an ARN and an unsubscribe link, none of them a recipient.
///
/// Field names and values from Amazon's "Amazon SES notification contents" and "event publishing"
/// documentation; signature from the sisimai files above.
struct AmazonSESRecognizer: Recognizer {
    var name: String { "amazonses" }

    /// "amazonses.com" in the lower-cased From field (`BounceContext.fromContainsLowercased`).
    @inline(__always) private static var fromAmazonSES: ClaimNeedle { ClaimNeedle("amazonses.com") }
    /// "@sns.amazonaws.com" in the lower-cased From field: Amazon SNS's e-mail notifications.
    @inline(__always) private static var fromAmazonSNS: ClaimNeedle { ClaimNeedle("@sns.amazonaws.com") }

    func claims(_ context: BounceContext) -> Bool {
        context.fromContainsLowercased(Self.fromAmazonSES) || context.fromContainsLowercased(Self.fromAmazonSNS)
    }

    func recognize(_ context: BounceContext) -> Finding? {
        if let notification = Self.notification(in: context.text) { return Self.finding(of: notification) }
        // Any other SNS notification is not SES's: the other readers try it.
        guard context.fromContainsLowercased(Self.fromAmazonSES) else { return nil }
        return SmallFamilies.readAsUsual(context)
    }

    // MARK: - The JSON notification

    /// The notification object in `text`: the first `{` on, sendmail's splits of lines longer than it
    /// sends (`!`, a line end and a space, inserted at ~990 bytes: lhost-amazonses-09 splits a header
    /// name, -11 an address) taken out first; nil unless it is an object naming its type.
    static func notification(in text: String) -> JSONValue? {
        var text = text
        return text.withUTF8 { bytes -> JSONValue? in
            // `"notificationType"` or `"eventType"` somewhere (a split cannot fall inside `Type"`: the
            // name starts the object), before anything is copied.
            guard let open = bytes.firstIndex(of: UInt8(ascii: "{")),
                  Self.typeKeyEnd.withUTF8Buffer({ ByteSubstring.firstOffset(of: $0, in: bytes) }) != nil else { return nil }
            let joined = Self.withoutLineSplits(UnsafeBufferPointer(rebasing: bytes[open...]))
            guard let parsed = joined.withUnsafeBufferPointer({ JSONValue.parse($0) }) else { return nil }
            if Self.type(of: parsed.value) != nil { return parsed.value }
            // SNS's own envelope (a subscription without raw message delivery): SES's notification is
            // its `Message`, a string of JSON (lhost-amazonses-10).
            guard parsed.value["Type"]?.string == "Notification", var message = parsed.value["Message"]?.string,
                  let inner = message.withUTF8({ JSONValue.parse($0) }), Self.type(of: inner.value) != nil else { return nil }
            return inner.value
        }
    }

    /// The end of both type keys' names.
    private static let typeKeyEnd: StaticString = "Type\""

    /// `bytes` without each `!` followed by a line end (LF or CR LF) and a space: in JSON a `!` can stand
    /// only inside a string, where a raw line end cannot, so the three bytes are always a split.
    ///
    /// The runs between splits are copied whole, each `!` found by memchr: appended byte by byte, the
    /// bytes cost ~25,000 instructions a notification (bsd.mbox x3, 15 notifications: `recognize`
    /// 3.30M -> 2.93M instructions).
    static func withoutLineSplits(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
        let n = bytes.count
        return [UInt8](unsafeUninitializedCapacity: n) { out, written in
            written = 0
            guard let target = out.baseAddress else { return }
            // The bytes from `runStart` on not copied yet; the next `!` looked for from `from` on.
            var runStart = 0, from = 0
            while from < n, let hit = memchr(base + from, Int32(UInt8(ascii: "!")), n &- from) {
                let i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                let split = i + 2 < n && base[i + 1] == ASCII.lineFeed && base[i + 2] == ASCII.space ? 3
                    : i + 3 < n && base[i + 1] == ASCII.carriageReturn && base[i + 2] == ASCII.lineFeed
                        && base[i + 3] == ASCII.space ? 4 : 0
                guard split > 0 else { from = i + 1; continue }
                (target + written).initialize(from: base + runStart, count: i - runStart)
                written += i - runStart
                runStart = i + split
                from = runStart
            }
            (target + written).initialize(from: base + runStart, count: n - runStart)
            written += n - runStart
        }
    }

    /// The notification's type: `notificationType`, or `eventType` in event publishing.
    static func type(of notification: JSONValue) -> String? {
        (notification["notificationType"] ?? notification["eventType"])?.string
    }

    /// What the notification reports, by its type; nil for a type that reports on no recipient
    /// (`Send`, `Open`, `Click` ...) or one without any recipient.
    static func finding(of notification: JSONValue) -> Finding? {
        var finding: Finding
        switch type(of: notification) {
        case "Bounce":
            let bounce = notification["bounce"]
            finding = Finding(kind: .bounce)
            let subtype = bounce?["bounceSubType"]?.string
            for item in bounce?["bouncedRecipients"]?.array ?? [] {
                guard var r = recipient(item["emailAddress"]) else { continue }
                r.action = item["action"]?.string.flatMap { DeliveryAction(field: $0) } ?? .failed
                r.status = item["status"]?.string.flatMap { EnhancedStatusCode($0) }
                readDiagnostic(item["diagnosticCode"]?.string, into: &r)
                r.reason = reason(ofSubtype: subtype)
                finding.recipients.append(r)
            }
            finding.perMessage.reportingMTA = typedValue(bounce?["reportingMTA"]?.string)
        case "DeliveryDelay":
            let delay = notification["deliveryDelay"]
            finding = Finding(kind: .delay)
            for item in delay?["delayedRecipients"]?.array ?? [] {
                guard var r = recipient(item["emailAddress"]) else { continue }
                r.action = .delayed
                r.status = item["status"]?.string.flatMap { EnhancedStatusCode($0) }
                readDiagnostic(item["diagnosticCode"]?.string, into: &r)
                finding.recipients.append(r)
            }
            finding.perMessage.reportingMTA = typedValue(delay?["reportingMTA"]?.string)
        case "Delivery":
            let delivery = notification["delivery"]
            finding = Finding(kind: .success)
            // "250 2.6.0 Message received": the reply and status codes are read from it as from any
            // diagnostic.
            let response = delivery?["smtpResponse"]?.string ?? ""
            for item in delivery?["recipients"]?.array ?? [] {
                guard var r = recipient(item) else { continue }
                r.action = .delivered
                r.diagnostic = response
                r.reason = .delivered
                finding.recipients.append(r)
            }
            finding.perMessage.reportingMTA = typedValue(delivery?["reportingMTA"]?.string)
        case "Complaint":
            let complaint = notification["complaint"]
            finding = Finding(kind: .feedbackReport)
            // RFC 5965 feedback types (`abuse`, `not-spam` ...), when the complainant's provider sent one.
            let feedbackType = complaint?["complaintFeedbackType"]?.string?.lowercased() ?? "abuse"
            for item in complaint?["complainedRecipients"]?.array ?? [] {
                guard var r = recipient(item["emailAddress"]) else { continue }
                r.reason = .feedback
                r.feedbackType = feedbackType
                finding.recipients.append(r)
            }
        default:
            return nil
        }
        guard !finding.recipients.isEmpty else { return nil }
        // No original comes back: `mail.headers` are the headers the sender handed SES (no Message-ID,
        // no Received: SES adds them), not a copy of the message that travelled, so they are not read
        // as one (the classifier would judge a made-up original; backscatter-dev labels these
        // notifications `has_original: none`).
        finding.original = .absent
        return finding
    }

    /// A record for the address in `value` (a JSON string, display name or angle brackets allowed);
    /// nil when it holds none.
    static func recipient(_ value: JSONValue?) -> RecipientFinding? {
        guard let text = value?.string else { return nil }
        let address = Addresses.bare(text)
        return Addresses.isAddress(address) ? RecipientFinding(recipient: address) : nil
    }

    /// `diagnosticCode` ("smtp; 550 5.1.1 user unknown") into the record: its type (RFC 3464 §2.3.6,
    /// upper case, as the RFC 3464 reader gives it) and the text after it, split as a DSN field's value
    /// (`TypedValue`).
    static func readDiagnostic(_ code: String?, into r: inout RecipientFinding) {
        guard let code else { return }
        let typed = TypedValue(code)
        r.diagnosticType = typed.type?.uppercased()
        r.diagnostic = typed.value
    }

    /// A value typed as in a DSN field ("dsn; a27-23.smtp-out.us-west-2.amazonses.com"): the text after
    /// the type (`TypedValue`), nil when empty.
    static func typedValue(_ value: String?) -> String? {
        guard let text = value.map({ TypedValue($0).value }), !text.isEmpty else { return nil }
        return text
    }

    /// The reason a bounce's `bounceSubType` says on its own: the suppression lists (no SMTP exchange
    /// took place, so no text says it), and the subtypes that name one failure; nil for `General`,
    /// `NoEmail`, `Undetermined`, `AttachmentRejected` and any other, which the status and the
    /// diagnostic decide.
    static func reason(ofSubtype subtype: String?) -> Reason? {
        switch subtype {
        case "Suppressed", "OnAccountSuppressionList": .suppressed
        case "MailboxFull": .mailboxFull
        case "MessageTooLarge": .mesgTooBig
        case "ContentRejected": .contentError
        default: nil
        }
    }
}
