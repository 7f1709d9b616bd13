import Foundation
import Testing
import Backscatter
import DeliveryStatus
import FuzzTargets
import MailParsing
import TestSupport

/// The coverage-guided fuzzing targets (`Tests/FuzzTargets`, `Tests/Fuzz/README.md`, "Coverage-guided")
/// on real input: every fixture, the inputs fuzzing found (`Fixtures/fuzz/TARGET/`: small files of ours,
/// each listed with what it broke in `Fixtures/fuzz/README.md`) and, when it is here, the sisimai corpus. Each target
/// must hold its invariants on all of them; and `scan`'s layouts must reach the readers they are for, or
/// fuzzing them would fuzz the plain-file reader only. Serialized: the `scan` target writes its files in
/// one folder a process (`ScanLayout.scratchFolder`).
@Suite(.serialized) struct FuzzTargetTests {
    /// Every regular file under `folder`, sorted.
    static func files(under folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var files: [String] = []
        for case let relative as String in walker {
            var isFolder: ObjCBool = false
            let path = folder + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue { files.append(path) }
        }
        return files.sorted()
    }

    static func bytes(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
    }

    @Test(arguments: FuzzTarget.allCases) func everyFixtureHoldsTheInvariants(target: FuzzTarget) {
        let files = Self.files(under: Corpus.fixture(""))
        #expect(files.count > 500)
        for file in files {
            let broken = target.run(Self.bytes(file))
            #expect(broken.isEmpty, "\(file): \(broken)")
        }
    }

    @Test(arguments: FuzzTarget.allCases) func everyKeptFindingHoldsTheInvariants(target: FuzzTarget) {
        for file in Self.files(under: Corpus.fixture("fuzz/\(target.rawValue)")) where !file.hasSuffix(".md") {
            let broken = target.run(Self.bytes(file))
            #expect(broken.isEmpty, "\(file): \(broken)")
        }
    }

    @Test(arguments: [FuzzTarget.message, .lineEnds, .mbox]) func everySisimaiMessageHoldsTheInvariants(target: FuzzTarget) throws {
        guard Corpus.isAvailable else {
            print(Corpus.skipMessage)
            return
        }
        let files = Self.files(under: Corpus.path("sisimai/maildir/bsd"))
        #expect(files.count > 600)
        for file in files {
            let broken = target.run(Self.bytes(file))
            #expect(broken.isEmpty, "\(file): \(broken)")
        }
    }

    /// Each queue form of `scan`, given a real entry of its queue (the fixtures' files joined at the
    /// separator), is read as that queue: one record, with the envelope only a queue reader gives; with
    /// the selector's high bit, audited.
    @Test(arguments: [false, true]) func eachQueueFormReachesItsReader(audits: Bool) throws {
        let mailbox = Corpus.fixture("mailbox")
        let entries: [(ScanLayout.Form, [String])] = [
            (.sendmailQueue, ["sendmail-queue/qf6B6Jb7kG017965", "sendmail-queue/df6B6Jb7kG017965"]),
            (.eximSpool, ["exim-spool/1xaFIx-0004Nt-2A-H", "exim-spool/1xaFIx-0004Nt-2A-D"]),
            (.courierQueue, ["courier-queue/msgs/39/C1041839", "courier-queue/msgs/39/D1041839"]),
        ] + Self.openSMTPDEntry(under: mailbox)
        #expect(entries.count == 4)
        for (form, parts) in entries {
            var input = [ScanLayout.selector(of: form, audits: audits)]
            for (i, part) in parts.enumerated() {
                if i > 0 { input += ScanLayout.separator }
                input += Self.bytes(mailbox + "/" + part)
            }
            let outcome = try #require(FuzzTarget.scanOutcome(input))
            #expect(outcome.summary.errors.isEmpty, "\(form): \(outcome.summary.errors)")
            #expect(outcome.records.count == 1, "\(form)")
            #expect(outcome.records.first?.envelope != nil, "\(form): read as a plain message, not as its queue's entry")
            #expect(outcome.records.allSatisfy { ($0.audit != nil) == audits }, "\(form)")
            #expect((outcome.summary.audit != nil) == audits)
            #expect(FuzzTarget.scan.run(input).isEmpty)
        }
    }

    /// The `split` target on mailboxes of several messages in each form that holds several (an mbox,
    /// a Maildir, a folder of .eml files) and on each queue entry: every message written once, under
    /// its verdict, and read back.
    @Test func splitWritesEveryMessageOnce() throws {
        let mailbox = Corpus.fixture("mailbox")
        let example = Self.bytes(Corpus.fixture("example/inbox.mbox"))
        let bounces = ["dsn/postfix-agent-failed.eml", "dsn/arf-microsoft.eml", "cli/script-subject.eml"]
            .map { Self.bytes(Corpus.fixture($0)) }
        let joined = bounces.dropFirst().reduce(bounces[0]) { $0 + ScanLayout.separator + $1 }
        var inputs: [(String, [UInt8], Int)] = [
            ("mbox", [ScanLayout.selector(of: .mailboxFile)] + example, 10),
            ("maildir", [ScanLayout.selector(of: .maildir)] + joined, 3),
            ("eml folder", [ScanLayout.selector(of: .emlFolder)] + joined, 3),
        ]
        for (form, parts) in [(ScanLayout.Form.sendmailQueue, ["sendmail-queue/qf6B6Jb7kG017965", "sendmail-queue/df6B6Jb7kG017965"]),
                              (.eximSpool, ["exim-spool/1xaFIx-0004Nt-2A-H", "exim-spool/1xaFIx-0004Nt-2A-D"])] {
            inputs.append(("\(form)", [ScanLayout.selector(of: form)] + Self.bytes(mailbox + "/" + parts[0]) + ScanLayout.separator
                               + Self.bytes(mailbox + "/" + parts[1]), 1))
        }
        for (name, input, messages) in inputs {
            let outcome = try #require(FuzzTarget.splitOutcome(input))
            #expect(outcome.broken.isEmpty, "\(name): \(outcome.broken)")
            #expect(outcome.records == messages, "\(name)")
            #expect(outcome.written.values.reduce(0, +) == messages, "\(name)")
            #expect(outcome.readBack == outcome.written, "\(name)")
        }
        // The example holds every verdict but uncertain: each mbox got its messages.
        let example10 = try #require(FuzzTarget.splitOutcome([ScanLayout.selector(of: .mailboxFile)] + example))
        #expect(example10.written[.backscatter, default: 0] > 0 && example10.written[.legitimate, default: 0] > 0
                && example10.written[.notBounce, default: 0] > 0)
    }

    /// An mbox entry whose From_ line is shaped like a `From :` field (RFC 5322 obs-optional), after a
    /// blank line: the reader splits there, as at any `From ` line after a blank one, and split must write
    /// the same entry: copied where another entry comes before it in its mbox, with a From_ line of its
    /// own where it comes first (else the file, beginning `From :`, reads as one message). The `split`
    /// target's first finding (Fixtures/fuzz/README.md).
    @Test func splitKeepsAnEntryWhoseFromLineLooksLikeAField() throws {
        let plain = "From a@example.org Thu Jan  1 00:00:00 2026\nFrom: a@example.org\nSubject: one\n\nbody\n\n"
        let odd = "From : odd\u{0}line Wed, 26 Jul 2000 13:32:31 +0200\nFrom: b@example.org\nSubject: two\n\nmore\n"
        let bounce = String(decoding: Self.bytes(Corpus.fixture("dsn/postfix-agent-failed.eml")), as: UTF8.self)
        let cases: [(String, String)] = [
            ("second in its mbox", plain + odd),
            ("first in its mbox", "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + bounce + "\n" + odd),
            ("CRLF", (plain + odd).replacingOccurrences(of: "\n", with: "\r\n")),
        ]
        for (name, text) in cases {
            let outcome = try #require(FuzzTarget.splitOutcome([ScanLayout.selector(of: .mailboxFile)] + Array(text.utf8)))
            #expect(outcome.records == 2, "\(name)")
            #expect(outcome.broken.isEmpty, "\(name): \(outcome.broken)")
            #expect(outcome.readBack == outcome.written, "\(name)")
        }
    }

    /// An OpenSMTPD message of the fixtures' plain queue and its envelope files.
    static func openSMTPDEntry(under mailbox: String) -> [(ScanLayout.Form, [String])] {
        let queue = mailbox + "/opensmtpd-queue/plain/queue"
        guard let folder = files(under: queue).first(where: { $0.hasSuffix("/message") }) else { return [] }
        let messageFolder = String(folder.dropLast("/message".count))
        let envelopes = files(under: messageFolder).filter { !$0.hasSuffix("/message") }
        let relative = { (path: String) in String(path.dropFirst(mailbox.count + 1)) }
        return [(.openSMTPDQueue, [relative(folder)] + envelopes.map(relative))]
    }

    /// The profile target reads the profile before the separator and judges the message after it with
    /// it (the fixture's backscatter against its profile: `backscatter`, as its `.expected` says); a
    /// profile naming a file is passed over.
    @Test func profileTargetJudgesWithTheProfile() throws {
        let profile = Self.bytes(Corpus.fixture("classifier/profile.toml"))
        let bounce = Self.bytes(Corpus.fixture("classifier/backscatter-bounce.eml"))
        let input = profile + ScanLayout.separator + bounce
        let (parsed, message) = try #require(FuzzTarget.profileInputs(input))
        #expect(message == bounce)
        let report = BounceAnalyzer().analyze(ParsedMessage(parsing: message[...]))
        let observation = ObservationReader(dkimKeys: parsed.dkim).observe(ParsedMessage(parsing: message[...]), report: report)
        #expect(Classifier(profile: parsed).judge(observation).verdict == .backscatter)
        #expect(FuzzTarget.profile.run(input).isEmpty)
        let naming = Self.bytes(Corpus.fixture("classifier/signals-profile-sentlog.toml")) + ScanLayout.separator + bounce
        #expect(FuzzTarget.profileInputs(naming) == nil)
    }

    /// The line-ends target passes over a quoted-printable CR before a line end, and only that.
    @Test func encodedCRBeforeALineEndIsFound() {
        #expect(FuzzTarget.holdsEncodedCRBeforeALineEnd(Array("a</a>=0D\n</td>".utf8)))
        #expect(FuzzTarget.holdsEncodedCRBeforeALineEnd(Array("=0d\n".utf8)))
        #expect(!FuzzTarget.holdsEncodedCRBeforeALineEnd(Array("=0D=0A\n=0D x\n=0\n".utf8)))
        #expect(!FuzzTarget.holdsEncodedCRBeforeALineEnd(Array("=0D".utf8)))
    }

    /// The line-ends target passes over a part in a charset of 16- or 32-bit units, and only that.
    @Test func wideCharsetIsFound() {
        #expect(FuzzTarget.namesAWideCharset(Array("Content-Type: text/plain; charset=utf-16le\n".utf8)))
        #expect(FuzzTarget.namesAWideCharset(Array("Content-Type: text/plain; CHARSET = \"UCS-2\"\n".utf8)))
        #expect(FuzzTarget.namesAWideCharset(Array("content-type: text/plain; charset=UTF-32BE\n".utf8)))
        #expect(!FuzzTarget.namesAWideCharset(Array("Content-Type: text/plain; charset=utf-8\n\nUTF-16 is mentioned here\n".utf8)))
        #expect(!FuzzTarget.namesAWideCharset(Array("charset".utf8)))
    }

    /// The mbox target's checks see a gap, a tail left over and a feed that differs.
    @Test func mboxInvariantsCanFail() {
        let input = Array("From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n\nFrom c@d Mon Jan  1 00:00:00 2024\n\nmore\n".utf8)
        let whole = MboxFeed.entries(of: [input[...]])
        #expect(whole.count == 2)
        #expect(MboxFeed.entries(of: input.indices.map { input[$0...$0] }) == whole)
        #expect(MboxFeed.brokenInvariants(whole: whole, mismatchedFeeds: [], inputBytes: input.count).isEmpty)
        #expect(FuzzTarget.mbox.run(input).isEmpty)
        let gap = MboxFeed.brokenInvariants(whole: [whole[1]], mismatchedFeeds: [], inputBytes: input.count)
        #expect(gap.first?.hasPrefix("entry 1 starts at") == true)
        let tail = MboxFeed.brokenInvariants(whole: [whole[0]], mismatchedFeeds: [], inputBytes: input.count)
        #expect(tail.first?.hasPrefix("the entries end at") == true)
        var other = whole
        other[1].bytes.removeLast()
        let differing = ChunkingVerifier.verify(input) { $0.count == 1 ? whole : other }
        #expect(MboxFeed.brokenInvariants(whole: whole, mismatchedFeeds: differing.mismatches, inputBytes: input.count).count == 1)
    }
}
