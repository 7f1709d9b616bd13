import Foundation
import Testing
import TestSupport
@testable import MailParsing

/// A message's MIME tree is one object (`MIMETree`) of records, `MIMEPart` a record of it. Every part
/// is held to a reference walk written apart from the parser, as the boxed parts were built: the part's
/// header section parsed again from its bytes, its body after it, a multipart's body split by walking
/// its lines (`LineScanner`, the parser's other way), a message/* part's body (decoded when base64 or
/// quoted-printable) read as the one child, with the same part count and nesting limits. The content
/// type and transfer encoding are the part's own (read by the same functions as before the tree).
@Suite struct MIMETreeTests {
    /// The reference walk's state: the parts counted so far, as the parser counts them.
    struct Reference {
        let limits: ParsingLimits
        var partCount = 0
        var checked = 0

        /// Checks `part`, read from `bytes` at `depth`, and its children.
        mutating func check(_ part: MIMEPart, bytes: ByteSlice, depth: Int, _ label: String) {
            partCount += 1
            checked += 1
            let headers = HeaderSection.parse(bytes, limits: limits)
            expectSame(part, headers: headers, body: bytes[headers.bodyStart...], depth: depth, label)
            Self.expectContentFields(part, headers: headers, label)
            let type = part.contentType
            let isMultipart = type.type == "multipart"
            guard isMultipart || MIMEPart.isEncapsulatingType(type) else {
                #expect(part.parts.isEmpty, "\(label)")
                return
            }
            if depth >= limits.maxNestingDepth {
                #expect(part.defects.contains(.nestingTooDeep) && part.parts.isEmpty, "\(label)")
                return
            }
            if partCount >= limits.maxParts {
                #expect(part.defects.contains(.tooManyParts) && part.parts.isEmpty, "\(label)")
                return
            }
            let body = bytes[headers.bodyStart...]
            if isMultipart {
                checkMultipart(part, body: body, depth: depth, label)
            } else {
                checkEncapsulating(part, body: body, depth: depth, label)
            }
        }

        /// Checks the part's header section, body and depth against those read again.
        func expectSame(_ part: MIMEPart, headers: HeaderSection, body: ByteSlice, depth: Int, _ label: String) {
            #expect(part.headers.raw.indices == headers.raw.indices && part.headers.raw.elementsEqual(headers.raw), "\(label)")
            #expect(part.headers.bodyStart == headers.bodyStart && part.headers.fields.count == headers.fields.count, "\(label)")
            #expect(part.body.indices == body.indices && part.body.elementsEqual(body), "\(label)")
            #expect(part.depth == depth, "\(label)")
        }

        /// The part's content type and transfer encoding, and their defects, against what its fields'
        /// unfolded values give: the last Content-Type's (`ContentType.parse`), the first
        /// Content-Transfer-Encoding's token (the parser reads both where they lie, in its walk of the
        /// fields: `MIMEParser.contentType(inPlace:in:limit:)`, `transferEncoding(inPlace:in:limit:)`).
        static func expectContentFields(_ part: MIMEPart, headers: HeaderSection, _ label: String) {
            let types = headers.all("content-type")
            if let last = types.last {
                let parsed = ContentType.parse(last.unfoldedValue)
                #expect(part.contentType == parsed?.0 ?? .textPlain, "\(label)")
                #expect(part.defects.contains(.malformedContentType) == (parsed == nil), "\(label)")
                #expect(part.defects.contains(.malformedParameters) == (parsed?.malformed ?? false), "\(label)")
            }
            #expect(part.defects.contains(.duplicateContentType) == (types.count > 1), "\(label)")
            let token: ByteSlice = headers.first("content-transfer-encoding").map { field in
                field.unfoldedValue.prefix { !ASCII.isWhitespaceOrNewline($0) && $0 != ASCII.semicolon && $0 != ASCII.openParen }
            } ?? []
            let known = MIMEParser.knownTransferEncoding(token)
            #expect(part.transferEncoding == (token.isEmpty ? "7bit" : known ?? ASCII.lowercasedString(token)), "\(label)")
            #expect(part.defects.contains(.unknownTransferEncoding) == (!token.isEmpty && known == nil), "\(label)")
        }

        /// A multipart: its body split at delimiter lines, line by line, as the parser's line walk does.
        mutating func checkMultipart(_ part: MIMEPart, body: ByteSlice, depth: Int, _ label: String) {
            guard let boundaryString = part.contentType.boundary, !boundaryString.isEmpty else {
                #expect(part.defects.contains(.missingBoundaryParameter) && part.parts.isEmpty, "\(label)")
                return
            }
            let boundary = Array(boundaryString.utf8)
            var ranges: [Range<Int>] = []
            var preamble: Range<Int>? = nil
            var epilogue: Range<Int>? = nil
            var currentStart: Int? = nil
            var closed = false
            var scanner = LineScanner(body)
            var previousContentEnd: Int? = nil
            while let line = scanner.next() {
                defer { previousContentEnd = line.content.upperBound }
                let content = body[line.content]
                guard content.starts(with: [ASCII.hyphen, ASCII.hyphen] + boundary) else { continue }
                let rest = content.dropFirst(boundary.count + 2)
                let isClose = rest.starts(with: [ASCII.hyphen, ASCII.hyphen])
                let partEnd = previousContentEnd ?? line.content.lowerBound
                if let start = currentStart {
                    ranges.append(start..<max(start, min(partEnd, line.content.lowerBound)))
                } else {
                    preamble = body.startIndex..<max(body.startIndex, min(partEnd, line.content.lowerBound))
                }
                if isClose {
                    closed = true
                    epilogue = line.end..<body.endIndex
                    break
                }
                currentStart = line.end
            }
            let sawDelimiter = preamble != nil
            #expect(part.defects.contains(.boundaryNotFound) == !sawDelimiter, "\(label)")
            #expect(part.defects.contains(.missingClosingBoundary) == (sawDelimiter && !closed), "\(label)")
            if sawDelimiter, !closed, let start = currentStart, !body[start...].trimmingWhitespace().isEmpty {
                ranges.append(start..<body.endIndex)
            }
            #expect(part.preamble.indices == (preamble ?? 0..<0), "\(label)")
            #expect(part.epilogue.indices == (epilogue ?? 0..<0), "\(label)")
            let childDefault: ContentType = part.contentType.subtype == "digest" ? .messageRFC822 : .textPlain
            var read = 0
            for range in ranges {
                guard partCount < limits.maxParts else {
                    #expect(part.defects.contains(.tooManyParts), "\(label)")
                    break
                }
                guard read < part.parts.count else {
                    Issue.record("\(label): \(part.parts.count) children, more parts")
                    return
                }
                let child = part.parts[read]
                if child.contentType.isDefaulted {
                    #expect(child.contentType.mimeType == childDefault.mimeType, "\(label)")
                }
                check(child, bytes: body[range], depth: depth + 1, "\(label).\(read)")
                read += 1
            }
            #expect(part.parts.count == read, "\(label)")
        }

        /// A message/* part: its one child, the encapsulated message or header section.
        mutating func checkEncapsulating(_ part: MIMEPart, body: ByteSlice, depth: Int, _ label: String) {
            var inner = body
            switch part.transferEncoding {
            case "base64": inner = TransferDecoding.base64(body)[...]
            case "quoted-printable": inner = TransferDecoding.quotedPrintable(body)[...]
            default: break
            }
            let isEncoded = part.transferEncoding == "base64" || part.transferEncoding == "quoted-printable"
            #expect(part.defects.contains(.encodedCompositeType) == isEncoded, "\(label)")
            if MIMEPart.isHeadersOnlyType(part.contentType) {
                partCount += 1
                checked += 1
                var headers = HeaderSection.parse(inner, limits: limits)
                headers.defects.remove(.truncatedHeaderSection)
                guard let child = part.parts.first, part.parts.count == 1 else {
                    Issue.record("\(label): a headers-only part without its one child")
                    return
                }
                expectSame(child, headers: headers, body: inner[headers.bodyStart...], depth: depth + 1, "\(label).h")
                #expect(child.headers.defects == headers.defects && child.contentType.mimeType == "text/plain", "\(label)")
                #expect(child.parts.isEmpty && child.defects.isEmpty, "\(label)")
                return
            }
            // Text without a header field is read (and counted) but opens no child.
            if HeaderSection.parse(inner, limits: limits).fields.isEmpty {
                partCount += 1
                #expect(part.defects.contains(.invalidEncapsulatedMessage) && part.parts.isEmpty, "\(label)")
                return
            }
            guard let child = part.parts.first, part.parts.count == 1 else {
                Issue.record("\(label): a message part without its one child")
                return
            }
            check(child, bytes: inner, depth: depth + 1, "\(label).m")
        }
    }

    /// Parses `bytes` with `limits` and holds every part to the reference walk, `allParts()` and
    /// `identity` to the walk's order and count. Returns how many parts were checked.
    @discardableResult
    static func expectTreeAgreesWithReference(_ bytes: ByteSlice, limits: ParsingLimits = ParsingLimits(),
                                              _ label: String) -> Int {
        let message = ParsedMessage(parsing: bytes, limits: limits)
        var reference = Reference(limits: limits)
        reference.check(message.root, bytes: bytes, depth: 0, label)
        let all = message.allParts()
        #expect(all.count == reference.checked, "\(label)")
        #expect(Set(all.map(\.identity)).count == all.count, "\(label): identities not distinct")
        #expect(all.first?.identity == message.root.identity, "\(label)")
        #expect(message.headers.raw.indices == message.root.headers.raw.indices, "\(label)")
        return all.count
    }

    /// Every message of sisimai's maildir/bsd, in LF (every fourth in CRLF and CR too), from a slice
    /// that does not start at index 0, with the default limits and with small ones.
    @Test(.enabled(if: Corpus.isAvailable || { print(Corpus.skipMessage); return false }()))
    func corpusTreesAgreeWithTheReferenceWalk() throws {
        var small = ParsingLimits()
        small.maxParts = 3
        small.maxNestingDepth = 2
        var parts = 0
        let files = try Corpus.forEachSisimaiMessage(allEndingsEvery: 4) { file, ending, input in
            parts += Self.expectTreeAgreesWithReference(input, "\(file) \(ending)")
            Self.expectTreeAgreesWithReference(input, limits: small, "\(file) \(ending) small")
        }
        #expect(files > 500)
        #expect(parts > 2_000)
    }

    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Hostile and edge trees: nesting past the limit, more parts than the limit (with grandchildren
    /// read before the cut), a base64 and a quoted-printable message/rfc822 holding a multipart, a
    /// message/rfc822 with no header field, a headers-only part, an unclosed multipart.
    @Test func hostileTreesAgreeWithTheReferenceWalk() {
        var nested = ""
        for _ in 0..<40 { nested += "Content-Type: message/rfc822\n\n" }
        nested += "Subject: deep\n\nbody\n"
        var limits = ParsingLimits()
        #expect(Self.expectTreeAgreesWithReference(Self.ascii(nested)[...], "nested") == limits.maxNestingDepth + 1)

        var wide = "Content-Type: multipart/mixed; boundary=b\n\npreamble\n"
        for i in 0..<50 { wide += "--b\nContent-Type: text/plain\n\npart \(i)\n" }
        wide += "--b--\nepilogue\n"
        limits.maxParts = 10
        #expect(Self.expectTreeAgreesWithReference(Self.ascii(wide)[...], limits: limits, "wide") == 10)
        #expect(Self.expectTreeAgreesWithReference(Self.ascii(wide)[...], "wide default") == 51)

        // Children that are multiparts: their children are read before the next sibling, so the cut
        // falls among the outer parts after records of grandchildren.
        var inner = "Content-Type: multipart/mixed; boundary=c\n\n"
        for i in 0..<3 { inner += "--c\n\ngrandchild \(i)\n" }
        inner += "--c--\n"
        var grand = "Content-Type: multipart/mixed; boundary=b\n\n"
        for _ in 0..<5 { grand += "--b\n" + inner }
        grand += "--b--\n"
        for maxParts in [1, 2, 5, 7, 9, 12, 100] {
            limits.maxParts = maxParts
            Self.expectTreeAgreesWithReference(Self.ascii(grand)[...], limits: limits, "grand \(maxParts)")
        }

        let multipart = "Content-Type: multipart/alternative; boundary=x\n\n--x\nContent-Type: text/plain\n\nhello\n--x\nContent-Type: text/html\n\n<p>hi</p>\n--x--\n"
        let encoded = Data(("Subject: inner\n" + multipart).utf8).base64EncodedString(options: [.lineLength76Characters])
        let outer = "Content-Type: multipart/report; boundary=o\n\n--o\n\ntext\n--o\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
            + encoded + "\n--o\nContent-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable\n\nSubject: q=\n p\n\nbody=3D\n"
            + "--o\nContent-Type: message/rfc822\n\nno header here\n--o\nContent-Type: text/rfc822-headers\n\nFrom: a@b\nTo: c@d\n"
            + "--o\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n" + encoded + "\n--o\n\nunclosed\n"
        for text in [outer, outer.replacingOccurrences(of: "\n", with: "\r\n")] {
            let bytes = Self.ascii(text)[...]
            #expect(Self.expectTreeAgreesWithReference(bytes, "encoded") == 16)
            let message = ParsedMessage(parsing: bytes)
            // The decoded message's parts lie in the decoded body, not the message's bytes.
            let decoded = message.root.parts[1].parts[0]
            #expect(message.root.parts[1].defects.contains(.encodedCompositeType))
            #expect(decoded.parts.count == 2 && String(decoding: decoded.parts[0].body, as: UTF8.self) == "hello")
            #expect(String(decoding: decoded.parts[1].body, as: UTF8.self) == "<p>hi</p>")
            #expect(message.root.parts[3].defects.contains(.invalidEncapsulatedMessage) && message.root.parts[3].parts.isEmpty)
            for limit in [1, 3, 4, 6, 8, 13] {
                limits.maxParts = limit
                Self.expectTreeAgreesWithReference(bytes, limits: limits, "encoded \(limit)")
            }
        }
    }

    /// A multipart of far more body parts than the part limit keeps no more records than the limit
    /// lets be read: the parts past it are neither read nor given records (nor their places kept while
    /// the body is split), closed or not, and the defect is recorded.
    @Test func partsPastTheLimitGetNoRecords() {
        var wide = "Content-Type: multipart/mixed; boundary=b\n\n"
        for _ in 0..<20_000 { wide += "--b\n\nx\n" }
        for ending in ["--b--\n", "--b\n\nunclosed last part\n"] {
            var limits = ParsingLimits()
            limits.maxParts = 12
            let message = ParsedMessage(parsing: Self.ascii(wide + ending)[...], limits: limits)
            #expect(message.root.parts.count == 11)
            #expect(message.root.defects.contains(.tooManyParts))
            #expect(message.root.tree.head.pointee.count == 12)
            #expect(Self.expectTreeAgreesWithReference(Self.ascii(wide + ending)[...], limits: limits, "wide \(ending)") == 12)
        }
    }
}
