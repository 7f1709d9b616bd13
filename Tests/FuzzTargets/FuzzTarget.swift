#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Backscatter
import DeliveryStatus
import MailParsing
import TestSupport

/// The entry points of coverage-guided fuzzing (libFuzzer; `Tests/Fuzz/README.md`, "Coverage-guided"):
/// each takes one input's bytes, runs it through a part of the library, and returns the invariants it
/// broke. A crash, a hang or unbounded memory is libFuzzer's to catch; a broken invariant is a finding too
/// (`BackscatterFuzz`, the driver, aborts on one, so that libFuzzer keeps the input).
///
/// The same functions run in every `swift test` over the fixtures and the kept findings
/// (`Fixtures/fuzz`, `FuzzTargetTests`), so that they stay in step with the library they drive.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// One message as the README's one-message API takes it: parsed, analysed, observed, judged alone
    /// against an empty profile; then every lazily decoded value of the report and the tree read.
    case message
    /// An mbox fed to `MboxParser` whole and in the chunkings of `ChunkingVerifier`: the entries must
    /// tile the input (`MboxParser`, "What a message is") and come out the same however the bytes arrive.
    case mbox
    /// Files on disk through the whole `Scan` pipeline with the zero-config classifier, or the queue
    /// audit (`backscatter audit`): a mailbox file (any format the reader detects), or a queue entry's
    /// files, as the input's first byte picks (`ScanLayout`). Every message read must come out as one
    /// record, in order.
    case scan
    /// A message with LF line ends against the same bytes with CRLF and with CR-only line ends: the
    /// report must not change (the README, "Limits": line ends do not change what is read).
    case lineEnds = "line-ends"
    /// A site profile (TOML) and a message after the `ScanLayout.separator` line: the profile parsed
    /// (`SiteProfile.parse`), and when it is one, the message judged against it as a scan would, alone
    /// and in the stream pass. Profiles that name files (`users_file`, `sent_log`) are passed over, so
    /// that the fuzzer does not read the machine's files.
    case profile
    /// The `scan` target's files (the selector's high bit aside: `split` classifies) split into one mbox
    /// per verdict (`MailboxSplit`, as `backscatter split` does it): every record written once, under its
    /// verdict; each mbox read back holds as many messages as were written to it, and (where no entry's
    /// line ends were converted) each message's text as it was read.
    case split

    /// Runs the target on `input`; the invariants broken, in words, or none.
    public func run(_ input: [UInt8]) -> [String] {
        switch self {
        case .message: return Self.message(input)
        case .mbox: return Self.mbox(input)
        case .scan: return Self.scan(input)
        case .lineEnds: return Self.lineEnds(input)
        case .profile: return Self.profile(input)
        case .split: return Self.split(input)
        }
    }

    // MARK: - message

    static func message(_ input: [UInt8]) -> [String] {
        let message = ParsedMessage(parsing: input[...])
        let report = BounceAnalyzer().analyze(message)
        let observation = ObservationReader().observe(message, report: report)
        let judgement = Classifier(profile: SiteProfile()).judge(observation)
        var broken: [String] = []
        if observation == nil, judgement.verdict != .notBounce {
            broken.append("a message that is not bounce-like was judged \(judgement.verdict.rawValue)")
        }
        if let score = judgement.score, !(0...1).contains(score) {
            broken.append("score \(score) outside 0...1")
        }
        if judgement.verdict != .notBounce, judgement.evidence.isEmpty {
            broken.append("a \(judgement.verdict.rawValue) verdict without evidence")
        }
        if report.kind == .notBounce, !report.recipients.isEmpty {
            broken.append("a not-bounce report with \(report.recipients.count) recipients")
        }
        // The README's limits ("Limits"): what a report keeps is bounded whatever the input.
        if report.recipients.count > BounceAnalyzer.maxRecipients {
            broken.append("\(report.recipients.count) recipients, past maxRecipients")
        }
        for recipient in report.recipients {
            if recipient.diagnostic.utf8.count > BounceAnalyzer.maxDiagnosticBytes {
                broken.append("a diagnostic of \(recipient.diagnostic.utf8.count) bytes, past maxDiagnosticBytes")
            }
            if let mta = recipient.remoteMTA, mta.utf8.count > BounceAnalyzer.maxRemoteMTABytes {
                broken.append("a remote MTA of \(mta.utf8.count) bytes, past maxRemoteMTABytes")
            }
        }
        // The values decoded on demand: every part's text, the original's fields, each field's value.
        for part in message.allParts() {
            _ = part.decodedText()
            for field in part.headers.fields { _ = field.valueString }
        }
        let original = report.original
        _ = (original.messageID, original.from, original.to, original.subject, original.date)
        _ = message.defects
        if BounceAnalyzer().analyze([message]).first?.kind != report.kind {
            broken.append("the run of one message gave another kind than the message alone")
        }
        return broken
    }

    // MARK: - mbox

    static func mbox(_ input: [UInt8]) -> [String] {
        // The project's chunkings (`ChunkingVerifier`: whole, fixed sizes, seeded random splits; byte by
        // byte only up to 4 KiB, so that a long input does not slow every run).
        let report = ChunkingVerifier.verify(input, randomRuns: 2, byteByByteLimit: 4096) { MboxFeed.entries(of: $0) }
        return MboxFeed.brokenInvariants(whole: report.whole, mismatchedFeeds: report.mismatches, inputBytes: input.count)
    }

    // MARK: - scan

    /// The records and summary of `scan`'s run on `input`: the files `ScanLayout` writes, scanned.
    public static func scanOutcome(_ input: [UInt8]) -> (records: [ScanRecord], summary: ScanSummary)? {
        guard let folder = ScanLayout.scratchFolder else { return nil }
        let layout = ScanLayout(selector: input.first ?? 0)
        let paths = layout.write(Array(input.dropFirst()), under: folder)
        var records: [ScanRecord] = []
        let scan = Scan(paths: paths, options: ScanOptions(jobs: 1))
        let summary = if layout.audits {
            scan.run(stage: AuditStage(profile: nil)) { records.append($0) }
        } else {
            scan.run(stage: ClassifierStage(profile: nil)) { records.append($0) }
        }
        return (records, summary)
    }

    static func scan(_ input: [UInt8]) -> [String] {
        guard let (records, summary) = scanOutcome(input) else { return [] }
        var broken: [String] = []
        let sequence = records.map(\.sequence)
        if sequence != Array(0..<records.count) { broken.append("records out of order: \(sequence.prefix(8))") }
        // Within each file, its messages in order from 0, the file's records together.
        var nextIndex: [String: Int] = [:]
        var previousSource: String?
        for record in records {
            if record.source != previousSource, nextIndex[record.source] != nil {
                broken.append("the records of \(record.source) are not together")
            }
            if record.index != nextIndex[record.source, default: 0] {
                broken.append("\(record.source): message \(record.index) where \(nextIndex[record.source, default: 0]) was next")
            }
            nextIndex[record.source] = record.index + 1
            previousSource = record.source
        }
        if ScanLayout(selector: input.first ?? 0).audits, summary.audit == nil { broken.append("an audit without its report") }
        if summary.messages != records.count {
            broken.append("\(summary.messages) messages read, \(records.count) records")
        }
        for error in summary.errors where error.path.isEmpty {
            broken.append("an error that names no file: \(error)")
        }
        return broken
    }

    // MARK: - split

    /// What the `split` target's run of one input did.
    public struct SplitOutcome: Sendable {
        /// The records the scan delivered.
        public var records = 0
        /// Messages written per verdict (`MailboxSplit.counts`).
        public var written: [ScanRecord.Verdict: Int] = [:]
        /// Messages in each mbox read back (`MailboxSplit.readBack`).
        public var readBack: [ScanRecord.Verdict: Int] = [:]
        /// The invariants broken, in words.
        public var broken: [String] = []
    }

    /// The `split` target's run on `input`: the files `ScanLayout` writes, scanned with the zero-config
    /// classifier, split beside them and read back; nil when there is no scratch folder.
    public static func splitOutcome(_ input: [UInt8]) -> SplitOutcome? {
        guard let folder = ScanLayout.scratchFolder else { return nil }
        let layout = ScanLayout(selector: input.first ?? 0)
        let paths = layout.write(Array(input.dropFirst()), under: folder)
        // Beside the inputs, never inside one (`MailboxSplit.init` refuses that); emptied with them.
        let into = folder + "/split"
        var outcome = SplitOutcome()
        // Each record's verdict, in order: what `differingTexts` sorts the messages by, and counted
        // against what the split wrote.
        var verdicts: [ScanRecord.Verdict] = []
        do throws(SplitError) {
            let split = try MailboxSplit(directory: into, inputs: paths, force: true)
            var failure: SplitError?
            let summary = Scan(paths: paths, options: ScanOptions(jobs: 1)).run(stage: ClassifierStage(profile: nil)) { record in
                verdicts.append(record.effectiveVerdict)
                guard failure == nil else { return }
                do throws(SplitError) { try split.add(record) } catch { failure = error }
            }
            if let failure { throw failure }
            outcome.records = verdicts.count
            if summary.messages != outcome.records {
                outcome.broken.append("\(summary.messages) messages read, \(outcome.records) records")
            }
            try split.commit()
            outcome.written = split.counts
            outcome.readBack = try split.readBack()
            for verdict in ScanRecord.Verdict.allCases {
                let records = verdicts.count { $0 == verdict }, count = outcome.written[verdict, default: 0]
                if count != records { outcome.broken.append("\(verdict.rawValue): \(records) records, \(count) written") }
                if outcome.readBack[verdict, default: 0] != count {
                    outcome.broken.append("\(MailboxSplit.fileName(verdict)): \(count) written, \(outcome.readBack[verdict, default: 0]) read back")
                }
            }
            // Each message's text as it was read, in its verdict's mbox (MailboxSplit: "every message's
            // bytes exactly as in its input"), but for the exceptions it names that change a text: the
            // line ends of an entry converted to its mbox's, and blank lines before a boundary a stray
            // Content-Length would end a body on; so only where nothing was converted, and the texts
            // compared without the line ends at their ends. (The third, a From_ line made anew, leaves
            // the text as it was.)
            if split.convertedEntries == 0, outcome.broken.isEmpty {
                outcome.broken += differingTexts(inputs: paths, verdicts: verdicts, into: into)
            }
        } catch {
            outcome.broken.append("the split stopped: \(error)")
        }
        return outcome
    }

    static func split(_ input: [UInt8]) -> [String] {
        splitOutcome(input)?.broken ?? []
    }

    /// Where the messages of `inputs` (the i-th message read under `verdicts[i]`) and those the four
    /// mboxes in `into` hold differ in their texts, the line ends at the ends aside.
    static func differingTexts(inputs: [String], verdicts: [ScanRecord.Verdict], into: String) -> [String] {
        func texts(_ paths: [String]) -> [[UInt8]] {
            var out: [[UInt8]] = []
            for path in paths {
                guard var reader = try? MailboxReader(path: path) else { continue }
                while true {
                    do {
                        guard let message = try reader.next() else { break }
                        var text = Array(message.bytes)
                        while let last = text.last, last == ASCII.lineFeed || last == ASCII.carriageReturn { text.removeLast() }
                        out.append(text)
                    } catch {
                        // An input error is no message (the scan reported it); an output's would show as a count.
                    }
                }
            }
            return out
        }
        let read = texts(inputs)
        guard read.count == verdicts.count else { return ["\(verdicts.count) records, \(read.count) messages read again"] }
        var broken: [String] = []
        for verdict in ScanRecord.Verdict.allCases {
            let expected = zip(read, verdicts).filter { $0.1 == verdict }.map(\.0)
            let found = texts([into + "/" + MailboxSplit.fileName(verdict)])
            if let place = zip(expected, found).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                broken.append("\(MailboxSplit.fileName(verdict)): message \(place) reads back otherwise than it was read")
            }
        }
        return broken
    }

    // MARK: - profile

    /// The `profile` target's profile and message, nil when the text before the separator is no
    /// profile or names a file (spelt out, or through an escape in a quoted key).
    public static func profileInputs(_ input: [UInt8]) -> (profile: SiteProfile, message: [UInt8])? {
        let pieces = ScanLayout.pieces(input)
        let text = String(decoding: pieces[0], as: UTF8.self)
        guard !text.contains("_file"), !text.contains("sent_log"), !text.contains("\\u"), !text.contains("\\U"),
              let profile = try? SiteProfile.parse(text) else { return nil }
        return (profile, Array(pieces.dropFirst().joined(separator: ScanLayout.separator)))
    }

    static func profile(_ input: [UInt8]) -> [String] {
        guard let (profile, bytes) = profileInputs(input) else { return [] }
        let message = ParsedMessage(parsing: bytes[...])
        let report = BounceAnalyzer().analyze(message)
        let observation = ObservationReader(dkimKeys: profile.dkim).observe(message, report: report)
        let judgement = Classifier(profile: profile).judge(observation)
        var broken: [String] = []
        if let score = judgement.score, !(0...1).contains(score) { broken.append("score \(score) outside 0...1") }
        if observation == nil, judgement.verdict != .notBounce {
            broken.append("a message that is not bounce-like was judged \(judgement.verdict.rawValue)")
        }
        // The stream pass over the message three times (a campaign, a flood), with the same profile.
        guard let folder = ScanLayout.scratchFolder else { return broken }
        let path = folder + "/profiled.mbox"
        var mbox: [UInt8] = []
        for _ in 0..<3 { mbox += Array("From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n".utf8) + bytes + [ASCII.lineFeed] }
        ScanLayout.removeContents(of: folder)
        ScanLayout.writeFile(path, mbox[...])
        var records = 0
        let summary = Scan(paths: [path], options: ScanOptions(jobs: 1)).run(stage: ClassifierStage(profile: profile)) { _ in
            records += 1
        }
        if records != summary.messages { broken.append("\(summary.messages) messages read, \(records) records") }
        return broken
    }

    // MARK: - line-ends

    static func lineEnds(_ input: [UInt8]) -> [String] {
        // Only an input without a CR of its own: its three forms are then the same text in other line
        // ends (a CR in it would be a line end in the CR-only form and not in the others). Nor one with
        // a quoted-printable CR before a line end (`=0D`, then LF): decoded, it makes a line end of
        // CR LF in the LF form and CR CR LF in the CRLF form, not the same lines (an Exchange report's
        // HTML, seen in this target's third run). Nor one naming a charset of 16- or 32-bit units (UTF-16,
        // UCS-2, UTF-32: `CharsetName`'s wide names): in such a part sent as binary, an LF byte is half a
        // character, and a CR put before it shifts every unit after (a `charset=utf-16le` part, this
        // target's fourth finding, read `Test message` and U+0A0D after it in CRLF).
        guard !input.contains(ASCII.carriageReturn), !Self.holdsEncodedCRBeforeALineEnd(input),
              !Self.namesAWideCharset(input) else { return [] }
        let lf = LineEndFacts(ParsedMessage(parsing: input[...]))
        var crlf: [UInt8] = []
        crlf.reserveCapacity(input.count + input.count / 16)
        for byte in input {
            if byte == ASCII.lineFeed { crlf.append(ASCII.carriageReturn) }
            crlf.append(byte)
        }
        let cr = input.map { $0 == ASCII.lineFeed ? ASCII.carriageReturn : $0 }
        var broken: [String] = []
        for (name, bytes) in [("CRLF", crlf), ("CR", cr)] {
            let other = LineEndFacts(ParsedMessage(parsing: bytes[...]))
            if other != lf { broken.append("\(name) reads otherwise than LF: \(lf.difference(from: other))") }
        }
        return broken
    }
}

extension FuzzTarget {
    /// Whether `input` has a `charset` parameter (any case, quoted or not) naming a charset of 16- or
    /// 32-bit units, as `CharsetName.resolve` reads the label (UTF-16 and UCS-2 by any of their names,
    /// UTF-32): `lineEnds` passes such input over.
    public static func namesAWideCharset(_ input: [UInt8]) -> Bool {
        let lower = input.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        let key = Array("charset".utf8)
        let blanksAndQuotes: [UInt8] = [UInt8(ascii: "*"), UInt8(ascii: "="), UInt8(ascii: "\""), UInt8(ascii: "'"), ASCII.space, ASCII.tab]
        var index = 0
        while let hit = lower[index...].firstRange(of: key) {
            var start = hit.upperBound
            while start < lower.count, start < hit.upperBound + 8, blanksAndQuotes.contains(lower[start]) { start += 1 }
            var end = start
            while end < lower.count, end < start + CharsetName.maxLabelBytes, lower[end] > 0x20,
                  ![UInt8(ascii: ";"), UInt8(ascii: "\""), UInt8(ascii: "'")].contains(lower[end]) {
                end += 1
            }
            switch CharsetName.resolve(String(decoding: lower[start..<end], as: UTF8.self)) {
            case .utf16: return true
            case .iconv(let name) where name.hasPrefix("UTF-32"): return true
            default: break
            }
            index = hit.upperBound
        }
        return false
    }

    /// Whether `input` holds `=0D` (any case) right before an LF: `lineEnds` passes such input over.
    public static func holdsEncodedCRBeforeALineEnd(_ input: [UInt8]) -> Bool {
        var index = 3
        while index < input.count {
            if input[index] == ASCII.lineFeed, input[index - 3] == UInt8(ascii: "="), input[index - 2] == UInt8(ascii: "0"),
               input[index - 1] | 0x20 == UInt8(ascii: "d") {
                return true
            }
            index += 1
        }
        return false
    }
}

/// What a message's report says, the line ends aside: what `FuzzTarget.lineEnds` compares.
struct LineEndFacts: Equatable {
    var kind: MessageKind
    var format: String?
    var recipients: [RecipientReport]
    var original: [String?]

    init(_ message: ParsedMessage) {
        let report = BounceAnalyzer().analyze(message)
        kind = report.kind
        format = report.format
        recipients = report.recipients
        let o = report.original
        original = ["\(o.presence)", o.messageID, o.from, o.to, o.subject, o.date]
    }

    /// The first fact that differs, in words.
    func difference(from other: LineEndFacts) -> String {
        if kind != other.kind { return "kind \(kind) / \(other.kind)" }
        if format != other.format { return "format \(format ?? "-") / \(other.format ?? "-")" }
        if recipients.count != other.recipients.count {
            return "\(recipients.count) / \(other.recipients.count) recipients"
        }
        for (a, b) in zip(recipients, other.recipients) where a != b { return "recipient \(a) / \(b)" }
        return "original \(original) / \(other.original)"
    }
}
