import Foundation
import MailParsing
import Testing
import TestSupport

/// bzip2, xz, zstd, LZ4 (frame format) and Dovecot's LZ4 input, decompressed as it is read
/// (`StreamDecompressor`, the libraries loaded on first use), held to what gzip's tests hold: the plain
/// file's messages, every stream of a concatenated file, damage after what came before it, bounded memory.
@Suite("bzip2, xz, zstd and LZ4 input")
struct OtherCompressionFormatsTests {
    /// The fixtures of `Fixtures/mailbox/compressed/` (make-compressed.sh), by format.
    static let fixtures: [(format: CompressionFormat, name: String)] = [
        (.gzip, "mboxrd-quoting.mbox.gz"), (.bzip2, "mboxrd-quoting.mbox.bz2"), (.xz, "mboxrd-quoting.mbox.xz"),
        (.zstd, "mboxrd-quoting.mbox.zst"), (.lz4, "mboxrd-quoting.mbox.lz4"),
        (.dovecotLZ4, "mboxrd-quoting.mbox.dovecot-lz4"),
    ]

    /// The fixtures of the formats whose files may be several streams one after another, and that check
    /// their data: all but Dovecot's LZ4 container (one header, then chunks to the file's end, unchecked).
    static let streamed = fixtures.map(\.name).filter { !$0.hasSuffix(".dovecot-lz4") }

    static func fixture(_ name: String) throws -> [UInt8] {
        try MailboxTesting.bytes(Corpus.fixture("mailbox/compressed/" + name))
    }

    static let plainFixture = "mailbox/mboxrd-quoting.mbox"

    static let chunkings = [MailboxLimits(), MailboxLimits(readChunkBytes: 1_000), MailboxLimits(readChunkBytes: 7)]

    @Test("each format's fixture reads as the plain mbox's expected entries, whatever the read size",
          arguments: fixtures.map(\.name))
    func fixtureReadsAsPlain(_ name: String) throws {
        let path = Corpus.fixture("mailbox/compressed/" + name)
        #expect(CompressionFormat.detect(try Self.fixture(name)) != nil)
        let expected = try MailboxFixtureTests.expected("mboxrd-quoting")
        for limits in Self.chunkings {
            let messages = try MailboxTesting.read(path, limits: limits)
            #expect(MailboxFixtureTests.actual(messages) == expected, "\(name), chunk \(limits.readChunkBytes)")
        }
        let reader = try RawEntryReader(path: path)
        #expect(reader.compression == Self.fixtures.first { $0.name == name }?.format)
        let plain = try MailboxTesting.bytes(Corpus.fixture(Self.plainFixture))
        for row in expected.reversed() {
            #expect(try reader.read(offset: row.offset, length: row.length) == Array(plain[row.offset..<(row.offset + row.length)]))
        }
    }

    @Test("a file of two streams reads as the two plain files one after the other", arguments: streamed)
    func concatenatedStreams(_ name: String) throws {
        let compressed = try Self.fixture(name)
        let plain = try MailboxTesting.bytes(Corpus.fixture(Self.plainFixture))
        let root = try CompressedInputTests.folder(["two.mbox": plain + plain, "two": compressed + compressed])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let expected = try CompressedInputTests.readAll(root + "/two.mbox")
        #expect(expected.messages.count == 4)
        for limits in Self.chunkings {
            let read = try CompressedInputTests.readAll(root + "/two", limits: limits)
            #expect(read.errors.isEmpty, "\(name): \(read.errors)")
            #expect(read.messages == expected.messages, "\(name), chunk \(limits.readChunkBytes)")
        }
    }

    /// Bytes after the last stream that start no other: ignored by gzip(1), bzip2(1), zstd(1) and lz4(1)
    /// readers alike here; liblzma, as xz(1), calls them damage (only zero bytes in fours may pad xz), and
    /// in Dovecot's container they are a chunk whose length is out of bounds.
    @Test("bytes after the last stream are ignored, but for xz and Dovecot's LZ4, where they are damage", arguments: fixtures.map(\.name))
    func trailingBytes(_ name: String) throws {
        let compressed = try Self.fixture(name)
        let root = try CompressedInputTests.folder(["trailing": compressed + Array("trailing text\n".utf8)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let read = try CompressedInputTests.readAll(root + "/trailing")
        let plain = try CompressedInputTests.readAll(Corpus.fixture(Self.plainFixture))
        #expect(read.messages == plain.messages, "\(name)")
        if name.hasSuffix(".xz") || name.hasSuffix(".dovecot-lz4") {
            #expect(read.errors.map(\.code) == [.corruptCompressedData])
        } else {
            #expect(read.errors.isEmpty, "\(name): \(read.errors)")
        }
    }

    /// Dovecot's container has no end mark: cut between two chunks, it is a shorter whole one.
    @Test("a file cut anywhere: a prefix of the messages, then one damage error naming the cut", arguments: fixtures.map(\.name))
    func cutShort(_ name: String) throws {
        let compressed = try Self.fixture(name)
        let plain = try CompressedInputTests.readAll(Corpus.fixture(Self.plainFixture)).messages
        let plainBytes = try MailboxTesting.bytes(Corpus.fixture(Self.plainFixture))
        // Past the magic number (shorter, the file is no longer told compressed and is read as text).
        for length in CompressionFormat.bytesToDetect..<compressed.count {
            let root = try CompressedInputTests.folder(["cut": Array(compressed[..<length])])
            defer { try? FileManager.default.removeItem(atPath: root) }
            let read = try CompressedInputTests.readAll(root + "/cut")
            let decompressed = read.messages.last.map { $0.offset + $0.length } ?? 0
            try Data(plainBytes[..<decompressed]).write(to: URL(fileURLWithPath: root + "/plain-cut"))
            if name.hasSuffix(".dovecot-lz4"), Self.dovecotChunkEnds(compressed).contains(length) {
                #expect(read.errors.isEmpty, "\(name) cut at \(length): \(read.errors)")
            } else {
                #expect(read.errors.map(\.code) == [.corruptCompressedData], "\(name) cut at \(length): \(read.errors)")
            }
            #expect((read.errors.first?.byteOffset ?? -1) <= length)
            // The messages are those of the plain mbox cut where the decompressed bytes stopped.
            #expect(read.messages.count <= plain.count)
            #expect(read.messages == (try CompressedInputTests.readAll(root + "/plain-cut").messages), "\(name) cut at \(length)")
        }
    }

    /// The offsets where the chunks of a Dovecot LZ4 container end (its header's end first).
    static func dovecotChunkEnds(_ file: [UInt8]) -> Set<Int> {
        var ends: Set<Int> = [19]
        var at = 19
        while at + 4 <= file.count {
            let length = file[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            at += 4 + length
            ends.insert(at)
        }
        return ends
    }

    /// Every format here checks its data (gzip's and bzip2's CRCs, xz's CRC-64, zstd's and LZ4's content
    /// checksums as the fixtures were written): one byte changed anywhere gives the plain messages (a
    /// field no check covers, like gzip's time stamp), a damage error, or no longer a compressed file
    /// (its magic number broken) - never other bytes as if they were the file's.
    @Test("a byte changed anywhere never yields other messages silently", arguments: streamed)
    func everyByteChanged(_ name: String) throws {
        let compressed = try Self.fixture(name)
        let plain = try CompressedInputTests.readAll(Corpus.fixture(Self.plainFixture)).messages
        var silentlyOther: [Int] = []
        for position in compressed.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = compressed
                damaged[position] ^= flip
                guard CompressionFormat.detect(damaged) != nil else { continue }
                let root = try CompressedInputTests.folder(["damaged": damaged])
                defer { try? FileManager.default.removeItem(atPath: root) }
                let read = try CompressedInputTests.readAll(root + "/damaged")
                if read.errors.isEmpty, read.messages != plain { silentlyOther.append(position) }
                #expect(read.errors.allSatisfy { $0.code == .corruptCompressedData })
            }
        }
        #expect(silentlyOther.isEmpty, "\(name): positions \(silentlyOther)")
    }

    /// The fixture's frame, a skippable frame (RFC 8878 §3.1.2; LZ4's frame format has the same), the
    /// frame twice more: at one of the skippable frame's sizes the second frame ends a few bytes before
    /// the decompressor's 64 KiB input does (after the few bytes `MailboxReader` read first), so the
    /// third frame's magic number is read across a refill. (A file that starts with a skippable frame is
    /// not told compressed: neither zstd(1) nor lz4(1) writes one.)
    @Test("a frame whose magic number lies across a refill of the input is read", arguments: ["mboxrd-quoting.mbox.zst", "mboxrd-quoting.mbox.lz4"])
    func frameAcrossARefill(_ name: String) throws {
        let frame = try Self.fixture(name)
        let plain = try MailboxTesting.bytes(Corpus.fixture(Self.plainFixture))
        let around = Self.decompressorInputBytes - 2 * frame.count - 8
        for size in (around - 8)...(around + 40) {
            let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, UInt8(size & 0xFF), UInt8((size >> 8) & 0xFF), 0, 0]
                + [UInt8](repeating: 0xA5, count: size)
            let root = try CompressedInputTests.folder(["frames": frame + skippable + frame + frame, "plain": plain + plain + plain])
            defer { try? FileManager.default.removeItem(atPath: root) }
            let read = try CompressedInputTests.readAll(root + "/frames", limits: MailboxLimits(readChunkBytes: 7))
            #expect(read.errors.isEmpty, "\(name), skippable frame of \(size): \(read.errors)")
            #expect(read.messages == (try CompressedInputTests.readAll(root + "/plain").messages), "\(name), skippable frame of \(size)")
        }
    }

    /// Dovecot's container checks nothing, so a changed byte may give other bytes: here only that
    /// reading ends, without a crash, every error damage.
    @Test("Dovecot's LZ4 with a byte changed anywhere is read to an end, every error damage")
    func dovecotLZ4EveryByteChanged() throws {
        let compressed = try Self.fixture("mboxrd-quoting.mbox.dovecot-lz4")
        var errors = 0
        for position in compressed.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = compressed
                damaged[position] ^= flip
                let root = try CompressedInputTests.folder(["damaged": damaged])
                defer { try? FileManager.default.removeItem(atPath: root) }
                let read = try CompressedInputTests.readAll(root + "/damaged")
                errors += read.errors.count
                if CompressionFormat.detect(damaged) != nil {
                    #expect(read.errors.allSatisfy { $0.code == .corruptCompressedData }, "byte \(position): \(read.errors)")
                }
            }
        }
        // The header and the chunk lengths are checked: most changes there are damage.
        #expect(errors > 3 * 19)
    }

    @Test("Dovecot's LZ4 header asking for chunks above its 1 MiB is damage")
    func dovecotLZ4ChunkTooLarge() throws {
        var compressed = try Self.fixture("mboxrd-quoting.mbox.dovecot-lz4")
        compressed[15...18] = [0x00, 0x10, 0x00, 0x01]   // 1 MiB + 1
        try Self.expectDamageOnly(compressed, saying: "dovecot-lz4: the header's chunk size")
    }

    /// That `file` reads as no message and one damage error whose detail holds `words`.
    static func expectDamageOnly(_ file: [UInt8], saying words: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let root = try CompressedInputTests.folder(["file": file])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let read = try CompressedInputTests.readAll(root + "/file")
        #expect(read.messages.isEmpty, sourceLocation: sourceLocation)
        #expect(read.errors.map(\.code) == [.corruptCompressedData], sourceLocation: sourceLocation)
        #expect(read.errors.first?.detail?.contains(words) == true, "\(read.errors)", sourceLocation: sourceLocation)
    }

    @Test("an xz file whose dictionary exceeds the decoder memory limit is damage naming the limit")
    func xzDictionaryOverTheLimit() throws {
        try Self.expectDamageOnly(try Self.fixture("mboxrd-quoting-256MiB-dictionary.mbox.xz"), saying: "the limit: 128 MiB")
    }

    /// RFC 8878 §3.1.1.1: a frame header without a content size or single segment, its window
    /// descriptor asking for 2^30 bytes (exponent 20, mantissa 0), then one raw last block of 5 bytes.
    @Test("a zstd frame whose window exceeds the decoder memory limit is damage naming the limit")
    func zstdWindowOverTheLimit() throws {
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 20 << 3, 0x29, 0x00, 0x00] + Array("x: y\n".utf8)
        try Self.expectDamageOnly(frame, saying: "the limit: 128 MiB")
        // The same frame with a 1 KiB window (exponent 0) is a message.
        var narrow = frame
        narrow[5] = 0
        let rootNarrow = try CompressedInputTests.folder(["narrow.zst": narrow])
        defer { try? FileManager.default.removeItem(atPath: rootNarrow) }
        let fine = try CompressedInputTests.readAll(rootNarrow + "/narrow.zst")
        #expect(fine.errors.isEmpty, "\(fine.errors)")
        #expect(fine.messages.map(\.bytes) == [Array("x: y\n".utf8)])
    }

    /// Many messages in LF, CRLF and CR, made by each format's own tool: hundreds of kilobytes compressed,
    /// so the decompressor refills its 64 KiB input many times, under read sizes down to 7 bytes.
    @Test("a large mbox compressed by each tool reads as the plain one, in LF, CRLF and CR",
          .enabled(if: CompressionTools.allAvailable, "needs bzip2, xz, zstd and lz4 (apt-get install bzip2 xz-utils zstd lz4)"),
          arguments: CompressionTools.formats)
    func largeMailboxes(_ format: String) throws {
        for lineEnd in ["\n", "\r\n", "\r"] {
            let plain = Self.incompressibleMbox(300, lineEnd: lineEnd)
            let compressed = try CompressionTools.compress(plain, format: format)
            #expect(compressed.count > 3 * Self.decompressorInputBytes)
            let root = try CompressedInputTests.folder(["box.mbox": plain, "box.compressed": compressed])
            defer { try? FileManager.default.removeItem(atPath: root) }
            for limits in [MailboxLimits(), MailboxLimits(readChunkBytes: 1_000), MailboxLimits(readChunkBytes: 7)] {
                let expected = try CompressedInputTests.readAll(root + "/box.mbox", limits: limits)
                let read = try CompressedInputTests.readAll(root + "/box.compressed", limits: limits)
                #expect(expected.messages.count == 300)
                #expect(read.errors.isEmpty, "\(format): \(read.errors)")
                #expect(read.messages == expected.messages, "\(format), line end \(Array(lineEnd.utf8)), chunk \(limits.readChunkBytes)")
            }
            let messages = try CompressedInputTests.readAll(root + "/box.compressed").messages
            let reader = try RawEntryReader(path: root + "/box.compressed")
            for message in messages.suffix(3) + messages.prefix(3) {
                #expect(try reader.read(offset: message.offset, length: message.length)
                        == Array(plain[message.offset..<(message.offset + message.length)]))
            }
        }
    }

    /// A byte changed at three fifths of a large file made by each tool (bzip2 in 100 kB blocks): what
    /// was decoded before the damage is returned first (the first message whole), then one damage error
    /// at a byte inside the file. zstd and LZ4 find a damaged frame by its checksum after writing all of
    /// it; given a whole small file and a 4 MiB buffer in one step, none of it came back and the error
    /// was "at byte 0" (`StreamDecompressor.stepBytes`).
    @Test("damage part way: what came before it is returned, then the error, at a byte inside the file",
          .enabled(if: CompressionTools.allAvailable, "needs bzip2, xz, zstd and lz4 (apt-get install bzip2 xz-utils zstd lz4)"),
          arguments: CompressionTools.formats)
    func damagePartWay(_ format: String) throws {
        let plain = Self.incompressibleMbox(300, lineEnd: "\n")
        var compressed = try CompressionTools.compress(plain, format: format, extra: format == "bzip2" ? ["-1"] : [])
        let position = compressed.count * 3 / 5
        compressed[position] ^= 0x55
        let root = try CompressedInputTests.folder(["box.mbox": plain, "damaged": compressed])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let expected = try CompressedInputTests.readAll(root + "/box.mbox").messages
        let read = try CompressedInputTests.readAll(root + "/damaged")
        #expect(read.errors.map(\.code) == [.corruptCompressedData], "\(format): \(read.errors)")
        let offset = read.errors.first?.byteOffset ?? 0
        #expect(offset > 0 && offset <= compressed.count, "\(format): at \(offset) of \(compressed.count)")
        #expect(read.messages.count >= 2 && read.messages.first == expected.first,
                "\(format): \(read.messages.count) messages before the damage")
    }

    /// The decompressor's input buffer (`StreamDecompressor.inputBytes`, internal), for the test above.
    static let decompressorInputBytes = 64 * 1024

    /// An mbox whose bodies are pseudo-random base64 lines (a fixed seed), so that it stays large
    /// compressed.
    static func incompressibleMbox(_ count: Int, lineEnd: String) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var bytes: [UInt8] = []
        for n in 0..<count {
            bytes += Array("From sender\(n)@example.org Thu Jul  2 12:05:05 2020\(lineEnd)From: sender\(n)@example.org\(lineEnd)Subject: message \(n)\(lineEnd)Content-Transfer-Encoding: base64\(lineEnd)\(lineEnd)".utf8)
            for _ in 0..<(8 + n % 24) {
                for _ in 0..<76 {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    bytes.append(alphabet[Int(state >> 58)])
                }
                bytes += Array(lineEnd.utf8)
            }
            bytes += Array(lineEnd.utf8)
        }
        return bytes
    }
}
