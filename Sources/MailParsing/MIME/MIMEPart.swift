/// One entity of a MIME tree (RFC 2045 §2.4): its header, its content type, its body, and its children.
///
/// `body` is a slice of the message's buffer (still transfer-encoded). A multipart's `parts` are its
/// body parts; a `message/rfc822` or `message/global` part has the encapsulated message's root as its one
/// child; a `text/rfc822-headers` or `message/global-headers` part has one child holding just the headers.
public struct MIMEPart: Sendable {
    /// The tree the part is in: every part of a message is a record of one object (`MIMETree`), so a
    /// copy of a part is one retain, and a message's tree one allocation, not a box and a children's
    /// array a part.
    @usableFromInline nonisolated(unsafe) let tree: MIMETree
    /// The part's record in `tree.nodes`.
    @usableFromInline let index: Int

    /// The part `index` of `tree`.
    @inlinable init(tree: MIMETree, index: Int) {
        self.tree = tree
        self.index = index
    }

    // `headers` and `contentType` are read where they lie in the tree (`_read`): a getter returned a
    // copy, retained and released by each reader (bsd.mbox x3: ~30,000 retains). `body`, `preamble`
    // and `epilogue` are kept as ranges and made slices when read (a retain, as a copy of a stored
    // slice took): the tree's records hold no reference to the buffer for them.

    /// The part's own header section (the message's header for the root).
    public var headers: HeaderSection {
        _read { yield tree.nodes[index].headers }
    }
    /// Content-Type, or its default (RFC 2045 §5.2; RFC 2046 §5.1.5 in multipart/digest).
    public var contentType: ContentType {
        _read { yield tree.nodes[index].contentType }
    }
    /// Content-Transfer-Encoding, lower-cased; `7bit` when absent (RFC 2045 §6.1).
    public var transferEncoding: String { tree.nodes[index].transferEncoding }
    /// The raw body: everything after the part's header section, still transfer-encoded (a slice of
    /// the message's buffer, or of the decoded body of an encoded `message/rfc822` it lies in).
    public var body: ByteSlice {
        tree.slice(of: tree.nodes[index].buffer, tree.nodes[index].body)
    }
    /// Children: multipart body parts, or the one encapsulated message of a message/* part.
    public var parts: Children {
        Children(tree: tree, first: tree.nodes[index].firstChild, count: tree.nodes[index].childCount)
    }
    /// A multipart's preamble (before the first delimiter), empty otherwise.
    public var preamble: ByteSlice {
        guard let range = tree.nodes[index].preamble else { return [] }
        return tree.slice(of: tree.nodes[index].buffer, range)
    }
    /// A multipart's epilogue (after the close delimiter), empty otherwise.
    public var epilogue: ByteSlice {
        guard let range = tree.nodes[index].epilogue else { return [] }
        return tree.slice(of: tree.nodes[index].buffer, range)
    }
    /// What was tolerated while reading this part (its children record their own).
    public var defects: MIMEDefects { tree.nodes[index].defects }
    /// Nesting level: 0 for the message itself.
    public var depth: Int { tree.nodes[index].depth }

    /// A part's children (`parts`): contiguous records of the tree, each made a `MIMEPart` when read.
    public struct Children: RandomAccessCollection, Sendable {
        @usableFromInline nonisolated(unsafe) let tree: MIMETree
        @usableFromInline let first: Int
        /// How many children.
        public let count: Int

        @inlinable init(tree: MIMETree, first: Int, count: Int) {
            self.tree = tree
            self.first = first
            self.count = count
        }

        @inlinable public var startIndex: Int { 0 }
        @inlinable public var endIndex: Int { count }
        /// The child at `position`, 0 for the first.
        @inlinable public subscript(position: Int) -> MIMEPart {
            precondition(position >= 0 && position < count, "MIMEPart.Children: index out of range")
            return MIMEPart(tree: tree, index: first &+ position)
        }
    }

    /// What `identity` gives: the part's tree and its place there.
    @usableFromInline package struct Identity: Hashable, Sendable {
        @usableFromInline let tree: ObjectIdentifier
        @usableFromInline let index: Int
        @inlinable init(tree: ObjectIdentifier, index: Int) {
            self.tree = tree
            self.index = index
        }
    }

    /// The identity of the part, the same for every copy of the part: a key for what a reader makes
    /// of a part once, kept while the tree is (the tree object's identity and the part's index in it).
    @inlinable package var identity: Identity { Identity(tree: ObjectIdentifier(tree), index: index) }

    /// `contentType.type` and `contentType.subtype`, read without a copy of the whole content type
    /// (its parameters retained and released) as `contentType` makes: for the walks that only ask a
    /// part's media type.
    package var mediaType: (type: String, subtype: String) {
        (tree.nodes[index].contentType.type, tree.nodes[index].contentType.subtype)
    }

    /// `body(type, subtype)` of the part's media type, read where the strings lie: `mediaType` copied
    /// them (a retain and a release of each).
    @inlinable @inline(__always)
    package func withMediaType<Result>(_ body: (_ type: String, _ subtype: String) -> Result) -> Result {
        body(tree.nodes[index].contentType.type, tree.nodes[index].contentType.subtype)
    }

    /// Calls `body` with each child (`parts`).
    @inlinable @inline(__always)
    package func forEachPart(_ body: (MIMEPart) -> Void) {
        let first = tree.nodes[index].firstChild, count = tree.nodes[index].childCount
        for i in 0..<count { body(MIMEPart(tree: tree, index: first &+ i)) }
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

    /// Whether the media type `type/subtype` (lower case) carries a message or a message's header section:
    /// message/rfc822, message/global, message/global-headers, message/rfc822-headers, text/rfc822-headers.
    /// By the subtype's length first: every such subtype has 6 or 14 bytes, and most parts' have neither.
    /// The one list of these types: the bounce analysis' tree walk had a copy of its own asking the length
    /// first, inlined there, where this is still a call (bsd.mbox x3, 2,880 questions: `Main.main` 278.84M
    /// with the copy, 279.14M without; `@_alwaysEmitIntoClient` did not inline it either, 278.92M).
    @inlinable @inline(__always)
    package static func isEncapsulating(_ type: String, _ subtype: String) -> Bool {
        switch subtype.utf8.count {
        case 6: return isName(type, "message") && (subtype == "rfc822" || subtype == "global")
        case 14:
            return subtype == "rfc822-headers" ? isName(type, "message") || isName(type, "text")
                : subtype == "global-headers" && isName(type, "message")
        default: return false
        }
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
    ///
    /// The body's slice is made once (`body` makes one from the part's record at each read) and the
    /// encoding's name compared by length first (`isName`): nearly every part is `7bit` or `8bit`,
    /// which a `switch` compared with both names through `_stringCompareWithSmolCheck` (bsd.mbox x3:
    /// 7,440 calls; `decodedTextWithLFLineEnds` 17.70M -> 17.41M, `decodedBody` 5.40M -> 5.30M
    /// instructions inclusive).
    public func decodedBody() -> [UInt8] {
        let body = self.body
        return Self.decoded(body, transferEncoding: tree.nodes[index].transferEncoding) ?? Array(body)
    }

    /// `body` with the transfer encoding `encoding` (base64, quoted-printable) undone; nil for any
    /// other encoding.
    static func decoded(_ body: ByteSlice, transferEncoding encoding: String) -> [UInt8]? {
        if isName(encoding, "base64") { return TransferDecoding.base64(body) }
        if isName(encoding, "quoted-printable") { return TransferDecoding.quotedPrintable(body) }
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
        let (transfer, kind) = textCoding
        return TextDecoding.decodeTurningCRIntoLF(body, transfer: transfer, kind: kind)
    }

    /// Appends `decodedTextWithLFLineEnds()` to `text`, decoded straight into it
    /// (`TextBuffer.appendDecodingTurningCRIntoLF`), without the part's String.
    package func appendDecodedTextWithLFLineEnds(to text: inout TextBuffer) {
        let (transfer, kind) = textCoding
        text.appendDecodingTurningCRIntoLF(body, transfer: transfer, kind: kind)
    }

    /// The body as it stands when it is its own `decodedTextWithLFLineEnds()` (an identity encoding, a
    /// byte-wise charset, and bytes `TextDecoding.isTextAsIs`), nil otherwise: for a reader of the
    /// decoded bytes that can read them in place, without the part's String and a copy of it.
    package var bodyIfDecodedAsIs: ByteSlice? {
        let (transfer, kind) = textCoding
        guard transfer == .identity, case let (_, readsUTF8)? = TextDecoding.byteWise(kind) else { return nil }
        let body = self.body
        return body.withUnsafeBufferPointer({ TextDecoding.isTextAsIs($0, readsUTF8: readsUTF8) }) ? body : nil
    }

    /// The transfer encoding and the charset the part's text is decoded from.
    private var textCoding: (TransferCoding, CharsetKind) {
        let kind = CharsetName.resolve(contentType.charset)
        let encoding = tree.nodes[index].transferEncoding
        let transfer: TransferCoding = Self.isName(encoding, "base64") ? .base64
            : Self.isName(encoding, "quoted-printable") ? .quotedPrintable : .identity
        return (transfer, kind)
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
        tree.nodes[index].defects.appendDistinctNames(into: &out)
        forEachPart { $0.appendDistinctDefectNames(into: &out) }
    }

    /// Defect names of this part and all below it.
    public var allDefectNames: [String] {
        var names = headers.defects.names + defects.names
        for part in parts { names += part.allDefectNames }
        return names
    }
}

/// A message's MIME tree: every part as a record (`MIMENode`), and the buffers the parts lie in. Made
/// once by `MIMEParser`, immutable after; `MIMEPart` is a tree and an index in it.
///
/// A part's children are contiguous records (a multipart reserves its children's records once its
/// delimiters are found; grandchildren go after), so `parts` is a range of records. The records lie
/// in the tree object itself (`ManagedBuffer`'s elements): one allocation a message, where each part
/// was a box and each composite an array of parts besides. They are read in place (an addressor's
/// reads, without an array's retain and bounds check); the parser reserves a multipart's children's
/// records uninitialized until each is parsed.
///
/// Not `Sendable` (a `ManagedBuffer` cannot be): the parts that hold it are, by hand
/// (`nonisolated(unsafe)`), since the records and the header are written only by the parser, before
/// the tree is handed out, and only read after.
@usableFromInline package final class MIMETree: ManagedBuffer<MIMETreeHeader, MIMENode> {
    /// A part's record.
    package typealias Node = MIMENode

    /// A tree with room for at least `capacity` records, none initialized, of a message read from
    /// `message`.
    static func make(capacity: Int, message: ByteSlice) -> MIMETree {
        unsafeDowncast(create(minimumCapacity: capacity) { _ in MIMETreeHeader(count: 0, message: message, decoded: []) },
                       to: MIMETree.self)
    }

    /// Every part's record, the root first: `count` of the header's, owned by the tree. The pointer is
    /// taken out of `withUnsafeMutablePointerToElements`: the elements lie in the object and never
    /// move, and every reader holds the tree (a part's `tree`) while it reads.
    @usableFromInline var nodes: UnsafeMutablePointer<MIMENode> {
        @inline(__always) get { withUnsafeMutablePointerToElements { $0 } }
    }

    /// The header, read and written in place (`header` is a class's `var`: each access checked for
    /// exclusivity at run time).
    var head: UnsafeMutablePointer<MIMETreeHeader> {
        @inline(__always) get { withUnsafeMutablePointerToHeader { $0 } }
    }

    deinit {
        withUnsafeMutablePointers { header, nodes in _ = nodes.deinitialize(count: header.pointee.count) }
    }

    /// `range` of buffer `buffer` (`Node.buffer`).
    @inline(__always)
    func slice(of buffer: Int, _ range: Range<Int>) -> ByteSlice {
        buffer == 0 ? head.pointee.message[range] : head.pointee.decoded[buffer &- 1][range]
    }
}

/// What a `MIMETree` holds beside its records.
@usableFromInline package struct MIMETreeHeader: Sendable {
    /// How many records are initialized (set when the tree is made: the parser's reserved records
    /// are not).
    var count: Int
    /// The bytes the message was parsed from.
    let message: ByteSlice
    /// Bodies decoded to be parsed (`.encodedCompositeType`), buffers 1, 2, ... of the records.
    var decoded: [ByteSlice]
}

/// One part's values. Its body, preamble and epilogue are index ranges of the buffer `buffer`.
@usableFromInline package struct MIMENode: Sendable {
    var headers: HeaderSection
    @usableFromInline var contentType: ContentType
    var transferEncoding: String
    /// Which buffer the part lies in: 0 the message's (`message`), k the decoded body
    /// `decoded[k - 1]` an encoded `message/rfc822` was parsed from.
    var buffer: Int
    var body: Range<Int>
    /// A multipart's preamble, nil when there is none (the part's `preamble` is then `[]`).
    var preamble: Range<Int>?
    /// A multipart's epilogue, nil when there is none.
    var epilogue: Range<Int>?
    var defects: MIMEDefects
    var depth: Int
    /// The first child's record and how many children there are.
    @usableFromInline var firstChild: Int
    @usableFromInline var childCount: Int
}
