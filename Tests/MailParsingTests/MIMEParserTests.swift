import Foundation
import Testing
@testable import MailParsing

private func parse(_ s: String) -> ParsedMessage { ParsedMessage(parsing: Array(s.utf8)[...]) }

@Suite struct MIMEParserTests {
    static let report = """
    From: MAILER-DAEMON@mx.example
    Content-Type: multipart/report; report-type=delivery-status;
    \tboundary="B1"

    preamble
    --B1
    Content-Type: text/plain

    Your message could not be delivered.
    --B1
    Content-Type: message/delivery-status

    Reporting-MTA: dns; mx.example

    Final-Recipient: rfc822; u@example.org
    Action: failed
    Status: 5.1.1

    --B1
    Content-Type: text/rfc822-headers

    From: sender@acme.example
    Subject: original
    Message-ID: <x@acme.example>

    --B1--
    epilogue
    """

    @Test func multipartReportStructure() {
        let message = parse(Self.report)
        #expect(message.root.contentType.mimeType == "multipart/report")
        #expect(message.root.contentType.parameter("report-type") == "delivery-status")
        #expect(message.root.parts.map(\.contentType.mimeType) == ["text/plain", "message/delivery-status", "text/rfc822-headers"])
        #expect(message.root.preamble.utf8String == "preamble")
        #expect(message.root.epilogue.utf8String == "epilogue")
        #expect(message.root.parts[0].decodedText() == "Your message could not be delivered.")
        let original = message.root.parts[2].encapsulatedMessage
        #expect(original?.headers["message-id"] == "<x@acme.example>")
        #expect(message.defects.isEmpty)
    }

    @Test func sameStructureForCRLFAndCR() {
        let lf = parse(Self.report)
        for eol in ["\r\n", "\r"] {
            let other = parse(Self.report.replacingOccurrences(of: "\n", with: eol))
            #expect(other.allParts().map(\.contentType.mimeType) == lf.allParts().map(\.contentType.mimeType))
            #expect(other.root.parts[0].decodedText() == "Your message could not be delivered.")
        }
    }

    @Test func missingClosingBoundaryKeepsTheLastPart() {
        let message = parse("Content-Type: multipart/mixed; boundary=x\n\n--x\n\none\n--x\n\ntwo\n")
        #expect(message.root.parts.count == 2)
        #expect(message.root.defects.contains(.missingClosingBoundary))
        #expect(message.root.parts[1].body.utf8String == "two\n")
    }

    @Test func boundaryIsMatchedAsALinePrefix() {
        // RFC 2046 §5.1.1: the boundary need only appear in its entirety at the start of the line.
        let message = parse("Content-Type: multipart/mixed; boundary=abc\n\n--abc\n\none\n--abcd\n\ntwo\n--ab\n--abc--\n")
        #expect(message.root.parts.map { $0.body.utf8String } == ["one", "two\n--ab"])
    }

    @Test func enclosingBoundaryEndsAnInnerMultipart() {
        let message = parse("""
        Content-Type: multipart/mixed; boundary=outer

        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner

        cut short
        --outer

        second
        --outer--
        """)
        #expect(message.root.parts.count == 2)
        #expect(message.root.parts[1].body.utf8String == "second")
        #expect(message.root.parts[0].defects.contains(.missingClosingBoundary))
    }

    @Test func parametersWithoutSemicolon() {
        let message = parse("Content-Type: multipart/mixed\n\tboundary=\"b\"\n\n--b\n\nx\n--b--\n")
        #expect(message.root.parts.count == 1)
        #expect(message.root.defects.contains(.malformedParameters))
    }

    @Test func nestedMessageRFC822() {
        let message = parse("""
        Content-Type: multipart/mixed; boundary=o

        --o
        Content-Type: message/rfc822

        From: inner@example.org
        Content-Type: multipart/alternative; boundary=i

        --i
        Content-Type: text/plain; charset=utf-8

        inner text
        --i--
        --o--
        """)
        let inner = message.root.parts[0].encapsulatedMessage
        #expect(inner?.headers["from"] == "inner@example.org")
        #expect(inner?.parts.first?.decodedText() == "inner text")
        #expect(message.allParts().count == 4)
    }

    @Test func transferDecoding() {
        let b64 = parse("Content-Transfer-Encoding: base64\n\naGVs\nbG8g\r\nd29y!bGQ=\n")
        #expect(b64.root.decodedText() == "hello world")
        let qp = parse("Content-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9 =\nlong line   \n=ZZ end")
        #expect(qp.root.decodedText() == "café long line\n=ZZ end")
    }

    @Test func rfc2231Parameters() {
        let message = parse("Content-Type: application/x-stuff;\n title*0*=us-ascii'en'This%20is%20even%20more%20;\n title*1*=%2A%2A%2Afun%2A%2A%2A%20;\n title*2=\"isn't it!\"\n\n")
        #expect(message.root.contentType.parameter("title") == "This is even more ***fun*** isn't it!")
        let simple = parse("Content-Type: text/plain; name*=utf-8''%E2%82%AC%20rates.txt\n\n")
        #expect(simple.root.contentType.parameter("name") == "€ rates.txt")
    }

    @Test func nestingAndPartLimits() {
        var limits = ParsingLimits()
        limits.maxNestingDepth = 3
        var text = ""
        for level in 0..<10 { text += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n" }
        let message = ParsedMessage(parsing: Array(text.utf8)[...], limits: limits)
        #expect(message.allParts().count <= 4)
        #expect(message.defects.contains("mime-nesting-too-deep"))

        limits = ParsingLimits()
        limits.maxParts = 5
        let many = "Content-Type: multipart/mixed; boundary=z\n\n" + String(repeating: "--z\n\nx\n", count: 50) + "--z--\n"
        let limited = ParsedMessage(parsing: Array(many.utf8)[...], limits: limits)
        #expect(limited.allParts().count <= 5)
        #expect(limited.defects.contains("mime-too-many-parts"))
    }

    @Test func duplicateContentTypeUsesTheLastAndIsRecorded() {
        let message = parse("Content-Type: text/plain\nContent-Type: text/html\n\n<p>x</p>")
        #expect(message.root.contentType.mimeType == "text/html")
        #expect(message.root.defects.contains(.duplicateContentType))
    }

    @Test func malformedContentTypeFallsBackToTextPlain() {
        let message = parse("Content-Type: garbage\n\nbody")
        #expect(message.root.contentType.mimeType == "text/plain")
        #expect(message.root.defects.contains(.malformedContentType))
        let noBoundary = parse("Content-Type: multipart/mixed\n\nbody")
        #expect(noBoundary.root.defects.contains(.missingBoundaryParameter))
    }

    /// `MIMEPart.isName` (counts first, then `==`) answers `==` for the media-type literals the parser
    /// asks about, against names of every nearby length, other cases, and the non-ASCII scalars that
    /// are canonically equivalent to ASCII (U+212A KELVIN SIGN, U+037E, U+1FEF) or combine.
    @Test func isNameAgreesWithEquality() {
        let literals = ["message", "rfc822", "global", "global-headers", "rfc822-headers", "text", "multipart"]
        var names = literals + ["", "messag", "messages", "Message", "MESSAGE", "multipar", "multiparts", "text ",
                                "rfc822-header", "global-headerS", "te\u{212A}t", "\u{212A}", ";", "\u{037E}", "`",
                                "\u{1FEF}", "message\u{0301}", "te\u{0301}xt", "plain", "mixed", "report"]
        for literal in literals {
            for cut in 0...literal.utf8.count { names.append(String(literal.utf8.prefix(cut))!) }
        }
        for name in names {
            for literal in literals {
                #expect(MIMEPart.isName(name, literal) == (name == literal), "\(name) \(literal)")
            }
        }
        #expect(MIMEPart.isEncapsulating("message", "rfc822"))
        #expect(MIMEPart.isEncapsulating("message", "global-headers"))
        #expect(MIMEPart.isEncapsulating("text", "rfc822-headers"))
        #expect(!MIMEPart.isEncapsulating("text", "plain"))
        #expect(!MIMEPart.isEncapsulating("message", "delivery-status"))
        #expect(MIMEPart.isHeadersOnlyType(ContentType(type: "message", subtype: "rfc822-headers")))
        #expect(!MIMEPart.isHeadersOnlyType(ContentType(type: "message", subtype: "rfc822")))
    }

    /// A part without a Content-Type field takes its default where it lies (`DefaultContentType`, made
    /// only for such a part): text/plain in a multipart/mixed and in a message/rfc822, message/rfc822
    /// in a multipart/digest, and the type `parseEntity` is given at the root.
    @Test func partsWithoutContentTypeTakeTheDefaultOfWhereTheyLie() {
        let message = parse("""
        Content-Type: multipart/mixed; boundary="M"

        --M
        X-Note: no type

        text
        --M
        Content-Type: multipart/digest; boundary="D"

        --D
        Subject: a digest entry

        Subject: inner

        body
        --D--
        --M
        Content-Type: message/rfc822

        Subject: encapsulated

        body
        --M--
        """)
        let parts = message.root.parts
        #expect(parts.count == 3)
        #expect(parts[0].contentType == .textPlain && parts[0].contentType.isDefaulted)
        let digestEntry = parts[1].parts[0]
        #expect(digestEntry.contentType == .messageRFC822 && digestEntry.contentType.isDefaulted)
        #expect(digestEntry.parts.first?.headers.first("subject")?.unfoldedValue.utf8String == "inner")
        #expect(parts[2].parts.first?.contentType == .textPlain)
        var parser = MIMEParser(limits: ParsingLimits())
        let given = ContentType(type: "application", subtype: "x-given")
        let root = parser.parseEntity(Array("Subject: x\n\nbody".utf8)[...], depth: 0, defaultType: given)
        #expect(root.contentType == given)
        let typed = parser.parseEntity(Array("Content-Type: text/html\n\nbody".utf8)[...], depth: 0, defaultType: given)
        #expect(typed.contentType.is("text", "html"))
    }
}
