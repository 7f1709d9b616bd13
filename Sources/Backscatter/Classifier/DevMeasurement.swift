#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DeliveryStatus
import FoundationEssentials
import MailParsing

/// The issue-4 measurement over the labelled backscatter-dev inbox, shared by `backscatter-harness dev`
/// and the test that asserts its targets. Cold code: FoundationEssentials reads the JSON and files (the
/// library imports no more of Foundation: the full one, with ICU, doubled the static binary and slowed
/// every start, see `Benchmarks/HISTORY.md`).
package enum DevMeasurement {
    /// Figures and the printable report.
    package struct Result {
        package var report: String
        package var meetsTargets: Bool
        package var figures: [String: Double]
    }

    struct Label: Decodable {
        var label: String
        var hard: [String]
        var template: String

        enum CodingKeys: String, CodingKey { case label, hard, template }

        /// A field that is missing or of another type reads as empty, as the labels' readers expect.
        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            label = (try? fields.decodeIfPresent(String.self, forKey: .label)) ?? ""
            hard = (try? fields.decodeIfPresent([String].self, forKey: .hard)) ?? []
            template = (try? fields.decodeIfPresent(String.self, forKey: .template)) ?? ""
        }
    }

    /// Reads every message of an mbox into notes (and keeps nothing else).
    static func notes(path: String, reader: ObservationReader) throws -> [ClassifierNote] {
        var mailbox = try MailboxReader(path: path)
        let analyzer = BounceAnalyzer()
        var out: [ClassifierNote] = []
        while let entry = try mailbox.next() {
            let parsed = ParsedMessage(parsing: entry.bytes)
            out.append(ClassifierNote.read(parsed, report: analyzer.analyze(parsed), reader: reader))
        }
        return out
    }

    static func labels(_ path: String) throws -> [Label] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        // Lines at any line end (`Character.isNewline`: "\r\n" is one Character, so `split(separator: "\n")`
        // left a CRLF file one line).
        return text.split(whereSeparator: \.isNewline).compactMap { line in try? decoder.decode(Label.self, from: Data(line.utf8)) }
    }

    /// Times reading, parsing and bounce analysis of an mbox with and without the classifier's
    /// per-message note and stream pass: the classifier's overhead over `scan` without it.
    package static func speed(path: String, profile: SiteProfile?) throws -> String {
        let clock = ContinuousClock()
        let analyzer = BounceAnalyzer()
        // Whole messages are kept (the dev mbox is 20 MB) so that the classifier's share is timed on its
        // own, over the same parsed messages, rather than as the difference of two noisy full runs.
        var analysed: [(ParsedMessage, BounceReport)] = []
        let plain = try clock.measure {
            var mailbox = try MailboxReader(path: path)
            while let entry = try mailbox.next() {
                let parsed = ParsedMessage(parsing: entry.bytes)
                analysed.append((parsed, analyzer.analyze(parsed)))
            }
        }
        let reader = ObservationReader(dkimKeys: profile?.dkim ?? [], keepsInferenceFacts: profile == nil)
        var notes: [ClassifierNote] = []
        notes.reserveCapacity(analysed.count)
        let perMessage = clock.measure {
            for (parsed, report) in analysed { notes.append(ClassifierNote.read(parsed, report: report, reader: reader)) }
        }
        var judged = 0
        let stream = clock.measure {
            let pass = StreamClassifier(profile: profile, notes: notes)
            judged = pass.run(notes).judgements.count
        }
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let overhead = (seconds(perMessage) + seconds(stream)) / seconds(plain)
        return "\(analysed.count) messages: read+parse+analyze \(fixed(seconds(plain), 3)) s; classifier notes "
            + "\(fixed(seconds(perMessage), 3)) s + stream pass \(fixed(seconds(stream), 3)) s (\(judged) judged): "
            + "\(fixed(overhead * 100, 1))% on top"
    }

    package static func run(corpus dir: String, dump: String? = nil) throws -> Result {
        let profile = try SiteProfile.load(path: dir + "/profile.toml")
        let labels = try labels(dir + "/labels.jsonl")
        let withKeys = try notes(path: dir + "/corpus.mbox", reader: ObservationReader(dkimKeys: profile.dkim))
        let withoutKeys = try notes(path: dir + "/corpus.mbox", reader: ObservationReader())
        guard withKeys.count == labels.count else {
            return Result(report: "dev: \(withKeys.count) messages but \(labels.count) labels", meetsTargets: false, figures: [:])
        }
        var lines: [String] = []
        var figures: [String: Double] = [:]
        var ok = true
        func check(_ name: String, _ value: Double, _ op: String, _ target: Double) {
            let pass = op == ">=" ? value >= target : value <= target
            if !pass { ok = false }
            figures[name] = value
            lines.append("  \(padded(name, 44)) \(fixed(value, 4, width: 7))  (target \(op) \(fixed(target, 3))) \(pass ? "ok" : "MISSED")")
        }

        let withProfile = StreamClassifier(profile: profile, notes: withKeys).run(withKeys)
        let zero = StreamClassifier(profile: nil, notes: withoutKeys)
        let zeroResult = zero.run(withoutKeys)

        func confusion(_ judgements: [Judgement]) -> (precision: Double, recall: Double, legitAsSpam: Double, uncertain: Double, missed: Int, tp: Int, fp: Int, fn: Int) {
            var tp = 0, fp = 0, fn = 0, legit = 0, legitSpam = 0, bounceLike = 0, uncertain = 0, missed = 0
            for (l, j) in zip(labels, judgements) {
                let isBounce = l.label != "not-bounce"
                if isBounce { bounceLike += 1 }
                if j.verdict == .backscatter { if l.label == "backscatter" { tp += 1 } else { fp += 1 } }
                if l.label == "backscatter", j.verdict != .backscatter { fn += 1 }
                if l.label == "legitimate" { legit += 1; if j.verdict == .backscatter { legitSpam += 1 } }
                if isBounce, j.verdict == .uncertain { uncertain += 1 }
                if isBounce, j.verdict == .notBounce { missed += 1 }
            }
            return (tp + fp > 0 ? Double(tp) / Double(tp + fp) : 0, tp + fn > 0 ? Double(tp) / Double(tp + fn) : 0,
                    legit > 0 ? Double(legitSpam) / Double(legit) : 0, bounceLike > 0 ? Double(uncertain) / Double(bounceLike) : 0,
                    missed, tp, fp, fn)
        }
        let p = confusion(withProfile.judgements)
        lines.append("backscatter-dev (\(labels.count) messages), with profile.toml:")
        lines.append("  tp \(p.tp) fp \(p.fp) fn \(p.fn); bounce-like messages the analyzer did not recognise: \(p.missed)")
        check("backscatter precision", p.precision, ">=", 0.995)
        check("backscatter recall", p.recall, ">=", 0.99)
        check("legitimate judged backscatter", p.legitAsSpam, "<=", 0.005)
        check("uncertain share of bounce-like", p.uncertain, "<=", 0.02)
        var tagStats: [String: (n: Int, right: Int)] = [:]
        for (l, j) in zip(labels, withProfile.judgements) where l.label != "not-bounce" {
            for tag in l.hard {
                let key = "\(l.label)/\(tag)"
                let right = (l.label == "backscatter" && j.verdict == .backscatter) || (l.label == "legitimate" && j.verdict == .legitimate)
                tagStats[key, default: (0, 0)].n += 1
                if right { tagStats[key, default: (0, 0)].right += 1 }
            }
        }
        lines.append("  per adversarial tag (share judged as labelled):")
        for (tag, s) in tagStats.sorted(by: { $0.key < $1.key }) {
            lines.append("    \(padded(tag, 34)) \(padded(String(s.n), 4, right: true))  \(fixed(Double(s.right) / Double(max(1, s.n)), 3))")
        }
        var nonBounce = 0, nonBounceJudged = 0, bounceLikeJudged = 0, withEvidence = 0
        for (l, j) in zip(labels, withProfile.judgements) {
            if l.label == "not-bounce" { nonBounce += 1; if j.verdict != .notBounce { nonBounceJudged += 1 } }
            if j.verdict != .notBounce { bounceLikeJudged += 1; if !j.evidence.isEmpty { withEvidence += 1 } }
        }
        check("non-bounces judged bounce-like", Double(nonBounceJudged) / Double(max(1, nonBounce)), "<=", 0.005)
        check("bounce-like messages with evidence", Double(withEvidence) / Double(max(1, bounceLikeJudged)), ">=", 1.0)

        let z = confusion(zeroResult.judgements)
        lines.append("zero-config (no profile):")
        if let inferred = zero.inferred { lines.append(inferred.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")) }
        lines.append("  tp \(z.tp) fp \(z.fp) fn \(z.fn)")
        check("zero-config backscatter precision", z.precision, ">=", 0.98)
        check("zero-config backscatter recall", z.recall, ">=", 0.95)
        lines.append("stream (with profile): \(withProfile.findings.campaigns.count) campaigns, \(withProfile.findings.floods.count) floods, \(withProfile.findings.reflectors.count) reflectors, \(withProfile.findings.randomRecipients.count) made-up recipients")
        for c in withProfile.findings.campaigns.prefix(8) {
            lines.append("  \(c.id): \(c.messages) notices, \(c.victims) victims, \(c.reflectors) reflectors, by \(c.groupedBy), \(Int(c.backscatterShare * 100))% backscatter: \(c.subject ?? "")")
        }

        // The queue audit of our own MX's NDRs (outbound.mbox): `legitimate` there means legitimate-ndr.
        let outLabels = try Self.labels(dir + "/outbound-labels.jsonl")
        let audit = try QueueAudit(profile: profile).audit(paths: [dir + "/outbound.mbox"])
        var atp = 0, afp = 0, afn = 0
        for (l, r) in zip(outLabels, audit.records) {
            if r.verdict == .reflected { if l.label == "reflected" { atp += 1 } else { afp += 1 } }
            if l.label == "reflected", r.verdict != .reflected { afn += 1 }
        }
        lines.append("audit of outbound.mbox (\(audit.records.count) messages, \(outLabels.count) labels): tp \(atp) fp \(afp) fn \(afn)")
        check("audit reflected precision", atp + afp > 0 ? Double(atp) / Double(atp + afp) : 0, ">=", 0.98)
        check("audit reflected recall", atp + afn > 0 ? Double(atp) / Double(atp + afn) : 0, ">=", 0.95)
        let zeroAudit = try QueueAudit().audit(paths: [dir + "/outbound.mbox"])
        var ztp = 0, zfp = 0, zfn = 0
        for (l, r) in zip(outLabels, zeroAudit.records) {
            if r.verdict == .reflected { if l.label == "reflected" { ztp += 1 } else { zfp += 1 } }
            if l.label == "reflected", r.verdict != .reflected { zfn += 1 }
        }
        lines.append("  without a profile: tp \(ztp) fp \(zfp) fn \(zfn)")

        if let dump {
            var out = ""
            for (n, (l, j)) in zip(labels, withProfile.judgements).enumerated() where l.label != "not-bounce" || j.verdict != .notBounce {
                let zj = zeroResult.judgements[n]
                let signals = j.evidence.map { "\"\($0.signal)\":\($0.weight)" }.joined(separator: ",")
                let zsignals = zj.evidence.map { "\"\($0.signal)\":\($0.weight)" }.joined(separator: ",")
                out += "{\"index\":\(n),\"label\":\"\(l.label)\",\"template\":\"\(l.template)\",\"hard\":[\(l.hard.map { "\"\($0)\"" }.joined(separator: ","))],\"verdict\":\"\(j.verdict.rawValue)\",\"score\":\(j.score ?? -1),\"zverdict\":\"\(zj.verdict.rawValue)\",\"signals\":{\(signals)},\"zsignals\":{\(zsignals)}}\n"
            }
            try out.write(toFile: dump, atomically: true, encoding: .utf8)
        }
        return Result(report: lines.joined(separator: "\n"), meetsTargets: ok, figures: figures)
    }

    /// `value` with `decimals` digits after the point, right-aligned in `width` columns: printf's
    /// `%*.*f`, without Foundation's `String(format:)`.
    static func fixed(_ value: Double, _ decimals: Int, width: Int = 0) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let written = withVaList([Int32(width), Int32(decimals), value]) { arguments in
                vsnprintf(buffer.baseAddress!, buffer.count, "%*.*f", arguments)
            }
            let bytes = UnsafeRawBufferPointer(start: buffer.baseAddress!, count: max(0, min(Int(written), buffer.count - 1)))
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `text` padded with spaces to `width` characters, on the right (left-aligned) unless `right`.
    static func padded(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}
