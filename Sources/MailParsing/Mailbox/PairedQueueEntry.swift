/// What a two-file queue entry's decoder (`EximSpoolMessage`, `SendmailQueueMessage`,
/// `CourierQueueMessage`) gives `MailboxReader`: the message put together, its whole length, whether it
/// was cut at the limit, the envelope, and its damage, of which the reader tells a missing body file apart.
protocol PairedQueueEntry {
    /// The decoder's kinds of fault.
    associatedtype DamageKind: Hashable & Sendable
    var message: [UInt8] { get }
    var messageLength: Int { get }
    var isTruncated: Bool { get }
    var envelope: QueueEnvelope { get }
    var damage: QueueFileDamage<DamageKind>? { get }
    /// The kind of fault that is a missing body file.
    static var missingData: DamageKind { get }
}

extension PairedQueueEntry {
    /// Nil without damage; true when the only damage is a missing body file (the reader tells that from
    /// damage the limit's cut of the head file made).
    var missingBodyOnly: Bool? { damage.map { $0.kind == Self.missingData } }
}

extension EximSpoolMessage: PairedQueueEntry {
    static var missingData: DamageKind { .missingData }
}

extension SendmailQueueMessage: PairedQueueEntry {
    static var missingData: DamageKind { .missingData }
}

extension CourierQueueMessage: PairedQueueEntry {
    static var missingData: DamageKind { .missingData }
}
