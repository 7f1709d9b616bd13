/// One entity of a MIME tree (RFC 2045 §2.4): its header, its content type, its body, and its children.
///
/// `body` is a slice of the message's buffer (still transfer-encoded). A multipart's `parts` are its
/// body parts; a `message/rfc822` or `message/global` part has the encapsulated message's root as its one
/// child; a `text/rfc822-headers` or `message/global-headers` part has one child holding just the headers.
public struct MIMEPart: Sendable {
    /// A part's values, as the parser builds them.
    @usableFromInline package struct Fields: Sendable {
        var headers: HeaderSection
        @usableFromInline var contentType: ContentType
        var transferEncoding: String
        var body: ByteSlice
        @usableFromInline var parts: [MIMEPart]
        var preamble: ByteSlice
        var epilogue: ByteSlice
        var defects: MIMEDefects
        var depth: Int
    }

    /// The values in one immutable box, so that a copy of a part is one retain instead of a dozen (the
    /// tree walks, `allParts` and the analysers' part lists copy parts ~20 times a message: copying and
    /// destroying them cost ~25M instructions on the sisimai mbox x3). Immutable, so reads need no
    /// exclusivity checks; a write (only the parser writes, and it builds `Fields` first) boxes anew.
    ///
    /// Usable from inlined code, with the two fields `withMediaType` and `forEachPart` read: those two
    /// are inlined into the tree walks of other modules (the bounce analysis), where each call went
    /// through the module's entry point, `withMediaType` its generic one, with a closure context
    /// (bsd.mbox x3: ~13,000 and ~7,000 calls; `Main.main` 325.56M -> 323.28M instructions).
    @usableFromInline final class Storage: Sendable {
        @usableFromInline let fields: Fields
        init(_ fields: consuming Fields) { self.fields = fields }
    }

    @usableFromInline var storage: Storage

    /// A part with these values.
    package init(_ fields: consuming Fields) { storage = Storage(fields) }

    /// Sets one value: a new box with the others copied.
    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }

    // `headers`, `contentType`, `body` and `parts` are read where they lie in the box (`_read`): a
    // getter returned a copy, retained and released by each reader (bsd.mbox x3: ~30,000 retains).

    /// The part's own header section (the message's header for the root).
    public var headers: HeaderSection {
        _read { yield storage.fields.headers }
        set { update { $0.headers = newValue } }
    }
    /// Content-Type, or its default (RFC 2045 §5.2; RFC 2046 §5.1.5 in multipart/digest).
    public var contentType: ContentType {
        _read { yield storage.fields.contentType }
        set { update { $0.contentType = newValue } }
    }
    /// Content-Transfer-Encoding, lower-cased; `7bit` when absent (RFC 2045 §6.1).
    public var transferEncoding: String {
        get { storage.fields.transferEncoding }
        set { update { $0.transferEncoding = newValue } }
    }
    /// The raw body: everything after the part's header section, still transfer-encoded.
    public var body: ByteSlice {
        _read { yield storage.fields.body }
        set { update { $0.body = newValue } }
    }
    /// Children: multipart body parts, or the one encapsulated message of a message/* part.
    public var parts: [MIMEPart] {
        _read { yield storage.fields.parts }
        set { update { $0.parts = newValue } }
    }
    /// A multipart's preamble (before the first delimiter), empty otherwise.
    public var preamble: ByteSlice {
        get { storage.fields.preamble }
        set { update { $0.preamble = newValue } }
    }
    /// A multipart's epilogue (after the close delimiter), empty otherwise.
    public var epilogue: ByteSlice {
        get { storage.fields.epilogue }
        set { update { $0.epilogue = newValue } }
    }
    /// What was tolerated while reading this part (its children record their own).
    public var defects: MIMEDefects {
        get { storage.fields.defects }
        set { update { $0.defects = newValue } }
    }
    /// Nesting level: 0 for the message itself.
    public var depth: Int {
        get { storage.fields.depth }
        set { update { $0.depth = newValue } }
    }

    /// The identity of the part's values, the same for every copy of the part (they share one box):
    /// a key for what a reader makes of a part once, kept while the tree is (read without the body's
    /// buffer taken, retained and released, as a key of the body's address took it).
    @inlinable package var identity: ObjectIdentifier { ObjectIdentifier(storage) }

    /// `contentType.type` and `contentType.subtype`, read without a copy of the whole content type
    /// (its parameters retained and released) as `contentType` makes: for the walks that only ask a
    /// part's media type.
    package var mediaType: (type: String, subtype: String) {
        (storage.fields.contentType.type, storage.fields.contentType.subtype)
    }

    /// `body(type, subtype)` of the part's media type, read where the strings lie: `mediaType` copied
    /// them (a retain and a release of each).
    @inlinable @inline(__always)
    package func withMediaType<Result>(_ body: (_ type: String, _ subtype: String) -> Result) -> Result {
        body(storage.fields.contentType.type, storage.fields.contentType.subtype)
    }

    /// Calls `body` with each child (`parts`), read in place in the box.
    @inlinable @inline(__always)
    package func forEachPart(_ body: (MIMEPart) -> Void) {
        storage.fields.parts.withUnsafeBufferPointer { parts in
            for i in parts.indices { body(parts[i]) }
        }
    }

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
        isEncapsulating(type.type, type.subtype)
    }

    /// Whether the media type `type/subtype` (lower case) carries a message or a message's header section.
    /// Inlined into the bounce analysis' tree walks (2,880 calls on bsd.mbox x3).
    @inlinable @inline(__always)
    package static func isEncapsulating(_ type: String, _ subtype: String) -> Bool {
        (isName(type, "message") && (isName(subtype, "rfc822") || isName(subtype, "global")
            || isName(subtype, "global-headers") || isName(subtype, "rfc822-headers")))
            || (isName(type, "text") && isName(subtype, "rfc822-headers"))
    }

    /// Whether the type holds only a header section (text/rfc822-headers, message/global-headers).
    package static func isHeadersOnlyType(_ type: ContentType) -> Bool {
        (isName(type.type, "text") && isName(type.subtype, "rfc822-headers"))
            || (isName(type.type, "message") && (isName(type.subtype, "global-headers") || isName(type.subtype, "rfc822-headers")))
    }

    /// `name == literal` for a media type or subtype and a lower-case literal of letters, digits and
    /// hyphens, the UTF-8 counts compared first: most questions are answered there, without the call
    /// `==` makes for two different strings (bsd.mbox x3: ~12,000 `_stringCompareWithSmolCheck` calls
    /// from the parser: 4.65M -> 3.78M over all callers, `isEncapsulating` 1.56M -> 0.96M). The same answer as `==`: no text that is not
    /// these bytes is canonically equivalent to them (the non-ASCII scalars equivalent to ASCII are
    /// U+212A to `K`, U+037E to `;` and U+1FEF to a grave accent, none in such a literal).
    /// Inlinable: the bounce analysis asks it from another module (bsd.mbox x3: ~13,800 calls, ~37
    /// instructions each through MailParsing's entry point).
    @inlinable @inline(__always)
    package static func isName(_ name: String, _ literal: String) -> Bool {
        name.utf8.count == literal.utf8.count && name == literal
    }

    /// Content-Disposition, if present.
    public var disposition: ContentDisposition? {
        headers.first("content-disposition").map { ContentDisposition.parse($0.unfoldedValue) }
    }

    /// The body with its transfer encoding undone (base64, quoted-printable); other encodings as they are.
    public func decodedBody() -> [UInt8] {
        decodedBodyIfEncoded() ?? Array(body)
    }

    /// The body with its base64 or quoted-printable encoding undone; nil for any other encoding (the
    /// body is then as it stands). The names are compared by length first (`isName`): nearly every
    /// part is `7bit` or `8bit`, which a `switch` compared with both names through
    /// `_stringCompareWithSmolCheck` (bsd.mbox x3: 7,440 calls; `decodedTextWithLFLineEnds` 17.70M ->
    /// 17.41M, `decodedBody` 5.40M -> 5.30M instructions inclusive).
    private func decodedBodyIfEncoded() -> [UInt8]? {
        let encoding = storage.fields.transferEncoding
        if Self.isName(encoding, "base64") { return TransferDecoding.base64(body) }
        if Self.isName(encoding, "quoted-printable") { return TransferDecoding.quotedPrintable(body) }
        return nil
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

    /// `decodedText()` with each CRLF and lone CR made LF (`TextDecoding.decodeTurningCRIntoLF`: one
    /// String made, not a second one without the CRs, the transfer encoding undone into it).
    package func decodedTextWithLFLineEnds() -> String {
        let kind = CharsetName.resolve(contentType.charset)
        let encoding = storage.fields.transferEncoding
        let transfer: TransferCoding = Self.isName(encoding, "base64") ? .base64
            : Self.isName(encoding, "quoted-printable") ? .quotedPrintable : .identity
        return TextDecoding.decodeTurningCRIntoLF(body, transfer: transfer, kind: kind)
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
        let fields = storage.fields
        fields.headers.defects.appendDistinctNames(into: &out)
        fields.defects.appendDistinctNames(into: &out)
        for part in fields.parts { part.appendDistinctDefectNames(into: &out) }
    }

    /// Defect names of this part and all below it.
    public var allDefectNames: [String] {
        var names = headers.defects.names + defects.names
        for part in parts { names += part.allDefectNames }
        return names
    }
}
