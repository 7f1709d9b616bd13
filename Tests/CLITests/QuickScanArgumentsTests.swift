import ArgumentParser
@testable import BackscatterCLI
import Testing
import TestSupport

/// `QuickScanArguments` reads a `scan` line as swift-argument-parser does, or declines it: for every line
/// it takes, swift-argument-parser parses the same line to the same invocation, or rejects it and so does
/// the invocation's own validation (the CLI then hands the line to swift-argument-parser for its message).
struct QuickScanArgumentsTests {
    /// What swift-argument-parser makes of `arguments`: the invocation, or nil when it rejects the line
    /// or parses another command.
    static func parsedAsUsual(_ arguments: [String]) -> ScanInvocation? {
        (try? BackscatterCommand.parseAsRoot(arguments) as? BackscatterCommand.Scan)?.invocation
    }

    /// Checks one line against swift-argument-parser; returns whether the quick reader took it.
    @discardableResult
    static func expectAgreement(_ arguments: [String]) -> Bool {
        guard let quick = QuickScanArguments.invocation(arguments) else { return false }
        if let usual = parsedAsUsual(arguments) {
            #expect(quick == usual, "\(arguments)")
        } else {
            #expect(throws: (any Error).self, "\(arguments): taken, but swift-argument-parser rejects it") {
                try quick.validate()
            }
        }
        return true
    }

    @Test func plainLinesReadAsSwiftArgumentParserReadsThem() throws {
        let lines: [[String]] = [
            ["scan", "inbox.mbox"],
            ["scan", "-f", "jsonl", "-q", "-j", "1", "inbox.mbox"],
            ["scan", "--format=csv", "--jobs=4", "--quiet", "a", "b", "-"],
            ["scan", "a.mbox", "--no-classify", "--only", "bounces", "-o", "out.jsonl"],
            ["scan", "--profile", "site.toml", "--since", "2026-01-05", "--until", "2026-02-01T10:00:00Z", "x"],
            ["scan", "--summary", "s.json", "--color", "never", "--only=backscatter", "Maildir/"],
            ["scan", "-"],
        ]
        for line in lines {
            #expect(Self.expectAgreement(line), "\(line): not taken")
            #expect(Self.parsedAsUsual(line) != nil, "\(line)")
        }
        let first = try #require(QuickScanArguments.invocation(lines[1]))
        #expect(first.paths == ["inbox.mbox"] && first.format == .jsonl && first.reading.quiet && first.reading.jobs == 1)
    }

    @Test func declinesWhatItDoesNotRead() {
        let lines: [[String]] = [
            [], ["--version"], ["--help"], ["help", "scan"], ["audit", "x"], ["scan", "--help"], ["scan", "-h", "x"],
            ["scan", "-qj", "2", "x"], ["scan", "-q", "-q", "x"], ["scan", "--", "-x"], ["scan", "--quiet=yes", "x"],
            ["scan", "--jobs", "two", "x"], ["scan", "--format", "xml", "x"], ["scan", "--only", "all", "x"],
            ["scan", "--color", "blue", "x"], ["scan", "-o", "-", "x"], ["scan", "x", "-f"], ["scan", "--frobnicate", "x"],
            ["scan", "-fjsonl", "x"], ["scan", "--format", "--quiet", "x"], ["scan", "--generate-completion-script", "bash"],
        ]
        for line in lines {
            #expect(QuickScanArguments.invocation(line) == nil, "\(line)")
        }
    }

    /// Random lines of `scan`'s options with good values and bad, odd forms and paths: the quick reader
    /// agrees with swift-argument-parser on every line it takes, and takes many.
    @Test func randomLinesAgree() {
        let options: [(names: [String], good: [String])] = [
            (["--profile"], ["site.toml", "a b.toml"]), (["--jobs", "-j"], ["1", "2", "+3", "0", "1025", "64"]),
            (["--quiet", "-q"], []), (["--format", "-f"], ["text", "jsonl", "csv", "html"]),
            (["--output", "-o"], ["out.jsonl", "report.html", "in.mbox", ""]), (["--summary"], ["s.json", "in.mbox"]),
            (["--since"], ["2026-01-05", "2026-01-05T10:00:00Z", "2026-13-40"]), (["--until"], ["2026-02-01", "never"]),
            (["--only"], ["backscatter", "legitimate", "uncertain", "bounces"]), (["--no-classify"], []),
            (["--color"], ["auto", "always", "never"]),
        ]
        let oddNames = ["--help", "-x", "--", "-qj", "--jobs=", "-jq"]
        let oddValues = ["-1", "-", "xml", "all", "two", "a=b", "--quiet"]
        let paths = ["in.mbox", "Maildir/", "-", "out.jsonl", "a b", "scan", "s.json"]
        var generator = SplitMix64(seed: 2026_12_01)
        var taken = 0
        let lineCount = 1_000
        for _ in 0..<lineCount {
            var line = ["scan"]
            for _ in 0..<generator.below(6) {
                let option = options[generator.below(options.count)]
                let name = option.names[generator.below(option.names.count)]
                let value = option.good.isEmpty ? nil : option.good[generator.below(option.good.count)]
                switch generator.below(20) {
                case 0..<5: line.append(paths[generator.below(paths.count)])
                case 5..<12: line += [name] + (value.map { [$0] } ?? [])
                case 12..<16: line.append(value.map { name + "=" + $0 } ?? name)
                case 16..<18: line += [name, oddValues[generator.below(oddValues.count)]]
                default: line.append(oddNames[generator.below(oddNames.count)])
                }
            }
            if Self.expectAgreement(line) { taken += 1 }
        }
        #expect(taken > lineCount / 4, "only \(taken) of \(lineCount) lines taken")
    }

    /// Every option `scan`'s help lists is one the quick reader knows, so that a line using a new option
    /// is not handed to swift-argument-parser for want of a case here (which would be correct, only slower).
    @Test func knowsEveryOptionOfScan() {
        let help = BackscatterCommand.Scan.helpMessage(columns: 1_000)
        var spellings: Set<String> = []
        // Each option's line starts with its names ("  -j, --jobs <n>   Worker threads ..."): what comes
        // before the gap to its help text, split at the commas.
        for line in help.split(separator: "\n").drop(while: { !$0.hasPrefix("OPTIONS:") }).dropFirst() {
            let names = line.drop(while: { $0 == " " })
            guard names.hasPrefix("-") else { continue }
            let declaration = names.split(separator: "  ", maxSplits: 1).first ?? names
            for name in declaration.split(separator: ",") {
                if let spelling = name.split(separator: " ").first { spellings.insert(String(spelling)) }
            }
        }
        spellings.subtract(["--help", "-h", "--version"])
        #expect(!spellings.isEmpty)
        for spelling in spellings {
            #expect(QuickScanArguments.Option(spelling: Substring(spelling)) != nil, "\(spelling) in scan's help")
        }
    }
}
