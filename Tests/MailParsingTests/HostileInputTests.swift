import Foundation
import Testing
import MailParsing
import TestSupport

/// Every message-like file in the shared corpus goes through the header and MIME parsers, and every
/// part's text is decoded, without a crash; then the same bytes cut at many points.
@Suite struct HostileInputTests {
    static func corpusFiles() -> [String] {
        var files: [String] = []
        for folder in ["parsers", "sisimai/maildir", "mbox"] {
            let root = Corpus.path(folder)
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            for case let relative as String in walker {
                let path = root + "/" + relative
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   !relative.hasSuffix(".json"), !relative.hasSuffix(".tsv"), !relative.hasSuffix(".txt") {
                    files.append(path)
                }
            }
        }
        return files.sorted()
    }

    @Test func wholeCorpusParsesWithoutCrashing() {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let files = Self.corpusFiles()
        #expect(files.count > 800)
        var parts = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let message = ParsedMessage(parsing: Array(data)[...])
            for part in message.allParts() {
                _ = part.decodedText()
                parts += 1
            }
        }
        print("hostile input: \(files.count) corpus files, \(parts) MIME parts parsed and decoded")
    }

    @Test func truncatedAtEveryFewBytes() {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let malformed = Self.corpusFiles().filter { $0.contains("malformed") }.prefix(40)
        for file in malformed {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let bytes = Array(data)
            var cut = 0
            while cut <= bytes.count {
                let message = ParsedMessage(parsing: bytes[0..<cut])
                _ = message.allParts().map { $0.decodedText() }
                cut += max(1, bytes.count / 97)
            }
        }
    }

    @Test func pathologicalShapesFinish() {
        // Deep nesting with the same boundary, thousands of delimiters, a header of one huge folded field.
        var nested = ""
        for level in 0..<500 { nested += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n" }
        let deep = ParsedMessage(parsing: Array(nested.utf8)[...])
        #expect(deep.allParts().map(\.depth).max()! <= ParsingLimits().maxNestingDepth)
        #expect(deep.defects.contains("mime-nesting-too-deep"))
        var sameBoundary = ""
        for _ in 0..<500 { sameBoundary += "Content-Type: multipart/mixed; boundary=b\n\n--b\n" }
        #expect(ParsedMessage(parsing: Array(sameBoundary.utf8)[...]).allParts().count <= ParsingLimits().maxParts + 1)
        let delimiters = "Content-Type: multipart/mixed; boundary=z\n\n" + String(repeating: "--z\n", count: 100_000)
        let many = ParsedMessage(parsing: Array(delimiters.utf8)[...])
        #expect(many.allParts().count <= ParsingLimits().maxParts + 1)
        let folded = "Subject: x" + String(repeating: "\n y", count: 200_000) + "\n\nbody"
        let huge = ParsedMessage(parsing: Array(folded.utf8)[...])
        #expect(huge.headers.first("subject")!.unfoldedValue.count <= ParsingLimits().maxFieldBytes)
    }
}
