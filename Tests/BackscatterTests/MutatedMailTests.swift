import Foundation
import Testing
import Backscatter
import MailParsing
import TestSupport

/// Mutated mail through the whole pipeline: the mbox reader, the header and MIME parsers, the bounce
/// recognisers and the classifier, with and without a profile. Every message comes out as a record, in
/// order, and nothing crashes (a crash ends the test run). Seeded, so every run reads the same bytes.
///
/// The mutations are those of `Tests/Fuzz/mutate.py`, whose campaigns run far more of them against a
/// release or AddressSanitizer build (see `Tests/Fuzz/README.md`): bytes flipped, inserted, deleted and
/// repeated; MIME, DSN and charset tokens inserted; pieces of other messages spliced in; long lines;
/// nested multiparts; CRLF or CR line ends. They read the repository's fixtures and, when the shared
/// corpus is here, the sisimai bounces.
@Suite struct MutatedMailTests {
    /// The pieces of `Tests/Fuzz/pieces.txt`, the file the Python tools read too (one piece a line under
    /// `[specials]`, `[tokens]` and `[shapes]`, a shape's line its name and a space first; escapes `\n`,
    /// `\r`, `\t`, `\\`, `\xHH`).
    static let pieces: [String: [[UInt8]]] = {
        let path = Corpus.repositoryRoot.appendingPathComponent("Tests/Fuzz/pieces.txt").path
        guard let text = try? String(contentsOfFile: path, encoding: .ascii) else {
            fatalError("cannot read \(path), the mutation tests' pieces")
        }
        var sections: [String: [[UInt8]]] = [:]
        var current = ""
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("[") {
                current = String(line.dropFirst().dropLast())
                continue
            }
            let piece = current == "shapes" ? line.drop(while: { $0 != " " }).dropFirst() : line[...]
            sections[current, default: []].append(unescape(piece))
        }
        return sections
    }()

    /// `pieces.txt`'s escapes read back into bytes.
    static func unescape(_ text: Substring) -> [UInt8] {
        let u = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < u.count {
            guard u[i] == UInt8(ascii: "\\"), i + 1 < u.count else { out.append(u[i]); i += 1; continue }
            switch u[i + 1] {
            case UInt8(ascii: "x"):
                out.append(UInt8(String(decoding: u[(i + 2)..<min(i + 4, u.count)], as: UTF8.self), radix: 16) ?? 0)
                i += 4
                continue
            case UInt8(ascii: "n"): out.append(ASCII.lineFeed)
            case UInt8(ascii: "r"): out.append(ASCII.carriageReturn)
            case UInt8(ascii: "t"): out.append(ASCII.tab)
            default: out.append(u[i + 1])
            }
            i += 2
        }
        return out
    }

    /// Bytes that end, open or break a token somewhere in a message.
    static var specials: [[UInt8]] { pieces["specials", default: []] }
    /// Pieces of the structures the parsers and recognisers read.
    static var tokens: [[UInt8]] { pieces["tokens", default: []] }

    /// The file's pieces as `mutate.py` and `designed.py` read them (`fuzzmbox.pieces`).
    @Test func piecesAreThoseOfTheFuzzTools() {
        #expect(Self.specials.count == 30)
        #expect(Self.tokens.count == 41)
        #expect(Self.shapes.count == 36)
        #expect(Self.specials.first == [0] && Self.specials.contains([0xE2, 0x80]) && Self.specials.contains([UInt8(ascii: "[")]))
        #expect(Self.tokens.first == Array("Content-Type: multipart/mixed; boundary=\"b\"\n".utf8))
        #expect(Self.shapes.contains(Array("5.1.1 550 ".utf8)) && Self.shapes.contains(Array("é世".utf8)))
    }

    /// `message` changed by one to eight random mutations (`pool`: the messages to splice pieces from).
    static func mutate(_ message: [UInt8], pool: [[UInt8]], using g: inout SplitMix64) -> [UInt8] {
        var m = message
        for _ in 0...g.below(8) {
            if m.isEmpty { m = [UInt8(ascii: "x")] }
            let i = g.below(m.count + 1)
            switch g.below(9) {
            case 0: m[g.below(m.count)] = UInt8(truncatingIfNeeded: g.next())
            case 1: m.insert(contentsOf: specials[g.below(specials.count)], at: i)
            case 2: m.insert(contentsOf: tokens[g.below(tokens.count)], at: i)
            case 3: m.removeSubrange(i..<min(m.count, i + 1 + g.below(200)))
            case 4:
                let chunk = Array(m[i..<min(m.count, i + 1 + g.below(80))])
                m.insert(contentsOf: Array(repeatElement(chunk, count: 2 + g.below(300)).joined()), at: i)
            case 5:
                let other = pool[g.below(pool.count)]
                guard !other.isEmpty else { continue }
                let start = g.below(other.count)
                m.insert(contentsOf: other[start..<min(other.count, start + 1 + g.below(2000))], at: i)
            case 6: m.removeSubrange(i..<m.count)
            case 7:
                let byte = Array("a =<(\t5".utf8)[g.below(7)]
                m.insert(contentsOf: repeatElement(byte, count: 1000 + g.below(30_000)), at: i)
            default:
                var nested: [UInt8] = []
                for level in 0...g.below(40) {
                    nested += Array("Content-Type: multipart/mixed; boundary=\"n\(level)\"\n\n--n\(level)\n".utf8)
                }
                m.insert(contentsOf: nested, at: i)
            }
        }
        switch g.below(6) {
        case 0: return m.flatMap { $0 == ASCII.lineFeed ? [ASCII.carriageReturn, ASCII.lineFeed] : [$0] }
        case 1: return m.map { $0 == ASCII.lineFeed ? ASCII.carriageReturn : $0 }
        default: return m
        }
    }

    /// The `.eml` files under `folder` (any depth), in path order, read whole.
    static func emlFiles(under folder: String) -> [[UInt8]] {
        let files = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return files.compactMap { FileManager.default.contents(atPath: folder + "/" + $0).map { Array($0) } }
    }

    /// The messages mutated from: every fixture message, and the sisimai bounces when the corpus is here.
    static func pool() -> [[UInt8]] {
        guard Corpus.isAvailable else {
            print(Corpus.skipMessage)
            return emlFiles(under: Corpus.fixture(""))
        }
        return emlFiles(under: Corpus.fixture("")) + emlFiles(under: Corpus.path("sisimai/maildir/bsd"))
    }

    /// An mboxrd file of `count` mutated messages (each line that would read as a `From ` line quoted).
    static func mailbox(seed: UInt64, count: Int, pool: [[UInt8]]) -> [UInt8] {
        var g = SplitMix64(seed: seed)
        var mbox: [UInt8] = []
        for _ in 0..<count {
            var message = mutate(pool[g.below(pool.count)], pool: pool, using: &g)
            if g.below(4) == 0 { message = mutate(message, pool: pool, using: &g) }
            appendEntry(message, to: &mbox)
        }
        return mbox
    }

    /// Appends `message` to `mbox` as an mboxrd entry: a `From ` line, each line that would read as one
    /// quoted with `>`, a blank line after, all with LF line ends whatever the message's own are. (Not
    /// `MailboxSplit`, which writes a message whose first line ends in CR in CR line ends or turns its CRs
    /// into LFs to suit the mbox: a mutated message's stray CRs must reach the parsers as they are.)
    static func appendEntry(_ message: [UInt8], to mbox: inout [UInt8]) {
        mbox += Array("From fuzz@example.invalid Thu Jan  1 00:00:00 2026\n".utf8)
        for line in message.split(separator: ASCII.lineFeed, omittingEmptySubsequences: false) {
            if line.drop(while: { $0 == UInt8(ascii: ">") }).starts(with: Array("From ".utf8)) { mbox.append(UInt8(ascii: ">")) }
            mbox += line
            mbox.append(ASCII.lineFeed)
        }
        mbox.append(ASCII.lineFeed)
    }

    /// The shapes of `Tests/Fuzz/designed.py`: one of them repeated makes a long run.
    static var shapes: [[UInt8]] { pieces["shapes", default: []] }

    /// The first 24 fixture bounces (`Fixtures/dsn`, a recogniser's each), each with a 10 KB run of each
    /// shape in the middle of its body, as a Received field on top, in its From field and in its first
    /// Diagnostic-Code field (`designed.py`'s messages, fewer and smaller): every one a record.
    @Test func everyDesignedMessageIsAccountedFor() throws {
        let bounces = Self.emlFiles(under: Corpus.fixture("dsn")).prefix(24)
        #expect(bounces.count == 24)
        var mbox: [UInt8] = []
        var count = 0
        for base in bounces {
            guard let blank = base.firstRange(of: [ASCII.lineFeed, ASCII.lineFeed])?.lowerBound else { continue }
            let middle = base[(blank + 2 + (base.count - blank - 2) / 2)...].firstIndex(of: ASCII.lineFeed).map { $0 + 1 } ?? base.count
            for shape in Self.shapes {
                let run = Array(repeatElement(shape, count: 10_000 / shape.count).joined())
                let flat = run.map { $0 == ASCII.lineFeed || $0 == ASCII.carriageReturn ? UInt8(ascii: " ") : $0 }
                var messages = [Array(base[..<middle]) + run + [ASCII.lineFeed] + Array(base[middle...]),
                                Array("Received: ".utf8) + flat + [ASCII.lineFeed] + base]
                // In the From field and the first Diagnostic-Code field, where a bounce has them.
                for field in ["\nFrom:", "Diagnostic-Code:"] {
                    guard let at = base.firstRange(of: Array(field.utf8))?.upperBound else { continue }
                    messages.append(Array(base[..<at]) + [UInt8(ascii: " ")] + flat + Array(base[at...]))
                }
                for message in messages {
                    Self.appendEntry(message, to: &mbox)
                    count += 1
                }
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("designed-\(getpid()).mbox").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(mbox)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var indices: [Int] = []
        let summary = Scan(paths: [path], options: ScanOptions(jobs: 2)).run(stage: ClassifierStage(profile: nil)) { record in
            indices.append(record.index)
        }
        #expect(summary.errors.isEmpty)
        #expect(indices == Array(0..<count))
    }

    @Test(arguments: [false, true]) func everyMutatedMessageIsAccountedFor(withProfile: Bool) throws {
        let pool = Self.pool()
        #expect(pool.count > 100)
        let count = 1500
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mutated-\(withProfile)-\(getpid()).mbox").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(Self.mailbox(seed: withProfile ? 44 : 43, count: count, pool: pool))))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let profile = withProfile ? try SiteProfile.load(path: Corpus.fixture("classifier/profile.toml")) : nil
        var indices: [Int] = []
        var kinds: Set<String> = []
        let summary = Scan(paths: [path], options: ScanOptions(jobs: 2)).run(stage: ClassifierStage(profile: profile)) { record in
            indices.append(record.index)
            kinds.insert(record.kind.rawValue)
        }
        #expect(summary.errors.isEmpty)
        #expect(indices == Array(0..<count))
        // The mutations leave most messages readable as what they were: bounces among them.
        #expect(kinds.contains("bounce") && kinds.contains("not-bounce"))
    }

    /// Hostile values through the spill file (every record and note encoded, written and read back):
    /// the same records and findings as held in memory (`SpillingScanTests` does this for the example
    /// inbox and the labelled one, real mail).
    @Test func mutatedMailSpillsAndReadsBackTheSame() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mutated-spill-\(getpid()).mbox").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(Self.mailbox(seed: 45, count: 600, pool: Self.pool()))))
        defer { try? FileManager.default.removeItem(atPath: path) }
        SpillingScanTests.expectSame([path], profile: nil)
    }
}
