@testable import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// `HeaderNameFilter.mayContainAny(of:)`, which Office365's `claims` asks before its seven
/// `hasHeader` questions, must say "may" whenever `mayContain` says so of one of the names (a false
/// "no" would drop a sign); and no filter may say "no" of a name its section has.
@Suite struct HeaderNameFilterTests {
    /// Random sections and name lists of names that share lengths, first, middle and last bytes,
    /// in any case, and the empty name.
    @Test func anyOfNamesAgreesWithEachName() {
        var generator = SplitMix64(seed: 20)
        let pieces = ["x", "-", "ms", "exchange", "received", "to", "A", "Reply", "id", "z", "crosstenant", "ndr"]
        func name() -> String { (0..<(1 + generator.below(4))).map { _ in pieces[generator.below(pieces.count)] }.joined() }
        var saidNo = 0
        for _ in 0..<3_000 {
            let present = (0..<generator.below(12)).map { _ in name() }
            var header = ""
            for field in present { header += field + ": v\r\n" }
            header += "\r\nbody"
            let section = HeaderSection.parse(Array(header.utf8)[...])
            let filter = HeaderNameFilter(section)
            for field in present { #expect(filter.mayContain(field.lowercased())) }
            var asked = (0..<generator.below(8)).map { _ in name().lowercased() }
            if generator.below(20) == 0 { asked.append("") }
            let any = filter.mayContainAny(of: HeaderNameFilter.Names(asked))
            #expect(any == asked.contains { filter.mayContain($0) }, "\(present) \(asked)")
            if !any { saidNo += 1 }
        }
        #expect(saidNo > 300)
    }

    /// Office365's seven names: the message with any one of them (in any case) passes the filter.
    @Test func eachExchangeOnlineFieldPasses() {
        let names = ["x-ms-exchange-message-is-ndr", "x-microsoft-antispam-prvs", "X-Exchange-Antispam-Report-Test",
                     "x-exchange-antispam-report-cfa-test", "X-MS-Exchange-CrossTenant-OriginalArrivalTime",
                     "x-ms-exchange-crosstenant-fromentityheader", "x-ms-exchange-transport-crosstenantheadersstamped"]
        let set = HeaderNameFilter.Names(names.map { $0.lowercased() })
        for n in names {
            let section = HeaderSection.parse(Array("Subject: a\r\n\(n): b\r\n\r\n".utf8)[...])
            #expect(HeaderNameFilter(section).mayContainAny(of: set))
        }
        #expect(!HeaderNameFilter(HeaderSection.parse(Array("Subject: a\r\n\r\n".utf8)[...])).mayContainAny(of: set))
    }

    /// `Name`'s bit written out (`Name(_:bit:)`, as the recognisers' statics give it) against the bit
    /// worked out (`Name(_:)`), and `mayContain(_ name: Name)` against `mayContain` of its String, in
    /// random sections: every name a recogniser asks about, short and long, and the empty name.
    @Test func nameBitAgreesWithString() {
        let written: [HeaderNameFilter.Name] = [
            .init("x-mailer", bit: 6), .init("x-ms-embedded-report", bit: 73), .init("content-type", bit: 39),
            .init("to", bit: 251), .init("reply-to", bit: 98), .init("x-original-mailer", bit: 31), .init("", bit: -1),
        ]
        for name in written { #expect(name.bit == HeaderNameFilter.Name(name.lowercaseName).bit, "\(name.lowercaseName)") }
        var generator = SplitMix64(seed: 34)
        let pieces = ["x", "-", "mailer", "content", "type", "to", "Reply", "ms", "embedded", "report", "original"]
        func name() -> String { (0..<(1 + generator.below(4))).map { _ in pieces[generator.below(pieces.count)] }.joined() }
        for _ in 0..<2_000 {
            let present = (0..<generator.below(10)).map { _ in name() }
            let section = HeaderSection.parse(Array((present.map { $0 + ": v\r\n" }.joined() + "\r\nbody").utf8)[...])
            let filter = HeaderNameFilter(section)
            for asked in (written.map(\.lowercaseName) + (0..<4).map { _ in name().lowercased() }) {
                #expect(filter.mayContain(HeaderNameFilter.Name(asked)) == filter.mayContain(asked), "\(present) \(asked)")
            }
        }
    }

    /// Every `Name("...", bit: N)` written in the sources (the recognisers' statics, whose bits are checked
    /// only by a debug `assert` when first read) carries the bit `bit(of:)` gives its name: a wrong one
    /// would make `BounceContext.header(_:)` answer "absent" for a field that is there.
    @Test func everyWrittenBitInTheSourcesIsTheNamesBit() throws {
        let sources = Corpus.repositoryRoot.appendingPathComponent("Sources/DeliveryStatus")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let written = /Name\("([^"\\]*)", bit: (-?[0-9]+)\)/
        var checked = 0
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: written) {
                let name = String(match.output.1), bit = Int(match.output.2)
                #expect(bit == HeaderNameFilter.Name(name).bit, "\(file.lastPathComponent): \(name)")
                checked += 1
            }
        }
        // The recognisers write 35 (session 34); none found would mean the pattern no longer matches.
        #expect(checked >= 30, "only \(checked) written bits found")
    }
}
