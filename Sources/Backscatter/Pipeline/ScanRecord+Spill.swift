import DeliveryStatus
import MailParsing

// The binary form of a record held for the stream pass (`SpillStore`): every field, in declaration order.

extension ScanRecord: SpillCodable {
    /// Writes every field.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(source)
        encoder.write(index)
        encoder.write(offset)
        encoder.write(length)
        encoder.write(sequence)
        encoder.write(messageId)
        encoder.write(dateValue)
        encoder.write(timestamp)
        encoder.write(from)
        encoder.write(to)
        encoder.write(subject)
        encoder.write(defects)
        encoder.write(kind)
        encoder.write(format)
        encoder.write(recipients)
        encoder.write(original)
        encoder.write(verdict)
        encoder.write(score)
        encoder.write(evidence)
        encoder.write(campaign)
        encoder.write(audit)
        encoder.write(envelope)
    }

    /// Reads a record written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self.init(source: try decoder.read(), index: try decoder.read(), offset: try decoder.read(),
                  length: try decoder.read(), sequence: try decoder.read())
        messageId = try decoder.read()
        dateValue = try decoder.read()
        timestamp = try decoder.read()
        from = try decoder.read()
        to = try decoder.read()
        subject = try decoder.read()
        defects = try decoder.read()
        kind = try decoder.read()
        format = try decoder.read()
        recipients = try decoder.read()
        original = try decoder.read()
        verdict = try decoder.read()
        score = try decoder.read()
        evidence = try decoder.read()
        campaign = try decoder.read()
        audit = try decoder.read()
        envelope = try decoder.read()
    }
}

extension QueueEnvelope: SpillCodable {
    /// Writes every field: whether there is a sender and its bytes, the recipients' bytes, the time.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(sender != nil)
        encoder.writeBytes(sender ?? [])
        encoder.writeVarint(UInt64(recipients.count))
        for recipient in recipients { encoder.writeBytes(recipient) }
        encoder.write(arrivalTime)
    }

    /// Reads an envelope written by `encode(to:)`.
    public convenience init(from decoder: inout SpillDecoder) throws(SpillError) {
        let hasSender: Bool = try decoder.read()
        let sender = Array(try decoder.readBytes())
        // Each recipient takes at least one byte, so a count larger than the bytes left is damage.
        let count = try decoder.readCount(bounded: true)
        var recipients: [[UInt8]] = []
        recipients.reserveCapacity(count)
        for _ in 0..<count { recipients.append(Array(try decoder.readBytes())) }
        self.init(sender: hasSender ? sender : nil, recipients: recipients, arrivalTime: try decoder.read())
    }
}

extension ScanRecord.Recipient: SpillCodable {
    /// Writes every field.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(recipient)
        encoder.write(action)
        encoder.write(status)
        encoder.write(replyCode)
        encoder.write(reason)
        encoder.write(hard)
        encoder.write(diagnostic)
        encoder.write(remoteMTA)
    }

    /// Reads a recipient written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self.init(recipient: try decoder.read(), action: try decoder.read(), status: try decoder.read(),
                  replyCode: try decoder.read(), reason: try decoder.read(), hard: try decoder.read(),
                  diagnostic: try decoder.read(), remoteMTA: try decoder.read())
    }
}

extension ScanRecord.Original: SpillCodable {
    /// Writes every field.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(present)
        encoder.write(messageId)
        encoder.write(from)
        encoder.write(to)
        encoder.write(subject)
        encoder.write(dateValue)
        encoder.write(received)
    }

    /// Reads an original written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self.init(present: try decoder.read(), messageId: try decoder.read(), from: try decoder.read(),
                  to: try decoder.read(), subject: try decoder.read(), date: try decoder.read(ScanRecord.RecordDate.self),
                  received: try decoder.read())
    }
}

/// A date as the record holds it, as it is (its text not made): a tag byte, 0 for no date, 1 and the
/// text given, 2 and the date read's seconds and offset.
extension ScanRecord.RecordDate: SpillCodable {
    /// Writes the tag and the date.
    package func encode(to encoder: inout SpillEncoder) {
        switch self {
        case .text(nil): encoder.writeByte(0)
        case .text(let text?):
            encoder.writeByte(1)
            encoder.write(text)
        case .mail(let date):
            encoder.writeByte(2)
            encoder.writeSigned(date.secondsSince1970)
            encoder.write(date.utcOffsetMinutes)
        }
    }

    /// Reads a date written by `encode(to:)`.
    package init(from decoder: inout SpillDecoder) throws(SpillError) {
        switch try decoder.readByte() {
        case 0: self = .text(nil)
        case 1: self = .text(try decoder.read(String.self))
        case 2: self = .mail(MailDate(secondsSince1970: try decoder.readSigned(), utcOffsetMinutes: try decoder.read()))
        default: throw decoder.damage
        }
    }
}

extension Evidence: SpillCodable {
    /// Writes signal, weight and detail.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(signal)
        encoder.write(weight)
        encoder.write(detail)
    }

    /// Reads evidence written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self.init(signal: try decoder.read(), weight: try decoder.read(), detail: try decoder.read())
    }
}

extension ScanRecord.Original.Presence: SpillCodable {}
extension Verdict: SpillCodable {}
extension AuditVerdict: SpillCodable {}
extension MessageKind: SpillCodable {}
extension Reason: SpillCodable {}
