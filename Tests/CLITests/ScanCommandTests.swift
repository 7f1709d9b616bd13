import Foundation
import Testing
import TestSupport

/// `backscatter scan`, `explain` and `profile check` on the bundled example: whole outputs against
/// golden files, per format.
@Suite struct ScanCommandTests {
    static let example = "Fixtures/example/inbox.mbox"

    /// One golden file per format and option set; the command's exit status is part of the expectation.
    static let cases: [(golden: String, arguments: [String], status: Int32)] = [
        ("scan-example.jsonl", ["scan", "--format", "jsonl", example], 1),
        ("scan-example.csv", ["scan", "--format", "csv", example], 1),
        ("scan-example.txt", ["scan", "--format", "text", "--color", "never", example], 1),
        ("scan-example.html", ["scan", "--format", "html", example], 1),
        ("scan-example-profile.jsonl", ["scan", "--format", "jsonl", "--profile", "Fixtures/example/profile.toml", example], 1),
        ("scan-example-only-bounces.jsonl", ["scan", "--format", "jsonl", "--only", "bounces", example], 1),
        ("scan-example-since.jsonl", ["scan", "--format", "jsonl", "--since", "2026-03-02T12:00:00Z",
                                      "--until", "2026-03-03", example], 1),
        // Bounce analysis only: kind, format, recipients and original as usual; no verdict, score, evidence.
        ("scan-example-no-classify.jsonl", ["scan", "--format", "jsonl", "--no-classify", example], 0),
        ("scan-example-no-classify.txt", ["scan", "--format", "text", "--color", "never", "--no-classify", example], 0),
        ("scan-fixtures.jsonl", ["scan", "--format", "jsonl", "Fixtures/cli/control-chars.eml",
                                 "Fixtures/cli/script-subject.eml"], 1),
        ("help-scan.txt", ["scan", "--help"], 0),
        ("help.txt", ["--help"], 0),
        ("explain-example-1.txt", ["explain", "--color", "never", example + "#1"], 0),
        ("explain-example-3.txt", ["explain", "--color", "never", example + "#3"], 1),
        ("profile-check-example.txt", ["profile", "check", "Fixtures/example/profile.toml"], 0),
        ("profile-infer-example.toml", ["profile", "infer", example], 0),
        ("audit-example.txt", ["audit", "--format", "text", "--color", "never", example], 1),
        ("audit-example.jsonl", ["audit", "--format", "jsonl", example], 1),
        ("explain-example-7-profile.txt", ["explain", "--color", "never", "--profile", "Fixtures/example/profile.toml",
                                           example + "#7"], 1),
    ]

    @Test(arguments: 0..<cases.count)
    func wholeOutput(_ number: Int) throws {
        let (golden, arguments, status) = Self.cases[number]
        let result = try CLI.run(arguments)
        #expect(result.status == status, "\(arguments): stderr \(result.stderr)")
        let expected = Golden.expected(golden, actual: result.text)
        #expect(expected != nil, "missing golden \(golden): run UPDATE_GOLDEN=1 swift test --filter CLITests")
        if let expected, result.text != expected {
            let message: String = "\(golden): \(Golden.firstDifference(expected, result.text)) (if the change is "
                + "intended, UPDATE_GOLDEN=1 swift test --filter CLITests rewrites the golden files)"
            Issue.record(Comment(rawValue: message))
        }
    }

    /// A bad value of an enum option names the values (`LiteralChoice` gives the lists the parser's
    /// reflection gave; the help golden files hold the `(values: ...)` lines).
    @Test func badOptionValuesNameTheChoices() throws {
        for (option, value, choices) in [("--color", "sometimes", "'auto', 'always' or 'never'"),
                                         ("--format", "xml", "'text', 'jsonl', 'csv' or 'html'"),
                                         ("--only", "all", "'backscatter', 'legitimate', 'uncertain' or 'bounces'")] {
            let result = try CLI.run(["scan", option, value, Self.example])
            #expect(result.status == 2)
            #expect(result.stderr.contains("Please provide one of \(choices)."), "\(option): \(result.stderr)")
        }
    }

    @Test func jsonLinesAreOneValidObjectPerMessageInInputOrder() throws {
        let result = try CLI.run(["scan", "--format", "jsonl", "--jobs", "3", Self.example, "Fixtures/cli/control-chars.eml"])
        #expect(result.status == 1)
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 11)
        var previous: (String, Int)?
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let source = try #require(object["source"] as? String)
            let index = try #require(object["index"] as? Int)
            if let previous, previous.0 == source { #expect(index == previous.1 + 1) }
            previous = (source, index)
            for key in ["offset", "length", "messageId", "date", "from", "to", "subject", "defects", "kind", "format",
                        "recipients", "original", "verdict", "score", "evidence", "campaign"] {
                #expect(object.keys.contains(key), "missing \(key)")
            }
        }
    }

    @Test func controlCharactersAndInvalidUTF8AreEscaped() throws {
        let result = try CLI.run(["scan", "--format", "jsonl", "Fixtures/cli/control-chars.eml"])
        let line = result.text.trimmingCharacters(in: .newlines)
        #expect(line.contains(#"\t"#) && line.contains(#"\u0007"#) && line.contains(#"\u0001"#) && line.contains(#"\u007f"#))
        for byte in line.utf8 { #expect(byte >= 0x20, "raw control byte \(byte) in JSON output") }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let subject = try #require(object["subject"] as? String)
        #expect(subject.hasPrefix("tab\there bell\u{07}"))
        #expect(subject.contains("😀"))
        #expect(!subject.contains("\u{FFFD}\u{FFFD}\u{FFFD}"))
    }

    /// The escape scan reads sixteen bytes at a time, the last few through the sixteen that end with
    /// them, and shorter strings as one or two words: quotes, backslashes and controls at the start,
    /// inside, at the end and in strings shorter than a word (Fixtures/json/escapes.mbox, one subject a
    /// message) are all escaped.
    @Test func escapesInEveryPositionOfAString() throws {
        let result = try CLI.run(["scan", "--format", "jsonl", "--no-classify", "Fixtures/json/escapes.mbox"])
        let lines = result.text.split(separator: "\n")
        let expected = [
            #""ends with a quote\"""#, #""abcd\"efghijk""#, #""a\"b""#, #""1234567\"""#, #""12345678\\""#,
            #""0123456789abcdef\u0001x""#, #""back\\slash and \"quotes\" over sixteen bytes\u007f""#,
        ]
        #expect(lines.count == expected.count)
        for (line, subject) in zip(lines, expected) {
            #expect(line.contains(#""subject":"# + subject + #","defects""#), "\(line)")
            _ = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// The writer tests sixteen bytes at a time, a string's last bytes through the sixteen ending with
    /// them, a shorter string as one or two words, and writes a line into a block of fixed size, again
    /// into one of the size counted when it did not fit. Subjects of 1 to 40 bytes with each byte that
    /// needs an escape (and two-byte and four-byte UTF-8) at every position, alone and in pairs, and
    /// long subjects that end or escape past the block's end (4096 and 8192 bytes) at every point of the
    /// line, all agree with a byte-at-a-time escaper and parse back to the subject.
    @Test func escapesAgreeWithAByteAtATimeEscaper() throws {
        let specials = ["\"", "\\", "\u{01}", "\u{1F}", "\u{7F}", "\u{08}", "\u{0C}", "\t", "é", "😀"]
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        func filler(_ count: Int, from start: Int) -> [String] {
            (0..<count).map { String(letters[(start + $0) % letters.count]) }
        }
        var subjects: [String] = []
        for length in 1...40 {
            for position in 0..<length {
                // A tab at either end would be trimmed as white space.
                let atEnd = position == 0 || position == length - 1
                var one = filler(length, from: position)
                let special = specials[(length * 7 + position) % specials.count]
                one[position] = atEnd && special == "\t" ? "\"" : special
                subjects.append(one.joined())
                guard position + 1 < length else { continue }
                var two = filler(length, from: length)
                two[position] = specials[(length + position) % specials.count] == "\t" && position == 0
                    ? "\\" : specials[(length + position) % specials.count]
                two[position + 1] = position + 1 == length - 1 ? "\"" : specials[(length * 3 + position) % 7]
                subjects.append(two.joined())
            }
        }
        for length in Array(stride(from: 3_900, through: 4_150, by: 5)) + Array(stride(from: 7_950, through: 8_200, by: 5)) {
            var long = filler(length, from: length)
            for position in stride(from: length % 37, to: length, by: 37) { long[position] = "\"" }
            subjects.append(long.joined())
        }
        // Escapes that outgrow the block after the string's first test: a quote in every three bytes,
        // a control byte (six bytes escaped) in every five.
        for length in stride(from: 1_500, through: 4_000, by: 100) {
            var quotes = filler(length, from: 0)
            for position in stride(from: 1, to: length - 1, by: 3) { quotes[position] = "\"" }
            subjects.append(quotes.joined())
            var controls = filler(length, from: 1)
            for position in stride(from: 2, to: length - 1, by: 5) { controls[position] = "\u{01}" }
            subjects.append(controls.joined())
        }
        subjects.append(String(repeating: "\"", count: 2_500))
        subjects.append(String(repeating: "\u{7F}", count: 1_500))

        var mbox = ""
        for (number, subject) in subjects.enumerated() {
            mbox += "From sender@example.org Mon Nov 30 00:00:00 2026\nFrom: sender@example.org\n"
                + "To: someone@example.net\nMessage-ID: <escape-\(number)@example.org>\n"
                + "Date: Mon, 30 Nov 2026 00:00:00 +0000\nSubject: \(subject)\n\nA line.\n\n"
        }
        let result = try CLI.run(["scan", "--format", "jsonl", "--no-classify", "-"], stdin: Data(mbox.utf8))
        let lines = result.text.split(separator: "\n")
        #expect(lines.count == subjects.count)
        for (line, subject) in zip(lines, subjects) {
            let expected = #""subject":"# + Self.quotedByteAtATime(subject) + #","defects""#
            #expect(line.contains(expected), "\(line.prefix(300)) lacks \(expected.prefix(300))")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["subject"] as? String == subject)
        }
    }

    /// A string as JSON, one Unicode scalar at a time: RFC 8259 §7's short escapes, `\u00XX` (lower-case
    /// hex digits) for the other controls and DEL, everything else as it is.
    static func quotedByteAtATime(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += #"\""#
            case "\\": out += #"\\"#
            case "\n": out += #"\n"#
            case "\r": out += #"\r"#
            case "\t": out += #"\t"#
            case "\u{08}": out += #"\b"#
            case "\u{0C}": out += #"\f"#
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = Array("0123456789abcdef")
                out += #"\u00"# + String(hex[Int(scalar.value >> 4)]) + String(hex[Int(scalar.value & 0xF)])
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test func jobsDoNotChangeTheOutput() throws {
        let one = try CLI.run(["scan", "--format", "jsonl", "--jobs", "1", Self.example, "Fixtures/cli"])
        let four = try CLI.run(["scan", "--format", "jsonl", "--jobs", "4", Self.example, "Fixtures/cli"])
        #expect(one.status == four.status)
        #expect(one.stdout == four.stdout)
        #expect(!one.stdout.isEmpty)
    }

    /// More messages than one batch (512), so order is kept across batches and threads.
    @Test(.enabled(if: Corpus.isAvailable)) func jobsKeepInputOrderOverManyBatches() throws {
        let folder = Corpus.path("sisimai/maildir/bsd")
        let one = try CLI.run(["scan", "-q", "--format", "jsonl", "--jobs", "1", folder])
        let three = try CLI.run(["scan", "-q", "--format", "jsonl", "--jobs", "3", folder])
        #expect(one.status == three.status)
        #expect(one.stdout == three.stdout)
        let lines = one.text.split(separator: "\n")
        #expect(lines.count == (try SplitCommandTests.messageCount(folder)))
        #expect(lines.count > 512)
        let sources = lines.map { line -> String in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["source"] as? String ?? ""
        }
        #expect(sources == sources.sorted(), "records not in input (path) order")
    }

    @Test func standardInputIsReadAsAnMbox() throws {
        let mbox = try Data(contentsOf: URL(fileURLWithPath: Corpus.fixture("example/inbox.mbox")))
        let fromStdin = try CLI.run(["scan", "--format", "jsonl", "-"], stdin: mbox)
        let fromFile = try CLI.run(["scan", "--format", "jsonl", Self.example])
        #expect(fromStdin.status == 1)
        let relabelled = fromFile.text.replacingOccurrences(of: "\"source\":\"\(Self.example)\"", with: "\"source\":\"-\"")
        #expect(fromStdin.text == relabelled)
    }

    @Test func summaryFileIsJSON() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try CLI.run(["scan", "--format", "jsonl", "--summary", path.path, Self.example])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        #expect(object["messages"] as? Int == 10)
        #expect((object["verdicts"] as? [String: Int])?.values.reduce(0, +) == 10)
        // JSON Lines alone counts no table of the summary (`ScanOptions.summaryTables`); with
        // `--summary` it must.
        #expect((object["reasons"] as? [String: Int])?.isEmpty == false)
        #expect((object["victims"] as? [Any])?.isEmpty == false)
        #expect((object["hourly"] as? [Any])?.isEmpty == false)
    }

    /// A replay of one of our messages (Fixtures/classifier/replay.mbox, with the sent log's profile):
    /// each record's verdict and signals, the summary's `replays` and the text and HTML reports' sections,
    /// as replay.expected gives them.
    @Test func aReplayReachesTheRecordsTheSummaryAndTheReport() throws {
        let mbox = "Fixtures/classifier/replay.mbox", profile = "Fixtures/classifier/signals-profile-sentlog.toml"
        let (row, replay) = try Self.scanAsExpected(mbox, "Fixtures/classifier/replay.expected", ["--profile", profile])
        #expect(replay["recipients"] as? Int == Int(row[5]))
        #expect(replay["sentTo"] as? Int == Int(row[7]))
        let text = try CLI.run(["scan", "--format", "text", "--color", "never", "--profile", profile, mbox]).text
        #expect(text.contains("Replays (messages of yours someone else sent on)\n"))
        #expect(text.contains(row[1]))
        let html = try CLI.run(["scan", "--format", "html", "--profile", profile, mbox]).text
        #expect(html.contains("<section><h2>Replays</h2><table>"))
        #expect(html.contains("<tr><td>" + row[1] + "</td><td class=\"r\">" + row[3] + "</td>"))
        // Without replays, no such section.
        #expect(!(try CLI.run(["scan", "--format", "html", Self.example]).text.contains("<h2>Replays</h2>")))
    }

    /// A replay told without a profile (Fixtures/classifier/replay-relay.mbox): the relays inferred from
    /// the real bounces, the copies by the date our relay handed the original over; each record's verdict
    /// and signals, and the summary's replay, as replay-relay.expected gives them; the text and HTML
    /// reports list it and give the replay's remedy, and `explain` calls the copy a replay.
    @Test func aReplayIsToldWithoutAProfile() throws {
        let mbox = "Fixtures/classifier/replay-relay.mbox"
        let (row, replay) = try Self.scanAsExpected(mbox, "Fixtures/classifier/replay-relay.expected", [])
        // The summary lists the message, with no sent log to say whom it went to (`sentTo` null) nor
        // failed recipients kept (`recipients` null).
        #expect(replay["recipients"] is NSNull)
        #expect(replay["sentTo"] is NSNull)
        // The report's remedies name the copies and what to do about replays.
        let text = try CLI.run(["scan", "--format", "text", "--color", "never", mbox]).text
        #expect(text.contains("Replays (messages of yours someone else sent on)\n"))
        #expect(text.contains(row[1]))
        let html = try CLI.run(["scan", "--format", "html", mbox]).text
        #expect(html.contains("<tr><td>" + row[1] + "</td><td class=\"r\">" + row[3] + "</td><td class=\"r\">" + row[5]
                              + "</td><td class=\"r\">-</td></tr>"))
        let words = text.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        #expect(words.contains("3 of them return a message of yours that left your relays more than ten days before"), "\(words)")
        #expect(words.contains("Sign with an expiry a few days ahead (x=)"))
        let explained = try CLI.run(["explain", "--color", "never", mbox + "#4"]).text
        #expect(explained.contains("[relay-ip-ours-long-ago]"))
        #expect(explained.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
            .contains("someone sent a copy of it on to others (a replay)"), "\(explained)")
    }

    /// Scans `mbox` (with `options`) to JSON Lines and a `--summary`, and checks each record's verdict
    /// and signals against the `message` rows of `expected` (a fixture's `.expected` file), and the
    /// summary's one replay's Message-ID and notices against its `replay` row; gives that row and the
    /// summary's replay, for the checks that differ.
    static func scanAsExpected(_ mbox: String, _ expected: String, _ options: [String],
                               sourceLocation: SourceLocation = #_sourceLocation) throws -> (row: [String], replay: [String: Any]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replay-summary-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json")
        defer { try? FileManager.default.removeItem(at: path) }
        let records = try CLI.run(["scan", "--format", "jsonl"] + options + ["--summary", path.path, mbox]).text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let rows = try String(contentsOfFile: expected, encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").map(String.init) }
        let messages = rows.filter { $0.first == "message" }
        #expect(records.count == messages.count, sourceLocation: sourceLocation)
        for (record, row) in zip(records, messages) {
            #expect(record["verdict"] as? String == row[2], "message \(row[1])", sourceLocation: sourceLocation)
            let signals = Set(((record["evidence"] as? [[String: Any]]) ?? []).compactMap { $0["signal"] as? String })
            for signal in row[3...] { #expect(signals.contains(signal), "message \(row[1]): \(signals.sorted())", sourceLocation: sourceLocation) }
        }
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any], sourceLocation: sourceLocation)
        let replays = (summary["replays"] as? [[String: Any]]) ?? []
        let row = try #require(rows.first { $0.first == "replay" }, sourceLocation: sourceLocation)
        #expect(replays.count == 1, sourceLocation: sourceLocation)
        #expect(replays.first?["messageId"] as? String == row[1], sourceLocation: sourceLocation)
        #expect(replays.first?["notices"] as? Int == Int(row[3]), sourceLocation: sourceLocation)
        return (row, replays.first ?? [:])
    }

    @Test func csvIsRFC4180() throws {
        let result = try CLI.run(["scan", "--format", "csv", Self.example, "Fixtures/cli/script-subject.eml"])
        let text = result.text
        #expect(text.hasPrefix("source,index,offset,messageId,"))
        #expect(text.hasSuffix("\r\n"))
        let rows = Self.csvRows(text)
        #expect(rows.count > 2)
        for row in rows { #expect(row.count == rows[0].count, "\(row)") }
    }

    /// Text from the mail that starts like a formula (`=`, `+`, `-`, `@`) gets a `'` in front, so that a
    /// spreadsheet shows it instead of running it (CSV injection): the recipient, the diagnostic and the
    /// original's From and Subject of `Fixtures/cli/formula-fields.eml`.
    @Test func csvTextFromTheMailIsNeverAFormula() throws {
        let result = try CLI.run(["scan", "--format", "csv", "Fixtures/cli/formula-fields.eml"])
        let rows = Self.csvRows(result.text)
        #expect(rows.count == 2)
        guard rows.count == 2 else { return }
        let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
        #expect(row["recipient"] == "'-2+3@reflector.example")
        #expect(row["diagnostic"] == "'+1+cmd|' /C calc'!A0 550 5.1.1 User unknown")
        #expect(row["originalFrom"] == "'=x@spammer.example")
        #expect(row["originalSubject"] == "'=HYPERLINK(\"http://evil.example/\",\"click me\")")
        #expect(row["originalMessageId"] == "<@evil.example>")   // "<" starts no formula
        #expect(row["status"] == "5.1.1" && row["index"] == "0")
        for (column, value) in row where !value.hasPrefix("'") {
            #expect(!["=", "+", "-", "@"].contains(value.first.map(String.init) ?? ""), "\(column): \(value)")
        }
    }

    /// A small RFC 4180 reader for the test.
    static func csvRows(_ text: String) -> [[String]] {
        let chars = Array(text)
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
        return rows
    }
}
