import Backscatter
import MailParsing

/// `--format text`: a short header, then the summary, each part an aligned table within 100 columns.
struct TextReport {
    var summary: ScanSummary
    /// The first flagged (backscatter or uncertain) messages, at most `listed`.
    var rows: [MessageRow]
    /// How many flagged messages there were in all.
    var rowCount: Int
    var context: ReportContext
    var style: Style
    /// Messages listed at the end.
    static let listed = 20

    func render() -> String {
        var out = header()
        out += section("Inferred site (no profile given; write one with `backscatter profile infer`)", inferred())
        out += section("Verdicts", verdicts())
        out += section("Kinds", kinds())
        out += section("Top victims (bounce-like messages per recipient address)", victims())
        out += section("Floods", floods())
        out += section("Campaigns", campaigns())
        out += section("Replays (messages of yours someone else sent on)", replays())
        out += section("Reflectors (servers that sent the notices)", reflectors())
        out += section("Reasons (failed recipients)", reasons())
        out += section("Timeline (bounce-like messages, UTC)", timeline())
        out += section("What to do", remedies())
        out += section("Flagged messages", flagged())
        return out
    }

    private func header() -> String {
        var out = style.bold("backscatter scan") + "  " + context.paths.map { NativePath.displayed($0) }.joined(separator: " ") + "\n"
        var line = "  " + Numbers.grouped(summary.messages) + " messages, " + ProgressLine.bytes(summary.bytes)
        let bounceLike = summary.messages - summary.verdicts[.notBounce, default: 0]
        line += ", " + Numbers.grouped(bounceLike) + " bounce-like"
        out += line + "\n"
        var notes: [String] = []
        notes.append("profile: " + (context.profile ?? "none (zero-config)"))
        if let since = context.since { notes.append("since " + since) }
        if let until = context.until { notes.append("until " + until) }
        if let only = context.only { notes.append("only " + only) }
        out += "  " + notes.joined(separator: ", ") + "\n"
        if !context.classifierAvailable {
            out += "  " + style.yellow("note: not classified (--no-classify): bounce-like messages are reported as uncertain") + "\n"
        }
        if !summary.errors.isEmpty {
            out += "  " + style.red("\(summary.errors.count) input(s) could not be read (see standard error)") + "\n"
        }
        return out
    }

    private func inferred() -> String {
        summary.inferredProfile.map { ExplainReport.wrap(TextTable.clean($0), first: "  - ", rest: "    ", width: 100) }
            .joined()
    }

    /// `ScanSummary.remedies`, numbered, as `audit` writes its own.
    private func remedies() -> String {
        summary.remedies.enumerated().map { i, remedy in
            ExplainReport.wrap(TextTable.clean(remedy), first: "  \(i + 1). ", rest: "     ", width: 100)
        }.joined()
    }

    private func section(_ title: String, _ body: String) -> String {
        guard !body.isEmpty else { return "" }
        return "\n" + style.bold(title) + "\n" + body
    }

    private func verdictLabel(_ verdict: ScanRecord.Verdict) -> String {
        switch verdict {
        case .backscatter: style.red(verdict.rawValue)
        case .legitimate: style.green(verdict.rawValue)
        case .uncertain: style.yellow(verdict.rawValue)
        case .notBounce: verdict.rawValue
        }
    }

    private func verdicts() -> String {
        var table = TextTable([.init("verdict"), .init("messages", .right), .init("share", .right)])
        for verdict in ScanRecord.Verdict.allCases {
            let count = summary.verdicts[verdict, default: 0]
            table.add([verdict.rawValue, Numbers.grouped(count), Numbers.percent(count, of: summary.messages)])
        }
        var text = table.render(style: style)
        // Colour the verdict names after layout, so escapes do not disturb the widths.
        for verdict in [ScanRecord.Verdict.backscatter, .legitimate, .uncertain] where style.enabled {
            text = text.replacingFirst("  " + verdict.rawValue + " ", with: "  " + verdictLabel(verdict) + " ")
        }
        return text
    }

    private func kinds() -> String {
        var table = TextTable([.init("kind"), .init("messages", .right), .init("share", .right)])
        for kind in ScanRecord.Kind.allCases {
            let count = summary.kinds[kind, default: 0]
            guard count > 0 else { continue }
            table.add([kind.rawValue, Numbers.grouped(count), Numbers.percent(count, of: summary.messages)])
        }
        return table.render(style: style)
    }

    private func victims() -> String {
        var table = TextTable([.init("address", flexible: true), .init("total", .right),
                               .init("backscatter", .right), .init("legitimate", .right), .init("uncertain", .right)])
        for victim in summary.topVictims(10) {
            let counts = victim.counts
            table.add([victim.address, Numbers.grouped(counts.total), Numbers.grouped(counts.backscatter),
                       Numbers.grouped(counts.legitimate), Numbers.grouped(counts.uncertain)])
        }
        return table.render(style: style)
    }

    private func floods() -> String {
        var table = TextTable([.init("victim"), .init("from"), .init("to"), .init("bounces", .right),
                               .init("rule", flexible: true)])
        for flood in summary.floods.prefix(10) {
            table.add([Self.cut(flood.victim, 30), Dates.short(flood.start), Dates.short(flood.end), Numbers.grouped(flood.messages),
                       flood.rule])
        }
        return table.render(style: style)
    }

    private func campaigns() -> String {
        var table = TextTable([.init("campaign"), .init("size", .right), .init("first"), .init("last"),
                               .init("victims", .right), .init("reflectors", .right), .init("subject", flexible: true)])
        for campaign in summary.campaigns.prefix(10) {
            table.add([campaign.id, Numbers.grouped(campaign.messages), campaign.first.map(Dates.short) ?? "",
                       campaign.last.map(Dates.short) ?? "", Numbers.grouped(campaign.victims),
                       Numbers.grouped(campaign.reflectors), campaign.subject ?? ""])
        }
        return table.render(style: style)
    }

    private func replays() -> String {
        var table = TextTable([.init("message-id", flexible: true), .init("notices", .right),
                               .init("recipients", .right), .init("sent to", .right)])
        for replay in summary.replays.prefix(10) {
            table.add([replay.messageID, Numbers.grouped(replay.notices), replay.recipients.map(Numbers.grouped) ?? "-",
                       replay.sentTo.map(Numbers.grouped) ?? "-"])
        }
        return table.render(style: style)
    }

    private func reflectors() -> String {
        var table = TextTable([.init("host", flexible: true), .init("address"), .init("messages", .right)])
        for reflector in summary.reportedReflectors.prefix(10) {
            table.add([reflector.host, reflector.address ?? "", Numbers.grouped(reflector.messages)])
        }
        return table.render(style: style)
    }

    private func reasons() -> String {
        let sorted = summary.sortedReasons
        guard let top = sorted.first?.count else { return "" }
        var table = TextTable([.init("reason"), .init("recipients", .right), .init("", flexible: true)])
        for entry in sorted.prefix(12) {
            let bar = String(repeating: "█", count: max(1, entry.count * 40 / max(1, top)))
            table.add([entry.reason, Numbers.grouped(entry.count), bar])
        }
        return table.render(style: style)
    }

    private func timeline() -> String {
        let timeline = Timeline(summary.hourly, maxBuckets: 80)
        guard !timeline.isEmpty else { return "" }
        let top = timeline.buckets.map { max($0.backscatter, $0.legitimate, $0.uncertain) }.max() ?? 0
        var out = "  " + Dates.short(timeline.startTimestamp) + " .. " + Dates.short(timeline.endTimestamp)
        out += ", one column per \(timeline.hoursPerBucket == 1 ? "hour" : "\(timeline.hoursPerBucket) hours")"
        out += ", tallest = \(top)\n"
        let lines: [(ScanRecord.Verdict, [Int])] = [
            (.backscatter, timeline.buckets.map(\.backscatter)),
            (.legitimate, timeline.buckets.map(\.legitimate)),
            (.uncertain, timeline.buckets.map(\.uncertain)),
        ]
        for (verdict, values) in lines where values.contains(where: { $0 > 0 }) {
            let name = verdict.rawValue + String(repeating: " ", count: 12 - verdict.rawValue.count)
            let spark = Timeline.sparkline(values, max: top)
            let painted: String
            switch verdict {
            case .backscatter: painted = style.red(spark)
            case .legitimate: painted = style.green(spark)
            default: painted = style.yellow(spark)
            }
            out += "  " + name + "│" + painted + "│\n"
        }
        if timeline.outside > 0 { out += "  (\(timeline.outside) with far-off dates not shown)\n" }
        if summary.undated > 0 { out += "  (\(summary.undated) without a usable Date not shown)\n" }
        return out
    }

    private func flagged() -> String {
        let shown = rows.filter { $0.verdict == .backscatter || $0.verdict == .uncertain }
        guard !shown.isEmpty else { return "" }
        var table = TextTable([.init("#", .right), .init("date"), .init("verdict"), .init("score", .right),
                               .init("kind"), .init("to"), .init("subject", flexible: true)])
        for row in shown.prefix(Self.listed) {
            table.add([String(row.sequence), row.timestamp.map(Dates.short) ?? "", row.verdict.rawValue,
                       row.score.map { Decimals.fixed($0, places: 2) } ?? "", row.kind, Self.cut(row.to, 28), row.subject])
        }
        var out = table.render(style: style)
        let listedCount = min(shown.count, Self.listed)
        if rowCount > listedCount {
            out += "  … and \(rowCount - listedCount) more (--format jsonl or html lists them all)\n"
        }
        let path = context.paths.count == 1 ? context.paths[0] : "PATH"
        out += "  " + style.dim("backscatter explain \(path)#N tells why for message N") + "\n"
        return out
    }
}

extension TextReport {
    /// `text` cut to `width` characters with `…`.
    static func cut(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
