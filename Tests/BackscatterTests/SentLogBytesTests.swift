@testable import Backscatter
import Foundation
import MailParsing
import Testing
import TestSupport

/// The sent-log reader, whose lines are now cut and read on the buffer, against the reader before it
/// (`ReferenceSentLog`): the same entries, ids, recipients and span, on the fixtures and on mutated logs.
@Suite struct SentLogBytesTests {
    static func texts() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        for name in ["sent.log", "postfix-mail.log", "sendmail-mail.log", "exim-mainlog"] {
            out.append(Array(try String(contentsOfFile: Corpus.fixture("profile/\(name)"), encoding: .utf8).utf8))
        }
        out.append(Array((
            "\t<a@b>\t\t\n<c@d>\n  <E@F>  \r\n#x\tnot\n\r\ng@h\r  i j@k\n<x@y>\t<l@m>\tsender\t<r1@x>, ,R2@X,<é@x>\n"
            + "2026-01-02T00:57:26Z\t<<n@o>>\ts\tr@s\t\n2026-13-02T00:57:26Z\t<p@q>\n2026-01-02T00:57:26+02:00\t<P@Q>\n"
            + "t\t<é@x>\tme\n<a@b>\tlater\tr3@x\n\t\t\n<no-at>\n<>\n\t<x@y\n2026-01-02 00:57:26 1vXyZa-000123-AB <= s@x id=w@z\n"
            + "abc =<x> <q@r>\t\n<s@t>\tx\ty\tz\t"
        ).utf8))
        return out
    }

    static func mutations(of bytes: [UInt8], count: Int, rng: inout SplitMix64) -> [[UInt8]] {
        let interesting: [UInt8] = Array("\t\n\r <>@,=#:-Tz9 ".utf8) + [0x00, 0xFF, 0xC3]
        var out: [[UInt8]] = []
        for _ in 0..<count {
            var b = bytes
            for _ in 0..<Int.random(in: 1...8, using: &rng) where !b.isEmpty {
                let i = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: b[i] = interesting.randomElement(using: &rng) ?? 0
                case 1: b.remove(at: i)
                case 2: b.insert(contentsOf: b[i..<min(b.count, i + 30)], at: i)
                default: b.insert(interesting.randomElement(using: &rng) ?? 0, at: i)
                }
            }
            out.append(b)
        }
        return out
    }

    static func expectSame(_ parts: [[UInt8]]) {
        var new = SentLog(path: "x", resolvedPath: "x")
        var old = ReferenceSentLog(path: "x", resolvedPath: "x")
        for part in parts {
            new.read(bytes: part)
            old.read(bytes: part)
        }
        let text = String(decoding: parts.joined(), as: UTF8.self)
        #expect(new.count == old.count, "\(text)")
        #expect(new.span == old.span)
        #expect(new.hasRecipients == old.hasRecipients)
        #expect(new.recipients == old.recipients)
        #expect(Set(new.allEntries) == Set(old.allEntries), "\(text)")
        for entry in old.allEntries {
            #expect(new.entry(forMessageID: entry.messageID) == old.entry(forMessageID: entry.messageID))
            #expect(new.entry(forMessageID: "<\(entry.messageID.uppercased())>") == old.entry(forMessageID: "<\(entry.messageID.uppercased())>"))
            // The time and recipients read without the entry (a TSV's recipients cut where they are
            // read) are the entry's; within a limit of one, the list only for one recipient.
            let whole = new.entry(forMessageID: entry.messageID)
            let sending = new.sending(ofMessageID: entry.messageID)
            #expect(sending?.recipients == whole?.recipients, "\(text)")
            #expect(sending?.sentAt == whole?.sentAt || (sending?.sentAt?.isNaN == true && whole?.sentAt?.isNaN == true))
            let one = new.sending(ofMessageID: entry.messageID, recipientLimit: 1)
            #expect((one?.recipients == nil) == ((whole?.recipients.count ?? 0) > 1))
            let none = new.sending(ofMessageID: entry.messageID, recipientLimit: -1)   // as 0
            #expect((none?.recipients == nil) == ((whole?.recipients.count ?? 0) > 0))
        }
        for r in old.recipients { #expect(new.wasSent(to: r) == old.wasSent(to: r)) }
    }

    @Test func readsAsTheReference() throws {
        var rng = SplitMix64(seed: 9)
        for text in try Self.texts() {
            Self.expectSame([text])
            // In two reads (the second indexed after the first's bytes).
            let cut = text.count / 2
            Self.expectSame([Array(text[..<cut]), Array(text[cut...])])
            for mutated in Self.mutations(of: text, count: 150, rng: &rng) { Self.expectSame([mutated]) }
        }
    }

    /// A longer mail log of each kind, interleaved, its queue ids used again (without Postfix's `removed`
    /// lines, which the reference did not read: `aRemovedQueueIDStartsAnotherMessage`) and some of its
    /// lines not ASCII (read as Strings, then joined with the ASCII lines of the same queue id): read as
    /// the reference reads it, whole and in two reads.
    @Test func readsAGeneratedMailLogAsTheReference() {
        var log = ""
        for n in 0..<600 {
            let qid = String(format: "4dQk%04dZx7z", n % 250)   // used again after 250 messages
            let time = String(format: "2026-01-%02dT10:%02d:%02d.123456+00:00", 1 + n % 28, n % 60, (n * 7) % 60)
            let who = n % 13 == 0 ? "r\(n)é" : "r\(n)"
            log += "\(time) mx postfix/smtpd[1]: \(qid): client=a.example[192.0.2.1]\n"
            log += "\(time) mx postfix/cleanup[2]: \(qid): message-id=<m\(n)@mx.example>\n"
            log += "\(time) mx postfix/qmgr[3]: \(qid): from=<s\(n % 7)@example.com>, size=1, nrcpt=2 (queue active)\n"
            log += "\(time) mx postfix/\(n % 5 == 0 ? "lmtp" : "smtp")[4]: \(qid): to=<\(who)@p.example>, relay=x, status=sent\n"
            let eximID = String(format: "1vAb%02d-%06d-Xy", n % 60, n)
            log += "2026-01-09 10:00:\(String(format: "%02d", n % 60)) \(n % 3 == 0 ? "+0100 " : "")\(eximID) <= \(n % 4 == 0 ? "<>" : "a\(n)@example.com") H=h [192.0.2.2] id=<e\(n)@mx.example>\n"
            log += "2026-01-09 10:00:01 \(eximID) \(n % 2 == 0 ? "=>" : "->") <\(who)@q.example> R=r T=\(n % 6 == 0 ? "local_delivery" : "remote_SMTP")\n"
            log += "Jan  9 10:00:00 mx sm-mta[5]: 60\(n)A: from=<b\(n)@example.com>, size=2, msgid=<s\(n)@mx.example>, proto=ESMTP\n"
            log += "Jan  9 10:00:02 mx sm-mta[6]: 60\(n)A: to=<\(who)@s.example>,<x@s.example>, mailer=\(n % 4 == 0 ? "local" : "esmtp"), stat=Sent\n"
        }
        let bytes = Array(log.utf8)
        var read = SentLog(path: "x", resolvedPath: "x")
        read.read(bytes: bytes)
        #expect(read.count > 1_000)
        #expect(read.wasSent(to: "r1@q.example") && read.wasSent(to: "r13é@s.example") && !read.wasSent(to: "r0@p.example"))
        Self.expectSame([bytes])
        Self.expectSame([Array(bytes[..<(bytes.count / 3)]), Array(bytes[(bytes.count / 3)...])])
    }

    /// Postfix's short queue ids come round again in a long log: after `QID: removed`, the next lines
    /// of the same id are another message's, not more of the first one's (which the reference merged,
    /// keeping the second id alone with both messages' recipients).
    @Test func aRemovedQueueIDStartsAnotherMessage() {
        let log = """
            Jan  9 10:00:00 mx postfix/cleanup[2]: 3F2A91C04E: message-id=<one@mx.example>
            Jan  9 10:00:00 mx postfix/qmgr[3]: 3F2A91C04E: from=<a@example.com>, size=1, nrcpt=1 (queue active)
            Jan  9 10:00:01 mx postfix/smtp[4]: 3F2A91C04E: to=<x@p.example>, relay=x, status=sent
            Jan  9 10:00:01 mx postfix/qmgr[3]: 3F2A91C04E: removed
            Jan 19 11:00:00 mx postfix/cleanup[2]: 3F2A91C04E: message-id=<two@mx.example>
            Jan 19 11:00:00 mx postfix/qmgr[3]: 3F2A91C04E: from=<b@example.com>, size=1, nrcpt=1 (queue active)
            Jan 19 11:00:01 mx postfix/smtp[4]: 3F2A91C04E: to=<y@p.example>, relay=x, status=sent
            Jan 19 11:00:01 mx postfix/qmgr[3]: 3F2A91C04E: removed
            Jan 19 11:00:02 mx postfix/qmgr[3]: not a queue id: removed

            """
        var read = SentLog(path: "x", resolvedPath: "x")
        read.read(bytes: Array(log.utf8))
        #expect(read.count == 2)
        #expect(read.entry(forMessageID: "one@mx.example") == SentLogEntry(messageID: "one@mx.example", sender: "a@example.com", recipients: ["x@p.example"]))
        #expect(read.entry(forMessageID: "<TWO@mx.example>") == SentLogEntry(messageID: "two@mx.example", sender: "b@example.com", recipients: ["y@p.example"]))
        var reference = ReferenceSentLog(path: "x", resolvedPath: "x")
        reference.read(bytes: Array(log.utf8))
        #expect(reference.count == 1)
    }

    @Test(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
    func readsTheDevLogAsTheReference() throws {
        let text = Array(try String(contentsOfFile: Corpus.path("backscatter-dev/sent.log"), encoding: .utf8).utf8)
        Self.expectSame([text])
    }
}
