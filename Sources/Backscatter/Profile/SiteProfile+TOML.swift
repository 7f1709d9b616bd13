extension SiteProfile {
    /// The profile as TOML in the profile format, with a comment on each section; parsing it gives back an
    /// equal profile (e.g. for `profile infer` output that a user edits and passes back).
    /// Empty sections are left out; warnings are not written.
    public func tomlText() -> String {
        var out = ""
        func section(_ header: String, _ comment: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            if !out.isEmpty { out += "\n" }
            out += "\(header)   # \(comment)\n"
            out += lines.joined(separator: "\n") + "\n"
        }
        func line(_ key: String, _ value: TOMLValue) -> String { "\(key) = \(TOMLWriter.value(value))" }
        func strings(_ values: [String]) -> TOMLValue { .array(TOMLArray(elements: values.map { .string($0) })) }

        var siteLines: [String] = []
        if !site.domains.isEmpty { siteLines.append(line("domains", strings(site.domains))) }
        if !site.users.isEmpty { siteLines.append(line("users", strings(site.users))) }
        if let file = site.usersFile { siteLines.append(line("users_file", .string(file))) }
        section("[site]", "the site's mail domains and valid users", siteLines)

        var relayLines: [String] = []
        if !relays.hosts.isEmpty { relayLines.append(line("hosts", strings(relays.hosts))) }
        if !relays.networks.isEmpty {
            relayLines.append(line("networks", strings(relays.networks.networks.map(\.description))))
        }
        section("[relays]", "the site's outbound MTAs", relayLines)

        var idLines: [String] = []
        if !messageID.domains.isEmpty { idLines.append(line("domains", strings(messageID.domains))) }
        if let pattern = messageID.pattern {
            // A literal string keeps a pattern's backslashes readable; fall back to a basic string.
            let literal = !pattern.contains("'") && !pattern.contains("\n") && !pattern.contains("\r")
                && pattern.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F || $0 == "\t" }
            idLines.append("pattern = " + (literal ? "'\(pattern)'" : TOMLWriter.basicString(pattern)))
        }
        section("[message_id]", "pattern: PCRE2, matched against the id without its angle brackets", idLines)

        for key in dkim {
            section("[[dkim]]", "a DKIM key the site signs with (\(key.algorithm.rawValue))", [
                line("domain", .string(key.domain)),
                line("selector", .string(key.selector)),
                line("public_key", .string(key.publicKey)),
            ])
        }

        if let batv {
            var keys = TOMLTable()
            for (number, secret) in batv.keys.sorted(by: { $0.key < $1.key }) {
                keys.set(String(number), .string(secret.map { b in
                    let h = String(b, radix: 16)
                    return h.count == 1 ? "0" + h : h
                }.joined()))
            }
            var lines = [line("keys", .table(keys)), line("valid_days", .integer(Int64(batv.validDays)))]
            if let since = batv.sinceText { lines.append("since = \(since)") }
            section("[batv]", "prvs, draft-levine-smtp-batv-01", lines)
        }
        if let srs {
            section("[srs]", "SRS secrets (the first signs, all verify)", [line("secrets", strings(srs.secrets))])
        }
        if let sentLog {
            section("[sent_log]", "Message-IDs the site sent: one per line, a TSV, or a Postfix log",
                    [line("path", .string(sentLog.path))])
        }
        if thresholds != Thresholds() {
            section("[thresholds]", "score >= backscatter: backscatter; <= legitimate: legitimate", [
                line("backscatter", .float(thresholds.backscatter)),
                line("legitimate", .float(thresholds.legitimate)),
            ])
        }
        return out
    }
}
