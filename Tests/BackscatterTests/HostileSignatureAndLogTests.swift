import Testing
@testable import Backscatter
import MailParsing
import TestSupport

/// The byte-level readers written for speed (sent log lines, DKIM tag lists and base64, BATV markers,
/// Received hops read folded) on hostile input and on their edge cases.
@Suite struct HostileSignatureAndLogTests {
    /// `length` reproducible bytes biased towards the separators these readers split on.
    static func line(_ length: Int, _ random: inout SplitMix64) -> [UInt8] {
        let alphabet = Array("\t,;:=<>@ \r\n-.TZ0123456789abzAZ\u{00}\u{7F}".utf8) + [0xC3, 0xFF, 0x80]
        return (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
    }

    @Test func sentLogReadsAnyBytes() {
        var random = SplitMix64(seed: 7)
        for length in [0, 1, 2, 11, 20, 21, 64, 300, 5000] {
            for _ in 0..<50 {
                var log = SentLog(path: "x", resolvedPath: "x")
                log.read(bytes: Self.line(length, &random))
                _ = log.count
            }
        }
        // Edge cases of the TSV reader: empty columns, a lone bracket, trailing commas, no recipients.
        var log = SentLog(path: "x", resolvedPath: "x")
        log.read("2026-01-02T00:00:00Z\t<a@b>\t\t,,<>,x@y,\n\t<>\t\n<\t<c@d>\n2026-13-40T99:99:99Z\t<e@f>\ts\n")
        #expect(log.entry(forMessageID: "a@b")?.recipients == ["x@y"])
        #expect(log.entry(forMessageID: "a@b")?.sentAt == 1_767_312_000)
        #expect(log.entry(forMessageID: "A@B")?.sender == nil)
        #expect(log.entry(forMessageID: "c@d") != nil)
        // An out-of-range time is left to the full RFC 3339 reader, which refuses it.
        #expect(log.entry(forMessageID: "e@f")?.sentAt == nil)
        #expect(log.entry(forMessageID: "e@f")?.sender == "s")
    }

    /// The sent log's index of ids and recipients (byte ranges of the log, ASCII case folded): what is
    /// found, how later lines and inserted entries replace earlier ones, and non-ASCII text.
    @Test func sentLogIndexFindsAndReplaces() {
        var log = SentLog(path: "x", resolvedPath: "x")
        log.read("2026-01-02T00:00:00Z\t<Id.One@Example.ORG>\ts@x\tBob@Example.ORG, <carol@x.example>\n" +
                 "<second@x>\n" +
                 "2026-01-03T00:00:00Z\t<second@X>\tt@x\tdave@x\n" +
                 "2026-01-04T00:00:00Z\t<ÜNÏ@x>\tu@x\tÉve@x\n")
        #expect(log.count == 3)
        #expect(log.contains(messageID: "id.one@example.org"))
        #expect(log.contains(messageID: " <ID.ONE@EXAMPLE.ORG> "))
        #expect(!log.contains(messageID: "id.one@example.or"))
        #expect(log.entry(forMessageID: "SECOND@x")?.sender == "t@x")   // the later line
        #expect(log.entry(forMessageID: "<ünï@x>")?.recipients == ["Éve@x"])
        #expect(log.wasSent(to: "bob@example.org"))
        #expect(log.wasSent(to: "carol@x.example"))
        #expect(log.wasSent(to: "éve@x"))
        #expect(!log.wasSent(to: "Bob@Example.ORG"))   // addresses are asked in lower case
        #expect(!log.wasSent(to: "bob@example.or"))
        #expect(log.recipients == ["bob@example.org", "carol@x.example", "dave@x", "éve@x"])
        #expect(log.span == 1_767_312_000...1_767_484_800)
        // An inserted entry replaces a line's; a line read later replaces an inserted one.
        log.insert(SentLogEntry(messageID: "ID.one@example.org", sender: "inserted", recipients: ["Zed@y"]))
        #expect(log.entry(forMessageID: "id.one@example.org")?.sender == "inserted")
        #expect(log.wasSent(to: "zed@y"))
        log.insert(SentLogEntry(messageID: "new@y", sender: "first"))
        log.read("2026-01-05T00:00:00Z\t<NEW@y>\tsecond\t\n")
        #expect(log.entry(forMessageID: "new@y")?.sender == "second")
        #expect(log.count == 4)
        #expect(log.allEntries.count == 4)
    }

    /// (Random DKIM signatures and BATV addresses: `DKIMTests.mutatedMessagesNeverCrash`,
    /// `BATVHostileInputTests`; here, the edge cases of the byte-level readers.)
    @Test func dkimSignatureEdgeCases() {
        // Folded base64 and h= lists with empty names still read; a stray byte in b= does not.
        let folded = "v=1; a=rsa-sha256; d=X.example; s=S1; h=From::To: ;\r\n b=AA\r\n\t==; bh=AA=="
        let signature = try? DKIMSignature(parsing: Array(folded.utf8))
        #expect(signature?.signedHeaders == ["from", "to"])
        #expect(signature?.signature == [0])
        #expect(signature?.domain == "x.example" && signature?.selector == "s1")
        #expect(throws: DKIMSignatureError.self) {
            try DKIMSignature(parsing: Array("v=1; a=rsa-sha256; d=x; s=y; h=from; b=AA\u{00}==".utf8))
        }
    }

    @Test func batvMarkerEdgeCases() {
        // The "prvs=" prefilter restarts after a false start ("pr+"), and reads any case.
        #expect(BATVAddress(parsing: "xpr+prvs=0123abcdef@y")?.localPart == "xpr")
        #expect(BATVAddress(parsing: "PRVS=0123abcdef=x@y")?.localPart == "x")
        #expect(BATVAddress(parsing: "<prvs=0123abcdef=x@y>")?.domain == "y")
    }

    @Test func receivedHopsReadAnyBytes() {
        var random = SplitMix64(seed: 17)
        for length in [0, 1, 30, 300, 20_000] {
            for _ in 0..<30 {
                _ = ReceivedHop(Self.line(length, &random)[...])
            }
        }
    }
}

/// The sent log's byte index: keys found whatever their case and length (around the eight-byte words
/// its hash reads; the word folding itself: `ByteHelperTests.wordTestsAreTheByteTests`).
struct FoldedByteIndexTests {
    @Test func findsKeysWhateverTheirCase() {
        var text: [UInt8] = []
        var ranges: [Range<Int>] = []
        for length in 1...40 {
            let key = (0..<length).map { UInt8(ascii: $0 % 3 == 0 ? "A" : "z") &+ UInt8($0 % 7) }
            ranges.append(text.count..<(text.count + length))
            text += key
        }
        var index = FoldedByteIndex()
        text.withUnsafeBufferPointer { buffer in
            for range in ranges { #expect(index.insert(range, in: buffer).inserted) }
            for (n, range) in ranges.enumerated() {
                let flipped = buffer[range].map { ASCII.isAlpha($0) ? $0 ^ 0x20 : $0 }
                flipped.withUnsafeBufferPointer { #expect(index.find($0, in: buffer) == n) }
                #expect(!index.insert(range, in: buffer).inserted)
                let shorter = Array(buffer[range].dropLast()) + [UInt8(ascii: "#")]
                shorter.withUnsafeBufferPointer { #expect(index.find($0, in: buffer) == nil) }
            }
        }
        #expect(index.count == 40)
    }
}
