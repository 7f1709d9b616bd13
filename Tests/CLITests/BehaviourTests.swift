import Foundation
import Testing
import TestSupport

/// Exit statuses, error lines, colour and the HTML report's escaping.
@Suite struct BehaviourTests {
    @Test func unreadableInputIsReportedAndTheRestStillScanned() throws {
        let result = try CLI.run(["scan", "--format", "jsonl", "Fixtures/cli/missing.mbox", "Fixtures/example/inbox.mbox",
                                  "Fixtures/cli/missing-folder/"])
        #expect(result.status == 3)
        #expect(result.stderr == """
            backscatter: Fixtures/cli/missing.mbox: message 0 at byte 0: not-found (No such file or directory)
            backscatter: Fixtures/cli/missing-folder/: message 0 at byte 0: not-found (No such file or directory)

            """)
        #expect(result.text.split(separator: "\n").count == 10)
    }

    @Test(arguments: [
        ["scan"],
        ["scan", "--format", "xml", "Fixtures/example/inbox.mbox"],
        ["scan", "--jobs", "0", "Fixtures/example/inbox.mbox"],
        ["scan", "--since", "yesterday", "Fixtures/example/inbox.mbox"],
        ["scan", "--only", "spam", "Fixtures/example/inbox.mbox"],
        ["frobnicate"],
        ["explain", "Fixtures/example/inbox.mbox#x"],
    ])
    func badUsageExitsTwo(_ arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "\(arguments)")
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func explainOfAMissingMessageIsBadUsage() throws {
        let result = try CLI.run(["explain", "Fixtures/example/inbox.mbox#99"])
        #expect(result.status == 2)
        #expect(result.stderr == "backscatter: Fixtures/example/inbox.mbox has no message #99 (it holds 10)\n")
    }

    /// `explain` says why a complaint is not judged, and does not call it ordinary mail.
    @Test func explainOfAComplaintSaysItIsNotJudged() throws {
        let result = try CLI.run(["explain", "--color", "never", "Fixtures/dsn/arf.eml#0"])
        #expect(result.text.contains("not-bounce: a complaint about a message, not a delivery notice"))
        #expect(result.text.contains("none needed: a complaint is not judged"))
        #expect(!result.text.contains("not a notice about another message"))
    }

    /// `explain` of a replayed notice says the original was the site's once, not forged; a bounce of
    /// forged mail still says forged (Fixtures/classifier/replay.mbox and backscatter-bounce.eml).
    @Test func explainOfAReplaySaysTheOriginalWasOursOnce() throws {
        let profile = "Fixtures/classifier/signals-profile-sentlog.toml"
        // (The report wraps its paragraphs: compared with every run of white space one space.)
        func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let replay = words(try CLI.run(["explain", "--color", "never", "--profile", profile, "Fixtures/classifier/replay.mbox#0"]).text)
        #expect(replay.contains("backscatter (score 1.00 on a scale from 0, surely legitimate, to 1, surely backscatter): your site sent the original once, but someone sent a copy of it on to others (a replay)"))
        #expect(!replay.contains("someone forged your address"))
        let forged = words(try CLI.run(["explain", "--color", "never", "--profile", "Fixtures/classifier/profile.toml",
                                        "Fixtures/classifier/backscatter-bounce.eml#0"]).text)
        #expect(forged.contains("someone forged your address"))
    }

    /// `explain` of a bounce that names no recipient in a form we read says so, where the recipients go.
    @Test func explainOfABounceWithoutRecipientsSaysNoneCouldBeRead() throws {
        let result = try CLI.run(["explain", "--color", "never", "Fixtures/dsn/generic-no-recipient.eml#0"])
        #expect(result.text.contains("A bounce (non-delivery report)"))
        #expect(result.text.contains("Recipients it reports on\n  None that could be read"))
    }

    /// `profile check` says whether the sent log names recipients: without them the recipient and
    /// replay evidence is off.
    @Test func profileCheckSaysWhetherTheSentLogHasRecipients() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ids-profile-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "[sent_log]\npath = \"ids.log\"\n".write(to: folder.appendingPathComponent("p.toml"), atomically: true, encoding: .utf8)
        try "<one@mx.example>\n".write(to: folder.appendingPathComponent("ids.log"), atomically: true, encoding: .utf8)
        let bare = try CLI.run(["profile", "check", folder.appendingPathComponent("p.toml").path])
        #expect(bare.text.contains("sent_log      ids.log: 1 message (no recipients: recipient and replay evidence off)\n"), "\(bare.text)")
        let withRecipients = try CLI.run(["profile", "check", "Fixtures/example/profile.toml"])
        #expect(withRecipients.text.contains("sent_log      sent.log: 3 messages, with their recipients\n"))
    }

    @Test func brokenProfileNamesTheKey() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-profile-\(getpid()).toml")
        defer { try? FileManager.default.removeItem(at: path) }
        try "[relays]\nnetworks = [\"198.51.100.0/28\", \"300.1.1.1/8\"]\n".write(to: path, atomically: true, encoding: .utf8)
        for arguments in [["profile", "check", path.path], ["scan", "--profile", path.path, "Fixtures/example/inbox.mbox"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("backscatter: \(path.path):2:32: relays.networks[1]: not a CIDR network"))
        }
    }

    @Test func colourOnlyWhenAskedAndNeverWithNO_COLOR() throws {
        let escape = "\u{1B}["
        let always = try CLI.run(["scan", "--format", "text", "--color", "always", "Fixtures/example/inbox.mbox"])
        #expect(always.text.contains(escape))
        let noColor = try CLI.run(["scan", "--format", "text", "--color", "always", "Fixtures/example/inbox.mbox"],
                                  environment: ["NO_COLOR": "1"])
        #expect(!noColor.text.contains(escape))
        let auto = try CLI.run(["scan", "--format", "text", "Fixtures/example/inbox.mbox"])
        #expect(!auto.text.contains(escape), "colour on a pipe")
        #expect(!auto.stderr.contains(escape), "no progress line off a terminal")
        #expect(noColor.text == auto.text)
    }

    @Test func textReportFitsOneHundredColumns() throws {
        let result = try CLI.run(["scan", "--format", "text", "Fixtures/example/inbox.mbox", "Fixtures/cli"])
        for line in result.text.split(separator: "\n") { #expect(line.count <= 100, "\(line)") }
    }

    @Test func htmlRendersScriptInASubjectAsText() throws {
        let result = try CLI.run(["scan", "--format", "html", "Fixtures/cli/script-subject.eml"])
        let html = result.text
        #expect(html.contains("&lt;script&gt;alert(document.cookie)&lt;/script&gt; cheap &amp; &quot;quick&quot;"))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>Bob"))
        // Self-contained: exactly one script element (the search box's), and nothing fetched.
        #expect(html.components(separatedBy: "<script").count == 2)
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
    }

    @Test func outputFileGetsTheFormatOfItsName() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(getpid()).html")
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try CLI.run(["scan", "--output", path.path, "Fixtures/example/inbox.mbox"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let html = try String(contentsOf: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
    }
}

/// The HTML report in a real browser: headless Chromium (Debian's `chromium`) loads it without a console
/// message. Skips, visibly, where Chromium is not installed (CI need not have it).
@Suite struct HTMLInBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test func reportLoadsWithoutConsoleMessages() throws {
        guard let chromium = Self.chromium else {
            print("SKIPPED: chromium is not installed; the HTML report was not opened in a browser")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("html-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("report.html")
        let result = try CLI.run(["scan", "-f", "html", "-o", report.path, "Fixtures/example/inbox.mbox",
                                  "Fixtures/cli/script-subject.eml"])
        #expect(result.status == 1)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + folder.path + "/profile",
                             "--enable-logging=stderr", "--v=1", "--screenshot=" + folder.path + "/shot.png",
                             "--window-size=1280,2000", report.absoluteURL.absoluteString]
        let log = folder.appendingPathComponent("chromium.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = try String(contentsOf: log, encoding: .utf8)
        let console = text.split(separator: "\n").filter { $0.contains(":CONSOLE") }
        #expect(console.isEmpty, "\(console)")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/shot.png"), "no screenshot: \(text.suffix(500))")
    }
}

/// The text and HTML reports keep a bounded number of rows (a 5 GB mailbox must not grow memory) and
/// say how many more there were.
@Suite struct ReportBoundsTests {
    @Test(.enabled(if: Corpus.isAvailable)) func textReportListsTwentyAndCountsTheRest() throws {
        let inbox = Corpus.path("backscatter-dev/corpus.mbox")
        let jsonl = try CLI.run(["scan", "--format", "jsonl", "--quiet", inbox])
        let flagged = jsonl.text.split(separator: "\n").filter {
            $0.contains(#""verdict":"backscatter""#) || $0.contains(#""verdict":"uncertain""#)
        }.count
        #expect(flagged > 20)
        let text = try CLI.run(["scan", "--format", "text", "--color", "never", "--quiet", inbox])
        #expect(text.text.contains("… and \(flagged - 20) more (--format jsonl or html lists them all)"))
    }
}
