/// Bounds a mailbox reader keeps to, whatever the input.
///
/// Memory held by a reader is at most about `2 * maxMessageBytes + readChunkBytes` (one entry that grows to
/// the limit, plus the bytes a `Content-Length` header asks to see before it is trusted; for a Postfix queue
/// file read from a pipe or compressed, the file and the message decoded from it; a plain one is read
/// through a window of `readChunkBytes`, beside its message and at most
/// `PostfixQueueFile.maxEnvelopeBytes` of envelope), `3 * maxMessageBytes + readChunkBytes` for an Exim
/// spool pair or a Sendmail queue entry (its two files and the message put together from them), and in
/// practice `readChunkBytes` plus the largest message. The peak resident size is higher, since a buffer that grows is copied: with
/// the default limits, 161 MB for a scan of an 80 MB Postfix queue file (230 MB read from a pipe) and
/// 155 MB for an Exim pair with an 80 MB body (`/usr/bin/time -f %M`, 2026-12-06).
public struct MailboxLimits: Sendable, Hashable {
    /// Largest message kept whole. A longer message is cut to this many bytes and marked
    /// `MailboxDefects.truncated`; its `offset` and `length` still cover the whole entry. Default: 64 MiB.
    public var maxMessageBytes: Int = 64 * 1024 * 1024
    /// Bytes asked of read(2) at a time. Default: 4 MiB.
    public var readChunkBytes: Int = 4 * 1024 * 1024

    /// Creates limits; every argument has the default stated on its property.
    /// - Parameters:
    ///   - maxMessageBytes: at least 16.
    ///   - readChunkBytes: at least 1.
    public init(maxMessageBytes: Int = 64 * 1024 * 1024, readChunkBytes: Int = 4 * 1024 * 1024) {
        self.maxMessageBytes = max(16, maxMessageBytes)
        self.readChunkBytes = max(1, readChunkBytes)
    }
}
