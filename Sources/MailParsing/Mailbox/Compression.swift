/// A compression format, told by the magic number a compressed file starts with.
///
/// Mail is often kept compressed: rotated and archived mailboxes (`mbox.1.gz`, `mbox.2.xz`), Maildirs
/// whose files a server's compression plugin wrote (Dovecot's zlib plugin writes gzip, bzip2, xz or zstd
/// files, or LZ4 in a container of its own). `MailboxReader` decompresses every format as it reads
/// (`StreamDecompressor`): gzip with zlib, which the package links; the others with libbz2, liblzma,
/// libzstd and liblz4, loaded the first time a file needs one. Where that library is missing, the file
/// is a `MailboxError.Code.unsupportedCompression` error naming it and the command that decompresses
/// the file, where read as text it was one message of garbage and "nothing found".
public enum CompressionFormat: String, Sendable, CaseIterable {
    case gzip, bzip2, xz, zstd
    /// The LZ4 frame format (what lz4(1) writes).
    case lz4
    /// Dovecot's LZ4 container (its zlib plugin's `zlib_save = lz4`): a header, then LZ4 blocks.
    case dovecotLZ4 = "dovecot-lz4"

    /// Bytes enough to tell every format (Dovecot's LZ4 magic).
    public static let bytesToDetect = 15

    /// The format `bytes` start with, or nil. A message or an mbox starts with text, never with these
    /// bytes; bzip2's `BZh` is text, so its block size digit and the magic of its first block (or of
    /// an empty stream's end) must follow.
    public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> CompressionFormat? {
        let head = bytes.prefix(bytesToDetect)
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool { head.dropFirst(offset).starts(with: magic) }
        // RFC 1952 §2.3.1: ID1 ID2, then CM 8 (deflate), the only method defined.
        if starts([0x1F, 0x8B, 0x08]) { return .gzip }
        // xz file format §2.1.1.1 (tukaani.org): 0xFD "7zXZ" 0x00.
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        // RFC 8878 §3.1.1: the frame's magic number 0xFD2FB528, little-endian.
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        // The LZ4 frame format's magic number 0x184D2204, little-endian.
        if starts([0x04, 0x22, 0x4D, 0x18]) { return .lz4 }
        // Dovecot's IOSTREAM_LZ4_MAGIC (src/lib-compression/iostream-lz4.h): text, then four bytes no
        // header field holds.
        if starts(Array("Dovecot-LZ4".utf8) + [0x0D, 0x2A, 0x9B, 0xC5]) { return .dovecotLZ4 }
        // bzip2: "BZh", the block size '1'-'9', then a block's magic (the digits of pi) or the end of
        // the stream's (the square root of pi).
        if starts(Array("BZh".utf8)), let size = head.dropFirst(3).first, (0x31...0x39).contains(size),
           starts([0x31, 0x41, 0x59, 0x26, 0x53, 0x59], at: 4) || starts([0x17, 0x72, 0x45, 0x38, 0x50, 0x90], at: 4) {
            return .bzip2
        }
        return nil
    }

    /// The command that writes the decompressed bytes to standard output, for a person to pipe into
    /// `backscatter scan -` where the library is missing; nil for Dovecot's LZ4, which only Dovecot reads.
    public var decompressCommand: String? {
        switch self {
        case .gzip: "gzip -dc"
        case .bzip2: "bzip2 -dc"
        case .xz: "xz -dc"
        case .zstd: "zstd -dc"
        case .lz4: "lz4 -dc"
        case .dovecotLZ4: nil
        }
    }

    /// The most memory one file's decoder may take where the format lets the file ask for it: xz's
    /// dictionary (`xz -9` needs 65 MiB to decode) and zstd's window (zstd(1)'s own default limit).
    /// A file that asks for more is `.corruptCompressedData`, naming the limit; decompress it with the
    /// format's command and pipe it in.
    public static let maxDecoderMemoryBytes = 128 << 20
}
