import Foundation
import MailParsing
import Testing
import TestSupport

/// mbox/generated/mbox-variants.expected.tsv: the same 12 real messages written as mboxo, mboxrd, mboxcl and
/// mboxcl2, LF and CRLF; a correct reader returns exactly 12 messages with these digests.
///
/// The TSV hashes "the original message, LF, before Content-Length is added" (its column title). So this
/// test, not the reader, (1) turns CRLF into LF for the `.crlf.mbox` rows and (2) removes the
/// `Content-Length:` header that the generator added to the mboxcl/mboxcl2 messages. The reader returns
/// each message as the file has it (CRLF kept, Content-Length kept); only `>From ` quoting is undone.
@Suite("mbox variants", .enabled(if: Corpus.availableOrSkipVisibly("mbox variants")))
struct MailboxVariantsTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var file: String
        var digests: [String]
        var fromLines: [String]
        var testDescription: String { file }
    }

    static let rows: [Row] = {
        guard Corpus.isAvailable else {
            print(Corpus.skipMessage)
            return []
        }
        let path = Corpus.path("mbox/generated/mbox-variants.expected.tsv")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var byFile: [String: Row] = [:]
        var order: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 5 else { continue }
            if byFile[columns[0]] == nil {
                order.append(columns[0])
                byFile[columns[0]] = Row(file: columns[0], digests: [], fromLines: [])
            }
            byFile[columns[0]]?.digests.append(columns[4])
            byFile[columns[0]]?.fromLines.append(columns[3])
        }
        return order.compactMap { byFile[$0] }
    }()

    @Test("the TSV covers 8 files of 12 messages")
    func tableIsComplete() {
        #expect(Self.rows.count == 8)
        #expect(Self.rows.allSatisfy { $0.digests.count == 12 })
    }

    static func comparable(_ message: MailboxMessage) -> [UInt8] {
        MailboxTesting.removingContentLength(MailboxTesting.toLF(message.bytes))
    }

    @Test("count, envelope and sha256 of every message", arguments: rows)
    func everyMessage(_ row: Row) throws {
        let path = Corpus.path("mbox/generated/" + row.file)
        let file = try MailboxTesting.bytes(path)
        let messages = try MailboxTesting.read(path)
        #expect(messages.count == 12)
        for (message, (digest, fromLine)) in zip(messages, zip(row.digests, row.fromLines)) {
            #expect(SHA256.hex(Self.comparable(message)) == digest, "message \(message.index)")
            #expect(message.envelopeLine.map { String(decoding: $0, as: UTF8.self) } == fromLine)
            #expect(!message.defects.contains(.badContentLength))
        }
        #expect(MailboxTesting.tiles(messages, file))
    }

    @Test("whole, byte by byte and random chunks give the same messages", arguments: rows)
    func chunking(_ row: Row) throws {
        let file = try MailboxTesting.bytes(Corpus.path("mbox/generated/" + row.file))
        let report = ChunkingVerifier.verify(file, randomRuns: 3) { chunks in
            MailboxTesting.parse(chunks).map(MessageSummary.init)
        }
        #expect(report.mismatches.isEmpty)
        #expect(report.whole.count == 12)
    }

    @Test("CR-only copies give the same messages", arguments: rows.filter { !$0.file.contains("crlf") })
    func crOnly(_ row: Row) throws {
        let lf = try MailboxTesting.bytes(Corpus.path("mbox/generated/" + row.file))
        let cr = lf.map { $0 == 0x0A ? 0x0D : $0 }
        // Content-Length counts bytes, which do not change when LF becomes CR.
        let messages = MailboxTesting.parse(cr)
        #expect(messages.count == 12)
        for (message, digest) in zip(messages, row.digests) {
            #expect(SHA256.hex(Self.comparable(message)) == digest, "message \(message.index)")
        }
        #expect(MailboxTesting.tiles(messages, cr))
        let report = ChunkingVerifier.verify(cr, randomRuns: 2, byteByByteLimit: 0) { chunks in
            MailboxTesting.parse(chunks).map(MessageSummary.init)
        }
        #expect(report.mismatches.isEmpty)
    }

    @Test("a missing final newline loses nothing", arguments: rows)
    func missingFinalNewline(_ row: Row) throws {
        let intact = try MailboxTesting.bytes(Corpus.path("mbox/generated/" + row.file))
        var file = intact
        // Drop every line end at the end of the file: the separating blank line, and the last message's
        // own trailing blank line and final line end.
        while let last = file.last, last == 0x0A || last == 0x0D { file.removeLast() }
        let messages = MailboxTesting.parse(file)
        #expect(MailboxTesting.tiles(messages, file))
        #expect(messages.last?.defects.contains(.missingFinalNewline) == true)
        for (message, digest) in zip(messages.prefix(11), row.digests) {
            #expect(SHA256.hex(Self.comparable(message)) == digest, "message \(message.index)")
        }
        if row.file.hasPrefix("mboxcl2") {
            // The last Content-Length now points past the end: not trusted, so the From_ rules split the
            // body at its "From " line after a blank line (the fallback the reader documents).
            #expect(messages.count == 13)
            #expect(messages[11].defects.contains(.badContentLength))
            return
        }
        #expect(messages.count == 12)
        // The last message is the intact file's last message without its trailing line ends.
        let expected = MailboxTesting.parse(intact).last.map { Array($0.bytes) } ?? []
        var trimmed = expected[...]
        while let last = trimmed.last, last == 0x0A || last == 0x0D { trimmed.removeLast() }
        let got = messages.last.map { Array($0.bytes) } ?? []
        if row.file.hasPrefix("mboxcl") {
            #expect(messages.last?.defects.contains(.badContentLength) == true)
        }
        #expect(got == Array(trimmed))
    }

    @Test("mboxcl2 needs Content-Length: From_ lines alone find 14 messages")
    func contentLengthMatters() throws {
        var file = try MailboxTesting.bytes(Corpus.path("mbox/generated/mboxcl2.mbox"))
        // Break every Content-Length header name: the From_ rules alone split the two messages whose
        // bodies have a "From " line after a blank line.
        let needle = Array("Content-Length:".utf8)
        var i = 0
        while i + needle.count <= file.count {
            if Array(file[i..<(i + needle.count)]) == needle { file[i] = UInt8(ascii: "X") }
            i += 1
        }
        #expect(MailboxTesting.parse(file).count == 14)
    }
}
