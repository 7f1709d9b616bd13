/// A fault in an MTA's queue files, and where it was found: the `damage` of each queue decoder
/// (`PostfixQueueFile`, `EximSpoolMessage`, `SendmailQueueMessage`, `CourierQueueMessage`), each with
/// its own kinds of fault (`Kind`) and its own file the offset counts in (each decoder's `Damage`
/// says which).
public struct QueueFileDamage<FaultKind: Hashable & Sendable>: Sendable, Hashable {
    /// The decoder's kinds of fault (`PostfixQueueFile.DamageKind` ...).
    public typealias Kind = FaultKind
    /// What was wrong.
    public var kind: Kind
    /// Byte offset in the file where it was found.
    public var offset: Int

    /// Creates a fault description.
    public init(_ kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }
}
