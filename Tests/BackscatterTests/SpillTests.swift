import Backscatter
import DeliveryStatus
import Foundation
import MailParsing
import Testing
import TestSupport

/// The binary codec of held values: every field of records and notes survives a round trip (nil,
/// empty, Unicode, extreme numbers), and damaged bytes throw instead of trapping.
struct SpillCodingTests {
    static func roundTrip<Value: SpillCodable>(_ value: Value) throws -> Value {
        var encoder = SpillEncoder()
        encoder.write(value)
        var decoder = SpillDecoder(encoder.bytes[...])
        let back: Value = try decoder.read()
        #expect(decoder.isAtEnd)
        return back
    }

    static func bytes<Value: SpillCodable>(_ value: Value) -> [UInt8] {
        var encoder = SpillEncoder()
        encoder.write(value)
        return encoder.bytes
    }

    @Test(arguments: [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, Int.max, Int.min])
    func integers(_ value: Int) throws {
        #expect(try Self.roundTrip(value) == value)
        #expect(try Self.roundTrip(Int64(value)) == Int64(value))
        #expect(try Self.roundTrip(UInt64(bitPattern: Int64(value))) == UInt64(bitPattern: Int64(value)))
    }

    @Test func smallIntegersTakeOneByte() {
        #expect(Self.bytes(0) == [0])
        #expect(Self.bytes(-1) == [1])
        #expect(Self.bytes(1) == [2])
        #expect(Self.bytes(UInt64(127)) == [127])
        #expect(Self.bytes(UInt64(128)) == [0x80, 0x01])
    }

    @Test(arguments: [0.0, -0.0, 1.5, -2.25e300, .infinity, -.infinity, .leastNonzeroMagnitude, .pi])
    func doublesKeepTheirBits(_ value: Double) throws {
        #expect(try Self.roundTrip(value).bitPattern == value.bitPattern)
    }

    @Test func nanKeepsItsBits() throws {
        #expect(try Self.roundTrip(Double.nan).bitPattern == Double.nan.bitPattern)
    }

    @Test(arguments: ["", "a", "Größe", "件名：テスト", "emoji 👩‍👩‍👧 ok", "nul\u{0}in", String(repeating: "x", count: 70_000)])
    func strings(_ value: String) throws {
        #expect(try Self.roundTrip(value) == value)
        #expect(try Self.roundTrip(Optional(value)) == value)
        #expect(try Self.roundTrip([value, value]) == [value, value])
    }

    @Test func optionalsAndEmptyArrays() throws {
        #expect(try Self.roundTrip(String?.none) == nil)
        #expect(try Self.roundTrip(String??.some(nil)) == .some(nil))
        #expect(try Self.roundTrip([String]()) == [])
        #expect(try Self.roundTrip([Int?]([nil, 3, nil])) == [nil, 3, nil])
        #expect(try Self.roundTrip(true) == true)
        #expect(try Self.roundTrip(false) == false)
    }

    /// Every field set, with Unicode and extremes.
    static func fullRecord() -> ScanRecord {
        var r = ScanRecord(source: "/tmp/in box/Größe.mbox", index: 7, offset: Int.max, length: 0, sequence: 123_456)
        r.messageId = "<id.ü@host>"
        r.date = "2026-01-05T10:00:00+01:00"
        r.timestamp = -62_135_596_800
        r.from = "mailer-daemon@mx.example"
        r.to = ["a@example.org", "", "件名@例え.jp"]
        r.subject = "Undeliverable: Größe 👩‍👩‍👧"
        r.defects = ["from-line-quoted", "missing-closing-boundary"]
        r.kind = .autoReply
        r.format = "rfc3464"
        r.recipients = [
            .init(recipient: "x@y.z", action: "failed", status: "5.1.1", replyCode: 550, reason: "userunknown", hard: true,
                  diagnostic: "550 5.1.1 <x@y.z>: unknown\tuser", remoteMTA: "mx.y.z"),
            .init(recipient: ""),
            .init(recipient: "q@r.s", hard: false),
        ]
        r.original = .init(present: .headers, messageId: "<m@n>", from: "me@example.org", to: ["you@example.net"],
                           subject: "", date: "2026-01-01T00:00:00Z", received: ["from a by b", "from c by d; Mon"])
        r.verdict = .backscatter
        r.score = 0.999_999_999_7
        r.evidence = [Evidence(signal: "relay-ip-foreign", weight: -1.25, detail: "Ünïcode detail."),
                      Evidence(signal: "", weight: 0, detail: "")]
        r.campaign = "c12"
        r.audit = .legitimateNDR
        r.envelope = QueueEnvelope(sender: [], recipients: [Array("victim@innocent.example".utf8), [], Array("件名@例え.jp".utf8), [0xFF]],
                                   arrivalTime: -1)
        return r
    }

    static func same(_ a: ScanRecord, _ b: ScanRecord) -> Bool {
        a.source == b.source && a.index == b.index && a.offset == b.offset && a.length == b.length && a.sequence == b.sequence
            && a.messageId == b.messageId && a.date == b.date && a.timestamp == b.timestamp && a.from == b.from && a.to == b.to
            && a.subject == b.subject && a.defects == b.defects && a.kind == b.kind && a.format == b.format
            && a.recipients == b.recipients && a.original == b.original && a.verdict == b.verdict
            && a.score?.bitPattern == b.score?.bitPattern && a.evidence == b.evidence && a.campaign == b.campaign && a.audit == b.audit
            && sameEnvelope(a.envelope, b.envelope)
    }

    static func sameEnvelope(_ a: QueueEnvelope?, _ b: QueueEnvelope?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.sender == b.sender && a.recipients == b.recipients && a.arrivalTime == b.arrivalTime
    }

    @Test func recordsRoundTripEveryField() throws {
        let full = Self.fullRecord()
        #expect(Self.same(try Self.roundTrip(full), full))
        let empty = ScanRecord(source: "", index: 0, offset: 0, length: 0, sequence: 0)
        #expect(Self.same(try Self.roundTrip(empty), empty))
        var senderUnknown = empty
        senderUnknown.envelope = QueueEnvelope(sender: nil, recipients: [], arrivalTime: nil)
        #expect(Self.same(try Self.roundTrip(senderUnknown), senderUnknown))
        for verdict in Verdict.allCases {
            var r = empty
            r.verdict = verdict
            #expect(try Self.roundTrip(r).verdict == verdict)
        }
        for kind in MessageKind.allCases {
            var r = empty
            r.kind = kind
            #expect(try Self.roundTrip(r).kind == kind)
        }
    }

    /// Dates as a record holds them (`ScanRecord.RecordDate`) come back as they were written, as
    /// held (a date read stays one, its text not made): none, a text, and dates read at random over
    /// years 0001-9999 and beyond with every offset sign, on the record and its original; the
    /// measured size is the bytes'.
    @Test func recordDatesRoundTripAsHeld() throws {
        var generator = SplitMix64(seed: 67)
        var values: [ScanRecord.RecordDate] = [.text(nil), .text("2026-01-05T10:00:00+01:00"), .text(""),
                                               .mail(MailDate(secondsSince1970: -1_000_000_000_000_000, utcOffsetMinutes: -1_440_000)),
                                               .mail(MailDate(secondsSince1970: 1_000_000_000_000_000, utcOffsetMinutes: 1_440_000))]
        for _ in 0..<500 {
            let seconds = Int64(bitPattern: generator.next() % 320_000_000_000) - 64_000_000_000
            values.append(.mail(MailDate(secondsSince1970: seconds, utcOffsetMinutes: Int(generator.next() % 12_001) - 6_000)))
        }
        for (index, value) in values.enumerated() {
            var record = Self.fullRecord()
            record.dateValue = value
            record.original.dateValue = values[(index + 1) % values.count]
            let back = try Self.roundTrip(record)
            switch (back.dateValue, value) {
            case (.mail(let a), .mail(let b)): #expect(a == b)
            case (.text(let a), .text(let b)): #expect(a == b)
            default: Issue.record("\(value) came back as \(back.dateValue)")
            }
            switch (back.original.dateValue, record.original.dateValue) {
            case (.mail(let a), .mail(let b)): #expect(a == b)
            case (.text(let a), .text(let b)): #expect(a == b)
            default: Issue.record("\(record.original.dateValue) came back as \(back.original.dateValue)")
            }
            #expect(Self.same(back, record))
            var sizer = SpillEncoder(measuring: true)
            sizer.write(record)
            #expect(sizer.count == Self.bytes(record).count)
        }
        // A tag the codec does not know is damage.
        var decoder = SpillDecoder([UInt8]([3])[...])
        #expect(throws: SpillError.self) { try decoder.read(ScanRecord.RecordDate.self) }
    }

    static func fullObservation() -> Observation {
        var o = Observation(kind: .bounce)
        o.format = "postfix"
        o.arrival = 1_767_225_600
        o.victimAsWritten = "prvs=1234abcd=Olga@Example.org"
        o.victim = "olga@example.org"
        o.noticeFrom = "mailer-daemon@mx.example"
        o.recipients = ["a@b.c", "ü@例え.jp"]
        o.recipientCount = 40
        o.reportingMTA = "mx.example"
        o.connectingIP = "2001:db8::1"
        o.connectingHost = "mx.example"
        o.envelopeID = ""
        o.originalRecipients = ["rfc822;a@b.c"]
        o.replyIDs = ["x@y", "z@w"]
        var original = OriginalFacts(presence: .full)
        original.messageID = "20260101.ABC@example.org"
        original.from = "olga@example.org"
        original.date = -1
        original.recipientCount = 3
        original.subject = "Größe 👩‍👩‍👧"
        original.subjectKey = .max
        original.subjectLetters = "grße"
        original.bodyKey = 0
        original.hops = [ReceivedHop(helo: "[1.2.3.4]", reverseName: nil, ip: "1.2.3.4", date: 5),
                         ReceivedHop(helo: "pop.example.net", ip: "198.51.100.9", date: 4, fetchedFromMailbox: true),
                         ReceivedHop()]
        original.hopCount = 9
        original.dkim = [DKIMFinding(domain: "example.org", selector: "s1", result: .verified, signedAt: -1_795_931_536),
                         DKIMFinding(domain: "x", selector: "", result: .unchecked)]
        original.spamShape = [.noReverseDNS, .linkHeavy, .htmlOnly]
        o.original = original
        o.noticeSubjectTail = "subjecttail"
        o.noticeReplyTo = "r@s.t"
        o.returnPath = ""
        return o
    }

    @Test func notesRoundTripEveryField() throws {
        let note = ClassifierNote(observation: Self.fullObservation(), deliveredTo: "Ünï@example.org")
        let back = try Self.roundTrip(note)
        #expect(back.observation == note.observation)
        #expect(back.deliveredTo == note.deliveredTo)
        let bare = try Self.roundTrip(ClassifierNote(observation: Observation(kind: .delay)))
        #expect(bare.observation == Observation(kind: .delay))
        #expect(bare.deliveredTo == nil)
        let none = try Self.roundTrip(ClassifierNote(observation: nil))
        #expect(none.observation == nil)
    }

    /// The store decides when to spill by measuring, without encoding: the count must be exact.
    @Test func measuringCountsExactlyTheEncodedBytes() {
        func measured<Value: SpillCodable>(_ value: Value) -> Int {
            var sizer = SpillEncoder(measuring: true)
            sizer.write(value)
            #expect(sizer.bytes.isEmpty)
            return sizer.count
        }
        #expect(measured(Self.fullRecord()) == Self.bytes(Self.fullRecord()).count)
        let note = ClassifierNote(observation: Self.fullObservation(), deliveredTo: "Ünï@example.org")
        #expect(measured(note) == Self.bytes(note).count)
        let long = String(repeating: "ü", count: 100)
        #expect(measured(long) == Self.bytes(long).count)
    }

    @Test func auditItemsRoundTrip() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("classifier/backscatter-bounce.eml"))))
        let parsed = ParsedMessage(parsing: bytes[...])
        let item = QueueAudit.Item(parsed, report: BounceAnalyzer().analyze(parsed))
        #expect(Self.bytes(try Self.roundTrip(item)) == Self.bytes(item))
    }

    /// Every cut of a record's bytes throws (never traps), and so does an unknown enum value.
    @Test func damagedBytesThrow() {
        let bytes = Self.bytes(Self.fullRecord())
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            var decoder = SpillDecoder(bytes[..<cut])
            #expect(throws: SpillError.self) { _ = try decoder.read(ScanRecord.self) }
        }
        var decoder = SpillDecoder(Self.bytes("no-such-verdict")[...])
        #expect(throws: SpillError.self) { _ = try decoder.read(Verdict.self) }
        var huge = SpillDecoder([0xFF, 0xFF, 0xFF, 0xFF, 0x0F][...])
        #expect(throws: SpillError.self) { _ = try huge.read([Int].self) }
    }
}

/// The store that holds a scan's notes and records: the same values come back, in order, every time,
/// whether they stayed in memory or went to the temporary file.
struct SpillStoreTests {
    @Test(arguments: [0, 100, 1 << 30])
    func valuesComeBackInOrder(memoryLimit: Int) {
        let store = SpillStore<String>(memoryLimit: memoryLimit)
        let values = (0..<5000).map { "value \($0) " + String(repeating: "é", count: $0 % 97) }
        for v in values { store.append(v) }
        #expect(store.hasSpilled == (memoryLimit < 1 << 30))
        let sequence = store.values()
        #expect(sequence.count == values.count)
        #expect(Array(sequence) == values)
        #expect(Array(sequence) == values, "a second reading gives the same values")
        #expect(!sequence.isDamaged)
    }

    /// Values larger than the reader's chunk, and a mix of spilled and in-memory values.
    @Test func largeValuesStraddleChunks() {
        let store = SpillStore<[String]>(memoryLimit: 10)
        let big = [String(repeating: "a", count: 3 << 20), "b"]
        store.append(["small"])
        store.append(big)
        store.append([])
        #expect(Array(store.values()) == [["small"], big, []])
    }

    @Test func emptyStore() {
        let store = SpillStore<Int>(memoryLimit: 0)
        #expect(Array(store.values()).isEmpty)
        #expect(!store.hasSpilled)
    }
}

/// A scan forced to spill everything gives the same records and findings as one that holds all in memory.
struct SpillingScanTests {
    static func scan(_ paths: [String], profile: SiteProfile?, spillThreshold: Int) -> (records: [[UInt8]], summary: ScanSummary) {
        var options = ScanOptions(jobs: 2)
        options.spillThreshold = spillThreshold
        options.batchMessages = 7
        var records: [[UInt8]] = []
        let summary = Scan(paths: paths, options: options).run(stage: ClassifierStage(profile: profile)) { record in
            records.append(SpillCodingTests.bytes(record))
        }
        return (records, summary)
    }

    static func expectSame(_ paths: [String], profile: SiteProfile?) {
        let kept = scan(paths, profile: profile, spillThreshold: 1 << 30)
        let spilled = scan(paths, profile: profile, spillThreshold: 0)
        #expect(!kept.records.isEmpty)
        #expect(kept.records == spilled.records)
        #expect(kept.summary.floods == spilled.summary.floods)
        #expect(kept.summary.campaigns == spilled.summary.campaigns)
        #expect(kept.summary.reflectors == spilled.summary.reflectors)
        #expect(kept.summary.inferredProfile == spilled.summary.inferredProfile)
        #expect(kept.summary.errors == spilled.summary.errors)
        #expect(kept.summary.verdicts == spilled.summary.verdicts)
    }

    @Test func exampleInboxWithAndWithoutProfile() throws {
        let profile = try SiteProfile.load(path: Corpus.fixture("example/profile.toml"))
        Self.expectSame([Corpus.fixture("example/inbox.mbox")], profile: profile)
        Self.expectSame([Corpus.fixture("example/inbox.mbox")], profile: nil)
    }

    /// Past 256 held records a scan with more than one job judges them on a worker thread while it
    /// delivers (`Scan.reviseAlongside`): the same records as one by one, and a delivery that fails
    /// part-way stops the scan with its error after exactly the records delivered.
    @Test func revisionAlongsideDeliveryMatchesAndStops() throws {
        let inbox = try Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("example/inbox.mbox")))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("revision-\(getpid()).mbox").path
        try Data(repeating: 0, count: 0).write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        for _ in 0..<60 { handle.write(inbox) }
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: path) }
        func scan(jobs: Int) -> [[UInt8]] {
            var records: [[UInt8]] = []
            _ = Scan(paths: [path], options: ScanOptions(jobs: jobs)).run(stage: ClassifierStage(profile: nil)) { record in
                records.append(SpillCodingTests.bytes(record))
            }
            return records
        }
        let alone = scan(jobs: 1)
        #expect(alone.count >= 512)
        #expect(scan(jobs: 2) == alone)
        var delivered = 0
        #expect(throws: (any Error).self) {
            _ = try Scan(paths: [path], options: ScanOptions(jobs: 2)).run(stage: ClassifierStage(profile: nil)) { _ in
                if delivered == 300 { throw CancellationError() }
                delivered += 1
            }
        }
        #expect(delivered == 300)
    }

    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()))
    func backscatterDevWithAndWithoutProfile() throws {
        let profile = try SiteProfile.load(path: Corpus.path("backscatter-dev/profile.toml"))
        Self.expectSame([Corpus.path("backscatter-dev/corpus.mbox")], profile: profile)
        Self.expectSame([Corpus.path("backscatter-dev/corpus.mbox")], profile: nil)
    }
}

/// The audit stage (context, then each message judged as its record is written, items spilled) gives
/// the same verdicts, evidence and totals as `QueueAudit.audit` over the array of items.
struct AuditStageTests {
    static func expectSame(_ path: String, profile: SiteProfile?) throws {
        var options = ScanOptions(jobs: 2)
        options.spillThreshold = 0
        options.batchMessages = 7
        var verdicts: [(AuditVerdict?, [Evidence])] = []
        let summary = Scan(paths: [path], options: options).run(stage: AuditStage(profile: profile)) { record in
            verdicts.append((record.audit, record.evidence))
        }
        let whole = try QueueAudit(profile: profile ?? SiteProfile()).audit(paths: [path])
        #expect(verdicts.count == whole.records.count)
        for (streamed, record) in zip(verdicts, whole.records) {
            #expect(streamed.0 == record.verdict)
            #expect(streamed.1 == record.evidence)
        }
        #expect(summary.audit?.totals == whole.totals)
        #expect(summary.audit?.remedies == whole.remedies)
        #expect(summary.audit?.topForgedSenders.map(\.address) == whole.topForgedSenders.map(\.address))
        #expect(summary.audit?.topNonexistentRecipients.map(\.address) == whole.topNonexistentRecipients.map(\.address))
        #expect(summary.audit?.records.isEmpty == true)
    }

    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()))
    func outboundWithAndWithoutProfile() throws {
        let profile = try SiteProfile.load(path: Corpus.path("backscatter-dev/profile.toml"))
        try Self.expectSame(Corpus.path("backscatter-dev/outbound.mbox"), profile: profile)
        try Self.expectSame(Corpus.path("backscatter-dev/outbound.mbox"), profile: nil)
    }

    @Test func auditFixtures() throws {
        try Self.expectSame(Corpus.fixture("example/inbox.mbox"), profile: nil)
    }
}

/// The spill file's folder may have a name that is not UTF-8 (`$TMPDIR` is read as `NativePath` reads
/// names): the file is made in it, not in a folder named with U+FFFD.
struct SpillFileFolderTests {
    @Test func spillFileIsMadeInAFolderWhoseNameIsNotUTF8() throws {
        let base = FileManager.default.temporaryDirectory.path + "/spill-folder-\(UUID().uuidString)"
        let bytes = Array(base.utf8) + [0xE9]
        let created = (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { mkdir($0.baseAddress!, 0o700) }
        try #require(created == 0)
        defer { _ = (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { rmdir($0.baseAddress!) } }
        let folder = NativePath.string(fromNativeBytes: bytes)
        #expect(SpillFile.make(in: folder) != nil)
        #expect(SpillFile.make(in: base + "-missing") == nil)
    }

    /// Without a folder given, the spill file goes to `$TMPDIR`, read as its bytes (a name that is not
    /// UTF-8 too), and a `$TMPDIR` that does not exist makes none (it does not fall back to /tmp). In a
    /// process of its own: the other tests run beside this one and read `$TMPDIR` for their files.
    @Test func spillFileGoesWhereTMPDIRSays() async {
        await #expect(processExitsWith: .success) {
            let base = "/tmp/spill-tmpdir-\(getpid())"
            let bytes = Array(base.utf8) + [0xE9]
            let name = bytes.map { CChar(bitPattern: $0) } + [0]
            guard name.withUnsafeBufferPointer({ mkdir($0.baseAddress!, 0o700) }) == 0 else { exit(2) }
            defer { _ = name.withUnsafeBufferPointer { rmdir($0.baseAddress!) } }
            _ = name.withUnsafeBufferPointer { setenv("TMPDIR", $0.baseAddress!, 1) }
            guard SpillFile.make() != nil else { exit(3) }
            setenv("TMPDIR", base + "-missing", 1)
            guard SpillFile.make() == nil else { exit(4) }
        }
    }
}
