import Testing
import TestSupport
@testable import MailParsing

/// `MIMEParser.transferEncoding(of:at:)` and `MIMEParser.contentType(of:at:defects:)` read a field's value
/// in place where it is not folded: for generated values (blanks and line ends around them, folds,
/// comments, case, the unfolded length limit), they give what the field's unfolded value gives.
/// `HeaderFieldInPlace.rawValueBytes` holds the bytes of `rawValue`.
@Suite struct InPlaceFieldValueTests {
    @Test func rawValueBytesAreRawValue() {
        let text = "Received: from a (b [192.0.2.1])\r\n\tby c; Mon, 1 Jan 2024 00:00:00 +0000\r\nReceived:x\r\nTo:\r\n\r\nbody"
        let section = HeaderSection.parse(Array(text.utf8)[...])
        var seen = 0
        for name in ["received", "to"] {
            section.forEachFieldInPlace(named: name) { field in
                #expect(Array(field.rawValueBytes) == Array(field.rawValue))
                seen += 1
                return true
            }
        }
        #expect(seen == 3)
    }

    /// A generated field value of `pieces`, with blanks, folds and the bytes that end a token.
    static func value(of pieces: [String], _ generator: inout SplitMix64) -> String {
        let extras = [" ", "\t", "  ", ";", "(", "(comment)", "\r\n ", "\n\t", "x", "\"q\"", "=", "/"]
        var text = ""
        for _ in 0..<(1 + generator.below(5)) {
            text += generator.below(2) == 0 ? pieces[generator.below(pieces.count)] : extras[generator.below(extras.count)]
        }
        // Letters' case flipped at random in a quarter of the values (the rest can be common values).
        guard generator.below(4) == 0 else { return text }
        return String(text.map { generator.below(3) == 0 && $0.isLetter ? Character($0.uppercased()) : $0 })
    }

    /// The header section `name: value` (with a second field after it), read with `maxFieldBytes`.
    static func fields(_ name: String, _ value: String, maxFieldBytes: Int) -> HeaderSection.Fields {
        var limits = ParsingLimits()
        limits.maxFieldBytes = maxFieldBytes
        let text = "\(name):\(value)\r\nX-After: 1\r\n\r\nbody"
        return HeaderSection.parse(Array(text.utf8)[...], limits: limits).fields
    }

    @Test func transferEncodingAgreesWithUnfoldedValue() {
        var generator = SplitMix64(seed: 2_045)
        let pieces = ["7bit", "8bit", "base64", "binary", "quoted-printable", "x-uuencode", "7bi", "base46", ""]
        for _ in 0..<5_000 {
            let text = Self.value(of: pieces, &generator)
            let limit = generator.below(4) == 0 ? generator.below(20) : 100 * 1024
            let fields = Self.fields("Content-Transfer-Encoding", text, maxFieldBytes: limit)
            guard let field = fields.first else { continue }
            let token = field.unfoldedValue.prefix {
                !ASCII.isWhitespaceOrNewline($0) && $0 != ASCII.semicolon && $0 != ASCII.openParen
            }
            let expected: (String, Bool)? = token.isEmpty ? nil
                : MIMEParser.knownTransferEncoding(token).map { ($0, true) } ?? (ASCII.lowercasedString(token), false)
            let actual = MIMEParser.transferEncoding(of: fields, at: 0)
            #expect(actual?.name == expected?.0 && actual?.isKnown == expected?.1, "\(text.debugDescription) \(limit)")
        }
    }

    @Test func contentTypeAgreesWithUnfoldedValue() {
        var generator = SplitMix64(seed: 2_046)
        let pieces = [
            "text/plain", "text/plain; charset=us-ascii", "message/delivery-status", "message/rfc822",
            "text/html; charset=\"UTF-8\"", "text/rfc822-headers", "multipart/report; report-type=delivery-status",
            "text/plain; charset=\"iso-2022-jp\"", "text", "plain",
            // Parameters the in-place reading copies out for the decoders: an encoded word, 8-bit bytes,
            // quoted-pairs, RFC 2231 pieces; and a boundary (most values read in full).
            "multipart/mixed; boundary=\"=_b\\\"x\"", "; name=\"=?UTF-8?B?w6k=?=\"", "; name=\"caf\u{E9}\"",
            "; name*0=ab; name*1=\"cd\"", "; filename*=utf-8''%C3%A9", "multipart/alternative; boundary=b1",
        ]
        for _ in 0..<5_000 {
            let text = Self.value(of: pieces, &generator)
            let limit = generator.below(4) == 0 ? generator.below(40) : 100 * 1024
            let fields = Self.fields("Content-Type", text, maxFieldBytes: limit)
            guard let field = fields.first else { continue }
            var expectedDefects: MIMEDefects = []
            var expected = ContentType.textPlain
            if let (parsed, malformed) = ContentType.parse(field.unfoldedValue) {
                expected = parsed
                if malformed { expectedDefects.insert(.malformedParameters) }
            } else {
                expectedDefects.insert(.malformedContentType)
            }
            var defects: MIMEDefects = []
            let actual = MIMEParser.contentType(of: fields, at: 0, defects: &defects)
            #expect(actual == expected && defects == expectedDefects, "\(text.debugDescription) \(limit)")
        }
    }
}
