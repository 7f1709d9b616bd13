/// A message put together piece by piece from a queue file's records (`PostfixQueueFile`,
/// `EximSpoolMessage`, `SendmailQueueMessage`): kept up to a limit, counted in full.
struct CappedMessage {
    /// The bytes kept: the first `limit` of the message.
    private(set) var bytes: [UInt8] = []
    /// Bytes of the whole message, kept or not.
    private(set) var length = 0
    /// Whether bytes past `limit` were dropped.
    private(set) var isTruncated = false
    /// The most bytes kept.
    let limit: Int

    /// - Parameters:
    ///   - limit: the most bytes kept.
    ///   - expected: at least the message's length, as the files' sizes bound it: the storage is taken
    ///     once for `min(limit, expected)` bytes, not grown by doubling with a copy at each step (an 80 MB
    ///     queue file: 255 MB resident grown, 231 MB taken once).
    init(limit: Int, expected: Int) {
        self.limit = max(0, limit)
        bytes.reserveCapacity(min(self.limit, max(0, expected)))
    }

    /// Whether no more bytes are kept: the next piece is only counted.
    var isFull: Bool { bytes.count >= limit }

    /// Counts `count` bytes of the message that are not kept (the limit was reached before them).
    mutating func countDropped(_ count: Int) {
        guard count > 0 else { return }
        length += count
        isTruncated = true
    }

    /// Adds a piece, keeping what fits under the limit.
    mutating func append<Piece: Collection<UInt8>>(_ piece: Piece) {
        let room = limit - bytes.count
        if piece.count <= room {
            bytes.append(contentsOf: piece)
        } else {
            if room > 0 { bytes.append(contentsOf: piece.prefix(room)) }
            isTruncated = true
        }
        length += piece.count
    }
}
