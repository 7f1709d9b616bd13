import Foundation
import MailParsing

/// Compares our header and MIME parse with the expectations shipped by other parsers' test suites:
/// stalwart-mail-parser's parse trees (`parsers/stalwart-mail-parser/eml/**/NNN.json`) and MIME-tools'
/// expected structures (`parsers/mime-tools/testmsgs/*.ref.json`). Used by the tests and by the harness.
public enum ParserExpectations {
    /// One comparison: the file, whether it agrees, and the first difference in words.
    public struct Outcome: Sendable {
        public var file: String
        public var agrees: Bool
        public var difference: String?
    }

    // MARK: stalwart-mail-parser

    /// Every `.eml` with an expected tree, LF (`NNN.json`) and CRLF (`NNN.crlf.json`, fed CRLF input).
    public static func stalwartCases() -> [(eml: String, json: String, crlf: Bool)] {
        let root = Corpus.path("parsers/stalwart-mail-parser/eml")
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var cases: [(String, String, Bool)] = []
        for case let relative as String in walker where relative.hasSuffix(".eml") {
            let eml = root + "/" + relative
            let base = String(eml.dropLast(4))
            if FileManager.default.fileExists(atPath: base + ".json") { cases.append((eml, base + ".json", false)) }
            if FileManager.default.fileExists(atPath: base + ".crlf.json") { cases.append((eml, base + ".crlf.json", true)) }
        }
        return cases.sorted { ($0.0, $0.2 ? 1 : 0) < ($1.0, $1.2 ? 1 : 0) }
    }

    /// The tree shape stalwart expects: one line per part in pre-order, `depth type/subtype`.
    public static func stalwartShape(json path: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        var lines: [String] = []
        stalwartWalk(object, index: 0, depth: 0, parentType: nil, into: &lines)
        return lines
    }

    private static func stalwartWalk(_ message: [String: Any], index: Int, depth: Int, parentType: String?,
                                     into lines: inout [String]) {
        guard let parts = message["parts"] as? [[String: Any]], index < parts.count else { return }
        let part = parts[index]
        var type = parentType == "multipart/digest" ? "message/rfc822" : "text/plain"
        for header in part["headers"] as? [[String: Any]] ?? [] where header["name"] as? String == "content_type" {
            if let value = header["value"] as? [String: Any], let ct = value["ContentType"] as? [String: Any],
               let major = ct["c_type"] as? String {
                let minor = (ct["c_subtype"] as? String) ?? ""
                type = (major + "/" + minor).lowercased()
            }
        }
        lines.append("\(depth) \(type)")
        guard let body = part["body"] as? [String: Any] else { return }
        if let children = body["Multipart"] as? [Int] {
            for child in children { stalwartWalk(message, index: child, depth: depth + 1, parentType: type, into: &lines) }
        } else if let inner = body["Message"] as? [String: Any] {
            stalwartWalk(inner, index: 0, depth: depth + 1, parentType: type, into: &lines)
        }
    }

    /// Our tree shape, in the same form as `stalwartShape`.
    public static func ourShape(_ message: ParsedMessage) -> [String] {
        var lines: [String] = []
        func walk(_ part: MIMEPart, depth: Int) {
            lines.append("\(depth) \(part.contentType.mimeType)")
            // A headers-only child (text/rfc822-headers) is our representation detail, not a MIME entity.
            if MIMEPart.isHeadersOnlyTypeForComparison(part.contentType) { return }
            for child in part.parts { walk(child, depth: depth + 1) }
        }
        walk(message.root, depth: 0)
        return lines
    }

    /// Compares one stalwart case.
    public static func compareStalwart(eml: String, json: String, crlf: Bool) -> Outcome {
        let name = eml.replacingOccurrences(of: Corpus.path("parsers/stalwart-mail-parser/eml") + "/", with: "")
            + (crlf ? " (crlf)" : "")
        guard var bytes = FileManager.default.contents(atPath: eml).map(Array.init),
              let expected = stalwartShape(json: json) else {
            return Outcome(file: name, agrees: false, difference: "unreadable")
        }
        if crlf { bytes = toCRLF(bytes) }
        let ours = ourShape(ParsedMessage(parsing: bytes[...]))
        if ours == expected { return Outcome(file: name, agrees: true) }
        return Outcome(file: name, agrees: false,
                       difference: "expected [\(expected.joined(separator: ", "))] got [\(ours.joined(separator: ", "))]")
    }

    /// LF line ends to CRLF (bare CR left alone), as stalwart's own test does for its `.crlf.json` cases.
    public static func toCRLF(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 20)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A && previous != 0x0D { out.append(0x0D) }
            out.append(byte)
            previous = byte
        }
        return out
    }

    // MARK: MIME-tools

    /// Every MIME-tools message with an expected structure (`X.ref.json` for `X.msg`).
    public static func mimeToolsCases() -> [(msg: String, ref: String)] {
        let dir = Corpus.path("parsers/mime-tools/testmsgs")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        var cases: [(String, String)] = []
        for name in names.sorted() where name.hasSuffix(".ref.json") {
            let stem = String(name.dropLast(".ref.json".count))
            // X-variant.ref.json may describe X.msg read with a parser option (ak-0696-nest, -none, -replace).
            var msg = dir + "/" + stem + ".msg"
            if !FileManager.default.fileExists(atPath: msg), let dash = stem.lastIndex(of: "-") {
                msg = dir + "/" + stem[..<dash] + ".msg"
            }
            if !FileManager.default.fileExists(atPath: msg) {
                msg = Corpus.path("parsers/mime-tools/testin") + "/" + stem + ".msg"
            }
            cases.append((msg, dir + "/" + name))
        }
        return cases
    }

    /// Compares one MIME-tools case: type, transfer encoding and decoded size of every described part.
    public static func compareMIMETools(msg: String, ref: String) -> Outcome {
        let name = (ref as NSString).lastPathComponent
        guard let bytes = FileManager.default.contents(atPath: msg).map(Array.init),
              let data = FileManager.default.contents(atPath: ref),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return Outcome(file: name, agrees: false, difference: "unreadable")
        }
        let message = ParsedMessage(parsing: bytes[...])
        for key in object.keys.sorted() where key == "Msg" || key.hasPrefix("Part_") {
            guard let expected = object[key] as? [String: Any] else { continue }
            var part: MIMEPart? = message.root
            if key != "Msg" {
                for step in key.dropFirst(5).split(separator: "_") {
                    guard let k = Int(step), let current = part, k >= 1, k <= current.parts.count else { part = nil; break }
                    part = current.parts[k - 1]
                }
            }
            guard let part else { return Outcome(file: name, agrees: false, difference: "\(key): no such part") }
            if let type = expected["Type"] as? String, type.contains("/"), type.lowercased() != part.contentType.mimeType {
                return Outcome(file: name, agrees: false, difference: "\(key): type \(type) vs \(part.contentType.mimeType)")
            }
            if let encoding = expected["Encoding"] as? String, encoding.lowercased() != part.transferEncoding {
                return Outcome(file: name, agrees: false, difference: "\(key): encoding \(encoding) vs \(part.transferEncoding)")
            }
            if let size = expected["Size"] as? Int, size != part.decodedBody().count {
                return Outcome(file: name, agrees: false, difference: "\(key): size \(size) vs \(part.decodedBody().count)")
            }
        }
        return Outcome(file: name, agrees: true)
    }
}

extension MIMEPart {
    /// Whether `type` holds a header section only (exposed for the comparison).
    static func isHeadersOnlyTypeForComparison(_ type: ContentType) -> Bool {
        (type.type == "text" && type.subtype == "rfc822-headers")
            || (type.type == "message" && (type.subtype == "global-headers" || type.subtype == "rfc822-headers"))
    }
}
