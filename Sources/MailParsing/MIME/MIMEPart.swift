/// One entity of a MIME tree (RFC 2045 §2.4): its header, its content type, its body, and its children.
///
/// `body` is a slice of the message's buffer (still transfer-encoded). A multipart's `parts` are its
/// body parts; a `message/rfc822` or `message/global` part has the encapsulated message's root as its one
/// child; a `text/rfc822-headers` or `message/global-headers` part has one child holding just the headers.
public struct MIMEPart: Sendable {
    /// The part's own header section (the message's header for the root).
    public var headers: HeaderSection
    /// Content-Type, or its default (RFC 2045 §5.2; RFC 2046 §5.1.5 in multipart/digest).
    public var contentType: ContentType
    /// Content-Transfer-Encoding, lower-cased; `7bit` when absent (RFC 2045 §6.1).
    public var transferEncoding: String
    /// The raw body: everything after the part's header section, still transfer-encoded.
    public var body: ByteSlice
    /// Children: multipart body parts, or the one encapsulated message of a message/* part.
    public var parts: [MIMEPart]
    /// A multipart's preamble (before the first delimiter), empty otherwise.
    public var preamble: ByteSlice
    /// A multipart's epilogue (after the close delimiter), empty otherwise.
    public var epilogue: ByteSlice
    /// What was tolerated while reading this part (its children record their own).
    public var defects: MIMEDefects
    /// Nesting level: 0 for the message itself.
    public var depth: Int

    /// Whether this is a multipart with children.
    public var isMultipart: Bool { contentType.type == "multipart" }

    /// The encapsulated message's root part, for message/rfc822, message/global and the headers-only types.
    public var encapsulatedMessage: MIMEPart? {
        isEncapsulating ? parts.first : nil
    }

    /// Whether the type carries a message or a message's header section.
    public var isEncapsulating: Bool {
        Self.isEncapsulatingType(contentType)
    }

    package static func isEncapsulatingType(_ type: ContentType) -> Bool {
        (type.type == "message" && (type.subtype == "rfc822" || type.subtype == "global"
            || type.subtype == "global-headers" || type.subtype == "rfc822-headers"))
            || (type.type == "text" && type.subtype == "rfc822-headers")
    }

    /// Whether the type holds only a header section (text/rfc822-headers, message/global-headers).
    package static func isHeadersOnlyType(_ type: ContentType) -> Bool {
        (type.type == "text" && type.subtype == "rfc822-headers")
            || (type.type == "message" && (type.subtype == "global-headers" || type.subtype == "rfc822-headers"))
    }

    /// Content-Disposition, if present.
    public var disposition: ContentDisposition? {
        headers.first("content-disposition").map { ContentDisposition.parse($0.unfoldedValue) }
    }

    /// The body with its transfer encoding undone (base64, quoted-printable); other encodings as they are.
    public func decodedBody() -> [UInt8] {
        switch transferEncoding {
        case "base64": return TransferDecoding.base64(body)
        case "quoted-printable": return TransferDecoding.quotedPrintable(body)
        default: return Array(body)
        }
    }

    /// The decoded body converted from its charset to text (UTF-8 assumed where none is given, Latin-1
    /// where bytes are not UTF-8). Never fails.
    public func decodedText() -> String {
        switch transferEncoding {
        case "base64", "quoted-printable":
            return TextDecoding.decode(decodedBody()[...], charset: contentType.charset)
        default:
            // An identity encoding (7bit, 8bit, binary, none): the body itself, without the copy
            // `decodedBody` returns.
            return TextDecoding.decode(body, charset: contentType.charset)
        }
    }

    /// This part and all below it, depth-first, in document order.
    public func allParts() -> [MIMEPart] {
        var out: [MIMEPart] = []
        collect(into: &out)
        return out
    }

    private func collect(into out: inout [MIMEPart]) {
        out.append(self)
        for part in parts { part.collect(into: &out) }
    }

    /// The first part (this one included, depth-first) whose type is `type/subtype`.
    public func firstPart(_ type: String, _ subtype: String) -> MIMEPart? {
        if contentType.is(type, subtype) { return self }
        for part in parts {
            if let hit = part.firstPart(type, subtype) { return hit }
        }
        return nil
    }

    /// Defect names of this part and all below it, each once, in order of first appearance (what
    /// `allDefectNames` with repeats dropped gives, without its arrays: most parts have no defect).
    package func appendDistinctDefectNames(into out: inout [String]) {
        headers.defects.appendDistinctNames(into: &out)
        defects.appendDistinctNames(into: &out)
        for i in parts.indices { parts[i].appendDistinctDefectNames(into: &out) }
    }

    /// Defect names of this part and all below it.
    public var allDefectNames: [String] {
        var names = headers.defects.names + defects.names
        for part in parts { names += part.allDefectNames }
        return names
    }
}
