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
