import Foundation
import Testing
import TestSupport
@testable import MailParsing

/// Field parsers over whole corpora: they must finish on every header of every message (hostile ones in
/// parsers/malformed-misc included) and read LF, CRLF and CR copies of a message the same way.
@Suite struct FieldCorpusTests {
    /// One line per accessor, for comparing two parses.
    static func summary(_ headers: HeaderSection) -> String {
        func address(_ a: MailAddress) -> String { (a.displayName ?? "") + "|" + a.address }
        var lines: [String] = []
        lines.append("from " + headers.from.map(address).joined(separator: ", "))
        lines.append("to " + headers.to.map(address).joined(separator: ", "))
        lines.append("cc " + headers.cc.map(address).joined(separator: ", "))
        lines.append("replyTo " + headers.replyTo.map(address).joined(separator: ", "))
        lines.append("returnPath " + (headers.returnPath.map(address) ?? "-"))
        lines.append("subject " + (headers.subject ?? "-"))
        lines.append("date " + (headers.date?.iso8601 ?? "-"))
        lines.append("messageID " + (headers.messageID ?? "-"))
        lines.append("references " + headers.references.joined(separator: " "))
        lines.append("inReplyTo " + headers.inReplyTo.joined(separator: " "))
        for r in headers.received {
            lines.append("received \(r.from?.helo ?? "-") \(r.from?.reverseDNS ?? "-") \(r.from?.ip?.description ?? "-") "
                + "\(r.by ?? "-") \(r.with ?? "-") \(r.id ?? "-") \(r.for?.address ?? "-") \(r.date?.iso8601 ?? "-")")
        }
        return lines.joined(separator: "\n")
    }

    static func files(under relative: String) -> [String] {
        let root = Corpus.path(relative)
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let item = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = root + "/" + item
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(path)
            }
        }
        return out.sorted()
    }

    /// Every file under parsers/ and sisimai/maildir, each part's headers through every accessor.
    @Test(.enabled(if: Corpus.isAvailable)) func everyHeaderOfEveryMessageFinishes() {
        var messages = 0, parts = 0, fields = 0
        for path in Self.files(under: "parsers") + Self.files(under: "sisimai/maildir") {
            guard let data = FileManager.default.contents(atPath: path), data.count < 4_000_000 else { continue }
            let message = ParsedMessage(parsing: Array(data)[...])
            messages += 1
            for part in message.root.allParts() {
                parts += 1
                fields += part.headers.fields.count
                _ = Self.summary(part.headers)
                for field in part.headers.fields {
                    // Every parser on every field, whatever its name: hostile values for all of them.
                    let value = field.unfoldedValue
                    _ = AddressParser.parseList(value)
                    _ = MessageIDParser.parseList(value)
                    _ = MailDate.parse(value)
                    _ = ReceivedField.parse(value)
                    _ = EncodedWords.decode(value)
                }
            }
        }
        print("field parsers over parsers/ and sisimai/maildir: \(messages) files, \(parts) parts, \(fields) fields")
        #expect(messages > 1000)
        #expect(fields > 20_000)
    }

    /// sisimai's maildir/dos (CRLF) and maildir/mac (CR) copies read the same as maildir/bsd (LF).
    @Test(.enabled(if: Corpus.isAvailable), arguments: ["dos", "mac"])
    func lineEndingsDoNotChangeFields(_ variant: String) throws {
        let folder = Corpus.path("sisimai/maildir/" + variant)
        var compared = 0
        var differing: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where file.hasSuffix(".eml") {
            guard let other = FileManager.default.contents(atPath: folder + "/" + file),
                  let lf = FileManager.default.contents(atPath: Corpus.path("sisimai/maildir/bsd/" + file))
            else { continue }
            compared += 1
            let a = Self.summary(HeaderSection.parse(Array(lf)[...]))
            let b = Self.summary(HeaderSection.parse(Array(other)[...]))
            if a != b { differing.append(file) }
        }
        #expect(compared >= 60)
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }
}
