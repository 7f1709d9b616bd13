import Testing
@testable import Backscatter
import MailParsing

/// The byte-level readers of this session's speed work (sent log lines, DKIM tag lists and base64, BATV
/// tags, Received hops read folded) on hostile input: they terminate, never trap, and agree with what the
/// documented rules say on the edge cases.
@Suite struct HostileSignatureAndLogTests {
    /// A reproducible stream of bytes biased towards the separators these readers split on.
    struct Bytes: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func line(_ length: Int) -> [UInt8] {
            let alphabet = Array("\t,;:=<>@ \r\n-.TZ0123456789abzAZ\u{00}\u{7F}".utf8) + [0xC3, 0xFF, 0x80]
            return (0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
        }
    }

    @Test func sentLogReadsAnyBytes() {
        var random = Bytes(state: 7)
        for length in [0, 1, 2, 11, 20, 21, 64, 300, 5000] {
            for _ in 0..<50 {
                var log = SentLog(path: "x", resolvedPath: "x")
                log.read(bytes: random.line(length))
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

    @Test func dkimSignatureParsingTerminatesOnAnyBytes() {
        var random = Bytes(state: 11)
        for length in [0, 1, 3, 40, 400, 4000] {
            for _ in 0..<100 {
                let value = random.line(length)
                _ = try? DKIMSignature(parsing: value)
                _ = DKIMTags(value[...])["d"]
            }
        }
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

    @Test func batvTagsOnAnyBytes() {
        var random = Bytes(state: 13)
        for length in [0, 5, 6, 16, 40, 200] {
            for _ in 0..<200 {
                _ = BATVAddress(parsing: String(decoding: random.line(length), as: UTF8.self))
            }
        }
        // The marker is found after a false start ("pprvs="), in any case.
        #expect(BATVAddress(parsing: "PPRVS=0123abcdef=x@y") == nil)
        #expect(BATVAddress(parsing: "PRVS=0123abcdef=x@y")?.localPart == "x")
        #expect(BATVAddress(parsing: "<prvs=0123abcdef=x@y>")?.domain == "y")
    }

    @Test func receivedHopsReadAnyBytes() {
        var random = Bytes(state: 17)
        for length in [0, 1, 30, 300, 20_000] {
            for _ in 0..<30 {
                _ = ReceivedHop(random.line(length)[...])
            }
        }
    }
}
