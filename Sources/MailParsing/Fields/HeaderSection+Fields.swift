/// Structured readings of the common fields. Each accessor parses on every call (nothing is cached, so
/// the section stays a plain value); read a result once when it is needed in a loop.
extension HeaderSection {
    /// Mailboxes of every From field (RFC 5322 §3.6.2 allows several authors; broken mail repeats the field).
    public var from: [MailAddress] { addresses("from") }
    /// Mailboxes of every To field.
    public var to: [MailAddress] { addresses("to") }
    /// Mailboxes of every Cc field.
    public var cc: [MailAddress] { addresses("cc") }
    /// Mailboxes of every Reply-To field.
    public var replyTo: [MailAddress] { addresses("reply-to") }
    /// The Sender mailbox, if any.
    public var sender: MailAddress? { first("sender").flatMap { AddressParser.parseSingle($0.unfoldedValue) } }

    /// The Return-Path (RFC 5321 §4.4) of the first Return-Path field: the null reverse-path `<>` of a
    /// bounce gives an address whose `isNull` is true; nil when there is no such field or no address.
    public var returnPath: MailAddress? {
        first("return-path").flatMap { AddressParser.parseSingle($0.unfoldedValue) }
    }

    /// The first Message-ID, without angle brackets.
    public var messageID: String? { first("message-id").flatMap { MessageIDParser.parse($0.unfoldedValue) } }
    /// The ids of In-Reply-To (all In-Reply-To fields, in order).
    public var inReplyTo: [String] { all("in-reply-to").flatMap { MessageIDParser.parseList($0.unfoldedValue) } }
    /// The ids of References (all References fields, in order).
    public var references: [String] { all("references").flatMap { MessageIDParser.parseList($0.unfoldedValue) } }

    /// The first Date field that parses.
    public var date: MailDate? {
        for field in all("date") {
            if let date = MailDate.parse(field.unfoldedValue) { return date }
        }
        return nil
    }

    /// The first Subject, RFC 2047-decoded; nil when there is no Subject field.
    public var subject: String? { first("subject").map { EncodedWords.decode($0.unfoldedValue) } }

    /// Every Received field, top (most recent hop) first, as they appear.
    public var received: [ReceivedField] { all("received").map { ReceivedField.parse($0.unfoldedValue) } }

    private func addresses(_ name: String) -> [MailAddress] {
        all(name).flatMap { AddressParser.parseList($0.unfoldedValue) }
    }
}
