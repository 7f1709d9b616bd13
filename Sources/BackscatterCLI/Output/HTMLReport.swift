import Backscatter
import MailParsing

/// `--format html`: one self-contained file (inline CSS, inline SVG charts, a few lines of inline script
/// for the search box; nothing fetched). Every value that came from a message is HTML-escaped, so
/// nothing in a message can run.
struct HTMLReport {
    var summary: ScanSummary
    /// The first bounce-like messages, at most `maxRows`.
    var rows: [MessageRow]
    /// How many bounce-like messages there were in all.
    var rowCount: Int
    var context: ReportContext
    /// The most messages the table lists, so that memory stays bounded and a browser can still open the file.
    static let maxRows = 50_000

    func render() -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
            <title>backscatter report</title>
            <style>\(Self.css)</style></head><body>
            <header><h1>backscatter report</h1>
            """
        out += "<p class=\"meta\">" + Self.escape(context.paths.map { NativePath.displayed($0) }.joined(separator: " ")) + " · "
        out += Numbers.grouped(summary.messages) + " messages · " + Self.escape(ProgressLine.bytes(summary.bytes))
        out += " · profile: " + Self.escape(context.profile ?? "none (zero-config)")
        if let since = context.since { out += " · since " + Self.escape(since) }
        if let until = context.until { out += " · until " + Self.escape(until) }
        if let only = context.only { out += " · only " + Self.escape(only) }
        out += "</p>"
        if !context.classifierAvailable {
            out += "<p class=\"note\">Not classified (--no-classify): bounce-like messages are reported as uncertain.</p>"
        }
        if !summary.errors.isEmpty {
            out += "<p class=\"error\">" + String(summary.errors.count) + " input(s) could not be read:</p><ul class=\"error\">"
            for error in summary.errors.prefix(50) { out += "<li>" + Self.escape(error.description) + "</li>" }
            out += "</ul>"
        }
        out += "</header><main>"
        out += cards()
        if !summary.inferredProfile.isEmpty {
            out += "<section><h2>Inferred site (no profile given)</h2><ul class=\"facts\">"
            for fact in summary.inferredProfile { out += "<li>" + Self.escape(fact) + "</li>" }
            out += "</ul></section>"
        }
        out += "<section><h2>Bounces per hour, by verdict (UTC)</h2>" + timelineChart() + "</section>"
        out += "<div class=\"grid\">"
        out += "<section><h2>Verdicts</h2>" + verdictTable() + "</section>"
        out += "<section><h2>Kinds</h2>" + kindTable() + "</section>"
        out += "<section><h2>Reasons</h2>" + barChart(summary.sortedReasons.prefix(12).map { ($0.reason, $0.count) }, color: "#8a6d3b") + "</section>"
        out += "<section><h2>Top victims</h2>" + victimTable() + "</section>"
        out += "<section><h2>Campaigns</h2>" + campaignSection() + "</section>"
        if !summary.replays.isEmpty { out += "<section><h2>Replays</h2>" + replayTable() + "</section>" }
        out += "<section><h2>Reflectors</h2>" + reflectorTable() + "</section>"
        out += "<section><h2>Floods</h2>" + floodTable() + "</section>"
        out += "</div>"
        let remedies = summary.remedies
        if !remedies.isEmpty {
            out += "<section><h2>What to do</h2><ol class=\"facts\">"
            for remedy in remedies { out += "<li>" + Self.escape(remedy) + "</li>" }
            out += "</ol></section>"
        }
        out += "<section><h2>Bounce-like messages</h2>" + messageTable() + "</section>"
        out += "</main><script>\(Self.script)</script></body></html>\n"
        return out
    }

    // MARK: - Parts

    private func cards() -> String {
        var out = "<div class=\"cards\">"
        for verdict in ScanRecord.Verdict.allCases {
            let count = summary.verdicts[verdict, default: 0]
            out += "<div class=\"card v-\(verdict.rawValue)\"><div class=\"n\">" + Numbers.grouped(count)
            out += "</div><div>" + verdict.rawValue + "</div></div>"
        }
        return out + "</div>"
    }

    private func verdictTable() -> String {
        var out = "<table><thead><tr><th>verdict</th><th class=\"r\">messages</th><th class=\"r\">share</th></tr></thead><tbody>"
        for verdict in ScanRecord.Verdict.allCases {
            let count = summary.verdicts[verdict, default: 0]
            out += "<tr><td><span class=\"tag v-\(verdict.rawValue)\">\(verdict.rawValue)</span></td><td class=\"r\">"
            out += Numbers.grouped(count) + "</td><td class=\"r\">" + Numbers.percent(count, of: summary.messages) + "</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func kindTable() -> String {
        var out = "<table><thead><tr><th>kind</th><th class=\"r\">messages</th></tr></thead><tbody>"
        for kind in ScanRecord.Kind.allCases {
            let count = summary.kinds[kind, default: 0]
            guard count > 0 else { continue }
            out += "<tr><td>" + kind.rawValue + "</td><td class=\"r\">" + Numbers.grouped(count) + "</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func victimTable() -> String {
        let victims = summary.topVictims(15)
        guard !victims.isEmpty else { return "<p class=\"empty\">none</p>" }
        var out = "<table><thead><tr><th>address</th><th class=\"r\">total</th><th class=\"r\">backscatter</th>"
        out += "<th class=\"r\">legitimate</th><th class=\"r\">uncertain</th></tr></thead><tbody>"
        for victim in victims {
            let counts = victim.counts
            out += "<tr><td>" + Self.escape(victim.address) + "</td><td class=\"r\">" + String(counts.total)
            out += "</td><td class=\"r\">" + String(counts.backscatter) + "</td><td class=\"r\">" + String(counts.legitimate)
            out += "</td><td class=\"r\">" + String(counts.uncertain) + "</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func campaignSection() -> String {
        guard !summary.campaigns.isEmpty else { return "<p class=\"empty\">none found</p>" }
        var out = barChart(summary.campaigns.prefix(12).map { ($0.id, $0.messages) }, color: "#b03a2e")
        out += "<table><thead><tr><th>campaign</th><th class=\"r\">size</th><th>span</th><th class=\"r\">victims</th>"
        out += "<th class=\"r\">reflectors</th><th>subject</th></tr></thead><tbody>"
        for campaign in summary.campaigns.prefix(50) {
            let span = (campaign.first.map(Dates.short) ?? "?") + " – " + (campaign.last.map(Dates.short) ?? "?")
            out += "<tr><td>" + Self.escape(campaign.id) + "</td><td class=\"r\">" + String(campaign.messages)
            out += "</td><td>" + Self.escape(span) + "</td><td class=\"r\">" + String(campaign.victims)
            out += "</td><td class=\"r\">" + String(campaign.reflectors) + "</td><td>"
            out += Self.escape(campaign.subject ?? "") + "</td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// Messages of ours someone else sent on (`ScanSummary.replays`); shown only when there are any.
    private func replayTable() -> String {
        var out = "<table><thead><tr><th>Message-ID</th><th class=\"r\">notices</th><th class=\"r\">recipients</th>"
        out += "<th class=\"r\">sent to</th></tr></thead><tbody>"
        for replay in summary.replays.prefix(50) {
            out += "<tr><td>" + Self.escape(replay.messageID) + "</td><td class=\"r\">" + String(replay.notices)
            out += "</td><td class=\"r\">" + (replay.recipients.map { String($0) } ?? "-") + "</td><td class=\"r\">" + (replay.sentTo.map { String($0) } ?? "-") + "</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func reflectorTable() -> String {
        let reflectors = summary.reportedReflectors.prefix(15)
        guard !reflectors.isEmpty else { return "<p class=\"empty\">none</p>" }
        var out = "<table><thead><tr><th>host</th><th>address</th><th class=\"r\">messages</th></tr></thead><tbody>"
        for reflector in reflectors {
            out += "<tr><td>" + Self.escape(reflector.host) + "</td><td>" + Self.escape(reflector.address ?? "")
            out += "</td><td class=\"r\">" + String(reflector.messages) + "</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func floodTable() -> String {
        guard !summary.floods.isEmpty else { return "<p class=\"empty\">none found</p>" }
        var out = "<table><thead><tr><th>victim</th><th>window</th><th class=\"r\">bounces</th><th>rule</th></tr></thead><tbody>"
        for flood in summary.floods.prefix(50) {
            out += "<tr><td>" + Self.escape(flood.victim) + "</td><td>" + Dates.short(flood.start) + " – "
            out += Dates.short(flood.end) + "</td><td class=\"r\">" + String(flood.messages) + "</td><td>"
            out += Self.escape(flood.rule) + "</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func messageTable() -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">no bounce-like messages</p>" }
        var out = "<input id=\"q\" type=\"search\" placeholder=\"Search messages (address, subject, verdict, reason…)\" autocomplete=\"off\">"
        out += "<p class=\"count\" id=\"shown\">" + String(rows.count) + " messages</p>"
        if rowCount > rows.count {
            out += "<p class=\"note\">The first " + String(rows.count) + " of " + String(rowCount)
                + " bounce-like messages are listed; --format jsonl lists them all.</p>"
        }
        out += "<table id=\"messages\"><thead><tr><th class=\"r\">#</th><th>date (UTC)</th><th>verdict</th>"
        out += "<th class=\"r\">score</th><th>kind</th><th>format</th><th>to</th><th>from</th><th>subject</th>"
        out += "<th>reasons</th><th>evidence</th><th>campaign</th></tr></thead><tbody>"
        for row in rows {
            out += "<tr><td class=\"r\" title=\"" + Self.escape(row.source) + " #" + String(row.index) + "\">"
            out += String(row.sequence) + "</td><td>" + (row.timestamp.map(Dates.short) ?? "") + "</td>"
            out += "<td><span class=\"tag v-\(row.verdict.rawValue)\">" + row.verdict.rawValue + "</span></td>"
            out += "<td class=\"r\">" + (row.score.map { Decimals.fixed($0, places: 2) } ?? "") + "</td>"
            out += "<td>" + Self.escape(row.kind) + "</td><td>" + Self.escape(row.format) + "</td>"
            out += "<td>" + Self.escape(row.to) + "</td><td>" + Self.escape(row.from) + "</td>"
            out += "<td>" + Self.escape(row.subject) + "</td><td>" + Self.escape(row.reasons) + "</td>"
            out += "<td class=\"ev\">" + Self.escape(row.evidence) + "</td>"
            out += "<td>" + Self.escape(row.campaign ?? "") + "</td></tr>\n"
        }
        return out + "</tbody></table>"
    }

    // MARK: - Charts (inline SVG)

    private func timelineChart() -> String {
        let timeline = Timeline(summary.hourly, maxBuckets: 336)
        guard !timeline.isEmpty else { return "<p class=\"empty\">no dated bounce-like messages</p>" }
        let width = 1180.0, height = 220.0, left = 40.0, bottom = 24.0
        let plotWidth = width - left - 10, plotHeight = height - bottom - 10
        let top = max(1, timeline.buckets.map { $0.backscatter + $0.legitimate + $0.uncertain }.max() ?? 1)
        let barWidth = plotWidth / Double(timeline.buckets.count)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"bounces per hour by verdict\">"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - 10)\" y2=\"\(height - bottom)\" class=\"axis\"/>"
        svg += "<text x=\"\(left - 4)\" y=\"16\" class=\"lbl\" text-anchor=\"end\">\(top)</text>"
        svg += "<text x=\"\(left - 4)\" y=\"\(height - bottom)\" class=\"lbl\" text-anchor=\"end\">0</text>"
        for (i, bucket) in timeline.buckets.enumerated() {
            var y = height - bottom
            let x = left + Double(i) * barWidth
            let parts: [(Int, String)] = [(bucket.backscatter, "bs"), (bucket.uncertain, "un"), (bucket.legitimate, "lg")]
            for (count, cls) in parts where count > 0 {
                let h = Double(count) / Double(top) * plotHeight
                y -= h
                svg += "<rect x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(max(0.5, barWidth - 0.3)))\" "
                svg += "height=\"\(Self.num(h))\" class=\"\(cls)\"><title>"
                svg += Dates.short((timeline.startHour + Int64(i) * timeline.hoursPerBucket) * 3600) + ": \(count) \(cls == "bs" ? "backscatter" : cls == "un" ? "uncertain" : "legitimate")</title></rect>"
            }
        }
        // Day ticks: a label at each bucket that starts a day, at most about 14 of them.
        let hoursPerBucket = timeline.hoursPerBucket
        let days = Int((Int64(timeline.buckets.count) * hoursPerBucket + 23) / 24)
        let every = max(1, (days + 13) / 14)
        var dayNumber = 0
        for i in 0..<timeline.buckets.count {
            let hour = timeline.startHour + Int64(i) * hoursPerBucket
            let startsDay = hour % 24 == 0 || (hour % 24) + hoursPerBucket > 24
            guard startsDay else { continue }
            defer { dayNumber += 1 }
            guard dayNumber % every == 0 else { continue }
            let x = left + Double(i) * barWidth
            let midnight = (hour + 23) / 24 * 24
            svg += "<line x1=\"\(Self.num(x))\" y1=\"\(height - bottom)\" x2=\"\(Self.num(x))\" y2=\"\(height - bottom + 4)\" class=\"axis\"/>"
            svg += "<text x=\"\(Self.num(x))\" y=\"\(height - 6)\" class=\"lbl\">" + String(Dates.short(midnight * 3600).prefix(10)) + "</text>"
        }
        svg += "</svg>"
        svg += "<p class=\"legend\"><span class=\"key bs\"></span>backscatter <span class=\"key un\"></span>uncertain "
        svg += "<span class=\"key lg\"></span>legitimate · one bar per \(timeline.hoursPerBucket == 1 ? "hour" : "\(timeline.hoursPerBucket) hours")</p>"
        return svg
    }

    private func barChart(_ items: [(String, Int)], color: String) -> String {
        guard let top = items.map(\.1).max(), top > 0 else { return "<p class=\"empty\">none</p>" }
        let rowHeight = 20.0, labelWidth = 150.0, width = 520.0
        let height = Double(items.count) * rowHeight + 4
        var svg = "<svg class=\"bars\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        for (i, item) in items.enumerated() {
            let y = Double(i) * rowHeight + 2
            let w = Double(item.1) / Double(top) * (width - labelWidth - 60)
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(Self.num(y + 14))\" class=\"lbl\" text-anchor=\"end\">" + Self.escape(String(item.0.prefix(24))) + "</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(Self.num(y + 3))\" width=\"\(Self.num(max(1, w)))\" height=\"14\" fill=\"\(color)\"/>"
            svg += "<text x=\"\(Self.num(labelWidth + w + 4))\" y=\"\(Self.num(y + 14))\" class=\"lbl\">\(item.1)</text>"
        }
        return svg + "</svg>"
    }

    private static func num(_ value: Double) -> String { Decimals.format(value, places: 1) }

    // MARK: - Escaping

    /// HTML-escapes text for element content and quoted attribute values: `& < > " '`, and control
    /// characters other than tab and newline dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { continue }
                if scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static let css = """
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2327;background:#f6f7f7}
        header{background:#1d2327;color:#fff;padding:16px 24px}h1{margin:0;font-size:22px}
        .meta{margin:4px 0 0;color:#c3c4c7;word-break:break-all}.note{color:#f0c33c;margin:6px 0 0}
        .error{color:#ff8085}main{padding:16px 24px}section{background:#fff;border:1px solid #dcdcde;
        border-radius:6px;padding:12px 16px;margin:0 0 16px}h2{font-size:16px;margin:0 0 8px}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
        .grid section{margin:0}.cards{display:flex;gap:12px;margin:0 0 16px}
        .card{flex:1;background:#fff;border:1px solid #dcdcde;border-radius:6px;padding:10px 16px;border-top:4px solid #888}
        .card .n{font-size:26px;font-weight:600}table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
        th{font-weight:600;color:#50575e;background:#fafafa;position:sticky;top:0}.r{text-align:right}
        #messages td{overflow-wrap:anywhere}.tag{padding:1px 6px;border-radius:3px;color:#fff;font-size:12px;background:#888}
        .v-backscatter{background:#b32d2e;border-top-color:#b32d2e}.v-legitimate{background:#00a32a;border-top-color:#00a32a}
        .v-uncertain{background:#dba617;border-top-color:#dba617}.v-not-bounce{background:#8c8f94;border-top-color:#8c8f94}
        .card.v-backscatter,.card.v-legitimate,.card.v-uncertain,.card.v-not-bounce{background:#fff}
        .chart{width:100%;height:auto}.bars{width:100%;max-width:520px;height:auto}
        .axis{stroke:#8c8f94}.lbl{font-size:11px;fill:#50575e}.bs{fill:#b32d2e;background:#b32d2e}
        .un{fill:#dba617;background:#dba617}.lg{fill:#00a32a;background:#00a32a}
        .key{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.legend{margin:4px 0 0;color:#50575e}
        #q{width:100%;max-width:520px;padding:6px 8px;font-size:14px;border:1px solid #8c8f94;border-radius:4px}
        .count{color:#50575e;margin:6px 0}.ev{color:#50575e;font-size:12px}.empty{color:#8c8f94}#messages td{font-size:13px}
        """

    /// Filters the message table as the user types: plain text matching on each row's text (textContent,
    /// never innerHTML, so nothing from a message is interpreted).
    static let script = """
        (function(){var q=document.getElementById('q');if(!q)return;
        var rows=Array.prototype.slice.call(document.querySelectorAll('#messages tbody tr'));
        var text=rows.map(function(r){return r.textContent.toLowerCase();});
        var shown=document.getElementById('shown');
        q.addEventListener('input',function(){var t=q.value.toLowerCase().trim().split(/\\s+/);var n=0;
        rows.forEach(function(r,i){var ok=t.every(function(w){return text[i].indexOf(w)>=0;});
        r.style.display=ok?'':'none';if(ok)n++;});shown.textContent=n+' messages';});})();
        """
}
