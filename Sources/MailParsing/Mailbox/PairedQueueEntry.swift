/// What a two-file queue entry's decoder (`EximSpoolMessage`, `SendmailQueueMessage`) gives
/// `MailboxReader`: the message put together, its whole length, whether it was cut at the limit, the
/// envelope, and its damage as the reader reports it.
protocol PairedQueueEntry {
    var message: [UInt8] { get }
    var messageLength: Int { get }
    var isTruncated: Bool { get }
    var envelope: QueueEnvelope { get }
    /// Nil without damage; true when the only damage is a missing body file (the reader tells that from
    /// damage the limit's cut of the head file made).
    var missingBodyOnly: Bool? { get }
}

extension EximSpoolMessage: PairedQueueEntry {
    var missingBodyOnly: Bool? { damage.map { $0.kind == .missingData } }
}

extension SendmailQueueMessage: PairedQueueEntry {
    var missingBodyOnly: Bool? { damage.map { $0.kind == .missingData } }
}

extension CourierQueueMessage: PairedQueueEntry {
    var missingBodyOnly: Bool? { damage.map { $0.kind == .missingData } }
}
