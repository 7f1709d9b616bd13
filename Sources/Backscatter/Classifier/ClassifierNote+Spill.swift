import DeliveryStatus

// The binary form of the classifier's notes held for the stream pass (`SpillStore`): every field, in
// declaration order.

extension ClassifierNote: SpillCodable {
    /// Writes the observation and the delivered-to address.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(observation)
        encoder.write(deliveredTo)
    }

    /// Reads a note written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self.init(observation: try decoder.read(), deliveredTo: try decoder.read())
    }
}

extension Observation: SpillCodable {
    /// Writes every field.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(kind)
        encoder.write(format)
        encoder.write(arrival)
        encoder.write(victimAsWritten)
        encoder.write(victim)
        encoder.write(noticeFrom)
        encoder.write(recipients)
        encoder.write(recipientCount)
        encoder.write(reportingMTA)
        encoder.write(connectingIP)
        encoder.write(connectingHost)
        encoder.write(envelopeID)
        encoder.write(originalRecipients)
        encoder.write(replyIDs)
        encoder.write(original)
        encoder.write(noticeSubjectTail)
        encoder.write(noticeReplyTo)
        encoder.write(returnPath)
    }

    /// Reads an observation written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self.init(kind: try decoder.read())
        format = try decoder.read()
        arrival = try decoder.read()
        victimAsWritten = try decoder.read()
        victim = try decoder.read()
        noticeFrom = try decoder.read()
        recipients = try decoder.read()
        recipientCount = try decoder.read()
        reportingMTA = try decoder.read()
        connectingIP = try decoder.read()
        connectingHost = try decoder.read()
        envelopeID = try decoder.read()
        originalRecipients = try decoder.read()
        replyIDs = try decoder.read()
        original = try decoder.read()
        noticeSubjectTail = try decoder.read()
        noticeReplyTo = try decoder.read()
        returnPath = try decoder.read()
    }
}

extension OriginalFacts: SpillCodable {
    /// Writes every field.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(presence)
        // The Message-ID as held (bracketed or not), so that it reads back the same.
        encoder.write(messageIDText)
        encoder.write(messageIDIsBracketed)
        encoder.write(from)
        encoder.write(date)
        encoder.write(recipientCount)
        encoder.write(subject)
        encoder.write(subjectKey)
        encoder.write(subjectLetters)
        encoder.write(bodyKey)
        encoder.write(hops)
        encoder.write(hopCount)
        encoder.write(dkim)
        encoder.write(spamShape.rawValue)
    }

    /// Reads original facts written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self.init(presence: try decoder.read())
        messageIDText = try decoder.read()
        messageIDIsBracketed = try decoder.read()
        from = try decoder.read()
        date = try decoder.read()
        recipientCount = try decoder.read()
        subject = try decoder.read()
        subjectKey = try decoder.read()
        subjectLetters = try decoder.read()
        bodyKey = try decoder.read()
        hops = try decoder.read()
        hopCount = try decoder.read()
        dkim = try decoder.read()
        spamShape = SpamShape(rawValue: try decoder.read())
    }
}

extension ReceivedHop: SpillCodable {
    /// Writes every field.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(helo)
        encoder.write(reverseName)
        encoder.write(ip)
        encoder.write(date)
        encoder.write(fetchedFromMailbox)
    }

    /// Reads a hop written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self.init(helo: try decoder.read(), reverseName: try decoder.read(), ip: try decoder.read(),
                  date: try decoder.read(), fetchedFromMailbox: try decoder.read())
    }
}

extension DKIMFinding: SpillCodable {
    /// Writes domain, selector, result and signing time.
    public func encode(to encoder: inout SpillEncoder) {
        encoder.write(domain)
        encoder.write(selector)
        encoder.write(result)
        encoder.write(signedAt)
    }

    /// Reads a finding written by `encode(to:)`.
    public init(from decoder: inout SpillDecoder) throws(SpillError) {
        self.init(domain: try decoder.read(), selector: try decoder.read(), result: try decoder.read(),
                  signedAt: try decoder.read())
    }
}

extension DKIMFinding.Result: SpillCodable {}
extension ReturnedOriginal.Presence: SpillCodable {}
