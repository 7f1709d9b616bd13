import DeliveryStatus
import Foundation
import MailParsing

/// `backscatter-harness sisimai [CORPUS_DIR] [--list] [--engine NAME]`: compares the analyzer with
/// Sisimai 5's expectations (`expected.tsv`, 651 recipient rows over 611 files) and prints agreement.
enum SisimaiCommand: HarnessCommand {
    static let name = "sisimai"
    static let summary = "agreement with Sisimai 5's expected.tsv over ../shared/corpus/sisimai"

    struct Row {
        var file: String, index: Int, status: String, replyCode: String, reason: String, hard: String
        var feedbackType: String, engine: String
    }

    static func run(_ arguments: [String]) -> Int32 {
        var corpus = "../shared/corpus/sisimai"
        var listAll = false
        var engineFilter: String? = nil
        var it = arguments.makeIterator()
        while let a = it.next() {
            switch a {
            case "--list": listAll = true
            case "--engine": engineFilter = it.next()
            case "--explain":
                guard let path = it.next(), let data = FileManager.default.contents(atPath: path) else { return 1 }
                let message = ParsedMessage(parsing: ArraySlice([UInt8](data)))
                for line in BounceAnalyzer().explain(message) { print(line) }
                let r = BounceAnalyzer().analyze(message)
                print("kind=\(r.kind.rawValue) format=\(r.format ?? "-") original=\(r.original.presence.rawValue)")
                for x in r.recipients {
                    print("  \(x.recipient) \(x.action?.rawValue ?? "-") \(x.status?.description ?? "-") \(x.replyCode?.description ?? "-") \(x.reason.rawValue) hard=\(x.hard) cmd=\(x.command?.rawValue ?? "-") | \(x.diagnostic)")
                }
                return 0
            default: corpus = a
            }
        }
        guard let tsv = try? String(contentsOfFile: corpus + "/expected.tsv", encoding: .utf8) else {
            print("cannot read \(corpus)/expected.tsv")
            return 1
        }
        var rows: [Row] = []
        for line in tsv.split(whereSeparator: \.isNewline).dropFirst() {   // ("\r\n" is one Character)
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 8, let idx = Int(c[1]) else { continue }
            rows.append(Row(file: c[0], index: idx, status: c[2], replyCode: c[3], reason: c[4], hard: c[5], feedbackType: c[6], engine: c[7]))
        }
        let analyzer = BounceAnalyzer()
        var cache: [String: BounceReport] = [:]
        func report(_ dir: String, _ file: String) -> BounceReport? {
            let key = dir + "/" + file
            if let r = cache[key] { return r }
            guard let data = FileManager.default.contents(atPath: corpus + "/maildir/" + key) else { return nil }
            let r = analyzer.analyze(ParsedMessage(parsing: ArraySlice([UInt8](data))))
            cache[key] = r
            return r
        }

        var produced = 0, allEqual = 0, statusEq = 0, replyEq = 0, reasonEq = 0, hardEq = 0
        var perEngine: [String: (rows: Int, produced: Int, all: Int)] = [:]
        var disagreements: [String] = []
        var reasonConfusion: [String: Int] = [:]
        let start = Date()
        for row in rows {
            if let f = engineFilter, f.lowercased() != row.engine.lowercased() { continue }
            var e = perEngine[row.engine] ?? (0, 0, 0)
            e.rows += 1
            defer { perEngine[row.engine] = e }
            guard let r = report("bsd", row.file) else { disagreements.append("\(row.file)#\(row.index)\tmissing file"); continue }
            guard row.index >= 1, row.index <= r.recipients.count else {
                disagreements.append("\(row.file)#\(row.index)\t[\(row.engine)] no record (kind \(r.kind.rawValue), \(r.recipients.count) recipients, format \(r.format ?? "-"))")
                continue
            }
            produced += 1; e.produced += 1
            let got = r.recipients[row.index - 1]
            let s = got.status?.description ?? "", rc = got.replyCode?.description ?? "", rs = got.reason.rawValue, h = got.hard ? "1" : "0"
            let okS = s == row.status, okR = rc == row.replyCode, okReason = rs == row.reason, okH = h == row.hard
            if okS { statusEq += 1 }
            if okR { replyEq += 1 }
            if okReason { reasonEq += 1 } else { reasonConfusion["\(row.reason) -> \(rs)", default: 0] += 1 }
            if okH { hardEq += 1 }
            if okS && okR && okReason && okH { allEqual += 1; e.all += 1 } else {
                var d: [String] = []
                if !okS { d.append("status \(row.status.isEmpty ? "-" : row.status)/\(s.isEmpty ? "-" : s)") }
                if !okR { d.append("reply \(row.replyCode.isEmpty ? "-" : row.replyCode)/\(rc.isEmpty ? "-" : rc)") }
                if !okReason { d.append("reason \(row.reason)/\(rs)") }
                if !okH { d.append("hard \(row.hard)/\(h)") }
                disagreements.append("\(row.file)#\(row.index)\t[\(row.engine)/\(r.format ?? "-")] " + d.joined(separator: ", ") + "\t" + String(got.diagnostic.prefix(140)))
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        let total = perEngine.values.reduce(0) { $0 + $1.rows }
        func pct(_ n: Int, _ d: Int) -> String { d == 0 ? "-" : String(format: "%.1f%%", 100.0 * Double(n) / Double(d)) }

        print("Sisimai 5 expectations: \(total) rows over \(Set(rows.filter { engineFilter == nil || $0.engine.lowercased() == engineFilter!.lowercased() }.map(\.file)).count) files (\(corpus))")
        print("  recipient record produced   \(pct(produced, total))  (\(produced)/\(total))   target >= 98%")
        print("  status+reply+reason+hard    \(pct(allEqual, total))  (\(allEqual)/\(total))   target >= 92%")
        print("  status equal                \(pct(statusEq, total))  (\(statusEq))   target >= 95%")
        print("  reply code equal            \(pct(replyEq, total))  (\(replyEq))")
        print("  reason equal                \(pct(reasonEq, total))  (\(reasonEq))")
        print("  hard/soft equal             \(pct(hardEq, total))  (\(hardEq))")

        // Negative and kind checks.
        let fm = FileManager.default
        let notFiles = ((try? fm.contentsOfDirectory(atPath: corpus + "/maildir/not")) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        var notOK = 0
        var notBad: [String] = []
        for f in notFiles {
            if let r = report("not", f), r.kind == .notBounce, r.recipients.isEmpty { notOK += 1 } else {
                notBad.append("not/\(f)\tkind \(report("not", f)?.kind.rawValue ?? "?") format \(report("not", f)?.format ?? "-")")
            }
        }
        let bsdFiles = ((try? fm.contentsOfDirectory(atPath: corpus + "/maildir/bsd")) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        var arfOK = 0, arfN = 0, autoOK = 0, autoN = 0
        var kindBad: [String] = []
        for f in bsdFiles where f.hasPrefix("arf-") || f.hasPrefix("rfc3834-") {
            let k = report("bsd", f)?.kind
            if f.hasPrefix("arf-") { arfN += 1; if k == .feedbackReport { arfOK += 1 } else { kindBad.append("bsd/\(f)\tkind \(k?.rawValue ?? "?")") } }
            else { autoN += 1; if k == .autoReply { autoOK += 1 } else { kindBad.append("bsd/\(f)\tkind \(k?.rawValue ?? "?")") } }
        }
        print("  maildir/not: not-bounce      \(notOK)/\(notFiles.count)"
              + (notBad.contains { $0.contains("rb-issue-368-bug.eml") } ? "   (rb-issue-368-bug.eml is a real mailbox-full bounce; see CorpusTableTests)" : ""))
        print("  arf-*: feedback-report       \(arfOK)/\(arfN)")
        print("  rfc3834-*: auto-reply        \(autoOK)/\(autoN)")

        // Line-end invariance.
        var same = 0, compared = 0
        var lineEndBad: [String] = []
        for dir in ["dos", "mac"] {
            let files = ((try? fm.contentsOfDirectory(atPath: corpus + "/maildir/" + dir)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
            for f in files {
                guard let a = report("bsd", f), let b = report(dir, f) else { continue }
                compared += 1
                if signature(a) == signature(b) { same += 1 } else { lineEndBad.append("\(dir)/\(f)\tdiffers from bsd") }
            }
        }
        print("  bsd = dos = mac records      \(same)/\(compared)")
        print(String(format: "  time: %.2f s for %d messages", elapsed, cache.count))

        print("\nPer engine (rows, produced, all-equal):")
        for (name, e) in perEngine.sorted(by: { $0.value.rows > $1.value.rows }) {
            print("  \(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(e.rows)\t\(e.produced)\t\(e.all)\t\(pct(e.all, e.rows))")
        }
        print("\nReason confusions (expected -> got):")
        for (k, v) in reasonConfusion.sorted(by: { $0.value > $1.value }).prefix(listAll ? 1000 : 25) { print("  \(v)\t\(k)") }
        print("\nDisagreements (\(disagreements.count)):")
        for d in disagreements { print("  " + d) }
        for d in notBad + kindBad + lineEndBad { print("  " + d) }
        return 0
    }

    static func signature(_ r: BounceReport) -> String {
        ([r.kind.rawValue, r.format ?? ""] + r.recipients.map {
            [$0.recipient, $0.status?.description ?? "", $0.replyCode?.description ?? "", $0.reason.rawValue, $0.hard ? "1" : "0", $0.diagnostic].joined(separator: "|")
        }).joined(separator: "\n")
    }
}
