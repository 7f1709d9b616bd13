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
        // Dispatched on the first byte, each magic number's own: most mail starts with none of them, and
        // this runs for every file of a folder (the array literals compared in turn cost ~1,300
        // instructions a Maildir message; a set of first bytes, ~690: sisimai bsd as a Maildir).
        guard let first = bytes.first else { return nil }
        let head = bytes.prefix(bytesToDetect)
        switch first {
        case 0x1F: return head.starts(with: Self.gzipMagic) ? .gzip : nil
        case 0xFD: return head.starts(with: Self.xzMagic) ? .xz : nil
        case 0x28: return head.starts(with: Self.zstdMagic) ? .zstd : nil
        case 0x04: return head.starts(with: Self.lz4Magic) ? .lz4 : nil
        case 0x44: return head.starts(with: Self.dovecotLZ4Magic) ? .dovecotLZ4 : nil
        case 0x42:
            let block = head.dropFirst(4)
            return startsBzip2Stream(head) && (block.starts(with: Self.bzip2BlockMagic) || block.starts(with: Self.bzip2EndMagic))
                ? .bzip2 : nil
        default: return nil
        }
    }

    // MARK: - Magic numbers

    /// RFC 1952 §2.3.1: ID1 ID2, then CM 8 (deflate), the only method defined.
    static let gzipMagic: [UInt8] = [0x1F, 0x8B, 0x08]
    /// xz file format §2.1.1.1 (tukaani.org): 0xFD "7zXZ" 0x00.
    static let xzMagic: [UInt8] = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]
    /// RFC 8878 §3.1.1: a frame's magic number 0xFD2FB528, little-endian.
    static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
    /// The LZ4 frame format's magic number 0x184D2204, little-endian.
    static let lz4Magic: [UInt8] = [0x04, 0x22, 0x4D, 0x18]
    /// Dovecot's IOSTREAM_LZ4_MAGIC (src/lib-compression/iostream-lz4.h): text, then four bytes no
    /// header field holds.
    static let dovecotLZ4Magic: [UInt8] = Array("Dovecot-LZ4".utf8) + [0x0D, 0x2A, 0x9B, 0xC5]
    /// bzip2: after "BZh" and the block size '1'-'9', a block's magic (the digits of pi) or the end of
    /// the stream's (the square root of pi).
    static let bzip2BlockMagic: [UInt8] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
    static let bzip2EndMagic: [UInt8] = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]

    /// "BZh" and a block size digit: a bzip2 stream's first four bytes.
    static func startsBzip2Stream<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var byte = bytes.makeIterator()
        return byte.next() == 0x42 && byte.next() == 0x5A && byte.next() == 0x68 && (byte.next().map { (0x31...0x39).contains($0) } ?? false)
    }

    // MARK: - Streams one after another

    /// How many bytes `startsAnotherStream` reads where a stream ended; 0 where the decoder reads every
    /// stream itself (liblzma's concatenated xz streams) or there is one a file (Dovecot's LZ4).
    var anotherStreamBytes: Int {
        switch self {
        case .gzip: 2
        case .bzip2, .zstd, .lz4: 4
        case .xz, .dovecotLZ4: 0
        }
    }

    /// Whether `bytes` (`anotherStreamBytes` of them), where a stream of this format ended, start
    /// another: gzip's ID1 ID2 (RFC 1952 §2.2, a file of members; the method byte is the member's to
    /// refuse), bzip2's "BZh" and block size, zstd's and LZ4's frame magic or a skippable frame's
    /// (0x184D2A50-0x184D2A5F, RFC 8878 §3.1.2, which both formats share).
    func startsAnotherStream(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let skippable = bytes.count >= 4 && bytes[0] & 0xF0 == 0x50 && bytes[1] == 0x2A && bytes[2] == 0x4D && bytes[3] == 0x18
        switch self {
        case .gzip: return bytes.starts(with: Self.gzipMagic.prefix(2))
        case .bzip2: return Self.startsBzip2Stream(bytes)
        case .zstd: return bytes.starts(with: Self.zstdMagic) || skippable
        case .lz4: return bytes.starts(with: Self.lz4Magic) || skippable
        case .xz, .dovecotLZ4: return false
        }
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
