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
