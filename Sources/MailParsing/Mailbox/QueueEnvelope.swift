/// The envelope an MTA's queue keeps beside a message (the SMTP `MAIL FROM` and `RCPT TO` it was
/// accepted with): what the headers of the message need not say. A Bcc: recipient, a relayed spam's
/// real recipients behind `To: undisclosed-recipients:;`, and the victim an NDR goes to are in it.
///
/// Read from a Postfix queue file (`PostfixQueueFile`), an Exim spool message (`EximSpoolMessage`), a
/// Sendmail queue entry (`SendmailQueueMessage`), an OpenSMTPD queue's envelope files (`OpenSMTPDQueue`),
/// a Courier queue entry (`CourierQueueMessage`) or `postcat` output (`PostcatParser`); mbox, Maildir and
/// message files have none. A class, so that a message without one pays one word.
public final class QueueEnvelope: Sendable {
    /// The envelope sender: empty for the null sender `<>` of a bounce; nil when the file did not say.
    public let sender: [UInt8]?
    /// The envelope recipients, in file order (as the queue file lists them: Postfix's those still to
    /// be delivered to, Exim's all of them, Sendmail's those still to be delivered to; OpenSMTPD's those
    /// still to be delivered to, in the order of their envelope IDs; Courier's those still to be delivered
    /// to).
    public let recipients: [[UInt8]]
    /// When the message arrived (for Sendmail, was queued), in seconds since 1970; nil when the file did
    /// not say.
    public let arrivalTime: Int?

    /// An envelope.
    public init(sender: [UInt8]?, recipients: [[UInt8]], arrivalTime: Int?) {
        self.sender = sender
        self.recipients = recipients
        self.arrivalTime = arrivalTime
    }
}
