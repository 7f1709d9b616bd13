import DeliveryStatus
import Foundation
import Testing
import TestSupport

/// What the way a notice is written, or passed on, may not change: every sisimai bsd message read as it
/// is and in forms that say the same (the `Tests/Fuzz` tools' invariants, kept in every `swift test`):
/// - its Subject tagged by a filter (`[SPAM] `, `*****SPAM*****`);
/// - its Subject and its From's display name as encoded words (RFC 2047);
/// - the names of the fields of all its header sections in upper case, then in lower case, with no blank
///   after each colon, and each field folded after its first words (field names are case-insensitive,
///   the blank is optional, folding is white space: RFC 5322);
/// - its body wrapped as the one part of a multipart/mixed, as a gateway or a list wraps a report;
/// - each text/plain body it sends as it is written in base64, then in quoted-printable (a transfer
///   encoding changes how a body is sent, not what it says: RFC 2045 §6; Exchange and many webmail
///   hosts send their notices so).
/// The kind, the format, the original's presence and each recipient's record must be the same, the
/// diagnostic compared lower-cased and without blanks where the fields were rewritten (it may quote them).
@Suite struct FormInvariantTests {
    /// What is compared of a report.
    struct Summary: Equatable, CustomStringConvertible {
        var kind: String, format: String, original: String
        var recipients: [String]
        var description: String { "\(kind) \(format) original \(original) \(recipients)" }
    }

    static func summary(_ bytes: [UInt8], diagnosticsAsWords: Bool) -> Summary {
        let report = BounceAnalyzer().analyze(bytes: bytes[...])
        let recipients = report.recipients.map { r -> String in
            var diagnostic = r.diagnostic
            if diagnosticsAsWords { diagnostic = String(diagnostic.lowercased().filter { !$0.isWhitespace }) }
            return [r.recipient, r.action?.rawValue ?? "-", r.status?.description ?? "-", r.replyCode?.description ?? "-",
                    r.reason.rawValue, r.hard ? "hard" : "soft", diagnostic].joined(separator: " | ")
        }
        return Summary(kind: report.kind.rawValue, format: report.format ?? "-", original: report.original.presence.rawValue,
                       recipients: recipients)
    }

    /// The corpus messages, CRLF made LF, without an mbox From_ line; those with a lone CR left out.
    static func messages() -> [(name: String, bytes: [UInt8])] {
        let folder = Corpus.path("sisimai/maildir/bsd")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return files.compactMap { file in
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(data.count)
            for (i, byte) in data.enumerated() where !(byte == 13 && i + 1 < data.count && data[data.startIndex + i + 1] == 10) {
                bytes.append(byte)
            }
            if bytes.starts(with: Array("From ".utf8)), let lf = bytes.firstIndex(of: 10) { bytes.removeSubrange(...lf) }
            return bytes.contains(13) ? nil : (file, bytes)
        }
    }

    // MARK: The forms

    /// `bytes` with `tag` in front of its first Subject's value (one added when there is none).
    static func tagged(_ bytes: [UInt8], _ tag: String) -> [UInt8] {
        var lines = split(bytes)
        let header = lines.firstIndex(of: []) ?? lines.count
        if let i = lines[..<header].firstIndex(where: { fieldName($0)?.lowercased() == "subject" }) {
            let line = lines[i], colon = line.firstIndex(of: UInt8(ascii: ":"))! + 1
            var rest = Array(line[colon...])
            while rest.first == 32 || rest.first == 9 { rest.removeFirst() }
            lines[i] = Array(line[..<colon]) + [32] + Array(tag.utf8) + [32] + rest
        } else {
            lines.insert(Array("Subject: \(tag) ".utf8), at: header)
        }
        return join(lines)
    }

    /// `bytes` with its Subject and its From's display name written as RFC 2047 encoded words (UTF-8,
    /// base64).
    static func encoded(_ bytes: [UInt8]) -> [UInt8] {
        var lines = split(bytes)
        let header = lines.firstIndex(of: []) ?? lines.count
        func word(_ text: some Collection<UInt8>) -> [UInt8] { Array("=?utf-8?B?\(Data(text).base64EncodedString())?=".utf8) }
        func trimmed(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var t = text
            while let first = t.first, first == 32 || first == 9 || first == 34 { t = t.dropFirst() }
            while let last = t.last, last == 32 || last == 9 || last == 34 { t = t.dropLast() }
            return t
        }
        for i in 0..<header {
            let line = lines[i]
            guard let name = fieldName(line)?.lowercased(), name == "subject" || name == "from" else { continue }
            let value = line[(name.utf8.count + 1)...]
            // An unfolded value only, with no encoded word already.
            guard i + 1 >= lines.count || !(lines[i + 1].first == 32 || lines[i + 1].first == 9),
                  !value.starts(with: Array("=?".utf8)), !String(decoding: value, as: UTF8.self).contains("=?") else { continue }
            if name == "subject" {
                let text = trimmed(value)
                if !text.isEmpty { lines[i] = Array(line[...name.utf8.count]) + [32] + word(text) }
            } else if let open = value.firstIndex(of: UInt8(ascii: "<")) {
                let display = trimmed(value[..<open])
                if !display.isEmpty { lines[i] = Array(line[...name.utf8.count]) + [32] + word(display) + [32] + value[open...] }
            }
        }
        return join(lines)
    }

    /// How `rewritten` changes a field line.
    enum FieldForm { case upper, lower, tight, fold }

    /// `bytes` with every field line of its header sections rewritten `form`: the message's, each MIME
    /// part's (found by the boundaries as written), the delivery-status groups' and a returned
    /// original's; text bodies are left as they are.
    static func rewritten(_ bytes: [UInt8], _ form: FieldForm) -> [UInt8] {
        join(entity(split(bytes)[...], form, depth: 0))
    }

    static func entity(_ lines: ArraySlice<[UInt8]>, _ form: FieldForm, depth: Int) -> [[UInt8]] {
        guard let blank = lines.firstIndex(of: []) else { return section(lines, form) }
        let head = lines[..<blank]
        return section(head, form) + [[]] + body(lines[(blank + 1)...], contentType(head), form, depth: depth)
    }

    static func body(_ lines: ArraySlice<[UInt8]>, _ type: String, _ form: FieldForm, depth: Int) -> [[UInt8]] {
        guard depth < 20 else { return Array(lines) }
        let media = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if media.hasPrefix("multipart/"), let boundary = boundary(of: type) {
            return eachPart(of: lines, boundary: boundary) { entity($0, form, depth: depth + 1) }
        }
        if ["message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"].contains(media) {
            return entity(lines, form, depth: depth + 1)
        }
        if ["message/delivery-status", "message/global-delivery-status", "message/feedback-report"].contains(media) {
            return section(lines, form)
        }
        return Array(lines)
    }

    /// A multipart body's lines with each part's lines (between the delimiter lines of `boundary`, as
    /// written) replaced by `rewrite`'s; the preamble, the delimiters and the epilogue as they are.
    static func eachPart(of lines: ArraySlice<[UInt8]>, boundary: String,
                         _ rewrite: (ArraySlice<[UInt8]>) -> [[UInt8]]) -> [[UInt8]] {
        let delimiter = Array(("--" + boundary).utf8)
        var out: [[UInt8]] = [], part: [[UInt8]] = [], inside = false
        for line in lines {
            if line.starts(with: delimiter) {
                if inside { out += rewrite(part[...]) }
                out.append(line)
                part = []
                inside = !line.starts(with: delimiter + Array("--".utf8))
            } else if inside {
                part.append(line)
            } else {
                out.append(line)
            }
        }
        if inside { out += rewrite(part[...]) }
        return out
    }

    /// The lines of a header section with each field's name rewritten `form`, but Postfix's own
    /// `X-Postfix-*` fields, which it alone writes, as it writes them, and which name its format.
    static func section(_ lines: ArraySlice<[UInt8]>, _ form: FieldForm) -> [[UInt8]] {
        lines.flatMap { line -> [[UInt8]] in
            guard let name = fieldName(line), form == .tight || form == .fold || !name.lowercased().hasPrefix("x-postfix-") else {
                return [line]
            }
            let colon = name.utf8.count
            switch form {
            case .upper: return [Array(name.uppercased().utf8) + line[colon...]]
            case .lower: return [Array(name.lowercased().utf8) + line[colon...]]
            case .tight:
                var rest = Array(line[(colon + 1)...])
                while rest.first == 32 || rest.first == 9 { rest.removeFirst() }
                return [line[...colon] + rest]
            case .fold:
                // At the first space after the value's first 8 bytes, when words follow it.
                guard colon + 10 < line.count, let space = line[(colon + 10)...].firstIndex(of: 32),
                      line[(space + 1)...].contains(where: { $0 != 32 && $0 != 9 }) else { return [line] }
                return [Array(line[..<space]), [32] + line[(space + 1)...]]
            }
        }
    }

    /// The name of a field line (printable ASCII but the colon, then a colon), or nil.
    static func fieldName(_ line: [UInt8]) -> String? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
              line[..<colon].allSatisfy({ $0 >= 33 && $0 <= 126 }), !line.starts(with: Array("--".utf8)) else { return nil }
        return String(decoding: line[..<colon], as: UTF8.self)
    }

    /// The section's Content-Type, unfolded ("" when none).
    static func contentType(_ lines: ArraySlice<[UInt8]>) -> String {
        var value = "", inside = false
        for line in lines {
            if inside, line.first == 32 || line.first == 9 { value += " " + String(decoding: line, as: UTF8.self); continue }
            inside = false
            if fieldName(line)?.lowercased() == "content-type" {
                value = String(decoding: line[(line.firstIndex(of: UInt8(ascii: ":"))! + 1)...], as: UTF8.self)
                inside = true
            }
        }
        return value
    }

    /// A Content-Type's boundary parameter, as written.
    static func boundary(of type: String) -> String? {
        guard let r = type.range(of: "boundary", options: .caseInsensitive) else { return nil }
        var rest = type[r.upperBound...].drop { $0 == " " || $0 == "\t" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        if rest.first == "\"" { return rest.dropFirst().split(separator: "\"", omittingEmptySubsequences: false).first.map(String.init) }
        return rest.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "\t" }).first.map(String.init)
    }

    /// `bytes` wrapped: its MIME fields and body made the one part of a multipart/mixed under the rest
    /// of its header; nil when it has no body or holds the wrapper's boundary.
    static func wrapped(_ bytes: [UInt8]) -> [UInt8]? {
        let lines = split(bytes)
        guard let blank = lines.firstIndex(of: []) else { return nil }
        let boundary = "=_form_invariant_7f3a"
        guard !bytes.contains(Array(boundary.utf8)) else { return nil }
        var top: [[UInt8]] = [], mime: [[UInt8]] = [], current: Bool? = nil
        let mimeNames: Set<String> = ["content-type", "content-transfer-encoding", "content-disposition", "content-description", "content-id"]
        for line in lines[..<blank] {
            if let name = fieldName(line) { current = mimeNames.contains(name.lowercased()) }
            if current == true { mime.append(line) } else { top.append(line) }
        }
        if !top.contains(where: { fieldName($0)?.lowercased() == "mime-version" }) { top.append(Array("MIME-Version: 1.0".utf8)) }
        var out = top + [Array("Content-Type: multipart/mixed; boundary=\"\(boundary)\"".utf8), [], Array("--\(boundary)".utf8)]
        out += mime + [[]] + lines[(blank + 1)...]
        if out.last != [] { out.append([]) }
        out.append(Array("--\(boundary)--".utf8))
        return join(out)
    }

    /// A transfer encoding `transferEncoded` writes text bodies in.
    enum BodyEncoding: String { case base64, quotedPrintable = "quoted-printable" }

    /// `bytes` with every text/plain body that is sent as it is (no Content-Transfer-Encoding, `7bit` or
    /// `8bit`) written in `encoding` instead, its Content-Transfer-Encoding field saying so: the message's
    /// own when it is text (a Content-Type of text/plain or none), and each part's found by the
    /// boundaries as written. Returned originals are left as they are.
    static func transferEncoded(_ bytes: [UInt8], _ encoding: BodyEncoding) -> [UInt8] {
        join(encodedEntity(split(bytes)[...], encoding, defaultType: "text/plain", depth: 0))
    }

    static func encodedEntity(_ lines: ArraySlice<[UInt8]>, _ encoding: BodyEncoding, defaultType: String, depth: Int) -> [[UInt8]] {
        guard depth < 20, let blank = lines.firstIndex(of: []) else { return Array(lines) }
        let head = lines[..<blank], body = lines[(blank + 1)...]
        let type = contentType(head)
        let media = type.isEmpty ? defaultType
            : type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if media.hasPrefix("multipart/"), let boundary = boundary(of: type) {
            let partDefault = media == "multipart/digest" ? "message/rfc822" : "text/plain"
            return Array(head) + [[]] + eachPart(of: body, boundary: boundary) {
                encodedEntity($0, encoding, defaultType: partDefault, depth: depth + 1)
            }
        }
        // The section's fields as lines: a field's continuation lines go with it.
        var fields: [[[UInt8]]] = []
        for line in head {
            if line.first == 32 || line.first == 9, !fields.isEmpty { fields[fields.count - 1].append(line) } else { fields.append([line]) }
        }
        let isTransferField = { (field: [[UInt8]]) in fieldName(field[0])?.lowercased() == "content-transfer-encoding" }
        let given = fields.first(where: isTransferField).map { field in
            String(decoding: Array(field.joined(separator: [32])).drop { $0 != UInt8(ascii: ":") }.dropFirst(), as: UTF8.self)
                .trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        guard media == "text/plain", ["", "7bit", "8bit"].contains(given) else { return Array(lines) }
        let text = join(Array(body))
        let encoded: [[UInt8]]
        switch encoding {
        case .base64:
            encoded = split(Array(Data(text).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]).utf8))
        case .quotedPrintable:
            encoded = split(text).flatMap(quotedPrintableLines)
        }
        let kept = fields.filter { !isTransferField($0) }.flatMap { $0 }
        return kept + [Array("Content-Transfer-Encoding: \(encoding.rawValue)".utf8), []] + encoded
    }

    /// One line of text as quoted-printable lines (RFC 2045 §6.7): `=`, controls, 8-bit bytes and a
    /// blank at the line's end as `=XX`, soft line breaks (`=`) keeping each line within 76 bytes.
    static func quotedPrintableLines(_ line: [UInt8]) -> [[UInt8]] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [[UInt8]] = [], current: [UInt8] = []
        for (i, byte) in line.enumerated() {
            let last = i == line.count - 1
            let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !last)
            let piece = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            if current.count + piece.count > 75 {
                out.append(current + [UInt8(ascii: "=")])
                current = []
            }
            current += piece
        }
        out.append(current)
        return out
    }

    static func split(_ bytes: [UInt8]) -> [[UInt8]] { bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init) }
    static func join(_ lines: [[UInt8]]) -> [UInt8] { Array(lines.joined(separator: [10])) }

    // MARK: The tests

    /// Files that glue a second report after their multipart's close delimiter: read from the root's
    /// epilogue only, so not once wrapped.
    static let glued: Set<String> = ["rfc3464-28.eml", "rhost-cox-01.eml"]

    @Test func formsReadTheSame() throws {
        guard Corpus.isAvailable else { print(Corpus.skipMessage); return }
        let messages = Self.messages()
        #expect(messages.count > 600)
        var differing: [String: [String]] = [:]
        for (name, bytes) in messages {
            let plain = Self.summary(bytes, diagnosticsAsWords: false)
            let plainWords = Self.summary(bytes, diagnosticsAsWords: true)
            let forms: [(String, [UInt8]?, Bool)] = [
                ("tagged", Self.tagged(bytes, "[SPAM]"), false),
                ("starred", Self.tagged(bytes, "*****SPAM*****"), false),
                ("encoded", Self.encoded(bytes), false),
                ("upper", Self.rewritten(bytes, .upper), true),
                ("lower", Self.rewritten(bytes, .lower), true),
                ("tight", Self.rewritten(bytes, .tight), true),
                ("folded", Self.rewritten(bytes, .fold), false),
                ("wrapped", Self.glued.contains(name) ? nil : Self.wrapped(bytes), false),
                ("base64", Self.transferEncoded(bytes, .base64), false),
                ("quoted-printable", Self.transferEncoded(bytes, .quotedPrintable), false),
            ]
            for (form, variant, asWords) in forms {
                guard let variant else { continue }
                let got = Self.summary(variant, diagnosticsAsWords: asWords)
                if got != (asWords ? plainWords : plain) { differing[form, default: []].append(name) }
            }
        }
        for (form, names) in differing.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(form): \(names.count) messages read otherwise: \(names.prefix(10).joined(separator: ", "))")
        }
    }

    /// The forms themselves: a tag goes where the Subject's value starts, names change case in every
    /// header section but not in a text body, and the wrapped report keeps its body.
    @Test func formsAreWhatTheySay() {
        let message = Array("""
            From: a@example.org
            Subject: failure notice
            Content-Type: multipart/report; boundary="B"

            --B
            Content-Type: text/plain

            Final-Recipient: in the text
            --B
            Content-Type: message/delivery-status

            Final-Recipient: rfc822; b@example.net
            --B--
            """.utf8)
        let tagged = String(decoding: Self.tagged(message, "[SPAM]"), as: UTF8.self)
        #expect(tagged.contains("Subject: [SPAM] failure notice\n"))
        let upper = String(decoding: Self.rewritten(message, .upper), as: UTF8.self)
        #expect(upper.contains("FROM: a@example.org") && upper.contains("CONTENT-TYPE: text/plain"))
        #expect(upper.contains("Final-Recipient: in the text") && upper.contains("FINAL-RECIPIENT: rfc822; b@example.net"))
        let encoded = String(decoding: Self.encoded(Array("From: \"Mail Delivery System\" <m@example.org>\nSubject: failure notice\n\nx".utf8)), as: UTF8.self)
        #expect(encoded == "From: =?utf-8?B?TWFpbCBEZWxpdmVyeSBTeXN0ZW0=?= <m@example.org>\nSubject: =?utf-8?B?ZmFpbHVyZSBub3RpY2U=?=\n\nx")
        let folded = String(decoding: Self.rewritten(message, .fold), as: UTF8.self)
        #expect(folded.contains("Content-Type: multipart/report;\n boundary=\"B\"") && folded.contains("Subject: failure notice\n"))
        let tight = String(decoding: Self.rewritten(message, .tight), as: UTF8.self)
        #expect(tight.contains("Subject:failure notice") && tight.contains("Final-Recipient:rfc822; b@example.net"))
        let wrapped = String(decoding: Self.wrapped(message) ?? [], as: UTF8.self)
        #expect(wrapped.contains("Content-Type: multipart/mixed; boundary=\"=_form_invariant_7f3a\"\n\n--=_form_invariant_7f3a\nContent-Type: multipart/report; boundary=\"B\"\n\n--B\n"))
        #expect(wrapped.hasSuffix("--B--\n\n--=_form_invariant_7f3a--"))
        // The text part re-encoded, its Content-Type kept; the delivery-status part left as it is.
        let base64 = String(decoding: Self.transferEncoded(message, .base64), as: UTF8.self)
        #expect(base64.contains("--B\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nRmluYWwtUmVjaXBpZW50OiBpbiB0aGUgdGV4dA==\n--B\n"))
        #expect(base64.contains("Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; b@example.net\n"))
        let plain = Array("Subject: x\nContent-Transfer-Encoding: 7bit\n\nsize = 5 \n\u{E9}\(String(repeating: "a", count: 80))".utf8)
        let printable = String(decoding: Self.transferEncoded(plain, .quotedPrintable), as: UTF8.self)
        #expect(printable == "Subject: x\nContent-Transfer-Encoding: quoted-printable\n\nsize =3D 5=20\n=C3=A9"
                + String(repeating: "a", count: 69) + "=\n" + String(repeating: "a", count: 11))
    }
}
