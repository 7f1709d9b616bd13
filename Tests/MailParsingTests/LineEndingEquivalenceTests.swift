import Foundation
import Testing
import MailParsing
import TestSupport

/// Issue 2: the LF, CRLF and CR-only copies of the sisimai messages (`maildir/bsd`, `dos`, `mac`) parse alike.
@Suite struct LineEndingEquivalenceTests {
    /// What must not depend on line ends: every part's type, every header's name and unfolded value (line
    /// ends removed), and every text part's decoded text with line ends normalised.
    static func signature(_ message: ParsedMessage) -> [String] {
        var lines: [String] = []
        for part in message.allParts() {
            lines.append("part \(part.depth) \(part.contentType.mimeType) \(part.transferEncoding) \(part.parts.count)")
            for field in part.headers.fields {
                lines.append("  \(field.nameString): \(EncodedWords.decode(field.unfoldedValue))")
            }
            if part.contentType.type == "text" || part.contentType.type == "message" && part.parts.isEmpty {
                let text = part.decodedText().replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                lines.append("  text: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
        return lines
    }

    @Test func bsdDosAndMacCopiesParseAlike() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let dos = Corpus.path("sisimai/maildir/dos")
        let names = try FileManager.default.contentsOfDirectory(atPath: dos).filter { $0.hasSuffix(".eml") }.sorted()
        #expect(names.count >= 70)
        var compared = 0
        for name in names {
            guard let lf = FileManager.default.contents(atPath: Corpus.path("sisimai/maildir/bsd/" + name)) else { continue }
            let reference = Self.signature(ParsedMessage(parsing: Array(lf)[...]))
            for folder in ["dos", "mac"] {
                guard let other = FileManager.default.contents(atPath: Corpus.path("sisimai/maildir/\(folder)/" + name)) else { continue }
                let signature = Self.signature(ParsedMessage(parsing: Array(other)[...]))
                let firstDifference = zip(signature, reference).first { $0 != $1 }
                    .map { "\($0.0) <> \($0.1)" } ?? "\(signature.count) vs \(reference.count) lines"
                #expect(signature == reference, "\(folder)/\(name) parses differently from bsd/\(name): \(firstDifference)")
                compared += 1
            }
        }
        print("line-ending equivalence: \(compared) copies compared with their LF originals")
    }
}
