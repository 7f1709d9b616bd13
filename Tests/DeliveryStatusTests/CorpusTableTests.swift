import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// One table per format over the Sisimai corpus: each row of `expected.tsv` (Sisimai 5's own test
/// expectations) must agree on status, reply code, reason and hard/soft, except the rows listed in
/// `Fixtures/dsn/known-disagreements.tsv`, which are kept visible as known issues.
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct CorpusTableTests {
    struct Row: Sendable, CustomStringConvertible {
        var file: String, index: Int, status: String, reply: String, reason: String, hard: String, engine: String
        var description: String { "\(file)#\(index)" }
    }

    static let rows: [Row] = {
        guard let tsv = try? String(contentsOfFile: Corpus.path("sisimai/expected.tsv"), encoding: .utf8) else {
            print(Corpus.skipMessage)
            return []
        }
        return tsv.split(separator: "\n").dropFirst().compactMap { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 8, let i = Int(c[1]) else { return nil }
            return Row(file: c[0], index: i, status: c[2], reply: c[3], reason: c[4], hard: c[5], engine: c[7])
        }
    }()
    static var engines: [String] { Array(Set(rows.map(\.engine))).sorted() }

    /// The listed rows ("file#row"), each with why it differs where that was examined (the fourth
    /// column: `sisimai:` when its expectation is the one that is wrong), else "".
    static let known: [String: String] = {
        guard let text = try? String(contentsOfFile: Corpus.fixture("dsn/known-disagreements.tsv"), encoding: .utf8) else { return [:] }
        var rows: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false)
            if c.count >= 2 { rows["\(c[0])#\(c[1])"] = c.count >= 4 ? String(c[3]) : "" }
        }
        return rows
    }()

    static func analyze(_ dir: String, _ file: String) -> BounceReport? {
        guard let data = FileManager.default.contents(atPath: Corpus.path("sisimai/maildir/\(dir)/\(file)")) else { return nil }
        return BounceAnalyzer().analyze(bytes: ArraySlice(Array(data)))
    }

    @Test(arguments: CorpusTableTests.engines)
    func engine(_ engine: String) {
        var cache: [String: BounceReport] = [:]
        for row in Self.rows where row.engine == engine {
            let report = cache[row.file] ?? Self.analyze("bsd", row.file)
            cache[row.file] = report
            let got = report.flatMap { row.index <= $0.recipients.count ? $0.recipients[row.index - 1] : nil }
            let agrees = got.map {
                ($0.status?.description ?? "") == row.status && ($0.replyCode?.description ?? "") == row.reply
                    && $0.reason.rawValue == row.reason && ($0.hard ? "1" : "0") == row.hard
            } ?? false
            if let why = Self.known[row.description] {
                let comment = "\(row) differs from Sisimai 5 (listed in known-disagreements.tsv)" + (why.isEmpty ? "" : ": " + why)
                withKnownIssue(Comment(rawValue: comment), isIntermittent: true) {
                    #expect(agrees, "\(row)")
                }
            } else {
                #expect(agrees, "\(row): expected \(row.status)/\(row.reply)/\(row.reason)/\(row.hard), got \(got.map { "\($0.status?.description ?? "")/\($0.replyCode?.description ?? "")/\($0.reason.rawValue)/\($0.hard)" } ?? "no record")")
            }
        }
    }

    /// maildir/not holds messages that are not bounces.
    @Test func notBounces() throws {
        let dir = Corpus.path("sisimai/maildir/not")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".eml") }
        #expect(!files.isEmpty)
        for f in files {
            let r = Self.analyze("not", f)
            if f == "rb-issue-368-bug.eml" {
                // This file IS a bounce: "reject reason: Mailbox full / target mail address: ..." from the
                // recipient's postmaster. It sits in maildir/not as rb-sisimai issue 368's crash regression,
                // not as a judgement that it is no bounce; we report it as a bounce (mailboxfull).
                withKnownIssue("rb-issue-368-bug.eml is a real mailbox-full bounce filed under not/") {
                    #expect(r?.kind == .notBounce, "\(f)")
                }
                #expect(r?.recipients.first?.reason == .mailboxFull)
                continue
            }
            #expect(r?.kind == .notBounce, "\(f)")
            #expect(r?.recipients.isEmpty == true, "\(f)")
        }
    }

    /// arf-* are feedback reports, rfc3834-* auto-replies.
    @Test func feedbackAndAutoReplies() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Corpus.path("sisimai/maildir/bsd"))
        for f in files where f.hasPrefix("arf-") { #expect(Self.analyze("bsd", f)?.kind == .feedbackReport, "\(f)") }
        for f in files where f.hasPrefix("rfc3834-") { #expect(Self.analyze("bsd", f)?.kind == .autoReply, "\(f)") }
    }

    /// The CRLF (dos) and CR-only (mac) copies give the same records as the LF (bsd) originals.
    @Test(arguments: ["dos", "mac"])
    func lineEndsDoNotMatter(_ dir: String) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Corpus.path("sisimai/maildir/\(dir)")).filter { $0.hasSuffix(".eml") }
        #expect(!files.isEmpty)
        for f in files {
            guard let a = Self.analyze("bsd", f), let b = Self.analyze(dir, f) else { continue }
            #expect(a.kind == b.kind && a.format == b.format, "\(dir)/\(f)")
            #expect(a.recipients == b.recipients, "\(dir)/\(f)")
        }
    }
}
