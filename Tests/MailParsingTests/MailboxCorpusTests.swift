import Foundation
import MailParsing
import Testing
import TestSupport

/// Message counts for every mbox, Maildir and message folder in the shared corpus.
///
/// Where the counts come from: mail-box 45 (Mail::Box t/100mbox-read.t, mbox/SOURCE.txt), teaparty 95
/// (mbox/SOURCE.txt), 203-mlfolder 18 and 204-sgfolder 11 (mbox/SOURCE.txt, one label per message),
/// backscatter-dev 3,922 and 600 (corpus/README.md, labels.jsonl and outbound-labels.jsonl lines), the
/// generated variants 12. The GNU Mailutils spool files and sisimai's mbox-0 have no published count: their
/// numbers are the From_ lines that are real envelopes (each checked by eye: sender and asctime date).
/// `msg.mbox` and `mime.mbox` put no blank line before some envelopes; the well-formed-envelope rule splits
/// them there (see `MboxParser`).
@Suite("mailbox corpus", .enabled(if: Corpus.availableOrSkipVisibly("mailbox corpus")))
struct MailboxCorpusTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var path: String
        var kind: MailboxKind
        var count: Int
        var testDescription: String { "\(path) = \(count)" }
        init(_ path: String, _ kind: MailboxKind, _ count: Int) {
            self.path = path
            self.kind = kind
            self.count = count
        }
    }

    static let expectations: [Expectation] = [
        .init("mbox/mail-box/mbox.src", .mbox, 45),
        .init("mbox/mail-box/mbox.win", .mbox, 45),
        .init("mbox/mailutils/spool/teaparty.mbox", .mbox, 95),
        .init("mbox/mail-message/203-mlfolder.mbox", .mbox, 18),
        .init("mbox/mail-message/204-sgfolder.mbox", .mbox, 11),
        .init("backscatter-dev/corpus.mbox", .mbox, 3922),
        .init("backscatter-dev/outbound.mbox", .mbox, 600),
        .init("mbox/mailutils/spool/mbox1", .mbox, 5),
        .init("mbox/mailutils/spool/mbox2", .mbox, 5),
        .init("mbox/mailutils/spool/search.mbox", .mbox, 8),
        .init("mbox/mailutils/spool/search2.mbox", .mbox, 5),
        .init("mbox/mailutils/spool/relational.mbox", .mbox, 9),
        .init("mbox/mailutils/spool/sieve.mbox", .mbox, 3),
        .init("mbox/mailutils/spool/msg.mbox", .mbox, 4),
        .init("mbox/mailutils/spool/mime.mbox", .mbox, 2),
        .init("mbox/mailutils/spool/bigto.mbox", .mbox, 1),
        .init("mbox/mailutils/spool/mbox", .mbox, 1),
        .init("mbox/mailutils/spool/mime.msg", .mbox, 1),
        .init("mbox/mailutils/moderator.mbox", .mbox, 1),
        .init("mbox/mailutils/folder/one", .mbox, 1),
        .init("mbox/mailutils/folder/two", .mbox, 1),
        .init("sisimai/mailbox/mbox-0", .mbox, 37),
        .init("sisimai/mailbox/mbox-1", .mbox, 1),
        .init("sisimai/mailbox/size-0", .messageFile, 0),
        .init("sisimai/mailbox/size-1", .messageFile, 1),
        .init("sisimai/mailbox/size-2", .messageFile, 1),
        .init("mbox/generated/maildir-from-mail-box", .maildir, 45),
        .init("mbox/notmuch/default", .maildir, 53),
        .init("mbox/notmuch/lkml", .maildir, 210),
        .init("mbox/notmuch/duplicate", .directory, 9),
        .init("mbox/notmuch/threading", .directory, 12),
        // sisimai: one message per file, except rfc3464-28.eml and rhost-cox-01.eml, which hold two
        // (sisimai's own expected.tsv has two rows for each), and rb-issue-368-bug.eml in not/.
        .init("sisimai/maildir/bsd", .directory, 631),
        .init("sisimai/maildir/dos", .directory, 81),
        .init("sisimai/maildir/mac", .directory, 81),
        .init("sisimai/maildir/not", .directory, 4),
        .init("sisimai/maildir/err", .directory, 37),
    ]

    @Test("message count", arguments: expectations)
    func count(_ expectation: Expectation) throws {
        let path = Corpus.path(expectation.path)
        let reader = try MailboxReader(path: path)
        #expect(reader.kind == expectation.kind)
        let messages = try MailboxTesting.read(path)
        #expect(messages.count == expectation.count)
        if expectation.kind == .mbox {
            #expect(MailboxTesting.tiles(messages, try MailboxTesting.bytes(path)))
            #expect(messages.allSatisfy { !$0.defects.contains(.truncated) })
        }
    }

    /// GMime's substring.mbox writes envelopes as "From - " with no date and no blank line before them.
    /// GMime splits there (its expected output lists messages at offsets 0 and 526); our rules need a
    /// blank line or a dated envelope, so the file is one message. Kept visible as a known difference.
    @Test("GMime substring.mbox: GMime finds 3 messages")
    func gmimeSubstring() throws {
        let messages = try MailboxTesting.read(Corpus.path("mbox/gmime/input/substring.mbox"))
        #expect(messages.count == 1)
        #expect(messages.first?.defects.contains(.oddEnvelopeLine) == true)
        withKnownIssue("\"From - \" lines without a date or a blank line before them are not separators here") {
            #expect(messages.count == 3)
        }
    }

    @Test("Maildir from Mail::Box: sha256 of every message file")
    func maildirDigests() throws {
        let root = Corpus.path("mbox/generated/maildir-from-mail-box")
        let table = try String(contentsOfFile: Corpus.path("mbox/generated/maildir-from-mail-box.expected.tsv"),
                               encoding: .utf8)
        var expected: [String: String] = [:]
        for line in table.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: "\t").map(String.init)
            if columns.count >= 3 { expected[columns[0]] = columns[2] }
        }
        #expect(expected.count == 45)
        let messages = try MailboxTesting.read(root)
        #expect(messages.count == 45)
        for message in messages {
            let relative = String(message.source.dropFirst(root.count + 1))
            #expect(expected[relative] == SHA256.hex(message.bytes), "\(relative)")
            #expect(message.index == 0 && message.offset == 0 && message.length == message.bytes.count)
        }
        // Sorted by path: cur/ before new/, and deterministic.
        let sources = messages.map(\.source)
        #expect(sources == sources.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test("the LF, CRLF and CR copies of Mail::Box's mbox give the same messages")
    func mailBoxLineEnds() throws {
        let lf = try MailboxTesting.read(Corpus.path("mbox/mail-box/mbox.src"))
        let crlf = try MailboxTesting.read(Corpus.path("mbox/mail-box/mbox.win"))
        #expect(lf.count == crlf.count)
        for (a, b) in zip(lf, crlf) {
            // mbox.win's Content-Length values count CRLF as two bytes; everything else is the same.
            #expect(Self.digestLF(a) == Self.digestLF(b), "message \(a.index)")
            #expect(a.envelopeLine == b.envelopeLine)
            // Content-Length is honoured in both (mbox.win's counts CRLF as two bytes).
            #expect(!a.defects.contains(.badContentLength) && !b.defects.contains(.badContentLength))
        }
        let cr = try MailboxTesting.bytes(Corpus.path("mbox/mail-box/mbox.src")).map { $0 == 0x0A ? 0x0D : $0 }
        let fromCR = MailboxTesting.parse(cr)
        #expect(fromCR.count == lf.count)
        #expect(zip(lf, fromCR).allSatisfy { Self.digestLF($0) == Self.digestLF($1) })
    }

    static func digestLF(_ message: MailboxMessage) -> String {
        SHA256.hex(MailboxTesting.removingContentLength(MailboxTesting.toLF(message.bytes)))
    }

    @Test("Mail::Box's From_ lines without seconds and with a zone name are not odd")
    func oddEnvelopes() throws {
        let messages = try MailboxTesting.read(Corpus.path("mbox/mail-box/mbox.src"))
        #expect(messages.allSatisfy { !$0.defects.contains(.oddEnvelopeLine) })
    }

    @Test("the 5 MB corpus.mbox reads the same in 64 KiB chunks as in 4 MiB chunks")
    func readChunkSizeDoesNotMatter() throws {
        let path = Corpus.path("backscatter-dev/corpus.mbox")
        let big = try MailboxTesting.read(path).map(MessageSummary.init)
        let small = try MailboxTesting.read(path, limits: MailboxLimits(readChunkBytes: 65_536)).map(MessageSummary.init)
        let tiny = try MailboxTesting.read(path, limits: MailboxLimits(readChunkBytes: 1_000)).map(MessageSummary.init)
        #expect(big == small)
        #expect(big == tiny)
    }
}
